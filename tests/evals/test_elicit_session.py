"""Elicitation: the value fit, the choice of questions, repeats, resuming, and recovery of
simulated people with known weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from personalign.evals import ElicitationSession, choice_bank, elicitation_validity, load_scenarios
from personalign.evals._elicit import RETEST_EVERY, RETEST_GAP, bank_hash
from personalign.evals._elicit_validity import NOISE_LEVELS, SimulatedPerson, adaptive_and_random
from personalign.evals._value_fit import Choice, expected_option_entropy, fit_values, option_features
from personalign.personas import SCHWARTZ_VALUES, DataFileError, load_persona, save_persona

BANK = choice_bank(load_scenarios(), "the bundled bank")


def _person(top: str, temperature: float = 0.05, seed: int = 0) -> SimulatedPerson:
    """One value at 0.9, the others drawn between 0.1 and 0.6 (no two options tie)."""
    rng = np.random.default_rng(seed)
    weights = np.array([0.9 if v == top else rng.uniform(0.1, 0.6) for v in SCHWARTZ_VALUES])
    return SimulatedPerson(weights, temperature, rng)


def _answer_all(session: ElicitationSession, person: SimulatedPerson, stop_after: int | None = None) -> None:
    while (question := session.next_question()) is not None:
        if stop_after is not None and len(session.answers) >= stop_after:
            return
        session.record(question, person.answer(question))


def test_with_no_answers_the_fit_is_flat_and_uncertain() -> None:
    fit = fit_values([])
    assert set(fit.weights().values()) == {0.5}
    spread = set(fit.uncertainty().values())
    assert len(spread) == 1 and spread.pop() > 0.3


def test_always_choosing_what_serves_one_value_puts_it_on_top() -> None:
    # Every answer takes an option serving benevolence over one that does not.
    choices = []
    for scenario in BANK:
        serving = [o for o in scenario.options if "benevolence" in o.serves]
        if len(serving) == 1:
            choices.append(Choice.of(scenario, serving[0].id))
    fit = fit_values(choices[:25])
    weights = fit.weights()
    assert max(weights, key=lambda v: weights[v]) == "benevolence"
    # more answers, less uncertainty
    assert fit.uncertainty()["benevolence"] < fit_values(choices[:5]).uncertainty()["benevolence"]


def test_centred_features_give_the_utility_of_centred_weights() -> None:
    scenario = BANK[0]
    weights = np.linspace(0.1, 0.9, len(SCHWARTZ_VALUES))
    centred = weights - weights.mean()
    plain = np.zeros((len(scenario.options), len(SCHWARTZ_VALUES)))
    for i, option in enumerate(scenario.options):
        for value in option.serves:
            plain[i, SCHWARTZ_VALUES.index(value)] = 1
        for value in option.sacrifices:
            plain[i, SCHWARTZ_VALUES.index(value)] = -1
    assert option_features(scenario) @ weights == pytest.approx(plain @ centred)


def test_the_expected_option_is_uncertain_before_answers_and_settled_after() -> None:
    person = _person("security")
    features = [option_features(s) for s in BANK]
    prior = fit_values([])
    rng = np.random.default_rng(0)
    before = expected_option_entropy(features, prior.draws(400, rng))
    choices = [Choice.of(s, person.choose(s)) for s in BANK[:60]]
    after = expected_option_entropy(features, fit_values(choices).draws(400, rng))
    assert before.mean() > 0.8  # two to four options, all about equally likely
    assert after.mean() < before.mean() / 2


def test_adaptive_questions_and_repeats_follow_the_schedule() -> None:
    session = ElicitationSession(BANK, items=12, seed=3)
    _answer_all(session, _person("tradition"))
    answers = session.answers
    assert sum(not a.repeat for a in answers) == 12
    assert sum(a.repeat for a in answers) == 12 // RETEST_EVERY
    assert len({a.scenario for a in answers if not a.repeat}) == 12  # no new question twice
    for i, answer in enumerate(answers):
        if answer.repeat:
            first = next(j for j, a in enumerate(answers) if a.scenario == answer.scenario)
            assert i - first >= RETEST_GAP
            assert answer.shown != answers[first].shown  # reordered
            assert sorted(answer.shown) == sorted(answers[first].shown)
    assert session.expected_questions() == len(answers)


def test_consistency_counts_repeats_answered_the_same() -> None:
    steady = ElicitationSession(BANK, items=20, seed=1)
    _answer_all(steady, _person("power", temperature=1e-4))
    assert steady.consistency() == (1.0, 4)
    # a person who answers at random repeats an answer about 1/k of the time
    same, chance = [], []
    for seed in range(8):
        flipper = ElicitationSession(BANK, items=20, seed=seed)
        _answer_all(flipper, _person("power", temperature=1e3, seed=seed))
        same.append(flipper.consistency()[0])
        chance += [1 / len(flipper.by_id[a.scenario].options) for a in flipper.answers if a.repeat]
    assert float(np.mean(same)) == pytest.approx(float(np.mean(chance)), abs=0.15)
    assert float(np.mean(same)) < 0.5


def test_skipped_questions_are_not_stated_and_the_latest_answer_is() -> None:
    session = ElicitationSession(BANK, items=6, seed=2)
    first = session.next_question()
    assert first is not None
    session.record(first, None)
    assert session.stated_choices() == {}
    second = session.next_question()
    assert second is not None and second.scenario.id != first.scenario.id
    session.record(second, second.shown[0])
    assert session.stated_choices() == {second.scenario.id: second.shown[0]}
    with pytest.raises(ValueError, match="not an option"):
        session.record(second, "no-such-option")


def test_a_resumed_session_asks_what_the_interrupted_one_would_have(tmp_path: Path) -> None:
    whole = ElicitationSession(BANK, items=10, seed=5)
    _answer_all(whole, _person("hedonism", seed=1))
    cut = ElicitationSession(BANK, items=10, seed=5)
    _answer_all(cut, _person("hedonism", seed=1), stop_after=7)
    path = save_persona(cut.persona("me", "me"), tmp_path / "me.yaml")
    resumed = ElicitationSession.resume(load_persona(path), BANK, path)
    for answer in whole.answers[7:]:
        question = resumed.next_question()
        assert question is not None
        assert (question.scenario.id, list(question.shown), question.repeat) == (
            answer.scenario,
            answer.shown,
            answer.repeat,
        )
        resumed.record(question, answer.option)
    assert resumed.next_question() is None
    assert resumed.persona("me", "me") == whole.persona("me", "me")


def test_resume_refuses_what_it_cannot_continue(tmp_path: Path) -> None:
    session = ElicitationSession(BANK, items=4, seed=0)
    _answer_all(session, _person("security"))
    persona = session.persona("me", "me")
    with pytest.raises(DataFileError, match="field 'elicitation': missing"):
        ElicitationSession.resume(persona.model_copy(update={"elicitation": None}), BANK, tmp_path / "x.yaml")
    with pytest.raises(DataFileError, match=r"scenario_set.*same --scenarios"):
        ElicitationSession.resume(persona, BANK[:50], tmp_path / "x.yaml")
    assert persona.elicitation is not None
    bad = persona.elicitation.model_copy(
        update={"answers": [persona.elicitation.answers[0].model_copy(update={"scenario": "nope"})]}
    )
    with pytest.raises(DataFileError, match=r"answers\.0\.scenario': 'nope' is not in the scenario bank"):
        ElicitationSession.resume(persona.model_copy(update={"elicitation": bad}), BANK, tmp_path / "x.yaml")


def test_the_persona_carries_choices_fitted_weights_and_consistency() -> None:
    session = ElicitationSession(BANK, items=10, seed=0)
    _answer_all(session, _person("universalism", temperature=1e-4))
    persona = session.persona("sam", "Sam", "A teacher.", finished=True)
    assert persona.kind == "real" and persona.provenance.contains_pii
    assert persona.values.source == "stated" and persona.values.uncertainty is not None
    assert persona.values.ranked()[0] == "universalism"
    assert persona.elicitation is not None and persona.elicitation.consistency == 1.0
    assert persona.elicitation.scenario_set == bank_hash(BANK)
    assert len(persona.stated_choices) == 10


# Sessions of 24 simulated people at two noise levels (about 10 s); `elicit-check` runs more.
@pytest.mark.slow
def test_simulated_people_are_recovered_and_chance_looks_like_chance() -> None:
    rows = elicitation_validity(BANK, people=24, items=30, seed=11, noise=("low", "chance"))
    low, _ = adaptive_and_random(rows, "low")
    chance, _ = adaptive_and_random(rows, "chance")
    assert low.top1.value >= 0.8 and low.top3.value >= 0.95
    assert chance.top1.low <= 0.1 <= chance.top1.high
    # measured consistency tracks what the noise implies, and falls with the noise
    for row in rows:
        assert row.consistency == pytest.approx(row.expected_consistency, abs=0.08)
    assert low.consistency > chance.consistency + 0.3
    assert NOISE_LEVELS["chance"] > 10 * NOISE_LEVELS["high"]


@pytest.mark.slow
def test_elicit_check_meets_every_bound_it_promises() -> None:
    from click.testing import CliRunner

    from personalign.cli import cli

    result = CliRunner().invoke(cli, ["elicit-check", "--people", "60"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output and "low     adaptive" in result.output
