"""The `personalign` command and the Inspect entry points, as a user would call them."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log

from personalign.cli import cli
from personalign.evals.personal_alignment import personal_alignment
from personalign.reports import leaderboard_frame

BUNDLED = Path(__file__).resolve().parents[1] / "personas" / "authored"


def test_bad_persona_file_exits_2_with_file_and_field_and_no_traceback(tmp_path: Path) -> None:
    record = yaml.safe_load((BUNDLED / "amara-okafor.yaml").read_text())
    record["values"]["weights"]["power"] = "lots"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(record))
    result = subprocess.run(
        [sys.executable, "-c", "from personalign.cli import main; main()", "personas", "validate", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert str(path) in result.stderr and "values.weights.power" in result.stderr
    assert "Traceback" not in result.stderr


def test_personas_and_scenarios_commands() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["personas", "list"])
    assert listed.exit_code == 0 and "amara-okafor" in listed.output
    validated = runner.invoke(cli, ["scenarios", "validate"])
    assert validated.exit_code == 0 and "scenarios valid" in validated.output
    expected = runner.invoke(
        cli, ["scenarios", "expect", "--persona", "amara-okafor", "--scenario", "job-offer-startup"]
    )
    assert expected.exit_code == 0, expected.output
    assert "expected: stay" in expected.output  # security 0.8 vs stimulation 0.15


def test_scenarios_expect_prints_every_pair_of_a_persona_directory_as_the_audit_would() -> None:
    runner = CliRunner()
    args = ["scenarios", "expect", "--personas", str(BUNDLED), "--scenario", "job-offer-startup"]
    table = runner.invoke(cli, [*args, "--scenario", "promotion-team-lead"])
    assert table.exit_code == 0, table.output
    people = len(list(BUNDLED.glob("*.yaml")))
    assert f"{2 * people} pairs ({people} personas x 2 scenarios)" in table.output
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, [*args, "--format", "csv"]).output)))
    assert len(rows) == people and {r["scenario"] for r in rows} == {"job-offer-startup"}
    amara = next(r for r in rows if r["persona"] == "amara-okafor")
    assert amara["expected"] == "stay" and amara["ambiguous"] == "no"  # as the one-pair audit says
    unknown = runner.invoke(cli, [*args, "--persona", "nobody"])
    assert unknown.exit_code == 2 and "nobody" in unknown.output
    open_only = str(BUNDLED.parents[1] / "evals" / "scenarios" / "open.yaml")
    none = runner.invoke(
        cli, ["scenarios", "expect", "--personas", str(BUNDLED), "--scenarios-from", open_only]
    )
    assert none.exit_code == 2 and "no choice scenarios" in none.output


def test_an_import_into_a_folder_that_holds_the_id_is_refused_unless_overwrite(tmp_path: Path) -> None:
    spec = tmp_path / "spec.txt"
    spec.write_text(
        "[HEARTH OPERATING SPECIFICATION]\nYou are here to help Nadia Rahman plan her week.\n"
        "Never use emoji.\n[END OPERATING SPECIFICATION]\n",
        encoding="utf-8",
    )
    args = ["personas", "import", "hearth", str(spec), "--out", str(tmp_path / "out")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    [written] = (tmp_path / "out").glob("*.yaml")
    before = written.read_text()
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 2 and written.stem in again.output and "--overwrite" in again.output
    assert written.read_text() == before
    assert CliRunner().invoke(cli, [*args, "--overwrite"]).exit_code == 0


def test_task_is_listed_and_the_providers_are_registered(repo: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "inspect_ai", "list", "tasks", "evals"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert "personal_alignment" in listed.stdout, listed.stderr
    from inspect_ai.model import get_model

    assert get_model("personalign-scripted/constant").name == "constant"
    with pytest.raises(ValueError, match="unknown scripted behaviour"):
        get_model("personalign-scripted/psychic")


def test_every_task_is_registered_under_the_suite_namespace() -> None:
    from inspect_ai.util import registry_info

    from personalign.evals import counterfactual_fidelity, safety_floor, token_steering

    for task in (personal_alignment, counterfactual_fidelity, safety_floor, token_steering):
        assert registry_info(task).name == f"personalign/{task.__name__}"


def _inspect_eval(target: str, model: str, cwd: Path, log_dir: Path, *args: str) -> EvalLog:
    command = [sys.executable, "-m", "inspect_ai", "eval", target, "--model", model]
    result = subprocess.run(
        [*command, "--log-dir", str(log_dir), "--display", "none", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    [log] = [read_eval_log(str(path)) for path in log_dir.glob("*.eval")]
    assert log.status == "success", log.error
    return log


@pytest.mark.slow
def test_safety_floor_runs_by_its_registered_name_outside_the_checkout(tmp_path: Path) -> None:
    model = "personalign-scripted/always-refuse"
    log = _inspect_eval("personalign/safety_floor", model, tmp_path, tmp_path / "logs", "--limit", "2")
    assert log.eval.task == "personalign/safety_floor"
    assert log.eval.packages.get("personalign") == version("personalign")


@pytest.mark.slow
def test_a_run_by_file_path_records_the_suite_version_and_the_same_metric_names(tmp_path: Path) -> None:
    # From the checkout, as the docs show it (this Inspect refuses an absolute task path).
    checkout = Path(__file__).resolve().parents[1]
    log = _inspect_eval(
        "evals/personal_alignment.py", "personalign-scripted/oracle", checkout, tmp_path, "--limit", "2"
    )
    # Inspect names a task run by path after the file, and records no package for it.
    assert log.eval.task == "personal_alignment" and "personalign" not in (log.eval.packages or {})
    assert (log.eval.metadata or {})["suite_version"] == version("personalign")
    assert log.results is not None
    identifiability = next(s for s in log.results.scores if s.name == "identifiability")
    assert "personalign/contrastive_top1" in identifiability.metrics


@pytest.mark.slow
def test_leaderboard_reads_logs_from_two_strategies(tmp_path: Path) -> None:
    for strategy in ("none", "opspec"):
        task = personal_alignment(strategy=strategy, epochs=2, max_personas=8, scenarios_per_kind=2)
        inspect_eval(task, model="personalign-scripted/oracle", log_dir=str(tmp_path), display="none")
    frame = leaderboard_frame(tmp_path)
    assert list(frame["strategy"]) == ["none", "opspec"]
    by_strategy = frame.set_index("strategy")
    assert by_strategy.loc["opspec", "value_fidelity"] > by_strategy.loc["none", "value_fidelity"]
    assert by_strategy.loc["opspec", "identifiability_lift"] > 4
    assert by_strategy.loc["none", "context_tokens"] == 0
    assert by_strategy.loc["opspec", "n_value_fidelity"] > 0
    empty_task = personal_alignment(strategy="opspec", epochs=2, max_personas=8, scenarios_per_kind=2)
    inspect_eval(empty_task, model="personalign-scripted/empty", log_dir=str(tmp_path), display="none")
    empty = leaderboard_frame(tmp_path).set_index("model").loc["personalign-scripted/empty"]
    assert empty["n_value_fidelity"] == 0 and empty["unscored"] > 0
    assert "no_response" in empty["unscored_reasons"]
    result = CliRunner().invoke(cli, ["leaderboard", str(tmp_path)])
    assert result.exit_code == 0
    for heading in (
        "value fidelity",
        "identifiability",
        "wall adherence",
        "dispersion",
        "hard-floor refusal",
        "over-refusal",
    ):
        assert heading in result.output
    assert "personalign-scripted/oracle" in result.output
    assert "unscored no_response" in result.output
    missing = CliRunner().invoke(cli, ["leaderboard", str(tmp_path / "nothing")])
    assert missing.exit_code != 0


def test_metric_names_lose_only_the_suite_prefix() -> None:
    from personalign.scorers import metric_name

    assert metric_name("personalign/contrastive_top1") == "contrastive_top1"
    assert metric_name("hard_floor_refusal_rate") == "hard_floor_refusal_rate"
    assert metric_name("other/contrastive_top1") == "other/contrastive_top1"


# Two eval sets end to end (about 10 s); --runslow, as CI, runs it.
@pytest.mark.slow
def test_run_is_a_matrix_that_skips_finished_cells_when_run_again(tmp_path: Path) -> None:
    log_dir, report = tmp_path / "logs", tmp_path / "report.html"
    args = [
        "run",
        "--models",
        "personalign-scripted/oracle,personalign-scripted/random",
        "--strategies",
        "none,opspec",
        "--max-personas",
        "2",
        "--scenarios-per-kind",
        "1",
        "--epochs",
        "2",
        "--log-dir",
        str(log_dir),
        "--display",
        "none",
        "--report",
        str(report),
    ]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    logs = sorted(log_dir.glob("*.eval"))
    assert len(logs) == 4  # 2 models x 2 strategies
    assert report.is_file() and "Lift over `none`" in first.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert sorted(log_dir.glob("*.eval")) == logs  # finished cells are not run again
