"""One entry point over the five importers: a format name and a file in, import results out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, get_args

from personalign.personas._import_common import ImportResult
from personalign.personas._import_prism import import_prism_row, load_prism_rows
from personalign.personas._import_structured import import_openclaw, import_vcp
from personalign.personas._import_text import import_custom_instructions, import_hearth
from personalign.personas._infer import Embed

ImportFormat = Literal["hearth", "openclaw", "vcp", "prism", "custom_instructions"]
IMPORT_FORMATS: tuple[str, ...] = get_args(ImportFormat)


def import_profiles(
    fmt: ImportFormat,
    source: Path,
    embed: Embed,
    *,
    user_file: Path | None = None,
    persona_id: str | None = None,
    limit: int | None = None,
) -> list[ImportResult]:
    """Import the profiles in `source` (for OpenClaw, SOUL.md; USER.md as `user_file`).

    Raises ValueError or KeyError, naming what is missing, when the file does not hold the format.
    """
    if fmt == "prism":
        return [import_prism_row(row, embed) for row in load_prism_rows(source, limit)]
    text = source.read_text(encoding="utf-8")
    if fmt == "hearth":
        return [import_hearth(text, embed, persona_id or "hearth-user")]
    if fmt == "custom_instructions":
        return [import_custom_instructions(text, embed, persona_id or "custom-instructions-user")]
    if fmt == "openclaw":
        user = user_file.read_text(encoding="utf-8") if user_file else None
        return [import_openclaw(text, embed, user, persona_id)]
    return [import_vcp(json.loads(text), embed)]
