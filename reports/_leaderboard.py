"""The leaderboard: model x strategy x the four measures, read from Inspect logs."""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from scorers import VARIANCE_KEYS

from ._safety import refusal_samples, safety_table
from ._steering import steering_table

# (column in the table, column that inspect_ai.analysis.evals_df gives the metric)
MEASURES: list[tuple[str, str]] = [
    ("value_fidelity", "score_value_fidelity_mean"),
    ("identifiability", "score_identifiability_contrastive_top1"),
    ("chance", "score_identifiability_contrastive_chance"),
    ("identifiability_lift", "score_identifiability_contrastive_lift"),
    ("persona_snr", "score_identifiability_persona_snr"),
    ("between_persona_distance", "score_identifiability_persona_between_distance"),
    ("within_persona_distance", "score_identifiability_persona_within_distance"),
    ("wall_adherence", "score_wall_adherence_mean"),
    *[(key, f"score_{key}_mean") for key in VARIANCE_KEYS],
    ("hard_floor_refusal", "score_refusal_hard_floor_refusal_rate"),
    ("over_refusal", "score_refusal_over_refusal_rate"),
    ("open_grade", "score_rubric_grade_mean"),
    ("persona_fit", "score_persona_fit_mean"),
]
STDERRS = {
    "value_fidelity": "score_value_fidelity_stderr",
    "wall_adherence": "score_wall_adherence_stderr",
    "dispersion": "score_dispersion_stderr",
}
SCORERS = (
    "value_fidelity",
    "identity_coherence",
    "response_variance",
    "refusal",
    "rubric_grade",
    "persona_fit",
)


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


def latest_logs(
    evals: pd.DataFrame, task: str, cell: tuple[str, ...] = ("model", "task_arg_strategy")
) -> pd.DataFrame:
    """The latest log of `task` per cell, by default model x strategy (a re-run replaces it)."""
    evals = evals[evals["task_name"].str.endswith(task)].copy()
    if "task_arg_strategy" not in evals:
        evals["task_arg_strategy"] = None  # only default-strategy runs: Inspect records no arg
    return evals.sort_values("created").drop_duplicates(list(cell), keep="last")


def _evals(log_dir: str | Path) -> pd.DataFrame:
    from inspect_ai.analysis import evals_df

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        evals = evals_df(str(log_dir), quiet=True)
    if evals.empty:
        raise FileNotFoundError(f"no Inspect logs in {log_dir}")
    return evals.rename(columns=without_package)


def without_package(column: str) -> str:
    """An evals_df column without a metric's package namespace.

    When the suite is installed as a package (not editable), Inspect names the keys of a
    dict-valued metric with it: "score_identifiability_scorers/contrastive_top1".
    """
    return re.sub(r"^(score_[a-z0-9_]+?_)[a-z0-9_]+/", r"\1", column)


def counterfactual_frame(log_dir: str | Path) -> pd.DataFrame:
    """counterfactual_fidelity results per model x strategy: flip rate, stay rate, fidelity."""
    return _counterfactual_frame(_evals(log_dir))


def _counterfactual_frame(all_evals: pd.DataFrame) -> pd.DataFrame:
    evals = latest_logs(all_evals, "counterfactual_fidelity")
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
    return _main_frame(latest_logs(_evals(log_dir), "personal_alignment"))


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
    for name, column in [*MEASURES, *((f"{n}_se", c) for n, c in STDERRS.items())]:
        values = evals[column] if column in evals else pd.Series(math.nan, index=evals.index)
        table[name] = pd.to_numeric(values, errors="coerce").astype(float)
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
    main = latest_logs(all_evals, "personal_alignment")
    sections = []
    if not main.empty:
        frame = _main_frame(main)
        sections += [_main_table(frame), _walls_and_garden_table(frame)]
    counterfactual = _counterfactual_frame(all_evals)
    if not counterfactual.empty:
        sections.append(_counterfactual_table(counterfactual))
    safety = _safety_logs(all_evals, main)
    if not safety.empty:
        sections.append(safety_table(refusal_samples(safety)))
    steering = latest_logs(all_evals, "token_steering", cell=("model",))
    if not steering.empty:
        sections.append(steering_table(steering))
    return "\n\n".join(sections)


def _safety_logs(all_evals: pd.DataFrame, main: pd.DataFrame) -> pd.DataFrame:
    """The latest safety_floor log per model x strategy, and the main task's logs (whose
    hard-floor items count as red lines too)."""
    logs = []
    for task, frame in (
        ("safety_floor", latest_logs(all_evals, "safety_floor")),
        ("personal_alignment", main),
    ):
        if not frame.empty:
            logs.append(
                pd.DataFrame(
                    {
                        "log": frame["log"],
                        "model": frame["model"],
                        "strategy": frame["task_arg_strategy"].fillna("opspec"),
                        "task": task,
                    }
                )
            )
    return pd.concat(logs) if logs else pd.DataFrame()


def _direction(delta: float, flat: float) -> str:
    if _is_nan(delta):
        return "?"
    return "up" if delta > flat else "down" if delta < -flat else "flat"


def _walls_and_garden_table(frame: pd.DataFrame) -> str:
    """Coherence against variance per model x strategy, and which way each moved from `none`."""
    lines = [
        "Walls and garden: coherence (is it this person's answer?) against variance (how widely "
        "does it range?); the last column compares each strategy with `none` for the same model, "
        "by direction only (read the intervals before concluding)",
        "",
        "| model | strategy | identifiability (chance) | persona SNR | wall adherence | dispersion | "
        "distinct-1 | distinct-2 | length CV | choice entropy | choice consistency | "
        "first-10 token entropy | against none |",
        "|" + "---|" * 13,
    ]
    for row in frame.itertuples():
        base = frame[(frame["model"] == row.model) & (frame["strategy"] == "none")]
        reading = ""
        if row.strategy != "none" and not base.empty:
            coherence = _direction(row.identifiability - base["identifiability"].iloc[0], 0.02)
            variance = _direction(row.dispersion - base["dispersion"].iloc[0], 0.01)
            reading = f"coherence {coherence}, variance {variance}"
        snr = "inf" if row.persona_snr == math.inf else _cell(row.persona_snr)
        cells = [
            str(row.model),
            str(row.strategy),
            f"{_cell(row.identifiability)} ({_cell(row.chance)})",
            snr,
            _cell(row.wall_adherence, row.wall_adherence_se),
            _cell(row.dispersion, row.dispersion_se),
            _cell(row.distinct_1),
            _cell(row.distinct_2),
            _cell(row.length_cv),
            _cell(row.choice_entropy),
            _cell(row.choice_consistency),
            _cell(row.first_tokens_entropy),
            reading,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
        "hard-floor refusal",
        "over-refusal",
        "open grade",
        "fit grade",
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
            f"{_cell(row.identifiability)} ({_cell(row.chance)})",
            _cell(row.wall_adherence),
            _cell(row.dispersion),
            _cell(row.hard_floor_refusal),
            _cell(row.over_refusal),
            _cell(row.open_grade),
            _cell(row.persona_fit),
            f"{row.context_tokens:.0f}",
            str(row.unscored),
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if row.unscored:
            notes.append(f"- {row.model} / {row.strategy}: unscored {row.unscored_reasons}")
        if row.ambiguous:
            notes.append(f"- {row.model} / {row.strategy}: {row.ambiguous} ambiguous choice pairs not scored")
    return "\n".join(lines + (["", *notes] if notes else []))
