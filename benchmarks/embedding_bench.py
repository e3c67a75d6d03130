"""Benchmark: the embedding model on plain transformers (scorers/_embedding.py) against the same
model through sentence-transformers, which the suite used before.

Import and load: each encoder in a fresh process, the two interleaved (their order swapped each
repeat, so a busy machine slows both alike), timed from the first import to a model ready on
the CPU (interpreter start-up, the same for both, is left out). Encoding: one fresh process
loads both, warms each up on one text, then encodes TEXTS varied texts (short and long, past the
256-token limit, Latin and not) with each in turn, the order swapped each repeat. It prints the
medians of the repeats in wall seconds, the ratio new / old, the largest difference between
the two encoders' vectors, and the machine's load average, by which to judge the noise.

    python benchmarks/embedding_bench.py --repeats 5 --texts 500
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

ENCODERS = {"sentence-transformers": "old", "transformers": "new"}
WORDS = (
    "I would rather keep my savings than take the risk though the offer sounds exciting and my "
    "family matters more to me than a title at work so please answer briefly without emoji "
    "security tradition achievement hedonism stimulation benevolence universalism power conformity "
    "self-direction weekend budget travel neighbours garden promotion startup"
).split()
FOREIGN = ["naïve café résumé", "家族と過ごす時間", "Привет, мир", "مرحبا بالعالم", "emoji 🎉🚀", "ÄÖÜ ß"]


def texts(count: int, seed: int = 0) -> list[str]:
    """`count` varied texts: mostly replies of 5 to 150 words, some past 256 tokens, some odd."""
    rng = random.Random(seed)
    made = []
    for i in range(count):
        if i % 25 == 0:
            made.append(rng.choice(["", " ", "!!!", "x", "\n\t"]))
            continue
        size = rng.randint(300, 450) if i % 10 == 0 else rng.randint(5, 150)
        words = [rng.choice(WORDS) for _ in range(size)]
        if i % 7 == 0:
            words.insert(rng.randrange(len(words)), rng.choice(FOREIGN))
        made.append(" ".join(words) + ".")
    return made


def _load(encoder: str) -> Callable[[list[str]], np.ndarray]:
    """Import and load one encoder: "old" (sentence-transformers, as the suite loaded it) or
    "new" (scorers/_embedding.py)."""
    import numpy as np

    if encoder == "new":
        from personalign.scorers._embedding import _encoder

        return _encoder().encode
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    from personalign.scorers._embedding import embedding_model_dir

    transformers_logging.disable_progress_bar()
    model = SentenceTransformer(str(embedding_model_dir()), device="cpu", local_files_only=True)
    return lambda items: np.asarray(
        model.encode(items, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    )


def load_child(encoder: str) -> None:
    started = time.perf_counter()
    _load(encoder)
    print(json.dumps(time.perf_counter() - started))


def encode_child(count: int, repeats: int) -> None:
    """Both encoders in this process, each encoding the same texts in turn, `repeats` times."""
    import numpy as np

    batch = texts(count)
    encoders = {name: _load(name) for name in ENCODERS.values()}
    for encode in encoders.values():
        encode(["a warm-up text"])
    seconds: dict[str, list[float]] = {name: [] for name in encoders}
    vectors = {}
    for repeat in range(repeats):
        for name in list(encoders)[:: 1 if repeat % 2 == 0 else -1]:
            started = time.perf_counter()
            vectors[name] = encoders[name](batch)
            seconds[name].append(time.perf_counter() - started)
            print(
                f"encode repeat {repeat + 1} {name}: {seconds[name][-1]:.2f} s", file=sys.stderr, flush=True
            )
    difference = float(np.abs(vectors["old"] - vectors["new"]).max())
    print(json.dumps({"seconds": seconds, "difference": difference}))


def _child(*args: str) -> Any:
    command = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--texts", type=int, default=500)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "load":
            load_child(args.child[1])
        else:
            encode_child(args.texts, args.repeats)
        return

    if importlib.util.find_spec("sentence_transformers") is None:
        sys.exit("the comparison needs sentence-transformers, no longer a dependency: pip install it")
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    load: dict[str, list[float]] = {name: [] for name in ENCODERS.values()}
    for repeat in range(args.repeats):
        for name in list(ENCODERS.values())[:: 1 if repeat % 2 == 0 else -1]:
            load[name].append(float(_child("load", name)))
            print(f"load repeat {repeat + 1} {name}: {load[name][-1]:.2f} s", flush=True)
    encoded = _child("encode", "--texts", str(args.texts), "--repeats", str(args.repeats))

    rows = {
        name: (statistics.median(load[encoder]), statistics.median(encoded["seconds"][encoder]))
        for name, encoder in ENCODERS.items()
    }
    old, new = rows["sentence-transformers"], rows["transformers"]
    print(f"\nmedians of {args.repeats} interleaved repeats, wall seconds, {os.cpu_count()} CPUs")
    print(f"{'encoder':<24}{'import+load':>13}{f'encode {args.texts}':>13}")
    for name, (loaded, encoding) in rows.items():
        print(f"{name:<24}{loaded:>13.2f}{encoding:>13.2f}")
    print(f"{'ratio new / old':<24}{new[0] / old[0]:>13.2f}{new[1] / old[1]:>13.2f}")
    print(f"largest |difference| between the encoders' vectors: {encoded['difference']:.2e}")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
