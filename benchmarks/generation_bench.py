"""The suite against raw generation of the same prompts, on the embedded model.

    python benchmarks/generation_bench.py compare   # README command 1 vs replaying its prompts
    python benchmarks/generation_bench.py prefix    # the shared-prefix cache at 1, 4, 16 scenarios
    python benchmarks/generation_bench.py sweep     # batch size (and the suite's concurrency)

`compare` runs the README's first command (`personalign run ...`, the real tasks, scorers and
log writing) in a fresh process, then replays every prompt its logs hold through the same
engine with the same settings in another fresh process (model load included, nothing else),
repeats both interleaved, and prints medians: wall seconds, generated and prompt tokens per
second, the non-generation share of the suite (imports, dataset, embedding, scoring, logging),
peak RSS, and raw/suite. Target: raw/suite >= 0.9. The replay also checks that it reproduces
the suite's replies exactly (seeded per request, so batches do not change them).

Figures are printed, never asserted: timings belong here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# README command 1's evaluation, without its log directory and report.
README_RUN = (
    "--models personalign/smollm2 --strategies none,opspec --max-personas 5 --scenarios-per-kind 1"
    " --epochs 2 --max-tokens 40 --logprobs --counterfactual-pairs 6 --token-steering-prompts 3"
    " --safety-floor 1"
)
RATIO_TARGET = 0.9


def machine() -> str:
    import torch
    from _machine import cpu_name  # benchmarks/ is on the path when a benchmark runs as a script

    cpu = cpu_name()
    return (
        f"{datetime.now(UTC):%Y-%m-%d}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" torch {torch.__version__}, {torch.get_num_threads()} threads"
    )


def _env(work: Path, stats: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        XDG_DATA_HOME=str(work / "xdg-data"),
        INSPECT_LOG_DIR=str(work / "inspect-logs"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    if stats is not None:
        env["PERSONALIGN_ENGINE_STATS"] = str(stats)
    return env


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):  # 1: a cell failed its bound, still a full run
        raise SystemExit(f"failed ({result.returncode}): {shlex.join(cmd)}\n{result.stderr[-3000:]}")
    return seconds


# -- the suite ------------------------------------------------------------------------------


def run_suite(work: Path, run_args: str, extra: list[str] | None = None) -> dict[str, Any]:
    logs = work / "logs"
    stats = work / "engine.json"
    personalign = Path(sys.executable).with_name("personalign")
    cmd = [
        str(personalign),
        "run",
        *shlex.split(run_args),
        "--log-dir",
        str(logs),
        "--report",
        str(logs / "r.html"),
    ]
    wall = _timed(cmd + (extra or []), _env(work, stats))
    figures = json.loads(stats.read_text())
    engine = _sum_engines(figures["engines"])
    return {
        "wall": wall,
        "generation": engine["seconds"],
        "generated_tokens": engine["generated_tokens"],
        "prompt_tokens": engine["prompt_tokens"],
        "requests": engine["requests"],
        "decode_steps": engine["decode_steps"],
        "decode_rows": engine["decode_rows"],
        "prefill_positions": engine["prefill_positions"],
        "prefix_tokens_reused": engine["prefix_tokens_reused"],
        "peak_rss_mb": figures["peak_rss_mb"],
        "logs": str(logs),
    }


def _sum_engines(engines: list[dict[str, Any]]) -> dict[str, float]:
    keys = (
        "requests",
        "batches",
        "prompt_tokens",
        "prefix_tokens_reused",
        "generated_tokens",
        "decode_steps",
        "decode_rows",
        "prefill_positions",
        "seconds",
    )
    return {k: sum(e[k] for e in engines) for k in keys}


def logged_requests(log_dir: Path) -> list[dict[str, Any]]:
    """Every call to the embedded model in the logs, in log order: messages, settings, reply."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    from personalign.evals._smollm2 import DEFAULT_SEED, sampling

    requests = []
    for info in sorted(list_eval_logs(str(log_dir)), key=lambda i: i.name):
        log = read_eval_log(info, resolve_attachments=True)
        for sample in log.samples or []:
            for event in sample.events:
                if event.event != "model" or not event.model.endswith("smollm2"):
                    continue
                settings = sampling(event.config, DEFAULT_SEED)
                requests.append(
                    {
                        "messages": [{"role": m.role, "content": m.text} for m in event.input],
                        "sampling": asdict(settings),
                        "reply": event.output.completion if event.output else "",
                    }
                )
    return requests


# -- raw generation (a fresh process: the engine and nothing else) --------------------------


def raw_child(requests_file: Path, out: Path, batch_size: int, prefix_cache: bool, dtype: str) -> None:
    from concurrent.futures import wait

    from personalign.evals._engine import Engine, Sampling
    from personalign.evals._smollm2 import converted_model_dir

    calls = json.loads(requests_file.read_text())
    engine = Engine(converted_model_dir(), dtype=dtype, batch_size=batch_size, prefix_cache=prefix_cache)
    started = time.perf_counter()
    # Every prompt queued at once, in log order: the engine's worker batches them as it would
    # the suite's, with nothing else running.
    futures = [
        engine.submit(engine.request(*engine.encode(c["messages"]), Sampling(**c["sampling"]))) for c in calls
    ]
    wait(futures)
    replies = [f.result().text for f in futures]
    import resource

    out.write_text(
        json.dumps(
            {
                "generation": time.perf_counter() - started,
                "stats": asdict(engine.stats),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "replies": replies,
            }
        )
    )


