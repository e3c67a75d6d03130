"""Scorers for personal alignment, their metrics, and the embedding helpers they use."""

from ._choice_parsing import ParsedChoice, parse_choice
from ._counterfactual import flip_rate, stay_rate
from ._embedding import count_tokens, embed, embedding_model_dir
from ._epoch_summary import epoch_summary
from ._identity_coherence import identity_coherence, profile_text
from ._refusal import hard_floor_refusal_rate, over_refusal_rate, refusal
from ._refusal_classifier import RefusalVerdict, classify_refusal
from ._response_variance import dispersion_score, response_variance
from ._rubric_grade import GRADER_TEMPLATE, rubric_grade
from ._value_fidelity import value_fidelity
from ._walls import WallCheck, check_wall, check_walls

__all__ = [
    "GRADER_TEMPLATE",
    "ParsedChoice",
    "RefusalVerdict",
    "WallCheck",
    "check_wall",
    "check_walls",
    "classify_refusal",
    "count_tokens",
    "dispersion_score",
    "embed",
    "embedding_model_dir",
    "epoch_summary",
    "flip_rate",
    "hard_floor_refusal_rate",
    "identity_coherence",
    "over_refusal_rate",
    "parse_choice",
    "profile_text",
    "refusal",
    "response_variance",
    "rubric_grade",
    "stay_rate",
    "value_fidelity",
]
