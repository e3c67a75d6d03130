"""Scripted logs shared by the report tests (built once per test run: the tests only read them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai.log import EvalLog, read_eval_log
from scripted_logs import run_task


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, EvalLog]]:
    """`none` and `opspec` runs of the oracle. It answers "A" when it cannot see the persona
    (under `none`), so its fidelity varies there from sample to sample, and rises under
    `opspec`."""
    log_dir = tmp_path_factory.mktemp("board")
    runs = {strategy: run_task(log_dir, strategy) for strategy in ("none", "opspec")}
    return log_dir, {s: read_eval_log(log.location) for s, log in runs.items()}
