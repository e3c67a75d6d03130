"""Synthetic personas whose value profiles follow the structure of Schwartz's circumplex.

Each profile is a smooth bump around a random point on the circle (plus a little noise), so
adjacent values tend to go together and opposing values apart, as in survey data, rather
than ten independent draws.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence

from personalign.personas._schema import (
    SCHWARTZ_VALUES,
    Communication,
    Demographics,
    ForbiddenPhrases,
    LifeContext,
    MaxSentences,
    MaxWords,
    NoBulletLists,
    NoEmoji,
    NoExclamationMarks,
    Persona,
    Provenance,
    SchwartzValue,
    ValueProfile,
    Wall,
)
from personalign.personas._values import VALUE_STATEMENTS

# Positions on the circle, in degrees (tradition and conformity share a wedge).
CIRCUMPLEX_ANGLE: dict[str, float] = {
    "self_direction": 0,
    "stimulation": 36,
    "hedonism": 72,
    "achievement": 108,
    "power": 144,
    "security": 180,
    "conformity": 216,
    "tradition": 232,
    "benevolence": 275,
    "universalism": 318,
}

_PRESCRIPTIONS: dict[str, str] = {
    "self_direction": "Lay out the options and leave the decision to me.",
    "stimulation": "Suggest something I have not tried before.",
    "hedonism": "Remember that I want to enjoy it, not just get through it.",
    "achievement": "Tell me what will get the best result, and how to measure it.",
    "power": "Tell me how this affects my influence and my money.",
    "security": "Point out the risks before the upside.",
    "conformity": "Tell me what is expected or usual in my situation.",
    "tradition": "Respect my customs and my faith in what you suggest.",
    "benevolence": "Think about how it affects the people close to me.",
    "universalism": "Mention the effect on others and the environment.",
}
_PLACES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Mexico", "Puebla", ("Lucia Herrera", "Mateo Ramos")),
    ("Kenya", "Kisumu", ("Achieng Otieno", "Brian Mwangi")),
    ("Vietnam", "Da Nang", ("Nguyen Thi Lan", "Tran Van Minh")),
    ("Poland", "Gdansk", ("Zofia Nowak", "Piotr Kaminski")),
    ("Canada", "Winnipeg", ("Claire Tremblay", "Owen MacLeod")),
    ("India", "Pune", ("Ananya Kulkarni", "Rohan Deshpande")),
    ("Ghana", "Kumasi", ("Abena Mensah", "Kwame Boateng")),
    ("Italy", "Bologna", ("Giulia Rossi", "Marco Bianchi")),
    ("Philippines", "Cebu", ("Maria Santos", "Jose Reyes")),
    ("Turkey", "Izmir", ("Elif Kaya", "Emre Demir")),
    ("United Kingdom", "Leeds", ("Sophie Clarke", "Tom Barker")),
    ("Chile", "Valparaiso", ("Camila Soto", "Diego Fuentes")),
)
_WORK: tuple[str, ...] = (
    "secondary school teacher",
    "bus driver",
    "software tester",
    "hospital porter",
    "small bakery owner",
    "accountant",
    "university student",
    "retired postal worker",
    "farmer",
    "warehouse supervisor",
    "freelance photographer",
    "civil servant",
    "nurse",
    "electrician",
    "call-centre agent",
    "architect",
)
_SITUATIONS: tuple[str, ...] = (
    "lives alone and looks after an elderly parent nearby",
    "shares a flat with two friends",
    "is raising two children with a partner",
    "recently moved cities for work",
    "is paying off a loan and saving slowly",
    "has just become a grandparent",
)
_FORBIDDEN: tuple[tuple[str, ...], ...] = (
    ("as an ai",),
    ("great question",),
    ("calm down",),
    ("to be honest",),
    ("at the end of the day",),
)
_TONES: tuple[str, ...] = ("warm", "dry", "direct", "gentle", "playful", "matter-of-fact")


def value_weights(rng: random.Random) -> dict[SchwartzValue, float]:
    """Weights from a bump around a random angle on the circumplex, with small noise."""
    centre = rng.uniform(0, 360)
    amplitude = rng.uniform(0.25, 0.42)
    base = rng.uniform(0.45, 0.58)
    weights: dict[SchwartzValue, float] = {}
    for value in SCHWARTZ_VALUES:
        closeness = math.cos(math.radians(centre - CIRCUMPLEX_ANGLE[value]))
        weights[value] = round(min(1.0, max(0.0, base + amplitude * closeness + rng.gauss(0, 0.05))), 2)
    return weights


def _walls(rng: random.Random, communication: Communication) -> list[Wall]:
    pool: list[Wall] = [
        Wall(text="Never use exclamation marks.", rule=NoExclamationMarks(type="no_exclamation_marks")),
        Wall(text="Never use emoji.", rule=NoEmoji(type="no_emoji")),
    ]
    phrase = rng.choice(_FORBIDDEN)
    pool.append(
        Wall(
            text=f'Never say "{phrase[0]}" to me.',
            rule=ForbiddenPhrases(type="forbidden_phrases", phrases=list(phrase)),
        )
    )
    if communication.format == "prose":
        pool.append(Wall(text="Never answer with a bullet list.", rule=NoBulletLists(type="no_bullet_lists")))
    if communication.verbosity == "terse":
        limit = rng.choice((40, 60, 80))
        pool.append(
            Wall(text=f"Never write more than {limit} words.", rule=MaxWords(type="max_words", limit=limit))
        )
        pool.append(
            Wall(text="Never go past three sentences.", rule=MaxSentences(type="max_sentences", limit=3))
        )
    elif communication.verbosity == "moderate":
        pool.append(Wall(text="Never write more than 200 words.", rule=MaxWords(type="max_words", limit=200)))
    walls = rng.sample(pool, k=min(len(pool), rng.randint(2, 3)))
    walls.append(Wall(text="Never make decisions for me without asking."))
    return walls


def synthetic_persona(index: int, seed: int) -> Persona:
    """The `index`-th synthetic persona of a seed (the same inputs always give the same persona)."""
    rng = random.Random(f"personalign-synthetic:{seed}:{index}")
    weights = value_weights(rng)
    ranked = sorted(weights, key=lambda v: -weights[v])
    country, city, names = rng.choice(_PLACES)
    name = rng.choice(names)
    age = rng.randint(18, 80)
    work = rng.choice(_WORK)
    communication = Communication(
        verbosity=rng.choice(("terse", "moderate", "expansive")),
        formality=rng.choice(("casual", "neutral", "formal")),
        tone=rng.choice(_TONES),
        format=rng.choice(("prose", "bullets", "mixed")),
        jargon=rng.choice(("avoid", "tolerate", "welcome")),
    )
    situation = rng.choice(_SITUATIONS)
    return Persona(
        id=f"syn-{seed}-{index:04d}",
        kind="synthetic",
        name=name,
        summary=f"A {age}-year-old {work} in {city}, {country}, who {situation}.",
        values=ValueProfile(
            weights=weights,
            statements=[rng.choice(VALUE_STATEMENTS[v]) for v in ranked[:3]],
        ),
        demographics=Demographics(age=age, country=country),
        communication=communication,
        walls=_walls(rng, communication),
        prescriptions=[_PRESCRIPTIONS[v] for v in ranked[:3]],
        context=LifeContext(work=work, situation=situation),
        facts=[
            f"Lives in {city}.",
            f"Works as a {work}.",
            f"Is {age} years old.",
            f"Cares most about {ranked[0].replace('_', '-')}.",
            f"Prefers a {communication.tone} tone.",
        ],
        provenance=Provenance(source=f"personalign synthetic generator (seed {seed})", licence="CC0-1.0"),
    )


def generate_personas(n: int, seed: int) -> list[Persona]:
    return [synthetic_persona(i, seed) for i in range(n)]


def coverage_report(personas: Sequence[Persona]) -> str:
    """How many personas have each value as top-1 and within the top-2, and the style spread."""
    top1 = Counter(p.values.ranked()[0] for p in personas)
    top2 = Counter(v for p in personas for v in p.values.ranked()[:2])
    lines = [f"{len(personas)} personas", "", f"{'value':<16}{'top-1':>7}{'top-2':>7}"]
    lines += [f"{v:<16}{top1[v]:>7}{top2[v]:>7}" for v in SCHWARTZ_VALUES]
    lines.append("")
    for field in ("verbosity", "formality", "format", "jargon"):
        spread = Counter(getattr(p.communication, field) for p in personas)
        lines.append(f"{field:<10} " + ", ".join(f"{k} {n}" for k, n in sorted(spread.items())))
    ages = [p.demographics.age for p in personas if p.demographics.age is not None]
    countries = Counter(p.demographics.country for p in personas)
    if ages:
        lines.append(f"ages       {min(ages)}-{max(ages)}; {len(countries)} countries")
    return "\n".join(lines)
