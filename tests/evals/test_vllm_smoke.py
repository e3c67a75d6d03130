"""The main task on a GPU model through Inspect's vllm provider, configured as docs/tasks.md
documents it ("A GPU model through vLLM"): the embedded model's converted safetensors folder
served by `vllm serve`, 1 persona x 2 scenarios.

Skipped unless a CUDA GPU is visible to torch and vllm is installed (a multi-GB CUDA package,
not part of the suite's install). The same run and checks on a scripted model keep this file's
own logic tested where there is no GPU (slow: a whole `personalign run`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log

from personalign.cli import cli

REPO = Path(__file__).resolve().parents[2]
PERSONA = REPO / "personas" / "authored" / "jonas-weber.yaml"
# The documented model args (docs/tasks.md), as `--model-arg NAME=VALUE`.
VLLM_MODEL_ARGS = ("gpu_memory_utilization=0.3", "max_model_len=4096", "dtype=bfloat16")


def _no_gpu_or_vllm() -> str | None:
    """Why the vllm run cannot happen here, or None when it can."""
    if importlib.util.find_spec("vllm") is None:
        return "vllm is not installed (a CUDA package: pip install vllm on a GPU machine)"
    import torch

    if not torch.cuda.is_available():
        return "no CUDA GPU visible to torch"
    return None


def run_one_persona_two_scenarios(model: str, model_args: tuple[str, ...], log_dir: Path) -> None:
    """`personalign run` on one persona x 2 scenarios (the first choice and open item), 2 epochs;
    then the log must have finished with every sample answered and scored."""
    args = ["run", "--models", model, "--strategies", "opspec", "--personas", str(PERSONA)]
    args += ["--kinds", "choice,open", "--scenarios-per-kind", "1", "--epochs", "2"]
    args += ["--max-tokens", "40", "--max-connections", "32", "--display", "none"]
    args += ["--log-dir", str(log_dir)]
    for arg in model_args:
        args += ["--model-arg", arg]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output + repr(result.exception)

    [info] = list_eval_logs(str(log_dir))
    log = read_eval_log(info)
    assert log.status == "success", log.error
    assert log.eval.model == model
    samples = log.samples or []
    assert len(samples) == 4  # 1 persona x 2 scenarios x 2 epochs
    assert all(s.output.completion.strip() and not s.output.error for s in samples)
    assert log.results is not None and log.results.completed_samples == 4
    # identity coherence scores every reply that is not a hard-floor item: both samples here
    scored = {s.scorer: s.scored_samples for s in log.results.scores}
    assert scored.get("identity_coherence") == 2, scored


@pytest.mark.skipif(bool(_no_gpu_or_vllm()), reason=_no_gpu_or_vllm() or "")
def test_the_main_task_runs_on_vllm_from_the_converted_model_folder(tmp_path: Path) -> None:
    from personalign.evals._smollm2 import converted_model_dir

    model_dir = converted_model_dir()
    assert (model_dir / "config.json").is_file() and (model_dir / "model.safetensors").is_file()
    run_one_persona_two_scenarios(f"vllm/{model_dir}", VLLM_MODEL_ARGS, tmp_path / "logs")


@pytest.mark.slow
def test_the_same_run_and_checks_hold_on_a_scripted_model(tmp_path: Path) -> None:
    run_one_persona_two_scenarios("personalign-scripted/oracle", (), tmp_path / "logs")
