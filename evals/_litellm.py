"""`litellm/<model>`: any model litellm can reach, as an Inspect model provider.

Meant for a personalization product behind an OpenAI-compatible endpoint
(`--model litellm/openai/my-product --model-base-url http://host/v1`), but any litellm model
string works. litellm is imported only when this provider is used, never by the rest of the
suite. A request that still fails after litellm's retries (timeout, refused connection, a
5xx) comes back as an output with an error, which the scorers leave unscored as
`model_error`: a product that is down is never scored as a regression.

Model args (`-M name=value`): `timeout` (seconds per request, default 600), `num_retries`
(default 2) and `max_connections` (concurrent requests, default 4). The defaults suit a
product that queues requests behind one model: with 4 in flight, the last waits for three
others, so a timeout of a few model calls would fail requests that were merely queued.
"""

from __future__ import annotations

import os
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

DEFAULT_TIMEOUT = 600.0
DEFAULT_RETRIES = 2
DEFAULT_CONNECTIONS = 4


def _litellm() -> Any:
    # litellm fetches a remote price table at import unless told to use its bundled copy.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    return litellm


class LiteLLMAPI(ModelAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        self._timeout = float(model_args.pop("timeout", DEFAULT_TIMEOUT))
        self._retries = int(model_args.pop("num_retries", DEFAULT_RETRIES))
        self._connections = int(model_args.pop("max_connections", DEFAULT_CONNECTIONS))
        self._extra = model_args  # passed through to litellm as they are

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        litellm = _litellm()
        body = dict(config.extra_body or {})
        request: dict[str, Any] = {
            "model": self.model_name,
            "messages": [{"role": m.role, "content": m.text} for m in input],
            "api_base": self.base_url,
            "api_key": self._api_key(),
            "timeout": config.timeout or self._timeout,
            "num_retries": self._retries,
            "max_tokens": config.max_tokens,
            "temperature": config.temperature,
            "seed": config.seed,
            # The persona id goes in the body's `user` field as well as the header: litellm's
            # openai/ route drops a `user` argument, so it is sent through extra_body.
            "extra_headers": config.extra_headers,
            **({"extra_body": body} if body else {}),
            **self._extra,
        }
        try:
            response = await litellm.acompletion(**{k: v for k, v in request.items() if v is not None})
        except Exception as err:  # every failure is the product's, reported and left unscored
            return ModelOutput.from_content(
                model=self.model_name, content="", error=f"{type(err).__name__}: {err}"
            )
        choices = getattr(response, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        if message is None:  # a 200 with no choice or no message: the product's failure, unscored
            what = "no choices" if not choices else "a choice without a message"
            return ModelOutput.from_content(
                model=self.model_name, content="", error=f"the response held {what}"
            )
        # Null content is an empty output: unscored as no_response by the scorers.
        output = ModelOutput.from_content(
            model=self.model_name,
            content=message.content if isinstance(message.content, str) else "",
            stop_reason="max_tokens" if choices[0].finish_reason == "length" else "stop",
        )
        usage = getattr(response, "usage", None)
        if usage is not None:
            output.usage = ModelUsage(
                input_tokens=usage.prompt_tokens or 0,
                output_tokens=usage.completion_tokens or 0,
                total_tokens=usage.total_tokens or 0,
            )
        return output

    def _api_key(self) -> str | None:
        # An OpenAI-compatible product may need no key, but the client insists on one.
        if self.api_key:
            return self.api_key
        keyless = self.model_name.startswith("openai/") and not os.environ.get("OPENAI_API_KEY")
        return "none" if keyless else None  # None: litellm reads the provider's own variable

    def max_connections(self) -> int:
        return self._connections
