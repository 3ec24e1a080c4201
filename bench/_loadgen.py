"""A load generator for one endpoint, run in its own process: ``python -m bench._loadgen --url ... --path ...``.

It keeps ``--concurrency`` keep-alive HTTP/1.1 connections busy, each with one request in flight, for
``--warmup`` plus ``--duration`` seconds, and prints one JSON object: the responses completed in the measured
window, requests per second, and how many answers were not the expected one. Requests are written as
prepared bytes on raw asyncio transports and answers are framed by ``Content-Length`` only, so the generator
spends a few microseconds per request and the server, not the generator, is what saturates.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import re
import sys
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


class _Tally:
    """Counts shared by every connection."""

    def __init__(self, expect: bytes) -> None:
        self.expect = expect
        self.running = True
        self.done = 0
        self.unexpected = 0
        self.statuses: dict[int, int] = {}
        self.sample: bytes = b""


class _Connection(asyncio.Protocol):
    """One keep-alive connection that sends the next request as soon as the previous answer is complete."""

    def __init__(self, request: bytes, tally: _Tally, closed: asyncio.Future[None]) -> None:
        self.request = request
        self.tally = tally
        self.closed = closed
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not isinstance(transport, asyncio.Transport):
            raise TypeError(f"expected a stream transport, got {transport!r}")
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        found = _CONTENT_LENGTH.search(self.buffer, 0, end + 2)
        if found is None:
            raise RuntimeError(f"an answer without Content-Length: {bytes(self.buffer[:end])!r}")
        total = end + 4 + int(found.group(1))
        if len(self.buffer) < total:
            return
        status = int(self.buffer[9:12])
        body = bytes(self.buffer[end + 4 : total])
        del self.buffer[:total]
        tally = self.tally
        tally.done += 1
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status != 200 or not body.startswith(tally.expect):
            tally.unexpected += 1
            tally.sample = tally.sample or body[:300]
        transport = self.transport
        if transport is None:  # pragma: no cover - data arrives only on a made connection
            return
        if tally.running:
            transport.write(self.request)
        else:
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


def build_request(url: str, method: str, path: str, token: str, body: bytes | None) -> bytes:
    """Return the bytes of one HTTP/1.1 keep-alive request to ``url`` + ``path``."""
    host = urllib.parse.urlsplit(url).netloc
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {token}", "Accept: */*"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + (body or b"")


async def drive(
    url: str, request: bytes, *, concurrency: int, warmup: float, duration: float, expect: bytes
) -> dict[str, Any]:
    """Run the load and return the measurements of the window after ``warmup``."""
    loop = asyncio.get_running_loop()
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port
    if host is None or port is None:
        raise ValueError(f"{url!r} needs a host and a port")
    tally = _Tally(expect)
    closed: list[asyncio.Future[None]] = []
    for _ in range(concurrency):
        future: asyncio.Future[None] = loop.create_future()
        closed.append(future)
        await loop.create_connection(functools.partial(_Connection, request, tally, future), host, port)
    await asyncio.sleep(warmup)
    done_before, unexpected_before, started = tally.done, tally.unexpected, loop.time()
    await asyncio.sleep(duration)
    done_after, unexpected_after, ended = tally.done, tally.unexpected, loop.time()
    tally.running = False
    await asyncio.wait_for(asyncio.gather(*closed), timeout=10)
    completed = done_after - done_before
    return {
        "requests": completed,
        "seconds": ended - started,
        "rps": completed / (ended - started),
        "unexpected": unexpected_after - unexpected_before,
        "statuses": {str(code): count for code, count in sorted(tally.statuses.items())},
        "sample": tally.sample.decode(errors="replace"),
        "concurrency": concurrency,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, drive the load, print the JSON result."""
    parser = argparse.ArgumentParser(prog="python -m bench._loadgen", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base URL, http://127.0.0.1:PORT")
    parser.add_argument("--method", default="GET", choices=("GET", "POST"))
    parser.add_argument("--path", required=True, help="path and query of every request")
    parser.add_argument("--token", required=True, help="bearer token")
    parser.add_argument("--body-file", type=Path, help="JSON body of every request (POST)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=0.3)
    parser.add_argument("--duration", type=float, default=1.5)
    parser.add_argument("--expect", default='{"code":200', help="prefix every counted answer must start with")
    args = parser.parse_args(argv)
    if urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load generator only targets loopback")
    body = args.body_file.read_bytes() if args.body_file is not None else None
    request = build_request(args.url, args.method, args.path, args.token, body)
    result = asyncio.run(
        drive(
            args.url,
            request,
            concurrency=args.concurrency,
            warmup=args.warmup,
            duration=args.duration,
            expect=args.expect.encode(),
        )
    )
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
