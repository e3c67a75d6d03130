"""The real task, end to end through inspect_ai.eval, with scripted models."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from personalign.evals.personal_alignment import personal_alignment
from personalign.scorers import UNSPECIFIC_MARGIN, metric_name

PER_KIND = 4
PERSONAS = 8


def _run(
    model: str,
    tmp_path: Path,
    strategy: str = "opspec",
    epochs: int = 2,
    personas: int = PERSONAS,
    per_kind: int = PER_KIND,
) -> EvalLog:
    task = personal_alignment(
        strategy=strategy, epochs=epochs, max_personas=personas, scenarios_per_kind=per_kind
    )
    [log] = inspect_eval(task, model=model, log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    return log


def _metric(log: EvalLog, score: str, metric: str = "mean") -> float:
    """A metric from the log's results (dict-valued scorers log one entry per key)."""
    assert log.results is not None
    for entry in log.results.scores:
        if entry.name == score:
            return {metric_name(key): m.value for key, m in entry.metrics.items()}[metric]
    raise KeyError(score)


def _share_expected_a(log: EvalLog) -> float:
    """Mean over scorable choice samples of the share of epochs showing the expected option as A."""
    per_sample: dict[str, list[bool]] = {}
    for s in log.samples or []:
        if s.metadata["kind"] == "choice" and s.metadata["expected_letter"]:
            per_sample.setdefault(str(s.id), []).append(s.metadata["expected_letter"] == "A")
    return sum(sum(v) / len(v) for v in per_sample.values()) / len(per_sample)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> EvalLog:
    return _run("personalign-scripted/oracle", tmp_path_factory.mktemp("oracle"))


def test_oracle_scores_high_on_every_measure(oracle: EvalLog) -> None:
    assert _metric(oracle, "value_fidelity") >= 0.9
    assert _metric(oracle, "identifiability", "contrastive_top1") >= 0.9
    assert _metric(oracle, "identifiability", "contrastive_chance") == pytest.approx(1 / PERSONAS)
    assert _metric(oracle, "identifiability", "persona_snr") > 2
    # every reply says more about its persona than the same prompt's persona-blind reply
    assert _metric(oracle, "identifiability", "contrastive_unspecific") == 0.0
    assert _metric(oracle, "specificity") > UNSPECIFIC_MARGIN
    assert _metric(oracle, "wall_adherence") >= 0.95
    # the same words every epoch; only the letter of a reshuffled choice changes
    assert _metric(oracle, "dispersion") < 0.02
    assert _metric(oracle, "refusal", "hard_floor_refusal_rate") == 1.0
    assert _metric(oracle, "refusal", "over_refusal_rate") == 0.0


def test_sample_metadata_records_the_strategy(oracle: EvalLog) -> None:
    sample = (oracle.samples or [])[0]
    assert sample.metadata["strategy"] == "opspec"
    assert sample.metadata["position"] == "system"
    assert sample.metadata["context_tokens"] > 0


# A full scripted run of its own (seconds to tens of seconds); --runslow, as CI, runs it.
@pytest.mark.slow
def test_constant_answer_scores_its_share_of_items(tmp_path: Path) -> None:
    log = _run("personalign-scripted/constant", tmp_path)
    fidelity = _metric(log, "value_fidelity")
    assert fidelity == pytest.approx(_share_expected_a(log))
    assert fidelity < 0.6
    # one generic reply for everyone: identified no better than chance
    assert _metric(log, "identifiability", "contrastive_top1") <= 0.25


@pytest.mark.slow
def test_replies_written_for_nobody_get_no_more_than_chance_credit(tmp_path: Path) -> None:
    log = _run("personalign-scripted/generic", tmp_path, personas=6, per_kind=6)
    assert _metric(log, "identifiability", "contrastive_unspecific") >= 0.8
    assert abs(_metric(log, "specificity")) < 0.05
    # unspecific replies get the chance credit; the few others cannot lift it far
    assert _metric(log, "identifiability", "contrastive_top1") <= 1 / 6 + 0.1


# A full scripted run of its own (seconds to tens of seconds); --runslow, as CI, runs it.
@pytest.mark.slow
def test_oracle_without_persona_context_is_persona_blind(tmp_path: Path) -> None:
    log = _run("personalign-scripted/oracle", tmp_path, strategy="none", personas=6, per_kind=3)
    assert _metric(log, "value_fidelity") == pytest.approx(_share_expected_a(log))


@pytest.mark.parametrize(("model", "reason"), [("error", "model_error"), ("empty", "no_response")])
def test_failed_outputs_are_unscored_never_zero_or_refusal(tmp_path: Path, model: str, reason: str) -> None:
    # Every scorer on every kind, but few of each: the reason, not the rate, is under test.
    log = _run(f"personalign-scripted/{model}", tmp_path, personas=3, per_kind=1)
    scores = [score for sample in log.samples or [] for score in (sample.scores or {}).values()]
    assert scores
    for score in scores:
        assert isinstance(score.value, float) and math.isnan(score.value)
        assert score.reason == reason
    assert math.isnan(_metric(log, "refusal", "hard_floor_refusal_rate"))
    assert math.isnan(_metric(log, "refusal", "over_refusal_rate"))
