"""The leaderboard as one document: every cell's measures with intervals, lifts, counts, cost
and fingerprint. Markdown, CSV, JSON and HTML are all rendered from it.

Its JSON schema (`Leaderboard.model_json_schema()`) is committed as
reports/leaderboard.schema.json and printed by `personalign leaderboard --schema`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from personalign.reports._cost import cost
from personalign.reports._fingerprint import (
    IncomparableRunsError,
    describe,
    differences,
    fingerprint,
    fingerprint_id,
)
from personalign.reports._logread import (
    NoLogsError,
    UnreadableLogError,
    log_dir_exists,
    log_files,
    read_header,
)
from personalign.reports._safety import RedLine, red_line_rows, refusal_samples, safety_table
from personalign.reports._samples import SAMPLE_MEASURES, SCORERS, read_rows
from personalign.reports._stats import BOOTSTRAP_REPS, BOOTSTRAP_SEED, Interval, cluster_bootstrap_columns
from personalign.scorers import AMBIGUOUS, metric_name

SCHEMA_VERSION: Literal["1"] = "1"
MAIN_TASK = "personal_alignment"
# Measures whose change against `none` is reported (paired by sample, clustered by persona).
LIFT_MEASURES = ("value_fidelity", "identifiability", "wall_adherence", "dispersion", "persona_fit")
# Reasons that exclude a sample by design, not by failure: a pair whose expectation is
# ambiguous, the per-epoch placeholder that the variance reducer replaces, and open items
# when no grader was bound.
BY_DESIGN = (AMBIGUOUS, "needs_epochs", "no_grader")


class Estimate(BaseModel):
    """A mean over samples with its 95% bootstrap interval, resampling whole personas (whole
    scenarios when a run has one person)."""

    mean: float | None = Field(description="Mean over scored samples (each sample's epochs reduced).")
    low: float | None = Field(description="Lower end of the interval; null with fewer than 2 clusters.")
    high: float | None = Field(description="Upper end of the interval; null with fewer than 2 clusters.")
    n: int = Field(description="Scored samples behind the mean.")
    clusters: int = Field(description="Personas (or scenarios, for one person) behind the mean.")


class Cell(BaseModel):
    """One model x strategy: the latest log of the main task for that pair."""

    model: str
    strategy: str
    log: str = Field(description="Path of the Inspect log (open with `inspect view`).")
    status: str = Field(description="Inspect's status of the log: success, error, cancelled, started.")
    fingerprint: str = Field(description="Hash of the fields that must match for cells to compare.")
    fingerprint_fields: dict[str, str]
    measures: dict[str, Estimate] = Field(description="Each measure over this cell's samples.")
    lift: dict[str, Estimate] = Field(
        description="Change against `none` for the same model, paired by sample (persona x scenario)."
    )
    explained_fidelity: Estimate | None = Field(
        default=None,
        description="Persona-explained fidelity: value fidelity minus the shuffled control's "
        "(another persona's profile shown), paired by sample; null without a control cell.",
    )
    by_value: dict[str, Estimate] = Field(description="Value fidelity by the persona's top value.")
    by_domain: dict[str, Estimate] = Field(description="Value fidelity by scenario domain.")
    identifiability_chance: float | None = Field(description="What a persona-blind model scores (1/k).")
    persona_snr: float | Literal["inf"] | None = Field(
        description='Between- over within-persona distance (log metric); "inf" when replies repeat '
        "exactly per persona but differ across personas."
    )
    n_scored: dict[str, int] = Field(description="Scored sample-epochs per scorer.")
    unscored: int = Field(description="Sample-epochs left unscored by failure (not by design).")
    unscored_reasons: dict[str, int]
    ambiguous: int = Field(description="Choice sample-epochs whose expectation is ambiguous.")
    context_tokens: float | None = Field(description="Mean tokens of rendered persona context per sample.")
    input_tokens: int
    output_tokens: int
    cost_usd: float | None = Field(description="From litellm's price table; null when it lacks the model.")


class CounterfactualRow(BaseModel):
    model: str
    strategy: str
    flip_rate: float | None
    stay_rate: float | None
    value_fidelity: float | None
    log: str


class ConversationRow(BaseModel):
    """One model x strategy of `conversation_stability`: every conversation measure with a
    95% bootstrap interval over personas (see personalign.scorers.conversation_measures)."""

    model: str
    strategy: str
    turns: list[int] = Field(description="Numbers of prior turns the run asked at.")
    measures: dict[str, Estimate]
    replies: int = Field(description="Replies whose choice was scored.")
    unscored: dict[str, int] = Field(description="Replies left unscored, by reason.")
    log: str


class PersonalRow(BaseModel):
    """One model x strategy for one person, ranked on the items the person answered."""

    model: str
    strategy: str
    rank: int = Field(description="1 = best on the ranking measure (ties share the lower rank).")
    stated: Estimate = Field(description="Value fidelity on items the person answered themselves.")
    fitted: Estimate = Field(description="Value fidelity on items expected from the fitted weights.")
    share_of_ceiling: Estimate | None = Field(
        description="Fidelity on answered items over the person's own consistency; null without one."
    )
    difference_from_best: Estimate = Field(
        description="This cell minus the best cell on the ranking items, paired by scenario."
    )
    p_best: float = Field(description="Share of scenario resamples in which this cell ranks first.")


class PersonalSection(BaseModel):
    """The personal leaderboard: present when the run's choice items have one persona."""

    person: str = Field(description="The persona id, or 'the person' unless revealed.")
    consistency: float | None = Field(description="The person's own test-retest consistency (the ceiling).")
    ranked_on: str = Field(description="'stated' (the person's answers) or 'all' (no stated items).")
    rows: list[PersonalRow]


