"""Fixtures for the overlay client's tests: fake time and clients over an in-process transport."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from suno_api import AsyncSunoClient, PollSchedule, SunoClient
from tests.client.client_support import TOKEN, FakeTime, Handler


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test depends on the developer's KIE_* variables."""
    for name in ("KIE_API_KEY", "KIE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake_time: FakeTime) -> Iterator[Callable[..., SunoClient]]:
    """Build sync clients over a MockTransport with fake time; closes them afterwards."""
    made: list[SunoClient] = []

    def make(handler: Handler, **options: Any) -> SunoClient:
        options.setdefault("api_key", TOKEN)
        options.setdefault("poll", PollSchedule(initial=2.0, factor=1.5, maximum=15.0))
        client = SunoClient(
            transport=httpx.MockTransport(handler), sleep=fake_time.sleep, clock=fake_time.clock, **options
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def make_async_client(fake_time: FakeTime) -> Callable[..., AsyncSunoClient]:
    """Build async clients over a MockTransport with fake time (tests close them with ``async with``)."""

    def make(handler: Handler, **options: Any) -> AsyncSunoClient:
        options.setdefault("api_key", TOKEN)
        return AsyncSunoClient(
            transport=httpx.MockTransport(handler), sleep=fake_time.async_sleep, clock=fake_time.clock, **options
        )

    return make
