"""Serve a mock over real sockets: uvicorn on a loopback address, in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from suno_conformance.mock._app import MockApp
from suno_conformance.mock._settings import MockSettings

_VERBOSE_LEVELS = ("info", "debug", "trace")
_MAX_HEADER_BYTES = 16 * 1024  # h11's own default, made explicit: a request's headers are a few hundred bytes


def bind_socket(host: str, port: int) -> socket.socket:
    """Return a listening TCP socket on ``host``:``port`` (0 picks a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and
    # without it every answer (headers, then body) waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # listening before the URL is printed: early clients wait in the backlog
    except OSError:
        sock.close()
        raise
    return sock


def url_for(host: str, port: int) -> str:
    """Return ``http://host:port`` (IPv6 hosts in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _HeaderDeadline(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers are not complete in time.

    uvicorn's keep-alive timeout stops at the first byte of a request, and h11 waits for the rest for good: 20
    clients sending a header line a minute would hold 20 connections open indefinitely. A timer armed when a
    request starts (the connection opens, or bytes arrive on an idle one) closes the connection unless a new
    request cycle (complete headers) began meanwhile; the body has its own deadline in the app.
    """

    header_timeout = 10.0  # set per server by _protocol_class

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        cycle: RequestResponseCycle | None = self.cycle  # None before the first request
        if self._deadline is None and (cycle is None or cycle.response_complete):
            self._arm()
        super().data_received(data)
        if self._deadline is not None and self.cycle is not self._armed_for:
            # The headers are complete: a request cycle began. The next request arms its own deadline.
            self._deadline.cancel()
            self._deadline = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._armed_for: object = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout, self._expire)

    def _expire(self) -> None:
        self._deadline = None
        if self.cycle is self._armed_for and not self.transport.is_closing():
            self.transport.close()


def _protocol_class(header_timeout: float) -> type[asyncio.Protocol]:
    return type("MockH11Protocol", (_HeaderDeadline,), {"header_timeout": header_timeout})


def uvicorn_config(mock: MockApp, *, log_config: Any = None) -> uvicorn.Config:
    """Return the uvicorn configuration that serves ``mock`` (h11, with the settings' connection limits)."""
    settings = mock.settings
    level = settings.log_level
    return uvicorn.Config(
        mock.app,
        http=_protocol_class(settings.header_timeout),
        log_level=level,
        log_config=log_config,
        access_log=level in _VERBOSE_LEVELS,
        lifespan="on",
        timeout_graceful_shutdown=3,
        limit_concurrency=settings.max_connections,
        # h11 refuses request headers larger than this (431) rather than buffering them without end.
        h11_max_incomplete_event_size=_MAX_HEADER_BYTES,
    )


class MockServer:
    """A mock served by uvicorn on loopback in a background thread; a context manager.

    Args:
        settings: The configuration (``host``, ``port``...); ``MockSettings()`` when omitted.
        mock: An existing ``MockApp`` (or variant) to serve instead of a new one.
        **kwargs: Passed to ``MockApp`` when ``mock`` is omitted (``clock``, ``timer``, ``callback_transport``).

    Example::

        with MockServer(MockSettings(stage_seconds=0)) as server:
            client = SunoClient(api_key="mock-api-key", base_url=server.url)
    """

    def __init__(self, settings: MockSettings | None = None, *, mock: MockApp | None = None, **kwargs: Any) -> None:
        if mock is None:
            mock = MockApp(settings, **kwargs)
        elif settings is not None or kwargs:
            raise TypeError("give either 'mock' or the arguments to build one ('settings', 'clock'...), not both")
        self.mock = mock
        self.settings = mock.settings
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """The base URL (``http://127.0.0.1:PORT``); pass it to the client as ``base_url``."""
        if self.port is None:
            raise RuntimeError("the mock server is not started")
        return url_for(self.settings.host, self.port)

    def start(self, timeout: float = 10.0) -> MockServer:
        """Bind, start serving and return once requests are answered.

        Raises:
            OSError: the address is in use.
            RuntimeError: already started, or uvicorn did not come up within ``timeout``.
        """
        if self._thread is not None:
            raise RuntimeError("the mock server is already started")
        sock = bind_socket(self.settings.host, self.settings.port)
        server = uvicorn.Server(uvicorn_config(self.mock))
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="suno_conformance.mock server", daemon=True
        )
        self._socket, self._server, self._thread = sock, server, thread
        self.port = int(sock.getsockname()[1])
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the mock server did not start; uvicorn's log says why")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving (pending callback deliveries are cancelled) and wait for the thread to end."""
        server, thread, sock = self._server, self._thread, self._socket
        self._server = self._thread = self._socket = None
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(timeout)
            if thread.is_alive():
                server.force_exit = True
                thread.join(timeout)
        if sock is not None:
            sock.close()
        self.port = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def call(self, factory: Callable[[], Coroutine[Any, Any, Any]], timeout: float = 10.0) -> Any:
        """Run the coroutine ``factory()`` on the server's event loop and return its result."""
        loop = self.mock.loop
        if self._thread is None or loop is None:
            raise RuntimeError("the mock server is not started")
        return asyncio.run_coroutine_threadsafe(factory(), loop).result(timeout)

    def advance(self, seconds: float, timeout: float = 10.0) -> None:
        """Step the mock's ``VirtualClock`` by ``seconds`` and move the tasks that became due."""
        self.call(lambda: self.mock.advance(seconds), timeout)

    def reset(self, timeout: float = 10.0) -> None:
        """Return the mock to a fresh state (``MockApp.reset``), on the server's loop."""
        self.call(self.mock.reset, timeout)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every callback queued so far has been delivered, failed or refused."""
        self.call(self.mock.drain, timeout)

    def __repr__(self) -> str:
        where = self.url if self.port is not None else "stopped"
        return f"MockServer({where})"
