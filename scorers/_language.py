"""A small, offline language guess from function words (enough to check a language wall)."""

from __future__ import annotations

import re

# The commonest function words of each language; short replies still carry several.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "is",
            "in",
            "that",
            "it",
            "you",
            "for",
            "with",
            "on",
            "are",
            "this",
            "be",
            "not",
            "have",
            "but",
            "your",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "de",
            "que",
            "y",
            "en",
            "los",
            "las",
            "por",
            "para",
            "con",
            "una",
            "es",
            "no",
            "se",
            "su",
            "del",
            "al",
            "lo",
            "como",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "de",
            "et",
            "est",
            "un",
            "une",
            "des",
            "que",
            "pour",
            "pas",
            "vous",
            "dans",
            "sur",
            "au",
            "du",
            "ce",
            "qui",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "ein",
            "eine",
            "zu",
            "mit",
            "sie",
            "ich",
            "auf",
            "den",
            "dem",
            "für",
            "es",
            "sich",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "de",
            "que",
            "e",
            "do",
            "da",
            "em",
            "um",
            "uma",
            "para",
            "com",
            "não",
            "se",
            "por",
            "mais",
            "você",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "gli",
            "le",
            "di",
            "che",
            "e",
            "è",
            "un",
            "una",
            "per",
            "con",
            "non",
            "si",
            "sono",
            "del",
            "della",
            "più",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "is",
            "dat",
            "niet",
            "op",
            "te",
            "met",
            "voor",
            "zijn",
            "je",
            "ik",
            "die",
            "er",
            "maar",
        ]
    ),
    "sv": frozenset(
        [
            "och",
            "att",
            "det",
            "som",
            "en",
            "ett",
            "är",
            "på",
            "för",
            "med",
            "inte",
            "av",
            "till",
            "den",
            "har",
            "du",
            "jag",
            "om",
        ]
    ),
}
_FUNCTION_WORDS["nb"] = frozenset(
    "og ikke det er jeg på som en til med for av har du å de kan vil meg deg hva".split()
)
_FUNCTION_WORDS["pl"] = frozenset("i w nie na się że z do jest to jak co ale o dla po".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Languages told apart by their script, checked before function words: the share of letters
# in the script decides. Kana marks Japanese even among Han characters.
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile("[\u3040-\u30ff]")),
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile("[\u4e00-\u9fff]")),
    ("ru", re.compile("[\u0400-\u04ff]")),
    ("el", re.compile("[\u0370-\u03ff]")),
    ("ar", re.compile("[\u0600-\u06ff]")),
    ("he", re.compile("[\u0590-\u05ff]")),
    ("hi", re.compile("[\u0900-\u097f]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
)


def detect_language(text: str) -> tuple[str | None, float]:
    """The most likely language code and the share of words that are its function words (or,
    for languages with a script of their own, the share of letters in that script).

    Returns (None, 0.0) when no known function word occurs.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None, 0.0
    for code, script in _SCRIPTS:
        share = sum(1 for c in letters if script.match(c)) / len(letters)
        if share >= (0.05 if code == "ja" else 0.3):  # a few kana make Japanese among kanji
            return code, share
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None, 0.0
    hits = {code: sum(w in vocab for w in words) for code, vocab in _FUNCTION_WORDS.items()}
    best = max(hits, key=lambda code: hits[code])
    if hits[best] == 0:
        return None, 0.0
    return best, hits[best] / len(words)


def supported_languages() -> list[str]:
    return sorted({*_FUNCTION_WORDS, *(code for code, _ in _SCRIPTS)})
