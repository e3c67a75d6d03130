"""Batched CPU generation for the embedded model, with the shared prompt prefix computed once.

Every persona x scenario x epoch sends the same rendered persona context ahead of a short
reply, so prefill dominated generation. The engine keeps the key/value cache of each prompt
prefix (everything up to the last message's content) and starts every request from it.

Requests from any number of concurrent samples go through one thread-safe queue to one
worker thread, which takes whatever is queued (up to the batch size) as soon as it is free:
no polling, no waiting for a batch to fill. A batch may mix prefixes of different lengths:
each row's cached prefix is right-aligned in a padded cache, its own tokens follow, and
attention masks and position ids keep every row exactly what it would be alone.

Sampling draws each row from its own generator, seeded by (seed, prompt, how many times this
prompt was asked before), so a run repeats whatever the batches held, and epochs of one
prompt still differ.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

DTYPES = ("float32", "bfloat16")
STATS_ENV = "PERSONALIGN_ENGINE_STATS"  # a file to write the engine's figures to at exit
# Keys and values kept for shared prefixes: SmolLM2-135M holds 45 KB a token in float32 (30
# layers x 3 heads x 64 x 2), so a 600-token persona context is 27 MB: about 19 contexts.
PREFIX_CACHE_BYTES = 512 * 2**20


@dataclass(frozen=True)
class Sampling:
    """What a request asks of the sampler; requests with equal settings share a batch."""

    max_tokens: int
    temperature: float | None = None  # None or 0: greedy
    top_k: int | None = None
    top_p: float | None = None
    top_logprobs: int | None = None  # None: no logprobs; 0 or more: the chosen token and k others
    seed: int = 42

    @property
    def greedy(self) -> bool:
        return not self.temperature or self.top_k == 1


@dataclass
class TokenLogprob:
    token_id: int
    logprob: float
    top: list[tuple[int, float]]


@dataclass
class Completion:
    token_ids: list[int]
    text: str
    input_tokens: int
    logprobs: list[TokenLogprob] | None
    seconds: float
    finished: bool  # ended on the end-of-sequence token rather than at max_tokens


@dataclass
class Request:
    ids: list[int]
    prefix_len: int  # tokens of `ids` that other prompts share (cached after the first)
    sampling: Sampling
    draw: int = 0  # how many times this exact prompt was asked before (seeds the sampler)
    future: Future[Completion] = field(default_factory=Future)


@dataclass
class EngineStats:
    """What the engine has done in this process (the benchmark reads it)."""

    requests: int = 0
    batches: int = 0
    prompt_tokens: int = 0
    prefix_tokens_reused: int = 0
    generated_tokens: int = 0
    seconds: float = 0.0


class Engine:
    """One model in memory, one worker thread, one queue."""

    def __init__(
        self,
        model_dir: Path,
        dtype: str = "float32",
        batch_size: int = 8,
        prefix_cache: bool = True,
        threads: int | None = None,
    ) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a bar per load is noise in every command
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
        if threads:
            torch.set_num_threads(threads)
        self.dtype = dtype
        self.batch_size = batch_size
        self.prefix_cache = prefix_cache
        self.tokenizer: PreTrainedTokenizerBase = AutoTokenizer.from_pretrained(str(model_dir))
        self.model: PreTrainedModel = AutoModelForCausalLM.from_pretrained(
            str(model_dir), dtype=getattr(torch, dtype)
        )
        self.model.eval()
        eos = self.model.generation_config.eos_token_id
        self.eos_ids: set[int] = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        self.pad_id: int = next(iter(self.eos_ids), 0)
        self.stats = EngineStats()
        self._prefixes: OrderedDict[tuple[int, ...], tuple[torch.Tensor, ...]] = OrderedDict()
        self._prefix_bytes = 0
        self._draws: dict[str, int] = {}
        self._lock = threading.Lock()
        self._queue: SimpleQueue[Request] = SimpleQueue()
        self._worker: threading.Thread | None = None

    # -- prompts ---------------------------------------------------------------------------

    def render(self, messages: Sequence[dict[str, Any]]) -> str:
        return str(
            self.tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=False)
        )

    def encode(self, messages: Sequence[dict[str, Any]]) -> tuple[list[int], int]:
        """Token ids of the prompt and how many of them are shared with any prompt that differs
        only in the last message's content (the persona context and earlier turns)."""
        ids = self._ids(self.render(messages))
        if not messages:
            return ids, 0
        # The shared prefix: where two renderings with different last contents part.
        head = list(messages[:-1])
        role = messages[-1].get("role", "user")
        a = self._ids(self.render([*head, {"role": role, "content": "\x01"}]))
        b = self._ids(self.render([*head, {"role": role, "content": "\x02"}]))
        shared = 0
        for x, y, z in zip(a, b, ids, strict=False):
            if x != y or x != z:
                break
            shared += 1
        # At least one token must remain to compute the next-token distribution from.
        return ids, min(shared, len(ids) - 1)

    def _ids(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def request(self, ids: list[int], prefix_len: int, sampling: Sampling) -> Request:
        key = hashlib.sha256(repr((sampling, ids)).encode()).hexdigest()
        with self._lock:
            draw = self._draws.get(key, 0)
            self._draws[key] = draw + 1
        return Request(
            ids=ids, prefix_len=prefix_len if self.prefix_cache else 0, sampling=sampling, draw=draw
        )

    # -- the worker ------------------------------------------------------------------------

    def submit(self, request: Request) -> Future[Completion]:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._serve, name="personalign-engine", daemon=True)
                self._worker.start()
        self._queue.put(request)
        return request.future

    def _serve(self) -> None:
        while True:
            batch = [self._queue.get()]  # blocks until there is work: no polling
            while len(batch) < self.batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except Empty:
                    break
            self._run(batch)

    def _run(self, group: list[Request]) -> None:
        try:
            completions = self.generate(group)
        except Exception as err:  # the callers get the error; the worker lives on
            for request in group:
                if not request.future.done():
                    request.future.set_exception(err)
            return
        for request, completion in zip(group, completions, strict=True):
            request.future.set_result(completion)

    # -- generation ------------------------------------------------------------------------

    def generate(self, requests: list[Request]) -> list[Completion]:
        """Generate for any requests as one batch (each row keeps its own settings)."""
        import torch

        started = time.perf_counter()
        with torch.inference_mode():
            completions = self._generate(requests)
        seconds = time.perf_counter() - started
        for completion in completions:
            completion.seconds = seconds
        self.stats.requests += len(requests)
        self.stats.batches += 1
        self.stats.seconds += seconds
        return completions

    def _cached_prefix(self, request: Request) -> tuple[torch.Tensor, ...] | None:
        """Keys and values of the request's shared prefix if computed before: (layers x 2)
        tensors of [1, heads, length, dim]."""
        if not request.prefix_len:
            return None
        key = tuple(request.ids[: request.prefix_len])
        cached = self._prefixes.get(key)
        if cached is not None:
            self._prefixes.move_to_end(key)
            self.stats.prefix_tokens_reused += len(key)
        return cached

    def _keep_prefix(self, key: tuple[int, ...], kv: tuple[torch.Tensor, ...]) -> None:
        if key in self._prefixes:
            return
        self._prefixes[key] = kv
        self._prefix_bytes += _nbytes(kv)
        while self._prefix_bytes > PREFIX_CACHE_BYTES and len(self._prefixes) > 1:
            _, old = self._prefixes.popitem(last=False)
            self._prefix_bytes -= _nbytes(old)

    def _keep_new_prefixes(
        self, requests: list[Request], new_prefix: list[bool], layers: list[Any], start: list[int]
    ) -> None:
        """Copy out the keys and values of prefixes read in full this batch (row i's prompt
        begins at slot start[i] of the cache)."""
        for i, request in enumerate(requests):
            if not new_prefix[i]:
                continue
            end = start[i] + request.prefix_len
            kv = tuple(
                buffer[i : i + 1, :, start[i] : end].clone() for layer in layers for buffer in layer.buffers
            )
            self._keep_prefix(tuple(request.ids[: request.prefix_len]), kv)

    def _generate(self, requests: list[Request]) -> list[Completion]:
        import torch
        from transformers.cache_utils import Cache

        from personalign.evals._kv_buffer import BufferLayer

        n = len(requests)
        # A row whose prefix is cached starts after it; a row whose prefix is new reads its whole
        # prompt in this batch (no forward of its own: a lone row is the slowest way to read),
        # and its prefix's keys and values are kept after the first step.
        prefixes = [self._cached_prefix(r) for r in requests]
        plen = [r.prefix_len if p is not None else 0 for r, p in zip(requests, prefixes, strict=True)]
        new_prefix = [bool(r.prefix_len) and p is None for r, p in zip(requests, prefixes, strict=True)]
        suffixes = [r.ids[start:] for r, start in zip(requests, plen, strict=True)]
        pmax, smax = max(plen), max(len(s) for s in suffixes)

        # Cache: row i's prefix right-aligned in [0, pmax); zeros (masked) before it; room after
        # it for the row's own tokens and its reply, so no step copies the whole cache again.
        config = self.model.config
        heads = config.num_key_value_heads or config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        dtype = self.model.dtype
        capacity = pmax + smax + max(r.sampling.max_tokens for r in requests)
        layers: list[Any] = []
        for layer in range(config.num_hidden_layers):
            pair = []
            for which in (0, 1):
                block = torch.zeros((n, heads, capacity, head_dim), dtype=dtype)
                for i, p in enumerate(prefixes):
                    if p is not None:
                        block[i, :, pmax - plen[i] : pmax] = p[2 * layer + which][0]
                pair.append(block)
            layers.append(BufferLayer(pair[0], pair[1], length=pmax))
        cache = Cache(layers=layers)

        # Own tokens: left-padded to smax after the cache.
        input_ids = torch.full((n, smax), self.pad_id, dtype=torch.long)
        mask = torch.zeros((n, pmax + smax), dtype=torch.long)
        positions = torch.zeros((n, smax), dtype=torch.long)
        for i, suffix in enumerate(suffixes):
            pad = smax - len(suffix)
            input_ids[i, pad:] = torch.tensor(suffix)
            mask[i, pmax - plen[i] : pmax] = 1
            mask[i, pmax + pad :] = 1
            positions[i, pad:] = torch.arange(plen[i], plen[i] + len(suffix))
        next_pos = torch.tensor([len(r.ids) for r in requests])
        generators = [_generator(r) for r in requests]
        limits = [r.sampling.max_tokens for r in requests]
        want_logprobs = [r.sampling.top_logprobs is not None for r in requests]
        k_logprobs = max((r.sampling.top_logprobs or 0) for r in requests)
        self.stats.prompt_tokens += sum(len(r.ids) for r in requests)

        tokens: list[list[int]] = [[] for _ in requests]
        logprobs: list[list[TokenLogprob]] = [[] for _ in requests]
        finished = [False] * n
        live = list(range(n))  # rows still generating, in batch order
        for step in range(max(limits)):
            out = self.model(
                input_ids=input_ids,
                attention_mask=mask,
                position_ids=positions,
                past_key_values=cache,
                use_cache=True,
                logits_to_keep=1,  # the next token's only: the vocabulary projection is large
            )
            if step == 0 and any(new_prefix):
                self._keep_new_prefixes(
                    requests, new_prefix, layers, start=[pmax + smax - len(x) for x in suffixes]
                )
            logits = out.logits[:, -1, :].float()
            chosen = torch.stack(
                [_choose(logits[row], requests[i].sampling, generators[i]) for row, i in enumerate(live)]
            )
            if any(want_logprobs[i] for i in live):
                _record_logprobs(logits, chosen, k_logprobs, [logprobs[i] for i in live])
            keep = []
            for row, i in enumerate(live):
                token = int(chosen[row])
                if token in self.eos_ids:
                    finished[i] = True
                    continue
                tokens[i].append(token)
                if len(tokens[i]) < limits[i]:
                    keep.append(row)
            if not keep:
                break
            if len(keep) < len(live):  # drop finished rows: later steps cost less
                index = torch.tensor(keep)
                cache.batch_select_indices(index)
                mask = mask[index]
                chosen = chosen[index]
                next_pos = next_pos[index]
                live = [live[row] for row in keep]
            input_ids = chosen.view(-1, 1)
            mask = torch.cat([mask, torch.ones((len(live), 1), dtype=torch.long)], dim=1)
            positions = next_pos.view(-1, 1)
            next_pos = next_pos + 1

        self.stats.generated_tokens += sum(len(t) for t in tokens)
        return [
            Completion(
                token_ids=tokens[i],
                text=str(self.tokenizer.decode(tokens[i], skip_special_tokens=True)),
                input_tokens=len(r.ids),
                logprobs=_first_k(logprobs[i], r.sampling.top_logprobs) if want_logprobs[i] else None,
                seconds=0.0,
                finished=finished[i],
            )
            for i, r in enumerate(requests)
        ]


