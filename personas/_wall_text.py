"""Read walls and style hints out of free text ("Never use emoji", "keep it brief")."""

from __future__ import annotations

import re

from personalign.personas._schema import (
    Communication,
    ForbiddenPhrases,
    MaxBulletPoints,
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
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
_N = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
# A phrase in double quotes (straight or curly), or in single quotes that are not
# apostrophes (not between letters: "don't").
_QUOTED = re.compile(
    r"[\"\u201c\u201d]([^\"\u201c\u201d]{2,60})[\"\u201c\u201d]"
    r"|(?<![^\W\d_])['\u2018]([^'\u2018\u2019]{2,60})['\u2019](?![^\W\d_])"
)
_NEGATIVE = re.compile(r"^\s*(?:[-*•]\s*)?(?:never|don'?t|do not|avoid|no|stop)\b", re.I)
_NEGATION = re.compile(r"\b(?:never|don'?t|do not|doesn'?t|avoid|no|not|without|stop|nothing)\b", re.I)
# A cap: "no more than N", "under N", "at most N", "N ... max"; or, in a negative sentence,
# "more than N" ("never more than five bullet points").
_CAP = (
    r"(?:no more than|not more than|at most|under|below|fewer than|less than|up to|within|"
    r"maximum of|max(?:imum)?|limit(?:ed)? to|keep (?:it|answers|replies) (?:to|under))"
)
_OVER = r"(?:more than|over|exceed(?:ing)?|past|above|beyond|longer than)"
# Conditions and the person's own language: no fixed language to check.
_NOT_FIXED_LANGUAGE = re.compile(r"\b(?:when|if|whatever|whichever|same language|language I|unless)\b", re.I)
# A form of address the person wants ("call me X", "address me as X"): required, not forbidden.
_ADDRESS = re.compile(r"\b(?:call me|address me|refer to me|call him|call her|call them|known as)\b", re.I)


def _number(token: str) -> int:
    return _NUMBER_WORDS.get(token.lower()) or int(token)


def _limit(lower: str, unit: str, negative: bool) -> int | None:
    """The cap a sentence puts on `unit` (words, sentences, bullet points), if any."""
    if m := re.search(rf"{_CAP}\s+(?:of\s+)?{_N}\s+{unit}", lower):
        return _number(m.group(1))
    if m := re.search(rf"{_N}\s+{unit}\s+(?:max(?:imum)?|or (?:less|fewer)|at most|tops)", lower):
        return _number(m.group(1))
    if negative and (m := re.search(rf"{_OVER}\s+{_N}\s+{unit}", lower)):
        return _number(m.group(1))
    return None


def _clauses(text: str) -> list[tuple[str, bool]]:
    """A rule sentence split where its polarity may turn ("call me X, never Y"), each clause
    with whether it forbids: a clause with no marker of its own continues the one before
    ("never say 'a', 'b' or 'c'")."""
    forbids, clauses = False, []
    for clause in re.split(r"[,;]|(?<!anything)(?<!nothing)\s+but\s+|\s+[\u2014\u2013-]\s+", text):
        if not clause.strip():
            continue
        if _NEGATION.search(clause):
            forbids = True
        elif re.search(r"\b(?:always|please|only|must|call me|address me|refer to me)\b", clause, re.I):
            forbids = False
        clauses.append((clause, forbids))
    return clauses


# "anything but 'X'", "only 'X'": the quoted form is the one required.
_REQUIRED_FORM = re.compile(r"\b(?:anything but|anything other than|other than|except|only|instead)\b", re.I)


def _rule(text: str) -> WallRule | None:
    """The machine-checkable rule a sentence states plainly, or None. General forms only: a
    cap on words, sentences or bullet points; no bullets, emoji or exclamation marks; one
    answer language; phrases the person forbids (quoted, in a negative clause)."""
    lower = text.lower()
    negative = bool(_NEGATION.search(lower))
    bullets = r"(?:bullet(?:ed)?(?: points?)?|bullets|list items|points)"
    if (cap := _limit(lower, bullets, negative)) is not None:
        return MaxBulletPoints(type="max_bullet_points", limit=cap)
    if (cap := _limit(lower, r"words?", negative)) is not None:
        return MaxWords(type="max_words", limit=cap)
    if (cap := _limit(lower, r"sentences?", negative)) is not None:
        return MaxSentences(type="max_sentences", limit=cap)
    if negative and "exclamation" in lower:
        return NoExclamationMarks(type="no_exclamation_marks")
    if negative and re.search(r"emoji|emoticon|smiley", lower):
        return NoEmoji(type="no_emoji")
    if negative and re.search(r"bullet|numbered list|\blists?\b", lower):
        return NoBulletLists(type="no_bullet_lists")
    if language := _language(lower):
        return RequiredLanguage(type="required_language", language=language)
    phrases = [
        q.strip().lower()
        for clause, forbids in _clauses(text)
        if forbids and not _REQUIRED_FORM.search(clause)
        for pair in _QUOTED.findall(clause)
        for q in pair
        if q
    ]
    if phrases:
        return ForbiddenPhrases(type="forbidden_phrases", phrases=phrases)
    return None


def _language(lower: str) -> str | None:
    """The one language every answer must be in ("always answer in Spanish", "only in French",
    "never in anything but German"); None when it depends on a condition or is the user's."""
    if _NOT_FIXED_LANGUAGE.search(lower):
        return None
    for name, code in LANGUAGE_CODES.items():
        verb = r"\b(?:answer|reply|respond|write|speak|talk|communicate|answers|replies)\b[^.]*"
        if re.search(
            rf"{verb}\bin {name}\b|\b(?:always|only) in {name}\b|\bin {name} only\b"
            rf"|\b(?:anything but|other than|except) {name}\b",
            lower,
        ):
            return code
    return None


def is_negative_rule(sentence: str) -> bool:
    """True for sentences that state what must not happen ("Never ...", "Don't ...")."""
    return bool(_NEGATIVE.match(sentence))


def is_wall(sentence: str) -> bool:
    """True for sentences that are walls: what must not happen ("Never ...", "Don't ..."),
    the limits a reply must keep however they are phrased ("Keep it under 150 words",
    "Always answer in Spanish"), and how the person must be addressed."""
    if is_negative_rule(sentence) or _rule(sentence) is not None:
        return True
    # How the person must be addressed: "Always call me Mr Okafor", "only ever Dr Haddad".
    return bool(_ADDRESS.search(sentence) and re.search(r"\b(?:always|never|only|must)\b", sentence, re.I))


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
