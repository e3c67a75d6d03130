"""Read walls and style hints out of free text ("Never use emoji", "keep it brief")."""

from __future__ import annotations

import re
import unicodedata

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
    RequiredPhrases,
    Wall,
    WallRule,
)

LANGUAGE_CODES = {
    "english": "en", "spanish": "es", "french": "fr", "german": "de",
    "portuguese": "pt", "italian": "it", "dutch": "nl", "swedish": "sv",
    "norwegian": "nb", "bokmal": "nb", "polish": "pl", "japanese": "ja", "chinese": "zh",
    "mandarin": "zh", "cantonese": "zh", "korean": "ko", "russian": "ru", "greek": "el",
    "arabic": "ar", "hebrew": "he", "hindi": "hi", "thai": "th",
}  # fmt: skip
# Languages as their speakers name them, for walls written in that language ("Réponds
# toujours en français", "Responda sempre em português"); matched accent-folded.
_ENDONYMS = {
    "francais": "fr", "espanol": "es", "castellano": "es", "deutsch": "de", "portugues": "pt",
    "italiano": "it", "nederlands": "nl", "svenska": "sv", "norsk": "nb", "polsku": "pl",
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
_NEGATION = re.compile(
    r"\b(?:never|don'?t|do not|doesn'?t|avoid|no|not|without|stop|nothing"
    # the same in the other languages walls are written in (French, Spanish, Portuguese,
    # German, Italian, Dutch, Swedish, Norwegian)
    r"|pas|jamais|sans|aucun|nunca|sin|nao|não|sem|nie|kein|keine|niemals|ohne|mai|senza|nessun"
    r"|geen|nooit|aldrig|inga|ingen|ikke)\b",
    re.I,
)
# A cap: "no more than N", "under N", "at most N", "N ... max"; or, in a negative sentence,
# "more than N" ("never more than five bullet points").
_CAP = (
    r"(?:no more than|not more than|at most|under|below|fewer than|less than|up to|within|"
    r"maximum of|max(?:imum)?|limit(?:ed)? to|keep (?:it|answers|replies) (?:to|under))"
)
_OVER = r"(?:more than|over|exceed(?:ing)?|past|above|beyond|longer than)"
# Conditions and the person's own language: no fixed language to check.
_NOT_FIXED_LANGUAGE = re.compile(
    r"\b(?:when|if|whatever|whichever|same language|language I|unless|si|se|wenn|falls|cuando|quand)\b", re.I
)
# A concession is not a condition: "always in English, even when I paste Japanese".
_CONCESSION = re.compile(
    r"\b(?:even (?:when|if|though)|même (?:si|quand|lorsque)|aunque|incluso si|auch wenn|anche se"
    r"|mesmo que)\b.*",
    re.I,
)
# A form of address the person wants ("call me X", "address me as X"): required, not forbidden.
_ADDRESS = re.compile(
    r"\b(?:call me|address me|refer to me|call him|call her|call them|address (?:him|her|them)|known as"
    # the same in the other languages profiles are written in
    r"|appelle-moi|appelez-moi|llámame|llamame|trate-me por|chame-me|chiamami|nenn mich|sprich mich)\b",
    re.I,
)
# An address cue said as a request: at the start ("Call me Ama", "Please address me as ...")
# or after always / never / only / must.
_ADDRESS_REQUEST = re.compile(
    r"^\W*(?:(?:please|always|only|just|and|do not|don'?t|never|ever)\s+)*"
    r"(?:call|address|refer to|appelle|appelez|llámame|llamame|trate|chame|chiamami|nenn|sprich)\b"
    r"|\b(?:always|never|only|must)\b.*\b(?:call|address|refer to)\b",
    re.I,
)


def fold_accents(text: str) -> str:
    """Accents removed ("français" -> "francais"), so text matches however it is typed."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


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


_HONORIFIC = (
    r"(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Professor|Sir|Dame|Madam|Madame|Mademoiselle|Monsieur|Mme|Mlle|M"
    r"|Frau|Herr|Fru|Herra|Dona|Don|Señora|Señor|Sra|Sr|Senhor|Senhora|Signora|Signor|Sig)\.?"
)
_NAME_PARTICLES = frozenset("do da dos das de del della di du van von der den bin ibn al el le la".split())
# What introduces a form of address in a clause ("call me X", "it's X", "never X").
_FORM_CUE = re.compile(
    r"\b(?:call (?:me|him|her|them)|address (?:me|him|her|them)(?: \w+)? as|address (?:me|him|her|them)|"
    r"refer to (?:me|him|her|them)(?: \w+)? as|known as|it'?s|it is|just|only ever|only|always|never|not|"
    r"rather than|appelle-moi|appelez-moi|llámame|llamame|trate-me por|chame-me|chiamami|nenn mich)\s+",
    re.I,
)


_AFFIRMATIVE = re.compile(
    r"\b(?:it'?s|it is|just|only|always|instead|call (?:me|him|her|them)|address (?:me|him|her|them)|"
    r"go by)\b",
    re.I,
)
_ADDRESS_VERB = re.compile(r"\b(?:call|address|refer to|known as|go by|name)\b", re.I)
# "Call me: Evelyn": the colon after a cue is not the end of the form.
_CUE_COLON = re.compile(r"(call (?:me|him|her|them)|address (?:me|him|her|them)(?: as)?)\s*:", re.I)


def _forms_in(clause: str) -> list[str]:
    """The forms of address a clause names: quoted after an address verb, or the capitalised
    words after a cue."""
    quoted = [q.strip() for pair in _QUOTED.findall(clause) for q in pair if q.strip()]
    if quoted:
        if _ADDRESS_VERB.search(clause) or _ADDRESS.search(clause):
            return quoted
        return [q for q in quoted if re.match(rf"{_HONORIFIC}\s+\S", q)]
    forms = []
    clause = _CUE_COLON.sub(r"\1", clause)
    for cue in _FORM_CUE.finditer(clause):
        words: list[str] = []
        following = re.findall(r"\S+", clause[cue.end() :])[:5]
        for index, word in enumerate(following):
            bare = word.rstrip(".,;:!?)")
            honorific = re.fullmatch(_HONORIFIC, bare) is not None
            # "Maria do Carmo", "Ludwig van Beethoven": a particle between two name words
            particle = (
                bare in _NAME_PARTICLES and bool(words) and index + 1 < len(following)
                and following[index + 1][:1].isupper()
            )  # fmt: skip
            if not (honorific or particle or bare[:1].isupper()) or bare.lower() in ("i", "the", "my"):
                break
            words.append(bare if not honorific else word.rstrip(",;:!?)"))
            if bare != word.rstrip(".") or (word.endswith(".") and not honorific):
                break  # punctuation ends the form
        if words and not re.fullmatch(_HONORIFIC, words[-1].rstrip(".")):
            forms.append(" ".join(words))
    return forms


def _address_rule(text: str) -> WallRule | None:
    """How the person must be addressed, with the forms they refuse: "always Mr Okafor, never
    Chinedu" requires "Mr Okafor" instead of "Chinedu"; a sentence that only refuses forms
    forbids them."""
    required: list[str] = []
    refused: list[str] = []
    forbids = False
    for clause, _ in _clauses(text):
        # A clause's own cue sets its direction ("never X" refuses, "it's Y" requires); a clause
        # with neither continues the one before ("never X, Y or Z").
        if _NEGATION.search(clause) or re.search(r"\brather than\b", clause, re.I):
            forbids = True
        elif _AFFIRMATIVE.search(clause):
            forbids = False
        # "never anything but X", "nothing other than X": the form after the exception is required.
        excepted = re.search(
            r"\b(?:anything but|anything other than|nothing but|other than|except)\b", clause, re.I
        )
        for form in _forms_in(clause):
            (refused if forbids and not excepted else required).append(form)
    required = [f for f in dict.fromkeys(required) if f not in refused]
    if required:
        return RequiredPhrases(
            type="required_phrases", phrases=required, instead_of=list(dict.fromkeys(refused))
        )
    if refused:
        forbidden = [f.lower() for f in dict.fromkeys(refused)]
        return ForbiddenPhrases(type="forbidden_phrases", phrases=forbidden)
    return None


def _asks_for_address(text: str) -> bool:
    """Whether a sentence asks for a form of address: an address cue said as a request ("Call
    her Ama", "Please address me as Tanaka-san", "never call me Viktor"), or an honorific form
    after "always" or "only" ("Only ever Dr Haddad"). "My friends call me Bob" only tells."""
    return bool(
        (_ADDRESS.search(text) and _ADDRESS_REQUEST.search(text))
        or re.search(rf"\b(?i:always|only)\b.*\b{_HONORIFIC}\s+[^\W\d_]", text)
    )


def _rules(text: str) -> list[WallRule]:
    """The machine-checkable rules a sentence states plainly, each once ("Never use emoji or
    exclamation marks" states two). General forms only: a cap on words, sentences or bullet
    points; no bullets, emoji or exclamation marks; one answer language; a form of address;
    phrases the person forbids (quoted, in a negative clause)."""
    lower = text.lower()
    folded = fold_accents(lower)
    negative = bool(_NEGATION.search(lower))
    rules: list[WallRule] = []
    bullets = r"(?:bullet(?:ed)?(?: points?)?|bullets|list items|points)"
    if (cap := _limit(lower, bullets, negative)) is not None:
        rules.append(MaxBulletPoints(type="max_bullet_points", limit=cap))
    elif negative and re.search(r"bullet|numbered list|\blists?\b", lower):
        rules.append(NoBulletLists(type="no_bullet_lists"))
    if (cap := _limit(lower, r"words?", negative)) is not None:
        rules.append(MaxWords(type="max_words", limit=cap))
    if (cap := _limit(lower, r"sentences?", negative)) is not None:
        rules.append(MaxSentences(type="max_sentences", limit=cap))
    if negative and "exclamation" in lower:
        rules.append(NoExclamationMarks(type="no_exclamation_marks"))
    if negative and re.search(r"emoji|emoticon|smiley", folded):
        rules.append(NoEmoji(type="no_emoji"))
    if language := _language(lower):
        rules.append(RequiredLanguage(type="required_language", language=language))
    if _asks_for_address(text) and (address := _address_rule(text)) is not None:
        rules.append(address)
    elif phrases := [
        q.strip().lower()
        for clause, forbids in _clauses(text)
        if forbids and not _REQUIRED_FORM.search(clause)
        for pair in _QUOTED.findall(clause)
        for q in pair
        if q
    ]:
        rules.append(ForbiddenPhrases(type="forbidden_phrases", phrases=phrases))
    return rules


def _language(lower: str) -> str | None:
    """The one language every answer must be in ("always answer in Spanish", "only in French",
    "never in anything but German"); None when it depends on a condition or is the user's."""
    lower = fold_accents(_CONCESSION.sub("", lower))
    if _NOT_FIXED_LANGUAGE.search(lower):
        return None
    # Named in the wall's own language, after "en", "em", "in", "auf" and not after a negation
    # ("jamais en anglais" says which language not to use).
    for match in re.finditer(rf"\b(?:en|em|in|auf|pa|po)\s+({'|'.join(_ENDONYMS)})\b", lower):
        before = lower[max(0, match.start() - 12) : match.start()]
        if not _NEGATION.search(before):
            return _ENDONYMS[match.group(1)]
    for name, code in LANGUAGE_CODES.items():
        verb = r"\b(?:answer|reply|respond|write|speak|talk|communicate|answers|replies)\b[^.]*"
        if re.search(
            rf"{verb}\bin (?:[a-z]+ )?{name}\b|\b(?:always|only) in {name}\b|\bin {name} only\b"
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
    if is_negative_rule(sentence) or _rules(sentence):
        return True
    return _asks_for_address(sentence)


def walls_from_text(sentence: str) -> list[Wall]:
    """The walls a sentence states: one per machine-checkable rule it states plainly, all
    with the sentence as their text; one wall without a rule when it states none."""
    text = re.sub(r"^\s*[-*•]\s*", "", sentence).strip()
    return [Wall(text=text, rule=rule) for rule in _rules(text)] or [Wall(text=text)]


def split_walls(sentences: list[str]) -> tuple[list[Wall], list[str]]:
    """The walls among `sentences` (`walls_from_text` of each wall sentence, in order) and
    the sentences that are not walls, each sentence read once."""
    walls: list[Wall] = []
    others: list[str] = []
    for sentence in sentences:
        if is_wall(sentence):
            walls += walls_from_text(sentence)
        else:
            others.append(sentence)
    return walls, others


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


# Abbreviations a sentence does not end at ("Frau Dr. Albrecht", "e.g. walking").
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Dr|Mr|Mrs|Ms|Mx|Prof|St|Sr|Sra|Jr|Mme|Mlle|e\.g|i\.e|etc|vs|approx)\.$", re.I
)


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a block of text."""
    parts: list[str] = []
    for line in re.split(r"\n+", text):
        sentences: list[str] = []
        for piece in re.split(r"(?<=[.!?])\s+", line):
            if sentences and _ABBREVIATION.search(sentences[-1]):
                sentences[-1] = f"{sentences[-1]} {piece}"
            else:
                sentences.append(piece)
        parts += sentences
    return [p.strip(" -*•\t") for p in parts if p.strip(" -*•\t")]
