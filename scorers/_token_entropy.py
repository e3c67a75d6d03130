"""Next-token entropy from the log-probabilities a provider returns with a reply."""

from __future__ import annotations

import math
from functools import cache

from inspect_ai.model import Logprob, ModelOutput

TOP_LOGPROBS = 20
"""Alternatives asked for per position: the most OpenAI-style APIs return."""


def position_entropy(position: Logprob) -> float:
    """Entropy in bits of one position's next-token distribution.

    Computed over the returned top alternatives plus one bucket for the remaining mass, so it
    is a lower bound on the full distribution's entropy (tight when the top-k hold most mass).
    With no alternatives returned, NaN: one token's probability does not give an entropy.
    """
    if not position.top_logprobs:
        return math.nan
    probs = [math.exp(t.logprob) for t in position.top_logprobs]
    rest = max(0.0, 1.0 - sum(probs))
    return -sum(p * math.log2(p) for p in [*probs, rest] if p > 0)


def reply_logprobs(output: ModelOutput) -> list[Logprob] | None:
    """Per-position log-probabilities of the reply, or None when the provider gave none."""
    if not output.choices or output.choices[0].logprobs is None:
        return None
    content = output.choices[0].logprobs.content
    return content if content and any(p.top_logprobs for p in content) else None


@cache
def _byte_level_table() -> dict[str, int]:
    """The byte-level BPE alphabet (GPT-2 style): printable stand-ins for the 256 bytes."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    table = {chr(b): b for b in printable}
    shifted = 0
    for b in range(256):
        if b not in printable:
            table[chr(256 + shifted)] = b
            shifted += 1
    return table


def token_text(token: str) -> str:
    """A token as text.

    Byte-level tokens (as local models report them: "\u0120The" for " The", "Ã©" for "é") are
    decoded to text; tokens that are not valid byte-level strings are already text, and keep
    only the SentencePiece space marker turned into a space.
    """
    table = _byte_level_table()
    if all(ch in table for ch in token):
        try:
            return bytes(table[ch] for ch in token).decode("utf-8")
        except UnicodeDecodeError:
            pass
    return token.replace("\u2581", " ")