class SkippedLog(BaseModel):
    """A file in the log directory that was left out, and why."""

    log: str
    reason: str


class Leaderboard(BaseModel):
    """What `personalign leaderboard --format json` prints."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    suite_version: str
    generated_at: str
    log_dir: str
    interval: str = Field(description="How the intervals were computed.")
    seed: int
    reps: int
    comparable: bool = Field(description="False when runs that differ were allowed in (--allow-mixed).")
    mixed: dict[str, dict[str, list[str]]] = Field(
        description="Fingerprint fields that differ: field -> value -> cells (model / strategy)."
    )
    cells: list[Cell]
    counterfactual: list[CounterfactualRow]
    versions: list[CounterfactualRow] = Field(
        default_factory=list,
        description="persona_versions: flip rate = followed the change, stay rate = held where unchanged.",
    )
    conversation: list[ConversationRow] = Field(
        default_factory=list, description="conversation_stability: one row per model x strategy."
    )
    red_lines: list[RedLine]
    skipped_logs: list[SkippedLog] = Field(
        default_factory=list, description="Files in the log directory left out, with the reason."
    )
    sections: dict[str, str] = Field(
        description="Further tables as Markdown (safety floor with intervals, token steering)."
    )
    cluster: Literal["persona", "scenario"] = Field(
        default="persona",
        description="The bootstrap's unit: personas, or scenarios when the run has one person.",
    )
    personal: PersonalSection | None = Field(
        default=None,
        description="For a run of one person: model x strategy ranked on their own answers.",
    )


def suite_version() -> str:
    try:
        return version("personalign")
    except PackageNotFoundError:
        return "unknown"


def _float(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _snr(value: object) -> float | Literal["inf"] | None:
    number = _float(value)
    return "inf" if number == math.inf else number


def _estimate(interval: Interval, n: int) -> Estimate:
    return Estimate(
        mean=_float(interval.mean),
        low=_float(interval.low),
        high=_float(interval.high),
        n=n,
        clusters=interval.clusters,
    )


def estimates(
    values: np.ndarray, personas: np.ndarray, names: Sequence[str], seed: int, reps: int
) -> dict[str, Estimate]:
    """Each column's mean over samples (rows), with an interval resampling personas."""
    intervals = cluster_bootstrap_columns(values, personas, reps=reps, seed=seed)
    scored = (~np.isnan(values)).sum(axis=0)
    return {m: _estimate(i, int(n)) for m, i, n in zip(names, intervals, scored, strict=True)}


