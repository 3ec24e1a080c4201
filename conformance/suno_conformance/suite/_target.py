"""The target: the embedded mock (default), or the server at ``SUNO_BASE_URL``.

The mock is served by uvicorn on a free loopback port and reached over real sockets, with a fresh random token
and webhook key per run (so a report that leaked the token would be caught by the tests), instant task stages
(callbacks arrive at once) and everything else from ``SUNO_MOCK_*``. A defective variant of the mock (a
``MockApp`` subclass, see ``suno_conformance.defects``) is served the same way.
"""

from __future__ import annotations

import contextlib
import secrets
import urllib.parse
from collections.abc import Iterator
from typing import Literal

import attrs

from suno_api import is_loopback_host
from suno_conformance.mock import MockApp, MockServer, MockSettings
from suno_conformance.suite._options import SuiteOptions

TargetKind = Literal["mock", "server"]
MOCK_SEED = 20250101


class TargetError(RuntimeError):
    """The target cannot be used as configured (e.g. ``SUNO_BASE_URL`` without ``KIE_API_KEY``)."""


@attrs.frozen
class Target:
    """The server under test.

    Attributes:
        kind: ``mock`` (the embedded mock or a variant, served by the suite) or ``server`` (``SUNO_BASE_URL``).
        base_url: Where requests go.
        token: The bearer token of the run.
        live: Whether it is a paid service (live safety applies).
        webhook_key: The key its callbacks are signed with, when known.
        loopback: Whether its host is this machine (it can reach the suite's callback receiver).
        mock_server: The served mock, when ``kind`` is ``mock``.
    """

    kind: TargetKind
    base_url: str
    token: str = attrs.field(repr=False)
    live: bool
    webhook_key: str | None = attrs.field(default=None, repr=False)
    loopback: bool = True
    mock_server: MockServer | None = attrs.field(default=None, repr=False)

    @property
    def public_url(self) -> str:
        """``base_url`` without credentials (for reports)."""
        return public_url(self.base_url)

    @property
    def base_path(self) -> str:
        """The path prefix of ``base_url`` (``""`` for a host root)."""
        return urllib.parse.urlsplit(self.base_url).path.rstrip("/")

    def describe(self) -> str:
        """One line for the summary (never the token)."""
        if self.kind == "mock":
            served = type(self.mock_server.mock) if self.mock_server is not None else MockApp
            style = self.mock_server.settings.error_style if self.mock_server is not None else "?"
            variant = f"{served.__module__.rsplit('.', 1)[-1]}.{served.__qualname__}"
            what = "embedded mock" if served is MockApp else f"mock variant {variant}"
            return f"{what} at {self.base_url} (error style: {style}){' - forced LIVE' if self.live else ''}"
        return f"{self.public_url}{' (LIVE)' if self.live else ' (not live)'}"

    def settle(self) -> None:
        """Wait until the mock has delivered every callback queued so far (no-op for other targets)."""
        if self.mock_server is not None:
            self.mock_server.drain()


def is_loopback(url: str) -> bool:
    """Return whether ``url``'s host is this machine (``suno_api.is_loopback_host``: no resolver involved)."""
    return is_loopback_host(urllib.parse.urlsplit(url).hostname or "")


def public_url(url: str) -> str:
    """Return ``url`` as a report may show it: no user, password, query or fragment (they may hold credentials)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # not a port number: show none rather than fail a report
        port = None
    netloc = f"{host}:{port}" if port is not None else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def mock_settings(options: SuiteOptions) -> MockSettings:
    """Return the embedded mock's settings: ``SUNO_MOCK_*``, with what the suite needs overriding them."""
    del options  # the suite's own options do not configure the mock; SUNO_MOCK_* does
    return MockSettings.from_env(
        host="127.0.0.1",
        port=0,
        api_keys=(f"conformance-{secrets.token_urlsafe(12)}",),
        webhook_key=f"whsec-{secrets.token_urlsafe(12)}",
        stage_seconds=0,
        send_callbacks=True,
    )


@contextlib.contextmanager
def open_target(options: SuiteOptions, mock_class: type[MockApp] = MockApp) -> Iterator[Target]:
    """Yield the target of ``options``: start the mock (or ``mock_class``) unless ``SUNO_BASE_URL`` is set.

    Raises:
        TargetError: ``SUNO_BASE_URL`` is set without ``KIE_API_KEY``.
    """
    if options.base_url is not None:
        if not options.api_key:
            raise TargetError("SUNO_BASE_URL is set but KIE_API_KEY is not: the suite needs the token to authenticate")
        loopback = is_loopback(options.base_url)
        live = options.live if options.live is not None else not loopback
        yield Target("server", options.base_url, options.api_key, live, options.webhook_key, loopback)
        return
    settings = mock_settings(options)
    if settings.seed is None:
        settings = settings.evolve(seed=MOCK_SEED)
    with MockServer(mock=mock_class(settings)) as server:
        token = settings.api_keys[0]
        yield Target("mock", server.url, token, bool(options.live), settings.webhook_key, True, server)
