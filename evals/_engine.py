"""Batched CPU generation for the embedded model, with the shared prompt prefix computed once.

Every persona x scenario x epoch sends the same rendered persona context ahead of a short
reply, so prefill dominated generation. The engine keeps the key/value cache of each prompt
prefix (everything up to the last message's content) and starts every request from it.

Requests from any number of concurrent samples go through one thread-safe queue to one
worker thread. Rows join the running batch as soon as their requests arrive (their prompts
read in passes of similar length) and leave it as they finish, so nothing polls or waits for
a batch to fill and the batch stays full while there is work: on a CPU a decoding step is
bound by reading the weights, which a full batch shares. Each row's keys and values sit
right-aligned in one cache; attention masks and position ids make every row compute what it
would alone (up to the float rounding of differently shaped products).

Sampling draws each row from its own generator, seeded by (seed, prompt, how many times this
prompt was asked before), so the batch a row happens to share does not choose its draws
(only float rounding can, through the shapes of the products), and epochs of one
prompt still differ.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import threading
import time
from collections import Counter, OrderedDict
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
# Positions a reallocated batch cache keeps spare, so rows arriving later join without another.
CACHE_SPARE = 128


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
    batches: int = 0  # groups of requests admitted together (their prompts read at once)
    prompt_tokens: int = 0
    prefix_tokens_reused: int = 0
    generated_tokens: int = 0
    prefill_positions: int = 0  # rows x padded length read by prompt passes (padding costs)
    decode_steps: int = 0
    decode_rows: int = 0  # rows over all decode steps: / decode_steps is the mean batch
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
        import torch

        batch = _Batch(self)
        with torch.inference_mode():
            while True:
                # Rows join the running batch as their requests arrive and leave as they
                # finish, so the batch stays full while there is work: a step reads every
                # weight once however many rows it carries.
                new = [] if batch.rows else [self._queue.get()]  # blocks only when idle
                while len(batch.rows) + len(new) < self.batch_size:
                    try:
                        new.append(self._queue.get_nowait())
                    except Empty:
                        break
                started = time.perf_counter()
                done: list[_Row] = []
                if new:
                    try:
                        done += batch.admit(new)
                    except Exception as err:  # these callers get the error; the batch goes on
                        for request in new:
                            if not request.future.done():
                                request.future.set_exception(err)
                if batch.rows:
                    try:
                        done += batch.step()
                    except Exception as err:
                        for row in batch.rows:
                            row.request.future.set_exception(err)
                        batch = _Batch(self)
                self.stats.seconds += time.perf_counter() - started
                for row in done:
                    row.request.future.set_result(row.completion(self))

    # -- generation ------------------------------------------------------------------------

    def generate(self, requests: list[Request]) -> list[Completion]:
        """Generate for `requests` together, outside the worker (tests and benchmarks)."""
        import torch

        started = time.perf_counter()
        with torch.inference_mode():
            batch = _Batch(self)
            done = batch.admit(requests)
            while batch.rows:
                done += batch.step()
        self.stats.seconds += time.perf_counter() - started
        by_request = {id(row.request): row.completion(self) for row in done}
        return [by_request[id(r)] for r in requests]

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


@dataclass
class _Row:
    request: Request
    generator: torch.Generator | None
    started: float
    tokens: list[int] = field(default_factory=list)
    logprobs: list[TokenLogprob] = field(default_factory=list)
    finished: bool = False  # ended on the end-of-sequence token

    def completion(self, engine: Engine) -> Completion:
        want = self.request.sampling.top_logprobs
        return Completion(
            token_ids=self.tokens,
            text=str(engine.tokenizer.decode(self.tokens, skip_special_tokens=True)),
            input_tokens=len(self.request.ids),
            logprobs=_first_k(self.logprobs, want) if want is not None else None,
            seconds=time.perf_counter() - self.started,
            finished=self.finished,
        )


class _Batch:
    """The rows being generated. Their keys and values sit right-aligned in one cache per
    layer (zeros, masked, to the left of a shorter row), so one forward pass steps them all;
    masks and position ids make every row compute what it would alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.rows: list[_Row] = []
        # Per layer: [slots, heads, positions, dim]; the rows hold the first len(rows) slots.
        self.buffers: list[tuple[torch.Tensor, torch.Tensor]] = []
        self.length = 0  # cache positions in use
        self.mask: torch.Tensor | None = None  # [rows, length]: 1 where a row has a token
        self.next_pos: torch.Tensor | None = None  # [rows]: each row's next position
        self.pending: torch.Tensor | None = None  # [rows]: each row's last token, not yet read

    def admit(self, requests: list[Request]) -> list[_Row]:
        """Read the requests' prompts and choose their first tokens; those that go on join the
        batch. Returns the rows already done."""
        import torch

        engine = self.engine
        rows = [_Row(r, _generator(r), time.perf_counter()) for r in requests]
        self._read_shared_prefixes(requests)
        buffers, mask, logits = self._read_prompts(requests)
        chosen = self._choose(rows, logits)
        keep = [i for i, row in enumerate(rows) if self._take(row, int(chosen[i]))]
        engine.stats.batches += 1
        engine.stats.requests += len(requests)
        if keep:
            index = torch.tensor(keep)
            self._merge(
                [rows[i] for i in keep],
                [(k[index], v[index]) for k, v in buffers],
                mask[index],
                torch.tensor([len(rows[i].request.ids) for i in keep]),
                chosen[index],
            )
        kept = set(keep)
        return [row for i, row in enumerate(rows) if i not in kept]

    def step(self) -> list[_Row]:
        """Read every row's last token and choose its next. Returns the rows done."""
        import torch
        from transformers.cache_utils import Cache

        from personalign.evals._kv_buffer import BufferLayer

        assert self.mask is not None and self.next_pos is not None and self.pending is not None
        engine, n = self.engine, len(self.rows)
        mask = torch.cat([self.mask, torch.ones((n, 1), dtype=torch.long)], dim=1)
        out = engine.model(
            input_ids=self.pending.view(-1, 1),
            attention_mask=mask,
            position_ids=self.next_pos.view(-1, 1),
            past_key_values=Cache(
                layers=[BufferLayer(k[:n], v[:n], length=self.length) for k, v in self.buffers]
            ),
            use_cache=True,
            logits_to_keep=1,  # the next token's only: the vocabulary projection is large
        )
        engine.stats.decode_steps += 1
        engine.stats.decode_rows += len(self.rows)
        self.length += 1
        self.mask, self.next_pos = mask, self.next_pos + 1
        chosen = self._choose(self.rows, out.logits[:, -1, :].float())
        keep = [i for i, row in enumerate(self.rows) if self._take(row, int(chosen[i]))]
        kept = set(keep)
        done = [row for i, row in enumerate(self.rows) if i not in kept]
        self.pending = chosen
        for i in sorted(set(range(len(self.rows))) - kept, reverse=True):  # later steps cost less
            self._remove(i)
        return done

    def _choose(self, rows: list[_Row], logits: torch.Tensor) -> torch.Tensor:
        import torch

        chosen = torch.stack(
            [_choose(logits[i], row.request.sampling, row.generator) for i, row in enumerate(rows)]
        )
        wanted = [i for i, row in enumerate(rows) if row.request.sampling.top_logprobs is not None]
        if wanted:
            k = max(rows[i].request.sampling.top_logprobs or 0 for i in wanted)
            _record_logprobs(logits[wanted], chosen[wanted], k, [rows[i].logprobs for i in wanted])
        return chosen

    def _take(self, row: _Row, token: int) -> bool:
        """Add a chosen token to the row; whether the row goes on."""
        if token in self.engine.eos_ids:
            row.finished = True
            return False
        row.tokens.append(token)
        self.engine.stats.generated_tokens += 1
        return len(row.tokens) < row.request.sampling.max_tokens

    def _merge(
        self,
        rows: list[_Row],
        buffers: list[tuple[torch.Tensor, torch.Tensor]],
        mask: torch.Tensor,
        next_pos: torch.Tensor,
        pending: torch.Tensor,
    ) -> None:
        """Put new rows beside the running ones, right-aligned to the cache's end. They go into
        free slots when the cache has the room; otherwise it is reallocated wide enough for
        all (columns no row uses dropped), with spare positions so later rows fit again."""
        import torch

        n, width = len(self.rows), mask.shape[1]
        length = self.length if self.rows else width
        need = max(r.request.sampling.max_tokens - len(r.tokens) for r in rows)
        masks = [self.mask, mask] if self.rows and self.mask is not None else [mask]
        if (
            self.buffers
            and n + len(rows) <= self.buffers[0][0].shape[0]
            and width <= length
            and length + need <= self.buffers[0][0].shape[2]
        ):
            for (keys, values), (new_keys, new_values) in zip(self.buffers, buffers, strict=True):
                keys[n : n + len(rows), :, length - width : length] = new_keys
                values[n : n + len(rows), :, length - width : length] = new_values
            self.length = length
        else:
            parts = [(buffers, mask)]
            if self.rows:
                assert self.mask is not None
                old = [(k[:n, :, : self.length], v[:n, :, : self.length]) for k, v in self.buffers]
                parts.insert(0, (old, self.mask))
            parts = [_trim(b, m) for b, m in parts]
            width = max(m.shape[1] for _, m in parts)
            all_rows = self.rows + rows
            room = width + max(r.request.sampling.max_tokens - len(r.tokens) for r in all_rows) + CACHE_SPARE
            slots = max(self.engine.batch_size, len(all_rows))
            merged = []
            for layer in range(len(buffers)):
                pair = []
                for which in (0, 1):
                    first = parts[0][0][layer][which]
                    block = torch.zeros((slots, first.shape[1], room, first.shape[3]), dtype=first.dtype)
                    at = 0
                    for part, part_mask in parts:
                        size, w = part_mask.shape
                        block[at : at + size, :, width - w : width] = part[layer][which]
                        at += size
                    pair.append(block)
                merged.append((pair[0], pair[1]))
            self.buffers, self.length = merged, width
            masks = [m for _, m in parts]
        # Every row's mask right-aligned to the cache's end; positions and pending tokens follow.
        self.mask = torch.cat([torch.nn.functional.pad(m, (self.length - m.shape[1], 0)) for m in masks])
        if self.rows:
            assert self.next_pos is not None and self.pending is not None
            next_pos, pending = torch.cat([self.next_pos, next_pos]), torch.cat([self.pending, pending])
        self.rows, self.next_pos, self.pending = self.rows + rows, next_pos, pending

    def _remove(self, i: int) -> None:
        """Free row i's slot by moving the last row into it: one row's copy, not the cache's."""
        assert self.mask is not None and self.next_pos is not None and self.pending is not None
        last = len(self.rows) - 1
        if i != last:
            for keys, values in self.buffers:
                keys[i, :, : self.length] = keys[last, :, : self.length]
                values[i, :, : self.length] = values[last, :, : self.length]
            self.rows[i] = self.rows[last]
            self.mask[i], self.next_pos[i], self.pending[i] = (
                self.mask[last],
                self.next_pos[last],
                self.pending[last],
            )
        self.rows.pop()
        self.mask, self.next_pos, self.pending = self.mask[:last], self.next_pos[:last], self.pending[:last]

    def _read_shared_prefixes(self, requests: list[Request]) -> None:
        """Read once, first, each prefix new to the cache that several of these requests share
        (a run's first batch holds many prompts of one persona), so they all start after it."""
        engine = self.engine
        counts = Counter(tuple(r.ids[: r.prefix_len]) for r in requests if r.prefix_len)
        shared = [key for key, count in counts.items() if count > 1 and key not in engine._prefixes]
        if not shared:
            return
        probes = [Request(ids=list(key), prefix_len=0, sampling=Sampling(max_tokens=1)) for key in shared]
        buffers, mask, _ = self._read_prompts(probes, count=False)
        width = mask.shape[1]
        for row, key in enumerate(shared):
            engine._keep_prefix(
                key,
                tuple(
                    block[row : row + 1, :, width - len(key) :].clone() for pair in buffers for block in pair
                ),
            )

    def _read_prompts(
        self, requests: list[Request], count: bool = True
    ) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], torch.Tensor, torch.Tensor]:
        """Keys and values of every prompt, right-aligned in one cache per layer, its mask,
        and the logits of each row's first token (in request order)."""
        import torch
        from transformers.cache_utils import Cache

        from personalign.evals._kv_buffer import BufferLayer

        engine = self.engine
        # A row whose prefix is cached starts after it; a row whose prefix is new reads its whole
        # prompt, and its prefix's keys and values are kept once read.
        prefixes = [engine._cached_prefix(r) for r in requests]
        plen = [r.prefix_len if p is not None else 0 for r, p in zip(requests, prefixes, strict=True)]
        slen = [len(r.ids) - start for r, start in zip(requests, plen, strict=True)]
        # Rows are read in passes of similar length (a short row padded to a long one's length
        # would compute the padding too), each pass writing its rows of the one cache.
        order = sorted(range(len(requests)), key=lambda i: -slen[i])
        groups = [order[a:b] for a, b in _prefill_groups([slen[i] for i in order])]
        width = max(max(plen[i] for i in g) + slen[g[0]] for g in groups)
        config = engine.model.config
        heads = config.num_key_value_heads or config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        n = len(requests)
        buffers = [
            (
                torch.zeros((n, heads, width, head_dim), dtype=engine.model.dtype),
                torch.zeros((n, heads, width, head_dim), dtype=engine.model.dtype),
            )
            for _ in range(config.num_hidden_layers)
        ]
        mask = torch.zeros((n, width), dtype=torch.long)
        logits = torch.empty((n, config.vocab_size))
        if count:  # not for prefixes read ahead: their tokens are counted with their prompts
            engine.stats.prompt_tokens += sum(len(r.ids) for r in requests)
        for group in groups:
            # The pass's rows: prefixes right-aligned at pmax (zeros, masked, before them),
            # then their own tokens left-padded to smax, ending where the cache ends.
            pmax, smax = max(plen[i] for i in group), slen[group[0]]
            start = width - pmax - smax
            index = torch.tensor(group)
            for i in group:
                mask[i, start + pmax - plen[i] : start + pmax] = 1
                mask[i, width - slen[i] :] = 1
            layers: list[Any] = []  # Cache wants its own layer types; these are DynamicLayers
            for layer in range(len(buffers)):
                pair = [
                    torch.zeros((len(group), heads, pmax + smax, head_dim), dtype=engine.model.dtype)
                    for _ in (0, 1)
                ]
                for row, i in enumerate(group):
                    cached = prefixes[i]
                    if cached is not None:
                        for which in (0, 1):
                            pair[which][row, :, pmax - plen[i] : pmax] = cached[2 * layer + which][0]
                layers.append(BufferLayer(pair[0], pair[1], length=pmax))
            input_ids = torch.full((len(group), smax), engine.pad_id, dtype=torch.long)
            positions = torch.zeros((len(group), smax), dtype=torch.long)
            for row, i in enumerate(group):
                pad = smax - slen[i]
                input_ids[row, pad:] = torch.tensor(requests[i].ids[plen[i] :])
                positions[row, pad:] = torch.arange(plen[i], len(requests[i].ids))
            out = engine.model(
                input_ids=input_ids,
                attention_mask=mask[index, start:],
                position_ids=positions,
                past_key_values=Cache(layers=layers),
                use_cache=True,
                logits_to_keep=1,
            )
            logits[index] = out.logits[:, -1, :].float()
            engine.stats.prefill_positions += len(group) * smax
            for layer, (keys, values) in enumerate(buffers):
                keys[index, :, start:] = layers[layer].buffers[0]
                values[index, :, start:] = layers[layer].buffers[1]
            for row, i in enumerate(group):
                r = requests[i]
                if r.prefix_len and prefixes[i] is None:  # read in full here: keep its prefix
                    at = pmax + smax - slen[i]
                    engine._keep_prefix(
                        tuple(r.ids[: r.prefix_len]),
                        tuple(
                            block.buffers[which][row : row + 1, :, at : at + r.prefix_len].clone()
                            for block in layers
                            for which in (0, 1)
                        ),
                    )
        return buffers, mask, logits


def _trim(
    buffers: list[tuple[torch.Tensor, torch.Tensor]], mask: torch.Tensor
) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], torch.Tensor]:
    """Drop the leading cache columns that no row uses."""
    used = mask.any(dim=0).nonzero()
    first = int(used[0]) if len(used) else mask.shape[1]
    return [(k[:, :, first : mask.shape[1]], v[:, :, first : mask.shape[1]]) for k, v in buffers], mask[
        :, first:
    ]


def _prefill_groups(lengths: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs [a, b) of `lengths` (sorted longest first) read by one forward pass: a
    row joins the run while the padding it needs is at most its own length or 32 tokens (a
    forward pass of its own costs about that much)."""
    groups: list[tuple[int, int]] = []
    a = 0
    for i in range(1, len(lengths) + 1):
        if i == len(lengths) or lengths[a] - lengths[i] > max(lengths[i], 32):
            groups.append((a, i))
            a = i
    return groups


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
