"""Inspect tasks, the scenario bank, context strategies and model providers.

Names are imported from their submodules when first used.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

from personalign.personas._lazy import lazy_exports

if TYPE_CHECKING:
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

# Each public name and the submodule that defines it, imported on first use (PEP 562): the
# `personalign` command starts without loading what its other commands need.
_EXPORTS = {
    "DEFAULT_ITEMS": "_elicit",
    "AnswersFile": "_elicit",
    "ElicitationSession": "_elicit",
    "Question": "_elicit",
    "choice_bank": "_elicit",
    "load_answers": "_elicit",
    "NOISE_LEVELS": "_elicit_validity",
    "ValidityRow": "_elicit_validity",
    "adaptive_and_random": "_elicit_validity",
    "answers_needed": "_elicit_validity",
    "elicitation_validity": "_elicit_validity",
    "DEFAULT_MARGIN": "_expected",
    "ExpectedChoice": "_expected",
    "expected_choice": "_expected",
    "Check": "_metric_validity",
    "ValidationRunError": "_metric_validity",
    "run_validation": "_metric_validity",
    "SAFETY_SOURCES": "_scenario",
    "Scenario": "_scenario",
    "load_scenarios": "_scenario",
    "select_per_kind": "_scenario",
    "RenderedContext": "_strategy",
    "builtin_strategies": "_strategy",
    "render_context": "_strategy",
    "conversation_stability": "conversation_stability",
    "counterfactual_fidelity": "counterfactual_fidelity",
    "persona_versions": "persona_versions",
    "personal_alignment": "personal_alignment",
    "ReferenceProduct": "reference_product",
    "serve": "reference_product",
    "safety_floor": "safety_floor",
    "token_steering": "token_steering",
}

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


class _Package(types.ModuleType):
    """This package, keeping each task under its own name. The import system binds a submodule
    on its package once loaded, and six tasks share their module's name (`personal_alignment`
    in `personal_alignment.py`): here that name stays the task, as it was when this file
    imported every task eagerly, whichever is imported first."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{_EXPORTS.get(name)}":
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
