"""Variance measures of one sample's epochs."""

from __future__ import annotations

import math

import pytest
from inspect_ai.scorer import Score

from personalign.scorers import variance_score
from personalign.scorers._response_variance import REDUCE_BY_DISPERSION


def _epoch(reply: str, **metadata: object) -> Score:
    return Score.unscored(
        reason="needs_epochs", answer=reply, metadata={REDUCE_BY_DISPERSION: True, **metadata}
    )


def test_choice_entropy_and_consistency() -> None:
    value = variance_score([_epoch("A.", choice=c) for c in ("save", "save", "spend", "spend")]).value
    assert value["choice_entropy"] == pytest.approx(1.0)  # two options, half each: 1 bit
    assert value["choice_consistency"] == pytest.approx(0.5)
    steady = variance_score([_epoch("A.", choice="save") for _ in range(3)]).value
    assert steady["choice_entropy"] == 0.0 and steady["choice_consistency"] == 1.0


def test_unreadable_choices_are_left_out_and_open_items_have_none() -> None:
    value = variance_score(
        [_epoch("A.", choice="save"), _epoch("hmm", choice=None), _epoch("B.", choice="save")]
    ).value
    assert value["choice_consistency"] == 1.0
    open_item = variance_score([_epoch("one reply"), _epoch("another reply")]).value
    assert math.isnan(open_item["choice_entropy"]) and math.isnan(open_item["choice_consistency"])


def test_length_and_lexical_spread() -> None:
    value = variance_score([_epoch("one two"), _epoch("one two three four five six")]).value
    assert value["length_cv"] == pytest.approx(2 / 4)  # lengths 2 and 6: sd 2, mean 4
    assert value["distinct_1"] == pytest.approx(6 / 8)
    assert value["distinct_2"] == pytest.approx(5 / 6)
    assert variance_score([_epoch("same words"), _epoch("same words")]).value["length_cv"] == 0.0


def test_token_entropies_average_over_epochs_that_have_them() -> None:
    value = variance_score(
        [
            _epoch("a b", token_entropy=1.0, first_tokens_entropy=2.0),
            _epoch("c d", token_entropy=3.0, first_tokens_entropy=4.0),
            _epoch("e f"),
        ]
    ).value
    assert value["token_entropy"] == pytest.approx(2.0) and value["first_tokens_entropy"] == pytest.approx(
        3.0
    )
    assert math.isnan(variance_score([_epoch("a"), _epoch("b")]).value["token_entropy"])
