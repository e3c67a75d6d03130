"""A run killed halfway loses at most the samples in flight, a second run into the same log
directory is refused while the first holds it, and the resumed run's leaderboard is whole."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log

# No persona-blind reference: its calls are shared between samples, so one call would no longer
# stand for one sample in the counts below.
SIZE = [
    "--max-personas", "4", "--scenarios-per-kind", "2", "--epochs", "1", "--strategies", "opspec",
    "--no-blind-reference",
]  # fmt: skip


def _run(log_dir: Path, calls: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    args = [
        "personalign", "run", "--models", "personalign-scripted/oracle", *SIZE,
        "--model-arg", "delay=0.8", "--model-arg", f"calls_to={calls}",
        "--max-connections", "1", "--log-dir", str(log_dir), "--display", "none",
    ]  # fmt: skip
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _count(calls: Path) -> int:
    return len(calls.read_text().splitlines()) if calls.exists() else 0


@pytest.mark.slow
def test_a_run_killed_halfway_resumes_from_its_samples_and_locks_its_log_dir(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "PERSONALIGN_CRASH_DIR": str(tmp_path)}
    # One calls file for both halves (model args are part of an eval set's identity): the
    # first half's calls are moved aside at the kill.
    logs, calls, first_calls = tmp_path / "logs", tmp_path / "calls", tmp_path / "calls-before-kill"
    # The whole run, for its size: personas x scenarios x epochs.
    whole = _run(tmp_path / "whole", tmp_path / "calls-whole", env)
    assert whole.wait(timeout=600) == 0, whole.stderr.read() if whole.stderr else ""
    total = _count(tmp_path / "calls-whole")

    first = _run(logs, calls, env)
    deadline = time.monotonic() + 600

    def wait_for(count: int) -> None:
        while _count(calls) < count:
            assert first.poll() is None and time.monotonic() < deadline, "the run ended early"
            time.sleep(0.05)

    wait_for(1)  # the first run holds the directory
    # A second run into the same directory is refused at once, naming the directory.
    second = subprocess.run(
        ["personalign", "run", "--models", "personalign-scripted/oracle", *SIZE, "--log-dir", str(logs)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert second.returncode == 2, second.stderr
    assert [line for line in second.stderr.splitlines() if line.strip()] == [second.stderr.strip()]
    assert f"--log-dir {logs}: another personalign run is writing there" in second.stderr
    wait_for(total // 2)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    calls.rename(first_calls)
    done_before_kill = _count(first_calls)

    resumed = _run(logs, calls, env)
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    reused = total - _count(calls)
    # At most the one sample in flight (one connection) is asked again.
    assert reused >= done_before_kill - 1, (total, done_before_kill, _count(calls))
    print(f"kill at {done_before_kill}/{total} calls: the resumed run reused {reused} samples")
    finished = [read_eval_log(info.name) for info in list_eval_logs(str(logs))]
    complete = [log for log in finished if log.status == "success"]
    assert len(complete) == 1 and len(complete[0].samples or []) == total
    assert len({(s.id, s.epoch) for s in complete[0].samples or []}) == total  # no duplicates
    # The interrupted log that the resumed one replaces is not reported as left out.
    assert "Left out" not in out
