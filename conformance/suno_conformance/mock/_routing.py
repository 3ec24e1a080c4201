"""Routing: the Starlette app, the request pipeline every API request goes through, and how answers are rendered.

Every API request goes through ``_dispatch``: fault (header, armed or setting) -> maintenance (455) ->
``authenticate`` (401) -> ``rate_limit`` (429) -> the route's handler (422, 402, 404...). Seams raise
``MockError(code, msg)`` to answer an error envelope; ``error_response`` renders it in the configured style.
The layers above add their routes (``routes`` calls ``super().routes()``) and their start-up and shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, ClassVar

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from suno_api.spec import effective_spec_path, names
from suno_conformance.mock._clock import Clock, VirtualClock
from suno_conformance.mock._faults import FAULT_HEADER, Fault, parse_fault
from suno_conformance.mock._http import (
    JSON_TYPE,
    ConnectionDroppedError,
    JSONBytes,
    MockError,
    RequestRecord,
    encode,
    header,
)
from suno_conformance.mock._limits import RateLimiter
from suno_conformance.mock._settings import MockSettings

logger = logging.getLogger("suno_conformance.mock")

LOG_SIZE = 10_000  # entries kept in the request journal and the delivery log


@attrs.define
class _ArmedFault:
    fault: Fault
    route: str | None
    remaining: int


Handler = Callable[[Request], Awaitable[Response]]


@functools.cache
def _envelope_keys() -> tuple[str, str, str]:
    """Return the envelope's keys, read from the spec once (every answer is an envelope)."""
    spec_names = names()
    return spec_names.envelope_code, spec_names.envelope_msg, spec_names.envelope_data


class Routing:
    """The base layer of ``MockApp``: shared state, the app and its pipeline, and the answers' envelopes."""

    ROUTES: ClassVar[tuple[str, ...]] = ("submit", "record-info")
    """The API operations a fault can be limited to (their paths come from the spec, see ``TaskLifecycle.routes``)."""
    MESSAGES: ClassVar[Mapping[int, str]] = {
        200: "success",
        401: "You do not have access permissions: the bearer token is missing or not accepted.",
        402: "The current credits are insufficient. Please top up.",
        404: "Not found.",
        405: "Method not allowed.",
        408: "The request did not arrive in time.",
        409: "Conflict: the record already exists.",
        413: "The request body is too large.",
        422: "The request parameters failed validation.",
        429: "Rate limited: too many requests, retry after the number of seconds in Retry-After.",
        451: "Failed to fetch the source audio: check the access limits of its URL.",
        455: "The system is currently undergoing maintenance. Please try again later.",
        500: "Internal server error.",
    }

    def __init__(
        self,
        settings: MockSettings | None = None,
        *,
        clock: Clock | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings if settings is not None else MockSettings()
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.seed: int = self.settings.seed if self.settings.seed is not None else secrets.randbits(32)
        self.maintenance: bool = self.settings.maintenance
        self.credits: float | None = self.settings.credits
        keys = self.settings.api_keys
        self._keys = frozenset(keys)
        self._any_key = "*" in self._keys
        self._accepted = frozenset(f"Bearer {key}" for key in keys)
        self._timer = timer
        self._limiter = self._new_limiter()
        self._settings_fault = parse_fault(self.settings.fault)
        self._lock = threading.Lock()
        self._armed: list[_ArmedFault] = []
        self._journal: deque[RequestRecord] = deque(maxlen=LOG_SIZE)
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
            Route("/openapi.yaml", self._openapi, methods=["GET"]),
            Route("/openapi.json", self._openapi, methods=["GET"]),
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

    async def aclose(self) -> None:
        """Stop the ticker, cancel the deliveries still under way (recorded as ``cancelled``), close the client."""

    async def reset(self) -> None:
        """Return to a fresh mock's state: forget requests and armed faults; balance and maintenance as set.

        Every layer forgets its own state (``super().reset()`` first); call it on the serving loop
        (``MockServer.reset`` does). The clock keeps its time.
        """
        self._journal.clear()
        self.clear_faults()
        self.maintenance = self.settings.maintenance
        self.credits = self.settings.credits
        self._limiter = self._new_limiter()

    def _new_limiter(self) -> RateLimiter | None:
        settings = self.settings
        return RateLimiter(settings.rate_limit, settings.rate_burst, self._timer) if settings.rate_limit else None

    async def _openapi(self, request: Request) -> Response:
        media = JSON_TYPE if request.url.path.endswith(".json") else "application/yaml"
        return Response(self._spec, media_type=media)

    # ------------------------------------------------------------------------------------- request pipeline

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

    def _endpoint(self, route: str, handler: Handler) -> Handler:
        # A partial, not a closure: Starlette unwraps it, and each request runs one coroutine frame less.
        return functools.partial(self._dispatch, route=route, handler=handler)

    async def _dispatch(self, request: Request, route: str, handler: Handler) -> Response:
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
            if error.status is not None:
                response.status_code = error.status
        except ClientDisconnect:
            # The client hung up mid-body: nobody to answer, nothing to alarm about. Returning (not raising) keeps
            # Starlette's error middleware from re-raising it for uvicorn to log as a crash with a traceback.
            self._record(route, request, None, fault)
            return Response(status_code=400)
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

    # -------------------------------------------------------------------------------------------- responses

    def message(self, code: int) -> str:
        """Return the default ``msg`` of ``code``."""
        return self.MESSAGES.get(code, f"Error {code}.")

    def envelope(self, code: int, msg: str, data: Any) -> dict[str, Any]:
        """Return the envelope ``{code, msg, data}``."""
        code_key, msg_key, data_key = _envelope_keys()
        return {code_key: code, msg_key: msg, data_key: data}

    def http_status(self, code: int) -> int:
        """Return the HTTP status of an envelope ``code``: 200 upstream-style, the code itself in status style."""
        return code if self.settings.error_style == "status" else 200

    def success_response(self, data: Any) -> Response:
        """Return ``{code: 200, msg: "success", data}``."""
        return JSONBytes(encode(self.envelope(200, "success", data)))

    def error_response(
        self, code: int, msg: str | None = None, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        """Return the error envelope ``{code, msg, data: null}`` in the configured error style."""
        body = encode(self.envelope(code, msg or self.message(code), None))
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
