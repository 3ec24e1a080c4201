"""The ``suno_mock`` pytest fixture: a real kie.ai mock on loopback for your application's own tests.

Registered through the ``pytest11`` entry point of ``pip install 'suno-upload-extend[conformance]'``: no conftest
is needed. The module imports nothing heavy: the mock (starlette, uvicorn) is imported when a test first asks for
it, so a pytest without the ``conformance`` extra keeps working, and only a test that uses the fixture fails,
naming the extra.

Fixtures:
    ``suno_mock``          a fresh mock server per test (the default; ``@pytest.mark.suno_mock(...)`` tunes it).
    ``suno_mock_shared``   the same handle on one server for the whole run, reset before each test (faster).
    ``suno_mock_server``   that session-wide ``MockServer`` itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from suno_api import AsyncSunoClient, SunoClient
    from suno_conformance.mock import Delivery, MockApp, MockServer, MockSettings, RequestRecord, Task

__all__ = ["SunoMock"]

_EXTRA_HINT = "the suno_mock fixture needs the 'conformance' extra: pip install 'suno-upload-extend[conformance]'"
_MARKER = "suno_mock"
API_KEY = "suno-mock-api-key"
WEBHOOK_KEY = "suno-mock-webhook-key"
_DEFAULTS: Mapping[str, Any] = {
    "api_keys": (API_KEY,),
    "webhook_key": WEBHOOK_KEY,
    "seed": 0,
    "stage_seconds": 0,
    "callback_backoff": 0.0,
}
"""The fixture's settings, on top of ``MockSettings``' own defaults: tasks finish at once, callbacks are signed."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``suno_mock`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        "suno_mock(real_time=False, **settings): MockSettings for the test's suno_mock server, e.g. "
        "suno_mock(stage_seconds=5, error_style='status'); real_time=True runs its clock with the wall clock.",
    )


