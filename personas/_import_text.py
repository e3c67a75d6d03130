"""Importers for text profiles: Hearth Operating Specifications and custom instructions."""

from __future__ import annotations

import json
import re

from personalign.personas._import_common import (
    ImportReport,
    ImportResult,
    assemble,
    default_id,
    find_name,
    slug,
)
from personalign.personas._infer import Embed
from personalign.personas._schema import LifeContext, Provenance
from personalign.personas._wall_text import (
    communication_from_text,
    split_sentences,
    split_walls,
)

HEARTH_START = "[HEARTH OPERATING SPECIFICATION]"
HEARTH_END = "[END OPERATING SPECIFICATION]"
# Companion blocks Hearth may append; MEMORY becomes facts, the rest describe moment-to-moment
# state rather than the person and are dropped.
_COMPANION = re.compile(r"^\[(AFFECT COMPLEMENT|TRAJECTORY|HEARTH COMPOSITION RULES|MEMORY)\]", re.M)
_LABEL = re.compile(
    r"^(WHO YOU(?:'|\u2019| A)RE WORKING WITH|COMMUNICATION|EXECUTION|CONSTRAINTS|BALANCE CHECK):\s*", re.M
)

ABOUT_PROMPTS = ("what would you like", "know about you")
RESPOND_PROMPTS = ("how would you like", "respond")


def _provenance(source: str, fmt: str, pii: bool) -> Provenance:
    return Provenance(
        source=source,
        licence="provided by the person; redistribution needs their consent",
        consent="provided by the person for this evaluation",
        contains_pii=pii,
        imported_from=fmt,
    )


# Sentences addressed to the assistant about its role ("You are here to help Dana ..."):
# Hearth's boilerplate, never a description of the person.
_TO_ASSISTANT = re.compile(r"^\s*(?:you are|you're|your (?:job|role|task)|as (?:an|the) assistant)\b", re.I)
_WHO = "WHO YOU'RE WORKING WITH"


def import_hearth(
    text: str, embed: Embed, persona_id: str | None = None, name: str | None = None
) -> ImportResult:
    """A Hearth Operating Specification: rule lines ("Never ...", limits) become walls, the
    WHO YOU'RE WORKING WITH section the person (summary, facts), the rest the garden."""
    report = ImportReport()
    source = text
    if HEARTH_START in text:
        text = text.split(HEARTH_START, 1)[1]
        text = text.split(HEARTH_END, 1)[0]
        report.kept.append("the text between the specification markers")
    elif not (_LABEL.search(text) or _COMPANION.search(text)):
        raise ValueError(
            f"not a Hearth operating specification: expected a {HEARTH_START} block, or its sections "
            "(WHO YOU'RE WORKING WITH:, COMMUNICATION:, EXECUTION:, [MEMORY])"
        )
    companions = _COMPANION.split(text)
    body, memory = companions[0], []
    for label, block in zip(companions[1::2], companions[2::2], strict=True):
        if label == "MEMORY":
            memory = split_sentences(block.split("[/MEMORY]")[0])
            report.kept.append(f"[MEMORY] block as {len(memory)} facts")
        else:
            report.dropped.append(f"[{label}] block (moment-to-moment state, not the person)")
    sections: dict[str, str] = {}
    parts = _LABEL.split(body)
    sections["GARDEN"] = parts[0]
    for label, block in zip(parts[1::2], parts[2::2], strict=True):
        sections[_WHO if label.startswith("WHO") else label] = block
        report.kept.append(f"section {label}")
    who = split_sentences(sections.pop(_WHO, ""))
    sentences = [s for block in sections.values() for s in split_sentences(block)]
    garden_walls, garden = split_walls(sentences)
    who_walls, about = split_walls(who)
    walls = garden_walls + who_walls
    communication, style_notes = communication_from_text(" ".join(garden))
    report.inferred.extend(style_notes)
    report.kept.append(
        f"{len(walls)} rule lines as walls; {len(garden)} garden sentences as prescriptions; "
        f"{len(about)} sentences about the person as summary and facts"
    )
    described = about or [s for s in garden if not _TO_ASSISTANT.match(s)]
    found = name or find_name(source, r"help|working with|work with|supporting")
    if found and not name:
        report.inferred.append(f"name {found!r} from the specification")
    return assemble(
        persona_id=persona_id or default_id("hearth", found, source),
        kind="real",
        name=found or "",
        summary=described[0] if described else "Imported from a Hearth specification.",
        value_texts=about + garden + [w.text for w in walls],
        embed=embed,
        report=report,
        provenance=_provenance("Hearth Operating Specification", "hearth", pii=True),
        statements=about[:3],
        walls=walls,
        prescriptions=garden,
        facts=about[1:] + memory,
        context=LifeContext(situation=" ".join(about[1:3])),
        communication=communication,
    )


