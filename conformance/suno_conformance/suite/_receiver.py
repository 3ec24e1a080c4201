"""The callback receiver: a tiny HTTP server on loopback that records every POST it gets.

The suite gives each accepted submit a ``callBackUrl`` of its own (``http://127.0.0.1:PORT/callbacks/<n>``), so
that a callback can be matched with the submit it answers. The receiver only records; the callback checks judge
the records afterwards, in the test thread.
"""

from __future__ import annotations

import http.server
import itertools
import threading
import time
from types import TracebackType

from suno_conformance.suite._checks import Callback

_MAX_BODY = 1_000_000


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), _MAX_BODY)
        content = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.owner.add(Callback(self.path, headers, content))
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


class CallbackReceiver:
    """Record callbacks POSTed to ``http://127.0.0.1:<port>/callbacks/<n>``; a context manager."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._received: list[Callback] = []
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def start(self) -> CallbackReceiver:
        """Start listening on a free port."""
        server = _Server((self._host, 0), _Handler)
        server.owner = self
        thread = threading.Thread(target=server.serve_forever, name="conformance callback receiver", daemon=True)
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
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        if self._server is None:
            raise RuntimeError("the callback receiver is not started")
        return f"http://{self._host}:{self._server.server_address[1]}"

    def new_url(self) -> tuple[str, str]:
        """Return (a fresh callBackUrl, its path)."""
        path = f"/callbacks/{next(self._numbers)}"
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
