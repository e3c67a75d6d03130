"""The epoch reducer: scored epochs averaged, failed ones skipped, variance by dispersion."""

from __future__ import annotations

import math
from collections import Counter

from inspect_ai.scorer import Score, ScoreReducer, score_reducer

from personalign.scorers._identity_coherence import SIMILARITY, merge_epoch_metadata
from personalign.scorers._response_variance import REDUCE_BY_DISPERSION, variance_score


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
    metadata = [s.metadata or {} for s in scored]
    # Identity scores keep their per-epoch similarities and replies for the run-level metrics.
    merged = merge_epoch_metadata(metadata) if any(SIMILARITY in m for m in metadata) else None
    answers = Counter(s.answer for s in scored if s.answer is not None)
    answer = answers.most_common(1)[0][0] if answers else None  # the modal answer, e.g. a choice
    if isinstance(scored[0].value, dict):
        keys = scored[0].value.keys()
        values: dict[str, float] = {}
        for key in keys:
            kept = [float(v) for s in scored if not math.isnan(v := float(s.value[key]))]  # type: ignore[index, arg-type]
            values[key] = sum(kept) / len(kept) if kept else math.nan
        return Score(value=values, answer=answer, explanation=note, metadata=merged)
    return Score(
        value=sum(s.as_float() for s in scored) / len(scored),
        answer=answer,
        explanation=note,
        metadata=merged,
    )


@score_reducer(name="epoch_summary")
def epoch_summary() -> ScoreReducer:
    """Mean over the scored epochs (unscored epochs are skipped, never counted as 0).

    Scores flagged `reduce_by_dispersion` (from `response_variance`) are reduced to their
    spread across epochs instead (`variance_score`).
    """

    def reduce(scores: list[Score]) -> Score:
        if any((s.metadata or {}).get(REDUCE_BY_DISPERSION) for s in scores):
            return variance_score(scores)
        return _scored_mean(scores)

    return reduce
