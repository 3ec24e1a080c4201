"""A scripted audio host on a real loopback socket, for download tests where the transport is the point.

Each connection is answered by a function the test gives (in a thread of its own, so that a connection still
dripping never holds up the next one). Every wait is bounded: a drip stops after ``for_seconds``, when the
client goes away, or when the host closes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from suno_api_client.models import RecordTrack

# The header of one MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz), then silence: enough to be recognised as MP3.
MP3_FRAME = bytes((0xFF, 0xFB, 0x90, 0xC0)) + bytes(413)
#: How long a drip lasts at most: long enough that only the client's deadline can end a test early.
DRIP_SECONDS = 3.0


class Connection:
    """One accepted connection, its request already read."""

    def __init__(self, sock: socket.socket, request: str, stop: threading.Event) -> None:
        self.sock = sock
        self.request = request
        self._stop = stop

    def send(self, data: bytes) -> bool:
        """Send ``data``; return False once the client is gone."""
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def drip(self, data: bytes, *, interval: float = 0.01, for_seconds: float = DRIP_SECONDS) -> None:
        """Send ``data`` one byte at a time (cycling over it), until ``for_seconds`` pass or the client leaves."""
        end = time.monotonic() + for_seconds
        index = 0
        while time.monotonic() < end and not self._stop.is_set():
            if not self.send(data[index % len(data) : index % len(data) + 1]):
                return
            index += 1
            self._stop.wait(interval)


Answer = Callable[[Connection], None]


class AudioHost:
    """A raw HTTP/1.1 server on 127.0.0.1 that answers each connection with ``answer`` and then closes it.

    Attributes:
        requests: The raw request heads received, in order.
    """

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self.requests: list[str] = []
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = int(self._listener.getsockname()[1])
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="audio host", daemon=True)

    def url(self, path: str = "/files/t.mp3") -> str:
        """The URL of ``path`` on this host."""
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> AudioHost:
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._acceptor.join(5)
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._handle, args=(sock,), name="audio host connection", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, sock: socket.socket) -> None:
        with sock:
            sock.settimeout(2.0)
            head = b""
            try:
                while b"\r\n\r\n" not in head:
                    chunk = sock.recv(4096)
                    if not chunk:
                        return
                    head += chunk
            except OSError:
                return
            self.requests.append(head.decode("latin-1"))
            self._answer(Connection(sock, head.decode("latin-1"), self._stop))


def response_head(headers: Mapping[str, str | int], status: str = "200 OK") -> bytes:
    """A status line and ``headers``, ended by the empty line."""
    lines = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def serve(body: bytes, headers: Mapping[str, str] | None = None) -> Answer:
    """Answer 200 with ``body`` and ``headers`` (Content-Length added)."""

    def answer(connection: Connection) -> None:
        connection.send(response_head({**(headers or {}), "Content-Length": len(body)}) + body)

    return answer


def redirect(location: str) -> Answer:
    """Answer 302 to ``location``."""

    def answer(connection: Connection) -> None:
        connection.send(response_head({"Location": location, "Content-Length": 0}, "302 Found"))

    return answer


def tracks(*urls: str) -> list[RecordTrack]:
    """One track per URL, with ids ``id0``, ``id1``..."""
    return [RecordTrack(id=f"id{number}", audio_url=url) for number, url in enumerate(urls)]


def no_sleep(_: float) -> None:
    """Wait between attempts without waiting."""


def names(directory: Path) -> list[str]:
    """Every entry of ``directory``, hidden ones (``.part`` files) included, sorted."""
    return sorted(path.name for path in directory.iterdir())
