"""Load and soak on the mock: 10,000 requests at concurrency 50, loopback only, bounded in count and time.

The mock runs in its own process (``python -m suno_conformance.mock``) so that its memory is measured alone. The
requests mix valid submits, record-info polls of tasks created during the run, and invalid requests (rule
violations, schema violations, broken JSON, unknown and missing task ids). Every answer must be HTTP 200
with an envelope that is valid against the effective spec's response schema for that operation and whose
code is the one the request deserves; no answer may be a 5xx. The mock's RSS must stay flat: what it grows
between the end of the first thousand requests and the end of the last is bounded by what it is meant to
keep (the tasks created, their cached answers, the fixed-size request journal), plus a generous margin.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import jsonschema_rs
import pytest

from suno_api._spec import effective_spec

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "soak-api-key"
SUBMIT = "/api/v1/generate/upload-extend"
RECORD_INFO = "/api/v1/generate/record-info"
REQUESTS = 10_000
CONCURRENCY = 50
CHECKPOINT = 1_000
DEADLINE_SECONDS = 120.0
# The mock keeps every task it creates, with its body and its cached answers (about 4 KB each, measured with
# tracemalloc), and a request journal capped at 10,000 entries. A task may cost up to 5 KiB here; anything else
# the mock grows must fit in the margin: a leak of 1 KB per request would not (9,000 requests, 9 MB).
TASK_ALLOWANCE = 5 * 1024
MEMORY_MARGIN = 8 * 2**20

VALID_BODY: dict[str, Any] = {
    "uploadUrl": "https://storage.example.com/uploads/source-track.mp3",
    "defaultParamFlag": True,
    "instrumental": False,
    "prompt": "Verse one: the city lights are fading slow.",
    "style": "Indie folk",
    "title": "Where We Go (Extended)",
    "continueAt": 42.5,
    "model": "V4_5",
    "callBackUrl": "http://127.0.0.1:9/suno-callback",
    "styleWeight": 0.65,
}


def _mock_process() -> tuple[subprocess.Popen[str], str]:
    """Start the mock on a free loopback port; return the process and its URL (read from its banner)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("SUNO_", "KIE_"))}
    env["SUNO_MOCK_SEND_CALLBACKS"] = "0"  # the bodies' callBackUrl is a dead port; callbacks are not soaked here
    command = [sys.executable, "-m", "suno_conformance.mock", "--port", "0", "--api-keys", TOKEN]
    command += ["--stage-seconds", "0.5", "--seed", "7", "--log-level", "warning"]
    process = subprocess.Popen(  # noqa: S603 - our interpreter running our mock
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    for line in process.stdout:
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if found:
            return process, found.group(1)
        if time.monotonic() > deadline:
            break
    process.kill()
    process.wait(10)
    pytest.fail("the mock did not start")


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def _response_validators() -> dict[tuple[str, int], jsonschema_rs.Validator]:
    """Return a validator per (path, HTTP status) documented in the effective spec."""
    spec = effective_spec()
    validators = {}
    for path, item in spec["paths"].items():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema is not None and status.isdigit():
                    document = {**schema, "components": spec["components"]}
                    validators[(path, int(status))] = jsonschema_rs.validator_for(document)
    return validators


class _Plan:
    """Which request to send next: a deterministic mix, with record-info polls of tasks created so far."""

    KINDS: ClassVar[tuple[str, ...]] = (
        "submit",
        "submit",
        "submit",
        "record-info",
        "record-info",
        "record-info",
        "rule-violation",
        "broken-json",
        "unknown-task",
        "schema-violation",
        "missing-task-id",
    )
    EXPECTED_CODE: ClassVar[dict[str, int]] = {
        "submit": 200,
        "record-info": 200,
        "rule-violation": 422,
        "broken-json": 422,
        "unknown-task": 404,
        "schema-violation": 422,
        "missing-task-id": 422,
    }

    def __init__(self) -> None:
        self.random = random.Random(20250101)  # noqa: S311 - a reproducible mix, not a secret
        self.tasks: list[str] = []

    def kinds(self, count: int) -> Iterator[str]:
        for index in range(count):
            kind = self.KINDS[index % len(self.KINDS)]
            yield "submit" if kind == "record-info" and not self.tasks else kind

    def request(self, kind: str) -> tuple[str, str, dict[str, Any]]:
        """Return (method, path, httpx keyword arguments) for one request of ``kind``."""
        broken = {"content": b'{"uploadUrl": "https://', "headers": {"Content-Type": "application/json"}}
        requests: dict[str, tuple[str, str, dict[str, Any]]] = {
            "submit": ("POST", SUBMIT, {"json": VALID_BODY}),
            "rule-violation": ("POST", SUBMIT, {"json": {**VALID_BODY, "style": ""}}),
            "schema-violation": ("POST", SUBMIT, {"json": {**VALID_BODY, "model": "V9_UNKNOWN", "continueAt": -1}}),
            "broken-json": ("POST", SUBMIT, broken),
            "unknown-task": ("GET", RECORD_INFO, {"params": {"taskId": "0" * 32}}),
            "missing-task-id": ("GET", RECORD_INFO, {}),
        }
        if kind == "record-info":
            return "GET", RECORD_INFO, {"params": {"taskId": self.random.choice(self.tasks)}}
        return requests[kind]


async def _soak(url: str, pid: int) -> dict[str, Any]:
    validators = _response_validators()
    plan = _Plan()
    queue = iter(plan.kinds(REQUESTS))
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    rss: dict[int, int] = {0: _rss(pid)}
    tasks_at: dict[int, int] = {0: 0}
    done = 0
    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def worker() -> None:
        # One client, one keep-alive connection per worker: httpcore's pool rescans every queued request on each
        # event, so 50 workers sharing one pool spend more time in the pool than on the wire.
        nonlocal done
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30, trust_env=False) as http:
            for kind in queue:
                method, path, options = plan.request(kind)
                answer = await http.request(method, path, **options)
                statuses[answer.status_code] += 1
                problem = _judge(kind, path, answer, validators)
                if problem is not None and len(problems) < 20:
                    problems.append(problem)
                if kind == "submit" and problem is None:
                    plan.tasks.append(answer.json()["data"]["taskId"])
                done += 1
                if done % CHECKPOINT == 0:
                    rss[done] = _rss(pid)
                    tasks_at[done] = len(plan.tasks)

    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(CONCURRENCY))), DEADLINE_SECONDS)
    return {"problems": problems, "statuses": statuses, "rss": rss, "tasks_at": tasks_at}