def _split_custom_instructions(text: str) -> tuple[str, str, list[str]]:
    """(about the user, how to respond, keys ignored) from the two-field form, JSON export or
    plain text."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except ValueError as err:
            raise ValueError(f"custom instructions JSON is not valid JSON: {err}") from None
        fields = ("about_user_message", "about_model_message")
        if not isinstance(data, dict) or not any(k in data for k in fields):
            found = sorted(data) if isinstance(data, dict) else type(data).__name__
            expected = " and/or ".join(fields)
            raise ValueError(f"custom instructions JSON: expected an object with {expected} (found {found})")
        if not all(isinstance(data.get(k, ""), str) for k in fields):
            raise ValueError(f"custom instructions JSON: {' and '.join(fields)} must be text")
        ignored = sorted(str(k) for k in data if k not in fields)
        return data.get("about_user_message", ""), data.get("about_model_message", ""), ignored
    about: list[str] = []
    respond: list[str] = []
    target = about
    for line in stripped.splitlines():
        lower = line.lower()
        if all(p in lower for p in RESPOND_PROMPTS):
            target = respond
            continue
        if all(p in lower for p in ABOUT_PROMPTS):
            target = about
            continue
        target.append(line)
    return "\n".join(about).strip(), "\n".join(respond).strip(), []


def import_custom_instructions(
    text: str, embed: Embed, persona_id: str | None = None, name: str | None = None
) -> ImportResult:
    """Custom instructions ("what should the model know about you" / "how should it respond")."""
    report = ImportReport()
    about, respond, ignored = _split_custom_instructions(text)
    if not about and not respond:
        raise ValueError("custom instructions: both fields are empty")
    report.dropped += [f"JSON key {key!r} (not a custom-instructions field)" for key in ignored]
    about_sentences = split_sentences(about)
    respond_sentences = split_sentences(respond)
    about_walls, facts = split_walls(about_sentences)
    respond_walls, prescriptions = split_walls(respond_sentences)
    walls = about_walls + respond_walls
    communication, style_notes = communication_from_text(respond)
    report.inferred.extend(style_notes)
    report.kept.append(f"about-you field as summary and {max(0, len(facts) - 1)} facts")
    report.kept.append(f"respond field as {len(prescriptions)} prescriptions and {len(walls)} walls")
    found = name or find_name(about + "\n" + respond, r"my name is|my name's|name:|call me|i'm|i am")
    if found and not name:
        report.inferred.append(f"name {found!r} from the about-you field")
    return assemble(
        persona_id=persona_id or default_id("custom-instructions", found, text),
        kind="real",
        name=found or "",
        summary=facts[0] if facts else "Imported from custom instructions.",
        value_texts=about_sentences + respond_sentences,
        embed=embed,
        report=report,
        provenance=_provenance("custom instructions", "custom_instructions", pii=True),
        statements=[s for s in facts if re.match(r"^(?:i|my)\b", s, re.I)][:3],
        walls=walls,
        prescriptions=prescriptions,
        facts=facts[1:],
        communication=communication,
    )


__all__ = ["import_custom_instructions", "import_hearth", "slug"]
