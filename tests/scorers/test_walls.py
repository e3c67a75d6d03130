from personalign.personas import (
    ForbiddenPhrases,
    MaxSentences,
    MaxWords,
    NoBulletLists,
    NoEmoji,
    NoExclamationMarks,
    RequiredLanguage,
    RequiredPhrases,
    Wall,
    load_personas,
)
from personalign.scorers import check_wall, check_walls


def _wall(rule) -> Wall:
    return Wall(text="Never ...", rule=rule)


def test_forbidden_phrases_match_whole_words_case_insensitively() -> None:
    wall = _wall(ForbiddenPhrases(type="forbidden_phrases", phrases=["just relax"]))
    assert not check_wall("You should Just Relax tonight.", wall).kept
    assert check_wall("You should adjust relaxed plans.", wall).kept


def test_a_required_form_of_address_must_be_used_and_the_refused_one_not() -> None:
    wall = _wall(
        RequiredPhrases(type="required_phrases", phrases=["Dr Haddad"], instead_of=["Haddad", "Sami"])
    )
    assert check_wall("Good morning, dr haddad. Here is the plan.", wall).kept
    assert not check_wall("Here is the plan.", wall).kept  # not addressed at all
    assert not check_wall("Dr Haddad, Sami asked me to write.", wall).kept
    # "Haddad" inside the required "Dr Haddad" is not a use of the refused surname alone.
    assert check_wall("Dear Dr Haddad, done.", wall).kept


def test_max_words() -> None:
    wall = _wall(MaxWords(type="max_words", limit=5))
    assert check_wall("one two three four five", wall).kept
    check = check_wall("one two three four five six", wall)
    assert not check.kept and "6 words" in check.detail


def test_bullet_lists() -> None:
    wall = _wall(NoBulletLists(type="no_bullet_lists"))
    assert not check_wall("Plan:\n- save\n- invest", wall).kept
    assert not check_wall("1. save\n2. invest", wall).kept
    assert check_wall("Save first - then invest.\nThat is all.", wall).kept


def test_exclamation_and_emoji() -> None:
    assert not check_wall("Great!", _wall(NoExclamationMarks(type="no_exclamation_marks"))).kept
    assert check_wall("Fine.", _wall(NoExclamationMarks(type="no_exclamation_marks"))).kept
    assert not check_wall("Nice 🎉", _wall(NoEmoji(type="no_emoji"))).kept
    assert check_wall("Nice.", _wall(NoEmoji(type="no_emoji"))).kept


def test_check_walls_covers_only_rules() -> None:
    persona = load_personas()[0]
    checks = check_walls("A short calm reply.", persona)
    assert len(checks) == len(persona.rules()) < len(persona.walls)
    assert all(c.kept for c in checks)


def test_max_sentences() -> None:
    wall = _wall(MaxSentences(type="max_sentences", limit=2))
    assert check_wall("Save it. Then travel.", wall).kept
    assert check_wall("No full stop at the end", wall).kept
    assert not check_wall("Save it. Then travel. Then rest!", wall).kept


def test_required_language() -> None:
    wall = _wall(RequiredLanguage(type="required_language", language="es"))
    assert check_wall("Te recomiendo ahorrar el dinero para la casa de tu madre.", wall).kept
    check = check_wall("I recommend that you save the money for the house.", wall)
    assert not check.kept and "detected en" in check.detail
