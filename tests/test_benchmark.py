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


def _suite_scaling() -> object:
    """benchmarks/suite_scaling.py as a module (benchmarks/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("suite_scaling", REPO / "benchmarks" / "suite_scaling.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["suite_scaling"] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_suite_scaling_fits_a_line_picks_shapes_and_flags_a_bend() -> None:
    bench = _suite_scaling()
    a, b, r2 = bench.fit_line([(100.0, 3.0), (300.0, 7.0), (1000.0, 21.0)])  # type: ignore[attr-defined]
    assert (round(a, 6), round(b, 6), round(r2, 6)) == (1.0, 0.02, 1.0)
    counts = bench.scenario_counts()  # type: ignore[attr-defined]
    for target in (100, 1000, 10_000):
        shape = bench.shape_for(target, counts)  # type: ignore[attr-defined]
        n = shape.personas * counts[shape.per_kind] * shape.epochs
        assert abs(n - target) <= 0.05 * target, (target, shape, n)
    linear = [(100.0, 3.0), (300.0, 7.0), (1000.0, 21.0), (10_000.0, 201.0)]
    bent = [*linear[:3], (10_000.0, 401.0)]
    assert bench._linearity(linear)[0] is False  # type: ignore[attr-defined]
    assert bench._linearity(bent)[0] is True  # type: ignore[attr-defined]


@pytest.mark.slow
def test_suite_scaling_quick_runs_every_size_and_prints_the_fit() -> None:
    import re

    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "suite_scaling.py"), "--quick", "--torch-threads", "1"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    # 1: the tiny sizes' timings read as a bend, still a run; 2 would be a run without scores
    assert result.returncode in (0, 1), result.stderr[-3000:]
    out = result.stdout
    fit = re.search(
        r"^fit: suite_s = a \+ b\*n: a = (-?[\d.]+) s, b = (-?[\d.]+) ms .*R\^2 = (-?[\d.]+)$", out, re.M
    )
    assert fit, out
    assert float(fit[2]) > 0 and float(fit[3]) <= 1
    rows = re.findall(
        r"^\| (\d+) x (\d+) x (\d+) \| ([\d,]+) \| ([\d.]+) \| .*\| ([\d,]+) \| [\d.]+ \|$", out, re.M
    )
    assert len(rows) == 3, out  # one per quick size
    for personas, scenarios, epochs, n, seconds, scored in rows:
        assert int(n.replace(",", "")) == int(personas) * int(scenarios) * int(epochs)
        assert float(seconds) > 0 and int(scored.replace(",", "")) > 0
    assert re.search(r"^linearity: .*: (linear|SUPER-LINEAR)", out, re.M), out
