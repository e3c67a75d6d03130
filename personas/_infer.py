"""Estimate Schwartz value weights from a profile that carries only text.

Each sentence of the profile is compared, by embedding similarity, with anchor texts for
every value (its definition and first-person statements). Weights are the per-value evidence
rescaled to 0.1-0.9; they are marked `inferred` with a confidence and are never to be
presented as the person's own ratings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from personalign.personas._schema import SCHWARTZ_VALUES, SchwartzValue, ValueProfile
from personalign.personas._values import VALUE_DEFINITIONS, VALUE_STATEMENTS

Embed = Callable[[list[str]], np.ndarray]
"""Texts -> unit-length row vectors (the suite's embedding model, or a test double)."""

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_MIN_WORDS = 3


@dataclass(frozen=True)
class InferredValues:
    profile: ValueProfile
    evidence: dict[SchwartzValue, float]
    """Mean best-anchor similarity per value, before rescaling."""
    sentences: int


def _sentences(texts: Sequence[str]) -> list[str]:
    parts = (p.strip() for text in texts for p in _SENTENCE.split(text))
    return [p for p in parts if len(p.split()) >= _MIN_WORDS]


def infer_values(texts: Sequence[str], embed: Embed) -> InferredValues:
    """Infer value weights from free text (self-descriptions, instructions, statements).

    Confidence grows with how clearly the leading values stand out and with the amount of
    text (five or more sentences for full weight); no usable text gives flat weights with
    confidence 0.
    """
    sentences = _sentences(texts)
    if not sentences:
        flat = dict.fromkeys(SCHWARTZ_VALUES, 0.5)
        return InferredValues(
            ValueProfile(weights=flat, source="inferred", confidence=0.0),
            dict.fromkeys(SCHWARTZ_VALUES, 0.0),
            0,
        )
    anchors = [(v, text) for v in SCHWARTZ_VALUES for text in (VALUE_DEFINITIONS[v], *VALUE_STATEMENTS[v])]
    anchor_vectors = embed([text for _, text in anchors])
    similarity = embed(sentences) @ anchor_vectors.T  # sentences x anchors
    evidence: dict[SchwartzValue, float] = {}
    for value in SCHWARTZ_VALUES:
        columns = [i for i, (v, _) in enumerate(anchors) if v == value]
        best = similarity[:, columns].max(axis=1)
        # The strongest few sentences carry the evidence; the rest are about other things.
        top = np.sort(best)[::-1][: max(1, len(sentences) // 3)]
        evidence[value] = float(top.mean())
    scores = np.array([evidence[v] for v in SCHWARTZ_VALUES])
    spread = float(scores.max() - scores.min())
    scaled = 0.1 + 0.8 * (scores - scores.min()) / spread if spread > 0 else np.full(len(scores), 0.5)
    separation = float(np.sort(scores)[-1] - np.median(scores))
    confidence = min(1.0, separation / 0.15) * min(1.0, len(sentences) / 5)
    weights = {v: round(float(w), 3) for v, w in zip(SCHWARTZ_VALUES, scaled, strict=True)}
    return InferredValues(
        ValueProfile(
            weights=weights,
            statements=[],
            source="inferred",
            confidence=round(confidence, 3),
        ),
        evidence,
        len(sentences),
    )
