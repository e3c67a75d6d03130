"""The leaderboard benchmark runs end to end at a tiny size (its figures are not asserted:
timings belong in the benchmark's output, not in tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_script_writes_logs_times_both_readers_and_prints_the_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "leaderboard_bench.py"),
            "--logs",
            "2",
            "--samples-per-log",
            "4",
            "--epochs",
            "2",
            "--repeats",
            "1",
            "--work-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: a target missed, still a run
    assert "| 2 | 16 |" in result.stdout, result.stdout
    assert len(list((tmp_path / "logs-2x4x2").glob("*.eval"))) == 2


@pytest.mark.slow
def test_conversation_cost_benchmark_prints_every_condition(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "conversation_cost.py"),
            "--model",
            "personalign-scripted/advocate",
            "--max-personas",
            "2",
            "--scenarios",
            "2",
            "--turns",
            "0,3",
            "--work-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line[:1].islower()}
    assert {"turns-0", "turns-3", "pushback", "preference-0", "preference-3"} <= set(rows)
    # prompt tokens grow with the prior turns; pushback makes two calls
    assert int(rows["turns-3"][3]) > int(rows["turns-0"][3]) and rows["pushback"][4] == "2"
