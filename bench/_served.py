"""Serve the bare baseline app, or the mock, the way row 4 needs: ``python -m bench._served bare|mock ...``.

``bare`` is row 4's baseline: a bare Starlette app answering fixed bytes, ``POST`` on the submit path (it
reads the body, as any endpoint must, and parses nothing) and ``GET`` on the record-info path. ``mock`` serves
``MockApp`` as ``python -m suno_conformance.mock`` does, for profiling. Both take the mock's own ``uvicorn_config``
with only the app swapped, so that both sides run under the same server settings.

With ``--profile-out FILE`` the server profiles itself between SIGUSR1 (start) and SIGUSR2 (stop and write
FILE), so a profile covers the load and nothing of the start-up.
"""

from __future__ import annotations

import argparse
import cProfile
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench._bodies import RECORD_INFO_PATH, SUBMIT_PATH
from suno_conformance.mock import MockApp, MockSettings
from suno_conformance.mock._server import bind_socket, url_for, uvicorn_config

JSON_TYPE = "application/json"


def bare_app(submit_answer: bytes, record_answer: bytes) -> Starlette:
    """Return the bare app: two routes, fixed answers."""

    async def submit(request: Request) -> Response:
        await request.body()
        return Response(submit_answer, media_type=JSON_TYPE)

    async def record_info(_: Request) -> Response:
        return Response(record_answer, media_type=JSON_TYPE)

    return Starlette(
        routes=[Route(SUBMIT_PATH, submit, methods=["POST"]), Route(RECORD_INFO_PATH, record_info, methods=["GET"])]
    )


def _profile_on_signals(output: Path) -> None:
    """Start profiling this (the main, serving) thread on SIGUSR1; stop and write ``output`` on SIGUSR2."""
    profiler = cProfile.Profile(time.process_time)  # CPU time: a busy neighbour is not charged to our frames

    def start(signum: int, frame: FrameType | None) -> None:
        profiler.enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(output)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the chosen app on a free loopback port until SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m bench._served", description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=("bare", "mock"))
    parser.add_argument("--submit-answer", type=Path, help="bare: the submit answer's bytes")
    parser.add_argument("--record-answer", type=Path, help="bare: the record-info answer's bytes")
    parser.add_argument("--api-key", default="bench-api-key", help="mock: the accepted token")
    parser.add_argument("--stage-seconds", default="3600", help="mock: seconds per stage")
    parser.add_argument("--profile-out", type=Path, help="profile between SIGUSR1 and SIGUSR2 into this file")
    args = parser.parse_args(argv)
    settings = MockSettings(
        api_keys=(args.api_key,), stage_seconds=args.stage_seconds, seed=8, send_callbacks=False, log_level="warning"
    )
    mock = MockApp(settings)
    config = uvicorn_config(mock)
    if args.app == "bare":
        if args.submit_answer is None or args.record_answer is None:
            parser.error("bare needs --submit-answer and --record-answer")
        config.app = bare_app(args.submit_answer.read_bytes(), args.record_answer.read_bytes())
    if args.profile_out is not None:
        _profile_on_signals(args.profile_out)
    sock = bind_socket(settings.host, 0)
    print(f"{args.app} app listening on {url_for(settings.host, int(sock.getsockname()[1]))}", flush=True)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
