"""The conversation table: `conversation_stability` per model x strategy, each measure with
an interval from resampling whole personas."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from personalign.reports._document import ConversationRow, Estimate
from personalign.reports._logread import read_samples
from personalign.scorers import CONVERSATION_REPS, ConversationRecord, measure_intervals, record_from


def _records(log: str) -> tuple[list[ConversationRecord], Counter[str]]:
    summaries, _ = read_samples(log)
    """The log's scored replies as records, and its replies left unscored by reason (each
    reply once per reason, however many of its scores share it)."""
    records: list[ConversationRecord] = []
    unscored: set[tuple[str, str]] = set()
    for summary in summaries:
        reply = f"{summary['id']}#{summary['epoch']}"
        if summary.get("error"):
            unscored.add((reply, "sample_error"))
        for score in (summary.get("scores") or {}).values():
            if score.get("reason"):
                unscored.add((reply, str(score["reason"])))
            elif record := record_from(score.get("value"), score.get("metadata")):
                records.append(record)
    return records, Counter(reason for _, reason in unscored)


def conversation_rows(logs: pd.DataFrame, seed: int, reps: int = CONVERSATION_REPS) -> list[ConversationRow]:
    """One row per latest conversation_stability log of a model x strategy."""
    rows = []
    for _, row in logs.sort_values(["model", "strategy"]).iterrows():
        records, unscored = _records(str(row["log"]))
        rows.append(
            ConversationRow(
                model=str(row["model"]),
                strategy=str(row["strategy"]),
                turns=sorted({r.turns for r in records if r.family == "turns"}),
                measures={
                    name: Estimate(mean=i.mean, low=i.low, high=i.high, n=i.n, clusters=i.clusters)
                    for name, i in measure_intervals(records, seed, min(reps, CONVERSATION_REPS)).items()
                },
                replies=sum(r.final is not None for r in records),
                unscored=dict(unscored.most_common()),
                log=str(row["log"]),
            )
        )
    return rows
