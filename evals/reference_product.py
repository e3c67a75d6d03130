"""A reference personalization product, for testing the gate end to end.

A small HTTP server on loopback that speaks OpenAI chat completions
(POST /v1/chat/completions). It keeps persona profiles keyed by user id, reads the user
from the request's `user` field (or the X-Personalign-User header), renders that person's
profile with a context strategy and answers with a backend model (the embedded one by
default). Like a real product it has a safety guard: requests that match a known
hard-floor request are refused before the model sees them.

Faulty versions, to show that the gate catches them: `--drop-persona` ignores the profile,
`--leak ITEM` lets one hard-floor item past the guard.

    personalign reference-product --port 8765 --strategy opspec
    personalign run --models litellm/openai/reference --strategies product \\
        --model-base-url http://127.0.0.1:8765/v1
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from personalign.evals._dataset import context_messages
from personalign.evals._scenario import SAFETY_SOURCES, load_scenarios
from personalign.evals._solver import USER_HEADER
from personalign.evals._strategy import RenderedContext, render_context
from personalign.personas import Persona

REFUSAL = "I can't help with that request."


class ReferenceProduct:
    """Profiles by user id, a guard against hard-floor requests, and a backend model run on
    one event loop of its own (request threads hand their generations to it)."""

    def __init__(
        self,
        personas: list[Persona],
        strategy: str = "opspec",
        backend: str = "personalign/smollm2",
        drop_persona: bool = False,
        leak: str | None = None,
    ) -> None:
        self.profiles = {p.id: p for p in personas}
        self.strategy = strategy
        self.drop_persona = drop_persona
        hard_floor = [s for s in load_scenarios(SAFETY_SOURCES) if s.kind == "hard_floor"]
        self.guarded = {s.prompt.strip(): s.id for s in hard_floor if s.id != leak}
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        self._model = self._run(self._load(backend))

    async def _load(self, backend: str) -> Any:
        from inspect_ai.model import get_model

        return get_model(backend)

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def answer(self, body: dict[str, Any], user_header: str | None) -> tuple[str, int, int]:
        """The reply text and its input and output tokens."""
        from inspect_ai.model import GenerateConfig

        prompt = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        if any(guarded in prompt for guarded in self.guarded):
            return REFUSAL, 0, 0
        persona = None if self.drop_persona else self.profiles.get(body.get("user") or user_header or "")
        context = (
            render_context(persona, self.strategy, prompt) if persona else RenderedContext("none", "", 0)
        )
        messages = context_messages(context, prompt, "system")
        config = GenerateConfig(
            max_tokens=body.get("max_tokens"), temperature=body.get("temperature"), seed=body.get("seed")
        )
        output = self._run(self._model.generate(messages, config=config))
        usage = output.usage
        return output.completion, usage.input_tokens if usage else 0, usage.output_tokens if usage else 0


def serve(product: ReferenceProduct, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for `product` (port 0: any free port); call serve_forever() on it."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                return self._send(404, {"error": {"message": f"no route {self.path}"}})
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                text, prompt_tokens, completion_tokens = product.answer(body, self.headers.get(USER_HEADER))
            except Exception as err:  # the client sees a 500 and leaves the sample unscored
                return self._send(500, {"error": {"message": f"{type(err).__name__}: {err}"}})
            self._send(
                200,
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "reference"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": prompt_tokens,
                        "completion_tokens": completion_tokens,
                        "total_tokens": prompt_tokens + completion_tokens,
                    },
                },
            )

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the client gave up; it records why
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the suite's own logs record every request

    return ThreadingHTTPServer((host, port), Handler)
