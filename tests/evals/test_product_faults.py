"""A product endpoint that fails in every way an HTTP service can, behind the `litellm/`
provider: no fault is ever scored (not as a 0, not as a refusal); each is unscored with its
reason, the task itself finishes, and the product sees the persona id in the request body's
`user` field and in the header. The server is a plain recorder, not the reference product,
so what arrives is what the provider sent.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from personalign.evals import personal_alignment

USER_HEADER = "x-personalign-user"


class Recorder(BaseHTTPRequestHandler):
    """Answers chat completions as `server.fault` says, recording each request."""

    server: RecordingServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
        fault = self.server.fault
        if fault == "reset":
            self.close_connection = True  # hang up without a response
            return
        if fault == "delay":
            time.sleep(3)
        if fault == "http500" or (fault == "503-then-ok" and len(self.server.requests) % 2 == 1):
            self._send(500 if fault == "http500" else 503, {"error": {"message": "down"}})
            return
        if fault == "garbage":
            self._send(200, "<html>not json</html>", "text/html")
            return
        message: dict[str, Any] | None = {"role": "assistant", "content": "A. That one."}
        if fault == "null-content":
            message = {"role": "assistant", "content": None}
        choices: list[dict[str, Any]] = [{"index": 0, "message": message, "finish_reason": "stop"}]
        if fault == "no-choices":
            choices = []
        if fault == "no-message":
            choices = [{"index": 0, "finish_reason": "stop"}]
        usage = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
        self._send(
            200,
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "p",
                "choices": choices,
                "usage": usage,
            },
        )

    def _send(self, status: int, payload: object, kind: str = "application/json") -> None:
        data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        pass


class RecordingServer(ThreadingHTTPServer):
    fault = "ok"
    requests: list[tuple[dict[str, str], dict[str, Any]]]


@contextmanager
def recording_server(fault: str) -> Iterator[RecordingServer]:
    server = RecordingServer(("127.0.0.1", 0), Recorder)
    server.fault, server.requests = fault, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def run_against(server: RecordingServer, log_dir: Path, retries: int = 0) -> EvalLog:
    task = personal_alignment(
        strategy="product",
        kinds="choice,hard_floor",
        measures="value_fidelity,refusal",
        max_personas=2,
        scenarios_per_kind=1,
        epochs=1,
    )
    [log] = inspect_eval(
        task,
        model="litellm/openai/product",
        model_base_url=f"http://127.0.0.1:{server.server_address[1]}/v1",
        model_args={"num_retries": retries, "timeout": 1},
        log_dir=str(log_dir),
        display="none",
    )
    return log


def scores(log: EvalLog) -> list[tuple[Any, str | None]]:
    return [(s.value, s.reason) for sample in log.samples or [] for s in (sample.scores or {}).values()]


@pytest.mark.slow  # 6 to 9 s: keeps the plain run under 4 minutes; CI runs it
def test_a_working_product_is_scored_and_sees_the_persona_in_body_and_header(tmp_path: Path) -> None:
    with recording_server("ok") as server:
        log = run_against(server, tmp_path)
    assert log.status == "success"
    scored = [v for v, _ in scores(log) if isinstance(v, float) and not math.isnan(v)]
    assert scored
    personas = {s.metadata["persona_id"] for s in log.samples or []}
    sent = {(body.get("user"), headers.get(USER_HEADER)) for headers, body in server.requests}
    # Every request carries a persona id, the same in both places, and every persona is sent.
    assert all(user == header and user for user, header in sent)
    assert {user for user, _ in sent} == personas


FAULTS = [
    ("no-choices", "model_error"),
    ("no-message", "model_error"),
    ("null-content", "no_response"),
    pytest.param("http500", "model_error", marks=pytest.mark.slow),
    pytest.param("garbage", "model_error", marks=pytest.mark.slow),
    pytest.param("reset", "model_error", marks=pytest.mark.slow),
    pytest.param("delay", "model_error", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("fault", "reason"), FAULTS)
def test_a_fault_is_unscored_with_its_reason_never_a_zero_or_a_refusal(
    fault: str, reason: str, tmp_path: Path
) -> None:
    with recording_server(fault) as server:
        log = run_against(server, tmp_path)
    assert log.status == "success", log.error  # the task finishes; the fault is per sample
    found = scores(log)
    assert found and server.requests
    for value, why in found:
        assert isinstance(value, float) and math.isnan(value), (fault, value, why)
        assert why == reason, (fault, why)


@pytest.mark.slow
def test_a_503_then_ok_is_retried_and_scored(tmp_path: Path) -> None:
    with recording_server("503-then-ok") as server:
        log = run_against(server, tmp_path, retries=2)
    assert log.status == "success"
    values = [v for v, _ in scores(log)]
    assert values and all(isinstance(v, float) and not math.isnan(v) for v in values)
    assert len(server.requests) >= 2 * len(log.samples or [])  # each sample asked at least twice
