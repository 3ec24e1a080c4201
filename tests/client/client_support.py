"""Helpers for the overlay client's tests: bodies, envelopes, fake time, scripted transports, real payloads."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

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


def record(status: str = "PENDING", task_id: str = "task-1", **fields: Any) -> dict[str, Any]:
    """A record-info answer for one task."""
    return envelope(data={"taskId": task_id, "status": status, **fields})


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
