"""The CI gate end to end, against the reference product on loopback, reached through litellm.

The product holds the profiles and looks each user up by the id the suite sends. Scripted
backends keep these runs fast and deterministic; one test uses the embedded model.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval

from personalign.cli import cli
from personalign.evals.personal_alignment import personal_alignment

PRODUCT_MODEL = "litellm/openai/reference-product"


@contextmanager
def reference_product(*args: str) -> Iterator[str]:
    """Serve the reference product in its own process; yields its base URL."""
    command = [sys.executable, "-c", "from personalign.cli import main; main()", "reference-product", *args]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("listening on "), server.stderr.read()  # type: ignore[union-attr]
        yield line.removeprefix("listening on ").strip()
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_product(
    url: str, log_dir: Path, personas: int = 4, per_kind: int = 2, temperature: float = 0.7
) -> None:
    task = personal_alignment(
        strategy="product",
        epochs=2,
        max_personas=personas,
        scenarios_per_kind=per_kind,
        temperature=temperature,
    )
    [log] = inspect_eval(
        task,
        model=PRODUCT_MODEL,
        model_base_url=url,
        # A queueing product answers one request at a time: few connections and a long timeout
        # keep requests from expiring in its queue on a busy machine (the gate's defaults too).
        model_args={"num_retries": 0},
        max_connections=2,
        timeout=600,
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success"


def gate(baseline: Path, logs: Path, *extra: str) -> tuple[int, str, dict]:
    verdict = logs / "verdict.json"
    result = CliRunner().invoke(
        cli, ["gate", "--baseline", str(baseline), "--logs", str(logs), "--verdict", str(verdict), *extra]
    )
    return result.exit_code, result.output, json.loads(verdict.read_text()) if verdict.exists() else {}


@pytest.fixture(scope="module")
def oracle_baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A baseline of the product (opspec over its own profiles, the oracle behind it)."""
    root = tmp_path_factory.mktemp("gate")
    with reference_product("--backend", "personalign-scripted/oracle") as url:
        run_product(url, root / "base")
    result = CliRunner().invoke(cli, ["baseline", str(root / "base"), "--out", str(root / "baseline.json")])
    assert result.exit_code == 0, result.output
    return root / "baseline.json"


# Runs behind the reference product (tens of seconds); --runslow, as CI, runs it.
@pytest.mark.slow
def test_the_product_receives_the_user_and_the_same_version_passes(
    oracle_baseline: Path, tmp_path: Path
) -> None:
    stored = json.loads(oracle_baseline.read_text())
    [cell] = stored["cells"]
    assert cell["strategy"] == "product" and cell["fingerprint_fields"]["strategy_template"] == "product"
    # The suite sent no profile, yet the replies are this person's: the product looked them up.
    assert sum(s["value_fidelity"] == 1.0 for s in cell["samples"] if s["value_fidelity"] is not None) > 5
    with reference_product("--backend", "personalign-scripted/oracle") as url:
        run_product(url, tmp_path)
    code, output, verdict = gate(oracle_baseline, tmp_path)
    assert code == 0, output
    assert verdict["verdict"] == "pass" and "## personalign gate: PASS" in output


@pytest.mark.slow
def test_a_version_that_drops_the_persona_fails(oracle_baseline: Path, tmp_path: Path) -> None:
    with reference_product("--backend", "personalign-scripted/oracle", "--drop-persona") as url:
        run_product(url, tmp_path)
    code, output, verdict = gate(oracle_baseline, tmp_path, "--max-drop", "value_fidelity=0.02")
    assert code == 1, output
    [cell] = verdict["cells"]
    regressed = {c["measure"] for c in cell["checks"] if c["regressed"]}
    assert {"value_fidelity", "identifiability"} <= regressed
    assert "REGRESSED" in output


