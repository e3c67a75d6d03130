"""The leaderboard's intervals, lifts, comparability checks and outputs, on real (scripted) logs.

The intervals are checked against a hand computation: the ideal bootstrap, enumerating every
resample of the personas, computed here from the logs as read by Inspect's own reader.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from scripted_logs import PERSONAS, run_task

from personalign.cli import cli
from personalign.evals.personal_alignment import personal_alignment
from personalign.reports import IncomparableRunsError, Leaderboard, board_frame, build_leaderboard, markdown
from personalign.scorers import MEASURE_SCORERS


def _per_sample(log: EvalLog) -> dict[str, tuple[str, float]]:
    """sample id -> (persona, reduced value fidelity) for the scored samples."""
    persona = {str(s.id): s.metadata["persona_id"] for s in log.samples or []}
    [reduction] = [r for r in log.reductions or [] if r.scorer.endswith("value_fidelity")]
    return {
        str(s.sample_id): (persona[str(s.sample_id)], float(s.value))  # type: ignore[arg-type]
        for s in reduction.samples
        if s.reason is None and not math.isnan(float(s.value))  # type: ignore[arg-type]
    }


def _ideal_bootstrap(values: list[tuple[str, float]]) -> tuple[float, np.ndarray]:
    """The mean, and the ratio-of-sums mean of every equally likely resample of the clusters."""
    sums: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for cluster, value in values:
        sums[cluster] += value
        counts[cluster] += 1
    keys = sorted(sums)
    means = [
        sum(sums[k] for k in draw) / sum(counts[k] for k in draw)
        for draw in itertools.product(keys, repeat=len(keys))
    ]
    return sum(sums.values()) / sum(counts.values()), np.array(means)


def _assert_matches_hand_computation(estimate: object, values: list[tuple[str, float]]) -> None:
    mean, resamples = _ideal_bootstrap(values)
    assert estimate.mean == pytest.approx(mean, abs=1e-12)  # type: ignore[attr-defined]
    assert estimate.clusters == PERSONAS and estimate.n == len(values)  # type: ignore[attr-defined]
    # 2,000 random resamples estimate the ideal bootstrap's 2.5% and 97.5% points; the
    # distribution is lumpy with 4 personas, so allow the neighbouring percentiles.
    low_band = np.percentile(resamples, [1.0, 5.0])
    high_band = np.percentile(resamples, [95.0, 99.0])
    assert low_band[0] - 1e-9 <= estimate.low <= low_band[1] + 1e-9  # type: ignore[attr-defined]
    assert high_band[0] - 1e-9 <= estimate.high <= high_band[1] + 1e-9  # type: ignore[attr-defined]
    assert estimate.low <= mean <= estimate.high  # type: ignore[attr-defined]


def test_interval_resamples_personas_as_a_hand_computation_does(
    logs: tuple[Path, dict[str, EvalLog]],
) -> None:
    log_dir, runs = logs
    board = build_leaderboard(log_dir)
    for cell in board.cells:
        values = list(_per_sample(runs[cell.strategy]).values())
        _assert_matches_hand_computation(cell.measures["value_fidelity"], values)
        assert (
            cell.strategy == "opspec"
            or cell.measures["value_fidelity"].high > cell.measures["value_fidelity"].low
        )
        # the same mean Inspect's own metric reports for the log
        metric = next(s for s in runs[cell.strategy].results.scores if s.name == "value_fidelity")  # type: ignore[union-attr]
        assert cell.measures["value_fidelity"].mean == pytest.approx(metric.metrics["mean"].value)


def test_lift_is_paired_by_sample_and_clustered_by_persona(logs: tuple[Path, dict[str, EvalLog]]) -> None:
    log_dir, runs = logs
    opspec = next(c for c in build_leaderboard(log_dir).cells if c.strategy == "opspec")
    base, treated = _per_sample(runs["none"]), _per_sample(runs["opspec"])
    paired = [(treated[i][0], treated[i][1] - base[i][1]) for i in sorted(set(base) & set(treated))]
    _assert_matches_hand_computation(opspec.lift["value_fidelity"], paired)
    assert opspec.lift["value_fidelity"].low > 0  # the persona's context helps the oracle


def test_the_seed_makes_intervals_reproducible_and_is_recorded(
    logs: tuple[Path, dict[str, EvalLog]],
) -> None:
    log_dir, _ = logs
    first, again = build_leaderboard(log_dir), build_leaderboard(log_dir)
    other = build_leaderboard(log_dir, seed=1)
    assert [c.measures for c in first.cells] == [c.measures for c in again.cells]
    assert other.seed == 1 and "seed 1" in other.interval and first.seed != 1


@pytest.mark.slow
def test_mixed_runs_are_refused_naming_the_field_unless_allowed(
    logs: tuple[Path, dict[str, EvalLog]], tmp_path: Path
) -> None:
    _, runs = logs
    for log in runs.values():
        shutil.copy(log.location, tmp_path)
    run_task(tmp_path, "custom_instructions", epochs=3)
    with pytest.raises(
        IncomparableRunsError, match=r"epochs differs: '2' in .*none.*'3' in .*custom_instructions"
    ):
        build_leaderboard(tmp_path)
    result = CliRunner().invoke(cli, ["leaderboard", str(tmp_path)])
    assert result.exit_code == 2 and "epochs differs" in result.output and "--allow-mixed" in result.output
    assert "Traceback" not in result.output

    mixed = build_leaderboard(tmp_path, allow_mixed=True)
    assert not mixed.comparable and set(mixed.mixed) >= {"epochs", "sample_epochs"}
    assert "MIXED RUNS" in markdown(mixed)
    assert board_frame(mixed)["mixed"].all()
    as_json = CliRunner().invoke(cli, ["leaderboard", str(tmp_path), "--allow-mixed", "--format", "json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output)["comparable"] is False


def test_a_strategy_whose_template_changed_between_runs_is_refused(tmp_path: Path, repo: Path) -> None:
    template = tmp_path / "mine.j2"
    original = (repo / "evals" / "strategies" / "opspec.j2").read_text()
    for model, text in (("oracle", original), ("random", original + "\nBe brief.\n")):
        template.write_text(text)
        task = personal_alignment(
            strategy=str(template),
            epochs=2,
            max_personas=2,
            kinds="choice",
            scenarios_per_kind=5,
            measures="value_fidelity",
        )
        inspect_eval(
            task, model=f"personalign-scripted/{model}", log_dir=str(tmp_path / "logs"), display="none"
        )
    with pytest.raises(IncomparableRunsError, match=r"strategy_template \(.*mine.j2\) differs"):
        build_leaderboard(tmp_path / "logs")


def test_outputs_agree_and_the_json_follows_its_committed_schema(
    logs: tuple[Path, dict[str, EvalLog]], repo: Path, tmp_path: Path
) -> None:
    log_dir, _ = logs
    committed = json.loads((repo / "reports" / "leaderboard.schema.json").read_text())
    assert committed == Leaderboard.model_json_schema(), "regenerate: personalign leaderboard --schema"
    result = CliRunner().invoke(cli, ["leaderboard", str(log_dir), "--format", "json"])
    document = Leaderboard.model_validate_json(result.output)
    csv = CliRunner().invoke(
        cli, ["leaderboard", str(log_dir), "--format", "csv", "--out", str(tmp_path / "b.csv")]
    )
    assert csv.exit_code == 0
    import pandas as pd

    frame = pd.read_csv(tmp_path / "b.csv").set_index("strategy")
    for cell in document.cells:
        estimate = cell.measures["value_fidelity"]
        assert frame.loc[cell.strategy, "value_fidelity"] == pytest.approx(estimate.mean)
        assert frame.loc[cell.strategy, "value_fidelity_low"] == pytest.approx(estimate.low)
        assert frame.loc[cell.strategy, "value_fidelity_n"] == estimate.n
    text = CliRunner().invoke(cli, ["leaderboard", str(log_dir)]).output
    assert "Lift over `none`" in text and "| personalign-scripted/oracle | opspec |" in text


# Runs of its own (5 to 7 s); --runslow, as CI, runs it.
@pytest.mark.slow
def test_logs_in_json_format_give_the_same_leaderboard(
    logs: tuple[Path, dict[str, EvalLog]], tmp_path: Path
) -> None:
    from inspect_ai.log import convert_eval_logs

    log_dir, _ = logs
    convert_eval_logs(str(log_dir), "json", str(tmp_path))
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".json"]
    from_eval, from_json = build_leaderboard(log_dir), build_leaderboard(tmp_path)
    for a, b in zip(from_eval.cells, from_json.cells, strict=True):
        assert (a.model, a.strategy, a.fingerprint) == (b.model, b.strategy, b.fingerprint)
        assert a.measures == b.measures and a.lift == b.lift and a.n_scored == b.n_scored


@pytest.mark.parametrize(
    "subset",
    [{"kinds": "open"}, {"measures": "refusal"}],
    ids=["kinds=open", "measures=refusal"],
)
def test_every_output_works_on_any_subset_of_kinds_and_measures(
    subset: dict[str, str], tmp_path: Path
) -> None:
    task = personal_alignment(strategy="opspec", epochs=1, max_personas=3, scenarios_per_kind=1, **subset)  # type: ignore[arg-type]
    inspect_eval(task, model="personalign-scripted/oracle", log_dir=str(tmp_path / "logs"), display="none")
    for fmt in ("markdown", "csv", "json", "html"):
        out = tmp_path / f"board.{fmt}"
        result = CliRunner().invoke(
            cli, ["leaderboard", str(tmp_path / "logs"), "--format", fmt, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert "| personalign-scripted/oracle | opspec |" in (tmp_path / "board.markdown").read_text()
    [cell] = Leaderboard.model_validate_json((tmp_path / "board.json").read_text()).cells
    ran = set(MEASURE_SCORERS)
    if "measures" in subset:
        ran = {"refusal"}
        assert "fewer than 2 usable epochs" not in cell.unscored_reasons  # response_variance did not run
    assert {s for s, n in cell.n_scored.items() if n} <= ran and set(cell.n_scored) >= ran


# Runs of its own (5 to 7 s); --runslow, as CI, runs it.
@pytest.mark.slow
def test_a_scorer_that_one_log_did_not_run_leaves_its_counts_alone(
    logs: tuple[Path, dict[str, EvalLog]], tmp_path: Path
) -> None:
    log_dir, runs = logs
    shutil.copy(runs["opspec"].location, tmp_path)
    run_task(tmp_path, "custom_instructions", measures="refusal")  # no response_variance here
    board = {c.strategy: c for c in build_leaderboard(tmp_path, allow_mixed=True).cells}
    alone = next(c for c in build_leaderboard(log_dir).cells if c.strategy == "opspec")
    refusal_only = board["custom_instructions"]
    assert refusal_only.n_scored["response_variance"] == 0 and refusal_only.n_scored["value_fidelity"] == 0
    assert "fewer than 2 usable epochs" not in refusal_only.unscored_reasons
    assert (
        board["opspec"].n_scored == alone.n_scored
        and board["opspec"].unscored_reasons == alone.unscored_reasons
    )
