"""The mock's behaviour: ``MockApp``, one small overridable method per behaviour, and the Starlette app it builds.

Every API request goes through ``_dispatch``: fault (header, armed or setting) -> maintenance (455) ->
``authenticate`` (401) -> ``rate_limit`` (429) -> the route's handler (422, 402, 404...). Seams raise
``MockError(code, msg)`` to answer an error envelope; ``error_response`` renders it in the configured style.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import json
import logging
import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar, NamedTuple

import attrs
import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from suno_conformance.mock._callbacks import Delivery, loopback_refusal
from suno_conformance.mock._clock import Clock, VirtualClock
from suno_conformance.mock._faults import FAULT_HEADER, Fault, parse_fault
from suno_conformance.mock._files import file_for
from suno_conformance.mock._limits import RateLimiter
from suno_conformance.mock._outcomes import OUTCOME_HEADER, OUTCOMES, Step, outcome_marker
from suno_conformance.mock._settings import MockSettings
from suno_conformance.mock._tasks import Task, TaskIds, Track, make_tracks, placeholder
from suno_api import Violation
from suno_api import compute_signature
from suno_api.spec import effective_spec_path
from suno_api import find_violations

logger = logging.getLogger("suno_conformance.mock")

SUBMIT_PATH = "/api/v1/generate/upload-extend"
RECORD_INFO_PATH = "/api/v1/generate/record-info"
JSON_TYPE = "application/json"
_JSON_TYPE_BYTES = JSON_TYPE.encode()
USER_AGENT = "kie-mock/1 (suno_conformance.mock)"
_RAW_BODY = "suno_conformance.mock.body"  # scope key: the submit's body as received, kept by its task
_HEADERS = "suno_conformance.mock.headers"  # scope key: the request headers as a dict, first occurrence wins
_CACHE_SIZE = 1024  # record-info answers kept encoded (the most recently polled tasks)
_TICK_MAX = 0.25  # seconds the ticker sleeps at most, so a clock stepped from another thread is noticed
_TICK_MIN = 0.005  # seconds between two rounds of the ticker at least
_UNKNOWN = "?"  # a URL whose loopback status is not known yet
_LOG_SIZE = 10_000  # entries kept in the request journal and the delivery log


class MockError(Exception):
    """Raise from a seam to answer the error envelope ``{code, msg, data: null}``.

    Args:
        code: The envelope code (401, 402, 404, 422...).
        msg: The message; ``MockApp.MESSAGES[code]`` when omitted.
        headers: Extra response headers (``Retry-After``).
    """

    def __init__(self, code: int, msg: str | None = None, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(code, msg)
        self.code = code
        self.msg = msg
        self.headers = headers


class ConnectionDroppedError(ConnectionError):
    """Raised in-process (no socket to close) where a served mock drops the connection without answering."""


class RequestRecord(NamedTuple):
    """One API request as the mock saw it (``MockApp.requests``, ``GET /_mock/requests``).

    Attributes:
        route: ``submit`` or ``record-info``.
        method: HTTP method.
        path: URL path.
        code: Envelope code answered; ``None`` when the connection was dropped before processing.
        fault: The fault applied, as a spec (``""`` for none).
    """

    route: str
    method: str
    path: str
    code: int | None
    fault: str


@attrs.define
class _ArmedFault:
    fault: Fault
    route: str | None
    remaining: int


def header(request: Request, name: bytes) -> str | None:
    """Return the request header ``name`` (lower-case bytes), or ``None``: the first occurrence, as
    ``request.headers.get`` gives, from a dict built once per request (a request looks up several headers)."""
    scope = request.scope
    found: dict[bytes, bytes] | None = scope.get(_HEADERS)
    if found is None:
        # dict() keeps the last of repeated keys: built from the reversed list, it keeps the first.
        found = scope[_HEADERS] = dict(reversed(scope["headers"]))
    value = found.get(name)
    return None if value is None else str(value.decode("latin-1"))


class JSONBytes(Response):
    """A JSON answer from bytes already encoded: a ``Response`` that skips header bookkeeping when it can."""

    media_type = JSON_TYPE

    def __init__(self, body: bytes, status_code: int = 200, headers: Mapping[str, str] | None = None) -> None:
        if headers:
            super().__init__(body, status_code, headers, JSON_TYPE)
            return
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = [(b"content-length", str(len(body)).encode()), (b"content-type", _JSON_TYPE_BYTES)]


def task_id_param(request: Request) -> str | None:
    """Return the ``taskId`` query parameter: a plain ``taskId=<id>`` query is read without parsing it."""
    raw: bytes = request.scope.get("query_string", b"")
    if raw.startswith(b"taskId=") and not any(mark in raw for mark in (b"&", b"%", b"+", b";")):
        return raw[7:].decode("latin-1")
    return request.query_params.get("taskId")


async def read_body(request: Request) -> bytes:
    """Return the request body: ``request.body()`` without its async generator, for the hot path."""
    chunks = []
    while True:
        message = await request.receive()
        if message["type"] != "http.request":
            raise ClientDisconnect
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _make_encoder() -> Callable[[Any], bytes]:
    """Return a compact UTF-8 JSON encoder, built once: ``json.dumps`` rebuilds its C encoder on every call."""
    options = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)  # CPython's accelerator; not in the typeshed stubs
    if make is None:
        return lambda payload: options.encode(payload).encode()
    # markers=None skips the circular-reference check: the mock's payloads are trees it builds itself.
    iterencode = make(None, options.default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda payload: "".join(iterencode(payload, 0)).encode()


_encode = _make_encoder()


class MockApp:
    """A stateful kie.ai sandbox. Subclass it and override one method to make a variant.

    Args:
        settings: The configuration; ``MockSettings()`` when omitted.
        clock: Moves the tasks; a ``VirtualClock`` running with real time when omitted.
        timer: Monotonic seconds for the rate limiter.
        callback_transport: httpx transport for callbacks (tests pass an ``httpx.MockTransport``).

    Runtime state, safe to change from a test: ``maintenance`` (bool) and ``credits`` (``None`` = unlimited).
    """

    ROUTES: ClassVar[Mapping[str, str]] = {"submit": SUBMIT_PATH, "record-info": RECORD_INFO_PATH}
    MESSAGES: ClassVar[Mapping[int, str]] = {
        200: "success",
        401: "You do not have access permissions: the bearer token is missing or not accepted.",
        402: "The current credits are insufficient. Please top up.",
        404: "Not found.",
        405: "Method not allowed.",
        409: "Conflict: the record already exists.",
        422: "The request parameters failed validation.",
        429: "Rate limited: too many requests, retry after the number of seconds in Retry-After.",
        451: "Failed to fetch the source audio: check the access limits of uploadUrl.",
        455: "The system is currently undergoing maintenance. Please try again later.",
        500: "Internal server error.",
    }

    def __init__(
        self,
        settings: MockSettings | None = None,
        *,
        clock: Clock | None = None,
        timer: Callable[[], float] = time.monotonic,
        callback_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings if settings is not None else MockSettings()
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.seed: int = self.settings.seed if self.settings.seed is not None else secrets.randbits(32)
        self.maintenance: bool = self.settings.maintenance
        self.credits: float | None = self.settings.credits
        self._task_ids = TaskIds(self.seed)
        keys = self.settings.api_keys
        self._keys = frozenset(keys)
        self._any_key = "*" in self._keys
        self._accepted = frozenset(f"Bearer {key}" for key in keys)
        self._limiter = (
            RateLimiter(self.settings.rate_limit, self.settings.rate_burst, timer) if self.settings.rate_limit else None
        )
        self._settings_fault = parse_fault(self.settings.fault)
        first, second, third = self.settings.stage_seconds
        self._offsets = (0.0, first, first + second, first + second + third)
        self._tasks: dict[str, Task] = {}
        self._base_urls: dict[tuple[Any, ...], str] = {}
        self._refusals: dict[str, str | None] = {}
        self._answers: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self._count = 0
        self._due: list[tuple[float, int, Task]] = []
        self._due_seq = 0
        self._lock = threading.Lock()
        self._armed: list[_ArmedFault] = []
        self._journal: deque[RequestRecord] = deque(maxlen=_LOG_SIZE)
        self._deliveries: deque[Delivery] = deque(maxlen=_LOG_SIZE)
        self._pending: set[asyncio.Task[None]] = set()
        self._chains: dict[str, asyncio.Task[None]] = {}
        self._callback_transport = callback_transport
        self._http: httpx.AsyncClient | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._next_wake = math.inf
        self._spec = effective_spec_path().read_bytes()
        self._app: Starlette | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        """The event loop serving the app, once started (``MockServer`` uses it to step the clock)."""

    # ------------------------------------------------------------------------------------------------ the app

    @property
    def app(self) -> Starlette:
        """The Starlette app (built on first use; ``app.state.mock`` is this object)."""
        if self._app is None:
            self._app = self.build_app()
        return self._app

    def routes(self) -> list[Route]:
        """Return the routes: the two API operations, the spec, and the ``/_mock`` debug endpoints."""
        return [
            Route(SUBMIT_PATH, self._endpoint("submit", self.handle_submit), methods=["POST"]),
            Route(RECORD_INFO_PATH, self._endpoint("record-info", self.handle_record_info), methods=["GET"]),
            Route("/openapi.yaml", self._openapi, methods=["GET"]),
            Route("/openapi.json", self._openapi, methods=["GET"]),
            Route("/_mock", self._debug_index, methods=["GET"]),
            Route("/_mock/state", self._debug_state, methods=["GET"]),
            Route("/_mock/tasks/{task_id}", self._debug_task, methods=["GET"]),
            Route("/_mock/requests", self._debug_requests, methods=["GET"]),
            Route("/_mock/deliveries", self._debug_deliveries, methods=["GET"]),
            Route("/_mock/advance", self._debug_advance, methods=["POST"]),
            Route("/_mock/faults", self._debug_faults, methods=["POST", "DELETE"]),
            Route("/_mock/maintenance", self._debug_maintenance, methods=["POST"]),
            Route("/_mock/credits", self._debug_credits, methods=["POST"]),
            Route("/_mock/files/{name}", self._debug_file, methods=["GET"]),
        ]

    def build_app(self) -> Starlette:
        """Build the Starlette app; error pages are envelopes too (404/405 routing errors, 500 crashes)."""
        app = Starlette(
            routes=self.routes(),
            lifespan=self._lifespan,
            exception_handlers={HTTPException: self._http_exception, Exception: self._crash},
        )
        app.state.mock = self
        return app

    @contextlib.asynccontextmanager
    async def _lifespan(self, _: Starlette) -> AsyncIterator[None]:
        await self.startup()
        try:
            yield
        finally:
            await self.aclose()

    async def startup(self) -> None:
        """Start the ticker that moves tasks and sends callbacks on time (the lifespan does this)."""
        self.loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._ticker = self.loop.create_task(self._tick(), name="suno_conformance.mock ticker")

    async def aclose(self) -> None:
        """Stop the ticker, cancel the deliveries still under way (recorded as ``cancelled``), close the client."""
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        pending = list(self._pending)
        for job in pending:
            job.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    # ----------------------------------------------------------------------------------- state, for tests

    @property
    def tasks(self) -> dict[str, Task]:
        """A snapshot of the tasks by id."""
        return dict(self._tasks)

    def get_task(self, task_id: str) -> Task | None:
        """Return the task ``task_id``, if any."""
        return self._tasks.get(task_id)

    @property
    def deliveries(self) -> list[Delivery]:
        """A snapshot of the callback deliveries, oldest first (the last 10,000)."""
        return list(self._deliveries)

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the API requests received, oldest first (the last 10,000)."""
        return list(self._journal)

    def arm_fault(self, spec: str | Fault, *, route: str | None = None, times: int = 1) -> None:
        """Apply ``spec`` to the next ``times`` API requests (of ``route`` only, when given).

        A ``X-Mock-Fault`` header wins over an armed fault; an armed fault wins over the ``fault`` setting.
        """
        fault = parse_fault(spec) if isinstance(spec, str) else spec
        if fault is None:
            raise ValueError(f"'spec' must name at least one fault, got {spec!r}")
        if route is not None and route not in self.ROUTES:
            raise ValueError(f"'route' must be one of {', '.join(self.ROUTES)} or None, got {route!r}")
        if times < 1:
            raise ValueError(f"'times' must be >= 1, got {times!r}")
        with self._lock:
            self._armed.append(_ArmedFault(fault, route, times))

    def clear_faults(self) -> None:
        """Forget the armed faults."""
        with self._lock:
            self._armed.clear()

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

    # ------------------------------------------------------------------------------------- request pipeline

    def _endpoint(
        self, route: str, handler: Callable[[Request], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        # A partial, not a closure: Starlette unwraps it, and each request runs one coroutine frame less.
        return functools.partial(self._dispatch, route=route, handler=handler)

    async def _dispatch(
        self, request: Request, route: str, handler: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        fault: Fault | None = None
        code: int | None = 200
        try:
            fault = self.fault_for(request, route)
            if fault is not None and await self._fault_before(request, route, fault):
                return Response(status_code=500)  # never sent: the socket is closed
            self._admit(request)
            response = await handler(request)
        except MockError as error:
            code = error.code
            response = self.error_response(error.code, error.msg, headers=error.headers)
        self._record(route, request, code, fault)
        if fault is not None:
            if fault.malformed:
                response = self.malformed(response)
            if fault.drop == "after":
                await self.drop_connection(request)
        return response

    async def _fault_before(self, request: Request, route: str, fault: Fault) -> bool:
        """Apply the part of ``fault`` that comes before processing; ``True`` when the connection is gone."""
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.drop == "before":
            self._record(route, request, None, fault)
            await self.drop_connection(request)
            return True
        if fault.code is not None:
            retry = self.retry_after(1) if fault.code == 429 else None
            raise MockError(fault.code, f"{self.message(fault.code)} (injected fault)", headers=retry)
        return False

    def _admit(self, request: Request) -> None:
        """Raise the error envelope of maintenance (455), a missing or wrong key (401) or the rate limit (429)."""
        if self.in_maintenance():
            raise MockError(455)
        key = self.authenticate(request)
        if key is None:
            raise MockError(401, headers={"WWW-Authenticate": "Bearer"})
        wait = self.rate_limit(key)
        if wait > 0:
            raise MockError(429, headers=self.retry_after(wait))

    def retry_after(self, seconds: float) -> dict[str, str]:
        """Return the headers of a 429: ``Retry-After`` in whole seconds, rounded up, at least 1."""
        return {"Retry-After": str(max(1, math.ceil(seconds)))}

    def _record(self, route: str, request: Request, code: int | None, fault: Fault | None) -> None:
        scope = request.scope
        # deque.append and list(deque) each run without releasing the GIL: no lock needed between threads.
        self._journal.append(
            RequestRecord(route, scope["method"], scope["path"], code, "" if fault is None else str(fault))
        )

    def fault_for(self, request: Request, route: str) -> Fault | None:
        """Return the fault to apply: the ``X-Mock-Fault`` header, else an armed fault, else the setting."""
        spec = header(request, FAULT_HEADER)
        if spec is not None:
            try:
                return parse_fault(spec)
            except ValueError as exc:
                raise MockError(422, f"X-Mock-Fault: {exc}") from None
        if self._armed:
            with self._lock:
                for armed in self._armed:
                    if armed.route is None or armed.route == route:
                        armed.remaining -= 1
                        if armed.remaining <= 0:
                            self._armed.remove(armed)
                        return armed.fault
        return self._settings_fault

    def in_maintenance(self) -> bool:
        """Whether every API request gets 455."""
        return self.maintenance

    def authenticate(self, request: Request) -> str | None:
        """Return the accepted API key of ``request``, or ``None`` (401)."""
        value = header(request, b"authorization")
        if value is None:
            return None
        if value in self._accepted:
            return value[7:]
        scheme, _, token = value.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            return None
        return token if self._any_key or token in self._keys else None

    def rate_limit(self, key: str) -> float:
        """Take a request from ``key``'s budget: 0 when allowed, else the seconds to wait (429)."""
        return 0.0 if self._limiter is None else self._limiter.acquire(key)

    # ------------------------------------------------------------------------------------------------ submit

    async def handle_submit(self, request: Request) -> Response:
        """``POST /api/v1/generate/upload-extend``: validate, pick the outcome, charge, create the task."""
        raw = await read_body(request)
        try:
            body = json.loads(raw)
        except ValueError:
            raise MockError(422, "The body is not valid JSON.") from None
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
        """Return the outcome: the ``X-Mock-Outcome`` header, a ``[mock:OUTCOME]`` prompt marker, or the default."""
        name = header(request, OUTCOME_HEADER) or outcome_marker(body.get("prompt"))
        if name is None:
            return self.settings.default_outcome
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
            raw=request.scope.get(_RAW_BODY) or _encode(body),
            callback_url=str(body.get("callBackUrl", "")),
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

    def submit_payload(self, task: Task) -> dict[str, Any]:
        """Return the submit answer's ``data``."""
        return {"taskId": task.task_id}

    # ------------------------------------------------------------------------------------------ record-info

    async def handle_record_info(self, request: Request) -> Response:
        """``GET /api/v1/generate/record-info?taskId=``: the task as it stands on the clock now."""
        task_id = task_id_param(request)
        if not task_id:
            raise MockError(422, "taskId is required: GET /api/v1/generate/record-info?taskId=<the submit's taskId>")
        task = self.find_task(task_id)
        if not task.finished:
            self.advance_task(task, self.clock.now())
        return self.record_info_response(task)

    def find_task(self, task_id: str) -> Task:
        """Return the task ``task_id``; an unknown id answers 404."""
        task = self._tasks.get(task_id)
        if task is None:
            raise MockError(404, f"No task with taskId {task_id!r}.")
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
        body = _encode(self.envelope(200, "success", self.record_info_payload(task)))
        cache[task.task_id] = (task.step, body)
        if len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
        return JSONBytes(body)

    def record_info_payload(self, task: Task) -> dict[str, Any]:
        """Return record-info ``data``: a TaskRecord with camelCase tracks and ``param`` as a JSON string."""
        step = task.current
        response = None
        if step.tracks is not None:
            listed = [
                track if index < step.tracks else placeholder(track) for index, track in enumerate(self.tracks(task))
            ]
            response = {"taskId": task.task_id, "sunoData": [self.record_track(track) for track in listed]}
        return {
            "taskId": task.task_id,
            "parentMusicId": "",
            "param": task.param,
            "response": response,
            "status": step.status,
            "type": "GENERATE",
            "operationType": "upload_extend",
            "errorCode": step.error_code,
            "errorMessage": step.error_message,
            "createTime": int(task.created_at * 1000),
        }

    def tracks(self, task: Task) -> tuple[Track, ...]:
        """Return the finished tracks of ``task`` (deterministic under the seed)."""
        return make_tracks(self.seed, task)

    def record_track(self, track: Track) -> dict[str, Any]:
        """Render a track as record-info does (camelCase)."""
        return {
            "id": track.id,
            "audioUrl": track.audio_url,
            "sourceAudioUrl": track.source_audio_url,
            "streamAudioUrl": track.stream_audio_url,
            "sourceStreamAudioUrl": track.source_stream_audio_url,
            "imageUrl": track.image_url,
            "sourceImageUrl": track.source_image_url,
            "prompt": track.prompt,
            "modelName": track.model_name,
            "title": track.title,
            "tags": track.tags,
            "createTime": track.create_time,
            "duration": track.duration,
        }

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

    # ------------------------------------------------------------------------------------------- callbacks

    def _queue_callback(self, task: Task, step: Step, at: float) -> None:
        if not self.settings.send_callbacks:
            return
        previous = self._chains.get(task.task_id)
        if previous is None:
            # A URL already refused is refused again on the spot: no asyncio task for the common
            # `https://example.com/callback` of a load test.
            url = task.callback_url
            refusal = self._refusals.get(url, _UNKNOWN)
            if refusal is not _UNKNOWN and refusal is not None:
                self._log_delivery(Delivery(task.task_id, str(step.callback), url, "refused", error=refusal, at=at))
                return
        job = asyncio.get_running_loop().create_task(self._deliver_after(previous, task, step, at))
        self._pending.add(job)
        self._chains[task.task_id] = job
        job.add_done_callback(functools.partial(self._delivery_done, task.task_id))

    def _delivery_done(self, task_id: str, job: asyncio.Task[None]) -> None:
        self._pending.discard(job)
        if self._chains.get(task_id) is job:
            del self._chains[task_id]

    async def _deliver_after(self, previous: asyncio.Task[None] | None, task: Task, step: Step, at: float) -> None:
        # One task's callbacks go out in order: `first` never overtakes a `text` that is being retried.
        try:
            if previous is not None and not previous.done():
                await asyncio.wait({previous})
            delivery = await self.deliver_callback(task, step, at)
        except asyncio.CancelledError:
            self._log_delivery(Delivery(task.task_id, str(step.callback), task.callback_url, "cancelled", at=at))
            raise
        except Exception as exc:
            logger.exception("callback delivery for task %s crashed", task.task_id)
            delivery = Delivery(task.task_id, str(step.callback), task.callback_url, "failed", error=repr(exc), at=at)
        self._log_delivery(delivery)

    def _log_delivery(self, delivery: Delivery) -> None:
        self._deliveries.append(delivery)

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            # trust_env=False: a proxy variable must not route callbacks off this machine; no redirects either.
            self._http = httpx.AsyncClient(
                transport=self._callback_transport,
                trust_env=False,
                follow_redirects=False,
                timeout=self.settings.callback_timeout,
            )
        return self._http

    async def deliver_callback(self, task: Task, step: Step, at: float) -> Delivery:
        """POST the callback of ``step`` to the task's ``callBackUrl`` (loopback only), with bounded retries."""
        url = task.callback_url
        kind = str(step.callback)
        refusal = await self.callback_refusal(url)
        if len(self._refusals) >= 1024:
            self._refusals.clear()
        self._refusals[url] = refusal
        if refusal is not None:
            return Delivery(task.task_id, kind, url, "refused", error=refusal, at=at)
        payload = self.callback_payload(task, step)
        content = _encode(payload)
        status: int | None = None
        error: str | None = None
        headers: dict[str, str] = {}
        attempts = 0
        for attempt in range(self.settings.callback_retries + 1):
            if attempt:
                await asyncio.sleep(self.settings.callback_backoff * 2 ** (attempt - 1))
            headers = {"Content-Type": JSON_TYPE, "User-Agent": USER_AGENT}
            headers.update(self.sign_callback(task.task_id, self.callback_timestamp()))
            attempts += 1
            try:
                answer = await self._client().post(url, content=content, headers=headers)
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
                continue
            status = answer.status_code
            if 200 <= status < 300:
                return Delivery(task.task_id, kind, url, "delivered", attempts, status, None, payload, headers, at)
            error = f"the receiver answered HTTP {status}"
        return Delivery(task.task_id, kind, url, "failed", attempts, status, error, payload, headers, at)

    async def callback_refusal(self, url: str) -> str | None:
        """Return why ``url`` must not be called (not a loopback host), or ``None`` to send."""
        return await loopback_refusal(url)

    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        """Return the documented callback body: snake_case tracks, the finished ones only; null on error."""
        tracks = None
        if step.tracks is not None:
            tracks = [self.callback_track(track) for track in self.tracks(task)[: step.tracks]]
        return {
            "code": step.callback_code,
            "msg": step.callback_msg,
            "data": {"callbackType": step.callback, "task_id": task.task_id, "data": tracks},
        }

    def callback_track(self, track: Track) -> dict[str, Any]:
        """Render a track as callbacks do (snake_case)."""
        return {
            "id": track.id,
            "audio_url": track.audio_url,
            "source_audio_url": track.source_audio_url,
            "stream_audio_url": track.stream_audio_url,
            "source_stream_audio_url": track.source_stream_audio_url,
            "image_url": track.image_url,
            "source_image_url": track.source_image_url,
            "prompt": track.prompt,
            "model_name": track.model_name,
            "title": track.title,
            "tags": track.tags,
            "createTime": track.create_time,
            "duration": track.duration,
        }

    def callback_timestamp(self) -> int:
        """Return the ``X-Webhook-Timestamp``: real Unix seconds, since receivers check it against their clock."""
        return int(time.time())

    def sign_callback(self, task_id: str, timestamp: int) -> dict[str, str]:
        """Return the signature headers (none without a ``webhook_key``)."""
        key = self.settings.webhook_key
        if key is None:
            return {}
        return {
            "X-Webhook-Timestamp": str(timestamp),
            "X-Webhook-Signature": compute_signature(key, task_id, timestamp),
        }

    # -------------------------------------------------------------------------------------------- responses

    def message(self, code: int) -> str:
        """Return the default ``msg`` of ``code``."""
        return self.MESSAGES.get(code, f"Error {code}.")

    def envelope(self, code: int, msg: str, data: Any) -> dict[str, Any]:
        """Return the envelope ``{code, msg, data}``."""
        return {"code": code, "msg": msg, "data": data}

    def http_status(self, code: int) -> int:
        """Return the HTTP status of an envelope ``code``: 200 upstream-style, the code itself in status style."""
        return code if self.settings.error_style == "status" else 200

    def success_response(self, data: Any) -> Response:
        """Return ``{code: 200, msg: "success", data}``."""
        return JSONBytes(_encode(self.envelope(200, "success", data)))

    def error_response(
        self, code: int, msg: str | None = None, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        """Return the error envelope ``{code, msg, data: null}`` in the configured error style."""
        body = _encode(self.envelope(code, msg or self.message(code), None))
        return JSONBytes(body, self.http_status(code), headers)

    def malformed(self, response: Response) -> Response:
        """Return ``response`` with its JSON body cut in half: HTTP 200, JSON content type, unparseable."""
        body = bytes(response.body)
        return JSONBytes(body[: max(1, len(body) // 2)])

    async def drop_connection(self, request: Request) -> None:
        """Close the client's socket without answering (in-process, where there is none: ``ConnectionDroppedError``)."""
        # Starlette hands the server's own `receive` down unchanged: under uvicorn it is a method of the
        # per-request cycle, which owns the connection's transport.
        cycle = getattr(request.receive, "__self__", None)
        transport = getattr(cycle, "transport", None)
        if not isinstance(transport, asyncio.Transport):
            raise ConnectionDroppedError("the mock dropped the connection without answering (fault injection)")
        transport.abort()
        # Let the server see the connection lost before the app returns, so it does not try to answer.
        for _ in range(100):
            if getattr(cycle, "disconnected", True):
                break
            await asyncio.sleep(0)

    async def _http_exception(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = exc.status_code
        msg = f"No route {request.method} {request.url.path}." if code == 404 else self.message(code)
        return self.error_response(code, msg, headers=exc.headers)

    async def _crash(self, request: Request, exc: Exception) -> Response:
        if isinstance(exc, ConnectionDroppedError | ClientDisconnect):  # intended, or the client left: no alarm
            return self.error_response(500)
        logger.error("the mock crashed on %s %s", request.method, request.url.path, exc_info=exc)
        return self.error_response(500)

    # ---------------------------------------------------------------------------------- spec and debug API

    async def _openapi(self, request: Request) -> Response:
        media = JSON_TYPE if request.url.path.endswith(".json") else "application/yaml"
        return Response(self._spec, media_type=media)

    def state(self) -> dict[str, Any]:
        """Return the mock's state as JSON-ready data (``GET /_mock/state``)."""
        statuses: dict[str, int] = {}
        for task in list(self._tasks.values()):
            statuses[task.status] = statuses.get(task.status, 0) + 1
        return {
            "seed": self.seed,
            "clock": self.clock.now(),
            "credits": self.credits,
            "maintenance": self.maintenance,
            "error_style": self.settings.error_style,
            "tasks": len(self._tasks),
            "statuses": statuses,
            "pending_deliveries": len(self._pending),
        }

    async def _debug_index(self, _: Request) -> Response:
        return JSONResponse(
            {
                "mock": "kie.ai Suno upload-extend sandbox",
                "operations": {"submit": f"POST {SUBMIT_PATH}", "record-info": f"GET {RECORD_INFO_PATH}?taskId="},
                "spec": "/openapi.yaml",
                "headers": {
                    "X-Mock-Outcome": list(OUTCOMES),
                    "X-Mock-Fault": "500 | delay=0.5 | malformed-json | drop-connection[=before]",
                },
                "debug": [
                    "GET /_mock/state",
                    "GET /_mock/tasks/{taskId}",
                    "GET /_mock/requests",
                    "GET /_mock/deliveries",
                    "POST /_mock/advance",
                    "POST|DELETE /_mock/faults",
                    "POST /_mock/maintenance",
                    "POST /_mock/credits",
                ],
            }
        )

    async def _debug_state(self, _: Request) -> Response:
        return JSONResponse(self.state())

    async def _debug_task(self, request: Request) -> Response:
        task = self._tasks.get(request.path_params["task_id"])
        if task is None:
            return JSONResponse({"error": "no such task"}, status_code=404)
        self.advance_task(task, self.clock.now())
        return JSONResponse(
            {
                "taskId": task.task_id,
                "outcome": task.outcome,
                "status": task.status,
                "step": task.step,
                "createdAt": task.created_at,
                "nextStepAt": None if task.finished else self.due_time(task, task.step + 1),
            }
        )

    async def _debug_requests(self, _: Request) -> Response:
        return JSONResponse([record._asdict() for record in self.requests])

    async def _debug_deliveries(self, request: Request) -> Response:
        task_id = request.query_params.get("taskId")
        found = [item.to_json() for item in self.deliveries if task_id is None or item.task_id == task_id]
        return JSONResponse(found)

    async def _json_object(self, request: Request) -> dict[str, Any] | None:
        try:
            data = await request.json()
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def _debug_advance(self, request: Request) -> Response:
        seconds = (await self._json_object(request) or {}).get("seconds")
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            return _bad_request("the body must be a JSON object with 'seconds', a number >= 0")
        try:
            await self.advance(seconds)
        except TypeError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        return JSONResponse(self.state())

    async def _debug_faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.clear_faults()
            return JSONResponse({"armed": 0})
        data = await self._json_object(request) or {}
        try:
            self.arm_fault(str(data.get("fault", "")), route=data.get("route"), times=int(data.get("times", 1)))
        except (TypeError, ValueError) as exc:
            return _bad_request(str(exc))
        return JSONResponse({"armed": len(self._armed)})

    async def _debug_maintenance(self, request: Request) -> Response:
        enabled = (await self._json_object(request) or {}).get("enabled")
        if not isinstance(enabled, bool):
            return _bad_request("the body must be a JSON object with 'enabled', true or false")
        self.maintenance = enabled
        return JSONResponse(self.state())

    async def _debug_credits(self, request: Request) -> Response:
        credits = (await self._json_object(request) or {}).get("credits", "missing")
        if credits is not None and (not isinstance(credits, int | float) or isinstance(credits, bool) or credits < 0):
            return _bad_request("the body must be a JSON object with 'credits', a number >= 0 or null (unlimited)")
        self.credits = credits
        return JSONResponse(self.state())

    async def _debug_file(self, request: Request) -> Response:
        content, media = file_for(request.path_params["name"])
        return Response(content, media_type=media)


def _bad_request(error: str) -> Response:
    return JSONResponse({"error": error}, status_code=400)


def create_app(
    settings: MockSettings | None = None, *, mock_class: type[MockApp] = MockApp, **kwargs: Any
) -> Starlette:
    """Return the Starlette app of a new mock (reach the ``MockApp`` as ``app.state.mock``).

    Args:
        settings: The configuration; ``MockSettings()`` when omitted.
        mock_class: ``MockApp`` or a variant of it.
        **kwargs: Passed to ``mock_class`` (``clock``, ``timer``, ``callback_transport``).
    """
    return mock_class(settings, **kwargs).app
