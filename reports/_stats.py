"""Intervals for clustered data: a seeded bootstrap that resamples whole clusters."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

BOOTSTRAP_REPS = 2000
BOOTSTRAP_SEED = 20261123


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float
    clusters: int

    def __str__(self) -> str:
        if np.isnan(self.mean):
            return "n/a"
        if np.isnan(self.low):
            return f"{self.mean:.2f} (one cluster: no interval)"
        return f"{self.mean:.2f} [{self.low:.2f}, {self.high:.2f}]"


def cluster_bootstrap(
    values: Sequence[float],
    clusters: Sequence[object],
    reps: int = BOOTSTRAP_REPS,
    seed: int = BOOTSTRAP_SEED,
    level: float = 0.95,
) -> Interval:
    """Mean of `values` with a percentile interval from resampling whole clusters.

    Items of one cluster (one prompt, one persona) are not independent evidence, so the
    clusters, not the items, are drawn with replacement. NaN values are left out. The seed
    makes the interval reproducible.
    """
    data = np.asarray(values, dtype=float).reshape(-1, 1)
    return cluster_bootstrap_columns(data, clusters, reps, seed, level)[0]


def cluster_bootstrap_columns(
    values: np.ndarray,
    clusters: Sequence[object] | np.ndarray,
    reps: int = BOOTSTRAP_REPS,
    seed: int = BOOTSTRAP_SEED,
    level: float = 0.95,
) -> list[Interval]:
    """`cluster_bootstrap` of each column of `values` (items x measures) at once.

    Each column gives exactly what `cluster_bootstrap` gives for it alone: a column's clusters
    are those with a value in it (sorted by label), and one seed draws the same resamples for
    every column with the same clusters, so those columns share one gather.
    """
    values = np.asarray(values, dtype=float)
    labels = np.asarray(clusters, dtype=object).astype(str)
    if values.shape[0] == 0:
        return [Interval(math.nan, math.nan, math.nan, 0)] * values.shape[1]
    _, index = np.unique(labels, return_inverse=True)
    present = ~np.isnan(values)
    k_all = int(index.max()) + 1
    filled = np.where(present, values, 0.0)
    sums = np.stack(
        [np.bincount(index, weights=filled[:, j], minlength=k_all) for j in range(values.shape[1])], 1
    )
    counts = np.stack(
        [
            np.bincount(index, weights=present[:, j].astype(float), minlength=k_all)
            for j in range(values.shape[1])
        ],
        1,
    )
    results: list[Interval | None] = [None] * values.shape[1]
    patterns: dict[bytes, list[int]] = {}
    for column in range(values.shape[1]):
        patterns.setdefault((counts[:, column] > 0).tobytes(), []).append(column)
    tail = (1 - level) / 2 * 100
    for pattern, columns in patterns.items():
        keep = np.frombuffer(pattern, dtype=bool)
        k = int(keep.sum())
        s, c = sums[keep][:, columns], counts[keep][:, columns]
        means = s.sum(axis=0) / c.sum(axis=0) if k else np.full(len(columns), math.nan)
        if k < 2:
            for j, column in enumerate(columns):
                results[column] = Interval(float(means[j]), math.nan, math.nan, k)
            continue
        taken = taken_counts(k, reps, seed)
        with np.errstate(invalid="ignore", divide="ignore"):
            resampled = (taken @ s) / (taken @ c)  # reps x columns
        low, high = np.percentile(resampled, [tail, 100 - tail], axis=0)
        for j, column in enumerate(columns):
            results[column] = Interval(float(means[j]), float(low[j]), float(high[j]), k)
    return results  # type: ignore[return-value]


@lru_cache(maxsize=64)
def taken_counts(k: int, reps: int, seed: int) -> np.ndarray:
    """How many times each resample (row) takes each of k clusters: the same for the same k
    and seed. A resample's sums are then one matrix product."""
    draws = np.random.default_rng(seed).integers(0, k, size=(reps, k))
    taken = np.zeros((reps, k))
    np.add.at(taken, (np.arange(reps)[:, None], draws), 1.0)
    taken.setflags(write=False)
    return taken
