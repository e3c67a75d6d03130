"""What every importer shares: the report of kept, inferred and dropped, and the assembly."""

from __future__ import annotations

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
        name=name,
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
