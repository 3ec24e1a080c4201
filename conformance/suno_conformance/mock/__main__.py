"""``python -m suno_conformance.mock``: serve the mock on loopback until Ctrl+C.

Every option defaults to its ``SUNO_MOCK_*`` variable, then to the ``MockSettings`` default.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from suno_conformance.mock._app import RECORD_INFO_PATH, SUBMIT_PATH, MockApp
from suno_conformance.mock._outcomes import OUTCOMES
from suno_conformance.mock._server import bind_socket, url_for, uvicorn_config
from suno_conformance.mock._settings import MockSettings

_EXAMPLE_BODY = (
    '{"uploadUrl": "https://example.com/song.mp3", "defaultParamFlag": false, "instrumental": true,'
    ' "continueAt": 30, "model": "V4_5", "callBackUrl": "http://127.0.0.1:9/callback"}'
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m suno_conformance.mock",
        description="Serve the kie.ai Suno upload-extend mock on loopback. Options default to SUNO_MOCK_* variables.",
    )
    add = parser.add_argument
    add("--host", help="loopback address to listen on (SUNO_MOCK_HOST, default 127.0.0.1)")
    add("--port", type=int, help="port; 0 picks a free one (SUNO_MOCK_PORT, default 0)")
    add("--api-key", dest="api_keys", action="append", help="accepted bearer token, repeatable; * accepts any")
    add("--error-style", choices=("upstream", "status"), help="HTTP 200 + code in the envelope, or real statuses")
    add("--seed", type=int, help="seed of task ids and tracks (default: random)")
    add("--stage-seconds", help="seconds in PENDING, TEXT_SUCCESS, FIRST_SUCCESS: one number or three, e.g. 1,2,3")
    add("--default-outcome", choices=tuple(OUTCOMES), help="outcome of tasks that request none")
    add("--credits", type=float, help="starting balance (default unlimited)")
    add("--rate-limit", type=float, help="requests per second per API key (default unlimited)")
    add("--maintenance", action="store_true", default=None, help="start in maintenance mode (455)")
    add("--fault", help="fault spec applied to every API request, e.g. 'delay=0.5' or '500'")
    add("--webhook-key", help="key that signs callbacks (default: unsigned)")
    add("--log-level", choices=("critical", "error", "warning", "info", "debug", "trace"))
    return parser


def banner(mock: MockApp, url: str) -> str:
    """Return what the CLI prints once it listens: the URL, the settings that matter, and curl lines."""
    settings = mock.settings
    key = settings.api_keys[0] if settings.api_keys[0] != "*" else "any-token"
    auth = shlex.quote(f"Authorization: Bearer {key}")
    signing = "on" if settings.webhook_key else "off (set SUNO_MOCK_WEBHOOK_KEY)"
    return "\n".join(
        [
            f"kie.ai mock listening on {url}",
            f"  spec:      {url}/openapi.yaml      state: {url}/_mock/state",
            f"  api keys:  {', '.join(settings.api_keys)}      error style: {settings.error_style}",
            f"  stages:    {', '.join(f'{s:g}s' for s in settings.stage_seconds)}      seed: {mock.seed}"
            f"      callbacks signed: {signing}",
            "Try it:",
            f"  curl -s -H {auth} -H 'Content-Type: application/json' \\",
            f"       -d {shlex.quote(_EXAMPLE_BODY)} {url}{SUBMIT_PATH}",
            f"  curl -s -H {auth} '{url}{RECORD_INFO_PATH}?taskId=<taskId from the answer>'",
            f"Client: KIE_BASE_URL={url} KIE_API_KEY={key}",
            "Ctrl+C stops it.",
        ]
    )


def serve(
    settings: MockSettings,
    announce: Callable[[MockApp, str], None],
    *,
    log_config: dict[str, Any] | None = None,
) -> str:
    """Bind, call ``announce(mock, url)``, and serve until Ctrl+C or SIGTERM; return the URL it served.

    Raises:
        OSError: the address cannot be bound (the port is taken, say).
    """
    mock = MockApp(settings)
    sock = bind_socket(settings.host, settings.port)
    url = url_for(settings.host, int(sock.getsockname()[1]))
    try:
        announce(mock, url)
        uvicorn.Server(uvicorn_config(mock, log_config=log_config or LOGGING_CONFIG)).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down gracefully on Ctrl+C or SIGTERM, then re-raises the signal (and one may arrive before
        # uvicorn handles them at all): that is the expected way out.
        pass
    finally:
        sock.close()
    return url


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, bind, print the banner and serve until interrupted."""
    options = vars(_parser().parse_args(argv))
    overrides: dict[str, Any] = {name: value for name, value in options.items() if value is not None}
    try:
        settings = MockSettings.from_env(**overrides)
    except (TypeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        serve(settings, lambda mock, url: print(banner(mock, url), flush=True))
    except OSError as exc:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
