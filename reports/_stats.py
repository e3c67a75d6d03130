"""Intervals for clustered data: a seeded bootstrap that resamples whole clusters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    data = np.asarray(values, dtype=float)
    keep = ~np.isnan(data)
    data, labels = data[keep], np.asarray(clusters, dtype=object)[keep]
    if data.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"), 0)
    _, index = np.unique(labels.astype(str), return_inverse=True)
    sums = np.bincount(index, weights=data)
    counts = np.bincount(index).astype(float)
    k = sums.size
    mean = float(sums.sum() / counts.sum())
    if k < 2:
        return Interval(mean, float("nan"), float("nan"), k)
    draws = np.random.default_rng(seed).integers(0, k, size=(reps, k))
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return Interval(mean, float(low), float(high), k)
