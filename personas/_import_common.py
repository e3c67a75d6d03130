"""What every importer shares: the report of kept, inferred and dropped, and the assembly."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from personalign.personas._infer import Embed, infer_values
from personalign.personas._schema import Communication, Demographics, LifeContext, Persona, Provenance, Wall


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


def slug(text: str) -> str:
    """An id-safe slug ("Maria José" -> "maria-jos")."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "imported"


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