def _judge(kind: str, path: str, answer: httpx.Response, validators: dict[tuple[str, int], Any]) -> str | None:
    """Return what is wrong with one answer, or ``None``."""
    where = f"{kind} -> HTTP {answer.status_code} {answer.text[:200]!r}"
    validator = validators.get((path, answer.status_code))
    try:
        envelope = answer.json()
    except ValueError:
        envelope = None
    expected = _Plan.EXPECTED_CODE[kind]
    problem = None
    if answer.status_code >= 500:
        problem = "unplanned 5xx"
    elif validator is None:
        problem = f"HTTP status not documented for {path}"
    elif envelope is None:
        problem = "not JSON"
    elif not validator.is_valid(envelope):
        problem = f"invalid against the spec ({next(iter(validator.iter_errors(envelope))).message})"
    elif envelope.get("code") != expected:
        problem = f"expected code {expected}"
    elif expected == 200 and not (envelope.get("data") or {}).get("taskId"):
        problem = "a success without data.taskId"
    return None if problem is None else f"{problem}: {where}"


def test_soak_mock_10000_requests_concurrency_50() -> None:
    """10,000 mixed requests at concurrency 50: no 5xx, every answer valid and deserved, the mock's memory flat."""
    process, url = _mock_process()
    try:
        result = asyncio.run(_soak(url, process.pid))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)
        if process.stdout is not None:
            process.stdout.close()
    assert result["problems"] == []
    assert sum(result["statuses"].values()) == REQUESTS
    assert not any(status >= 500 for status in result["statuses"])
    rss, tasks_at = result["rss"], result["tasks_at"]
    assert set(rss) == set(range(0, REQUESTS + 1, CHECKPOINT))
    growth = rss[REQUESTS] - rss[CHECKPOINT]
    kept = tasks_at[REQUESTS] - tasks_at[CHECKPOINT]
    allowed = kept * TASK_ALLOWANCE + MEMORY_MARGIN
    trajectory = ", ".join(f"{count}: {rss[count] / 2**20:.1f}" for count in sorted(rss))
    assert growth < allowed, (
        f"the mock grew {growth / 2**20:.1f} MB between request {CHECKPOINT} and {REQUESTS} while keeping {kept} new"
        f" tasks (allowed {allowed / 2**20:.1f} MB); RSS in MB by requests done: {trajectory}"
    )
