"""Token entropy, token text and classes, and the token-steering scorer on built outputs."""

from __future__ import annotations

import asyncio
import math

import pytest
from inspect_ai.model import ChatMessageUser, Logprob, Logprobs, ModelOutput, TopLogprob
from inspect_ai.solver import TaskState

from personalign.scorers import position_entropy, token_class, token_steering_profile, token_text


def _position(*probs_by_token: tuple[str, float]) -> Logprob:
    top = [TopLogprob(token=t, logprob=math.log(p)) for t, p in probs_by_token]
    return Logprob(token=top[0].token, logprob=top[0].logprob, top_logprobs=top)


def test_entropy_of_known_distributions() -> None:
    assert position_entropy(_position(*[(str(i), 0.25) for i in range(4)])) == pytest.approx(2.0)
    assert position_entropy(_position(("a", 1.0))) == pytest.approx(0.0, abs=1e-9)
    # top two hold 0.5 each of... 0.8: the rest (0.2) counts as one more outcome
    half = position_entropy(_position(("a", 0.4), ("b", 0.4)))
    assert half == pytest.approx(-(2 * 0.4 * math.log2(0.4) + 0.2 * math.log2(0.2)))
    assert math.isnan(position_entropy(Logprob(token="a", logprob=-0.1)))


def test_token_text_decodes_byte_level_tokens_and_keeps_plain_text() -> None:
    assert token_text("\u0120Great") == " Great"
    assert token_text("caf\u00c3\u00a9") == "café"
    assert token_text("café") == "café"  # already text: not a valid byte-level string
    assert token_text("\u2581The") == " The"


@pytest.mark.parametrize(
    ("token", "expected"),
    [(" Great", "validating"), ("Wow", "validating"), (" The", "substantive"), ("**Overall", "substantive"),
     (" I", None), ("Your", None), (" greatly", None), ("", None)],
)  # fmt: skip
def test_token_classes(token: str, expected: str | None) -> None:
    assert token_class(token) == expected


def _state(output: ModelOutput) -> TaskState:
    return TaskState(
        model="scripted", sample_id="s", epoch=1, input="hi", messages=[ChatMessageUser(content="hi")],
        output=output, metadata={"strategy": "none"},
    )  # fmt: skip


def test_scorer_reads_entropy_and_class_mass_per_position() -> None:
    output = ModelOutput.from_content(model="scripted", content="Great The")
    output.choices[0].logprobs = Logprobs(
        content=[
            _position(("\u0120Great", 0.5), ("\u0120The", 0.25), ("\u0120I", 0.25)),
            _position(("\u0120The", 1.0)),
        ]
    )
    score = _score(output)
    value = score.value
    assert value["entropy_1"] == pytest.approx(1.5)
    assert value["validating_1"] == pytest.approx(0.5) and value["substantive_1"] == pytest.approx(0.25)
    assert value["entropy_2"] == pytest.approx(0.0, abs=1e-9) and value["substantive_2"] == pytest.approx(1.0)
    assert math.isnan(value["entropy_3"])  # past the end of a two-token reply
    assert score.answer == " Great The"


def _score(output: ModelOutput):
    return asyncio.run(token_steering_profile()(_state(output), None))  # type: ignore[arg-type]


def test_scorer_without_logprobs_is_unscored_with_a_reason() -> None:
    score = _score(ModelOutput.from_content("scripted", "Great."))
    assert math.isnan(score.value) and score.reason == "no_logprobs"
    assert _score(ModelOutput.from_content("scripted", "", error="boom")).reason == "model_error"
