"""Read which option a free-text answer picked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Similarity = Callable[[str, list[str]], list[float]]
"""(answer, option texts) -> one similarity per option, in order."""

PARAPHRASE_MIN = 0.5
PARAPHRASE_GAP = 0.1

# "B", "B.", "(B)", "**B**", "Option B:" at the very start; "A good..." is an article.
_LEADING_LETTER = re.compile(
    r"^[\s*_#>\"'`]*(?:option\s+|answer\s*:?\s*)?\(?([A-Z])\)?(?:[.):\]*_]|\s*$|\s*\n)", re.I
)
# "Option B", "I'd go with B", "my recommendation is C".
_NAMED_LETTER = re.compile(
    r"\b(?:option|choice|answer|choose|pick|go with|recommend|recommendation)\b"
    r"[\s:*_\"'(]*(?:is\s+)?(?:option\s+)?\(?([A-Z])\b(?![-'])",
    re.I,
)


@dataclass(frozen=True)
class ParsedChoice:
    letter: str | None
    """The chosen option's letter, or None when the answer could not be read."""
    how: str
    """How it was read (`leading letter`, `named letter`, `option text`) or why not."""


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", re.sub(r"\s+", " ", text.lower())).strip()


def parse_choice(answer: str, options: dict[str, str], paraphrase: Similarity | None = None) -> ParsedChoice:
    """Parse the option an answer chose.

    Args:
        answer: the model's reply.
        options: display letter -> option text, in display order.

    Returns:
        The letter, read from (in order) a leading letter ("B.", "(B)", "**B**"), a named
        letter ("Option B", "I'd go with B") when all named letters agree, the one option
        whose text the answer quotes, or (with `paraphrase`) the option the answer's opening
        is clearly most similar to (at least 0.5, and 0.1 above the next). Otherwise None
        with the reason. `how` says which rule read it, so strict readings can be separated.
    """
    letters = set(options)
    leading = _LEADING_LETTER.match(answer)
    if leading and leading.group(1).upper() in letters:
        return ParsedChoice(leading.group(1).upper(), "leading letter")
    named = {m.group(1).upper() for m in _NAMED_LETTER.finditer(answer)} & letters
    if len(named) == 1:
        return ParsedChoice(named.pop(), "named letter")
    if len(named) > 1:
        return ParsedChoice(None, f"names several options: {sorted(named)}")
    body = _normalise(answer)
    quoted = [letter for letter, text in options.items() if _normalise(text) and _normalise(text) in body]
    if len(quoted) == 1:
        return ParsedChoice(quoted[0], "option text")
    if len(quoted) > 1:
        return ParsedChoice(None, f"quotes several options: {quoted}")
    if paraphrase is not None:
        opening = " ".join(re.split(r"(?<=[.!?])\s+", answer.strip())[:2])
        scores = paraphrase(opening, list(options.values()))
        ranked = sorted(zip(scores, options, strict=True), reverse=True)
        best, runner_up = ranked[0][0], ranked[1][0] if len(ranked) > 1 else -1.0
        if best >= PARAPHRASE_MIN and best - runner_up >= PARAPHRASE_GAP:
            return ParsedChoice(ranked[0][1], f"paraphrase (similarity {best:.2f})")
    return ParsedChoice(None, "names no option")
