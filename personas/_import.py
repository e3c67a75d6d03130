"""One entry point over the five importers: a format name and a file in, import results out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, get_args

from pydantic import ValidationError

from personalign.personas._errors import DataFileError, UserError, read_text, require_content
from personalign.personas._import_common import ImportResult
from personalign.personas._import_prism import import_prism_row, load_prism_rows
from personalign.personas._import_structured import import_openclaw, import_vcp
from personalign.personas._import_text import import_custom_instructions, import_hearth
from personalign.personas._infer import Embed
from personalign.personas._load import describe_error

ImportFormat = Literal["hearth", "openclaw", "vcp", "prism", "custom_instructions"]
IMPORT_FORMATS: tuple[str, ...] = get_args(ImportFormat)


# What each format's file is, for errors that say what was expected.
EXPECTED: dict[str, str] = {
    "hearth": "a Hearth operating specification (text)",
    "custom_instructions": "custom instructions (the two-field text, or its JSON export)",
    "openclaw": "an OpenClaw SOUL.md (Markdown)",
    "vcp": "a VCP context (a JSON object)",
    "prism": "PRISM survey rows (JSONL or parquet)",
}


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

    Raises DataFileError, naming the file and what was expected, when a file is empty, binary,
    too large, or does not hold the format.
    """
    if fmt == "prism":
        results = []
        for number, row in enumerate(load_prism_rows(source, limit), 1):
            try:
                results.append(import_prism_row(row, embed))
            except ValueError as err:
                raise DataFileError(source, [f"row {number}: {_one_line(err)}"]) from None
        return results
    text = require_content(source, read_text(source, EXPECTED[fmt]), EXPECTED[fmt])
    user = read_text(user_file, "an OpenClaw USER.md (Markdown)") if user_file else None
    try:
        if fmt == "hearth":
            return [import_hearth(text, embed, persona_id)]
        if fmt == "custom_instructions":
            return [import_custom_instructions(text, embed, persona_id)]
        if fmt == "openclaw":
            return [import_openclaw(text, embed, user, persona_id)]
        try:
            context = json.loads(text)
        except ValueError as err:
            raise ValueError(f"is not valid JSON ({err}), expected {EXPECTED['vcp']}") from None
        return [import_vcp(context, embed)]
    except UserError:
        raise
    except (ValueError, KeyError) as err:  # the importer's own "this is not the format"
        raise DataFileError(source, [_one_line(err)]) from None


def _one_line(err: Exception) -> str:
    """An importer's complaint, or the persona it assembled failing the schema, as one line."""
    if isinstance(err, ValidationError):
        return "the imported profile is not valid: " + describe_error(err.errors()[0], "")
    return str(err).strip("'\"")
