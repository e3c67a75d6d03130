"""Scorers for personal alignment, their metrics, and the embedding helpers they use.

Names are imported from their submodules when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from personalign.personas._lazy import lazy_exports

if TYPE_CHECKING:
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

# Each public name and the submodule that defines it, imported on first use (PEP 562): the
# `personalign` command starts without loading what its other commands need.
_EXPORTS = {
    "ParsedChoice": "_choice_parsing",
    "parse_choice": "_choice_parsing",
    "CONVERSATION_REPS": "_conversation",
    "ConversationRecord": "_conversation",
    "MeasureInterval": "_conversation",
    "conversation_fidelity": "_conversation",
    "conversation_measures": "_conversation",
    "measure_intervals": "_conversation",
    "preference_kept": "_conversation",
    "record_from": "_conversation",
    "flip_rate": "_counterfactual",
    "stay_rate": "_counterfactual",
    "EMBEDDING_STATS": "_embedding",
    "EmbeddingStats": "_embedding",
    "count_tokens": "_embedding",
    "embed": "_embedding",
    "embedding_model_dir": "_embedding",
    "epoch_summary": "_epoch_summary",
    "generic_replies": "_generic_replies",
    "specificity_noise": "_generic_replies",
    "UNSPECIFIC_MARGIN": "_identity_coherence",
    "contrastive_credits": "_identity_coherence",
    "identity_coherence": "_identity_coherence",
    "profile_text": "_identity_coherence",
    "AMBIGUOUS": "_measures",
    "MEASURE_SCORERS": "_measures",
    "VARIANCE_KEYS": "_measures",
    "MeasureScorer": "_measures",
    "metric_name": "_measures",
    "persona_set": "_persona_sets",
    "register_persona_set": "_persona_sets",
    "benign_partial_rate": "_refusal",
    "hard_floor_partial_rate": "_refusal",
    "hard_floor_refusal_rate": "_refusal",
    "harmful_compliance": "_refusal",
    "over_refusal_rate": "_refusal",
    "refusal": "_refusal",
    "LABELLED_SETS": "_refusal_check",
    "REFUSAL_LABELS": "_refusal_check",
    "LabelColumns": "_refusal_check",
    "check_classifier": "_refusal_check",
    "load_labelled": "_refusal_check",
    "refusal_breakdown": "_refusal_check",
    "RefusalVerdict": "_refusal_classifier",
    "classify_refusal": "_refusal_classifier",
    "REFUSAL_GRADER_TEMPLATE": "_refusal_grade",
    "parse_refusal_grade": "_refusal_grade",
    "refusal_grade": "_refusal_grade",
    "response_variance": "_response_variance",
    "variance_score": "_response_variance",
    "FIT_TEMPLATE": "_rubric_grade",
    "GRADER_TEMPLATE": "_rubric_grade",
    "persona_fit": "_rubric_grade",
    "rubric_grade": "_rubric_grade",
    "TOP_LOGPROBS": "_token_entropy",
    "position_entropy": "_token_entropy",
    "token_text": "_token_entropy",
    "STEERING_KEYS": "_token_steering",
    "STEERING_POSITIONS": "_token_steering",
    "token_class": "_token_steering",
    "token_steering_profile": "_token_steering",
    "output_problem": "_unscored",
    "chosen_option": "_value_fidelity",
    "value_fidelity": "_value_fidelity",
    "WallCheck": "_walls",
    "check_wall": "_walls",
    "check_walls": "_walls",
}

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
