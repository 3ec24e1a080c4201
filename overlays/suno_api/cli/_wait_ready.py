"""``suno-api wait-ready URL``: wait until a server answers HTTP, e.g. a mock just started in the background.

A script that starts ``suno-api mock --port 8765 &`` runs this next, so its first request never races the
mock's start-up (no retry of the real request needed). Any HTTP answer counts: readiness means "it listens and
speaks HTTP", whatever the status. No credentials are sent and redirects are not followed.
"""

from __future__ import annotations

import time
from typing import Final

import click
import httpx

from suno_api.cli._exit import ExitCode
from suno_api.cli._options import Seconds, output_options
from suno_api.cli._output import CommandError, output_of

_EPILOG: Final = """\b
Examples:
  suno-api mock --port 8765 &
  suno-api wait-ready http://127.0.0.1:8765 --timeout 10
  suno-api wait-ready "$SUNO_BASE_URL" --timeout 60 --json

\b
Exit codes: 0 the server answered; 2 a bad URL or option; 3 no answer within --timeout."""


def _check_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise click.BadParameter(f"{url!r} is not a URL: {exc}", param_hint="URL") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise click.BadParameter(f"{url!r} is not an http(s) URL with a host", param_hint="URL")
    return parsed


def wait_until_ready(url: httpx.URL, *, timeout: float, interval: float) -> float:
    """Poll ``url`` until it answers HTTP; return the seconds it took.

    Raises:
        TimeoutError: no answer within ``timeout`` seconds (the last connection error is chained).
    """
    started = time.monotonic()
    deadline = started + timeout
    last: Exception | None = None
    with httpx.Client(follow_redirects=False, trust_env=False) as http:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer within {timeout:g} s") from last
            try:
                http.get(url, timeout=httpx.Timeout(min(left, 2.0)))
            except httpx.TransportError as exc:  # not listening yet (refused, reset, timed out)
                last = exc
            else:
                return time.monotonic() - started
            time.sleep(max(0.0, min(interval, deadline - time.monotonic())))


@click.command("wait-ready", epilog=_EPILOG, short_help="Wait until a server (the mock) answers HTTP.")
@click.argument("url", metavar="URL")
@click.option(
    "--timeout",
    type=Seconds(0, min_open=True),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up after this long.",
)
@click.option(
    "--interval",
    type=Seconds(0.01, 5),
    default=0.1,
    show_default=True,
    metavar="SECONDS",
    help="Pause between attempts.",
)
@output_options
@click.pass_context
def wait_ready(ctx: click.Context, url: str, timeout: float, interval: float) -> None:
    """Wait until the server at URL answers HTTP (any status); exit 0 then, 3 after --timeout."""
    output = output_of(ctx)
    target = _check_url(url)
    try:
        elapsed = wait_until_ready(target, timeout=timeout, interval=interval)
    except TimeoutError as exc:
        cause = f" (last: {exc.__cause__})" if exc.__cause__ else ""
        raise CommandError(ExitCode.API, f"{url} did not answer within {timeout:g} s{cause}", kind="NotReady") from exc
    output.say(f"ready: {url} answers")
    output.result(ExitCode.OK, url=url, elapsed_seconds=round(elapsed, 3))
