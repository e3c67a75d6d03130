"""The leaderboard for one person: ranked on their own answers, intervals over scenarios, the
person hidden unless revealed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from inspect_ai import eval as inspect_eval

from personalign.evals import ElicitationSession, choice_bank, load_scenarios, personal_alignment
from personalign.evals._elicit_validity import SimulatedPerson
from personalign.personas import SCHWARTZ_VALUES, save_persona
from personalign.reports import build_leaderboard, markdown
from personalign.reports._personal import _p_best

BANK = choice_bank(load_scenarios(), "the bundled bank")


@pytest.fixture(scope="module")
def person_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A simulated person answers 10 questions; an oracle that knows them and a model that
    always answers "A" run 14 choice items for them (their 10 first), under opspec."""
    folder = tmp_path_factory.mktemp("person")
    rng = np.random.default_rng(4)
    respondent = SimulatedPerson(rng.uniform(0.1, 0.9, len(SCHWARTZ_VALUES)), 0.1, rng)
    session = ElicitationSession(BANK, items=10, seed=4)
    while (question := session.next_question()) is not None:
        session.record(question, respondent.answer(question))
    path = save_persona(session.persona("rowan-tate", "Rowan Tate", finished=True), folder / "me.yaml")
    consistency, _ = session.consistency()
    assert consistency  # the seed gives a person who repeats at least one answer
    for model in ("oracle", "constant"):
        inspect_eval(
            personal_alignment(
                personas=str(path), kinds="choice", scenarios_per_kind=14, epochs=1, measures="value_fidelity"
            ),
            model=f"personalign-scripted/{model}",
            model_args={"personas": str(path)},
            log_dir=str(folder / "logs"),
            display="none",
        )
    return folder / "logs", consistency


def test_one_person_is_ranked_on_their_own_answers(person_run: tuple[Path, float]) -> None:
    logs, consistency = person_run
    board = build_leaderboard(logs)
    assert board.cluster == "scenario" and "whole scenarios" in board.interval
    section = board.personal
    assert section is not None and section.ranked_on == "stated"
    assert section.person == "the person" and section.consistency == pytest.approx(consistency)
    best, other = section.rows
    assert (best.model, best.rank, other.rank) == ("personalign-scripted/oracle", 1, 2)
    assert best.stated.mean == 1.0 and best.stated.n == 10  # every answered item, and only those
    assert best.fitted.n == 4 and best.stated.n + best.fitted.n == 14
    assert best.share_of_ceiling is not None
    assert best.share_of_ceiling.mean == pytest.approx(1.0 / consistency)
    assert best.difference_from_best.mean == 0.0
    assert other.stated.mean is not None and other.stated.mean < 1.0
    assert other.difference_from_best.mean == pytest.approx(other.stated.mean - 1.0)
    assert best.p_best > other.p_best and best.p_best + other.p_best == pytest.approx(1.0)
    # intervals over the 10 answered scenarios
    assert other.stated.clusters == 10 and other.stated.low is not None


def test_the_person_is_named_only_when_revealed(person_run: tuple[Path, float]) -> None:
    logs, _ = person_run
    hidden = markdown(build_leaderboard(logs))
    assert "Best for the person" in hidden and "rowan-tate" not in hidden and "Rowan" not in hidden
    revealed = build_leaderboard(logs, reveal=True)
    assert revealed.personal is not None and revealed.personal.person == "rowan-tate"


def test_p_best_shares_ties_and_pairs_resamples() -> None:
    # A is right on all three scenarios, B on two of them: B ties A only in resamples without
    # scenario 1, which have probability (2/3)^3, and then the two share the credit.
    values = pd.DataFrame({"A": [1.0, 1.0, 1.0], "B": [0.0, 1.0, 1.0]}, index=["s1", "s2", "s3"])
    tie = (2 / 3) ** 3
    a, b = _p_best(values, seed=1, reps=4000)
    assert a == pytest.approx(1 - tie / 2, abs=0.03) and b == pytest.approx(tie / 2, abs=0.03)
