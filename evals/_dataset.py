"""Pair personas with scenarios into Inspect samples, the context already injected."""

from __future__ import annotations

import hashlib
import json
import random
import string
from collections.abc import Sequence

from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser

from personas import Persona

from ._expected import expected_choice
from ._scenario import Scenario
from ._strategy import Position, RenderedContext, render_context
from .prompts import CHOICE_TEMPLATE, USER_PREFIX_TEMPLATE


def sample_id(persona: Persona, scenario: Scenario) -> str:
    return f"{scenario.id}__{persona.id}"


def _option_order(scenario: Scenario, seed: int, sid: str) -> list[int]:
    # Seeded per sample so display position cannot pass for fidelity, yet runs repeat exactly.
    order = list(range(len(scenario.options)))
    random.Random(f"{seed}:{sid}").shuffle(order)
    return order


def _choice_fields(
    persona: Persona, scenario: Scenario, margin: float, seed: int, sid: str
) -> tuple[str, dict]:
    order = [scenario.options[i] for i in _option_order(scenario, seed, sid)]
    letters = dict(zip(string.ascii_uppercase, order, strict=False))
    expected = expected_choice(persona, scenario, margin)
    letter_of = {option.id: letter for letter, option in letters.items()}
    text = CHOICE_TEMPLATE.format(
        prompt=scenario.prompt.strip(),
        options="\n".join(f"{letter}. {option.text}" for letter, option in letters.items()),
    )
    return text, {
        "option_letters": {letter: option.text for letter, option in letters.items()},
        "option_ids": {letter: option.id for letter, option in letters.items()},
        "expected_option": expected.option_id,
        "expected_letter": letter_of.get(expected.option_id) if expected.option_id else None,
        "expected_source": expected.source,
        "utility_margin": round(expected.margin, 4),
        "utilities": {k: round(v, 4) for k, v in expected.utilities.items()},
    }


def _messages(context: RenderedContext, prompt: str, position: Position) -> list[ChatMessage]:
    if not context.text:
        return [ChatMessageUser(content=prompt)]
    if position == "system":
        return [ChatMessageSystem(content=context.text), ChatMessageUser(content=prompt)]
    return [ChatMessageUser(content=USER_PREFIX_TEMPLATE.format(context=context.text, prompt=prompt))]


def build_samples(
    personas: Sequence[Persona],
    scenarios: Sequence[Scenario],
    strategy: str,
    position: Position,
    margin: float,
    seed: int,
) -> list[Sample]:
    """One sample per scenario x persona, grouped by scenario (the contrastive unit)."""
    contexts = {p.id: render_context(p, strategy) for p in personas}
    samples = []
    for scenario in scenarios:
        for persona in personas:
            sid = sample_id(persona, scenario)
            prompt, choice = (
                _choice_fields(persona, scenario, margin, seed, sid)
                if scenario.kind == "choice"
                else (scenario.prompt.strip(), {})
            )
            context = contexts[persona.id]
            samples.append(
                Sample(
                    id=sid,
                    input=_messages(context, prompt, position),
                    metadata={
                        "persona_id": persona.id,
                        "scenario_id": scenario.id,
                        "kind": scenario.kind,
                        "domain": scenario.domain,
                        "harm_category": scenario.harm_category,
                        "strategy": strategy,
                        "position": position,
                        "context_tokens": context.tokens,
                        **choice,
                    },
                )
            )
    return samples


def content_hash(items: Sequence[Persona] | Sequence[Scenario]) -> str:
    """Short hash of a persona or scenario set, so logs say exactly what they ran on."""
    blob = json.dumps([item.model_dump(mode="json") for item in items], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]
