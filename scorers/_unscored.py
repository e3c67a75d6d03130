"""The one place that decides when a model's output cannot be scored at all."""

from __future__ import annotations

from inspect_ai.scorer import Score
from inspect_ai.solver import TaskState


def output_problem(state: TaskState) -> Score | None:
    """An unscored `Score` with the reason when the output is an error or empty, else None.

    Such outputs are never scored as wrong and never counted as refusals.
    """
    if state.output.error:
        return Score.unscored(reason="model_error", explanation=state.output.error)
    if not state.output.completion.strip():
        return Score.unscored(reason="no_response", explanation="the model returned no text")
    return None
