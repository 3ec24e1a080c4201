"""The callback receiver: a tiny HTTP server that records every POST it gets.

The suite gives each accepted submit a ``callBackUrl`` of its own (``<base>/callbacks/<n>``), so that a callback
can be matched with the submit it answers. ``<base>`` is the receiver's own address (loopback, by default), or
the public URL that reaches it (``SUNO_CONFORMANCE_CALLBACK_URL``: a tunnel, a CI service name) for a server
that is not on this machine; a proxy in front may add a path prefix, so a callback is matched by the
``/callbacks/<n>`` at the end of its path. The receiver only records; the callback checks judge the records
afterwards, in the test thread.
"""

from __future__ import annotations

import http.server
import itertools
import socket
import threading
import time
import urllib.parse
from types import TracebackType

from suno_conformance.suite._checks import Callback

_MAX_BODY = 1_000_000


PATH_PREFIX = "/callbacks/"


def callback_path(raw: str) -> str:
    """Return the ``/callbacks/<n>`` a request path ends with (a proxy may add a prefix), else the path."""
    path = urllib.parse.urlsplit(raw).path
    found = path.rfind(PATH_PREFIX)
    return path[found:] if found > 0 else path


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    # Keep-alive: a run gets hundreds of callbacks, and HTTP/1.0 cost each its own connection and thread. An idle
    # connection is closed after `timeout` seconds; no Nagle delay between the headers and the body.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 30

    def do_POST(self) -> None:
        try:
            length = min(int(self.headers.get("Content-Length") or 0), _MAX_BODY)
        except ValueError:
            length = 0
        content = self.rfile.read(length) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.owner.add(Callback(callback_path(self.path), headers, content))
        answer = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        del format, args  # the suite reports; the receiver stays quiet


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: CallbackReceiver


class _Server6(_Server):
    address_family = socket.AF_INET6


class CallbackReceiver:
    """Record callbacks POSTed to ``<base>/callbacks/<n>``; a context manager.

    Args:
        host: The address to listen on (loopback unless a public URL forwards to it).
        port: The port to listen on (0: a free one).
        public_url: The URL that reaches the receiver from the server under test (``None``: its own address).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, public_url: str | None = None) -> None:
        self._host = host
        self._port = port
        self._public_url = public_url.rstrip("/") if public_url else None
        self._server: _Server | None = None
        self._bound_port: int | None = None
        self._thread: threading.Thread | None = None
        self._received: list[Callback] = []
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def start(self) -> CallbackReceiver:
        """Start listening on a free port."""
        server_class = _Server6 if ":" in self._host else _Server
        server = server_class((self._host, self._port), _Handler)
        server.owner = self
        self._bound_port = int(server.server_address[1])
        # A short poll: shutdown() waits for the loop to look again, and every run stops its receiver.
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="conformance callback receiver",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop listening."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def listening(self) -> str:
        """The address it listens on (or listened on, once stopped), ``host:port``."""
        if self._bound_port is None:
            raise RuntimeError("the callback receiver is not started")
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{host}:{self._bound_port}"

    @property
    def base_url(self) -> str:
        """Where callbacks are sent: the public URL, else ``http://<host>:<port>``."""
        if self._public_url is not None:
            return self._public_url
        return f"http://{self.listening}"

    def new_url(self) -> tuple[str, str]:
        """Return (a fresh callBackUrl, its path)."""
        path = f"{PATH_PREFIX}{next(self._numbers)}"
        return f"{self.base_url}{path}", path

    def add(self, callback: Callback) -> None:
        """Record a callback (called from the server's threads)."""
        with self._lock:
            self._received.append(callback)

    @property
    def received(self) -> list[Callback]:
        """Every callback received so far, in arrival order."""
        with self._lock:
            return list(self._received)

    def wait_for(self, paths: set[str], final_types: frozenset[str], deadline: float) -> None:
        """Wait until every path in ``paths`` got a callback whose type is in ``final_types``, or ``deadline``."""
        while time.monotonic() < deadline:
            done = {callback.path for callback in self.received if callback.callback_type in final_types}
            if paths <= done:
                return
            time.sleep(0.05)
