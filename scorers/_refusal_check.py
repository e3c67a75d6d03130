"""The refusal classifier against hand-labelled replies: confusion matrix, precision, recall."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from personalign.personas import DataFileError, read_data_file, read_text, validate_record
from personalign.scorers._refusal_classifier import RefusalLabel, classify_refusal

DATA_DIR = Path(__file__).parent / "data"
LABELLED_SETS = {
    "development": DATA_DIR / "refusal_labelled.yaml",
    "held-out": DATA_DIR / "refusal_heldout.yaml",
}
"""The classifier's rules were written against `development`; `held-out` was written blind
to them, after, and is the honest estimate."""
REFUSAL_LABELS: tuple[RefusalLabel, ...] = ("refusal", "partial", "compliance")


class LabelledReply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    request_kind: Literal["hard_floor", "benign_lookalike", "ordinary"]
    request: str
    reply: str
    label: RefusalLabel


@dataclass(frozen=True)
class LabelColumns:
    """Where a user's own labelled file keeps each field (JSON keys or CSV columns)."""

    reply: str = "reply"
    label: str = "label"
    id: str = "id"
    request: str = "request"
    kind: str = "request_kind"


LABELLED_FORMATS = (".yaml", ".yml", ".json", ".jsonl", ".csv")


def load_labelled(path: Path, columns: LabelColumns = LabelColumns()) -> list[LabelledReply]:
    """Labelled replies from YAML (a `responses` list: the bundled sets' format), JSON (a list,
    or an object with `responses`), JSON lines or CSV. Only `columns.reply` and
    `columns.label` are required; labels are refusal, partial or compliance."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = read_data_file(path)
        if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
            raise DataFileError(path, ["expected a mapping with a 'responses' list at the top level"])
        return [
            validate_record(r, LabelledReply, path, where=f"response {i}: ")
            for i, r in enumerate(data["responses"])
        ]
    if suffix not in LABELLED_FORMATS:
        raise DataFileError(
            path, [f"expected a labelled-replies file ending in {', '.join(LABELLED_FORMATS)}"]
        )
    text = read_text(path, f"labelled replies ({suffix[1:]})")
    records = _records(path, text, suffix)
    if not records:
        raise DataFileError(path, ["holds no labelled replies"])
    return [_labelled(path, number, record, columns) for number, record in enumerate(records, 1)]


def _records(path: Path, text: str, suffix: str) -> list[dict[str, object]]:
    if suffix == ".csv":
        return list(csv.DictReader(io.StringIO(text)))
    try:
        if suffix == ".jsonl":
            data: object = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except ValueError as err:
        raise DataFileError(path, [f"is not valid JSON ({err})"]) from None
    if isinstance(data, dict) and isinstance(data.get("responses"), list):
        data = data["responses"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataFileError(path, ["expected a list of objects, one per labelled reply"])
    return data


def _labelled(path: Path, number: int, record: dict[str, object], columns: LabelColumns) -> LabelledReply:
    where = f"row {number}"
    for column in (columns.reply, columns.label):
        if not isinstance(record.get(column), str) or not str(record[column]).strip():
            found = ", ".join(sorted(map(str, record))) or "none"
            raise DataFileError(path, [f"{where}: no text in column {column!r} (columns found: {found})"])
    label = str(record[columns.label]).strip().lower()
    if label not in REFUSAL_LABELS:
        raise DataFileError(path, [f"{where}: label {label!r}, expected one of {', '.join(REFUSAL_LABELS)}"])
    kind = str(record.get(columns.kind) or "ordinary")
    if kind not in ("hard_floor", "benign_lookalike", "ordinary"):
        kind = "ordinary"  # the kind only groups rows; a user's own kinds do not count here
    return LabelledReply(
        id=str(record.get(columns.id) or f"row-{number}"),
        request_kind=kind,  # type: ignore[arg-type]
        request=str(record.get(columns.request) or ""),
        reply=str(record[columns.reply]),
        label=label,
    )


@dataclass(frozen=True)
class ClassPrecisionRecall:
    label: str
    precision: float
    recall: float
    support: int


@dataclass(frozen=True)
class CheckResult:
    name: str
    confusion: Counter[tuple[str, str]]
    """(hand label, classifier label) -> count."""
    errors: list[tuple[LabelledReply, str]]

    @property
    def n(self) -> int:
        return sum(self.confusion.values())

    @property
    def accuracy(self) -> float:
        right = sum(v for (actual, predicted), v in self.confusion.items() if actual == predicted)
        return right / self.n if self.n else float("nan")

    def scores(self, label: str) -> ClassPrecisionRecall:
        tp = self.confusion[(label, label)]
        predicted = sum(v for (_, p), v in self.confusion.items() if p == label)
        actual = sum(v for (a, _), v in self.confusion.items() if a == label)
        return ClassPrecisionRecall(
            label,
            tp / predicted if predicted else float("nan"),
            tp / actual if actual else float("nan"),
            actual,
        )


def check_classifier(
    name: str, replies: list[LabelledReply], classify: Callable[[str], str] | None = None
) -> CheckResult:
    """Run `classify` (default: the deterministic classifier's label) over labelled replies."""
    classify = classify or (lambda text: classify_refusal(text).label)
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    for item in replies:
        predicted = classify(item.reply)
        confusion[(item.label, predicted)] += 1
        if predicted != item.label:
            errors.append((item, predicted))
    return CheckResult(name, confusion, errors)


def refusal_breakdown(
    path: Path, replies: list[LabelledReply], result: CheckResult, column: str
) -> dict[str, tuple[int, int]]:
    """Accuracy by the value of `column` in a JSON, JSON lines or CSV file (a model family,
    say): group -> (right, total), in the order the groups first appear."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        raise DataFileError(path, [f"--by {column}: needs a JSON, JSON lines or CSV file"])
    records = _records(path, read_text(path, "labelled replies"), suffix)
    if not any(column in r for r in records):
        raise DataFileError(
            path, [f"--by {column}: no such column (columns found: {', '.join(sorted(records[0]))})"]
        )
    wrong = {id(item) for item, _ in result.errors}
    groups: dict[str, tuple[int, int]] = {}
    for record, reply in zip(records, replies, strict=True):
        group = str(record.get(column, "(none)"))
        right, total = groups.get(group, (0, 0))
        groups[group] = (right + (id(reply) not in wrong), total + 1)
    return groups
