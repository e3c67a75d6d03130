"""The clustered bootstrap against intervals that can be worked out by hand."""

from __future__ import annotations

import math

import pytest

from personalign.reports._stats import cluster_bootstrap


def test_two_clusters_give_the_enumerable_interval() -> None:
    # Clusters a (mean 0) and b (mean 1), equal sizes: resampled means are 0, 1/2 or 1 with
    # probabilities 1/4, 1/2, 1/4, so the 95% percentile interval is [0, 1].
    result = cluster_bootstrap([0.0, 0.0, 1.0, 1.0], ["a", "a", "b", "b"])
    assert result.mean == pytest.approx(0.5)
    assert (result.low, result.high) == (0.0, 1.0)
    assert result.clusters == 2


def test_clusters_not_items_are_the_unit() -> None:
    # Ten items that agree within each of two clusters carry the evidence of two, not ten.
    clustered = cluster_bootstrap([0.0] * 5 + [1.0] * 5, ["a"] * 5 + ["b"] * 5)
    independent = cluster_bootstrap([0.0] * 5 + [1.0] * 5, list("abcdefghij"))
    assert clustered.high - clustered.low > independent.high - independent.low


def test_mean_is_weighted_by_items_nan_is_left_out_and_the_seed_repeats() -> None:
    values, clusters = [1.0, 2.0, 3.0, math.nan], ["a", "a", "b", "b"]
    first, again = cluster_bootstrap(values, clusters), cluster_bootstrap(values, clusters)
    assert first == again
    assert first.mean == pytest.approx(2.0)


def test_one_cluster_has_no_interval() -> None:
    single = cluster_bootstrap([1.0, 2.0], ["a", "a"])
    assert single.mean == pytest.approx(1.5) and math.isnan(single.low)
    assert str(single) == "1.50 (one cluster: no interval)"
    assert str(cluster_bootstrap([], [])) == "n/a"


def test_many_columns_at_once_give_what_each_column_gives_alone() -> None:
    import numpy as np

    from personalign.reports._stats import cluster_bootstrap_columns

    rng = np.random.default_rng(0)
    values = rng.random((200, 5))
    values[rng.random((200, 5)) < 0.3] = np.nan
    clusters = rng.integers(0, 8, 200)
    values[:50, 4] = np.nan
    values[clusters == 3, 2] = np.nan  # a column with one cluster fewer
    together = cluster_bootstrap_columns(values, clusters)
    assert together[2].clusters == 7 and together[0].clusters == 8
    for column, interval in enumerate(together):
        alone = cluster_bootstrap(list(values[:, column]), list(clusters))
        assert (alone.mean, alone.low, alone.high, alone.clusters) == pytest.approx(
            (interval.mean, interval.low, interval.high, interval.clusters)
        )