def run_raw(work: Path, calls: list[dict[str, Any]], batch_size: int, prefix_cache: bool, dtype: str) -> dict:
    requests_file, out = work / "requests.json", work / "raw.json"
    requests_file.write_text(json.dumps(calls))
    cmd = [
        sys.executable,
        __file__,
        "raw-child",
        str(requests_file),
        str(out),
        "--batch-size",
        str(batch_size),
        "--dtype",
        dtype,
    ] + ([] if prefix_cache else ["--no-prefix-cache"])
    wall = _timed(cmd, _env(work))
    figures = json.loads(out.read_text())
    same = Counter((json.dumps(c["messages"]), c["reply"]) for c in calls) & Counter(
        (json.dumps(c["messages"]), r) for c, r in zip(calls, figures["replies"], strict=True)
    )
    return {
        "wall": wall,
        "generation": figures["generation"],
        "generated_tokens": figures["stats"]["generated_tokens"],
        "prompt_tokens": figures["stats"]["prompt_tokens"],
        "requests": figures["stats"]["requests"],
        "peak_rss_mb": figures["peak_rss_mb"],
        "same_replies": sum(same.values()),
    }


# -- commands -------------------------------------------------------------------------------


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in rows)


def compare(args: argparse.Namespace) -> int:
    from personalign.evals._smollm2 import CPU_BATCH_SIZE

    suites, raws, ratios = [], [], []
    with tempfile.TemporaryDirectory(prefix="generation-bench-") as tmp:
        for repeat in range(args.repeats):
            work = Path(tmp) / f"r{repeat}"
            work.mkdir()
            suite = run_suite(work, args.run_args)
            calls = logged_requests(Path(suite["logs"]))
            raw = run_raw(
                work, calls, args.batch_size or CPU_BATCH_SIZE, not args.no_prefix_cache, args.dtype
            )
            suites.append(suite)
            raws.append(raw)
            ratios.append(raw["wall"] / suite["wall"])
            print(
                f"repeat {repeat + 1}: suite {suite['wall']:.1f} s, raw {raw['wall']:.1f} s,"
                f" raw/suite {ratios[-1]:.2f}, replies reproduced {raw['same_replies']}/{len(calls)}",
                flush=True,
            )
    print(f"\n{machine()}")
    print(f"personalign run {args.run_args}")
    print(f"{suites[0]['requests']} model calls; medians of {args.repeats} interleaved repeats\n")
    print("| | wall s | generation s | non-generation share | generated tok/s | prompt tok/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in (("suite", suites), ("raw generation", raws)):
        wall = _median(rows, "wall")
        generation = _median(rows, "generation")
        print(
            f"| {name} | {wall:.1f} | {generation:.1f} | {1 - generation / wall:.2f} |"
            f" {_median(rows, 'generated_tokens') / wall:.1f} | {_median(rows, 'prompt_tokens') / wall:.0f} |"
            f" {_median(rows, 'peak_rss_mb'):.0f} |"
        )
    first = suites[0]
    print(
        f"\nsuite engine: {first['decode_rows'] / max(first['decode_steps'], 1):.1f} rows per decode step;"
        f" prompt passes read {first['prefill_positions']:,.0f} positions for"
        f" {first['prompt_tokens'] - first['prefix_tokens_reused']:,.0f} prompt tokens not cached"
    )
    ratio = statistics.median(ratios)
    verdict = "meets" if ratio >= RATIO_TARGET else "misses"
    print(
        f"\nraw/suite {ratio:.2f} (median; per repeat {', '.join(f'{r:.2f}' for r in ratios)});"
        f" {verdict} the target {RATIO_TARGET}"
    )
    return 0 if ratio >= RATIO_TARGET else 1


def _persona_prompts(per_persona: int, total: int) -> list[list[dict[str, str]]]:
    """`total` prompts of the main task under `opspec`: `per_persona` scenarios per persona."""
    from personalign.evals.personal_alignment import personal_alignment

    task = personal_alignment(strategy="opspec", epochs=1)
    by_persona: dict[str, list[list[dict[str, str]]]] = {}
    for sample in task.dataset:
        messages = sample.input if isinstance(sample.input, list) else []
        by_persona.setdefault(str((sample.metadata or {})["persona_id"]), []).append(
            [{"role": m.role, "content": m.text} for m in messages]
        )
    prompts: list[list[dict[str, str]]] = []
    for items in by_persona.values():
        if len(items) >= per_persona:
            prompts.extend(items[:per_persona])
        if len(prompts) >= total:
            return prompts[:total]
    raise SystemExit(f"not enough personas with {per_persona} scenarios for {total} prompts")


def prefix(args: argparse.Namespace) -> int:
    from personalign.evals._engine import Engine, Sampling
    from personalign.evals._smollm2 import converted_model_dir

    greedy = Sampling(max_tokens=args.max_tokens, temperature=None)
    engines = {
        on: Engine(converted_model_dir(), batch_size=args.batch_size, prefix_cache=on) for on in (True, False)
    }
    print(
        f"{machine()}\n{args.total} prompts (opspec), greedy, {args.max_tokens} tokens,"
        f" batch {args.batch_size}; medians of {args.repeats} interleaved repeats\n"
    )
    print("| scenarios per persona | without cache s | with cache s | speed-up | same greedy tokens |")
    print("|---|---|---|---|---|")
    for per_persona in args.per_persona:
        prompts = _persona_prompts(per_persona, args.total)
        seconds: dict[bool, list[float]] = {True: [], False: []}
        tokens: dict[bool, list[list[int]]] = {}
        for _ in range(args.repeats):
            for on, engine in engines.items():
                engine._prefixes.clear()  # each repeat starts cold, as a run does
                engine._prefix_bytes = 0
                requests = [engine.request(*engine.encode(p), greedy) for p in prompts]
                started = time.perf_counter()
                out = []
                for start in range(0, len(requests), args.batch_size):
                    out.extend(engine.generate(requests[start : start + args.batch_size]))
                seconds[on].append(time.perf_counter() - started)
                tokens[on] = [c.token_ids for c in out]
        off, on_ = statistics.median(seconds[False]), statistics.median(seconds[True])
        same = sum(a == b for a, b in zip(tokens[True], tokens[False], strict=True))
        print(
            f"| {per_persona} | {off:.1f} | {on_:.1f} | {off / on_:.2f}x | {same}/{len(prompts)} |",
            flush=True,
        )
    return 0


def sweep(args: argparse.Namespace) -> int:
    """The suite itself at each batch size and concurrency (max connections = factor x batch
    size): the defaults in evals/_smollm2.py come from this table."""
    configs = [(size, factor * size) for size in args.batch_sizes for factor in args.connections_per_row]
    runs: dict[tuple[int, int], list[dict[str, Any]]] = {c: [] for c in configs}
    with tempfile.TemporaryDirectory(prefix="generation-sweep-") as tmp:
        for repeat in range(args.repeats):  # interleaved: every configuration once per round
            for size, connections in configs:
                folder = Path(tmp) / f"b{size}-c{connections}-{repeat}"
                folder.mkdir()
                extra = ["--model-arg", f"batch_size={size}", "--max-connections", str(connections)]
                runs[(size, connections)].append(run_suite(folder, args.run_args, extra))
                print(
                    f"round {repeat + 1}: batch {size}, connections {connections}:"
                    f" {runs[(size, connections)][-1]['wall']:.1f} s",
                    flush=True,
                )
    print(f"\n{machine()}\npersonalign run {args.run_args}; medians of {args.repeats}\n")
    print("| batch size | max connections | suite wall s | generation s | rows per decode step |")
    print("|---|---|---|---|---|")
    for (size, connections), found in runs.items():
        rows = _median(found, "decode_rows") / max(_median(found, "decode_steps"), 1)
        print(
            f"| {size} | {connections} | {_median(found, 'wall'):.1f} | {_median(found, 'generation'):.1f} |"
            f" {rows:.1f} |"
        )
    return 0


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("compare", "sweep"):
        sub = commands.add_parser(name)
        sub.add_argument("--run-args", default=README_RUN, help="arguments for `personalign run`")
        sub.add_argument("--repeats", type=int, default=3)
        sub.add_argument("--dtype", default="float32")
    compare_parser = commands.choices["compare"]
    compare_parser.add_argument(
        "--batch-size", type=int, default=None, help="the raw replay's (default: the suite's)"
    )
    compare_parser.add_argument("--no-prefix-cache", action="store_true")
    sweep_parser = commands.choices["sweep"]
    sweep_parser.add_argument("--batch-sizes", type=_ints, default=_ints("8,16,32"))
    sweep_parser.add_argument(
        "--connections-per-row", type=_ints, default=[2], help="max connections = this x batch size"
    )
    prefix_parser = commands.add_parser("prefix")
    prefix_parser.add_argument("--per-persona", type=_ints, default=_ints("1,4,16"))
    prefix_parser.add_argument("--total", type=int, default=16)
    prefix_parser.add_argument("--batch-size", type=int, default=8)
    prefix_parser.add_argument("--max-tokens", type=int, default=40)
    prefix_parser.add_argument("--repeats", type=int, default=3)
    child = commands.add_parser("raw-child", help=argparse.SUPPRESS)
    child.add_argument("requests_file", type=Path)
    child.add_argument("out", type=Path)
    child.add_argument("--batch-size", type=int, required=True)
    child.add_argument("--dtype", default="float32")
    child.add_argument("--no-prefix-cache", action="store_true")
    args = parser.parse_args()
    if args.command == "raw-child":
        raw_child(args.requests_file, args.out, args.batch_size, not args.no_prefix_cache, args.dtype)
        return 0
    return {"compare": compare, "prefix": prefix, "sweep": sweep}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
