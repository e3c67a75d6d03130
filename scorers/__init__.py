"""Scorers for personal alignment, their metrics, and the embedding helpers they use."""

from personalign.scorers._choice_parsing import ParsedChoice, parse_choice
from personalign.scorers._conversation import (
    CONVERSATION_REPS,
    ConversationRecord,
    MeasureInterval,
    conversation_fidelity,
    conversation_measures,
    measure_intervals,
    preference_kept,
    record_from,
)
from personalign.scorers._counterfactual import flip_rate, stay_rate
from personalign.scorers._embedding import (
    EMBEDDING_STATS,
    EmbeddingStats,
    count_tokens,
    embed,
    embedding_model_dir,
)
from personalign.scorers._epoch_summary import epoch_summary
from personalign.scorers._generic_replies import generic_replies, specificity_noise
from personalign.scorers._identity_coherence import (
    UNSPECIFIC_MARGIN,
    contrastive_credits,
    identity_coherence,
    profile_text,
)
from personalign.scorers._measures import (
    AMBIGUOUS,
    MEASURE_SCORERS,
    VARIANCE_KEYS,
    MeasureScorer,
    metric_name,
)
from personalign.scorers._persona_sets import persona_set, register_persona_set
from personalign.scorers._refusal import (
    benign_partial_rate,
    hard_floor_partial_rate,
    hard_floor_refusal_rate,
    harmful_compliance,
    over_refusal_rate,
    refusal,
)
from personalign.scorers._refusal_check import (
    LABELLED_SETS,
    REFUSAL_LABELS,
    LabelColumns,
    check_classifier,
    load_labelled,
    refusal_breakdown,
)
from personalign.scorers._refusal_classifier import RefusalVerdict, classify_refusal
from personalign.scorers._refusal_grade import REFUSAL_GRADER_TEMPLATE, parse_refusal_grade, refusal_grade
from personalign.scorers._response_variance import response_variance, variance_score
from personalign.scorers._rubric_grade import FIT_TEMPLATE, GRADER_TEMPLATE, persona_fit, rubric_grade
from personalign.scorers._token_entropy import TOP_LOGPROBS, position_entropy, token_text
from personalign.scorers._token_steering import (
    STEERING_KEYS,
    STEERING_POSITIONS,
    token_class,
    token_steering_profile,
)
from personalign.scorers._unscored import output_problem
from personalign.scorers._value_fidelity import chosen_option, value_fidelity
from personalign.scorers._walls import WallCheck, check_wall, check_walls

__all__ = [
    "AMBIGUOUS",
    "CONVERSATION_REPS",
    "EMBEDDING_STATS",
    "FIT_TEMPLATE",
    "GRADER_TEMPLATE",
    "LABELLED_SETS",
    "MEASURE_SCORERS",
    "REFUSAL_GRADER_TEMPLATE",
    "REFUSAL_LABELS",
    "STEERING_KEYS",
    "STEERING_POSITIONS",
    "TOP_LOGPROBS",
    "UNSPECIFIC_MARGIN",
    "VARIANCE_KEYS",
    "ConversationRecord",
    "EmbeddingStats",
    "LabelColumns",
    "MeasureInterval",
    "MeasureScorer",
    "ParsedChoice",
    "RefusalVerdict",
    "WallCheck",
    "benign_partial_rate",
    "check_classifier",
    "check_wall",
    "check_walls",
    "chosen_option",
    "classify_refusal",
    "contrastive_credits",
    "conversation_fidelity",
    "conversation_measures",
    "count_tokens",
    "embed",
    "embedding_model_dir",
    "epoch_summary",
    "flip_rate",
    "generic_replies",
    "hard_floor_partial_rate",
    "hard_floor_refusal_rate",
    "harmful_compliance",
    "identity_coherence",
    "load_labelled",
    "measure_intervals",
    "metric_name",
    "output_problem",
    "over_refusal_rate",
    "parse_choice",
    "parse_refusal_grade",
    "persona_fit",
    "persona_set",
    "position_entropy",
    "preference_kept",
    "profile_text",
    "record_from",
    "refusal",
    "refusal_breakdown",
    "refusal_grade",
    "register_persona_set",
    "response_variance",
    "rubric_grade",
    "specificity_noise",
    "stay_rate",
    "token_class",
    "token_steering_profile",
    "token_text",
    "value_fidelity",
    "variance_score",
]