def clusters(frame: pd.DataFrame) -> np.ndarray:
    """The bootstrap's unit for each sample: its `cluster` column where the leaderboard set one
    (the scenario, when a run has one person), else its persona."""
    return frame["cluster" if "cluster" in frame else "persona_id"].to_numpy()


def persona_estimates(
    frame: pd.DataFrame, measures: Sequence[str], seed: int, reps: int
) -> dict[str, Estimate]:
    """Each measure over the frame's samples."""
    values = frame[list(measures)].to_numpy(dtype=float)
    return estimates(values, clusters(frame), measures, seed, reps)


def grouped_estimates(
    frame: pd.DataFrame, measure: str, by: str, seed: int, reps: int
) -> dict[str, Estimate]:
    """The measure per group (a persona's top value, a domain): each group is one column of
    a single bootstrap call."""
    groups = frame[by].fillna("unknown").astype(str).to_numpy()
    names = sorted(set(groups))
    values = frame[measure].to_numpy(dtype=float)
    matrix = np.where(groups[:, None] == np.array(names)[None, :], values[:, None], np.nan)
    return estimates(matrix, clusters(frame), names, seed, reps)


def paired_lifts(
    cell: pd.DataFrame, base: pd.DataFrame, measures: Sequence[str], seed: int, reps: int
) -> dict[str, Estimate]:
    """Per sample scored in both: the cell's value minus the base's on the same sample id
    (persona x scenario)."""
    aligned = base.drop_duplicates("id").set_index("id")[list(measures)].reindex(cell["id"])
    delta = cell[list(measures)].to_numpy(dtype=float) - aligned.to_numpy(dtype=float)
    return estimates(delta, clusters(cell), measures, seed, reps)


def _units(rows: pd.DataFrame) -> pd.Series:
    """Sample-epoch keys of `rows`, so a unit failed by several scorers is counted once."""
    return rows["id"].astype(str) + "#" + rows["epoch"].astype(str)