class SunoMock:
    """A mock server on loopback and what a test needs around it (the value of the ``suno_mock`` fixture).

    Attributes:
        server: The ``MockServer`` (uvicorn in a thread).
        mock: Its ``MockApp``: every other knob (``maintenance``, ``credits``, ``tasks``...).
        base_url: Where to point your application (``http://127.0.0.1:PORT``).
        api_key: A bearer token the mock accepts.
        webhook_key: The key callbacks are signed with (give it to ``verify_webhook``), or ``None``.
    """

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.mock: MockApp = server.mock
        self.base_url = server.url
        keys = [key for key in server.settings.api_keys if key != "*"]
        self.api_key = keys[0] if keys else API_KEY
        self.webhook_key = server.settings.webhook_key
        self._client: SunoClient | None = None
        self._async_client: AsyncSunoClient | None = None

    @property
    def client(self) -> SunoClient:
        """A ``SunoClient`` for this mock (fast polls; closed when the test ends)."""
        if self._client is None:
            from suno_api import SunoClient  # noqa: PLC0415 - not at import time: see the module docstring

            self._client = SunoClient(**self._client_options())
        return self._client

    @property
    def async_client(self) -> AsyncSunoClient:
        """An ``AsyncSunoClient`` for this mock (fast polls; one connection per request, so nothing outlives the
        event loop of your test and nothing needs closing)."""
        if self._async_client is None:
            import httpx  # noqa: PLC0415 - not at import time: see the module docstring

            from suno_api import AsyncSunoClient  # noqa: PLC0415

            # No keep-alive: a pooled connection would belong to the test's event loop, which is gone before the
            # fixture's (sync) teardown could close it.
            transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0), trust_env=False)
            self._async_client = AsyncSunoClient(**self._client_options(), transport=transport)
        return self._async_client

    def _client_options(self) -> dict[str, Any]:
        from suno_api import PollSchedule  # noqa: PLC0415

        return {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "webhook_secret": self.webhook_key,
            "poll": PollSchedule(initial=0.02, factor=1.5, maximum=0.25),
        }

    def set_outcome(self, outcome: str, *, times: int | None = None) -> None:
        """Give ``outcome`` (``GENERATE_AUDIO_FAILED``, see ``OUTCOMES``) to the next ``times`` submits, or all.

        A submit's ``X-Mock-Outcome`` header or ``[mock:OUTCOME]`` prompt marker still picks its own.
        """
        self.mock.set_outcome(outcome, times=times)

    def inject_fault(self, spec: str, *, route: str | None = None, times: int = 1) -> None:
        """Apply a fault to the next ``times`` API requests (``route``: ``submit`` or ``record-info`` only).

        ``spec`` is the ``X-Mock-Fault`` syntax: ``500`` (any code 400-599), ``429``, ``delay=0.5``,
        ``malformed-json``, ``drop-connection`` (after processing) or ``drop-connection=before``; comma-separated.
        """
        self.mock.arm_fault(spec, route=route, times=times)

    def clear_faults(self) -> None:
        """Forget the faults injected and not used yet."""
        self.mock.clear_faults()

    def advance(self, seconds: float) -> None:
        """Move the mock's virtual clock ``seconds`` forward; tasks step and queue their callbacks."""
        self.server.advance(seconds)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every callback queued so far was delivered, failed or refused."""
        self.server.drain(timeout)

    def deliveries(self, task_id: str | None = None, *, drain: bool = True) -> list[Delivery]:
        """Return what became of each callback (``Delivery``), oldest first; ``drain`` waits for those under way."""
        if drain:
            self.drain()
        return [item for item in self.mock.deliveries if task_id is None or item.task_id == task_id]

    def callbacks(self, task_id: str | None = None, *, drain: bool = True) -> list[Mapping[str, Any]]:
        """Return the JSON bodies of the callbacks your receiver accepted (2xx), oldest first."""
        found = self.deliveries(task_id, drain=drain)
        return [item.payload for item in found if item.outcome == "delivered" and item.payload is not None]

    @property
    def tasks(self) -> dict[str, Task]:
        """The tasks submitted so far, by id."""
        return self.mock.tasks

    def requests(self) -> list[RequestRecord]:
        """The API requests the mock received, oldest first."""
        return self.mock.requests

    def reset(self) -> None:
        """Forget tasks, requests, deliveries, faults and outcomes (``suno_mock_shared`` does it before each test)."""
        self.server.reset()

    def close(self) -> None:
        """Close the sync client, if one was made."""
        if self._client is not None:
            self._client.close()
            self._client = None
        self._async_client = None

    def __repr__(self) -> str:
        return f"SunoMock({self.base_url})"


def _mock_package() -> Any:
    try:
        import suno_conformance.mock as package  # noqa: PLC0415 - starlette and uvicorn: only when asked for
    except ImportError as exc:
        pytest.fail(f"{_EXTRA_HINT} ({exc})", pytrace=False)
    return package


def _start(settings: MockSettings, *, real_time: bool) -> MockServer:
    package = _mock_package()
    clock = package.VirtualClock(frozen=not real_time)
    server: MockServer = package.MockServer(settings, clock=clock)
    return server.start()


def _settings(overrides: Mapping[str, Any]) -> MockSettings:
    package = _mock_package()
    settings: MockSettings = package.MockSettings(**{**_DEFAULTS, **overrides})
    return settings


@pytest.fixture
def suno_mock(request: pytest.FixtureRequest) -> Iterator[SunoMock]:
    """A real kie.ai mock server on loopback for this test, with ready clients and helpers to steer it.

    Point your application at ``suno_mock.base_url`` with ``suno_mock.api_key``, or use ``suno_mock.client`` /
    ``suno_mock.async_client`` (``SunoClient`` / ``AsyncSunoClient`` configured for it). Tasks finish at once by
    default; the clock is virtual and frozen, so nothing moves unless a poll or ``advance`` moves it::

        def test_my_app_reports_a_failed_task(suno_mock):
            suno_mock.set_outcome("GENERATE_AUDIO_FAILED")
            result = my_app.extend(song, base_url=suno_mock.base_url, api_key=suno_mock.api_key)
            assert result.failed

    Helpers: ``set_outcome(name, times=None)`` picks what the next submits become; ``inject_fault("500",
    route="submit", times=1)`` breaks the next requests (``delay=0.5``, ``malformed-json``, ``drop-connection``...)
    and ``clear_faults()`` forgets them; ``advance(seconds)`` moves the virtual clock; ``deliveries()`` and
    ``callbacks()`` return what the mock POSTed to your ``callBackUrl`` (loopback only; signed with
    ``suno_mock.webhook_key``), after ``drain()`` waited for those under way; ``tasks``, ``requests()``; ``mock``
    is the ``MockApp`` itself (``mock.maintenance = True``, ``mock.credits = 0``).

    Tune the server with a marker, any ``MockSettings`` field plus ``real_time``::

        @pytest.mark.suno_mock(stage_seconds=5, error_style="status")
        def test_pending_first(suno_mock):
            ...  # PENDING until suno_mock.advance(5)

    Faster: ``suno_mock_shared`` gives the same handle on one server for the whole run, reset before each test
    (markers do not apply to it). To make every test share it, put this in your ``conftest.py``::

        @pytest.fixture
        def suno_mock(suno_mock_shared):
            return suno_mock_shared
    """
    marker = request.node.get_closest_marker(_MARKER)
    overrides = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise pytest.UsageError("@pytest.mark.suno_mock takes keyword arguments only (MockSettings fields)")
    real_time = bool(overrides.pop("real_time", False))
    server = _start(_settings(overrides), real_time=real_time)
    handle = SunoMock(server)
    try:
        yield handle
    finally:
        handle.close()
        server.stop()


@pytest.fixture(scope="session")
def suno_mock_server() -> Iterator[MockServer]:
    """One mock server for the whole test run (the fixture's default settings); ``suno_mock_shared`` uses it."""
    server = _start(_settings({}), real_time=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def suno_mock_shared(suno_mock_server: MockServer) -> Iterator[SunoMock]:
    """The ``suno_mock`` handle on the session's server, reset before the test: fast, with the default settings."""
    suno_mock_server.reset()
    handle = SunoMock(suno_mock_server)
    try:
        yield handle
    finally:
        handle.close()
