"""For one person: which model x strategy is best for them, measured on their own answers.

A person's elicited persona carries their stated choices (the gold set) and their own
test-retest consistency (the ceiling). Items the person answered are kept apart from items
whose expectation comes from the weights fitted to those answers. With one person there are
no personas to resample, so every interval resamples whole scenarios; the ranking comes with
each cell's paired difference from the best (the same items, so the person's own noise
cancels) and the share of resamples in which the cell came first.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from personalign.reports._document import Cell, Estimate, PersonalRow, PersonalSection, estimates
from personalign.reports._stats import cluster_bootstrap_columns, taken_counts

STATED, FITTED = "stated", "computed"  # expected_source of a sample


def _ranking_values(frames: dict[tuple[str, str], pd.DataFrame], ranked_on: str) -> pd.DataFrame:
    """Scenario x cell: each cell's mean fidelity per scenario on the ranking items."""
    columns = {}
    for key, frame in frames.items():
        rows = frame[frame["expected_source"] == STATED] if ranked_on == STATED else frame
        columns[key] = rows.groupby("scenario_id")["value_fidelity"].mean()
    return pd.DataFrame(columns)


def _p_best(values: pd.DataFrame, seed: int, reps: int) -> list[float]:
    """For each cell (column), the share of scenario resamples where its mean is the highest
    (shared firsts split the credit); the same resamples for every cell, so it is paired."""
    matrix = values.to_numpy(dtype=float)
    present = ~np.isnan(matrix)
    if matrix.shape[0] < 2:
        return [math.nan] * matrix.shape[1]
    taken = taken_counts(matrix.shape[0], reps, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (taken @ np.where(present, matrix, 0.0)) / (taken @ present)
    best = np.nanmax(means, axis=1, keepdims=True)
    first = np.isclose(means, best) & ~np.isnan(means)
    share = first / np.maximum(first.sum(axis=1, keepdims=True), 1)
    return [float(x) for x in share.mean(axis=0)]


def personal_section(
    cells: list[Cell], samples: pd.DataFrame, seed: int, reps: int, reveal: bool
) -> PersonalSection | None:
    """The section for a run whose choice items all belong to one persona; None otherwise."""
    choice = samples[samples["value_fidelity"].notna()]
    people = choice["persona_id"].dropna().unique()
    if len(people) != 1 or not cells:
        return None
    consistency = pd.to_numeric(choice["persona_consistency"], errors="coerce").dropna()
    ceiling = float(consistency.iloc[0]) if len(consistency) else None
    ranked_on = STATED if (choice["expected_source"] == STATED).any() else "all"
    frames = {(c.model, c.strategy): choice[choice["log"] == c.log] for c in cells if "[" not in c.strategy}
    frames = {key: frame for key, frame in frames.items() if len(frame)}
    if not frames:
        return None
    per_scenario = _ranking_values(frames, ranked_on)
    means = per_scenario.mean(axis=0)
    best_key = max(frames, key=lambda k: (means.get(k, -1.0), k))
    p_best = dict(zip(per_scenario.columns, _p_best(per_scenario, seed, reps), strict=True))
    rows = []
    for key, frame in frames.items():
        stated = frame[frame["expected_source"] == STATED]
        fitted = frame[frame["expected_source"] == FITTED]
        [stated_estimate] = estimates(
            stated[["value_fidelity"]].to_numpy(float), stated["scenario_id"].to_numpy(), ["s"], seed, reps
        ).values()
        [fitted_estimate] = estimates(
            fitted[["value_fidelity"]].to_numpy(float), fitted["scenario_id"].to_numpy(), ["f"], seed, reps
        ).values()
        delta = per_scenario[key] - per_scenario[best_key]
        [difference] = cluster_bootstrap_columns(
            delta.to_numpy(float).reshape(-1, 1), delta.index.to_numpy(), reps, seed
        )
        rows.append(
            PersonalRow(
                model=key[0],
                strategy=key[1],
                rank=1 + sum(m > means[key] + 1e-12 for m in means),
                stated=stated_estimate,
                fitted=fitted_estimate,
                share_of_ceiling=_share(stated_estimate, ceiling),
                difference_from_best=Estimate(
                    mean=_num(difference.mean),
                    low=_num(difference.low),
                    high=_num(difference.high),
                    n=int(delta.notna().sum()),
                    clusters=difference.clusters,
                ),
                p_best=p_best.get(key, math.nan),
            )
        )
    return PersonalSection(
        person=str(people[0]) if reveal else "the person",
        consistency=ceiling,
        ranked_on=ranked_on,
        rows=sorted(rows, key=lambda r: (r.rank, r.model, r.strategy)),
    )


def _num(value: float) -> float | None:
    return None if math.isnan(value) else value


def _share(estimate: Estimate, ceiling: float | None) -> Estimate | None:
    """Fidelity as a share of the person's consistency (can pass 1: a model may agree with a
    person's first answers more often than the person agrees with themselves)."""
    if not ceiling or estimate.mean is None:
        return None
    scale = 1 / ceiling
    return estimate.model_copy(
        update={
            "mean": estimate.mean * scale,
            "low": None if estimate.low is None else estimate.low * scale,
            "high": None if estimate.high is None else estimate.high * scale,
        }
    )


def _text(estimate: Estimate | None) -> str:
    if estimate is None or estimate.mean is None:
        return "n/a"
    interval = "" if estimate.low is None else f" [{estimate.low:.2f}, {estimate.high:.2f}]"
    return f"{estimate.mean:.2f}{interval} (n={estimate.n})"


def personal_table(section: PersonalSection) -> str:
    """Markdown: the ranking for one person, with intervals and paired differences."""
    ceiling = "unknown" if section.consistency is None else f"{section.consistency:.2f}"
    basis = (
        "the items they answered" if section.ranked_on == STATED else "every scored item (no stated answers)"
    )
    lines = [
        f"Best for {section.person}: model x strategy ranked on {basis}. Their own consistency "
        f"(answering a question the same way twice) is {ceiling}: the ceiling. Intervals: 95% "
        "bootstrap over scenarios; the difference from the best is paired by scenario; P(best) is "
        "the share of resamples in which the cell came first.",
        "",
        "| rank | model | strategy | fidelity, answered items | share of ceiling | fidelity, fitted items "
        "| difference from best | P(best) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in section.rows:
        lines.append(
            f"| {r.rank} | {r.model} | {r.strategy} | {_text(r.stated)} | {_text(r.share_of_ceiling)} | "
            f"{_text(r.fitted)} | {_text(r.difference_from_best)} | "
            f"{'n/a' if math.isnan(r.p_best) else f'{r.p_best:.2f}'} |"
        )
    stated = max((r.stated.n for r in section.rows), default=0)
    fitted = max((r.fitted.n for r in section.rows), default=0)
    lines += [
        "",
        f"{stated} scored items the person answered themselves and {fitted} whose expectation comes "
        "from the weights fitted to their answers (per cell, at most). A ranking whose differences "
        "all cross 0 is not a ranking yet: answer more questions or run more items.",
    ]
    return "\n".join(lines)
