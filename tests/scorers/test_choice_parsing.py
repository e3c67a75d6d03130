import pytest

from personalign.scorers import parse_choice

OPTIONS = {"A": "Stay in the stable job.", "B": "Take the startup offer.", "C": "Ask for a raise first."}


@pytest.mark.parametrize(
    ("answer", "letter"),
    [
        ("B", "B"),
        ("B.", "B"),
        ("B) because it pays more", "B"),
        ("(C) Ask first.", "C"),
        ("**A**. Stability matters to you.", "A"),
        ("A: stay put", "A"),
        ("  b. lower case letter", "B"),
        ("I'd go with B, since you value adventure.", "B"),
        ("My recommendation is option C.", "C"),
        ("Option A is the one for you.", "A"),
        ("Answer: B", "B"),
        ("You should take the startup offer.", "B"),
        ("Honestly: stay in the stable job. It suits you.", "A"),
    ],
)
def test_reads_letters_and_option_text(answer: str, letter: str) -> None:
    assert parse_choice(answer, OPTIONS).letter == letter


@pytest.mark.parametrize(
    "answer",
    [
        "It depends on many things.",
        "A good question. Let me think about stability and growth.",  # article, not a letter
        "Option A or option B could both work.",
        "D. neither",  # not an offered letter
        "Stay in the stable job, or take the startup offer.",
    ],
)
def test_unreadable_answers_are_none_with_a_reason(answer: str) -> None:
    parsed = parse_choice(answer, OPTIONS)
    assert parsed.letter is None
    assert parsed.how


def test_paraphrase_is_read_with_the_embedding_model() -> None:
    from personalign.scorers._value_fidelity import similarity

    parsed = parse_choice("Honestly, keep your steady position. The pension matters.", OPTIONS, similarity)
    assert parsed.letter == "A" and parsed.how.startswith("paraphrase")
    # strict reading (no similarity function) leaves it unread
    assert parse_choice("Honestly, keep your steady position. The pension matters.", OPTIONS).letter is None
    unclear = parse_choice("The weather is lovely in spring.", OPTIONS, similarity)
    assert unclear.letter is None
