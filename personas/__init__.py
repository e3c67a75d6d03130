"""Persona schema, loaders and the bundled authored personas."""

from ._load import BUNDLED_DIR, DataFileError, load_persona, load_personas, read_data_file, validate_record
from ._schema import (
    SCHEMA_VERSION,
    SCHWARTZ_VALUES,
    Communication,
    ForbiddenPhrases,
    LifeContext,
    MaxWords,
    NoBulletLists,
    NoEmoji,
    NoExclamationMarks,
    Persona,
    Provenance,
    SchwartzValue,
    ValueProfile,
    Wall,
    WallRule,
)

__all__ = [
    "BUNDLED_DIR",
    "SCHEMA_VERSION",
    "SCHWARTZ_VALUES",
    "Communication",
    "DataFileError",
    "ForbiddenPhrases",
    "LifeContext",
    "MaxWords",
    "NoBulletLists",
    "NoEmoji",
    "NoExclamationMarks",
    "Persona",
    "Provenance",
    "SchwartzValue",
    "ValueProfile",
    "Wall",
    "WallRule",
    "load_persona",
    "load_personas",
    "read_data_file",
    "validate_record",
]
