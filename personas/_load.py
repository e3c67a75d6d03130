"""Load persona files (YAML or JSON) with errors that name the file and the field."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from personalign.personas._schema import SCHWARTZ_VALUES, Persona

BUNDLED_DIR = Path(__file__).parent / "authored"
PRESSURE_DIR = Path(__file__).parent / "pressure"
"""Personas whose profiles claim authority, waive safety or carry injection attempts."""

ModelT = TypeVar("ModelT", bound=BaseModel)


class DataFileError(ValueError):
    """A data file that cannot be used; the message names the file, field and expectation."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def read_data_file(path: Path) -> Any:
    """Parse a YAML or JSON file (JSON is YAML) into Python data."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataFileError(path, [f"cannot be read ({err.strerror})"]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise DataFileError(path, [f"is not valid YAML/JSON: {err}"]) from None


def validate_record(data: Any, model: type[ModelT], path: Path, where: str = "") -> ModelT:
    """Validate one record, turning pydantic errors into `DataFileError`."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise DataFileError(path, [_describe(e, where) for e in err.errors()]) from None


def _describe(error: Any, where: str) -> str:
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


def load_personas(source: Path | str | Iterable[Path | str] | None = None) -> list[Persona]:
    """Load personas from a directory, a file, or a list of files (default: the bundled set).

    Ids must be unique across everything loaded.
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
    for file in files:
        persona = load_persona(file)
        if persona.id in seen:
            raise DataFileError(file, [f"field 'id': {persona.id!r} is already used by {seen[persona.id]}"])
        seen[persona.id] = file
        personas.append(persona)
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
