"""The token-steering report: entropy and opener classes per reply position, per strategy."""

from __future__ import annotations

import math

import pandas as pd

from personalign.reports._stats import Interval, cluster_bootstrap

POSITIONS = range(1, 11)
LATE = range(6, 11)
SCORER = "token_steering_profile"


def steering_samples(log_paths: list[str]) -> pd.DataFrame:
    """One row per scored sample of the given token_steering logs: model, strategy, prompt,
    and the per-position values."""
    from inspect_ai.log import read_eval_log_samples

    rows = []
    for path in log_paths:
        for sample in read_eval_log_samples(path, all_samples_required=False):
            score = (sample.scores or {}).get(SCORER)
            if score is None or not isinstance(score.value, dict):
                continue  # unscored (no logprobs, error, empty): counted in the log, not here
            rows.append(
                {
                    "log": path,
                    "strategy": sample.metadata["strategy"],
                    "prompt_id": sample.metadata["prompt_id"],
                    "persona_id": sample.metadata["persona_id"],
                    **score.value,
                }
            )
    return pd.DataFrame(rows)


def _per_prompt(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.groupby("prompt_id")[column].mean()


def _delta(frame: pd.DataFrame, strategy: str, column: str) -> pd.Series:
    """Per prompt: the strategy's mean (over personas) minus `none` on the same prompt."""
    base = _per_prompt(frame[frame["strategy"] == "none"], column)
    return (_per_prompt(frame[frame["strategy"] == strategy], column) - base).dropna()


def _interval(series: pd.Series) -> Interval:
    return cluster_bootstrap(list(series.values), list(series.index))


def steering_summary(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Per strategy: first-token entropy and opener mass, the change against `none` at
    position 1 and over positions 6-10 (paired by prompt), and persistence = late / first.

    Intervals: 95% bootstrap over prompts (each prompt's personas averaged first).
    """
    rows = []
    for strategy, group in frame.groupby("strategy", sort=False):
        row: dict[str, object] = {"strategy": strategy, "samples": len(group)}
        row["entropy_1"] = _interval(_per_prompt(group, "entropy_1"))
        row["validating_1"] = _interval(_per_prompt(group, "validating_1"))
        row["substantive_1"] = _interval(_per_prompt(group, "substantive_1"))
        if strategy != "none" and (frame["strategy"] == "none").any():
            first = _delta(frame, strategy, "entropy_1")
            late = pd.concat([_delta(frame, strategy, f"entropy_{t}") for t in LATE], axis=1).mean(axis=1)
            row["delta_1"] = _interval(first)
            row["delta_late"] = _interval(late)
            both = pd.DataFrame({"first": first.abs(), "late": late.abs()}).dropna()
            first_mean = both["first"].mean() if len(both) else math.nan
            row["persistence"] = both["late"].mean() / first_mean if first_mean > 0 else math.nan
        rows.append(row)
    return rows


def _position_table(frame: pd.DataFrame, delta: bool) -> list[str]:
    strategies = [s for s in frame["strategy"].unique() if not (delta and s == "none")]
    title = "change in entropy against `none` (bits)" if delta else "next-token entropy (bits)"
    lines = [
        f"| position | {' | '.join(strategies)} |",
        "|---|" + "---|" * len(strategies),
    ]
    for t in POSITIONS:
        cells = []
        for strategy in strategies:
            series = (
                _delta(frame, strategy, f"entropy_{t}")
                if delta
                else _per_prompt(frame[frame["strategy"] == strategy], f"entropy_{t}")
            )
            cells.append(str(_interval(series)))
        lines.append(f"| {t} | {' | '.join(cells)} |")
    return [f"{title}, mean [95% interval over prompts]", "", *lines]


def steering_table(logs: pd.DataFrame) -> str:
    """Markdown: per model, the summary and the per-position entropy and change tables."""
    sections = []
    for model, group in logs.groupby("model"):
        frame = steering_samples(list(group["log"]))
        if frame.empty:
            sections.append(
                f"Token steering, {model}: no scored samples (does the provider return logprobs?)"
            )
            continue
        summary = steering_summary(frame)
        lines = [
            f"Token steering, {model} ({frame['prompt_id'].nunique()} prompts; greedy; entropy over "
            "the top log-probabilities plus the rest, a lower bound)",
            "",
            "| strategy | first-token entropy | validating mass @1 | substantive mass @1 | "
            "Δ entropy @1 vs none | Δ entropy @6-10 vs none | persistence (late/first) | samples |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in summary:
            persistence = float(row.get("persistence", math.nan))  # type: ignore[arg-type]
            lines.append(
                f"| {row['strategy']} | {row['entropy_1']} | {row['validating_1']} | "
                f"{row['substantive_1']} | {row.get('delta_1', '')} | {row.get('delta_late', '')} | "
                f"{'' if math.isnan(persistence) else f'{persistence:.2f}'} | {row['samples']} |"
            )
        lines += ["", *_position_table(frame, delta=False)]
        if (frame["strategy"] == "none").any() and frame["strategy"].nunique() > 1:
            lines += ["", *_position_table(frame, delta=True)]
        sections.append("\n".join(lines))
    return "\n\n".join(sections)
