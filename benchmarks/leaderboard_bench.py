"""Benchmark: how long the leaderboard takes to build, against Inspect's own `samples_df`.

For each size (number of logs), the script writes synthetic `personal_alignment` logs
(`synthetic_logs.write_synthetic_logs`: one model x strategy cell per log, `--samples-per-log`
samples x `--epochs` epochs each, cached per size in the work dir), then times two things, each
in a fresh Python subprocess so that imports, caches and peak memory belong to one measurement
alone: (a) `inspect_ai.analysis.samples_df(log_dir)` with its default columns, the floor any
per-sample report pays to read the logs, and (b) the leaderboard build,
`reports.build_leaderboard(log_dir)`. Wall time covers the call only (imports excluded); peak
RSS is the child's `ru_maxrss`, imports included. It prints the median over `--repeats`, the
leaderboard / samples_df ratio and whether the targets hold: ratio <= 1.5 at every size, and
100,000 sample-epochs in under 30 s.

    python benchmarks/leaderboard_bench.py --logs 10,100,1000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RATIO_TARGET = 1.5
LARGE_SAMPLE_EPOCHS = 100_000
LARGE_SECONDS_TARGET = 30.0
TASKS = ("samples_df", "leaderboard")


# --- child: one measurement ---------------------------------------------------------------------


def _peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _child(task: str, log_dir: str) -> None:
    """Run one measurement and print it as one JSON line (the parent reads the last line)."""
    warnings.simplefilter("ignore")
    from inspect_ai.analysis import samples_df

    from personalign.reports import build_leaderboard

    baseline = _peak_rss_mib()  # after imports: what the call itself adds is peak - baseline
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if task == "samples_df":
            rows: int | None = len(samples_df(log_dir, quiet=True))
        else:
            rows = len(build_leaderboard(log_dir).cells)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "task": task,
                "seconds": seconds,
                "rss_mib": _peak_rss_mib(),
                "baseline_mib": baseline,
                "rows": rows,
            }
        )
    )


# --- parent -------------------------------------------------------------------------------------


def _measure(task: str, log_dir: Path, scratch: Path, timeout: float) -> dict:
    """One measurement in a fresh interpreter, with Inspect's data, cache and log dirs in scratch."""
    home = Path(tempfile.mkdtemp(prefix=f"{task}-", dir=scratch))
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "INSPECT_LOG_DIR": str(home / "logs"),
        "PYTHONWARNINGS": "ignore",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", task, str(log_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{task} on {log_dir} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _logs(work_dir: Path, n_logs: int, samples_per_log: int, epochs: int) -> tuple[Path, float | None]:
    """The log dir for one size, written unless a complete one is cached; seconds spent writing."""
    log_dir = work_dir / f"logs-{n_logs}x{samples_per_log}x{epochs}"
    marker = log_dir / ".complete"
    if marker.exists():
        return log_dir, None
    from synthetic_logs import write_synthetic_logs

    if log_dir.exists():  # a partial write: start again
        for path in log_dir.iterdir():
            path.unlink()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_synthetic_logs(log_dir, n_logs, samples_per_log, epochs=epochs)
    seconds = time.perf_counter() - start
    # A dot file: Inspect lists only *.eval / *.json logs, so the marker is never read as one.
    marker.write_text(json.dumps({"seconds": seconds}))
    return log_dir, seconds


def _yes(ok: bool | None) -> str:
    return "n/a" if ok is None else "yes" if ok else "NO"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", default="10,100,1000", help="comma-separated numbers of logs")
    parser.add_argument("--samples-per-log", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work-dir", type=Path, default=None, help="log cache (default: a temp dir)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per measurement")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "LOG_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0

    sizes = [int(n) for n in args.logs.split(",") if n.strip()]
    temp = tempfile.TemporaryDirectory(prefix="leaderboard-bench-")
    work_dir = args.work_dir or Path(temp.name)
    work_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(temp.name) / "children"
    scratch.mkdir(exist_ok=True)
    rows = []
    try:
        for n_logs in sizes:
            log_dir, wrote = _logs(work_dir, n_logs, args.samples_per_log, args.epochs)
            sample_epochs = n_logs * args.samples_per_log * args.epochs
            note = f"wrote in {wrote:.1f} s" if wrote is not None else "cached"
            print(f"{n_logs} logs ({sample_epochs:,} sample-epochs): {note}", file=sys.stderr, flush=True)
            runs: dict[str, list[dict]] = {t: [] for t in TASKS}
            for _ in range(args.repeats):
                for task in TASKS:  # interleaved, so drift in the machine hits both alike
                    result = _measure(task, log_dir, scratch, args.timeout)
                    runs[task].append(result)
                    print(
                        f"  {task}: {result['seconds']:.2f} s, {result['rss_mib']:.0f} MiB", file=sys.stderr
                    )
            seconds = {t: statistics.median(r["seconds"] for r in runs[t]) for t in TASKS}
            rss = {t: max(r["rss_mib"] for r in runs[t]) for t in TASKS}
            ratio = seconds["leaderboard"] / seconds["samples_df"] if seconds["samples_df"] else float("inf")
            large = (
                seconds["leaderboard"] < LARGE_SECONDS_TARGET
                if sample_epochs >= LARGE_SAMPLE_EPOCHS
                else None
            )
            rows.append((n_logs, sample_epochs, seconds, ratio, rss, ratio <= RATIO_TARGET, large))
    finally:
        temp.cleanup()

    print("\nleaderboard: reports.build_leaderboard(log_dir); samples_df: inspect_ai.analysis.samples_df")
    print(f"median of {args.repeats} run(s), each in a fresh process; peak RSS is the max over runs\n")
    header = (
        "| logs | sample-epochs | samples_df s | leaderboard s | ratio | samples_df MiB | "
        f"leaderboard MiB | ratio <= {RATIO_TARGET} | 100k < {LARGE_SECONDS_TARGET:.0f} s |"
    )
    print(header)
    print("|" + "---|" * 9)
    for n_logs, sample_epochs, seconds, ratio, rss, ratio_ok, large_ok in rows:
        print(
            f"| {n_logs} | {sample_epochs:,} | {seconds['samples_df']:.2f} | {seconds['leaderboard']:.2f} | "
            f"{ratio:.2f} | {rss['samples_df']:.0f} | {rss['leaderboard']:.0f} | {_yes(ratio_ok)} | "
            f"{_yes(large_ok)} |"
        )
    ratio_holds = all(r[5] for r in rows)
    large = [r[6] for r in rows if r[6] is not None]
    print(
        f"\ntargets: ratio <= {RATIO_TARGET} at every size: {_yes(ratio_holds)}; "
        f"{LARGE_SAMPLE_EPOCHS:,} sample-epochs under {LARGE_SECONDS_TARGET:.0f} s: "
        f"{_yes(all(large) if large else None)}"
    )
    return 0 if ratio_holds and all(large) else 1


if __name__ == "__main__":
    sys.exit(main())
