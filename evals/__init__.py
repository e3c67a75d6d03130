"""Inspect tasks, the scenario bank, context strategies and model providers."""

from personalign.evals._elicit import (
    DEFAULT_ITEMS,
    AnswersFile,
    ElicitationSession,
    Question,
    choice_bank,
    load_answers,
)
from personalign.evals._elicit_validity import (
    NOISE_LEVELS,
    ValidityRow,
    adaptive_and_random,
    answers_needed,
    elicitation_validity,
)
from personalign.evals._expected import DEFAULT_MARGIN, ExpectedChoice, expected_choice
from personalign.evals._metric_validity import Check, ValidationRunError, run_validation
from personalign.evals._scenario import SAFETY_SOURCES, Scenario, load_scenarios, select_per_kind
from personalign.evals._strategy import RenderedContext, builtin_strategies, render_context
from personalign.evals.conversation_stability import conversation_stability
from personalign.evals.counterfactual_fidelity import counterfactual_fidelity
from personalign.evals.persona_versions import persona_versions
from personalign.evals.personal_alignment import personal_alignment
from personalign.evals.reference_product import ReferenceProduct, serve
from personalign.evals.safety_floor import safety_floor
from personalign.evals.token_steering import token_steering

__all__ = [
    "DEFAULT_ITEMS",
    "DEFAULT_MARGIN",
    "NOISE_LEVELS",
    "SAFETY_SOURCES",
    "AnswersFile",
    "Check",
    "ElicitationSession",
    "ExpectedChoice",
    "Question",
    "ReferenceProduct",
    "RenderedContext",
    "Scenario",
    "ValidationRunError",
    "ValidityRow",
    "adaptive_and_random",
    "answers_needed",
    "builtin_strategies",
    "choice_bank",
    "conversation_stability",
    "counterfactual_fidelity",
    "elicitation_validity",
    "expected_choice",
    "load_answers",
    "load_scenarios",
    "persona_versions",
    "personal_alignment",
    "render_context",
    "run_validation",
    "safety_floor",
    "select_per_kind",
    "serve",
    "token_steering",
]
