"""The importers on the blind profiles (tests/blind/profiles*: written from the formats' public
descriptions by helpers who never saw the importers), checked against each author's
intent.json field by field: ids, names, walls, values and privacy.

The importers' rules were revised after first contact with these files, so the bounds
below are regressions guards, not evidence: the evidence is the first-contact figures in
tests/blind/README.md. Nothing here compares wording; every check reads the authors'
structured intent.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from personalign.personas import Persona, for_display, persona_yaml
from personalign.personas._infer_check import InferenceOutcome, check_intents, import_intent
from personalign.scorers import embed

# Every profile through the importers and the embedding model: seconds, so with --runslow.
pytestmark = pytest.mark.slow

BLIND = Path(__file__).resolve().parents[1] / "blind"
SETS = (BLIND / "profiles", BLIND / "profiles_c")


@cache
def _outcomes() -> list[InferenceOutcome]:
    return [o for root in SETS for o in check_intents(root, embed)]


@cache
def _imports() -> list[tuple[dict, Persona]]:
    return [import_intent(path, embed) for root in SETS for path in sorted(root.glob("*/*/intent.json"))]


def test_every_format_has_at_least_three_blind_profiles() -> None:
    formats = Counter(intent["format"] for intent, _ in _imports())
    assert set(formats) == {"custom_instructions", "openclaw", "hearth", "vcp", "prism"}
    assert min(formats.values()) >= 3


def test_no_two_people_share_an_id_and_no_id_is_a_default() -> None:
    ids = [persona.id for _, persona in _imports()]
    assert len(set(ids)) == len(ids)
    assert not [i for i in ids if re.search(r"-user$|^imported", i)]


def test_names_are_kept_where_the_format_carries_them() -> None:
    # PRISM keeps only the pseudonymous participant id, by design (docs/personas.md).
    named = [o for o in _outcomes() if o.name_kept is not None and not o.person.startswith("prism/")]
    assert sum(bool(o.name_kept) for o in named) / len(named) >= 0.85


@pytest.mark.parametrize(
    ("kind", "floor"),
    [
        ("max_words", 0.8),
        ("max_bullets", 0.8),
        ("no_bullets", 0.8),
        ("no_emoji", 0.9),
        ("forbidden_phrase", 0.75),
        ("address", 0.5),
        ("language", 0.3),  # conditional ones ("if I write in Spanish") have no fixed language
    ],
)
def test_walls_become_their_rule_with_the_authors_number_phrase_or_form(kind: str, floor: float) -> None:
    read = [ok for o in _outcomes() for k, ok in o.walls if k == kind]
    assert len(read) >= 5 and sum(read) / len(read) >= floor


def test_inferred_values_agree_with_the_authors_rankings() -> None:
    outcomes = _outcomes()
    assert np.mean([o.top1 for o in outcomes]) >= 0.62
    assert np.mean([o.top3 for o in outcomes]) >= 2.0
    assert np.mean([o.spearman for o in outcomes]) >= 0.47
    # confidence means something: the most confident third is right more often than the rest
    ranked = sorted(outcomes, key=lambda o: o.confidence)
    third = len(ranked) // 3
    assert np.mean([o.top1 for o in ranked[-third:]]) > np.mean([o.top1 for o in ranked[:third]])


def test_a_displayed_import_shows_no_part_of_the_persons_name_and_no_private_context() -> None:
    for intent, persona in _imports():
        shown = persona_yaml(for_display(persona)).replace(persona.id, "")
        for part in re.split(r"[\s-]+", intent.get("name") or ""):
            if len(part) > 2:
                assert not re.search(rf"\b{re.escape(part)}\b", shown), (persona.id, part)
        everything = persona_yaml(persona).lower()
        assert not [s for s in intent.get("private") or [] if s.lower() in everything], persona.id
