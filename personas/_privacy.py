"""Keep personal data out of what the suite shows people, unless they ask for it."""

from __future__ import annotations

import re
from typing import Any

from personalign.personas._import_common import find_name
from personalign.personas._schema import Persona

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,}")


def _scrub(value: Any, name_pattern: re.Pattern[str] | None, persona_id: str) -> Any:
    if isinstance(value, str):
        value = _HANDLE.sub("[handle]", _PHONE.sub("[phone]", _EMAIL.sub("[email]", value)))
        return name_pattern.sub(persona_id, value) if name_pattern else value
    if isinstance(value, list):
        return [_scrub(item, name_pattern, persona_id) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, name_pattern, persona_id) for key, item in value.items()}
    return value


_HONORIFICS = frozenset(
    "mr mrs ms mx miss dr prof professor sir dame madam madame mademoiselle monsieur mme mlle frau herr "
    "fru dona don senor senora señor señora senhor senhora signora signor san sama kun chan".split()
)


def known_names(persona: Persona) -> set[str]:
    """Every word of a name the persona is known by: their name, the forms of address their
    walls require or refuse ("Mr Okafor", never "Chinedu"), and a person introduced by name
    anywhere in the profile ("Lucia Ferraro, 34, ...", "call me Dr Osei")."""
    names = [persona.name]
    for wall in persona.walls:
        rule = wall.rule
        if rule is not None and rule.type == "required_phrases":
            names += [*rule.phrases, *rule.instead_of]
    for text in _strings(persona.model_dump(exclude={"provenance", "id", "name"})):
        if found := find_name(text, r"my name is|my name's|call me"):
            names.append(found)
    # Whole hyphenated names ("Marc-André") and their parts, so no fragment is left behind.
    words = {w.strip(".,'\u2019") for n in names for w in [*n.split(), *re.split(r"[\s-]+", n)]}
    return {w for w in words if len(w) > 1 and w[:1].isupper() and w.lower() not in _HONORIFICS}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def redact(persona: Persona) -> Persona:
    """A copy that shows the id instead of the name and hides contact details.

    Applied to profiles marked `contains_pii` (and to any profile on request) wherever the
    suite displays them; the model under evaluation still receives the full profile.
    """
    parts = sorted({re.escape(p) for p in known_names(persona)}, key=len, reverse=True)
    # Case-sensitive: a name that is also a word ("Will", "Rose") stays a word in lower case.
    name_pattern = re.compile(r"\b(?:" + "|".join(parts) + r")\b") if parts else None
    data = persona.model_dump()
    provenance = data.pop("provenance")
    # The importer's notes quote the person's text ("name 'Ana' from ...", wall sentences).
    provenance["notes"] = _scrub(provenance["notes"], name_pattern, persona.id)
    data = _scrub(data, name_pattern, persona.id)
    data["name"] = persona.id
    data["id"] = persona.id
    return Persona.model_validate({**data, "provenance": provenance})


def for_display(persona: Persona, reveal: bool = False) -> Persona:
    """The persona as it may be shown: redacted when it holds personal data, unless `reveal`."""
    return redact(persona) if persona.provenance.contains_pii and not reveal else persona
