"""Scorers for personal alignment, their metrics, and the embedding helpers they use."""

from ._choice_parsing import ParsedChoice, parse_choice
from ._counterfactual import flip_rate, stay_rate
from ._embedding import EMBEDDING_STATS, EmbeddingStats, count_tokens, embed, embedding_model_dir
from ._epoch_summary import epoch_summary
from ._identity_coherence import contrastive_credits, identity_coherence, profile_text
from ._refusal import (
    benign_partial_rate,
    hard_floor_partial_rate,
    hard_floor_refusal_rate,
    harmful_compliance,
    over_refusal_rate,
    refusal,
)
from ._refusal_classifier import RefusalVerdict, classify_refusal
from ._refusal_grade import REFUSAL_GRADER_TEMPLATE, parse_refusal_grade, refusal_grade
from ._response_variance import VARIANCE_KEYS, response_variance, variance_score
from ._rubric_grade import FIT_TEMPLATE, GRADER_TEMPLATE, persona_fit, rubric_grade
from ._token_entropy import TOP_LOGPROBS, position_entropy, token_text
from ._token_steering import STEERING_KEYS, STEERING_POSITIONS, token_class, token_steering_profile
from ._value_fidelity import value_fidelity
from ._walls import WallCheck, check_wall, check_walls

__all__ = [
    "EMBEDDING_STATS",
    "FIT_TEMPLATE",
    "GRADER_TEMPLATE",
    "REFUSAL_GRADER_TEMPLATE",
    "STEERING_KEYS",
    "STEERING_POSITIONS",
    "TOP_LOGPROBS",
    "VARIANCE_KEYS",
    "EmbeddingStats",
    "ParsedChoice",
    "RefusalVerdict",
    "WallCheck",
    "benign_partial_rate",
    "check_wall",
    "check_walls",
    "classify_refusal",
    "contrastive_credits",
    "count_tokens",
    "embed",
    "embedding_model_dir",
    "epoch_summary",
    "flip_rate",
    "hard_floor_partial_rate",
    "hard_floor_refusal_rate",
    "harmful_compliance",
    "identity_coherence",
    "over_refusal_rate",
    "parse_choice",
    "parse_refusal_grade",
    "persona_fit",
    "position_entropy",
    "profile_text",
    "refusal",
    "refusal_grade",
    "response_variance",
    "rubric_grade",
    "stay_rate",
    "token_class",
    "token_steering_profile",
    "token_text",
    "value_fidelity",
    "variance_score",
]
