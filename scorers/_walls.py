"""Check a reply against a persona's machine-checkable walls."""

from __future__ import annotations

import re
from dataclasses import dataclass

from personalign.personas import (
    ForbiddenPhrases,
    MaxBulletPoints,
    MaxSentences,
    MaxWords,
    NoBulletLists,
    NoEmoji,
    NoExclamationMarks,
    Persona,
    RequiredLanguage,
    RequiredPhrases,
    Wall,
)
from personalign.scorers._language import detect_language

_LIST_LINE = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+\S", re.M)
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_EMOJI = re.compile("[\U0001f300-\U0001faff\U00002600-\U000027bf\U0001f000-\U0001f2ff]")


@dataclass(frozen=True)
class WallCheck:
    wall: str
    kept: bool
    detail: str


def _uses(reply: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `reply` as whole words, case-insensitively."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", reply, re.I) is not None


def check_wall(reply: str, wall: Wall) -> WallCheck:
    """Check one wall that carries a rule."""
    rule = wall.rule
    if isinstance(rule, ForbiddenPhrases):
        found = [p for p in rule.phrases if _uses(reply, p)]
        return WallCheck(wall.text, not found, f"used {found}" if found else "no forbidden phrase")
    if isinstance(rule, RequiredPhrases):
        used = [p for p in rule.phrases if _uses(reply, p)]
        # A refused form inside a required one ("Haddad" in "Dr Haddad") is not a use of it.
        rest = re.sub("|".join(re.escape(p) for p in rule.phrases), " ", reply, flags=re.I)
        wrong = [p for p in rule.instead_of if _uses(rest, p)]
        if wrong:
            return WallCheck(wall.text, False, f"used {wrong}")
        return WallCheck(wall.text, bool(used), f"used {used}" if used else f"none of {rule.phrases}")
    if isinstance(rule, MaxWords):
        words = len(reply.split())
        return WallCheck(wall.text, words <= rule.limit, f"{words} words (limit {rule.limit})")
    if isinstance(rule, MaxSentences):
        sentences = len(_SENTENCE_END.findall(reply.strip() + " ")) or 1
        return WallCheck(wall.text, sentences <= rule.limit, f"{sentences} sentences (limit {rule.limit})")
    if isinstance(rule, RequiredLanguage):
        language, share = detect_language(reply)
        return WallCheck(
            wall.text, language == rule.language, f"detected {language} ({share:.0%} function words)"
        )
    if isinstance(rule, NoBulletLists):
        lines = len(_LIST_LINE.findall(reply))
        # One dash-led line is often a dash, not a list; two make a list.
        return WallCheck(wall.text, lines < 2, f"{lines} list lines")
    if isinstance(rule, MaxBulletPoints):
        lines = len(_LIST_LINE.findall(reply))
        return WallCheck(wall.text, lines <= rule.limit, f"{lines} list lines (limit {rule.limit})")
    if isinstance(rule, NoExclamationMarks):
        count = reply.count("!")
        return WallCheck(wall.text, count == 0, f"{count} exclamation marks")
    if isinstance(rule, NoEmoji):
        count = len(_EMOJI.findall(reply))
        return WallCheck(wall.text, count == 0, f"{count} emoji")
    raise ValueError(f"wall has no machine-checkable rule: {wall.text!r}")


def check_walls(reply: str, persona: Persona) -> list[WallCheck]:
    """Check every machine-checkable wall of `persona`."""
    return [check_wall(reply, wall) for wall in persona.rules()]