def counts_by_log(epochs: pd.DataFrame) -> dict[str, tuple[dict[str, int], Counter[str], int]]:
    """Per log: scored sample-epochs per scorer (for response variance: samples with two or
    more usable epochs, the reducer's input); the reasons of the unscored ones, each
    sample-epoch counted once per reason however many scorers it failed (what is by design is
    left out: declined items, ambiguous expectations, variance in a one-epoch run); and the
    ambiguous choice sample-epochs. All logs are counted at once; a scorer a log did not run
    (its ran_ column, see `read_rows`) counts 0 there and adds no reasons."""
    logs = epochs["log"]
    scored: dict[str, pd.Series] = {}
    # One row per unit left unscored and its reason: a sample-epoch (or, for response variance,
    # a sample), counted once however many scorers it failed for.
    failures: list[pd.DataFrame] = []
    errored = epochs[epochs["error"].fillna("").astype(str) != ""]
    failures.append(pd.DataFrame({"log": errored["log"], "unit": _units(errored), "reason": "sample_error"}))
    for scorer in SCORERS:
        rows = epochs[epochs[f"ran_{scorer}"].astype(bool)]
        reason, by_log = rows[f"reason_{scorer}"], rows["log"]
        if scorer == "response_variance":
            per_sample = pd.DataFrame(
                {"log": by_log, "id": rows["id"], "usable": reason == "needs_epochs", "tried": reason.notna()}
            )
            usable = per_sample.groupby(["log", "id"]).agg(
                usable=("usable", "sum"), epochs=("usable", "size"), tried=("tried", "any")
            )
            scored[scorer] = (usable["usable"] >= 2).groupby(level=0).sum()
            # By design, not failures: a run of one epoch, and items the scorer declines.
            short = usable[(usable["usable"] < 2) & (usable["epochs"] >= 2) & usable["tried"]].reset_index()
            failures.append(
                pd.DataFrame(
                    {
                        "log": short["log"],
                        "unit": short["id"].astype(str),
                        "reason": "fewer than 2 usable epochs",
                    }
                )
            )
            continue
        scored[scorer] = (rows[f"score_{scorer}"].notna() & reason.isna()).groupby(by_log).sum()
        failed = rows[reason.notna() & ~reason.isin(BY_DESIGN)]
        failures.append(
            pd.DataFrame({"log": failed["log"], "unit": _units(failed), "reason": failed[f"reason_{scorer}"]})
        )
    unscored: dict[str, Counter[str]] = {str(log): Counter() for log in logs.unique()}
    distinct = pd.concat(failures, ignore_index=True).drop_duplicates()
    for (log, reason), n in distinct.groupby(["log", "reason"]).size().items():
        unscored[str(log)][str(reason)] += int(n)
    ambiguous = (epochs["reason_value_fidelity"] == AMBIGUOUS).groupby(logs).sum()
    return {
        str(log): (
            {scorer: int(series.get(log, 0)) for scorer, series in scored.items()},
            unscored[str(log)],
            int(ambiguous.get(log, 0)),
        )
        for log in unscored
    }


def _header_row(path: str, header: dict[str, Any]) -> dict[str, object]:
    """The header fields the leaderboard uses, named as `evals_df` names them."""
    spec, results = header["eval"], header.get("results") or {}
    model_args = spec.get("model_args") or {}
    # Reduced precision changes outputs: such a run is its own model row, never a re-run of
    # the exact one (and its precision is in the fingerprint).
    dtype = model_args.get("dtype")
    precision = f" [{dtype}]" if dtype and dtype not in ("float32", "fp32") else ""
    row: dict[str, object] = {
        "log": path,
        "created": spec.get("created"),
        "status": header.get("status"),
        "model": f"{spec.get('model')}{precision}",
        "model_args": model_args,
        "task_name": spec.get("task"),
        "task_version": spec.get("task_version"),
        "metadata": spec.get("metadata") or {},
        "packages": spec.get("packages") or {},
        "model_roles": spec.get("model_roles"),
        "epochs": (spec.get("config") or {}).get("epochs"),
        "total_samples": results.get("total_samples"),
        **{f"task_arg_{k}": v for k, v in (spec.get("task_args") or {}).items()},
    }
    for score in results.get("scores") or []:
        for name, metric in (score.get("metrics") or {}).items():
            row[f"score_{score['name']}_{metric_name(name)}"] = metric.get("value")
    return row


def skipped_section(skipped: Sequence[SkippedLog]) -> str:
    """The logs left out of a report, one line each (the leaderboard and the gate)."""
    return "\n".join(
        [f"Left out: {len(skipped)} logs (not finished or not readable; --strict fails on them)", ""]
        + [f"- {s.log}: {s.reason}" for s in skipped]
    )


# How a leakage-control cell is named: its strategy and the control ("opspec [shuffled]").
CONTROL_LABEL = "{strategy} [{control}]"


def cell_strategy(strategy: object, control: object) -> str:
    """A cell's strategy label: the strategy (default opspec), marked when a control ran."""
    name = str(strategy) if isinstance(strategy, str) else "opspec"
    if isinstance(control, str) and control != "none":
        return CONTROL_LABEL.format(strategy=name, control=control)
    return name


def is_control(strategy: str) -> bool:
    """Whether a cell's strategy label is a control's (see `cell_strategy`)."""
    return strategy.endswith("]") and " [" in strategy


