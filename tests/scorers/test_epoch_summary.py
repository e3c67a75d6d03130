import math

import pytest
from inspect_ai.scorer import Score

from personalign.scorers import epoch_summary, variance_score
from personalign.scorers._response_variance import REDUCE_BY_DISPERSION

reduce = epoch_summary()


def test_mean_skips_unscored_epochs() -> None:
    scores = [Score(value=1.0), Score.unscored(reason="no_response"), Score(value=0.0), Score(value=1.0)]
    assert reduce(scores).as_float() == pytest.approx(2 / 3)


def test_all_unscored_stays_unscored_with_reason() -> None:
    reduced = reduce([Score.unscored(reason="model_error"), Score.unscored(reason="model_error")])
    assert math.isnan(reduced.value) and reduced.reason == "model_error"


def test_dict_values_are_averaged_per_key_skipping_nan() -> None:
    reduced = reduce(
        [
            Score(value={"identifiability": 1.0, "wall_adherence": math.nan}),
            Score(value={"identifiability": 0.0, "wall_adherence": 0.5}),
        ]
    )
    assert reduced.value == {"identifiability": 0.5, "wall_adherence": 0.5}


def _epochs(*replies: str) -> list[Score]:
    return [
        Score.unscored(reason="needs_epochs", answer=r, metadata={REDUCE_BY_DISPERSION: True})
        for r in replies
    ]


def test_identical_replies_have_zero_dispersion() -> None:
    reduced = reduce(_epochs("Save the money.", "Save the money.", "Save the money."))
    assert reduced.value["dispersion"] == pytest.approx(0.0, abs=1e-5)
    assert reduced.value["distinct_2"] == pytest.approx(1 / 3)


def test_unrelated_replies_have_high_dispersion() -> None:
    reduced = reduce(
        _epochs(
            "Save the money for a rainy day.",
            "Penguins huddle in Antarctic winters.",
            "Tax law in 1850 Prussia.",
        )
    )
    assert reduced.value["dispersion"] > 0.7
    assert reduced.value["distinct_2"] == pytest.approx(1.0)


def test_dispersion_needs_two_usable_epochs() -> None:
    failed = Score.unscored(reason="no_response", metadata={REDUCE_BY_DISPERSION: True})
    reduced = reduce([*_epochs("only one"), failed])
    assert math.isnan(reduced.value) and reduced.reason == "needs_epochs"
    assert math.isnan(variance_score([]).value)
