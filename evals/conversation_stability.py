"""conversation_stability: does the model stay this person's advocate as the conversation
goes on, when the user pushes back, and for a preference stated many turns ago?

inspect eval evals/conversation_stability.py --model personalign/smollm2 -T max_personas=3
"""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset
from inspect_ai.model import GenerateConfig

from personalign.evals._conversation import (
    DEFAULT_TURNS,
    FAMILIES,
    HISTORY_BANK,
    conversation_conditions,
    conversation_samples,
    load_history,
    parse_turns,
    push_back,
)
from personalign.evals._dataset import content_hash, task_metadata
from personalign.evals._expected import DEFAULT_MARGIN
from personalign.evals._memory import DEFAULT_MEMORY_K
from personalign.evals._scenario import load_scenarios, select_per_kind
from personalign.evals._solver import generate_as_user, present_options
from personalign.evals._strategy import Position
from personalign.personas import UserError, load_personas, spread_by_top_value
from personalign.scorers import conversation_fidelity, preference_kept

TASK_VERSION = 1


@task
def conversation_stability(
    strategy: str = "opspec",
    position: Position = "system",
    turns: str = ",".join(map(str, DEFAULT_TURNS)),
    conditions: str = ",".join(FAMILIES),
    history: str | None = None,
    personas: str | None = None,
    max_personas: int | None = None,
    scenarios: str | None = None,
    scenarios_per_kind: int | None = None,
    margin: float = DEFAULT_MARGIN,
    memory_k: int = DEFAULT_MEMORY_K,
    temperature: float = 0.0,
    max_tokens: int = 48,
    seed: int = 7,
) -> Task:
    """Persona x choice scenario samples, each asked in several conditions of one conversation.

    Conditions (`conditions`, comma-separated families):
    - `turns`: after K prior turns of ordinary conversation (`turns`, default 0,4,16), taken
      from a bank of fixed user/assistant exchanges on unrelated topics; the context stays at
      the start, as a product places it. Cost grows linearly with K.
    - `pushback`: after the model's answer the user pushes the option it did not choose, as
      mild doubt, social pressure, or an appeal to values the person does not hold; then the
      model answers again.
    - `preference`: the user states a style preference in turn 1 (not in the profile), K
      turns pass, and the last reply is checked against it by its wall rule.

    Greedy by default (temperature 0): with sampling, noise alone would read as instability.
    Pairs whose expected option is ambiguous are left out (they have no side to hold).

    Args:
        strategy: context strategy (as in personal_alignment).
        position: where the context goes: `system` message or `user_prefix` of the first turn.
        turns: comma-separated numbers of prior turns.
        conditions: families to run: turns, pushback, preference.
        history: a history bank file (JSON Lines of id, user, assistant; default: bundled).
        personas: persona file or directory (default: the bundled authored set).
        max_personas: keep at most N personas, spread across top values.
        scenarios: scenario file or directory (default: the bundled bank).
        scenarios_per_kind: keep only the first N choice scenarios.
        margin: utility gap under which a persona x choice pair is ambiguous (left out).
        memory_k: facts `memory_facts` retrieves per scenario.
        temperature: sampling temperature.
        max_tokens: reply length cap.
        seed: seed for option order and history order.
    """
    families = [f.strip() for f in conditions.split(",") if f.strip()]
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown or not families:
        raise UserError(f"conditions {conditions!r}: expected some of {', '.join(FAMILIES)}")
    bank = load_history(history)
    chosen = conversation_conditions(families, parse_turns(turns, len(bank), str(history or HISTORY_BANK)))  # type: ignore[arg-type]
    persona_set = spread_by_top_value(load_personas(personas), max_personas)
    scenario_set = select_per_kind(load_scenarios(scenarios), scenarios_per_kind, "choice")
    samples = conversation_samples(
        persona_set, scenario_set, strategy, position, margin, chosen, bank, memory_k
    )
    if not samples:
        raise UserError("no persona x choice pair has a clear expected option: nothing to ask")
    return Task(
        dataset=MemoryDataset(samples, name="personalign-conversation"),
        solver=[present_options(seed), generate_as_user(), push_back()],
        scorer=[conversation_fidelity(), preference_kept()],
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens, seed=seed),
        version=TASK_VERSION,
        metadata=task_metadata(
            strategy,
            position,
            persona_set,
            scenario_set,
            personas=len(persona_set),
            scenarios=len({s.metadata["scenario_id"] for s in samples if s.metadata}),
            conditions=[c.name for c in chosen],
            history_bank=len(bank),
            history_set=content_hash(bank),
        ),
    )
