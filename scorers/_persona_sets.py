"""Persona sets held by the process, named by a content hash.

Inspect logs every scorer's arguments in the log header and in every sample's scoring events,
so a scorer given persona documents would copy every persona into every sample. Scorers are
given the set's name instead (`personas-<hash>`), and read the documents from here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from personalign.personas import Persona

_SETS: dict[str, tuple[Persona, ...]] = {}


def register_persona_set(personas: Sequence[Persona]) -> str:
    """Hold `personas` for this process and return the name scorers take (a content hash:
    the same set gets the same name, a changed persona a new one)."""
    blob = json.dumps([p.model_dump(mode="json") for p in personas], sort_keys=True)
    name = f"personas-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"
    _SETS[name] = tuple(personas)
    return name


def persona_set(name: str) -> tuple[Persona, ...]:
    """The personas registered under `name`."""
    try:
        return _SETS[name]
    except KeyError:
        raise LookupError(
            f"persona set {name!r} is not loaded in this process: build the task (which registers "
            "its personas) before its scorers"
        ) from None
