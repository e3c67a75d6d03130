"""Read walls and style hints out of free text ("Never use emoji", "keep it brief")."""

from __future__ import annotations

import re

from personalign.personas._schema import (
    Communication,
    ForbiddenPhrases,
    MaxSentences,
    MaxWords,
    NoBulletLists,
    NoEmoji,
    NoExclamationMarks,
    RequiredLanguage,
    Wall,
    WallRule,
)

LANGUAGE_CODES = {
    "english": "en", "spanish": "es", "french": "fr", "german": "de",
    "portuguese": "pt", "italian": "it", "dutch": "nl", "swedish": "sv",
}  # fmt: skip
_QUOTED = re.compile(r"[\"“”']([^\"“”']{3,60})[\"“”']")
_NEGATIVE = re.compile(r"^\s*(?:[-*•]\s*)?(?:never|don'?t|do not|avoid|no)\b", re.I)


def _rule(text: str) -> WallRule | None:
    lower = text.lower()
    if "exclamation" in lower:
        return NoExclamationMarks(type="no_exclamation_marks")
    if "emoji" in lower:
        return NoEmoji(type="no_emoji")
    if re.search(r"bullet|numbered list|\blists?\b", lower):
        return NoBulletLists(type="no_bullet_lists")
    if m := re.search(r"(?:more than|over|exceed|past)\s+(\d+)\s+words", lower):
        return MaxWords(type="max_words", limit=int(m.group(1)))
    if m := re.search(r"(?:more than|over|exceed|past)\s+(\d+|two|three|four|five)\s+sentences", lower):
        words = {"two": 2, "three": 3, "four": 4, "five": 5}
        return MaxSentences(type="max_sentences", limit=words.get(m.group(1)) or int(m.group(1)))
    for name, code in LANGUAGE_CODES.items():
        if name in lower and re.search(r"anything but|other than|only in|except", lower):
            return RequiredLanguage(type="required_language", language=code)
    quoted = _QUOTED.findall(text)
    if quoted and re.search(r"\b(?:say|use|write|call|open|start|tell)\b", lower):
        return ForbiddenPhrases(type="forbidden_phrases", phrases=[q.strip().lower() for q in quoted])
    return None


def is_negative_rule(sentence: str) -> bool:
    """True for sentences that state what must not happen ("Never ...", "Don't ...")."""
    return bool(_NEGATIVE.match(sentence))


def wall_from_text(sentence: str) -> Wall:
    """A wall with a machine-checkable rule when the sentence states one plainly."""
    text = re.sub(r"^\s*[-*•]\s*", "", sentence).strip()
    return Wall(text=text, rule=_rule(text))


def communication_from_text(text: str) -> tuple[Communication, list[str]]:
    """Style preferences stated in free text, and what each was read from."""
    lower = text.lower()
    found: dict[str, str] = {}
    read: list[str] = []

    def note(field: str, value: str, cue: str) -> None:
        if field not in found:
            found[field] = value
            read.append(f"communication.{field}={value} (from '{cue}')")

    verbosity_cues = {
        "concise": "terse", "brief": "terse", "short": "terse",
        "detailed": "expansive", "in depth": "expansive", "thorough": "expansive",
    }  # fmt: skip
    for cue, value in verbosity_cues.items():
        if cue in lower:
            note("verbosity", value, cue)
    for cue, value in [("formal", "formal"), ("casual", "casual"), ("informal", "casual")]:
        if re.search(rf"\b{cue}\b", lower):
            note("formality", value, cue)
    for cue, value in [("bullet", "bullets"), ("prose", "prose"), ("paragraphs", "prose")]:
        if cue in lower and not re.search(rf"(?:no|never|don'?t|avoid)\b[^.]*{cue}", lower):
            note("format", value, cue)
    for cue, value in [("no jargon", "avoid"), ("plain language", "avoid"), ("technical", "welcome")]:
        if cue in lower:
            note("jargon", value, cue)
    for name, code in LANGUAGE_CODES.items():
        if re.search(rf"\b(?:in|reply in|respond in|answer in)\s+{name}\b", lower) and code != "en":
            note("language", code, name)
    return Communication(**found), read  # type: ignore[arg-type]


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a block of text."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip(" -*•\t") for p in parts if p.strip(" -*•\t")]
