"""Response variance: how wide is the garden the model explores for this person?"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations, pairwise

from inspect_ai.scorer import Score, Scorer, ScoreReducer, Target, mean, score_reducer, scorer, stderr
from inspect_ai.solver import TaskState

from ._embedding import embed
from ._unscored import output_problem

REDUCE_BY_DISPERSION = "reduce_by_dispersion"
"""Score metadata flag: the epoch reducer computes dispersion across these epochs."""


@scorer(metrics={"dispersion": [mean(), stderr()], "distinct_2": [mean(), stderr()]})
def response_variance() -> Scorer:
    """Spread of one sample's replies across epochs, computed by the `epoch_summary` reducer.

    Each epoch records its reply; the reducer turns two or more into:
    - dispersion: mean pairwise cosine distance of the replies' embeddings (0 = identical);
    - distinct_2: distinct word bigrams over all bigrams of the replies (0-1).
    With a single epoch the sample stays unscored (`needs_epochs`).
    """

    async def score(state: TaskState, target: Target) -> Score:
        problem = output_problem(state)
        if problem:
            problem.metadata = {REDUCE_BY_DISPERSION: True}
            return problem
        return Score.unscored(
            reason="needs_epochs",
            answer=state.output.completion,
            explanation="variance needs two or more epochs of this sample",
            metadata={REDUCE_BY_DISPERSION: True},
        )

    return score


def _bigrams(text: str) -> list[tuple[str, str]]:
    words = text.lower().split()
    return list(pairwise(words))


def dispersion_score(replies: list[str]) -> Score:
    """Dispersion and distinct-2 of a sample's replies across epochs."""
    if len(replies) < 2:
        return Score.unscored(
            reason="needs_epochs", explanation=f"{len(replies)} usable epoch(s); variance needs 2"
        )
    vectors = embed(replies)
    distances = [1.0 - float(vectors[i] @ vectors[j]) for i, j in combinations(range(len(replies)), 2)]
    bigrams = [b for reply in replies for b in _bigrams(reply)]
    return Score(
        value={
            "dispersion": max(0.0, sum(distances) / len(distances)),
            "distinct_2": len(set(bigrams)) / len(bigrams) if bigrams else math.nan,
        },
        explanation=f"{len(replies)} epochs",
    )


def _is_unscored(score: Score) -> bool:
    return isinstance(score.value, float) and math.isnan(score.value)


def _scored_mean(scores: list[Score]) -> Score:
    scored = [s for s in scores if not _is_unscored(s)]
    if not scored:
        first = scores[0]
        return Score.unscored(
            reason=first.reason, explanation=f"all {len(scores)} epochs unscored: {first.explanation}"
        )
    note = f"mean of {len(scored)} scored epoch(s) of {len(scores)}"
    answers = Counter(s.answer for s in scored if s.answer is not None)
    answer = answers.most_common(1)[0][0] if answers else None  # the modal answer, e.g. a choice
    if isinstance(scored[0].value, dict):
        keys = scored[0].value.keys()
        merged: dict[str, float] = {}
        for key in keys:
            values = [float(v) for s in scored if not math.isnan(v := float(s.value[key]))]  # type: ignore[index, arg-type]
            merged[key] = sum(values) / len(values) if values else math.nan
        return Score(value=merged, answer=answer, explanation=note)  # type: ignore[arg-type]
    return Score(value=sum(s.as_float() for s in scored) / len(scored), answer=answer, explanation=note)


@score_reducer(name="epoch_summary")
def epoch_summary() -> ScoreReducer:
    """Mean over the scored epochs (unscored epochs are skipped, never counted as 0).

    Scores flagged `reduce_by_dispersion` (from `response_variance`) are reduced to their
    dispersion across epochs instead.
    """

    def reduce(scores: list[Score]) -> Score:
        if any((s.metadata or {}).get(REDUCE_BY_DISPERSION) for s in scores):
            return dispersion_score([s.answer for s in scores if s.answer])
        return _scored_mean(scores)

    return reduce
