"""What makes two logs comparable: a fingerprint read from each log's header.

Two cells of one leaderboard table differ in model and strategy by design. Everything else
that changes a score (suite version, persona and scenario sets, epochs, grader, sampling and
strategy parameters) must match, or the table compares unlike runs.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from typing import Any

import pandas as pd

from personalign.personas import UserError

# Fields every cell of one table must share.
COMMON_FIELDS = (
    "suite_version",
    "task",
    "task_version",
    "persona_set",
    "scenario_set",
    "sample_epochs",
    "epochs",
    "grader",
    "position",
    "temperature",
    "max_tokens",
    "margin",
    "measures",
    "logprobs",
    "seed",
    "redact_input",
    "memory_k",
    "turns",
    "conditions",
    "history_set",
)
# Fields that cells of the same strategy name must share (the template a strategy rendered).
PER_STRATEGY_FIELDS = ("strategy_template",)


class IncomparableRunsError(UserError, ValueError):
    """Logs that differ in a fingerprint field were asked for in one table."""


def _mapping(value: object) -> dict[str, Any]:
    """A header field that holds a mapping (metadata, packages, model roles), or {} if absent."""
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "default"
    # A whole number read from a column that other logs leave empty comes back as a float.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _grader(model_roles: object) -> str:
    role = _mapping(model_roles).get("grader")
    if isinstance(role, dict):
        return str(role.get("model", "unrecorded"))
    return "none" if role is None else str(role)


def fingerprint(row: pd.Series) -> dict[str, str]:
    """The fields of one log (a row of `read_evals`: its header) that decide what its scores mean."""
    metadata = _mapping(row.get("metadata"))

    def arg(name: str) -> str:
        return _text(row.get(f"task_arg_{name}"))

    return {
        "suite_version": _text(
            metadata.get("suite_version") or _mapping(row.get("packages")).get("personalign")
        ),
        "task": str(row["task_name"]).rsplit("/", 1)[-1],
        "task_version": _text(row.get("task_version")),
        "persona_set": _text(metadata.get("persona_set")),
        "scenario_set": _text(metadata.get("scenario_set")),
        "sample_epochs": _text(row.get("total_samples")),
        "epochs": _text(row.get("epochs")),
        "grader": _grader(row.get("model_roles")),
        "position": _text(metadata.get("position")),
        "temperature": arg("temperature"),
        "max_tokens": arg("max_tokens"),
        "margin": arg("margin"),
        "measures": arg("measures"),
        "logprobs": arg("logprobs"),
        "seed": arg("seed"),
        # A run whose model saw redacted profiles is another experiment (False when unrecorded).
        "redact_input": _text(metadata.get("redact_input", False)),
        "strategy_template": _text(metadata.get("strategy_template", "unrecorded")),
        # conversation_stability: the prior turns asked at and the bank they came from
        "memory_k": arg("memory_k"),
        "turns": arg("turns"),
        "conditions": arg("conditions"),
        "history_set": _text(metadata.get("history_set")),
        # the model's numeric precision where the provider takes one (personalign/smollm2)
        "precision": _text(_mapping(row.get("model_args")).get("dtype", "default")),
    }


def fingerprint_id(fields: dict[str, str]) -> str:
    """A short hash of the common fields: equal ids, comparable cells."""
    blob = json.dumps({k: fields[k] for k in COMMON_FIELDS}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def differences(
    cells: list[tuple[str, str, dict[str, str]]], ignore: tuple[str, ...] = ()
) -> dict[str, dict[str, list[str]]]:
    """Fields that differ between cells (model, strategy, fingerprint): field -> value -> cells.
    `ignore` names fields a task varies by design."""
    found: dict[str, dict[str, list[str]]] = {}

    def spread(field: str, members: list[tuple[str, str, dict[str, str]]]) -> None:
        values: dict[str, list[str]] = defaultdict(list)
        for model, strategy, fields in members:
            values[fields[field]].append(f"{model} / {strategy}")
        if len(values) > 1:
            found[field] = dict(values)

    for field in COMMON_FIELDS:
        if field not in ignore:
            spread(field, cells)
    by_strategy: dict[str, list[tuple[str, str, dict[str, str]]]] = defaultdict(list)
    for cell in cells:
        by_strategy[cell[1]].append(cell)
    for strategy, members in by_strategy.items():
        for field in PER_STRATEGY_FIELDS:
            spread(field, members)
            if field in found:
                found[f"{field} ({strategy})"] = found.pop(field)
    return found


def describe(found: dict[str, dict[str, list[str]]]) -> str:
    """One line per differing field: each value with the cells that have it."""
    lines = []
    for field, values in found.items():
        parts = [f"{value!r} in {', '.join(cells)}" for value, cells in values.items()]
        lines.append(f"{field} differs: " + "; ".join(parts))
    return "\n".join(lines)
