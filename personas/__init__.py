"""Persona schema, loaders and the bundled authored personas.

Names are imported from their submodules when first used, so `UserError` costs no schema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from personalign.personas._diff import Change, diff_text, persona_diff
    from personalign.personas._errors import (
        MAX_INPUT_BYTES,
        DataFileError,
        UserError,
        read_text,
        require_content,
    )
    from personalign.personas._generate import coverage_report, generate_personas, synthetic_persona
    from personalign.personas._import import IMPORT_FORMATS, ImportFormat, import_profiles
    from personalign.personas._import_common import ImportReport, ImportResult, slug
    from personalign.personas._infer import InferredValues, infer_values
    from personalign.personas._infer_check import (
        InferenceOutcome,
        check_intents,
        check_personas,
        inference_report,
    )
    from personalign.personas._load import (
        BUNDLED_DIR,
        PRESSURE_DIR,
        load_persona,
        load_personas,
        persona_yaml,
        read_data_file,
        round_robin,
        save_persona,
        spread_by_top_value,
        validate_record,
        write_persona,
    )
    from personalign.personas._privacy import for_display, redact
    from personalign.personas._schema import (
        SCHEMA_VERSION,
        SCHWARTZ_VALUES,
        Communication,
        Demographics,
        Elicitation,
        ElicitedAnswer,
        ForbiddenPhrases,
        LifeContext,
        MaxBulletPoints,
        MaxSentences,
        MaxWords,
        NoBulletLists,
        NoEmoji,
        NoExclamationMarks,
        Persona,
        Provenance,
        RequiredLanguage,
        RequiredPhrases,
        SchwartzValue,
        ValueProfile,
        Wall,
        WallRule,
    )
    from personalign.personas._wall_text import walls_from_text

# Each public name and the submodule that defines it, imported on first use (PEP 562): the
# `personalign` command starts without loading what its other commands need.
_EXPORTS = {
    "Change": "_diff",
    "diff_text": "_diff",
    "persona_diff": "_diff",
    "MAX_INPUT_BYTES": "_errors",
    "DataFileError": "_errors",
    "UserError": "_errors",
    "read_text": "_errors",
    "require_content": "_errors",
    "coverage_report": "_generate",
    "generate_personas": "_generate",
    "synthetic_persona": "_generate",
    "IMPORT_FORMATS": "_import",
    "ImportFormat": "_import",
    "import_profiles": "_import",
    "ImportReport": "_import_common",
    "ImportResult": "_import_common",
    "slug": "_import_common",
    "InferredValues": "_infer",
    "infer_values": "_infer",
    "InferenceOutcome": "_infer_check",
    "check_intents": "_infer_check",
    "check_personas": "_infer_check",
    "inference_report": "_infer_check",
    "BUNDLED_DIR": "_load",
    "PRESSURE_DIR": "_load",
    "load_persona": "_load",
    "load_personas": "_load",
    "persona_yaml": "_load",
    "read_data_file": "_load",
    "round_robin": "_load",
    "save_persona": "_load",
    "spread_by_top_value": "_load",
    "validate_record": "_load",
    "write_persona": "_load",
    "for_display": "_privacy",
    "redact": "_privacy",
    "SCHEMA_VERSION": "_schema",
    "SCHWARTZ_VALUES": "_schema",
    "Communication": "_schema",
    "Demographics": "_schema",
    "Elicitation": "_schema",
    "ElicitedAnswer": "_schema",
    "ForbiddenPhrases": "_schema",
    "LifeContext": "_schema",
    "MaxBulletPoints": "_schema",
    "MaxSentences": "_schema",
    "MaxWords": "_schema",
    "NoBulletLists": "_schema",
    "NoEmoji": "_schema",
    "NoExclamationMarks": "_schema",
    "Persona": "_schema",
    "Provenance": "_schema",
    "RequiredLanguage": "_schema",
    "RequiredPhrases": "_schema",
    "SchwartzValue": "_schema",
    "ValueProfile": "_schema",
    "Wall": "_schema",
    "WallRule": "_schema",
    "walls_from_text": "_wall_text",
}

__all__ = [
    "BUNDLED_DIR",
    "IMPORT_FORMATS",
    "MAX_INPUT_BYTES",
    "PRESSURE_DIR",
    "SCHEMA_VERSION",
    "SCHWARTZ_VALUES",
    "Change",
    "Communication",
    "DataFileError",
    "Demographics",
    "Elicitation",
    "ElicitedAnswer",
    "ForbiddenPhrases",
    "ImportFormat",
    "ImportReport",
    "ImportResult",
    "InferenceOutcome",
    "InferredValues",
    "LifeContext",
    "MaxBulletPoints",
    "MaxSentences",
    "MaxWords",
    "NoBulletLists",
    "NoEmoji",
    "NoExclamationMarks",
    "Persona",
    "Provenance",
    "RequiredLanguage",
    "RequiredPhrases",
    "SchwartzValue",
    "UserError",
    "ValueProfile",
    "Wall",
    "WallRule",
    "check_intents",
    "check_personas",
    "coverage_report",
    "diff_text",
    "for_display",
    "generate_personas",
    "import_profiles",
    "infer_values",
    "inference_report",
    "load_persona",
    "load_personas",
    "persona_diff",
    "persona_yaml",
    "read_data_file",
    "read_text",
    "redact",
    "require_content",
    "round_robin",
    "save_persona",
    "slug",
    "spread_by_top_value",
    "synthetic_persona",
    "validate_record",
    "walls_from_text",
    "write_persona",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
