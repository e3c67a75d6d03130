"""Keep personal data out of what the suite shows people, unless they ask for it."""

from __future__ import annotations

import re
from typing import Any

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


def redact(persona: Persona) -> Persona:
    """A copy that shows the id instead of the name and hides contact details.

    Applied to profiles marked `contains_pii` (and to any profile on request) wherever the
    suite displays them; the model under evaluation still receives the full profile.
    """
    parts = [re.escape(p) for p in persona.name.split() if len(p) > 1]
    name_pattern = re.compile(r"\b(?:" + "|".join(parts) + r")\b") if parts else None
    data = persona.model_dump()
    provenance = data.pop("provenance")
    data = _scrub(data, name_pattern, persona.id)
    data["name"] = persona.id
    data["id"] = persona.id
    return Persona.model_validate({**data, "provenance": provenance})


def for_display(persona: Persona, reveal: bool = False) -> Persona:
    """The persona as it may be shown: redacted when it holds personal data, unless `reveal`."""
    return redact(persona) if persona.provenance.contains_pii and not reveal else persona
