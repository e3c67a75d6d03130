"""The leaderboard: model x strategy x the four measures, read from Inspect logs."""

from __future__ import annotations

import math
import warnings
from collections import Counter
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
    ("open_grade", "score_rubric_grade_mean"),
]
STDERRS = {"value_fidelity": "score_value_fidelity_stderr", "identifiability": "score_identifiability_stderr"}
SCORERS = ("value_fidelity", "identity_coherence", "response_variance", "refusal", "rubric_grade")


# Reasons that exclude a sample by design, not by failure: a pair whose expectation is
# ambiguous, the per-epoch placeholder that the variance reducer replaces, and open items
# when no grader was bound.
BY_DESIGN = ("ambiguous_for_persona", "needs_epochs", "no_grader")


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _count_scorer(group: pd.DataFrame, scorer: str) -> tuple[int, Counter[str]]:
    """Scored sample-epochs and the reasons of the unscored ones (declined rows are neither)."""
    if f"score_{scorer}" not in group:
        return 0, Counter()
    reasons = group[f"reason_{scorer}"]
    scored = int((group[f"score_{scorer}"].notna() & reasons.isna()).sum())
    return scored, Counter(r for r in reasons.dropna() if r not in BY_DESIGN)


def _count_variance(group: pd.DataFrame) -> tuple[int, Counter[str]]:
    """Samples with two or more usable epochs (the reducer's input), and why others fell short."""
    usable = group["reason_response_variance"] == "needs_epochs"
    per_sample = usable.groupby(group["id"]).sum()
    short = int((per_sample < 2).sum())
    return int((per_sample >= 2).sum()), Counter({"fewer than 2 usable epochs": short} if short else {})


def _counts(samples: pd.DataFrame) -> pd.DataFrame:
    """Per log: n scored per measure, and the unscored count with its reasons."""
    rows = []
    for log, group in samples.groupby("log"):
        row: dict[str, object] = {"log": log, "context_tokens": group["metadata_context_tokens"].mean()}
        unscored: Counter[str] = Counter()
        errored = int((group["error"].fillna("").astype(str) != "").sum())
        if errored:
            unscored["sample_error"] = errored
        for scorer in SCORERS:
            scored, reasons = (
                _count_variance(group) if scorer == "response_variance" else _count_scorer(group, scorer)
            )
            row[f"n_{scorer}"] = scored
            unscored.update(reasons)
        row["unscored"] = sum(unscored.values())
        row["unscored_reasons"] = ", ".join(f"{r}: {n}" for r, n in unscored.most_common())
        row["ambiguous"] = int((group["reason_value_fidelity"] == "ambiguous_for_persona").sum())
        rows.append(row)
    return pd.DataFrame(rows)


def _latest(evals: pd.DataFrame, task: str) -> pd.DataFrame:
    """The latest log of `task` per model x strategy (a re-run replaces its cell)."""
    evals = evals[evals["task_name"].str.endswith(task)]
    return evals.sort_values("created").drop_duplicates(["model", "task_arg_strategy"], keep="last")


def _evals(log_dir: str | Path) -> pd.DataFrame:
    from inspect_ai.analysis import evals_df

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        evals = evals_df(str(log_dir), quiet=True)
    if evals.empty:
        raise FileNotFoundError(f"no Inspect logs in {log_dir}")
    return evals


def counterfactual_frame(log_dir: str | Path) -> pd.DataFrame:
    """counterfactual_fidelity results per model x strategy: flip rate, stay rate, fidelity."""
    return _counterfactual_frame(_evals(log_dir))


def _counterfactual_frame(all_evals: pd.DataFrame) -> pd.DataFrame:
    evals = _latest(all_evals, "counterfactual_fidelity")
    return pd.DataFrame(
        {
            "model": evals["model"],
            "strategy": evals["task_arg_strategy"],
            "flip_rate": evals.get("score_value_fidelity_flip_rate", math.nan),
            "stay_rate": evals.get("score_value_fidelity_stay_rate", math.nan),
            "value_fidelity": evals.get("score_value_fidelity_mean", math.nan),
            "pairs": evals.get("task_arg_pairs", math.nan),
        }
    ).sort_values(["model", "strategy"])


def leaderboard_frame(log_dir: str | Path) -> pd.DataFrame:
    """One row per model x strategy (the latest log of each), with every measure and its n."""
    return _main_frame(_latest(_evals(log_dir), "personal_alignment"))


def _main_frame(evals: pd.DataFrame) -> pd.DataFrame:
    from inspect_ai.analysis import SampleColumn, SampleSummary, samples_df

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samples = samples_df(
            list(evals["log"]),
            columns=SampleSummary + [SampleColumn(f"reason_{s}", path=f"scores.{s}.reason") for s in SCORERS],
            quiet=True,
        )
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
    """The leaderboard as Markdown: rates on a 0-1 scale, n = scored sample-epochs (± stderr)."""
    all_evals = _evals(log_dir)  # log headers are read once for both tables
    main = _latest(all_evals, "personal_alignment")
    sections = [_main_table(_main_frame(main))] if not main.empty else []
    counterfactual = _counterfactual_frame(all_evals)
    if not counterfactual.empty:
        sections.append(_counterfactual_table(counterfactual))
    return "\n\n".join(sections)


def _counterfactual_table(frame: pd.DataFrame) -> str:
    lines = [
        "Counterfactual pairs (flip: the choice follows one changed value; "
        "stay: it ignores name, age and country)",
        "",
        "| model | strategy | flip rate | stay rate | value fidelity | pairs |",
        "|---|---|---|---|---|---|",
    ]
    for row in frame.itertuples():
        lines.append(
            f"| {row.model} | {row.strategy} | {_cell(row.flip_rate)} | {_cell(row.stay_rate)} | "
            f"{_cell(row.value_fidelity)} | {row.pairs:.0f} |"
        )
    return "\n".join(lines)


def _main_table(frame: pd.DataFrame) -> str:
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
        "open grade",
        "context tokens",
        "unscored",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    notes = []
    for row in frame.itertuples():
        model = str(row.model) if row.status == "success" else f"{row.model} ({row.status})"
        cells = [
            model,
            str(row.strategy),
            f"{_cell(row.value_fidelity, row.value_fidelity_se)} (n={row.n_value_fidelity})",
            f"{_cell(row.identifiability, row.identifiability_se)} ({_cell(row.chance)})",
            _cell(row.wall_adherence),
            _cell(row.dispersion),
            _cell(row.distinct_2),
            _cell(row.hard_floor_refusal),
            _cell(row.over_refusal),
            _cell(row.open_grade),
            f"{row.context_tokens:.0f}",
            str(row.unscored),
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if row.unscored:
            notes.append(f"- {row.model} / {row.strategy}: unscored {row.unscored_reasons}")
        if row.ambiguous:
            notes.append(f"- {row.model} / {row.strategy}: {row.ambiguous} ambiguous choice pairs not scored")
    return "\n".join(lines + (["", *notes] if notes else []))
