"""Open items graded by a grader model role: grades, honest failures, and no guessing."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import Model, ModelOutput, ModelUsage, get_model

from personalign.evals.personal_alignment import personal_alignment
from personalign.personas import load_personas
from personalign.scorers._rubric_grade import FIT_TEMPLATE, persona_brief


def _grader(reply: str) -> Model:
    def outputs() -> Iterator[ModelOutput]:
        while True:
            output = ModelOutput.from_content("mockllm/model", reply)
            output.usage = ModelUsage(
                input_tokens=1, output_tokens=1, total_tokens=2
            )  # offline: no tokenizer
            yield output

    return get_model("mockllm/model", custom_outputs=outputs())


def _run(grader: Model | None, tmp_path, measure: str = "rubric_grade") -> EvalLog:
    task = personal_alignment(kinds="open", measures=measure, max_personas=3, scenarios_per_kind=2, epochs=1)
    roles = {"grader": grader} if grader else None
    [log] = inspect_eval(
        task, model="personalign-scripted/oracle", model_roles=roles, log_dir=str(tmp_path), display="none"
    )
    assert log.status == "success", log.error
    return log


def _scores(log: EvalLog, measure: str = "rubric_grade"):
    return [s.scores[measure] for s in log.samples or []]


def test_grades_are_rescaled_to_0_1(tmp_path) -> None:
    log = _run(_grader("Fits her values and keeps her walls.\nGRADE: 4"), tmp_path)
    assert {s.value for s in _scores(log)} == {0.75}
    assert log.results.scores[0].metrics["mean"].value == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("I'm sorry, but I can't evaluate this conversation.", "grader_refused"),
        ("It is a decent answer overall.", "grader_unparseable"),
        ("Outstanding.\nGRADE: 9", "grader_out_of_range"),
    ],
)
def test_grader_failures_are_unscored_with_their_reason(tmp_path, reply: str, reason: str) -> None:
    scores = _scores(_run(_grader(reply), tmp_path))
    assert scores and all(math.isnan(s.value) and s.reason == reason for s in scores)


def test_without_a_grader_open_items_are_not_scored_never_guessed(tmp_path) -> None:
    scores = _scores(_run(None, tmp_path))
    assert scores and all(math.isnan(s.value) and s.reason == "no_grader" for s in scores)


def test_grader_sees_the_person_without_personal_data() -> None:
    persona = load_personas()[0]
    brief = persona_brief(persona)
    assert persona.walls[0].text in brief and persona.values.ranked()[0] in brief
    real = persona.model_copy(
        update={"provenance": persona.provenance.model_copy(update={"contains_pii": True})}
    )
    assert persona.name not in persona_brief(real)


def test_persona_fit_grades_open_items_and_never_guesses(tmp_path) -> None:
    graded = _scores(_run(_grader("Unmistakably for her.\nGRADE: 5"), tmp_path, "persona_fit"), "persona_fit")
    assert graded and {s.value for s in graded} == {1.0}
    ungraded = _scores(_run(None, tmp_path, "persona_fit"), "persona_fit")
    assert ungraded and all(s.reason == "no_grader" for s in ungraded)
    refused = _scores(
        _run(_grader("I can't help with grading this."), tmp_path, "persona_fit"), "persona_fit"
    )
    assert refused and all(s.reason == "grader_refused" for s in refused)


def test_fit_prompt_asks_about_fit_not_the_rubric() -> None:
    prompt = FIT_TEMPLATE.format(persona="P", request="R", rubric="RUBRIC-TEXT", reply="A")
    assert "RUBRIC-TEXT" not in prompt and "anyone else" in prompt and "GRADE: <1-5>" in prompt
