"""Load persona files (YAML or JSON) with errors that name the file and the field."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from personalign.personas._errors import DataFileError, UserError, read_text
from personalign.personas._schema import SCHWARTZ_VALUES, Persona

BUNDLED_DIR = Path(__file__).parent / "authored"
PRESSURE_DIR = Path(__file__).parent / "pressure"
"""Personas whose profiles claim authority, waive safety or carry injection attempts."""

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_data_file(path: Path) -> Any:
    """Parse a YAML or JSON file (JSON is YAML) into Python data."""
    text = read_text(path, "a YAML or JSON file")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise DataFileError(path, [f"is not valid YAML/JSON: {_yaml_problem(err)}"]) from None


def _yaml_problem(err: yaml.YAMLError) -> str:
    """PyYAML's multi-line message as one line: the problem and where (line, column)."""
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else problem


def validate_record(data: Any, model: type[ModelT], path: Path, where: str = "") -> ModelT:
    """Validate one record, turning pydantic errors into `DataFileError`."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise DataFileError(path, [describe_error(e, where) for e in err.errors()]) from None


def describe_error(error: Any, where: str) -> str:
    """One pydantic error as `field 'a.b': message, got X`."""
    field = ".".join(str(part) for part in error["loc"]) or "(top level)"
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f", got {got!r}"
    return f"{where}field '{field}': {error['msg']}{shown}"


def load_persona(path: Path | str) -> Persona:
    """Load and validate one persona file."""
    path = Path(path)
    return validate_record(read_data_file(path), Persona, path)


def persona_yaml(persona: Persona) -> str:
    """A persona as the YAML that `load_persona` reads back."""
    return yaml.safe_dump(persona.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def write_persona(persona: Persona, directory: Path) -> Path:
    """Write `persona` to DIRECTORY/ID.yaml (the folder is created) and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{persona.id}.yaml"
    path.write_text(persona_yaml(persona), encoding="utf-8")
    return path


def save_persona(persona: Persona, path: Path) -> Path:
    """Write `persona` to `path` atomically: a kill at any moment leaves either the previous
    file or the new one, never a torn one (a temporary file beside it, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(persona_yaml(persona))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def load_personas(source: Path | str | Iterable[Path | str] | None = None) -> list[Persona]:
    """Load personas from a directory, a file, or a list of files (default: the bundled set).

    Ids must be unique across everything loaded. Every file is read before giving up, so a
    DataFileError lists every bad file (one line each), not just the first.
    """
    if source is None:
        source = BUNDLED_DIR
    if isinstance(source, str | Path):
        root = Path(source)
        if not root.exists():
            raise DataFileError(root, ["does not exist (expected a persona file or directory)"])
        files = sorted(root.glob("*.y*ml")) + sorted(root.glob("*.json")) if root.is_dir() else [root]
        if not files:
            raise DataFileError(root, ["holds no persona files (*.yaml, *.yml, *.json)"])
    else:
        files = [Path(f) for f in source]
        if not files:
            raise DataFileError("personas", ["an empty list of persona files was given"])
    personas: list[Persona] = []
    seen: dict[str, Path] = {}
    bad: list[DataFileError] = []
    for file in files:
        try:
            persona = load_persona(file)
        except DataFileError as err:
            bad.append(err)
            continue
        if persona.id in seen:
            bad.append(
                DataFileError(file, [f"field 'id': {persona.id!r} is already used by {seen[persona.id]}"])
            )
            continue
        seen[persona.id] = file
        personas.append(persona)
    if len(bad) == 1:
        raise bad[0]
    if bad:
        raise UserError(
            f"{len(bad)} of {len(files)} persona files are not valid:\n" + "\n".join(f"  {e}" for e in bad)
        )
    return personas


def spread_by_top_value(personas: list[Persona], n: int | None) -> list[Persona]:
    """Up to `n` personas, taken round-robin across top values so a subset stays diverse.

    Deterministic: values in Schwartz order, personas in load order within a value.
    """
    if n is None or n >= len(personas):
        return personas
    if n < 2:
        raise ValueError(f"max_personas must be at least 2 (identifiability compares personas), got {n}")
    return round_robin(
        [[p for p in personas if p.values.ranked()[0] == value] for value in SCHWARTZ_VALUES], n
    )


def round_robin(groups: list[list[Persona]], n: int) -> list[Persona]:
    """Up to `n` personas, one from each group in turn, each group in its own order."""
    queues = [list(group) for group in groups]
    picked: list[Persona] = []
    while len(picked) < n and any(queues):
        for queue in queues:
            if queue and len(picked) < n:
                picked.append(queue.pop(0))
    return picked
