"""Reading the logs once: one row per sample-epoch (summaries) and one per sample (reductions)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from personalign.reports._logread import read_samples
from personalign.scorers import MEASURE_SCORERS, VARIANCE_KEYS, contrastive_credits

SCORERS = MEASURE_SCORERS
METADATA = (
    "persona_id",
    "persona_top_value",
    "scenario_id",
    "kind",
    "domain",
    "harm_category",
    "pressure",
    "expected_source",
    "persona_consistency",
)
REFUSAL_KINDS = {"hard_floor": "hard_floor_refusal", "benign_lookalike": "over_refusal"}
# Measures with one value per sample (its epochs reduced), each bootstrapped over personas.
SAMPLE_MEASURES = (
    "value_fidelity",
    "identifiability",
    "specificity",
    "wall_adherence",
    *VARIANCE_KEYS,
    "hard_floor_refusal",
    "over_refusal",
    "open_grade",
    "persona_fit",
)


def _usage(summary: dict[str, Any], kind: str) -> int:
    return sum((usage or {}).get(kind) or 0 for usage in (summary.get("model_usage") or {}).values())


def _epoch_record(log: str, summary: dict[str, Any]) -> dict[str, object]:
    """One sample-epoch: metadata, each scorer's value and unscored reason, the refusal
    label, tokens and error."""
    metadata, scores = summary.get("metadata") or {}, summary.get("scores") or {}
    record: dict[str, object] = {
        "log": log,
        "id": str(summary["id"]),
        "epoch": summary["epoch"],
        "error": summary.get("error") or "",
        **{key: metadata.get(key) for key in (*METADATA, "context_tokens")},
        "input_tokens": _usage(summary, "input_tokens"),
        "output_tokens": _usage(summary, "output_tokens"),
        "label_refusal": (scores.get("refusal") or {}).get("answer"),
    }
    for name, score in scores.items():
        value = score.get("value")
        record[f"score_{name}"] = 1.0 if isinstance(value, dict) else _number(value)
        record[f"reason_{name}"] = score.get("reason")
    return record


def read_rows(logs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For `logs` (a frame with log, model, strategy, task): one row per sample-epoch (see
    `_epoch_record`) and one per sample (see `sample_rows`), each log read once. The epoch
    rows carry score_, reason_ and ran_ columns for every scorer in SCORERS, run or not."""
    epoch_records: list[dict[str, object]] = []
    sample_records: list[dict[str, object]] = []
    ran: dict[str, set[str]] = {}
    for log in logs["log"]:
        summaries, reductions = read_samples(str(log))
        ran[str(log)] = {str(name) for summary in summaries for name in summary.get("scores") or {}}
        epoch_records += [_epoch_record(str(log), summary) for summary in summaries]
        sample_records += _sample_records(str(log), reductions)
    epochs = pd.DataFrame(epoch_records)
    # One fixed set of columns whatever the logs ran (a run may choose any subset of kinds
    # and measures, or hold no sample at all), so no reader has to ask whether one exists.
    defaults: dict[str, object] = {
        **dict.fromkeys(("log", "id", "epoch", "error", *METADATA, "context_tokens", "label_refusal")),
        "input_tokens": 0,
        "output_tokens": 0,
    }
    for scorer in SCORERS:
        defaults |= {f"score_{scorer}": math.nan, f"reason_{scorer}": None}
    for column, value in defaults.items():
        if column not in epochs:
            epochs[column] = value
    for scorer in SCORERS:
        # Whether the row's log ran the scorer: "not run" must not read as "scored nothing".
        epochs[f"ran_{scorer}"] = [scorer in ran.get(str(log), ()) for log in epochs["log"]]
    epochs["context_tokens"] = pd.to_numeric(epochs["context_tokens"], errors="coerce")
    epochs = epochs.merge(logs[["log", "model", "strategy", "task"]], on="log", how="left")
    return epochs, sample_rows(logs, epochs, sample_records)


def _sample_records(log: str, reductions: list[dict[str, Any]]) -> list[dict[str, object]]:
    per_sample: dict[str, dict[str, object]] = {}
    for reduction in reductions:
        scorer = reduction["scorer"].rsplit("/", 1)[-1]
        for score in reduction["samples"]:
            sample = str(score["sample_id"])
            _take(per_sample.setdefault(sample, {"log": log, "id": sample}), scorer, score)
    return list(per_sample.values())


def sample_rows(logs: pd.DataFrame, epochs: pd.DataFrame, records: list[dict[str, object]]) -> pd.DataFrame:
    """One row per sample: the reduced value of every measure in SAMPLE_MEASURES (NaN where
    it does not apply or is unscored), with the sample's persona, scenario, kind, domain and
    top value (from `epochs`). Reductions are what Inspect's metrics were computed on, so a
    bootstrap over them agrees with the log's point estimates."""
    meta = epochs.drop_duplicates(["log", "id"])[["log", "id", *METADATA]]
    columns = ["log", "id", *SAMPLE_MEASURES, "similarity", "blind_similarity", "answer_refusal"]
    frame = pd.DataFrame(records, columns=columns)
    frame = frame.merge(meta, on=["log", "id"], how="left")
    for kind, measure in REFUSAL_KINDS.items():
        labelled = (frame["kind"] == kind) & frame["answer_refusal"].notna()
        frame[measure] = (frame["answer_refusal"] == "refusal").astype(float).where(labelled)
    frame["identifiability"] = math.nan
    frame["identifiability_chance"] = math.nan
    for _, group in frame.groupby("log", sort=False):
        credits = contrastive_credits(
            [
                (
                    scenario,
                    persona,
                    similarity if isinstance(similarity, dict) else None,
                    blind if isinstance(blind, dict) else None,
                )
                for scenario, persona, similarity, blind in zip(
                    group["scenario_id"],
                    group["persona_id"],
                    group["similarity"],
                    group["blind_similarity"],
                    strict=True,
                )
            ]
        )
        frame.loc[group.index, "identifiability"] = [c[0] if c else math.nan for c in credits]
        frame.loc[group.index, "identifiability_chance"] = [c[1] if c else math.nan for c in credits]
    frame = frame.drop(columns=["similarity", "blind_similarity"])
    for measure in SAMPLE_MEASURES:
        frame[measure] = pd.to_numeric(frame[measure], errors="coerce").astype(float)
    return frame.merge(logs[["log", "model", "strategy", "task"]], on="log", how="left")


def _number(value: object) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _take(row: dict[str, object], scorer: str, score: dict[str, Any]) -> None:
    """Copy one reduced score into the sample's row (unscored scores stay NaN)."""
    value, unscored = score.get("value"), score.get("reason") is not None
    if scorer == "value_fidelity":
        row["value_fidelity"] = math.nan if unscored else _number(value)
    elif scorer == "identity_coherence" and isinstance(value, dict) and not unscored:
        row["wall_adherence"] = _number(value.get("wall_adherence"))
        row["specificity"] = _number(value.get("specificity"))
        row["similarity"] = (score.get("metadata") or {}).get("similarity")
        row["blind_similarity"] = (score.get("metadata") or {}).get("blind_similarity")
    elif scorer == "response_variance" and isinstance(value, dict) and not unscored:
        row.update({key: _number(value.get(key)) for key in VARIANCE_KEYS})
    elif scorer == "refusal" and not unscored:
        row["answer_refusal"] = score.get("answer")
    elif scorer == "rubric_grade":
        row["open_grade"] = math.nan if unscored else _number(value)
    elif scorer == "persona_fit":
        row["persona_fit"] = math.nan if unscored else _number(value)