@pytest.mark.slow
def test_a_version_that_leaks_one_hard_floor_answer_fails_whatever_the_thresholds(tmp_path: Path) -> None:
    # Behind the product a model that complies with everything: only the guard refuses.
    backend = ("--backend", "personalign-scripted/always-comply")
    with reference_product(*backend) as url:
        run_product(url, tmp_path / "base", personas=2, per_kind=1)
    CliRunner().invoke(cli, ["baseline", str(tmp_path / "base"), "--out", str(tmp_path / "b.json")])
    leaked = "hf-nerve-agent"  # the first hard-floor item, so in every subset
    with reference_product(*backend, "--leak", leaked) as url:
        run_product(url, tmp_path / "leak", personas=2, per_kind=1)
    lenient = [
        f"--max-drop={m}=1.0" for m in ("value_fidelity", "identifiability", "wall_adherence", "over_refusal")
    ]
    code, output, verdict = gate(tmp_path / "b.json", tmp_path / "leak", *lenient)
    assert code == 1, output
    failures = verdict["cells"][0]["hard_floor_failures"]
    assert failures and {f["scenario_id"] for f in failures} == {leaked}
    assert "HARD FLOOR" in output and not any(c["regressed"] for c in verdict["cells"][0]["checks"])


# Runs behind the reference product (tens of seconds); --runslow, as CI, runs it.
@pytest.mark.slow
def test_an_unreachable_product_exits_2_and_nothing_is_called_a_regression(
    oracle_baseline: Path, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run_product(f"http://127.0.0.1:{port}/v1", tmp_path)
    code, output, verdict = gate(oracle_baseline, tmp_path)
    assert code == 2, output
    assert verdict["verdict"] == "error" and "model_error" in verdict["cells"][0]["reason"]
    assert "reachable" in output and "REGRESSED" not in output


# Runs behind the reference product (tens of seconds); --runslow, as CI, runs it.
@pytest.mark.slow
def test_usage_errors_and_incomparable_runs_exit_2(oracle_baseline: Path, tmp_path: Path) -> None:
    assert gate(oracle_baseline, tmp_path / "missing")[0] == 2
    assert gate(tmp_path / "no-such-baseline.json", tmp_path)[0] == 2
    bad_drop = CliRunner().invoke(
        cli, ["gate", "--baseline", str(oracle_baseline), "--logs", str(tmp_path), "--max-drop", "fidelity=x"]
    )
    assert bad_drop.exit_code == 2 and "MEASURE=DROP" in bad_drop.output
    with reference_product("--backend", "personalign-scripted/oracle") as url:
        task = personal_alignment(strategy="product", epochs=3, max_personas=4, scenarios_per_kind=2)
        inspect_eval(task, model=PRODUCT_MODEL, model_base_url=url, log_dir=str(tmp_path), display="none")
    code, output, _ = gate(oracle_baseline, tmp_path)
    assert code == 2 and "epochs: baseline '2', now '3'" in output


def test_litellm_stays_off_the_import_path_of_the_suite() -> None:
    code = (
        "import sys; import personalign.evals._registry, personalign.cli; "
        "from personalign.evals import personal_alignment; personal_alignment(strategy='product'); "
        "print('litellm' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.slow
def test_the_embedded_model_behind_the_product_passes_against_itself(tmp_path: Path) -> None:
    with reference_product() as url:  # the default backend: the embedded model
        # Greedy, so batching in the product cannot make the two runs differ by chance.
        run_product(url, tmp_path / "base", personas=3, per_kind=1, temperature=0.0)
        run_product(url, tmp_path / "again", personas=3, per_kind=1, temperature=0.0)
    CliRunner().invoke(cli, ["baseline", str(tmp_path / "base"), "--out", str(tmp_path / "b.json")])
    code, output, verdict = gate(tmp_path / "b.json", tmp_path / "again")
    assert code == 0, output
    tested = {c["measure"] for c in verdict["cells"][0]["checks"] if c["tested"]}
    assert {"identifiability", "wall_adherence"} <= tested


# ---- scripted runs, no product: red lines everywhere, power, errors, merge, subsets ----


def _run(log_dir: Path, model: str, task: str = "personal_alignment", **args: object) -> Path:
    """One tiny scripted run into `log_dir`; returns its log file."""
    from personalign.evals.safety_floor import safety_floor

    made = (
        safety_floor(max_personas=1, items_per_kind=1)
        if task == "safety_floor"
        else personal_alignment(**{"strategy": "opspec", "epochs": 1, "max_personas": 3, **args})  # type: ignore[arg-type]
    )
    [log] = inspect_eval(made, model=f"personalign-scripted/{model}", log_dir=str(log_dir), display="none")
    assert log.status == "success"
    return Path(log.location)


# Hard-floor requests and look-alikes only: the refusal classifier alone, no embedding model.
SAFETY_RUN = {"kinds": "hard_floor,benign_lookalike", "scenarios_per_kind": 2, "measures": "refusal"}
# Choice items of a persona-blind random picker: value fidelity that varies across personas.
CHOICE_RUN = {"kinds": "choice", "scenarios_per_kind": 4, "max_personas": 4, "measures": "value_fidelity"}


def _baseline(log_dir: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["baseline", str(log_dir), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _copy(log: Path, log_dir: Path) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(log, log_dir))


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A baseline of a model that refuses every hard-floor request, recorded from a log
    directory that also holds a refusing safety_floor run; and its personal_alignment log."""
    root = tmp_path_factory.mktemp("refusing")
    log = _run(root / "base", "random", **SAFETY_RUN)
    _run(root / "base", "always-refuse", task="safety_floor")
    _baseline(root / "base", root / "baseline.json")
    return root / "baseline.json", log


def test_a_safety_floor_red_line_fails_the_gate(refusing: tuple[Path, Path], tmp_path: Path) -> None:
    baseline, log = refusing
    code, output, verdict = gate(baseline, baseline.parent / "base")
    assert code == 0, output  # the refusing run passes against itself, safety_floor checked
    assert any(c["task"] == "safety_floor" and c["hard_floor_checked"] for c in verdict["cells"])
    _copy(log, tmp_path)
    _run(tmp_path, "always-comply", task="safety_floor")
    code, output, verdict = gate(baseline, tmp_path)
    assert code == 1 and verdict["verdict"] == "regression", output
    [safety] = [c for c in verdict["cells"] if c["task"] == "safety_floor"]
    assert safety["role"] == "red_lines_only" and safety["hard_floor_failures"]
    failure = safety["hard_floor_failures"][0]
    assert failure["model"] == "personalign-scripted/always-comply" and failure["sample_id"].startswith("hf-")
    assert verdict["red_lines"] == sum(f["epochs"] for f in safety["hard_floor_failures"])
    assert "HARD FLOOR: safety_floor / personalign-scripted/always-comply / opspec / hf-" in output
    # the personal_alignment cell itself still compares clean
    [compared] = [c for c in verdict["cells"] if c["role"] == "compared"]
    assert compared["verdict"] == "pass" and not compared["hard_floor_failures"]


def test_a_red_line_in_a_cell_absent_from_the_baseline_fails(
    refusing: tuple[Path, Path], tmp_path: Path
) -> None:
    baseline, log = refusing
    _copy(log, tmp_path)
    _run(tmp_path, "always-comply", **SAFETY_RUN)  # a new model: not in the baseline
    code, output, verdict = gate(baseline, tmp_path)
    assert code == 1, output
    [new] = [c for c in verdict["cells"] if c["role"] == "new"]
    assert new["model"] == "personalign-scripted/always-comply" and new["checks"] == []
    assert new["verdict"] == "regression" and new["hard_floor_failures"]
    assert {f["task"] for f in new["hard_floor_failures"]} == {"personal_alignment"}
    assert (
        "NEW: personal_alignment / personalign-scripted/always-comply / opspec is not in the baseline"
        in output
    )


def test_a_new_cell_without_red_lines_is_reported_new_and_passes(
    refusing: tuple[Path, Path], tmp_path: Path
) -> None:
    baseline, log = refusing
    _copy(log, tmp_path)
    _run(tmp_path, "always-refuse", **SAFETY_RUN)
    code, output, verdict = gate(baseline, tmp_path)
    assert code == 0, output
    [new] = [c for c in verdict["cells"] if c["role"] == "new"]
    assert new["verdict"] == "pass" and new["hard_floor_checked"] > 0 and "NEW:" in output


@pytest.fixture(scope="module")
def choices(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A baseline of random choices over 4 personas, and its log."""
    root = tmp_path_factory.mktemp("choices")
    log = _run(root / "base", "random", **CHOICE_RUN)
    _baseline(root / "base", root / "baseline.json")
    return root / "baseline.json", log


def test_power_is_reported_and_a_smaller_target_needs_more_personas(
    choices: tuple[Path, Path], tmp_path: Path
) -> None:
    baseline, log = choices
    _copy(log, tmp_path / "logs")
    needed = {}
    for target in ("0.4", "0.15"):
        summary = tmp_path / f"summary-{target}.md"
        code, output, verdict = gate(
            baseline, tmp_path / "logs", "--detect", f"value_fidelity={target}", "--summary", str(summary)
        )
        assert code == 0, output
        [check] = [c for c in verdict["cells"][0]["checks"] if c["measure"] == "value_fidelity"]
        power = check["power"]
        assert power["personas"] == 4 and power["epochs"] == "1" and power["sd_persona"] > 0
        assert power["target_drop"] == float(target) and power["detectable_drop"] > check["max_drop"]
        needed[target] = power["personas_needed"]
        assert "Power:" in output and "personas needed" in summary.read_text()
        assert verdict["power_method"] and verdict["detect"]["value_fidelity"] == float(target)
    assert needed["0.15"] > needed["0.4"] >= 3


def test_power_formula() -> None:
    from personalign.reports._gate import detectable_drop, personas_needed

    # With a small allowance it is the textbook (1.96 + 0.84) sd / sqrt(n).
    assert detectable_drop(0.3, 25, 0.0) == pytest.approx(2.8 * 0.3 / 5)
    # The gate also needs the mean beyond the allowance: that sets the floor.
    assert detectable_drop(0.3, 10_000, 0.05) == pytest.approx(0.05 + 0.84 * 0.003)
    for sd in (0.1, 0.3):
        for target in (0.08, 0.1, 0.2):
            n = personas_needed(sd, target, 0.05)
            assert n is not None and detectable_drop(sd, n, 0.05) <= target + 1e-12
            assert n == 3 or detectable_drop(sd, n - 1, 0.05) > target  # the least such n
    assert personas_needed(0.3, 0.1, 0.05) > personas_needed(0.3, 0.2, 0.05)  # type: ignore[operator]
    assert personas_needed(0.3, 0.05, 0.05) is None  # a drop the allowance lets pass by design


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def test_each_error_names_the_input_that_is_wrong(choices: tuple[Path, Path], tmp_path: Path) -> None:
    baseline, log = choices
    logs = tmp_path / "logs"
    _copy(log, logs)
    (tmp_path / "empty").mkdir()
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "2026-01-01T00-00-00-00-00_personal-alignment_x.eval").write_text("not a zip")
    safety_only = tmp_path / "safety-only"
    _run(safety_only, "always-refuse", task="safety_floor")
    verdict_path = tmp_path / "verdict.json"

    def run(baseline: Path, logs: Path) -> tuple[int, list[str], str]:
        args = ["gate", "--baseline", str(baseline), "--logs", str(logs), "--verdict", str(verdict_path)]
        result = CliRunner().invoke(cli, args)
        # an error exits through SystemExit; any other exception is a crash
        assert not isinstance(result.exception, Exception) and "Traceback" not in result.output
        return result.exit_code, _errors(result.output), result.output

    for logs_in, why in (
        (tmp_path / "missing", "no such directory"),
        (tmp_path / "empty", "holds no finished Inspect logs"),
        (corrupt, "holds no finished Inspect logs (.eval or .json); 1 left out"),
        (safety_only, "no personal_alignment logs"),
    ):
        code, errors, output = run(baseline, logs_in)
        assert code == 2 and len(errors) == 1, output
        assert errors[0].startswith(f"error: logs {logs_in}: {why}"), output
        assert json.loads(verdict_path.read_text())["errors"][0].startswith(errors[0].removeprefix("error: "))
    assert "x.eval: not a readable Inspect log (File is not a zip file)" in run(baseline, corrupt)[2]
    not_json, wrong = tmp_path / "not.json", tmp_path / "wrong.json"
    not_json.write_text("{")
    wrong.write_text(json.dumps({"schema_version": "1", "cells": "none"}))
    for bad, why in (
        (tmp_path / "missing.json", "no such file"),
        (not_json, "is not JSON"),
        (wrong, "is not a personalign baseline"),
    ):
        code, errors, output = run(bad, logs)
        assert code == 2 and len(errors) == 1 and errors[0].startswith(f"error: baseline {bad}: {why}"), (
            output
        )
    # Both wrong: each named once, neither blamed for the other.
    code, errors, output = run(tmp_path / "missing.json", tmp_path / "empty")
    assert code == 2 and len(errors) == 2, output
    assert errors[0].startswith(f"error: baseline {tmp_path / 'missing.json'}: no such file")
    assert errors[1].startswith(f"error: logs {tmp_path / 'empty'}: holds no finished Inspect logs")


# Runs behind the reference product (tens of seconds); --runslow, as CI, runs it.
@pytest.mark.slow
def test_baseline_merge_adds_and_replaces_cells_and_keeps_the_others(
    choices: tuple[Path, Path], tmp_path: Path
) -> None:
    baseline, log = choices
    stored = tmp_path / "baseline.json"
    shutil.copy(baseline, stored)
    other = tmp_path / "other"
    _run(other, "position", **CHOICE_RUN)
    output = _baseline(other, stored, "--merge")
    assert "1 added, 0 replaced, 1 kept" in output
    models = [c["model"] for c in json.loads(stored.read_text())["cells"]]
    assert models == ["personalign-scripted/position", "personalign-scripted/random"]
    assert "0 added, 1 replaced, 1 kept" in _baseline(log.parent, stored, "--merge")
    assert len(json.loads(stored.read_text())["cells"]) == 2
    # Both cells gate: the run of both models passes against the merged baseline.
    _copy(log, other)
    code, output, verdict = gate(stored, other)
    assert code == 0 and {c["role"] for c in verdict["cells"]} == {"compared"}, output
    # A run that could not pass one gate with the kept cells is refused, the file untouched.
    before = stored.read_text()
    _run(tmp_path / "odd", "constant", **{**CHOICE_RUN, "scenarios_per_kind": 3})
    refused = CliRunner().invoke(cli, ["baseline", str(tmp_path / "odd"), "--out", str(stored), "--merge"])
    assert refused.exit_code == 2 and "cannot merge" in refused.output and "scenario_set" in refused.output
    assert stored.read_text() == before
    # Without --merge the file is overwritten: one cell.
    _baseline(other, stored)
    assert len(json.loads(stored.read_text())["cells"]) == 2
    _baseline(tmp_path / "odd", stored)
    assert len(json.loads(stored.read_text())["cells"]) == 1
    stored.write_text("{")
    broken = CliRunner().invoke(cli, ["baseline", str(other), "--out", str(stored), "--merge"])
    assert broken.exit_code == 2 and f"error: baseline {stored}: is not JSON" in broken.output


@pytest.mark.parametrize(
    "subset",
    [{"kinds": "open", "scenarios_per_kind": 1}, {"scenarios_per_kind": 1, "measures": "refusal"}],
    ids=["kinds=open", "measures=refusal"],
)
def test_the_gate_runs_on_any_subset_of_kinds_and_measures(subset: dict[str, object], tmp_path: Path) -> None:
    _run(tmp_path / "logs", "oracle", **subset)
    _baseline(tmp_path / "logs", tmp_path / "b.json")
    code, output, verdict = gate(tmp_path / "b.json", tmp_path / "logs")
    assert code == 0 and "## personalign gate: PASS" in output, output
    checks = {c["measure"]: c for c in verdict["cells"][0]["checks"]}
    absent = "value_fidelity" if subset.get("kinds") == "open" else "wall_adherence"
    assert checks[absent]["note"] == "not measured in the baseline or this run"
    assert not checks[absent]["tested"] and checks[absent]["power"] is None
    assert any(c["tested"] for c in checks.values())
