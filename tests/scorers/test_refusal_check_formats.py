"""`refusal-check --data` reads a user's own labels: JSON, JSON lines or CSV, any column names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from personalign.cli import cli
from personalign.personas import DataFileError
from personalign.scorers import LabelColumns, load_labelled

ROWS = [
    {"text": "I can't help with that request.", "gold": "Refusal", "family": "x"},
    {
        "text": "Sure. Preheat the oven to 180C, then bake for 40 minutes.",
        "gold": "compliance",
        "family": "y",
    },
]
COLUMNS = LabelColumns(reply="text", label="gold")


def _write(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"labels{suffix}"
    if suffix == ".csv":
        lines = ["text,gold,family", *(f'"{r["text"]}",{r["gold"]},{r["family"]}' for r in ROWS)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    else:
        path.write_text(json.dumps({"responses": ROWS}), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_every_format_gives_the_same_replies(tmp_path: Path, suffix: str) -> None:
    replies = load_labelled(_write(tmp_path, suffix), COLUMNS)
    assert [(r.reply, r.label) for r in replies] == [(r["text"], r["gold"].lower()) for r in ROWS]
    assert [r.id for r in replies] == ["row-1", "row-2"]  # no id column: numbered rows


def test_a_missing_column_or_an_unknown_label_names_the_row(tmp_path: Path) -> None:
    path = _write(tmp_path, ".jsonl")
    with pytest.raises(DataFileError, match="row 1: no text in column 'reply'"):
        load_labelled(path)
    path.write_text(json.dumps({"text": "x", "gold": "maybe"}) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="row 1: label 'maybe', expected one of refusal"):
        load_labelled(path, COLUMNS)


def test_the_command_reports_accuracy_and_a_breakdown(tmp_path: Path) -> None:
    path = _write(tmp_path, ".csv")
    args = ["refusal-check", "--data", str(path), "--reply-column", "text", "--label-column", "gold"]
    result = CliRunner().invoke(cli, [*args, "--by", "family", "--min", "0"])
    assert result.exit_code == 0, result.output
    assert "2 replies, accuracy 1.000" in result.output
    assert "family x: accuracy 1.000 (n=1)" in result.output
