"""What Inspect loads through the package's `inspect_ai` entry point."""

from inspect_ai.model import ModelAPI, modelapi

from personalign.evals.conversation_stability import conversation_stability
from personalign.evals.counterfactual_fidelity import counterfactual_fidelity
from personalign.evals.persona_versions import persona_versions
from personalign.evals.personal_alignment import personal_alignment
from personalign.evals.safety_floor import safety_floor
from personalign.evals.token_steering import token_steering


@modelapi(name="personalign")
def personalign() -> type[ModelAPI]:
    """The embedded default model: `personalign/smollm2`."""
    from personalign.evals._smollm2 import SmolLM2API

    return SmolLM2API


@modelapi(name="litellm")
def litellm_provider() -> type[ModelAPI]:
    """Any litellm model string, e.g. a product's endpoint: `litellm/openai/NAME` with
    --model-base-url. litellm itself is imported only when this provider is used."""
    from personalign.evals._litellm import LiteLLMAPI

    return LiteLLMAPI


@modelapi(name="personalign-scripted")
def personalign_scripted() -> type[ModelAPI]:
    """Scripted models for tests and metric validation: `personalign-scripted/oracle`, ..."""
    from personalign.evals._scripted import ScriptedAPI

    return ScriptedAPI


__all__ = [
    "conversation_stability",
    "counterfactual_fidelity",
    "litellm_provider",
    "persona_versions",
    "personal_alignment",
    "personalign",
    "personalign_scripted",
    "safety_floor",
    "token_steering",
]
