"""General rules of the importers, on inputs written for these tests from the failure kinds
that foreign profiles showed (issue 16), not from any blind fixture."""

from __future__ import annotations

import pytest

from personalign.personas._import_structured import import_openclaw
from personalign.personas._import_text import import_custom_instructions, import_hearth
from personalign.personas._wall_text import is_wall, walls_from_text
from personalign.scorers import embed

SOUL = "## Core Truths\nBe honest with me.\n\n## Boundaries\nNever share my files.\n"


def _rule(sentence: str) -> tuple[str, object] | None:
    rule = walls_from_text(sentence)[0].rule
    if rule is None:
        return None
    fields = rule.model_dump(exclude={"type"})
    return rule.type, next(iter(fields.values()), None)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Never more than five bullet points.", ("max_bullet_points", 5)),
        ("Use at most 3 bullet points.", ("max_bullet_points", 3)),
        ("Keep answers under 150 words.", ("max_words", 150)),
        ("No more than 80 words, please.", ("max_words", 80)),
        ("Replies of 200 words max.", ("max_words", 200)),
        ("Never write more than two sentences.", ("max_sentences", 2)),
        ("Don't use bullet lists.", ("no_bullet_lists", None)),
        ("No emoji, ever.", ("no_emoji", None)),
        ("Always answer in Spanish.", ("required_language", "es")),
        ("Reply only in German.", ("required_language", "de")),
        (
            "Never say 'great question' or 'happy to help'.",
            ("forbidden_phrases", ["great question", "happy to help"]),
        ),
        ("Don't call me 'sweetie'.", ("forbidden_phrases", ["sweetie"])),
        # A form of address the person wants is required, never turned into a forbidden phrase.
        ("Always call me 'Dr Haddad', never 'Sami'.", ("required_phrases", ["Dr Haddad"])),
        ("Never call me anything but 'Mr Okafor'.", ("required_phrases", ["Mr Okafor"])),
        ("Always call me Mr Okafor, never by my first name.", ("required_phrases", ["Mr Okafor"])),
        ("Never call me Mr Whitfield, it's George.", ("required_phrases", ["George"])),
        ("Only ever Dr Haddad, please.", ("required_phrases", ["Dr Haddad"])),
        ("Do not call me Viktor.", ("forbidden_phrases", ["viktor"])),
        # No fixed language, a positive format preference: no rule.
        ("If I write in French, answer in French.", None),
        ("Reply in whatever language I write in.", None),
        ("Use bullet points for steps.", None),
    ],
)
def test_wall_forms(sentence: str, expected: tuple[str, object] | None) -> None:
    assert _rule(sentence) == expected


def test_a_required_form_keeps_the_forms_it_replaces() -> None:
    [wall] = walls_from_text("Don't call me Dr Osei, just Kwame is fine.")
    rule = wall.rule
    assert rule is not None and rule.model_dump() == {
        "type": "required_phrases",
        "phrases": ["Kwame"],
        "instead_of": ["Dr Osei"],
    }


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Always answer in English, even when I paste Japanese text.", "en"),  # a concession
        ("Réponds toujours en français, jamais en anglais.", "fr"),  # in its own language
        ("Responda sempre em português.", "pt"),
        ("Reply in Traditional Chinese.", "zh"),
        ("Always reply in Norwegian.", "nb"),
        ("Si je t'écris en anglais, réponds en anglais.", None),  # a condition
    ],
)
def test_answer_languages_however_the_wall_is_written(sentence: str, language: str | None) -> None:
    rules = [w.rule for w in walls_from_text(sentence) if w.rule is not None]
    assert [getattr(r, "language", None) for r in rules] == ([language] if language else [])


def test_a_sentence_that_states_two_rules_gives_two_walls() -> None:
    walls = walls_from_text("Never use emoji or exclamation marks.")
    assert sorted(w.rule.type for w in walls if w.rule) == ["no_emoji", "no_exclamation_marks"]
    assert {w.text for w in walls} == {"Never use emoji or exclamation marks."}
    assert [w.rule for w in walls_from_text("Be kind to my mother.")] == [None]


def test_limits_and_forms_of_address_are_walls_however_phrased() -> None:
    assert is_wall("Keep answers under 150 words.")
    assert is_wall("Always call me Mr Okafor.")
    assert not is_wall("Always tell me the risks.")  # a prescription, not a wall


def test_two_people_with_one_name_or_none_never_share_an_id() -> None:
    one = import_custom_instructions("My name is Maria Lopez. I teach.\n", embed).persona
    two = import_custom_instructions("My name is Maria Lopez. I farm.\n", embed).persona
    nameless = [
        import_hearth(f"WHO YOU'RE WORKING WITH: A nurse in {c}.", embed).persona for c in ("Oslo", "Lima")
    ]
    ids = {one.id, two.id, *(p.id for p in nameless)}
    assert len(ids) == 4 and one.name == "Maria Lopez"
    again = import_custom_instructions("My name is Maria Lopez. I teach.\n", embed).persona
    assert again.id == one.id  # the same file, the same id


def test_openclaw_reads_plain_key_value_lines() -> None:
    user = "# USER.md\n\n- Name: Ana Souza\n- Pronouns: she/her\n- Timezone: America/Sao_Paulo\n"
    persona = import_openclaw(SOUL, embed, user).persona
    assert persona.name == "Ana Souza" and persona.id.startswith("openclaw-ana-souza-")
    assert "Timezone: America/Sao_Paulo" in persona.facts


def test_hearth_takes_the_person_not_its_boilerplate() -> None:
    spec = (
        "[HEARTH OPERATING SPECIFICATION]\nYou are here to help Ines think clearly and act.\n"
        "Never use exclamation marks.\nWHO YOU'RE WORKING WITH: Ines keeps bees in Evora. "
        "She sells honey at the Saturday market.\nCOMMUNICATION: Short answers.\n"
        "[END OPERATING SPECIFICATION]"
    )
    persona = import_hearth(spec, embed).persona
    assert persona.summary == "Ines keeps bees in Evora."
    assert persona.name == "Ines" and "She sells honey at the Saturday market." in persona.facts
    assert not any("keeps bees" in p for p in persona.prescriptions)


def test_vcp_rule_constraints_become_walls_and_are_never_reported_as_kept_when_dropped() -> None:
    from personalign.personas._import_structured import import_vcp

    context = {
        "profile_id": "p",
        "public_profile": {"display_name": "Kim"},
        "constraints": {
            "never": ["use emoji", "give medical dosages"],
            "no_bullet_lists": True,
            "max_words": 90,
        },
    }
    result = import_vcp(context, embed)
    rules = {w.rule.type for w in result.persona.walls if w.rule is not None}
    assert rules == {"no_emoji", "no_bullet_lists", "max_words"}
    assert any(w.text == "Never give medical dosages" and w.rule is None for w in result.persona.walls)
    assert not any("constraints." in d for d in result.report.dropped)
