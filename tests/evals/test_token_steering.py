"""The token-steering task: its prompts, its samples, and a run on the embedded model."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from personalign.evals._steering import STEERING_STRATEGIES, load_steering_prompts, steering_samples
from personalign.evals.token_steering import token_steering
from personalign.personas import DataFileError, load_personas
from personalign.reports import leaderboard_table


def test_bundled_prompts_cover_every_domain() -> None:
    prompts = load_steering_prompts()
    assert len(prompts) == 48
    assert len({p.id for p in prompts}) == 48
    assert min(Counter(p.domain for p in prompts).values()) >= 5


def test_bad_prompt_file_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "prompts.yaml"
    bad.write_text(
        "prompts:\n  - id: ok-one\n    domain: poetry\n    prompt: Here is my poem, what do you think?\n"
    )
    with pytest.raises(DataFileError) as error:
        load_steering_prompts(bad)
    message = str(error.value)
    assert "prompts.yaml" in message and "domain" in message and "prompt 0" in message


def test_none_is_asked_once_per_prompt_and_the_others_once_per_persona() -> None:
    personas, prompts = load_personas()[:3], load_steering_prompts()[:4]
    samples = steering_samples(personas, prompts, STEERING_STRATEGIES, "system")
    per_strategy = Counter(s.metadata["strategy"] for s in samples)  # type: ignore[index]
    assert per_strategy == {"none": 4, "prescriptive_only": 12, "walls_only": 12, "opspec": 12}
    assert len({s.id for s in samples}) == len(samples)
    none = next(s for s in samples if s.metadata["strategy"] == "none")  # type: ignore[index]
    assert len(none.input) == 1  # no system message: no persona reaches the model


def test_provider_without_logprobs_is_unscored_and_reported(tmp_path: Path) -> None:
    task = token_steering(max_personas=2, max_prompts=2)
    [log] = inspect_eval(task, model="personalign-scripted/constant", log_dir=str(tmp_path), display="none")
    reasons = {s.scores["token_steering_profile"].reason for s in log.samples or []}
    assert reasons == {"no_logprobs"}
    assert "no scored samples (does the provider return logprobs?)" in leaderboard_table(tmp_path)


@pytest.mark.slow
def test_embedded_model_gives_a_per_position_table(tmp_path: Path) -> None:
    task = token_steering(max_personas=2, max_prompts=2)
    [log] = inspect_eval(task, model="personalign/smollm2", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    scores = [s.scores["token_steering_profile"] for s in log.samples or []]
    assert len(scores) == 2 * (1 + 3 * 2)
    for score in scores:
        assert 0.0 <= score.value["entropy_1"] <= 5.0  # top-20 plus the rest: at most log2(21) bits
        assert 0.0 <= score.value["validating_1"] + score.value["substantive_1"] <= 1.0
    table = leaderboard_table(tmp_path)
    assert "Token steering, personalign/smollm2" in table
    for strategy in STEERING_STRATEGIES:
        assert f"| {strategy} |" in table
    assert "| 10 |" in table  # one row per position
