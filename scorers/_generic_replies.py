"""Replies written for nobody: the bundled generic set, and how much specificity such
replies get by chance (the noise that UNSPECIFIC_MARGIN is set above)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cache
from itertools import permutations
from pathlib import Path

import numpy as np

GENERIC_REPLIES = Path(__file__).parent / "data" / "generic_replies.jsonl"


@cache
def generic_replies() -> dict[str, tuple[str, ...]]:
    """Scenario id -> the bundled persona-blind replies to it (4 styles per open scenario;
    written for this suite by a helper who saw only the prompts; CC-BY-4.0)."""
    by_scenario: dict[str, list[str]] = defaultdict(list)
    for line in GENERIC_REPLIES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            by_scenario[record["scenario_id"]].append(record["reply"])
    return {k: tuple(v) for k, v in by_scenario.items()}


def specificity_noise(
    replies: dict[str, Sequence[str]],
    profiles: Sequence[str],
    embed: Callable[[list[str]], np.ndarray],
) -> np.ndarray:
    """The specificity one reply written for nobody gets against another to the same
    scenario: sim(g, p) - sim(b, p) for every ordered pair (g, b) of a scenario's generic
    replies and every profile p."""
    profile_vectors = embed(list(profiles))
    noise = []
    for texts in replies.values():
        similarity = embed(list(texts)) @ profile_vectors.T  # replies x profiles
        for g, b in permutations(range(len(texts)), 2):
            noise.append(similarity[g] - similarity[b])
    return np.concatenate(noise) if noise else np.array([])