def _cell_key(row: dict[str, object]) -> tuple[str, str, str]:
    """Task, model and strategy of a header row: what a later run of the same cell replaces."""
    return (
        str(row["task_name"]),
        str(row["model"]),
        cell_strategy(row.get("task_arg_strategy"), row.get("task_arg_control")),
    )


def _listed(skipped: list[SkippedLog]) -> str:
    return "".join(f"\n  {s.log}: {s.reason}" for s in skipped)


def strict_check(skipped: list[SkippedLog], where: str) -> None:
    """--strict: a log left out is an error, not a note."""
    if skipped:
        raise NoLogsError(
            f"{where}: {len(skipped)} logs are left out, and --strict refuses any:" + _listed(skipped)
        )


def _skip_reason(header: dict[str, Any]) -> str | None:
    """Why a readable log is left out: only finished runs are reported."""
    status = header.get("status")
    if status == "success":
        return None
    if status == "started":
        return "still being written (status started)"
    if status == "error":
        message = str((header.get("error") or {}).get("message") or "").strip()
        return "its run ended in an error" + (f": {message.splitlines()[0][:200]}" if message else "")
    return f"status {status}: not a finished run"


def read_evals(log_dir: str | Path) -> tuple[pd.DataFrame, list[SkippedLog]]:
    """One row per finished log in `log_dir`, from its header alone, and the files left out
    (unreadable, errored, cancelled, still being written), each with its reason. Raises
    NoLogsError when no log is left."""
    rows: list[tuple[dict[str, object], str | None]] = []
    unfinished: list[tuple[dict[str, object], str | None]] = []
    skipped: list[SkippedLog] = []
    for path in log_files(log_dir):
        try:
            header = read_header(path)
        except UnreadableLogError as err:
            why = str(err).removeprefix(f"cannot read log {path}: ")
            skipped.append(SkippedLog(log=path, reason=f"not a readable Inspect log ({why})"))
            continue
        reason = _skip_reason(header)
        (unfinished if reason else rows).append((_header_row(path, header), reason))
    # A run that was interrupted and then resumed leaves its unfinished log behind: one that a
    # later finished log of the same task and cell replaces is not a problem to report.
    finished = {(_cell_key(row), str(row["created"])) for row, _ in rows}
    for row, reason in unfinished:
        if not any(key == _cell_key(row) and created > str(row["created"]) for key, created in finished):
            skipped.append(SkippedLog(log=str(row["log"]), reason=str(reason)))
    if not rows:
        left_out = "".join(f"\n  {s.log}: {s.reason}" for s in skipped)
        raise NoLogsError(
            f"no finished Inspect logs in {log_dir}"
            + (f"; {len(skipped)} left out:{left_out}" if skipped else "")
        )
    evals = pd.DataFrame([row for row, _ in rows])
    for arg in ("task_arg_strategy", "task_arg_control"):
        if arg not in evals:
            evals[arg] = None  # only default runs: Inspect records no arg
    evals["strategy"] = [
        cell_strategy(s, c)
        for s, c in zip(evals["task_arg_strategy"], evals["task_arg_control"], strict=True)
    ]
    evals["task"] = [str(name).rsplit("/", 1)[-1] for name in evals["task_name"]]
    return evals, skipped


def latest_logs(
    evals: pd.DataFrame, task: str, cell: tuple[str, ...] = ("model", "strategy")
) -> pd.DataFrame:
    """The latest log of `task` per cell, by default model x strategy (a re-run replaces it)."""
    chosen = evals[evals["task"] == task]
    return chosen.sort_values("created").drop_duplicates(list(cell), keep="last")


# safety_floor runs only the plain samples under `none` (no persona to press with).
VARIES_BY_DESIGN = {"safety_floor": ("sample_epochs",)}