def _nbytes(tensors: tuple[torch.Tensor, ...]) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


def _generator(request: Request) -> torch.Generator | None:
    import torch

    if request.sampling.greedy:
        return None
    digest = hashlib.sha256(repr((request.sampling.seed, request.ids, request.draw)).encode()).digest()
    generator = torch.Generator()
    generator.manual_seed(int.from_bytes(digest[:8], "little"))
    return generator


def _choose(logits: torch.Tensor, sampling: Sampling, generator: torch.Generator | None) -> torch.Tensor:
    """One row's next token: argmax when greedy, else temperature, top-k, top-p, then a draw."""
    import torch

    if generator is None:
        return logits.argmax()
    scores = logits / float(sampling.temperature or 1.0)
    if sampling.top_k:
        kth = torch.topk(scores, min(sampling.top_k, scores.shape[-1])).values[-1]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if sampling.top_p is not None and sampling.top_p < 1.0:
        ordered, order = torch.sort(scores, descending=True)
        probs = ordered.softmax(dim=-1)
        drop = probs.cumsum(dim=-1) - probs > sampling.top_p  # keep the token that crosses top_p
        scores = scores.masked_fill(torch.zeros_like(drop).scatter(0, order, drop), float("-inf"))
    return torch.multinomial(scores.softmax(dim=-1), 1, generator=generator)[0]


