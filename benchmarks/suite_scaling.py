"""Benchmark: how the suite's own cost grows with personas x scenarios x epochs.

For each size (a target number of sample-epochs, built as personas x scenarios x epochs, every
factor growing; or an exact `--shapes` list), the script runs the real `personal_alignment`
task (dataset building, solver, every scorer, the embedding-based ones included, metrics,
epoch reduction, log writing) through `inspect_ai.eval`, with the options `personalign run`
gives it (strategy opspec, `log_buffer=1`), against a scripted model, in a fresh Python
subprocess. The scripted model is the oracle (it answers in the persona's own words), by
default with a fresh clause of plain words appended to every reply (`--replies unique`): a real
model never repeats itself across epochs, so every reply is embedded, as in a real run; with
`--replies scripted` the oracle's replies repeat and mostly come from the embedding cache.
The scripted model itself costs next to nothing (no weights, a few string searches a call).

Personas come from one pool for every size: the 24 authored personas plus synthetic ones
(`personalign personas generate --seed 7`, up to 100 in all, or more if a size needs them);
`max_personas` takes a spread subset of it. Scenarios are the bundled bank's first N of each
kind (`scenarios_per_kind`). The oracle reads the same pool (model arg `personas`).

Per measurement it records, apart from one another: startup (interpreter and imports),
the embedding model's load (done before the run, once per process), and the suite's time: the
task built (dataset) plus `eval()`, which is what the fit uses. Peak RSS is the child's
`ru_maxrss` (from `os.wait4` on that child: the same figure `getrusage(RUSAGE_CHILDREN)` gives,
but per child), log size is the bytes on disk. With `--repeats` above 1 the sizes are
interleaved (each repeat runs every size) and medians are reported. A size that passes
`--timeout` (or fails) is reported as unfinished, with the sample-epochs its log holds by then,
and the table and fit cover the sizes that finished.

Logs are flushed after every sample, as `personalign run` does by default (`--log-buffer 1`);
`--log-buffer 0` leaves it to Inspect (10 samples a flush, a twentieth of the run from 1,000
samples on). Each flush of an .eval log rewrites the whole file so far, so the table counts the
flushes and the gigabytes they copied.

It fits suite seconds = a + b * n (n: sample-epochs) by least squares and prints a, b (the
per-sample-epoch overhead, in ms), R^2, and per size the observed / fitted ratio and the cost
per sample-epoch, so a bend is visible. Linearity check: the slope fitted on every size but the
largest, against the largest size's own cost per sample-epoch over that fit's intercept; more
than 25% above is flagged (exit status 1; 2 when a run did not finish with scored samples). The
same fits are printed for the time less the encoder's and for CPU seconds, which a busy machine
moves least; the 1-minute load average beside each row shows whether the machine was busy with
something else (timings on a shared machine move with it). `--torch-threads 1` keeps the
encoder from fighting other processes for the cores: torch's default, one thread per core, made
each small encode several times slower on 2 cores shared with other work.

    python benchmarks/suite_scaling.py --sizes 100,300,1000,3000,10000 --repeats 1
    python benchmarks/suite_scaling.py --quick
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = "100,300,1000,3000,10000"
QUICK_SHAPES = "2x1x1,2x1x2,3x2x2"  # 8, 16, 48 sample-epochs (personas x per-kind x epochs)
POOL_SIZE = 100
POOL_SEED = 7
STRATEGY = "opspec"
MAX_TOKENS = 160
BEND_LIMIT = 1.25
BENCH_PROVIDER = "suite-bench"
# The clause appended to every reply with --replies unique: plain words, about 30 of them.
_TAIL_WORDS = (
    "the plan works best when you start small and keep what already helps you each week "
    "time money family health work friends home travel learning rest choice budget goal "
    "simple careful steady honest quiet clear practical open flexible next first later"
).split()


# --- child: one measurement ---------------------------------------------------------------------


def _register_unique_replies() -> None:
    """`suite-bench/<behaviour>`: a scripted behaviour whose every reply gets a fresh clause."""
    from inspect_ai.model import ModelAPI, modelapi

    from personalign.evals._scripted import ScriptedAPI

    class UniqueReplies(ScriptedAPI):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.tail = random.Random(POOL_SEED)

        def _reply(self, messages: list) -> str:  # type: ignore[override]
            text = super()._reply(messages)
            if not text:
                return text
            words = " ".join(self.tail.choice(_TAIL_WORDS) for _ in range(30))
            return f"{text} Also, {words}."

    @modelapi(name=BENCH_PROVIDER)
    def suite_bench() -> type[ModelAPI]:
        return UniqueReplies


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def _rss_mib(kib_or_bytes: float) -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    return kib_or_bytes / (1024 * 1024) if sys.platform == "darwin" else kib_or_bytes / 1024


def _count_log_copies() -> dict[str, float]:
    """Count Inspect's log snapshots: every flush of an .eval log copies the whole file so far
    to its destination (`_copy_temp_to_local`), so with a flush per sample the bytes copied
    grow with the square of the samples. Wall seconds in the copying thread, and bytes."""
    stats = {"copies": 0.0, "bytes": 0.0, "seconds": 0.0}
    try:
        from inspect_ai.log._recorders import eval as eval_recorder

        original = eval_recorder._copy_temp_to_local
    except (ImportError, AttributeError):  # another Inspect: nothing counted
        return stats

    def counted(temp_file: Any, dest: str, fsync: bool) -> None:
        started = time.perf_counter()
        original(temp_file, dest, fsync)
        stats["seconds"] += time.perf_counter() - started
        stats["copies"] += 1
        stats["bytes"] += temp_file.tell()  # the copy leaves it at the end: the file's size

    eval_recorder._copy_temp_to_local = counted
    return stats


def _child(spec: dict) -> None:
    """Run one size and print what it cost as one JSON line (the parent reads the last line)."""
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    from inspect_ai import eval as inspect_eval

    from personalign.evals import personal_alignment
    from personalign.scorers import EMBEDDING_STATS, embed

    imports = time.perf_counter() - started
    if spec.get("torch_threads"):
        import torch

        torch.set_num_threads(spec["torch_threads"])
    started = time.perf_counter()
    embed(["a warm-up sentence"])  # the encoder's one-off load, kept out of the suite's time
    encoder = time.perf_counter() - started
    EMBEDDING_STATS.requested = EMBEDDING_STATS.encoded = 0
    EMBEDDING_STATS.seconds = 0.0
    copies = _count_log_copies()
    model = spec["model"]
    if spec["replies"] == "unique":
        _register_unique_replies()
        model = f"{BENCH_PROVIDER}/{model.split('/', 1)[1]}"

    started, cpu_started = time.perf_counter(), time.process_time()
    task = personal_alignment(
        strategy=STRATEGY,
        epochs=spec["epochs"],
        personas=spec["pool"],
        max_personas=spec["personas"],
        scenarios_per_kind=spec["per_kind"],
        max_tokens=MAX_TOKENS,
    )
    build = time.perf_counter() - started
    samples = len(task.dataset)

    def run() -> object:
        [log] = inspect_eval(
            task,
            model=model,
            model_args={"personas": spec["pool"]},
            log_dir=spec["log_dir"],
            display="none",
            log_buffer=spec.get("log_buffer") or None,  # 1: personalign run's; None: Inspect's
            log_header_only=True,
        )
        return log

    started = time.perf_counter()
    if spec.get("profile"):
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU time: a busy machine skews wall time
        log = profiler.runcall(run)
        profiler.dump_stats(spec["profile"])
        stats = pstats.Stats(spec["profile"], stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
    else:
        log = run()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    results = log.results  # type: ignore[attr-defined]
    print(
        json.dumps(
            {
                "imports_s": imports,
                "encoder_s": encoder,
                "build_s": build,
                "eval_s": seconds,
                "suite_cpu_s": cpu,
                "status": log.status,  # type: ignore[attr-defined]
                "samples": samples,
                "personas": (task.metadata or {}).get("personas"),
                "scenarios": (task.metadata or {}).get("scenarios"),
                "completed": results.completed_samples if results else 0,
                # samples (epochs reduced) that the widest-reaching scorer scored
                "scored": max((s.scored_samples or 0 for s in results.scores), default=0) if results else 0,
                "embedded": EMBEDDING_STATS.encoded,
                "embed_requested": EMBEDDING_STATS.requested,
                "embed_s": EMBEDDING_STATS.seconds,
                "log_copies": copies["copies"],
                "log_copied_gb": copies["bytes"] / 2**30,
                "log_copy_s": copies["seconds"],
                "torch_threads": _torch_threads(),
                "rss_self_mib": _rss_mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
            }
        )
    )


# --- parent -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    personas: int
    per_kind: int  # scenarios_per_kind
    epochs: int

    @property
    def label(self) -> str:
        return f"{self.personas}x{self.per_kind}x{self.epochs}"


def scenario_counts(max_per_kind: int = 200) -> dict[int, int]:
    """Scenarios in the bundled bank for each `scenarios_per_kind` (the bank's first N per kind)."""
    from personalign.evals._scenario import load_scenarios, select_per_kind

    bank = load_scenarios(None)
    counts: dict[int, int] = {}
    for per_kind in range(1, max_per_kind + 1):
        counts[per_kind] = len(select_per_kind(bank, per_kind, None))
        if per_kind > 1 and counts[per_kind] == counts[per_kind - 1]:
            del counts[per_kind]  # every kind exhausted: more selects nothing new
            break
    return counts


def shape_for(target: int, counts: dict[int, int]) -> Shape:
    """A personas x scenarios x epochs shape near `target` sample-epochs, every factor growing:
    epochs 1 under 1,000, 2 under 10,000, then 4; personas about half the square root of the
    samples per epoch (at least 2); scenarios per kind whatever comes closest to the target."""
    epochs = 1 if target < 1000 else 2 if target < 10_000 else 4
    personas = max(2, round(math.sqrt(target / epochs / 4)))
    want = target / (personas * epochs)
    per_kind = min(counts, key=lambda k: (abs(counts[k] - want), k))
    return Shape(personas, per_kind, epochs)


def fit_line(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Least squares y = a + b x: (a, b, R^2). R^2 is NaN when y does not vary."""
    n = len(points)
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if n < 2 or sxx == 0:
        raise ValueError("a line needs at least two different sizes")
    b = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    a = mean_y - b * mean_x
    ss_tot = sum((y - mean_y) ** 2 for _, y in points)
    ss_res = sum((y - a - b * x) ** 2 for x, y in points)
    return a, b, (1 - ss_res / ss_tot) if ss_tot else math.nan


def _make_pool(root: Path, size: int) -> Path:
    """The persona pool: the authored set plus synthetic personas, `size` in all."""
    from personalign.personas import BUNDLED_DIR, generate_personas, write_persona

    pool = root / f"pool-{size}"
    if (pool / ".complete").exists():
        return pool
    shutil.rmtree(pool, ignore_errors=True)
    pool.mkdir(parents=True)
    authored = sorted(Path(BUNDLED_DIR).glob("*.y*ml"))
    for file in authored:
        shutil.copy(file, pool / file.name)
    # What `personalign personas generate --n EXTRA --seed 7` writes.
    for persona in generate_personas(max(0, size - len(authored)), POOL_SEED):
        write_persona(persona, pool)
    (pool / ".complete").write_text("")
    return pool


class SizeFailed(RuntimeError):
    """A size that did not finish: a timeout or a crash."""


def _samples_logged(log_dir: Path) -> int:
    """Sample-epochs in the (possibly unfinished) .eval logs under `log_dir`."""
    import zipfile

    count = 0
    for log in log_dir.rglob("*.eval"):
        try:
            with zipfile.ZipFile(log) as archive:
                count += sum(name.startswith("samples/") for name in archive.namelist())
        except (OSError, zipfile.BadZipFile):
            pass
    return count


def _measure(spec: dict, scratch: Path, timeout: float) -> dict:
    """One size in a fresh interpreter, with Inspect's data, cache and log dirs in scratch."""
    home = Path(tempfile.mkdtemp(prefix="size-", dir=scratch))
    log_dir = home / "logs"
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "INSPECT_LOG_DIR": str(log_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONWARNINGS": "ignore",
    }
    spec = {**spec, "log_dir": str(log_dir)}
    out_path, err_path = home / "stdout", home / "stderr"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=err,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            child.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    stdout, stderr = out_path.read_text(), err_path.read_text()
    if spec.get("profile"):
        print(stderr, file=sys.stderr)
    if child.returncode != 0 or not stdout.strip():
        done = _samples_logged(log_dir)
        shutil.rmtree(home, ignore_errors=True)
        if timed_out.is_set():
            raise SizeFailed(f"killed at the {timeout:.0f} s timeout, {done:,} sample-epochs logged by then")
        raise SizeFailed(f"exit status {child.returncode} after {wall:.0f} s:\n{stderr[-4000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    logs = [p for p in log_dir.rglob("*") if p.is_file()]
    result.update(
        wall_s=wall,
        rss_mib=_rss_mib(usage.ru_maxrss),
        log_mib=sum(p.stat().st_size for p in logs) / 2**20,
        load=os.getloadavg()[0],
        suite_s=result["build_s"] + result["eval_s"],
        sample_epochs=result["samples"] * spec["epochs"],
    )
    result["startup_s"] = wall - result["suite_s"] - result["encoder_s"]
    shutil.rmtree(home, ignore_errors=True)
    return result


def _machine() -> str:
    from _machine import cpu_name  # benchmarks/ is on the path when a benchmark runs as a script

    cpu = cpu_name()

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"torch {v('torch')}, inspect-ai {v('inspect-ai')}, {platform.system()} {platform.release()}"
    )


def _shapes(args: argparse.Namespace) -> list[Shape]:
    if args.shapes:
        parts = [s.strip().split("x") for s in args.shapes.split(",") if s.strip()]
        return [Shape(int(p), int(k), int(e)) for p, k, e in parts]
    counts = scenario_counts()
    shapes = [shape_for(int(n), counts) for n in args.sizes.split(",") if n.strip()]
    return list(dict.fromkeys(shapes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated target sample-epochs")
    parser.add_argument(
        "--shapes", default=None, help="exact sizes instead, PERSONASxPER_KINDxEPOCHS, e.g. 5x5x1,9x10x1"
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per size (medians above 1)")
    parser.add_argument("--quick", action="store_true", help=f"a test-sized run: --shapes {QUICK_SHAPES}")
    parser.add_argument("--model", default="personalign-scripted/oracle")
    parser.add_argument(
        "--replies",
        choices=("unique", "scripted"),
        default="unique",
        help="unique: a fresh clause on every reply, so every reply is embedded (default)",
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="torch intra-op threads for the embedding model (default: torch's, one per core)",
    )
    parser.add_argument(
        "--log-buffer",
        type=int,
        default=1,
        help="samples per log flush (default 1, personalign run's --log-buffer default; 0: Inspect's own)",
    )
    parser.add_argument("--profile", action="store_true", help="also profile the largest size (cProfile)")
    parser.add_argument("--work-dir", type=Path, default=None, help="persona pool cache (default: temp)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds per measurement; a size past it is reported unfinished",
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(json.loads(args.child))
        return 0
    if args.quick:
        args.shapes = args.shapes or QUICK_SHAPES
    if not args.model.startswith("personalign-scripted/"):
        parser.error("--model: a scripted model, personalign-scripted/BEHAVIOUR")

    shapes = _shapes(args)
    if len(shapes) < 2:
        parser.error("at least two different sizes are needed for a fit")
    temp = tempfile.TemporaryDirectory(prefix="suite-scaling-")
    work_dir = args.work_dir or Path(temp.name)
    work_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(temp.name) / "children"
    scratch.mkdir(exist_ok=True)
    runs: dict[Shape, list[dict]] = {s: [] for s in shapes}
    unfinished: dict[Shape, str] = {}
    when = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
    try:
        pool = _make_pool(work_dir, max(POOL_SIZE, *(s.personas for s in shapes)))
        for repeat in range(args.repeats):
            for shape in shapes:  # interleaved: drift in the machine hits every size alike
                spec = {
                    "label": shape.label,
                    "personas": shape.personas,
                    "per_kind": shape.per_kind,
                    "epochs": shape.epochs,
                    "pool": str(pool),
                    "model": args.model,
                    "replies": args.replies,
                    "torch_threads": args.torch_threads,
                    "log_buffer": args.log_buffer,
                }
                if shape in unfinished:
                    continue
                try:
                    result = _measure(spec, scratch, args.timeout)
                except SizeFailed as failure:
                    unfinished[shape] = str(failure)
                    print(
                        f"[{repeat + 1}/{args.repeats}] {shape.label}: {failure}", file=sys.stderr, flush=True
                    )
                    continue
                runs[shape].append(result)
                print(
                    f"[{repeat + 1}/{args.repeats}] {shape.label}: "
                    f"{result['sample_epochs']:,} sample-epochs, suite {result['suite_s']:.1f} s "
                    f"(CPU {result['suite_cpu_s']:.1f} s), startup {result['startup_s']:.1f} s, "
                    f"{result['rss_mib']:.0f} MiB, {result['log_copies']:.0f} log flushes copying "
                    f"{result['log_copied_gb']:.2f} GB, load {result['load']:.1f}\n  {json.dumps(result)}",
                    file=sys.stderr,
                    flush=True,
                )
        if args.profile:
            largest = max((s for s in shapes if runs[s]), key=lambda s: runs[s][0]["sample_epochs"])
            profile = Path(tempfile.gettempdir()) / f"suite-scaling-{largest.label}.prof"
            spec = {
                "label": largest.label,
                "personas": largest.personas,
                "per_kind": largest.per_kind,
                "epochs": largest.epochs,
                "pool": str(pool),
                "model": args.model,
                "replies": args.replies,
                "torch_threads": args.torch_threads,
                "log_buffer": args.log_buffer,
                "profile": str(profile),
            }
            _measure(spec, scratch, args.timeout)
            print(f"profile of {largest.label}: {profile}", file=sys.stderr)
    finally:
        temp.cleanup()

    def med(shape: Shape, key: str) -> float:
        return statistics.median(r[key] for r in runs[shape])

    rows = sorted((s for s in shapes if runs[s]), key=lambda s: runs[s][0]["sample_epochs"])
    if len(rows) < 2:
        for shape, why in unfinished.items():
            print(f"{shape.label} did not finish: {why}")
        print("fewer than two sizes finished: no fit")
        return 2
    sizes = [float(runs[s][0]["sample_epochs"]) for s in rows]
    points = [(n, med(s, "suite_s")) for n, s in zip(sizes, rows, strict=True)]
    # The suite's time less the encoder's: what Python and Inspect cost, apart from torch.
    others = [(n, med(s, "suite_s") - med(s, "embed_s")) for n, s in zip(sizes, rows, strict=True)]
    # CPU seconds of the child over the same span: what a busy machine moves least.
    cpus = [(n, med(s, "suite_cpu_s")) for n, s in zip(sizes, rows, strict=True)]
    a, b, r2 = fit_line(points)
    threads = runs[rows[0]][0]["torch_threads"]
    print(f"\nsuite scaling, {when}; {_machine()}")
    print(
        f"task personal_alignment, strategy {STRATEGY}, max_tokens {MAX_TOKENS}, via inspect_ai.eval "
        f"(log_buffer={args.log_buffer or 'Inspect default'}), model {args.model} (replies: {args.replies}); "
        f"persona pool {POOL_SIZE} "
        f"(24 authored + synthetic, seed 7); torch threads {threads}"
    )
    many = f"median of {args.repeats} runs" if args.repeats > 1 else "1 run each (no repeats)"
    print(
        f"{many}, each in a fresh process; suite s = task built + eval(), fitted; suite CPU s = the "
        "child's CPU seconds over the same span (all threads); embed s = the encoder's share of the "
        "wall time; startup = interpreter, imports and exit; encoder load = the embedding "
        "model's, once per process\n"
    )
    print(
        "| personas x scenarios x epochs | sample-epochs | suite s | fitted s | observed/fitted | "
        "ms per sample-epoch | suite CPU s | CPU ms per sample-epoch | embed s | texts embedded | "
        "startup s | encoder load s | peak RSS MiB | log MiB | log flushes | GB copied by flushes | "
        "copy s | samples scored | load avg |"
    )
    print("|" + "---|" * 19)
    for shape, (n, seconds) in zip(rows, points, strict=True):
        first = runs[shape][0]
        fitted = a + b * n
        ratio = f"{seconds / fitted:.2f}" if fitted > 0 else "n/a"  # a bent curve can fit below 0
        print(
            f"| {first['personas']} x {first['scenarios']} x {shape.epochs} | {int(n):,} | {seconds:.2f} | "
            f"{fitted:.2f} | {ratio} | {1000 * seconds / n:.1f} | "
            f"{med(shape, 'suite_cpu_s'):.2f} | {1000 * med(shape, 'suite_cpu_s') / n:.1f} | "
            f"{med(shape, 'embed_s'):.1f} | {int(med(shape, 'embedded')):,} | "
            f"{med(shape, 'startup_s'):.1f} | {med(shape, 'encoder_s'):.1f} | "
            f"{max(r['rss_mib'] for r in runs[shape]):.0f} | "
            f"{med(shape, 'log_mib'):.1f} | {int(med(shape, 'log_copies')):,} | "
            f"{med(shape, 'log_copied_gb'):.2f} | {med(shape, 'log_copy_s'):.1f} | "
            f"{int(med(shape, 'scored')):,} | {med(shape, 'load'):.1f} |"
        )
    print(f"\nfit: suite_s = a + b*n: a = {a:.3f} s, b = {1000 * b:.3f} ms per sample-epoch, R^2 = {r2:.4f}")
    a2, b2, r2_other = fit_line(others)
    print(
        f"fit without the encoder's time: a = {a2:.3f} s, b = {1000 * b2:.3f} ms per sample-epoch, "
        f"R^2 = {r2_other:.4f}"
    )
    a3, b3, r2_cpu = fit_line(cpus)
    print(f"fit of CPU seconds: a = {a3:.3f} s, b = {1000 * b3:.3f} ms per sample-epoch, R^2 = {r2_cpu:.4f}")
    failed = [s.label for s in rows if any(r["status"] != "success" or not r["scored"] for r in runs[s])]
    bent = None
    if len(points) >= 3:
        bent, note = _linearity(points)
        print(f"linearity: {note}")
        print(f"linearity without the encoder's time: {_linearity(others)[1]}")
        print(f"linearity of CPU seconds: {_linearity(cpus)[1]}")
    else:
        print("linearity: needs three sizes or more (a fit on the smaller ones, checked on the largest)")
    for shape, why in unfinished.items():
        print(f"did not finish: {shape.label} (personas x per-kind x epochs): {why}")
    if failed:
        print(f"runs that did not finish with scored samples: {', '.join(failed)}")
    return 2 if failed or unfinished else 1 if bent else 0


def _linearity(points: list[tuple[float, float]]) -> tuple[bool, str]:
    """Whether the largest size costs more per sample-epoch than the smaller sizes' fit allows
    (over its intercept, more than BEND_LIMIT times that fit's slope), and a line saying so."""
    a_small, b_small, _ = fit_line(points[:-1])
    n_big, t_big = points[-1]
    marginal = (t_big - a_small) / n_big
    bent = marginal > BEND_LIMIT * b_small
    verdict = f"SUPER-LINEAR (over {BEND_LIMIT:.2f}x)" if bent else f"linear (within {BEND_LIMIT:.2f}x)"
    return bent, (
        f"the smaller sizes' fit gives {1000 * b_small:.3f} ms per sample-epoch (a = {a_small:.3f} s); "
        f"the largest size costs {1000 * marginal:.3f} ms per sample-epoch over that intercept "
        f"({marginal / b_small:.2f}x): {verdict}"
    )


if __name__ == "__main__":
    sys.exit(main())
