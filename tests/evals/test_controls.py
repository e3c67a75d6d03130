"""The leakage control: another persona's profile shown, the sample's own persona scored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.model import ModelOutput
from inspect_ai.solver import TaskState

from personalign.evals import personal_alignment
from personalign.evals._dataset import shuffled_partners
from personalign.evals._solver import USER_HEADER, generate_for_user
from personalign.personas import UserError, load_personas
from personalign.reports import build_leaderboard, markdown


def test_partners_are_a_seeded_derangement() -> None:
    personas = load_personas()
    partners = shuffled_partners(personas, seed=7)
    assert all(partners[p.id].id != p.id for p in personas)
    assert sorted(p.id for p in partners.values()) == sorted(p.id for p in personas)  # each shown once
    assert partners == shuffled_partners(personas, seed=7)
    assert partners != shuffled_partners(personas, seed=8)


def test_two_personas_swap_and_one_is_an_error() -> None:
    a, b = load_personas()[:2]
    assert shuffled_partners([a, b], 1) == {a.id: b, b.id: a}
    with pytest.raises(UserError, match="at least 2 personas"):
        shuffled_partners([a], 1)


def test_control_shows_another_profile_and_scores_the_own() -> None:
    plain = personal_alignment(kinds="choice", max_personas=4, scenarios_per_kind=3)
    control = personal_alignment(kinds="choice", max_personas=4, scenarios_per_kind=3, control="shuffled")
    names = {p.id: p.name for p in load_personas()}
    for mine, shuffled in zip(plain.dataset, control.dataset, strict=True):
        own, shown = shuffled.metadata["persona_id"], shuffled.metadata["context_persona_id"]
        assert mine.id == shuffled.id and own != shown
        assert names[shown] in shuffled.input[0].text and names[own] not in shuffled.input[0].text
        assert shuffled.metadata["expected_option"] == mine.metadata["expected_option"]


def test_nothing_to_shuffle_under_none() -> None:
    with pytest.raises(UserError, match="no profile to shuffle"):
        personal_alignment(strategy="none", control="shuffled")


def test_a_product_is_asked_for_the_shown_persona() -> None:
    sent = {}

    async def generate(state: TaskState, **kwargs: object) -> TaskState:
        sent.update(kwargs)
        state.output = ModelOutput.from_content("m", "ok")
        return state

    state = TaskState(
        model="m",  # type: ignore[arg-type]
        sample_id="s",
        epoch=1,
        input="hi",
        messages=[],
        metadata={"strategy": "product", "persona_id": "own", "context_persona_id": "other"},
    )
    asyncio.run(generate_for_user(state, generate))  # type: ignore[arg-type]
    assert sent["extra_body"] == {"user": "other"} and sent["extra_headers"] == {USER_HEADER: "other"}


@pytest.mark.slow  # four scripted runs (9 s on 2 cores)
def test_leaderboard_reports_what_the_profile_explains(tmp_path: Path) -> None:
    for model in ("oracle", "persona-blind"):
        for control in ("none", "shuffled"):
            task = personal_alignment(
                kinds="choice",
                measures="value_fidelity",
                max_personas=4,
                scenarios_per_kind=12,
                epochs=1,
                control=control,  # type: ignore[arg-type]
            )
            inspect_eval(task, model=f"personalign-scripted/{model}", log_dir=str(tmp_path), display="none")
    board = build_leaderboard(tmp_path, reps=200)
    cells = {(c.model.rsplit("/", 1)[-1], c.strategy): c for c in board.cells}
    assert set(cells) == {
        (m, s) for m in ("oracle", "persona-blind") for s in ("opspec", "opspec [shuffled]")
    }
    oracle = cells["oracle", "opspec"].explained_fidelity
    blind = cells["persona-blind", "opspec"].explained_fidelity
    assert oracle is not None and oracle.low is not None and oracle.low > 0
    # persona-blind: fidelity above nothing, none of it the profile's
    assert cells["persona-blind", "opspec"].measures["value_fidelity"].mean > 0
    assert blind is not None and blind.mean == 0 and blind.low <= 0 <= blind.high
    assert cells["oracle", "opspec [shuffled]"].explained_fidelity is None
    assert "Persona-explained fidelity" in markdown(board)
