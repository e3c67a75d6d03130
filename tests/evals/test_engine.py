"""The generation engine: the shared-prefix cache and batching change no output.

A tiny random Llama with a small byte-level tokenizer makes these fast; the real embedded
model is checked against transformers' own `generate` in the slow test at the end.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import torch

from personalign.evals._engine import Engine, Request, Sampling, _prefill_groups

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
GREEDY = Sampling(max_tokens=12)
SAMPLED = Sampling(max_tokens=12, temperature=0.9, top_p=0.95, seed=3)

PERSONA_A = "Ana is a nurse in Porto. She values honesty and family, and she dislikes debt. " * 3
PERSONA_B = "Kofi rides his bike to work, prefers short answers and distrusts banks. " * 5
SCENARIOS = ["Job in another city, or stay near parents?", "Two lines on saving money.", "Risky investments?"]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-llama")
    specials = ["<|pad|>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>"]
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials, show_progress=False)
    tokenizer.train_from_iterator([PERSONA_A, PERSONA_B, *SCENARIOS] * 4, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|end|>", pad_token="<|pad|>")
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        eos_token_id=fast.convert_tokens_to_ids("<|end|>"),
        pad_token_id=fast.convert_tokens_to_ids("<|pad|>"),
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


def _prompts() -> list[list[dict[str, str]]]:
    prompts = []
    for persona in (PERSONA_A, PERSONA_B, None):
        for scenario in SCENARIOS:
            system = [{"role": "system", "content": persona}] if persona else []
            prompts.append([*system, {"role": "user", "content": scenario}])
    return prompts


def _run(engine: Engine, sampling: Sampling, batch_size: int) -> list[list[int]]:
    requests = [engine.request(*engine.encode(p), sampling) for p in _prompts()]
    out = []
    for start in range(0, len(requests), batch_size):
        out.extend(c.token_ids for c in engine.generate(requests[start : start + batch_size]))
    return out


def test_the_shared_prefix_is_what_prompts_differing_in_the_last_turn_have_in_common(
    tiny_model: Path,
) -> None:
    engine = Engine(tiny_model)
    first, shared = engine.encode(
        [{"role": "system", "content": PERSONA_A}, {"role": "user", "content": "Hi"}]
    )
    other, _ = engine.encode([{"role": "system", "content": PERSONA_A}, {"role": "user", "content": "Bye"}])
    common = next(i for i, (a, b) in enumerate(zip(first, other, strict=False)) if a != b)
    assert 0 < shared <= common  # never past where the two prompts part
    assert engine.tokenizer.decode(first[:shared]).endswith("<|user|>")
    assert shared < len(first)  # a token is always left to compute the next one from


@pytest.mark.parametrize("sampling", [GREEDY, SAMPLED], ids=["greedy", "sampled"])
def test_prefix_cache_and_batch_composition_change_no_token(tiny_model: Path, sampling: Sampling) -> None:
    alone = _run(Engine(tiny_model, prefix_cache=False), sampling, batch_size=1)
    # one batch holding three prompts of each of two personas: each context read once, ahead
    first = Engine(tiny_model, prefix_cache=True)
    assert _run(first, sampling, batch_size=9) == alone
    assert first.stats.prefix_tokens_reused > 0
    # then batches whose rows start after cached prefixes of different lengths, next to rows
    # that do not
    cached = Engine(tiny_model, prefix_cache=True)
    assert _run(cached, sampling, batch_size=4) == alone
    assert cached.stats.prefix_tokens_reused > 0
    assert any(alone), "the model should generate something"


def test_greedy_rows_match_transformers_generate(tiny_model: Path) -> None:
    engine = Engine(tiny_model)
    requests = [engine.request(*engine.encode(p), GREEDY) for p in _prompts()]
    for request, completion in zip(requests, engine.generate(requests), strict=True):
        reference = engine.model.generate(
            torch.tensor([request.ids]), max_new_tokens=GREEDY.max_tokens, do_sample=False
        )[0, len(request.ids) :].tolist()
        assert completion.token_ids == [t for t in reference if t not in engine.eos_ids]


def test_a_repeated_prompt_draws_anew_and_a_fresh_engine_repeats_the_draws(tiny_model: Path) -> None:
    def draws(engine: Engine) -> list[list[int]]:
        ids, shared = engine.encode(_prompts()[0])
        return [engine.generate([engine.request(ids, shared, SAMPLED)])[0].token_ids for _ in range(4)]

    first = draws(Engine(tiny_model))
    assert len({tuple(t) for t in first}) > 1  # epochs of one prompt differ
    assert draws(Engine(tiny_model)) == first  # and the run repeats


def test_each_row_keeps_its_own_length_and_logprobs(tiny_model: Path) -> None:
    engine = Engine(tiny_model)
    ids, shared = engine.encode(_prompts()[0])
    short = Sampling(max_tokens=3, top_logprobs=2)
    long = Sampling(max_tokens=10)
    a, b = engine.generate([engine.request(ids, shared, short), engine.request(ids, shared, long)])
    assert (
        len(a.token_ids) <= 3 and a.logprobs is not None and len(a.logprobs) == len(a.token_ids) + a.finished
    )
    assert all(len(p.top) == 2 and p.logprob <= 0 for p in a.logprobs)
    assert b.logprobs is None
    assert b.token_ids[: len(a.token_ids)] == a.token_ids or a.finished  # greedy: a prefix of the longer


def test_the_worker_batches_concurrent_requests_and_survives_a_failing_batch(tiny_model: Path) -> None:
    engine = Engine(tiny_model, batch_size=4)

    async def ask_all() -> list[list[int]]:
        futures = [engine.submit(engine.request(*engine.encode(p), GREEDY)) for p in _prompts()]
        return [c.token_ids for c in await asyncio.gather(*(asyncio.wrap_future(f) for f in futures))]

    replies = asyncio.run(ask_all())
    assert replies == _run(Engine(tiny_model), GREEDY, batch_size=1)
    assert engine.stats.batches < engine.stats.requests  # batched as they arrived

    bad = Request(ids=[10**9], prefix_len=0, sampling=GREEDY)  # a token id past the vocabulary
    with pytest.raises(Exception):  # noqa: B017 (torch's own error type)
        engine.submit(bad).result(timeout=60)
    ok = engine.submit(engine.request(*engine.encode(_prompts()[1]), GREEDY)).result(timeout=60)
    assert ok.token_ids == replies[1]


def test_bfloat16_is_a_named_option(tiny_model: Path) -> None:
    engine = Engine(tiny_model, dtype="bfloat16")
    assert engine.model.dtype == torch.bfloat16
    assert len(_run(engine, GREEDY, batch_size=9)) == 9
    with pytest.raises(ValueError, match="dtype must be one of"):
        Engine(tiny_model, dtype="int3")


@pytest.mark.slow
def test_the_embedded_model_matches_transformers_generate_with_the_cache_on() -> None:
    from personalign.evals._smollm2 import converted_model_dir

    engine = Engine(converted_model_dir(), batch_size=9)
    prompts = _prompts()
    order = [0, 3, 6, 1, 2, 4, 5, 7, 8]  # one of each prefix first; the rest start after them
    requests = [engine.request(*engine.encode(prompts[i]), Sampling(max_tokens=24)) for i in order]
    completions = engine.generate(requests[:3]) + engine.generate(requests[3:])
    assert engine.stats.prefix_tokens_reused > 0
    for request, completion in zip(requests, completions, strict=True):
        reference = engine.model.generate(torch.tensor([request.ids]), max_new_tokens=24, do_sample=False)
        tokens = [t for t in reference[0, len(request.ids) :].tolist() if t not in engine.eos_ids]
        assert completion.token_ids == tokens, json.dumps([completion.text, engine.tokenizer.decode(tokens)])


def test_rows_of_very_different_lengths_are_read_in_separate_passes(tiny_model: Path) -> None:
    assert _prefill_groups([600, 590, 250, 40, 30, 5]) == [(0, 2), (2, 3), (3, 5), (5, 6)]
    assert _prefill_groups([7]) == [(0, 1)]
    engine = Engine(tiny_model)
    long_prompt = [{"role": "system", "content": PERSONA_A * 6}, {"role": "user", "content": SCENARIOS[0]}]
    short = [engine.request(*engine.encode([{"role": "user", "content": s}]), GREEDY) for s in SCENARIOS]
    long = engine.request(*engine.encode(long_prompt), GREEDY)
    mixed = engine.generate([short[0], long, *short[1:]])
    padded = (len(short) + 1) * len(long.ids)
    assert engine.stats.prefill_positions < padded / 2  # the short rows were not padded to the long one
    alone = [Engine(tiny_model).generate([r])[0].token_ids for r in (short[0], long, *short[1:])]
    assert [c.token_ids for c in mixed] == alone  # and the reply order is the request order


@pytest.mark.parametrize("sampling", [GREEDY, SAMPLED], ids=["greedy", "sampled"])
def test_a_request_joins_a_running_batch_and_keeps_its_reply(tiny_model: Path, sampling: Sampling) -> None:
    engine = Engine(tiny_model, batch_size=3)
    short = Sampling(**{**sampling.__dict__, "max_tokens": 2})
    plan = [(p, short if i == 0 else sampling) for i, p in enumerate(_prompts())]

    async def ask_all() -> list[list[int]]:
        futures = [engine.submit(engine.request(*engine.encode(p), s)) for p, s in plan]
        return [c.token_ids for c in await asyncio.gather(*(asyncio.wrap_future(f) for f in futures))]

    replies = asyncio.run(ask_all())
    alone = Engine(tiny_model)
    assert replies == [alone.generate([alone.request(*alone.encode(p), s)])[0].token_ids for p, s in plan]
    # the first row left after two tokens and the fourth request took its place mid-flight
    assert engine.stats.batches > 1 and engine.stats.decode_rows / engine.stats.decode_steps > 2.5
