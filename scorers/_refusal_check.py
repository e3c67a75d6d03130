"""The refusal classifier against hand-labelled replies: confusion matrix, precision, recall."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from personalign.personas import DataFileError, read_data_file, validate_record
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


def load_labelled(path: Path) -> list[LabelledReply]:
    data = read_data_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
        raise DataFileError(path, ["expected a mapping with a 'responses' list at the top level"])
    return [
        validate_record(r, LabelledReply, path, where=f"response {i}: ")
        for i, r in enumerate(data["responses"])
    ]


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
