"""Response variance: how wide is the garden the model explores for this person?"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from itertools import combinations, pairwise

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from personalign.scorers._embedding import embed
from personalign.scorers._measures import VARIANCE_KEYS
from personalign.scorers._token_entropy import position_entropy, reply_logprobs
from personalign.scorers._unscored import output_problem
from personalign.scorers._value_fidelity import chosen_option

REDUCE_BY_DISPERSION = "reduce_by_dispersion"
"""Score metadata flag: the epoch reducer computes the variance measures across these epochs."""

FIRST_TOKENS = 10


@scorer(metrics={key: [mean(), stderr(cluster="persona_id")] for key in VARIANCE_KEYS})
def response_variance() -> Scorer:
    """Spread of one sample's replies across epochs, computed by the `epoch_summary` reducer.

    Each epoch records its reply (and, on choice items, the option it picked; with logprobs,
    its token entropies); the reducer turns two or more usable epochs into:
    - dispersion: mean pairwise cosine distance of the replies' embeddings (0 = identical);
    - distinct_1, distinct_2: distinct words and word bigrams over all of them (0-1);
    - length_cv: coefficient of variation of the reply length in words;
    - choice_entropy (bits) and choice_consistency (share of the modal option), choice items;
    - token_entropy and first_tokens_entropy: mean next-token entropy (bits) over the reply and
      over its first 10 tokens, when the provider returns logprobs (see `position_entropy`).
    A measure that does not apply is NaN and left out of its mean. With fewer than two usable
    epochs the sample stays unscored (`needs_epochs`).
    """

    async def score(state: TaskState, target: Target) -> Score:
        problem = output_problem(state)
        if problem:
            problem.metadata = {REDUCE_BY_DISPERSION: True}
            return problem
        metadata: dict[str, object] = {REDUCE_BY_DISPERSION: True}
        if state.metadata["kind"] == "choice":
            metadata["choice"] = chosen_option(state)[0]
        positions = reply_logprobs(state.output)
        if positions:
            entropies = [position_entropy(p) for p in positions]
            metadata["token_entropy"] = _nanmean(entropies)
            metadata["first_tokens_entropy"] = _nanmean(entropies[:FIRST_TOKENS])
        return Score.unscored(
            reason="needs_epochs",
            answer=state.output.completion,
            explanation="variance needs two or more epochs of this sample",
            metadata=metadata,
        )

    return score


def _nanmean(values: list[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else math.nan


def _distinct(replies: list[str], n: int) -> float:
    words = [reply.lower().split() for reply in replies]
    grams = [g for w in words for g in (pairwise(w) if n == 2 else w)]
    return len(set(grams)) / len(grams) if grams else math.nan


def _choice_spread(choices: list[str]) -> tuple[float, float]:
    if len(choices) < 2:
        return math.nan, math.nan
    counts = Counter(choices).values()
    entropy = -sum(c / len(choices) * math.log2(c / len(choices)) for c in counts)
    return entropy + 0.0, max(counts) / len(choices)  # + 0.0 turns -0.0 into 0.0


def variance_score(epochs: list[Score]) -> Score:
    """The variance measures of one sample, from its per-epoch `response_variance` scores."""
    usable = [s for s in epochs if s.answer]
    replies = [str(s.answer) for s in usable]
    if len(replies) < 2:
        return Score.unscored(
            reason="needs_epochs", explanation=f"{len(replies)} usable epoch(s); variance needs 2"
        )
    vectors = embed(replies)
    distances = [1.0 - float(vectors[i] @ vectors[j]) for i, j in combinations(range(len(replies)), 2)]
    lengths = [len(r.split()) for r in replies]
    length_mean = statistics.fmean(lengths)
    meta = [s.metadata or {} for s in usable]
    choice_entropy, consistency = _choice_spread([m["choice"] for m in meta if m.get("choice")])
    value = {
        "dispersion": max(0.0, statistics.fmean(distances)),
        "distinct_1": _distinct(replies, 1),
        "distinct_2": _distinct(replies, 2),
        "length_cv": statistics.pstdev(lengths) / length_mean if length_mean else math.nan,
        "choice_entropy": choice_entropy,
        "choice_consistency": consistency,
        "token_entropy": _nanmean([float(m.get("token_entropy", math.nan)) for m in meta]),
        "first_tokens_entropy": _nanmean([float(m.get("first_tokens_entropy", math.nan)) for m in meta]),
    }
    return Score(value=value, explanation=f"{len(replies)} usable epochs of {len(epochs)}")