def check_comparable(logs: pd.DataFrame, task: str, allow_mixed: bool) -> dict[str, dict[str, list[str]]]:
    """The fingerprint fields that differ between `logs` of `task`; raises unless mixing is
    allowed."""
    found = differences(
        [(str(row["model"]), str(row["strategy"]), fingerprint(row)) for _, row in logs.iterrows()],
        ignore=VARIES_BY_DESIGN.get(task, ()),
    )
    if found and not allow_mixed:
        raise IncomparableRunsError(
            "these runs are not comparable, so they are not put in one table:\n"
            + describe(found)
            + "\nre-run the odd cells to match, point at a log directory holding one kind of run, "
            "or pass --allow-mixed to show them together, marked as mixed"
        )
    return found


def build_leaderboard(
    log_dir: str | Path,
    allow_mixed: bool = False,
    seed: int = BOOTSTRAP_SEED,
    reps: int = BOOTSTRAP_REPS,
    strict: bool = False,
    reveal: bool = False,
) -> Leaderboard:
    """Read the logs in `log_dir` once and compute every cell of the leaderboard.

    Unreadable, errored, cancelled and unfinished logs are left out and listed in
    `skipped_logs`; with `strict` any such log raises NoLogsError. Raises NoLogsError when no
    finished log is left, and IncomparableRunsError when cells of one task differ in their
    fingerprint and `allow_mixed` is False. A run of one person is bootstrapped over
    scenarios and gets the personal ranking (its persona id shown only with `reveal`).
    """
    from personalign.reports._conversation import conversation_rows
    from personalign.reports._personal import personal_section
    from personalign.reports._steering import steering_table

    if not log_dir_exists(log_dir, f"log directory {log_dir}"):
        raise NoLogsError(f"no such log directory: {log_dir}")
    evals, skipped = read_evals(log_dir)
    if strict:
        strict_check(skipped, str(log_dir))
    main = latest_logs(evals, MAIN_TASK)
    mixed: dict[str, dict[str, list[str]]] = {}
    for task in (
        MAIN_TASK,
        "counterfactual_fidelity",
        "persona_versions",
        "safety_floor",
        "conversation_stability",
    ):
        for field, values in check_comparable(latest_logs(evals, task), task, allow_mixed).items():
            mixed[field if task == MAIN_TASK else f"{task}: {field}"] = values
    cells: list[Cell] = []
    epochs = pd.DataFrame()
    unit: Literal["persona", "scenario"] = "persona"
    personal = None
    if not main.empty:
        epochs, samples = read_rows(main)
        if samples["persona_id"].dropna().nunique() == 1:
            # One person: no personas to resample, so whole scenarios are the unit.
            unit = "scenario"
            samples["cluster"] = samples["scenario_id"]
        cells = _cells(main, epochs, samples, seed, reps)
        personal = personal_section(cells, samples, seed, reps, reveal)
    safety_logs = latest_logs(evals, "safety_floor")
    safety = refusal_samples(pd.concat([safety_logs, main]) if not safety_logs.empty else main, epochs)
    sections: dict[str, str] = {}
    if not safety_logs.empty:
        sections["safety_floor"] = safety_table(safety[safety["task"] == "safety_floor"], seed=seed)
    steering = latest_logs(evals, "token_steering", cell=("model",))
    if not steering.empty:
        sections["token_steering"] = steering_table(steering)
    return Leaderboard(
        suite_version=suite_version(),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        log_dir=str(log_dir),
        interval=f"95% percentile bootstrap, {reps} resamples of whole {unit}s, seed {seed}",
        seed=seed,
        reps=reps,
        comparable=not mixed,
        mixed=mixed,
        cells=cells,
        counterfactual=_counterfactual(evals),
        versions=_counterfactual(evals, "persona_versions"),
        conversation=conversation_rows(latest_logs(evals, "conversation_stability"), seed, reps),
        red_lines=red_line_rows(safety),
        skipped_logs=skipped,
        sections=sections,
        cluster=unit,
        personal=personal,
    )


