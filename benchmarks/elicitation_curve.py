"""Benchmark: how many answers elicitation needs, adaptive questions against random ones.

Simulated people (the authored personas' weights, jittered; answers drawn from the suite's own
choice model at a known noise level) answer whole sessions twice, once with adaptive and once
with random questions, the same people and the same answer draws. Printed per noise level:
the share of people whose top value the fit has recovered after n answers, for each n, and
the answers each selection needs to reach a recovery share.

    python benchmarks/elicitation_curve.py --people 100 --items 40
"""

from __future__ import annotations

import argparse
import time

from personalign.evals import (
    NOISE_LEVELS,
    adaptive_and_random,
    answers_needed,
    choice_bank,
    elicitation_validity,
    load_scenarios,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--noise", default="low,medium,high", help=f"some of {', '.join(NOISE_LEVELS)}")
    parser.add_argument("--every", type=int, default=5, help="print every n-th answer count")
    args = parser.parse_args()
    started = time.perf_counter()
    bank = choice_bank(load_scenarios(), "the bundled bank")
    rows = elicitation_validity(bank, args.people, args.items, args.seed, args.noise.split(","))
    steps = [n for n in range(1, args.items + 1) if n % args.every == 0 or n == 1]
    print(f"{args.people} simulated people x {args.items} answers, seed {args.seed}: top value recovered")
    print(f"{'noise':<8}{'selection':<10}" + "".join(f"{n:>6}" for n in steps))
    for row in rows:
        print(f"{row.noise:<8}{row.selection:<10}" + "".join(f"{row.curve[n]:>6.2f}" for n in steps))
    print("\nanswers needed to reach a recovery share (adaptive / random; - = not within the session)")
    for noise in dict.fromkeys(r.noise for r in rows):
        adaptive, random = adaptive_and_random(rows, noise)
        cells = []
        for target in (0.5, 0.6, 0.7, 0.8, 0.9):
            need = [answers_needed(r.curve, target) for r in (adaptive, random)]
            cells.append(f"{target:.1f}: {'/'.join('-' if n is None else str(n) for n in need)}")
        print(f"  {noise:<8}" + "   ".join(cells))
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