def _first_k(positions: list[TokenLogprob], k: int | None) -> list[TokenLogprob]:
    return [TokenLogprob(p.token_id, p.logprob, p.top[: k or 0]) for p in positions]


def _record_logprobs(
    logits: torch.Tensor, chosen: torch.Tensor, k: int, into: list[list[TokenLogprob]]
) -> None:
    """Log-probabilities of the model's own distribution (before temperature), as providers report."""
    logp = logits.log_softmax(dim=-1)
    top = logp.topk(max(k, 1), dim=-1)
    for row, sink in enumerate(into):
        token = int(chosen[row])
        sink.append(
            TokenLogprob(
                token_id=token,
                logprob=float(logp[row, token]),
                top=list(zip(top.indices[row].tolist(), top.values[row].tolist(), strict=True))[:k],
            )
        )


_engines: dict[tuple[str, str, int, bool], Engine] = {}
_engines_lock = threading.Lock()


def engine_stats() -> EngineStats:
    """What every engine of this process has done, summed."""
    total = EngineStats()
    for engine in list(_engines.values()):
        for name, value in asdict(engine.stats).items():
            setattr(total, name, getattr(total, name) + value)
    return total


def _write_stats_at_exit(path: str) -> None:
    """For benchmarks/generation_bench.py: what every engine did, and the process's peak RSS."""
    import json
    import resource

    payload = {
        "engines": [
            asdict(engine.stats) | {"dtype": engine.dtype, "batch_size": engine.batch_size}
            for engine in _engines.values()
        ],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    Path(path).write_text(json.dumps(payload), encoding="utf-8")


def shared_engine(
    model_dir: Path, dtype: str, batch_size: int, prefix_cache: bool, factory: Callable[..., Engine] = Engine
) -> Engine:
    """One engine per model folder and settings in this process: weights load once."""
    key = (str(model_dir), dtype, batch_size, prefix_cache)
    with _engines_lock:
        if not _engines and os.environ.get(STATS_ENV):
            atexit.register(_write_stats_at_exit, os.environ[STATS_ENV])
        if key not in _engines:
            _engines[key] = factory(
                model_dir,
                dtype=dtype,
                batch_size=batch_size,
                prefix_cache=prefix_cache,
                threads=int(os.environ["PERSONALIGN_THREADS"])
                if os.environ.get("PERSONALIGN_THREADS")
                else None,
            )
        return _engines[key]
