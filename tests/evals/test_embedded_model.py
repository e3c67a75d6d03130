"""The real embedded model, in-process on the CPU (slow: loads and may convert the GGUF)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from personalign.evals._smollm2 import converted_model_dir
from personalign.evals.personal_alignment import personal_alignment

pytestmark = pytest.mark.slow


def test_conversion_is_cached() -> None:
    first = converted_model_dir()
    assert (first / "model.safetensors").is_file() and (first / "tokenizer.json").is_file()
    assert converted_model_dir() == first


def test_embedded_model_runs_the_task_end_to_end(tmp_path: Path) -> None:
    task = personal_alignment(strategy="custom_instructions", epochs=2, scenarios_per_kind=1, max_tokens=24)
    [log] = inspect_eval(task, model="personalign/smollm2", limit=3, log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    samples = log.samples or []
    assert len(samples) == 6
    assert all(s.output.completion.strip() for s in samples), "the model should produce text"
    assert all(s.output.usage and s.output.usage.output_tokens > 0 for s in samples)
    # response variance is reduced across the two epochs: a real number, not a placeholder
    assert log.results is not None
    dispersion = next(s for s in log.results.scores if s.name == "dispersion").metrics["mean"].value
    assert not math.isnan(dispersion) and 0.0 <= dispersion <= 1.0


def test_logprobs_on_request() -> None:
    import asyncio

    from inspect_ai.model import GenerateConfig, get_model

    model = get_model("personalign/smollm2")
    output = asyncio.run(
        model.generate("Say hello.", config=GenerateConfig(max_tokens=4, logprobs=True, top_logprobs=3))
    )
    assert output.choices[0].logprobs is not None
    first = output.choices[0].logprobs.content[0]
    assert first.logprob <= 0 and len(first.top_logprobs or []) == 3


def test_temperature_zero_is_greedy_and_repeatable() -> None:
    import asyncio

    from inspect_ai.model import GenerateConfig, get_model

    model = get_model("personalign/smollm2")
    config = GenerateConfig(max_tokens=8, temperature=0)
    first = asyncio.run(model.generate("Name a colour.", config=config)).completion
    again = asyncio.run(
        model.generate("Name a colour.", config=config.merge(GenerateConfig(seed=99)))
    ).completion
    assert first and first == again
