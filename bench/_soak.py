"""Row 9: load and soak on the mock: 10,000 mixed requests at concurrency 50, loopback only, its memory flat.

The mock runs in its own process (``python -m suno_conformance.mock``) so that its memory is measured alone. The
requests mix valid submits, record-info polls of tasks created during the run, and invalid requests (rule
violations, schema violations, broken JSON, unknown and missing task ids). Every answer must be HTTP 200 with an
envelope that is valid against the effective spec's response schema for that operation and whose code is the one
the request deserves; no answer may be a 5xx. The mock's RSS must stay flat: what it grows between the end of the
first thousand requests and the end of the last is bounded by what it is meant to keep (the tasks created, their
cached answers, the fixed-size request journal), plus a generous margin.

``tests/bench/test_soak.py`` runs the same soak on fewer requests for the answers alone; the memory bound needs
the full count (a small leak only shows over thousands of requests), so it is judged here.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
import httpx
import jsonschema_rs

from bench._bodies import RECORD_INFO_PATH, SUBMIT_PATH, valid_body
from bench._config import Budget
from bench._measure import Summary
from bench._procs import BENCH_KEY, mock_process, require
from bench._report import Row, Target

REQUESTS = 10_000
CONCURRENCY = 50
CHECKPOINT = 1_000
DEADLINE_SECONDS = 300.0
"""A bound on a hung soak (seconds), not a timed assertion: a loaded machine may take minutes."""
# The mock keeps every task it creates, with its body and its cached answers (about 4 KB each, measured with
# tracemalloc), and a request journal capped at 10,000 entries. A task may cost up to 5 KiB here; anything else
# the mock grows must fit in the margin: a leak of 1 KB per request would not (9,000 requests, 9 MB).
TASK_ALLOWANCE = 5 * 1024
MEMORY_MARGIN = 8 * 2**20
TARGET = Target("ours", "<", 1.0)
"""Row 9's figure is the growth over what the mock may grow: below 1 is flat."""


@attrs.frozen
class SoakResult:
    """What a soak saw.

    Attributes:
        requests: Requests sent.
        problems: What was wrong with the answers (at most 20).
        statuses: HTTP statuses answered, counted.
        rss: The mock's RSS in bytes by requests done (0 and every ``CHECKPOINT``).
        tasks_at: Tasks created by requests done, at the same points.
    """

    requests: int
    problems: list[str]
    statuses: Counter[int]
    rss: dict[int, int]
    tasks_at: dict[int, int]

    def growth(self) -> tuple[int, int]:
        """Return (RSS growth from the first checkpoint to the end, what the mock may grow meanwhile), in bytes."""
        kept = self.tasks_at[self.requests] - self.tasks_at[CHECKPOINT]
        return self.rss[self.requests] - self.rss[CHECKPOINT], kept * TASK_ALLOWANCE + MEMORY_MARGIN

    def trajectory(self) -> str:
        """Return the RSS in MB by requests done, for a message."""
        return ", ".join(f"{count}: {self.rss[count] / 2**20:.1f}" for count in sorted(self.rss))


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _response_validators() -> dict[tuple[str, int], jsonschema_rs.Validator]:
    """Return a validator per (path, HTTP status) documented in the effective spec."""
    from suno_api.spec import effective_spec  # noqa: PLC0415 - only a soak needs the spec

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
        self.names = _names()
        self.random = random.Random(20250101)  # noqa: S311 - a reproducible mix, not a secret
        self.tasks: list[str] = []

    def kinds(self, count: int) -> Iterator[str]:
        for index in range(count):
            kind = self.KINDS[index % len(self.KINDS)]
            yield "submit" if kind == "record-info" and not self.tasks else kind

    def request(self, kind: str) -> tuple[str, str, dict[str, Any]]:
        """Return (method, path, httpx keyword arguments) for one request of ``kind``."""
        body = valid_body()
        # A custom-mode vocal body needs a style (a rule), a model is one of the enum (the schema), and the
        # start of the extension is not negative (the schema).
        rule_broken = {**body, self.names.style: ""}
        schema_broken = {**body, self.names.model: "V9_UNKNOWN", self.names.continue_at: -1}
        broken = {"content": b'{"uploadUrl": "https://', "headers": {"Content-Type": "application/json"}}
        task_id = self.names.task_id_param
        requests: dict[str, tuple[str, str, dict[str, Any]]] = {
            "submit": ("POST", SUBMIT_PATH, {"json": body}),
            "rule-violation": ("POST", SUBMIT_PATH, {"json": rule_broken}),
            "schema-violation": ("POST", SUBMIT_PATH, {"json": schema_broken}),
            "broken-json": ("POST", SUBMIT_PATH, broken),
            "unknown-task": ("GET", RECORD_INFO_PATH, {"params": {task_id: "0" * 32}}),
            "missing-task-id": ("GET", RECORD_INFO_PATH, {}),
        }
        if kind == "record-info":
            return "GET", RECORD_INFO_PATH, {"params": {task_id: self.random.choice(self.tasks)}}
        return requests[kind]


