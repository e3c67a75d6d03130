"""Benchmark: what each conversation_stability condition costs, in tokens and seconds.

Each condition runs on its own (a fresh eval per condition and repeat, after one warm-up run
that loads the model), so a batch never mixes a 16-turn history with a 0-turn one and the
time is that condition's alone. Per condition it prints: samples, model calls per sample,
prompt and reply tokens per sample (counted from the logged messages with the suite's
reference tokenizer, summed over the sample's calls: a provider's own usage counts a batch's
padding too), and wall seconds per sample (the eval's wall time over its samples, median of
the repeats). Prior turns cost prompt tokens linearly in K; pushback costs a second call.

    python benchmarks/conversation_cost.py --max-personas 2 --scenarios 2 --repeats 1
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _calls(sample: object) -> list[tuple[str, str]]:
    """(prompt, reply) per model call of a logged sample: everything before each generated
    assistant message, and that message."""
    messages = sample.messages  # type: ignore[attr-defined]
    given = len(sample.input)  # type: ignore[attr-defined]
    return [
        ("\n".join(m.text for m in messages[:i]), messages[i].text)
        for i in range(given, len(messages))
        if messages[i].role == "assistant"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="personalign/smollm2")
    parser.add_argument("--strategy", default="opspec")
    parser.add_argument("--max-personas", type=int, default=2)
    parser.add_argument("--scenarios", type=int, default=2, help="choice scenarios (first N of the bank)")
    parser.add_argument("--turns", default="0,4,16")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args()

    from inspect_ai import eval as inspect_eval

    from personalign.evals import conversation_stability
    from personalign.scorers import count_tokens

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="personalign-conversation-bench-"))
    sizes = {
        "strategy": args.strategy,
        "max_personas": args.max_personas,
        "scenarios_per_kind": args.scenarios,
    }
    runs = [(f"turns-{k}", "turns", k) for k in args.turns.split(",")]
    runs += [("pushback (3 kinds)", "pushback", "0")]
    runs += [(f"preference-{k}", "preference", k) for k in args.turns.split(",")]

    def run(family: str, turns: str) -> tuple[float, list]:
        task = conversation_stability(conditions=family, turns=turns, **sizes)
        started = time.perf_counter()
        [log] = inspect_eval(task, model=args.model, log_dir=str(work), display="none")
        if log.status != "success":
            raise SystemExit(f"the run did not finish: {log.error}")
        return time.perf_counter() - started, list(log.samples or [])

    run("turns", "0")  # warm-up: the model and the embedding model load here
    print(
        f"model {args.model}, strategy {args.strategy}, {args.max_personas} personas x "
        f"{args.scenarios} scenarios (ambiguous pairs left out), {args.repeats} repeats"
    )
    print(f"{'condition':<20}{'samples':>8}{'calls':>7}{'prompt tok':>12}{'reply tok':>11}{'s/sample':>10}")
    for name, family, turns in runs:
        walls, samples = [], []
        for _ in range(args.repeats):
            wall, samples = run(family, turns)
            walls.append(wall / max(len(samples), 1))
        calls = [_calls(s) for s in samples]
        prompt = statistics.median(sum(count_tokens(p) for p, _ in c) for c in calls)
        reply = statistics.median(sum(count_tokens(r) for _, r in c) for c in calls)
        per_call = statistics.median(len(c) for c in calls)
        print(
            f"{name:<20}{len(samples):>8}{per_call:>7.0f}{prompt:>12.0f}{reply:>11.0f}"
            f"{statistics.median(walls):>10.2f}"
        )
    print(f"logs in {work}")


if __name__ == "__main__":
    main()
