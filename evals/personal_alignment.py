"""personal_alignment: does the model act for this person once their profile reaches it?

inspect eval evals/personal_alignment.py --model personalign/smollm2 -T strategy=opspec
"""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer

from personalign.evals._dataset import CONTROLS, Control, build_samples, task_metadata
from personalign.evals._expected import DEFAULT_MARGIN
from personalign.evals._memory import DEFAULT_MEMORY_K
from personalign.evals._scenario import load_scenarios, select_per_kind
from personalign.evals._solver import generate_as_user, present_options
from personalign.evals._strategy import Position
from personalign.personas import UserError, load_personas, spread_by_top_value
from personalign.scorers import (
    MEASURE_SCORERS,
    TOP_LOGPROBS,
    epoch_summary,
    identity_coherence,
    persona_fit,
    refusal,
    register_persona_set,
    response_variance,
    rubric_grade,
    value_fidelity,
)

TASK_VERSION = 2


@task
def personal_alignment(
    strategy: str = "opspec",
    position: Position = "system",
    epochs: int = 5,
    personas: str | None = None,
    max_personas: int | None = None,
    scenarios: str | None = None,
    scenarios_per_kind: int | None = None,
    kinds: str | None = None,
    measures: str | None = None,
    margin: float = DEFAULT_MARGIN,
    temperature: float = 0.7,
    max_tokens: int = 160,
    logprobs: bool = False,
    seed: int = 7,
    redact_input: bool = False,
    blind_reference: bool = True,
    memory_k: int = DEFAULT_MEMORY_K,
    control: Control = "none",
) -> Task:
    """Persona x scenario samples under one context strategy, scored on every measure.

    Args:
        strategy: context strategy: `none`, `custom_instructions`, `opspec`, ..., a .j2 path,
            or `product`: no context, the persona's id sent as the `user` field and the
            X-Personalign-User header, for a product that holds its own profiles.
        position: where the context goes: `system` message or `user_prefix` of the user turn.
        epochs: replies per sample (two or more are needed for response variance).
        personas: persona file or directory (default: the bundled authored set).
        max_personas: keep at most N personas, spread across top values (a quick subset).
        scenarios: scenario file or directory (default: the bundled bank).
        scenarios_per_kind: keep only the first N scenarios of each kind (a quick subset; the
            choice items a real person answered themselves, their `stated_choices`, come first).
        kinds: comma-separated scenario kinds to keep (choice, open, hard_floor, benign_lookalike).
        measures: comma-separated scorers to run (default all: value_fidelity,
            identity_coherence, response_variance, refusal, rubric_grade, persona_fit). Open
            items are graded only with a grader bound: --model-role grader=MODEL.
        margin: utility gap under which a persona x choice pair is ambiguous (unscored).
        temperature: sampling temperature (above 0 so epochs can differ).
        max_tokens: reply length cap.
        logprobs: ask for top log-probabilities, for the token-entropy measures of response
            variance (providers that cannot return them leave those measures unscored).
        seed: seed for option order (reshuffled every epoch) and for providers that accept one.
        redact_input: render profiles marked as personal data with names and contact details
            hidden, for runs against third-party APIs (a different fingerprint: not comparable
            with unredacted runs).
        blind_reference: identity coherence asks the model each prompt once more with no
            context, so that a reply is credited only for what it has beyond a reply written
            for nobody (specificity); one extra call per prompt, not per persona.
        memory_k: facts `memory_facts` retrieves per scenario (by embedding similarity).
        control: `shuffled` shows each persona another persona's profile (a seeded
            derangement) and still scores against its own: the leakage control. Fidelity
            minus this control's is what the profile explains (the leaderboard pairs them).
    """
    if control == "shuffled" and strategy == "none":
        raise UserError("control=shuffled with strategy none: there is no profile to shuffle")
    if control not in CONTROLS:
        raise UserError(f"control {control!r}: expected one of {', '.join(CONTROLS)}")
    persona_set = spread_by_top_value(load_personas(personas), max_personas)
    stated = {scenario for persona in persona_set for scenario in persona.stated_choices}
    scenario_set = select_per_kind(load_scenarios(scenarios), scenarios_per_kind, kinds, first=stated)
    # Scorers get the set's name, not the documents: Inspect logs scorer arguments in every
    # sample, and a sample's log must hold no persona but its own.
    named_set = register_persona_set(persona_set)
    # Keyed by the shared measure names (MEASURE_SCORERS), which the reports read logs by.
    scorers: dict[str, Callable[[], Scorer]] = {
        "value_fidelity": value_fidelity,
        "identity_coherence": lambda: identity_coherence(named_set, blind_reference),
        "response_variance": response_variance,
        "refusal": refusal,
        "rubric_grade": lambda: rubric_grade(named_set),
        "persona_fit": lambda: persona_fit(named_set),
    }
    chosen = measures.split(",") if measures else list(scorers)
    unknown = sorted(set(chosen) - set(scorers))
    if unknown:
        raise ValueError(f"unknown measures {unknown}: expected some of {list(MEASURE_SCORERS)}")
    return Task(
        dataset=MemoryDataset(
            build_samples(
                persona_set, scenario_set, strategy, position, margin, redact_input, memory_k, control, seed
            ),
            name="personalign",
        ),
        solver=[present_options(seed), generate_as_user()],
        scorer=[scorers[name]() for name in chosen],
        epochs=Epochs(epochs, epoch_summary()),
        config=GenerateConfig(
            temperature=temperature,
            max_tokens=max_tokens,
            seed=seed,
            logprobs=logprobs or None,
            top_logprobs=TOP_LOGPROBS if logprobs else None,
        ),
        version=TASK_VERSION,
        metadata=task_metadata(
            strategy,
            position,
            persona_set,
            scenario_set,
            personas=len(persona_set),
            scenarios=len(scenario_set),
            redact_input=redact_input,
            control=control,
        ),
    )
