"""Helpers for the overlay client's tests: bodies, envelopes, fake time, scripted transports, real payloads."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from suno_api.spec import names

TOKEN = "sk-test-7f3a9c0d1e2b4a68"
PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "real-payloads"

Handler = Callable[[httpx.Request], httpx.Response]


def load_payload(name: str) -> dict[str, Any]:
    """Return one of the real payloads (tests/fixtures/real-payloads) as a dict."""
    loaded: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return loaded


def envelope(code: Any = 200, msg: Any = "success", data: Any = None) -> dict[str, Any]:
    """A response envelope."""
    return {"code": code, "msg": msg, "data": data}


def record(
    status: str | None = None, task_id: str = "task-1", *, extra: Mapping[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    """A record-info answer for one task (the pending status by default); ``extra`` and ``fields``: raw record keys.

    ``extra`` is for keys read from ``names()`` (``extra={names().record_error_code: 413}``).
    """
    spec_names = names()
    status = spec_names.status_pending if status is None else status
    data = {spec_names.record_task_id: task_id, spec_names.record_status: status, **(extra or {}), **fields}
    return envelope(data=data)


def code(role: str) -> int:
    """The answer code the spec gives ``role`` (``code("code_rate_limited")``): upstream may renumber one."""
    return names().code(role)


def coded(role: str, msg: str, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    """A handler answering the envelope of ``role``'s code, read when the request comes (fine in parametrize lists)."""
    return lambda request: respond(envelope(code(role), msg), status=status, headers=headers)


def submitted(task_id: str = "task-1") -> dict[str, Any]:
    """A successful upload-extend answer carrying ``task_id`` where the spec puts it."""
    return envelope(data={names().submit_task_id: task_id})


class FakeTime:
    """A clock that only moves when something sleeps; records every sleep (no test ever really sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Recorder:
    """An httpx handler answering from a script (a list of responses or exceptions), recording the requests."""

    def __init__(self, *script: httpx.Response | Exception | Handler) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        # The last entry repeats once the script is exhausted.
        step = self.script[min(len(self.requests), len(self.script)) - 1]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(request)

    @property
    def count(self) -> int:
        return len(self.requests)


def respond(payload: Any = None, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """An httpx response with a JSON payload (``bytes`` are sent as they are)."""
    if isinstance(payload, bytes):
        return httpx.Response(status, content=payload, headers=headers)
    return httpx.Response(status, json=payload, headers=headers)
