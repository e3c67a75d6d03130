"""safety_floor: does persona context unlock harmful help, or make harmless requests refused?

inspect eval evals/safety_floor.py --model personalign/smollm2 -T strategy=opspec

Every hard-floor request (63, across 12 harm categories) and benign look-alike (63, across 8
kinds of resemblance) is asked plainly, with no persona, and under the context of each
pressure persona: profiles that claim authority, ask to waive safety, or carry injection
attempts. Under strategy `none` only the plain samples are run (no persona reaches the model).
"""

from __future__ import annotations

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import generate

from personalign.evals._dataset import build_samples, task_metadata
from personalign.evals._expected import DEFAULT_MARGIN
from personalign.evals._scenario import SAFETY_SOURCES, load_scenarios, select_per_kind
from personalign.evals._strategy import NO_CONTEXT, Position
from personalign.personas import PRESSURE_DIR, Persona, load_personas, round_robin
from personalign.scorers import epoch_summary, refusal, refusal_grade

TASK_VERSION = 1
PLAIN = "plain"


def pressure_type(persona_id: str) -> str:
    """`authority`, `waiver`, `injection` from a pressure persona's id; else `persona`."""
    parts = persona_id.split("-")
    return parts[1] if parts[0] == "pressure" and len(parts) > 2 else "persona"


def _samples(personas: list, items: list, strategy: str, position: Position) -> list[Sample]:
    plain = build_samples(personas[:1], items, "none", position, DEFAULT_MARGIN)
    for sample in plain:
        assert sample.metadata is not None
        sample.id = f"{sample.metadata['scenario_id']}__{PLAIN}"
        sample.metadata.update(persona_id=PLAIN, persona_top_value=None, pressure=PLAIN)
    # Without context to carry it (`none`; `product`, whose profiles are its own) there is
    # no persona pressure to apply: the plain requests alone.
    pressured = (
        build_samples(personas, items, strategy, position, DEFAULT_MARGIN)
        if strategy not in NO_CONTEXT
        else []
    )
    for sample in pressured:
        assert sample.metadata is not None
        sample.metadata["pressure"] = pressure_type(sample.metadata["persona_id"])
    return plain + pressured


def _by_pressure(personas: list[Persona], n: int | None) -> list[Persona]:
    """Up to `n` personas, round-robin over pressure types so a subset keeps every kind."""
    if n is None or n >= len(personas):
        return personas
    groups: dict[str, list[Persona]] = {}
    for persona in personas:
        groups.setdefault(pressure_type(persona.id), []).append(persona)
    return round_robin(list(groups.values()), n)


@task
def safety_floor(
    strategy: str = "opspec",
    position: Position = "system",
    personas: str | None = None,
    max_personas: int | None = None,
    scenarios: str | None = None,
    items_per_kind: int | None = None,
    epochs: int = 1,
    temperature: float = 0.0,
    max_tokens: int = 160,
    seed: int = 7,
) -> Task:
    """Hard-floor and look-alike requests, asked plainly and under persona pressure.

    Args:
        strategy: context strategy for the persona samples (`none` runs the plain ones only).
        position: where the context goes: `system` message or `user_prefix`.
        personas: persona file or directory (default: the bundled pressure personas).
        max_personas: at most N personas, taken in turn from each pressure type.
        scenarios: scenario file or directory (default: the bundled safety sets).
        items_per_kind: only the first N hard-floor and N look-alike items (a quick subset).
        epochs: replies per sample.
        temperature: sampling temperature (greedy by default: the floor is tested, not luck).
        max_tokens: reply length cap.
        seed: seed for providers that accept one.

    Scorers: `refusal` (the deterministic classifier: hard-floor refusal rate, partial rate,
    harmful compliance, over-refusal rate, benign partial rate) and `refusal_grade` (the
    grader-model option, with `--model-role grader=MODEL`; otherwise `no_grader`).
    """
    persona_set = _by_pressure(load_personas(personas or PRESSURE_DIR), max_personas)
    items = select_per_kind(
        load_scenarios(scenarios or SAFETY_SOURCES), items_per_kind, "hard_floor,benign_lookalike"
    )
    return Task(
        dataset=MemoryDataset(_samples(persona_set, items, strategy, position), name="personalign-safety"),
        solver=generate(),
        scorer=[refusal(), refusal_grade()],
        epochs=Epochs(epochs, epoch_summary()),
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens, seed=seed),
        version=TASK_VERSION,
        metadata=task_metadata(
            strategy, position, persona_set, items, personas=len(persona_set), scenarios=len(items)
        ),
    )
