"""The leaderboard's conversation tables, plot and JSON, from real scripted runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from personalign.evals import conversation_stability
from personalign.reports import build_leaderboard, markdown, render_html
from personalign.reports._document import Leaderboard, cell_strategy, is_control


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Leaderboard:
    log_dir = tmp_path_factory.mktemp("conversation-board")
    task = conversation_stability(max_personas=4, scenarios_per_kind=4, turns="0,4")
    for model in ("advocate", "forgetful"):
        inspect_eval(task, model=f"personalign-scripted/{model}", log_dir=str(log_dir), display="none")
    return build_leaderboard(log_dir, reps=100)


@pytest.mark.slow  # two scripted runs
def test_one_row_per_model_with_intervals_over_personas(board) -> None:
    document = board
    rows = {r.model.rsplit("/", 1)[-1]: r for r in document.conversation}
    assert set(rows) == {"advocate", "forgetful"} and rows["advocate"].turns == [0, 4]
    advocate, forgetful = rows["advocate"].measures, rows["forgetful"].measures
    assert advocate["fidelity_turns_4"].mean == 1.0 and forgetful["fidelity_turns_4"].mean < 1.0
    slope = forgetful["fidelity_slope"]
    assert slope.low is not None and slope.high is not None and slope.low <= slope.mean <= slope.high < 0
    assert (
        forgetful["preference_kept_turns_4"].mean == 0.0 and advocate["preference_kept_turns_4"].mean == 1.0
    )
    assert all(e.clusters == 4 for e in advocate.values())
    assert rows["advocate"].replies > 0 and not rows["advocate"].unscored


@pytest.mark.slow  # two scripted runs
def test_markdown_html_and_json_carry_the_tables(board, tmp_path: Path) -> None:
    document = board
    text = markdown(document)
    assert "Conversation: value fidelity" in text and "Conversation: does the choice hold?" in text
    assert "| personalign-scripted/forgetful | opspec | preference kept | 1.00" in text
    html = render_html(document, tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="conversation"' in html and "<svg" in html and "prior turns K" in html
    assert Leaderboard.model_validate_json(document.model_dump_json()).conversation == document.conversation


def test_control_cells_are_named_apart() -> None:
    assert cell_strategy("opspec", "shuffled") == "opspec [shuffled]" and is_control("opspec [shuffled]")
    assert cell_strategy(None, None) == "opspec" and cell_strategy("memory_facts", "none") == "memory_facts"
    assert not is_control("opspec") and not is_control("my [weird] template.j2")
