"""The names of the measures, in one place: the tasks choose scorers by them, the scorers
record values under them, and the reports read the logs by them."""

from __future__ import annotations

from typing import Literal, get_args

# The scorers `personal_alignment` can run (its `measures` option), by their registered names.
MeasureScorer = Literal[
    "value_fidelity",
    "identity_coherence",
    "response_variance",
    "refusal",
    "rubric_grade",
    "persona_fit",
]
MEASURE_SCORERS: tuple[MeasureScorer, ...] = get_args(MeasureScorer)

# The keys of the dict-valued `response_variance` score, one measure each.
VARIANCE_KEYS = (
    "dispersion",
    "distinct_1",
    "distinct_2",
    "length_cv",
    "choice_entropy",
    "choice_consistency",
    "token_entropy",
    "first_tokens_entropy",
)

# The unscored reason of a persona x choice pair whose expected option is ambiguous: excluded
# by design, so reported apart from the failures.
AMBIGUOUS = "ambiguous_for_persona"

PACKAGE = "personalign"


def metric_name(logged: str) -> str:
    """A metric's key in a log without the package prefix that Inspect gives the keys of a
    dict-valued metric ("personalign/contrastive_top1" -> "contrastive_top1")."""
    return logged.removeprefix(f"{PACKAGE}/")
