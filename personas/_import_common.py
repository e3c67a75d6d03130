"""What every importer shares: the report of kept, inferred and dropped, and the assembly."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from personalign.personas._infer import Embed, infer_values
from personalign.personas._schema import Communication, Demographics, LifeContext, Persona, Provenance, Wall
from personalign.personas._wall_text import fold_accents


@dataclass
class ImportReport:
    """What an importer did with each part of the source, for the user and for provenance."""

    kept: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        return (
            [f"kept: {k}" for k in self.kept]
            + [f"inferred: {i}" for i in self.inferred]
            + [f"dropped: {d}" for d in self.dropped]
        )

    def render(self) -> str:
        return "\n".join(self.notes())


@dataclass(frozen=True)
class ImportResult:
    persona: Persona
    report: ImportReport


def default_id(prefix: str, name: str | None, source: str) -> str:
    """An id for an imported profile that the user did not name: the format, the person's
    name when known, and a short hash of the source, so two people (two Marias, or two
    nameless files) never share an id and re-importing one file gives the same id."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    named = slug(name)[:32] if name else ""
    return f"{prefix}-{named}-{digest[:6]}" if named and named != "imported" else f"{prefix}-{digest[:8]}"


_NOT_NAMES = frozenset("i a an the my our this that she he they we you it hi hello dear mr mrs ms dr".split())


def name_after(text: str, cues: str) -> str | None:
    """The capitalised words after the first of `cues` (a regex of phrases, e.g. "my name is"),
    up to four: a person's name as they wrote it, or None."""
    for match in re.finditer(rf"\b(?:{cues})\s+", text, re.I):
        words = []
        for word in re.findall(r"[^\W\d_][\w'\u2019.-]*", text[match.end() :])[:4]:
            bare = word.rstrip(".")
            if not bare[:1].isupper() or bare.lower() in _NOT_NAMES:
                break
            words.append(bare)
            if word.endswith(".") and len(bare) > 2:
                break  # the sentence ended
        if words:
            return " ".join(words)
    return None


_NAME_PART = r"[A-Z][\w'\u2019-]+"
# "Lucia Ferraro, 34, ...", "Amara Nwosu is 29", "Tanaka Hiroshi (family name first), 67": a
# person introduced by name and age, as profiles written about someone usually begin.
_NAME_AND_AGE = re.compile(
    rf"(?:^|[\n.:]\s*|\b(?:with|for|help|about)\s+)"
    rf"({_NAME_PART}(?:[ \t]+(?:{_NAME_PART}|de|da|del|van|von|der|bin|al|Ó|O')){{0,3}})"
    r"(?:\s*\([^)]{0,40}\))?(?:,\s*(?:aged\s+)?|\s+is\s+(?:a\s+|aged\s+)?)\d{1,3}\b"
)
_ADDRESS_FORM = re.compile(
    r"\b(?i:call me|address me(?: \w+)? as|refer to me(?: \w+)? as)\s+"
    r"(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Professor|Sir|Dame|Frau|Herr|Madame|Monsieur|Fru)\.?\s+)+"
    rf"({_NAME_PART})"
)


def find_name(text: str, cues: str) -> str | None:
    """The person's name in free text: after a cue (`name_after`), introduced with an age
    ("Lucia Ferraro, 34"), or the surname of the form they want to be called ("call me Dr
    Osei"). None when the text never names them."""
    if found := name_after(text, cues):
        return found
    if match := _NAME_AND_AGE.search(text):
        return match.group(1)
    if match := _ADDRESS_FORM.search(text):
        return match.group(1)
    return None


def slug(text: str, fallback: str = "imported") -> str:
    """An id-safe slug, accents folded ("María José" -> "maria-jose", "Hallström" -> "hallstrom");
    `fallback` when nothing id-safe is left."""
    return re.sub(r"[^a-z0-9]+", "-", fold_accents(text).lower()).strip("-") or fallback


def assemble(
    *,
    persona_id: str,
    kind: str,
    name: str,
    summary: str,
    value_texts: list[str],
    embed: Embed,
    report: ImportReport,
    provenance: Provenance,
    statements: list[str] | None = None,
    walls: list[Wall] | None = None,
    prescriptions: list[str] | None = None,
    facts: list[str] | None = None,
    context: LifeContext | None = None,
    communication: Communication | None = None,
    demographics: Demographics | None = None,
) -> ImportResult:
    """Build a Persona from imported parts; value weights are always inferred from text."""
    inferred = infer_values(value_texts, embed)
    top = ", ".join(inferred.profile.ranked()[:3])
    report.inferred.append(
        f"values.weights from {inferred.sentences} sentences by embedding similarity "
        f"(confidence {inferred.profile.confidence}; top: {top}); not the person's own ratings"
    )
    for wall in walls or []:
        if wall.rule is not None:
            report.inferred.append(f"wall rule {wall.rule.type} from: {wall.text!r}")
    values = inferred.profile.model_copy(update={"statements": statements or []})
    persona = Persona(
        id=persona_id,
        kind=kind,  # type: ignore[arg-type]
        name=name or persona_id,  # no name in the source: the id is all that is shown
        summary=summary,
        values=values,
        demographics=demographics or Demographics(),
        communication=communication or Communication(),
        walls=walls or [],
        prescriptions=prescriptions or [],
        context=context or LifeContext(),
        facts=facts or [],
        provenance=provenance.model_copy(update={"notes": report.notes()}),
    )
    return ImportResult(persona, report)
