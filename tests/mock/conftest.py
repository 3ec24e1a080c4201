"""Fixtures of the mock's tests: in-process apps on a frozen clock, served mocks, a loopback callback receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import jsonschema_rs
import pytest

from suno_api._spec import effective_spec
from suno_conformance.mock import MockApp, MockServer, VirtualClock
from tests.mock.mock_support import Receiver, Recorder, Schemas, settings


@pytest.fixture(scope="session")
def schemas() -> Schemas:
    """Validators of the spec's response and callback schemas."""
    components = effective_spec()["components"]
    names = ("UploadExtendResponse", "RecordInfoResponse", "ErrorResponse", "CallbackPayload")
    return Schemas(
        {
            name: jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}", "components": components})
            for name in names
        }
    )


@pytest.fixture
def recorder() -> Recorder:
    """Stands in for callback receivers in-process."""
    return Recorder()


@pytest.fixture
def clock() -> VirtualClock:
    """A frozen virtual clock that tests step by hand."""
    return VirtualClock(frozen=True)


@pytest.fixture
def make_mock(clock: VirtualClock, recorder: Recorder) -> Callable[..., MockApp]:
    """Build an in-process mock on the frozen clock whose callbacks go to ``recorder``; ``**changes`` tweak settings."""

    def make(mock_class: type[MockApp] = MockApp, **changes: Any) -> MockApp:
        return mock_class(settings(**changes), clock=clock, callback_transport=httpx.MockTransport(recorder.handler))

    return make


@pytest.fixture
def serve() -> Iterator[Callable[..., MockServer]]:
    """Start mocks over real sockets (uvicorn in a thread); every one is stopped when the test ends."""
    started: list[MockServer] = []

    def start(*args: Any, **kwargs: Any) -> MockServer:
        server = MockServer(*args, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A loopback callback receiver over real sockets."""
    found = Receiver()
    yield found
    found.close()
