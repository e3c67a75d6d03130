"""The embedding model on plain transformers: the vectors sentence-transformers gives, in the
order asked, encoded once per process."""

from __future__ import annotations

import json

import numpy as np
import pytest

from personalign.scorers import EMBEDDING_STATS, count_tokens, embed, embedding_model_dir
from personalign.scorers._embedding import BATCH_SIZE, _encoder

# Short, long (over the 256-token limit, and at its edge), non-Latin, emoji, blank and odd.
TEXTS = [
    "",
    " ",
    "\n\t\n",
    "!!!",
    "x",
    "Hello, world!",
    "I value security over stimulation, so I would keep the job I have.",
    "   leading and trailing spaces   ",
    "naïve café, résumé — déjà vu",
    "日本語のテキストです。家族と過ごす時間を大切にしています。",
    "Привет, мир: я люблю тишину и порядок.",
    "مرحبا بالعالم، أحب السفر والمغامرة",
    "emoji 🎉🚀 and more 😀",
    "ÄÖÜ ß ÆØÅ",
    "The quick brown fox jumps over the lazy dog. " * 40,
    "word " * 300,
    "1234567890 " * 50,
    "a " * 254,
    "b " * 255,
    "Budget carefully.\n\n- rent\n- food\n- savings\n\nNever skip the emergency fund.",
    "```python\nprint('code in a reply')\n```",
]


def test_the_sequence_length_is_the_one_sentence_transformers_reads() -> None:
    config = json.loads((embedding_model_dir() / "sentence_bert_config.json").read_text(encoding="utf-8"))
    assert _encoder().max_length == config["max_seq_length"] == 256
    assert max(len(_encoder().tokenizer(t, truncation=False)["input_ids"]) for t in TEXTS) > 256


def test_embeddings_match_sentence_transformers() -> None:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    reference = sentence_transformers.SentenceTransformer(
        str(embedding_model_dir()), device="cpu", local_files_only=True
    ).encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    ours = _encoder().encode(TEXTS)
    assert ours.shape == reference.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-5


def test_rows_come_back_in_the_order_asked_whatever_the_batches() -> None:
    texts = [f"text number {i} " * (i % 7 + 1) for i in range(BATCH_SIZE + 9)]
    together = _encoder().encode(texts)
    alone = np.stack([_encoder().encode([t])[0] for t in texts])
    assert np.abs(together - alone).max() < 1e-5
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_embed_encodes_each_text_once_and_keeps_the_shape() -> None:
    texts = ["a cached text, first", "a cached text, second", "a cached text, first"]
    before = (EMBEDDING_STATS.requested, EMBEDDING_STATS.encoded)
    first = embed(texts)
    again = embed(texts[:2])
    assert first.shape == (3, 384) and np.array_equal(first[0], first[2])
    assert np.array_equal(again, first[:2])
    assert EMBEDDING_STATS.requested - before[0] == 5
    assert EMBEDDING_STATS.encoded - before[1] <= 2  # other tests may have encoded them already
    assert embed([]).shape == (0, 384)


def test_count_tokens_uses_the_reference_word_pieces_untruncated() -> None:
    assert count_tokens("") == 0
    assert count_tokens("hello world") == 2
    assert count_tokens("word " * 300) == 300