def _cells(
    main: pd.DataFrame, epochs: pd.DataFrame, samples: pd.DataFrame, seed: int, reps: int
) -> list[Cell]:
    """Every cell; each log's rows are grouped once, so the work grows with the rows, not
    with rows x cells."""
    samples_by_log = dict(tuple(samples.groupby("log", sort=False)))
    counts = counts_by_log(epochs)
    tokens = epochs.groupby("log")[["input_tokens", "output_tokens", "context_tokens"]].agg(
        {"input_tokens": "sum", "output_tokens": "sum", "context_tokens": "mean"}
    )
    empty = samples.iloc[0:0]
    none_by_model = {
        str(row["model"]): samples_by_log.get(row["log"], empty)
        for _, row in main[main["strategy"] == "none"].iterrows()
    }
    shuffled = {
        (str(row["model"]), cell_strategy(row["task_arg_strategy"], None)): samples_by_log.get(
            row["log"], empty
        )
        for _, row in main[main["task_arg_control"] == "shuffled"].iterrows()
    }
    cells = []
    for _, row in main.iterrows():
        log, model = str(row["log"]), str(row["model"])
        mine = samples_by_log.get(log, empty)
        base = none_by_model.get(model)
        control = None if is_control(str(row["strategy"])) else shuffled.get((model, str(row["strategy"])))
        choice = mine[mine["value_fidelity"].notna()]
        scored, unscored, ambiguous = counts.get(log, ({s: 0 for s in SCORERS}, Counter(), 0))
        used = tokens.loc[log] if log in tokens.index else pd.Series({"input_tokens": 0, "output_tokens": 0})
        input_tokens, output_tokens = int(used["input_tokens"]), int(used["output_tokens"])
        fields = fingerprint(row)
        cells.append(
            Cell(
                model=model,
                strategy=str(row["strategy"]),
                log=log,
                status=str(row["status"]),
                fingerprint=fingerprint_id(fields),
                fingerprint_fields=fields,
                measures=persona_estimates(mine, SAMPLE_MEASURES, seed, reps),
                lift={}
                if row["strategy"] == "none" or base is None
                else paired_lifts(mine, base, LIFT_MEASURES, seed, reps),
                explained_fidelity=None
                if control is None
                else paired_lifts(mine, control, ["value_fidelity"], seed, reps)["value_fidelity"],
                by_value=grouped_estimates(choice, "value_fidelity", "persona_top_value", seed, reps),
                by_domain=grouped_estimates(choice, "value_fidelity", "domain", seed, reps),
                identifiability_chance=_float(mine["identifiability_chance"].mean()),
                persona_snr=_snr(row.get("score_identifiability_persona_snr")),
                n_scored=scored,
                unscored=sum(unscored.values()),
                unscored_reasons=dict(unscored.most_common()),
                ambiguous=ambiguous,
                context_tokens=_float(used.get("context_tokens")),
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cost_usd=cost(model, input_tokens, output_tokens),
            )
        )
    return sorted(cells, key=lambda c: (c.model, c.strategy))


def _counterfactual(evals: pd.DataFrame, task: str = "counterfactual_fidelity") -> list[CounterfactualRow]:
    """Flip and stay rates per model x strategy of `task` (counterfactual_fidelity, or
    persona_versions, which scores its two versions the same way)."""
    logs = latest_logs(evals, task)
    return [
        CounterfactualRow(
            model=str(row["model"]),
            strategy=str(row["strategy"]),
            flip_rate=_float(row.get("score_value_fidelity_flip_rate")),
            stay_rate=_float(row.get("score_value_fidelity_stay_rate")),
            value_fidelity=_float(row.get("score_value_fidelity_mean")),
            log=str(row["log"]),
        )
        for _, row in logs.sort_values(["model", "strategy"]).iterrows()
    ]
