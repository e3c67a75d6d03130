"""The leaderboard: model x strategy x the four measures, read from Inspect logs."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pandas as pd

# (column in the table, column that inspect_ai.analysis.evals_df gives the metric)
MEASURES: list[tuple[str, str]] = [
    ("value_fidelity", "score_value_fidelity_mean"),
    ("identifiability", "score_identifiability_mean"),
    ("chance", "score_chance_mean"),
    ("wall_adherence", "score_wall_adherence_mean"),
    ("dispersion", "score_dispersion_mean"),
    ("distinct_2", "score_distinct_2_mean"),
    ("hard_floor_refusal", "score_refusal_hard_floor_refusal_rate"),
    ("over_refusal", "score_refusal_over_refusal_rate"),
]
STDERRS = {"value_fidelity": "score_value_fidelity_stderr", "identifiability": "score_identifiability_stderr"}
SCORERS = ("value_fidelity", "identity_coherence", "response_variance", "refusal")


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _root_value(raw: object) -> object:
    """A sample's score as logged: None when the scorer did not apply, NaN when unscored."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw)):
        return None if raw is None or raw is pd.NA else raw
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


def _counts(samples: pd.DataFrame) -> pd.DataFrame:
    """Per log and scorer: sample-epochs scored and unscored (errored samples count as unscored)."""
    rows = []
    for log, group in samples.groupby("log"):
        row: dict[str, object] = {"log": log, "context_tokens": group["metadata_context_tokens"].mean()}
        errored = group["error"].notna() & (group["error"].astype(str) != "")
        for scorer in SCORERS:
            column = f"score_{scorer}"
            values = [_root_value(v) for v in group[column]] if column in group else []
            applied = [v for v in values if v is not None]
            unscored = sum(_is_nan(v) for v in applied)
            row[f"n_{scorer}"] = len(applied) - unscored
            row[f"unscored_{scorer}"] = unscored + int(errored.sum())
        rows.append(row)
    return pd.DataFrame(rows)


def leaderboard_frame(log_dir: str | Path) -> pd.DataFrame:
    """One row per model x strategy (the latest log of each), with every measure and its n."""
    from inspect_ai.analysis import evals_df, samples_df

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        evals = evals_df(str(log_dir), quiet=True)
        if evals.empty:
            raise FileNotFoundError(f"no Inspect logs in {log_dir}")
        samples = samples_df(str(log_dir), quiet=True)
    evals = evals[evals["task_name"].str.endswith("personal_alignment")]
    evals = evals.sort_values("created").drop_duplicates(["model", "task_arg_strategy"], keep="last")
    table = pd.DataFrame(
        {
            "model": evals["model"],
            "strategy": evals["task_arg_strategy"].fillna("opspec"),
            "log": evals["log"],
            "status": evals["status"],
        }
    )
    for name, column in MEASURES:
        table[name] = evals.get(column, math.nan)
    for name, column in STDERRS.items():
        table[f"{name}_se"] = evals.get(column, math.nan)
    table["identifiability_lift"] = table["identifiability"] / table["chance"]
    table = table.merge(_counts(samples), on="log", how="left")
    return table.sort_values(["model", "strategy"]).reset_index(drop=True)


def _cell(value: object, se: object = None) -> str:
    if value is None or _is_nan(value) or value is pd.NA:
        return "n/a"
    text = f"{float(value):.3f}"  # type: ignore[arg-type]
    if se is not None and not _is_nan(se) and se is not pd.NA:
        text += f" ± {float(se):.3f}"  # type: ignore[arg-type]
    return text


def leaderboard_table(log_dir: str | Path) -> str:
    """The leaderboard as a Markdown table (rates on a 0-1 scale; n = scored sample-epochs)."""
    frame = leaderboard_frame(log_dir)
    header = [
        "model",
        "strategy",
        "value fidelity",
        "identifiability (chance)",
        "wall adherence",
        "dispersion",
        "distinct-2",
        "hard-floor refusal",
        "over-refusal",
        "context tok",
        "unscored",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in frame.itertuples():
        unscored = sum(int(getattr(row, f"unscored_{s}")) for s in SCORERS)
        lines.append(
            "| "
            + " | ".join(
                [
                    str(row.model),
                    str(row.strategy),
                    f"{_cell(row.value_fidelity, row.value_fidelity_se)} (n={row.n_value_fidelity})",
                    f"{_cell(row.identifiability)} ({_cell(row.chance)})",
                    _cell(row.wall_adherence),
                    _cell(row.dispersion),
                    _cell(row.distinct_2),
                    f"{_cell(row.hard_floor_refusal)}",
                    f"{_cell(row.over_refusal)}",
                    f"{row.context_tokens:.0f}",
                    str(unscored),
                ]
            )
            + " |"
        )
    return "\n".join(lines)
