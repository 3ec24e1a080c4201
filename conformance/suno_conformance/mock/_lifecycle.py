"""Task lifecycle: the submit that creates a task, the virtual clock that moves it, record-info that reports it.

A task reaches step ``i`` of its outcome ``sum(stage_seconds[:i])`` seconds after the submit. Record-info moves a
task it is asked about; the ticker moves the others on time, so their callbacks go out without anyone polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import math
from collections import OrderedDict, deque
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from suno_api import Violation, find_violations
from suno_api.spec import names
from suno_conformance.mock._delivery import CallbackDelivery
from suno_conformance.mock._http import (
    JSONBytes,
    MockError,
    encode,
    header,
    parse_json,
    read_body,
    task_id_param,
)
from suno_conformance.mock._outcomes import OUTCOME_HEADER, OUTCOMES, Step, outcome_marker
from suno_conformance.mock._settings import MockSettings
from suno_conformance.mock._tasks import Task, TaskIds

logger = logging.getLogger("suno_conformance.mock")

_RAW_BODY = "suno_conformance.mock.body"  # scope key: the submit's body as received, kept by its task
_CACHE_SIZE = 1024  # record-info answers kept encoded (the most recently polled tasks)
_TICK_MAX = 0.25  # seconds the ticker sleeps at most, so a clock stepped from another thread is noticed
_TICK_MIN = 0.005  # seconds between two rounds of the ticker at least


class TaskLifecycle(CallbackDelivery):
    """The layer of ``MockApp`` that creates, moves and reports tasks."""

    def __init__(self, settings: MockSettings | None = None, **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._task_ids = TaskIds(self.seed)
        first, second, third = self.settings.stage_seconds
        self._offsets = (0.0, first, first + second, first + second + third)
        self._tasks: dict[str, Task] = {}
        self._base_urls: dict[tuple[Any, ...], str] = {}
        self._answers: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self._count = 0
        self._due: list[tuple[float, int, Task]] = []
        self._due_seq = 0
        self._ticker: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._next_wake = math.inf
        self.default_outcome: str = self.settings.default_outcome
        """The outcome of tasks that request none (runtime state: ``set_outcome`` changes it)."""
        self._queued_outcomes: deque[str] = deque()
        spec_names = names()  # the request fields every submit reads, once per app
        self._prompt_key = spec_names.prompt
        self._callback_url_key = spec_names.callback_url

    def routes(self) -> list[Route]:
        """Return the routes: the two API operations, the spec, and the ``/_mock`` debug endpoints."""
        spec_names = names()
        return [
            Route(spec_names.submit_path, self._endpoint("submit", self.handle_submit), methods=["POST"]),
            Route(spec_names.record_info_path, self._endpoint("record-info", self.handle_record_info), methods=["GET"]),
            *super().routes(),
        ]

    async def startup(self) -> None:
        """Start the ticker that moves tasks and sends callbacks on time (the lifespan does this)."""
        await super().startup()
        assert self.loop is not None
        self._wake = asyncio.Event()
        self._ticker = self.loop.create_task(self._tick(), name="suno_conformance.mock ticker")

    async def aclose(self) -> None:
        """Stop the ticker, cancel the deliveries still under way (recorded as ``cancelled``), close the client."""
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        await super().aclose()

    # ----------------------------------------------------------------------------------- state, for tests

    @property
    def tasks(self) -> dict[str, Task]:
        """A snapshot of the tasks by id."""
        return dict(self._tasks)

    def get_task(self, task_id: str) -> Task | None:
        """Return the task ``task_id``, if any."""
        return self._tasks.get(task_id)

    def set_outcome(self, outcome: str, *, times: int | None = None) -> None:
        """Give ``outcome`` to the next ``times`` submits that request none, or to all of them (``times=None``).

        A submit's ``X-Mock-Outcome`` header or ``[mock:OUTCOME]`` marker still wins.

        Raises:
            ValueError: an unknown outcome, or ``times`` < 1.
        """
        name = outcome.strip().upper()
        if name not in OUTCOMES:
            raise ValueError(f"'outcome' must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
        if times is None:
            self.default_outcome = name
            return
        if times < 1:
            raise ValueError(f"'times' must be >= 1, got {times!r}")
        self._queued_outcomes.extend([name] * times)

    async def reset(self) -> None:
        """Forget every task and queued outcome too; task ids start over (the clock keeps its time)."""
        await super().reset()
        self._tasks.clear()
        self._answers.clear()
        self._due.clear()
        self._count = 0
        self._queued_outcomes.clear()
        self.default_outcome = self.settings.default_outcome

    async def advance(self, seconds: float) -> None:
        """Step the clock (a ``VirtualClock``) by ``seconds`` and move every task that became due."""
        advance = getattr(self.clock, "advance", None)
        if advance is None:
            raise TypeError(f"{type(self.clock).__name__} cannot be stepped; give the mock a VirtualClock")
        advance(seconds)
        await self.process_due()

    async def process_due(self) -> None:
        """Move every task whose next step is due, queueing its callbacks."""
        now = self.clock.now()
        while self._due and self._due[0][0] <= now:
            _, _, task = heapq.heappop(self._due)
            self.advance_task(task, now)

    async def drain(self) -> None:
        """Move the due tasks, then wait until every queued callback delivery has finished."""
        while True:
            await self.process_due()
            pending = [job for job in self._pending if not job.done()]
            if not pending:
                return
            await asyncio.wait(pending)

    # ------------------------------------------------------------------------------------------------ submit

    async def handle_submit(self, request: Request) -> Response:
        """``POST /api/v1/generate/upload-extend``: validate, pick the outcome, charge, create the task."""
        settings = self.settings
        raw = await read_body(request, limit=settings.max_body_bytes, timeout=settings.body_timeout)
        try:
            body = parse_json(raw)
        except ValueError as exc:
            raise MockError(422, f"The body is not valid JSON: {exc}.") from None
        request.scope[_RAW_BODY] = raw
        violations = self.validate_body(body)
        if violations:
            raise MockError(422, self.violations_message(violations))
        outcome = self.choose_outcome(request, body)
        if not self.charge(body):
            raise MockError(402)
        task = self.create_task(body, outcome, request)
        return self.success_response(self.submit_payload(task))

    def validate_body(self, body: Any) -> list[Violation]:
        """Return every violation of the effective spec's rules (the client's own table)."""
        return find_violations(body)

    def violations_message(self, violations: Sequence[Violation]) -> str:
        """Return the 422 ``msg``: every violation, with its field and rule id."""
        count = len(violations)
        listed = "; ".join(
            f"{violation.field or '<body>'} [{violation.rule_id}]: {violation.message}" for violation in violations
        )
        return f"The request has {count} problem{'s' if count != 1 else ''}: {listed}"

    def choose_outcome(self, request: Request, body: Mapping[str, Any]) -> str:
        """Return the outcome: the ``X-Mock-Outcome`` header, a ``[mock:OUTCOME]`` marker, else ``set_outcome``'s."""
        name = header(request, OUTCOME_HEADER) or outcome_marker(body.get(self._prompt_key))
        if name is None:
            queued = self._queued_outcomes
            return queued.popleft() if queued else self.default_outcome
        name = name.strip().upper()
        if name not in OUTCOMES:
            raise MockError(422, f"X-Mock-Outcome: unknown outcome {name!r}; expected one of {', '.join(OUTCOMES)}")
        return name

    def charge(self, body: Mapping[str, Any]) -> bool:
        """Take the price of a task from the balance; ``False`` (402) when it is too low."""
        if self.credits is None:
            return True
        cost = self.settings.credits_per_task
        if self.credits < cost:
            return False
        self.credits -= cost
        return True

    def new_task_id(self, number: int) -> str:
        """Return the id of the ``number``-th task (deterministic under the seed)."""
        return self._task_ids(number)

    def outcome_steps(self, outcome: str) -> tuple[Step, ...]:
        """Return the steps a task with ``outcome`` goes through."""
        return OUTCOMES[outcome]

    def create_task(self, body: Mapping[str, Any], outcome: str, request: Request) -> Task:
        """Create, store and schedule a task."""
        number = self._count
        self._count += 1
        task = Task(
            task_id=self.new_task_id(number),
            number=number,
            created_at=self.clock.now(),
            outcome=outcome,
            steps=self.outcome_steps(outcome),
            raw=request.scope.get(_RAW_BODY) or encode(body),
            callback_url=str(body.get(self._callback_url_key, "")),
            base_url=self._base_url(request),
        )
        self._tasks[task.task_id] = task
        self._schedule(task)
        return task

    def _base_url(self, request: Request) -> str:
        # Starlette builds request.base_url by parsing a URL on every call; a few distinct values repeat.
        scope = request.scope
        # `server` is a (host, port) pair, but some ASGI servers (and Starlette's TestClient) pass a list.
        server = scope.get("server")
        if server is not None and not isinstance(server, tuple):
            server = tuple(server)
        key = (scope.get("scheme"), header(request, b"host"), scope.get("root_path"), server)
        found = self._base_urls.get(key)
        if found is None:
            if len(self._base_urls) >= 64:
                self._base_urls.clear()
            found = self._base_urls[key] = str(request.base_url)
        return found

    # ------------------------------------------------------------------------------------------ record-info

    async def handle_record_info(self, request: Request) -> Response:
        """``GET /api/v1/generate/record-info?taskId=``: the task as it stands on the clock now."""
        task_id = task_id_param(request)
        if not task_id:
            spec_names = names()
            query = f"{spec_names.record_info_path}?{spec_names.task_id_param}="
            raise MockError(
                422, f"{spec_names.task_id_param} is required: GET {query}<the {spec_names.submit_task_id} of a submit>"
            )
        task = self.find_task(task_id)
        if not task.finished:
            self.advance_task(task, self.clock.now())
        return self.record_info_response(task)

    def find_task(self, task_id: str) -> Task:
        """Return the task ``task_id``; an unknown id answers 404."""
        task = self._tasks.get(task_id)
        if task is None:
            raise MockError(404, f"No task with {names().task_id_param} {task_id!r}.")
        return task

    def record_info_response(self, task: Task) -> Response:
        """Return the record-info answer, encoded once per step (cached for the 1,024 tasks polled last).

        Override this to bypass the cache, e.g. in a variant whose answer changes within a step.
        """
        cache = self._answers
        found = cache.get(task.task_id)
        if found is not None and found[0] == task.step:
            cache.move_to_end(task.task_id)
            return JSONBytes(found[1])
        body = encode(self.envelope(200, "success", self.record_info_payload(task)))
        cache[task.task_id] = (task.step, body)
        if len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
        return JSONBytes(body)

    # ------------------------------------------------------------------------------------------- the clock

    def due_time(self, task: Task, step: int) -> float:
        """Return the virtual time at which ``task`` reaches step ``step``."""
        offsets = self._offsets
        if step < len(offsets):
            return task.created_at + offsets[step]
        return task.created_at + offsets[-1] + (step - len(offsets) + 1) * self.settings.stage_seconds[-1]

    def advance_task(self, task: Task, now: float) -> None:
        """Move ``task`` to the step it has reached at ``now``, queueing the callback of every step passed."""
        start = task.step
        last = len(task.steps) - 1
        step = start
        while step < last and self.due_time(task, step + 1) <= now:
            step += 1
        if step == start:
            return
        task.step = step
        for index in range(start + 1, step + 1):
            reached = task.steps[index]
            if reached.callback is not None:
                self._queue_callback(task, reached, self.due_time(task, index))
        self._schedule(task)

    def _schedule(self, task: Task) -> None:
        if task.finished:
            return
        due = self.due_time(task, task.step + 1)
        self._due_seq += 1
        heapq.heappush(self._due, (due, self._due_seq, task))
        if due < self._next_wake and self._wake is not None:
            self._wake.set()

    async def _tick(self) -> None:
        assert self._wake is not None
        while True:
            try:
                await self.process_due()
            except Exception:
                logger.exception("moving the due tasks failed")
            # Coalesce: under load, one round moves every task that became due meanwhile.
            await asyncio.sleep(_TICK_MIN)
            delay = self._due[0][0] - self.clock.now() if self._due else _TICK_MAX
            if delay <= 0:
                continue
            delay = min(delay, _TICK_MAX)
            self._next_wake = self.clock.now() + delay
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            self._next_wake = math.inf
