"""Counterfactual metrics: does the choice follow the decisive value, and ignore the surface?"""

from __future__ import annotations

from collections import defaultdict

from inspect_ai.scorer import Metric, SampleScore, metric


def _pair_choices(scores: list[SampleScore]) -> dict[str, dict[str, str]]:
    """pair id -> role (base | decisive | surface) -> chosen option id (scored samples only)."""
    pairs: dict[str, dict[str, str]] = defaultdict(dict)
    for sample in scores:
        meta = sample.sample_metadata or {}
        if meta.get("pair_id") and sample.score.answer is not None:
            pairs[meta["pair_id"]][meta["counterfactual_role"]] = sample.score.answer
    return pairs


def _agreement(scores: list[SampleScore], role: str) -> list[bool]:
    return [d["base"] == d[role] for d in _pair_choices(scores).values() if "base" in d and role in d]


@metric
def flip_rate() -> Metric:
    """Share of decisive-value pairs whose choice changed with the decisive value (target 1).

    Each pair is a persona and a copy of it that differs in one value, chosen so that the
    expected option differs; a persona-blind model scores 0.
    """

    def compute(scores: list[SampleScore]) -> float:
        same = _agreement(scores, "decisive")
        return sum(not s for s in same) / len(same) if same else float("nan")

    return compute


@metric
def stay_rate() -> Metric:
    """Share of surface pairs (other name, age, country; same values) whose choice held (target 1)."""

    def compute(scores: list[SampleScore]) -> float:
        same = _agreement(scores, "surface")
        return sum(same) / len(same) if same else float("nan")

    return compute