def _names() -> Any:
    from suno_api.spec import names  # noqa: PLC0415 - only a soak needs the spec

    return names()


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
    elif expected == 200 and not (envelope.get("data") or {}).get(_names().submit_task_id):
        problem = "a success without data.taskId"
    return None if problem is None else f"{problem}: {where}"


async def _soak(url: str, pid: int, requests: int, concurrency: int) -> SoakResult:
    validators = _response_validators()
    plan = _Plan()
    queue = iter(plan.kinds(requests))
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    rss: dict[int, int] = {0: _rss(pid)}
    tasks_at: dict[int, int] = {0: 0}
    done = 0
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    submit_task_id = plan.names.submit_task_id

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
                    plan.tasks.append(answer.json()["data"][submit_task_id])
                done += 1
                if done % CHECKPOINT == 0:
                    rss[done] = _rss(pid)
                    tasks_at[done] = len(plan.tasks)

    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), DEADLINE_SECONDS)
    return SoakResult(requests, problems, statuses, rss, tasks_at)


def soak(requests: int = REQUESTS, concurrency: int = CONCURRENCY) -> SoakResult:
    """Serve the mock in a child process, send it ``requests`` mixed requests ``concurrency`` at a time."""
    with mock_process(stage_seconds="0.5", seed=7) as mock:
        return asyncio.run(_soak(mock.url, mock.pid, requests, concurrency))


def rows(budget: Budget) -> list[Row]:
    """Measure row 9: the full soak, judged on its answers and on the mock's RSS growth."""
    del budget  # the soak's size is the point: it does not shrink with --quick
    require("suno_conformance.mock.__main__")
    result = soak()
    growth, allowed = result.growth()
    ratio = growth / allowed
    wrong = sum(result.statuses.values()) != result.requests or any(status >= 500 for status in result.statuses)
    met = TARGET.met(ratio) and not result.problems and not wrong
    problems = f" Wrong answers: {'; '.join(result.problems[:3])}." if result.problems else ""
    return [
        Row(
            "9",
            f"soak: {REQUESTS:,} mixed requests at concurrency {CONCURRENCY}: mock RSS growth / what it may keep",
            "x allowed",
            1.0,
            TARGET,
            "pass" if met else "miss",
            Summary.of([ratio]),
            note=(
                f"RSS grew {growth / 2**20:.1f} MB from request {CHECKPOINT:,} to {REQUESTS:,}, allowed"
                f" {allowed / 2**20:.1f} MB ({TASK_ALLOWANCE // 1024} KiB per task kept plus"
                f" {MEMORY_MARGIN // 2**20} MB); RSS in MB by requests done: {result.trajectory()}; every answer"
                f" valid and deserved, no 5xx: {'yes' if not result.problems and not wrong else 'NO'}.{problems}"
            ),
        )
    ]
