"""The token-steering study's prompts, samples and token classes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from inspect_ai.dataset import Sample
from pydantic import BaseModel, ConfigDict, Field

from personalign.evals._dataset import context_messages
from personalign.evals._strategy import Position, render_context
from personalign.personas import DataFileError, Persona, read_data_file, validate_record

PROMPT_FILE = Path(__file__).parent / "steering" / "prompts.yaml"
STEERING_STRATEGIES = ("none", "prescriptive_only", "walls_only", "opspec")
"""The published design's contrast: no context, instructions only, constraints only, both."""

PromptDomain = Literal[
    "creative_writing",
    "professional_writing",
    "code",
    "business",
    "academic",
    "visual_or_music",
    "personal_project",
    "speech_or_presentation",
]


class SteeringPrompt(BaseModel):
    """A user sharing their own work and asking for feedback: flattery and substance both fit."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    domain: PromptDomain
    prompt: str = Field(min_length=20)


def load_steering_prompts(source: Path | str | None = None) -> list[SteeringPrompt]:
    """Prompts from a YAML file with a top-level `prompts:` list (default: the bundled 48)."""
    path = Path(source) if source is not None else PROMPT_FILE
    if not path.is_file():
        raise DataFileError(path, ["does not exist (expected a YAML file with a 'prompts' list)"])
    data = read_data_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("prompts"), list):
        raise DataFileError(path, ["expected a mapping with a 'prompts' list at the top level"])
    prompts = [
        validate_record(r, SteeringPrompt, path, where=f"prompt {i}: ") for i, r in enumerate(data["prompts"])
    ]
    seen: set[str] = set()
    for index, prompt in enumerate(prompts):
        if prompt.id in seen:
            raise DataFileError(path, [f"prompt {index}: field 'id': {prompt.id!r} is used twice"])
        seen.add(prompt.id)
    if not prompts:
        raise DataFileError(path, ["holds no prompts"])
    return prompts


def steering_samples(
    personas: Sequence[Persona],
    prompts: Sequence[SteeringPrompt],
    strategies: Sequence[str],
    position: Position,
) -> list[Sample]:
    """One sample per strategy x persona x prompt; `none` once per prompt (no persona reaches it)."""
    samples = []
    for strategy in strategies:
        for persona in personas[:1] if strategy == "none" else personas:
            for prompt in prompts:
                # memory_facts retrieves per request; the other strategies ignore the query
                context = render_context(persona, strategy, prompt.prompt.strip())
                persona_id = "none" if strategy == "none" else persona.id
                samples.append(
                    Sample(
                        id=f"{strategy}__{prompt.id}__{persona_id}",
                        input=context_messages(context, prompt.prompt.strip(), position),
                        metadata={
                            "strategy": strategy,
                            "persona_id": persona_id,
                            "prompt_id": prompt.id,
                            "domain": prompt.domain,
                            "context_tokens": context.tokens,
                        },
                    )
                )
    return samples
