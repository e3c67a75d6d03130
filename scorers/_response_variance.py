"""Response variance: how wide is the garden the model explores for this person?"""

from __future__ import annotations

import math
from itertools import combinations, pairwise

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
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
