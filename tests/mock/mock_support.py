"""Helpers of the mock's tests (fixtures are in conftest.py): bodies, settings, in-process calls, a receiver."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import httpx
import jsonschema_rs
import pytest

from suno_api.spec import names
from suno_conformance.mock import OUTCOMES, MockApp, MockSettings
from tests.bodies import by_role, custom_body

KEY = "tests-mock-key"
OTHER_KEY = "tests-mock-other-key"
WEBHOOK_KEY = "tests-mock-webhook-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
SUBMIT = names().submit_path
RECORD_INFO = names().record_info_path
DEAD_LOOPBACK = "http://127.0.0.1:9/callback"  # the discard port: loopback, and nothing listens there


def valid_body(fields: Mapping[str, Any] | None = None, /, **roles: Any) -> dict[str, Any]:
    """Return a valid custom-mode, vocal upload-extend body with changes applied (``None`` removes a field).

    Keywords are ``names()`` roles (``callback_url=...``); ``fields`` holds raw keys, for fields the spec lacks.
    """
    body = custom_body(
        upload_url="https://storage.example.com/source.mp3",
        continue_at=42.5,
        callback_url=DEAD_LOOPBACK,
    )
    body[names().model] = names().model_v4_5
    body.update(by_role(roles))
    body.update(fields or {})
    return {key: value for key, value in body.items() if value is not None}


def single_callback_outcome() -> str:
    """Return an outcome that sends exactly one callback (a failure before any track), from the mock's table."""
    return next(name for name, steps in OUTCOMES.items() if sum(step.callback is not None for step in steps) == 1)


def stages(*roles: str) -> list[str]:
    """Return the callback stages ``roles`` name (``stages("stage_text", "stage_first")``)."""
    return [names().resolve(role) for role in roles]


def settings(**changes: Any) -> MockSettings:
    """Return the tests' settings: a known key, a seed, signed callbacks, no backoff; ``changes`` applied."""
    return MockSettings(api_keys=(KEY,), seed=1, webhook_key=WEBHOOK_KEY, callback_backoff=0.0).evolve(**changes)


@attrs.frozen
class Schemas:
    """Validators of the effective spec's component schemas, to check what the mock answers."""

    validators: dict[str, jsonschema_rs.Validator]

    def errors(self, name: str, instance: Any) -> list[str]:
        return [error.message for error in self.validators[name].iter_errors(instance)]


@attrs.define
class Recorder:
    """Stands in for callback receivers behind an ``httpx.MockTransport``: records requests, answers ``statuses``."""

    statuses: list[int] = attrs.field(factory=list)  # answered in order; 200 once they run out
    requests: list[httpx.Request] = attrs.field(factory=list)
    hook: Callable[[httpx.Request], None] | None = None

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.hook is not None:
            self.hook(request)
        return httpx.Response(self.statuses.pop(0) if self.statuses else 200)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]

    def types(self) -> list[str]:
        return [body["data"][names().callback_type] for body in self.bodies()]


@contextlib.asynccontextmanager
async def api(mock: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to ``mock`` in-process; closes the mock's callback client afterwards."""
    transport = httpx.ASGITransport(app=mock.app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
            yield client
    finally:
        await mock.aclose()


async def submit(client: httpx.AsyncClient, body: dict[str, Any] | None = None, **headers: str) -> str:
    """Submit ``body`` (a valid one by default) and return the task id; fail the test on anything else."""
    response = await client.post(SUBMIT, json=valid_body() if body is None else body, headers={**AUTH, **headers})
    envelope = response.json()
    assert envelope["code"] == 200, envelope
    task_id: str = envelope["data"][names().submit_task_id]
    return task_id


def task_query(task_id: str) -> dict[str, str]:
    """Return record-info's query for ``task_id``."""
    return {names().task_id_param: task_id}


async def record(client: httpx.AsyncClient, task_id: str) -> dict[str, Any]:
    """Return record-info's ``data`` for ``task_id``; fail the test on an error envelope."""
    response = await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)
    envelope = response.json()
    assert envelope["code"] == 200, envelope
    data: dict[str, Any] = envelope["data"]
    return data


@attrs.frozen
class Received:
    """One POST that reached the receiver."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


class Receiver:
    """A loopback HTTP server that records every POST (a callback receiver), in a thread."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: list[int] = []  # answered in order; 200 once they run out
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._changed:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                    receiver._changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="callback receiver", daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/callback"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Return the first ``count`` requests once they have arrived (fail after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"the receiver got {len(self.received)} callbacks, expected {count}")
                self._changed.wait(left)
            return self.received[:count]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``predicate()`` holds: a bound on waiting, not an assertion about time."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("the condition did not hold in time")
        time.sleep(0.01)
