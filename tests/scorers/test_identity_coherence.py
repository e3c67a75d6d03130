"""Contrastive identifiability and persona signal-to-noise, on hand-built scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from inspect_ai.scorer import SampleScore, Score

from personalign.personas import load_personas
from personalign.scorers import embed, generic_replies, specificity_noise
from personalign.scorers._identity_coherence import (
    BLIND_SIMILARITY,
    SIMILARITY,
    UNSPECIFIC_MARGIN,
    contrastive_identification,
    merge_epoch_metadata,
    persona_signal,
    profile_text,
)


def _reply(
    scenario: str,
    persona: str,
    similarity: dict[str, float],
    replies: list[str] | None = None,
    blind: dict[str, float] | None = None,
):
    metadata: dict[str, object] = {SIMILARITY: similarity, "replies": replies or []}
    if blind is not None:
        metadata[BLIND_SIMILARITY] = blind
    return SampleScore(
        score=Score(value={"identifiability": 0.0}, metadata=metadata),
        sample_id=f"{scenario}__{persona}",
        sample_metadata={"scenario_id": scenario, "persona_id": persona},
    )


def test_topic_does_not_pass_for_identity() -> None:
    # Every reply is closest to "chef" (the scenario is about cooking), but each sits a little
    # closer to its own profile than the other replies do: raw matching would say 1/3.
    scores = []
    for scenario in ("s1", "s2"):
        for own in ("chef", "nurse", "pilot"):
            sims = {"chef": 0.8, "nurse": 0.3, "pilot": 0.3}
            sims[own] += 0.05
            scores.append(_reply(scenario, own, sims))
    closest = [max(sims, key=sims.get) for sims in (s.score.metadata[SIMILARITY] for s in scores)]  # type: ignore[index]
    assert closest == ["chef"] * 6  # raw matching: right only for the chef, 1 in 3

    found = contrastive_identification(scores)
    assert found.top1 == 1.0 and found.chance == pytest.approx(1 / 3) and found.lift == pytest.approx(3.0)
    assert found.replies == 6


def test_persona_blind_replies_score_exactly_chance() -> None:
    same = {"a": 0.4, "b": 0.6, "c": 0.5, "d": 0.1}
    scores = [_reply("s", p, same) for p in "abcd"]
    found = contrastive_identification(scores)
    assert found.top1 == pytest.approx(0.25) and found.chance == pytest.approx(0.25)


def test_a_reply_written_for_nobody_gets_chance_credit_however_it_lands() -> None:
    # Three genuine replies, and one for "d" that is the persona-blind reply itself: it
    # happens to sit closest to d's profile (what raw and contrastive matching would credit).
    blind = {"a": 0.30, "b": 0.30, "c": 0.30, "d": 0.45}
    genuine = {p: {q: (0.30 + 0.25 * (q == p)) if q != "d" else 0.35 for q in "abcd"} for p in "abc"}
    scores = [_reply("s", p, genuine[p], blind=blind) for p in "abc"]
    scores.append(_reply("s", "d", dict(blind), blind=blind))
    plain = [_reply("s", p, genuine[p]) for p in "abc"] + [_reply("s", "d", dict(blind))]
    assert contrastive_identification(plain).top1 == 1.0  # without a reference, d is credited
    found = contrastive_identification(scores)
    assert found.top1 == pytest.approx((3 + 0.25) / 4)  # d gets 1/k, the chance credit
    assert found.unspecific == pytest.approx(0.25)


@pytest.mark.slow  # 6 to 9 s: keeps the plain run under 4 minutes; CI runs it
def test_the_unspecific_margin_is_the_noise_of_replies_written_for_nobody() -> None:
    # Two generic replies to one scenario differ in specificity by chance alone: the margin is
    # that noise's 95th percentile, recomputed here from the bundled set and the authored profiles.
    bank = generic_replies()
    assert len(bank) == 33 and {len(v) for v in bank.values()} == {4}
    noise = specificity_noise(bank, [profile_text(p) for p in load_personas()], embed)
    assert abs(float(np.median(noise))) < 0.01
    assert float(np.percentile(noise, 95)) == pytest.approx(UNSPECIFIC_MARGIN, abs=0.01)


def test_two_personas_reduce_to_the_two_alternative_test() -> None:
    def run(a_a: float, a_b: float, b_a: float, b_b: float) -> float:
        return contrastive_identification(
            [_reply("s", "a", {"a": a_a, "b": a_b}), _reply("s", "b", {"a": b_a, "b": b_b})]
        ).top1

    assert run(0.5, 0.4, 0.45, 0.42) == 1.0  # 0.5 + 0.42 > 0.4 + 0.45
    assert run(0.5, 0.4, 0.45, 0.30) == 0.0  # 0.5 + 0.30 < 0.4 + 0.45


def test_scenarios_with_one_persona_are_skipped() -> None:
    found = contrastive_identification([_reply("s", "a", {"a": 0.9, "b": 0.1})])
    assert found.replies == 0 and math.isnan(found.top1)


def test_epoch_metadata_is_averaged_and_replies_kept() -> None:
    merged = merge_epoch_metadata(
        [
            {
                SIMILARITY: {"a": 0.2, "b": 0.4},
                "reply": "one",
                "walls": [{"wall": "no_emoji", "kept": False}],
            },
            {SIMILARITY: {"a": 0.4, "b": 0.0}, "reply": "two", "walls": [{"wall": "no_emoji", "kept": True}]},
        ]
    )
    assert merged[SIMILARITY] == {"a": pytest.approx(0.3), "b": pytest.approx(0.2)}
    assert merged["replies"] == ["one", "two"] and merged["walls_failed"] == ["no_emoji"]


def test_persona_signal_separates_persona_from_sampling_noise() -> None:
    steady = [
        _reply("s", "a", {}, ["I keep bees on the roof.", "I keep bees on the roof."]),
        _reply("s", "b", {}, ["Tax law is my trade.", "Tax law is my trade."]),
    ]
    signal = persona_signal(steady)
    assert signal.within == 0.0 and signal.between > 0.3 and signal.ratio == math.inf
    noisy = [
        _reply("s", "a", {}, ["Penguins in winter.", "Quarterly tax filing."]),
        _reply("s", "b", {}, ["Penguins in winter.", "Quarterly tax filing."]),
    ]
    # the same two replies for both personas: the persona explains nothing
    # Within: d(P, Q) for each persona; between: d(P,P), d(P,Q), d(Q,P), d(Q,Q), half as much.
    assert persona_signal(noisy).ratio == pytest.approx(0.5, abs=1e-3)


def test_texts_are_encoded_once_per_process() -> None:
    from personalign.scorers import EMBEDDING_STATS, embed

    profiles = ["A beekeeper in Lyon who values tradition.", "A day trader in Lagos who values power."]
    first = embed(profiles)
    encoded = EMBEDDING_STATS.encoded
    again = embed([profiles[1], profiles[0], profiles[1]])
    assert EMBEDDING_STATS.encoded == encoded  # every text came from the cache
    assert (
        (again[0] == first[1]).all() and (again[1] == first[0]).all() and again.shape == (3, first.shape[1])
    )
