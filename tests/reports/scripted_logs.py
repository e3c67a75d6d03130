"""Scripted runs for the report tests: small, real logs from personal_alignment."""

from __future__ import annotations

from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from personalign.evals.personal_alignment import personal_alignment

PERSONAS = 4  # 4**4 = 256 resamples: small enough to enumerate by hand
SCENARIOS = 24


def run_task(
    log_dir: Path,
    strategy: str,
    epochs: int = 2,
    model: str = "oracle",
    measures: str = "value_fidelity,identity_coherence,response_variance",
) -> EvalLog:
    task = personal_alignment(
        strategy=strategy,
        epochs=epochs,
        max_personas=PERSONAS,
        kinds="choice",
        scenarios_per_kind=SCENARIOS,
        measures=measures,
    )
    [log] = inspect_eval(task, model=f"personalign-scripted/{model}", log_dir=str(log_dir), display="none")
    return log
