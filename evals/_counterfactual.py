"""Counterfactual persona pairs: one decisive value changed, or only the surface changed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from personalign.evals._expected import expected_choice
from personalign.evals._scenario import Scenario
from personalign.personas import SCHWARTZ_VALUES, Demographics, Persona

_SURFACE_NAMES = ("Alex Moreau", "Noa Lindgren", "Sam Okoye", "Kim Park", "Rui Tanaka", "Ana Petrov")
_SURFACE_COUNTRIES = ("Portugal", "Norway", "Ghana", "New Zealand", "Uruguay", "Austria")
_LOW, _HIGH = 0.05, 0.95


@dataclass(frozen=True)
class CounterfactualPair:
    pair_id: str
    scenario: Scenario
    base: Persona
    decisive: Persona
    surface: Persona
    decisive_value: str


def _with_weight(persona: Persona, value: str, weight: float) -> Persona:
    weights: dict[str, float] = {str(v): w for v, w in persona.values.weights.items()} | {value: weight}
    direction = "high" if weight > 0.5 else "low"
    return persona.model_copy(
        update={
            "id": f"{persona.id}--{value}-{direction}",
            "values": persona.values.model_copy(update={"weights": weights}),
        }
    )


def decisive_variant(persona: Persona, scenario: Scenario, margin: float) -> tuple[Persona, str] | None:
    """A copy differing in one value weight such that the expected option changes, if any.

    Takes the value whose change gives the clearest flip (largest utility gap); None when the
    pair is ambiguous or no single value flips it.
    """
    base = expected_choice(persona, scenario, margin)
    if base.ambiguous:
        return None
    best: tuple[float, Persona, str] | None = None
    for value in SCHWARTZ_VALUES:
        weight = _LOW if persona.values.weights[value] > 0.5 else _HIGH
        variant = _with_weight(persona, value, weight)
        flipped = expected_choice(variant, scenario, margin)
        if flipped.option_id not in (None, base.option_id) and (best is None or flipped.margin > best[0]):
            best = (flipped.margin, variant, value)
    return (best[1], best[2]) if best else None


def surface_variant(persona: Persona, rng: random.Random) -> Persona:
    """A copy with another name, age and country: the expected option must not change."""
    age = persona.demographics.age or 40
    new_age = min(80, max(18, age + rng.choice((-1, 1)) * rng.randint(8, 20)))
    return persona.model_copy(
        update={
            "id": f"{persona.id}--surface",
            "name": rng.choice([n for n in _SURFACE_NAMES if n != persona.name]),
            "demographics": Demographics(
                age=new_age,
                country=rng.choice([c for c in _SURFACE_COUNTRIES if c != persona.demographics.country]),
            ),
        }
    )


def counterfactual_pairs(
    personas: list[Persona], scenarios: list[Scenario], n: int, margin: float, seed: int
) -> list[CounterfactualPair]:
    """Up to `n` pairs drawn (seeded) from all persona x choice scenario pairs that can flip."""
    candidates = [(p, s) for s in scenarios if s.kind == "choice" for p in personas]
    random.Random(seed).shuffle(candidates)
    pairs = []
    for persona, scenario in candidates:
        found = decisive_variant(persona, scenario, margin)
        if found is None:
            continue
        variant, value = found
        rng = random.Random(f"{seed}:{persona.id}:{scenario.id}")
        pairs.append(
            CounterfactualPair(
                pair_id=f"{scenario.id}__{persona.id}",
                scenario=scenario,
                base=persona,
                decisive=variant,
                surface=surface_variant(persona, rng),
                decisive_value=value,
            )
        )
        if len(pairs) == n:
            break
    return pairs
