"""Pair personas with scenarios into Inspect samples, the context already injected."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from importlib.metadata import version
from typing import Literal

from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser
from pydantic import BaseModel

from personalign.evals._expected import expected_choice
from personalign.evals._memory import DEFAULT_MEMORY_K, RETRIEVED
from personalign.evals._scenario import Scenario
from personalign.evals._strategy import Position, RenderedContext, render_context, strategy_hash
from personalign.evals.prompts import USER_PREFIX_TEMPLATE
from personalign.personas import Persona, UserError, for_display

Control = Literal["none", "shuffled"]
CONTROLS: tuple[Control, ...] = ("none", "shuffled")


def sample_id(persona: Persona, scenario: Scenario) -> str:
    return f"{scenario.id}__{persona.id}"


def _choice_fields(persona: Persona, scenario: Scenario, margin: float) -> dict:
    expected = expected_choice(persona, scenario, margin)
    return {
        "options": [{"id": o.id, "text": o.text} for o in scenario.options],
        "expected_option": expected.option_id,
        "expected_source": expected.source,
        "utility_margin": round(expected.margin, 4),
        "utilities": {k: round(v, 4) for k, v in expected.utilities.items()},
    }


def context_messages(context: RenderedContext, prompt: str, position: Position) -> list[ChatMessage]:
    if not context.text:
        return [ChatMessageUser(content=prompt)]
    if position == "system":
        return [ChatMessageSystem(content=context.text), ChatMessageUser(content=prompt)]
    return [ChatMessageUser(content=USER_PREFIX_TEMPLATE.format(context=context.text, prompt=prompt))]


def shuffled_partners(personas: Sequence[Persona], seed: int) -> dict[str, Persona]:
    """For the shuffled control: each persona's id -> another persona whose profile is shown
    in its place. A seeded derangement (one cycle through a shuffled order), so no persona is
    shown its own profile and a re-run shows the same ones."""
    if len(personas) < 2:
        raise UserError(
            f"control=shuffled shows each persona another one's profile: it needs at least 2 "
            f"personas, and the run has {len(personas)}"
        )
    order = list(personas)
    random.Random(f"shuffled-control:{seed}").shuffle(order)
    return {p.id: order[(i + 1) % len(order)] for i, p in enumerate(order)}


def _person_metadata(persona: Persona) -> dict[str, object]:
    """A real person's own consistency (the ceiling for fidelity to them), where elicited."""
    elicited = persona.elicitation
    if elicited is None or elicited.consistency is None:
        return {}
    return {"persona_consistency": elicited.consistency, "persona_repeats": elicited.repeats}


def _memory_metadata(context: RenderedContext) -> dict[str, object]:
    if not context.memories:
        return {}
    return {"memories": [{"text": m.text, "score": m.score} for m in context.memories]}


def build_samples(
    personas: Sequence[Persona],
    scenarios: Sequence[Scenario],
    strategy: str,
    position: Position,
    margin: float,
    redact_input: bool = False,
    memory_k: int = DEFAULT_MEMORY_K,
    control: Control = "none",
    seed: int = 7,
) -> list[Sample]:
    """One sample per scenario x persona, grouped by scenario (the contrastive unit).

    Choice options are not in the input yet: `present_options` adds them in a fresh order
    for every epoch. With `redact_input`, profiles marked as personal data are rendered
    redacted (names and contact details hidden), for runs against third-party APIs.
    `memory_facts` retrieves each persona's `memory_k` facts most relevant to each scenario
    (recorded as `memories`). With `control="shuffled"` each sample's context is another
    persona's (see `shuffled_partners`) while expectations and scores stay the sample's own.
    """
    shown = shuffled_partners(personas, seed) if control == "shuffled" else {p.id: p for p in personas}
    per_persona: dict[str, RenderedContext] = {}

    def context_for(persona: Persona, scenario: Scenario) -> RenderedContext:
        source = for_display(shown[persona.id]) if redact_input else shown[persona.id]
        if strategy == RETRIEVED:  # retrieval depends on the request
            return render_context(source, strategy, scenario.prompt.strip(), memory_k)
        if persona.id not in per_persona:
            per_persona[persona.id] = render_context(source, strategy)
        return per_persona[persona.id]

    samples = []
    for scenario in scenarios:
        for persona in personas:
            sid = sample_id(persona, scenario)
            choice = _choice_fields(persona, scenario, margin) if scenario.kind == "choice" else {}
            rubric = (
                {"rubric": scenario.rubric, "scenario_prompt": scenario.prompt.strip()}
                if scenario.rubric
                else {}
            )
            context = context_for(persona, scenario)
            controlled = {"control": control, "context_persona_id": shown[persona.id].id}
            samples.append(
                Sample(
                    id=sid,
                    input=context_messages(context, scenario.prompt.strip(), position),
                    metadata={
                        "persona_id": persona.id,
                        "persona_top_value": persona.values.ranked()[0],
                        "scenario_id": scenario.id,
                        "kind": scenario.kind,
                        "domain": scenario.domain,
                        "harm_category": scenario.harm_category,
                        "strategy": strategy,
                        "position": position,
                        "context_tokens": context.tokens,
                        # The user turn with no context: what identity coherence's
                        # persona-blind reference answers (choice items get their options).
                        "blind_prompt": scenario.prompt.strip(),
                        **(controlled if control != "none" else {}),
                        **_memory_metadata(context),
                        **_person_metadata(persona),
                        **choice,
                        **rubric,
                    },
                )
            )
    return samples


def content_hash(items: Sequence[BaseModel]) -> str:
    """Short hash of a persona, scenario or prompt set, so logs say exactly what they ran on."""
    blob = json.dumps([item.model_dump(mode="json") for item in items], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def task_metadata(
    strategy: str,
    position: Position,
    persona_set: Sequence[Persona],
    scenario_set: Sequence[Scenario],
    **extra: object,
) -> dict[str, object]:
    """What every task's log records about its run, so only like is compared with like
    (the leaderboard's fingerprint reads these with the log's epochs, grader and task args)."""
    return {
        # Inspect records the package version only for tasks run by registered name; a run by
        # file path (`inspect eval evals/x.py`) has it only here.
        "suite_version": version("personalign"),
        "strategy": strategy,
        "strategy_template": strategy_hash(strategy),
        "position": position,
        "persona_set": content_hash(persona_set),
        "scenario_set": content_hash(scenario_set),
        **extra,
    }
