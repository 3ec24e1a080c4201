"""The mock under hostile input: 4xx answers, never a 500, never broken state, no connection held for good."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest

from suno_api import Violation
from suno_api.spec import names
from suno_conformance.mock import MockApp, MockServer
from tests.mock.mock_support import (
    AUTH,
    KEY,
    RECORD_INFO,
    SUBMIT,
    api,
    eventually,
    record,
    settings,
    submit,
    task_query,
    valid_body,
)

pytestmark = pytest.mark.anyio


def _raw_body(body: dict[str, Any], raw_values: Mapping[str, str] | None = None) -> bytes:
    """Encode ``body``, then splice in raw JSON text for the keys in ``raw_values`` (what json.dumps cannot write)."""
    raw_values = raw_values or {}
    text = json.dumps({**body, **dict.fromkeys(raw_values, "@@")})
    for key, raw in raw_values.items():
        text = text.replace(f'"{key}": "@@"', f'"{key}": {raw}')
    return text.encode()


async def _post(client: httpx.AsyncClient, content: bytes, path: str = SUBMIT) -> httpx.Response:
    return await client.post(path, content=content, headers={**AUTH, "Content-Type": "application/json"})


class Permissive(MockApp):
    """A mock that validates nothing: what reaches the task store is only what the body parser let through."""

    def validate_body(self, body: Any) -> list[Violation]:
        return []


@pytest.fixture
def quiet_crash_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Fail the test if the mock (or uvicorn) logs an error: hostile input is expected, not a crash."""
    with caplog.at_level(logging.WARNING):
        yield caplog
    crashes = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert crashes == []


# ------------------------------------------------------------------------------------------- body parsing


@pytest.mark.parametrize("depth", [33, 900, 10_000])
async def test_deeply_nested_json_is_refused(
    make_mock: Callable[..., MockApp], quiet_crash_log: pytest.LogCaptureFixture, depth: int
) -> None:
    """JSON nested 10,000 deep (a RecursionError for json.loads) or past 32 levels answers 422, never 500."""
    mock = make_mock()
    nested = "[" * depth + "]" * depth
    async with api(mock) as client:
        response = await _post(client, _raw_body(valid_body(), {names().style: nested}))
    envelope = response.json()
    assert envelope["code"] == 422
    assert "nests deeper" in envelope["msg"]
    assert mock.tasks == {}


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("1e400", "beyond a double"),
        ("9" * 400, "beyond a double"),
        ('"\\ud800"', "lone surrogate"),
        ('"abc\\udfff"', "lone surrogate"),
    ],
)
async def test_values_that_cannot_be_stored_are_refused_at_submit(
    make_mock: Callable[..., MockApp], quiet_crash_log: pytest.LogCaptureFixture, raw: str, why: str
) -> None:
    """NaN, Infinity, 1e400, a 400-digit number or a lone surrogate answer 422 at submit; no task is created.

    The body parser refuses them whatever the rules say (the variant validates nothing), so no stored task can
    make record-info fail later.
    """
    mock = make_mock(Permissive)
    field = names().title if raw.startswith('"') else names().continue_at
    async with api(mock) as client:
        response = await _post(client, _raw_body(valid_body(), {field: raw}))
    envelope = response.json()
    assert envelope["code"] == 422, envelope
    assert why in envelope["msg"]
    assert mock.tasks == {}


async def test_a_lone_surrogate_in_a_key_is_refused(make_mock: Callable[..., MockApp]) -> None:
    """A key is a string too: a lone surrogate there answers 422."""
    mock = make_mock(Permissive)
    async with api(mock) as client:
        title = names().title
        broken = f'"{title[:1]}\\udc80{title[1:]}"'
        response = await _post(client, json.dumps(valid_body()).replace(f'"{title}"', broken).encode())
    assert response.json()["code"] == 422


async def test_a_surrogate_pair_is_valid_unicode(make_mock: Callable[..., MockApp]) -> None:
    """An escaped surrogate pair is one character (an emoji): accepted, stored and answered back."""
    mock = make_mock()
    async with api(mock) as client:
        title = {names().title: "Night \U0001f319"}
        task_id = await submit(client, valid_body(title))  # json.dumps escapes it as a pair
        data = await record(client, task_id)
    assert json.loads(data["param"])[names().title] == "Night \U0001f319"


async def test_a_huge_but_finite_continue_at_never_breaks_record_info(make_mock: Callable[..., MockApp]) -> None:
    """A 300-digit continueAt the rules let through is stored, and record-info keeps answering 200."""
    mock = make_mock(stage_seconds=0)
    async with api(mock) as client:
        response = await _post(client, _raw_body(valid_body(), {names().continue_at: "9" * 300}))
        envelope = response.json()
        if envelope["code"] == 200:
            data = await record(client, envelope["data"][names().submit_task_id])
            assert data[names().record_status] == names().status_success
        else:
            assert envelope["code"] == 422


async def test_invalid_utf8_is_refused(make_mock: Callable[..., MockApp]) -> None:
    """Bytes that are not UTF-8 answer 422."""
    mock = make_mock()
    async with api(mock) as client:
        response = await _post(client, b'{"title": "\xff\xfe"}')
    assert response.json()["code"] == 422


# ------------------------------------------------------------------------------------------- size cap


async def test_a_body_over_the_cap_answers_413(make_mock: Callable[..., MockApp]) -> None:
    """A body larger than max_body_bytes answers HTTP 413 (in either error style), and nothing is created."""
    mock = make_mock(max_body_bytes=1024)
    async with api(mock) as client:
        response = await _post(client, _raw_body(valid_body({names().prompt: "x" * 2000})))
    assert response.status_code == 413
    assert response.json()["code"] == 413
    assert mock.tasks == {}


async def test_a_streamed_body_over_the_cap_answers_413(make_mock: Callable[..., MockApp]) -> None:
    """Without a Content-Length (chunked), the cap applies to what arrives."""
    mock = make_mock(max_body_bytes=1024)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b" " * 256

    async with api(mock) as client:
        response = await client.post(SUBMIT, content=chunks(), headers=AUTH)
    assert response.status_code == 413
    assert mock.tasks == {}


async def test_a_body_at_the_cap_is_read(make_mock: Callable[..., MockApp]) -> None:
    """The cap is inclusive: a body of exactly max_body_bytes is processed."""
    content = json.dumps(valid_body()).encode()
    mock = make_mock(max_body_bytes=len(content))
    async with api(mock) as client:
        response = await _post(client, content)
    assert response.json()["code"] == 200


# ------------------------------------------------------------------------------------------- debug API


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e400", "-1", '"5"', "true", "1e12", "null"])
async def test_advance_refuses_what_is_not_a_sane_number(
    make_mock: Callable[..., MockApp], quiet_crash_log: pytest.LogCaptureFixture, raw: str
) -> None:
    """/_mock/advance answers 400 to NaN, Infinity, 1e400 and the like, and the clock and record-info still work."""
    mock = make_mock(stage_seconds=1)
    async with api(mock) as client:
        task_id = await submit(client)
        before = mock.clock.now()
        response = await client.post("/_mock/advance", content=f'{{"seconds": {raw}}}'.encode())
        assert response.status_code == 400, response.text
        assert "error" in response.json()  # spec-literal: the debug API's own key, not the callback stage
        assert mock.clock.now() == before
        assert (await record(client, task_id))[names().record_status] == names().status_pending
        assert (await client.post("/_mock/advance", json={"seconds": 5})).status_code == 200
        assert (await record(client, task_id))[names().record_status] == names().status_success


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/_mock/credits", '{"credits": NaN}'),
        ("/_mock/credits", '{"credits": Infinity}'),
        ("/_mock/credits", '{"credits": 1e400}'),
        ("/_mock/faults", '{"fault": "500", "times": NaN}'),
        ("/_mock/faults", '{"fault": "500", "times": 1e400}'),
        ("/_mock/faults", '{"fault": "500", "times": 2.5}'),
        ("/_mock/faults", '{"fault": ["500"]}'),
        ("/_mock/maintenance", '{"enabled": NaN}'),
        ("/_mock/maintenance", "[" * 10_000),
    ],
)
async def test_debug_endpoints_refuse_bad_numbers_and_change_nothing(
    make_mock: Callable[..., MockApp], quiet_crash_log: pytest.LogCaptureFixture, path: str, raw: str
) -> None:
    """Every steering endpoint answers 400 to what it cannot use; the state is what it was."""
    mock = make_mock()
    async with api(mock) as client:
        before = (await client.get("/_mock/state")).json()
        response = await client.post(path, content=raw.encode())
        after = (await client.get("/_mock/state")).json()
    assert response.status_code == 400, response.text
    assert after == before
    assert mock.requests == []  # no fault was armed: nothing else changed either


# ------------------------------------------------------------------------------------------- the wire


def _connect(server: MockServer) -> socket.socket:
    url = httpx.URL(server.url)
    assert url.port is not None
    return socket.create_connection((url.host, url.port), timeout=10)


def _read_all(sock: socket.socket) -> bytes:
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def _head(length: int) -> bytes:
    return (
        f"POST {SUBMIT} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_a_body_that_stops_arriving_answers_408(serve: Callable[..., MockServer]) -> None:
    """Half a body and then silence: the mock answers 408 after body_timeout instead of waiting for good."""
    server = serve(settings(body_timeout=0.2))
    with _connect(server) as sock:
        sock.sendall(_head(100) + b'{"uploadUrl": ')
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert server.mock.tasks == {}


def test_headers_that_never_end_are_cut_off(serve: Callable[..., MockServer]) -> None:
    """A connection whose request headers stay incomplete is closed after header_timeout."""
    server = serve(settings(header_timeout=0.2))
    with _connect(server) as sock:
        sock.sendall(b"GET /_mock/state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        assert _read_all(sock) == b""  # closed without an answer, well before the socket's own 10 s timeout


def test_a_silent_connection_is_cut_off(serve: Callable[..., MockServer]) -> None:
    """A connection that sends nothing at all is closed after header_timeout too."""
    server = serve(settings(header_timeout=0.2))
    with _connect(server) as sock:
        assert _read_all(sock) == b""


def test_the_header_deadline_does_not_cut_a_keep_alive_client(serve: Callable[..., MockServer]) -> None:
    """Requests whose headers arrive in time are served, however long the connection lives."""
    server = serve(settings(header_timeout=5))
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        for _ in range(3):
            assert client.get("/_mock/state").status_code == 200


def test_a_client_hanging_up_mid_body_is_no_crash(
    serve: Callable[..., MockServer], caplog: pytest.LogCaptureFixture
) -> None:
    """A client that leaves mid-body is recorded as a dropped request, not logged as a crash with a traceback."""
    server = serve(settings())
    with caplog.at_level(logging.INFO):
        with _connect(server) as sock:
            sock.sendall(_head(1000) + b'{"uploadUrl": ')
            eventually(lambda: server.mock.loop is not None)
        eventually(lambda: [record.code for record in server.mock.requests] == [None])
        logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Exception in ASGI application" not in logged
    assert "crashed" not in logged
    assert server.mock.tasks == {}


def test_connections_beyond_the_limit_get_503(serve: Callable[..., MockServer]) -> None:
    """Past max_connections uvicorn answers 503 instead of taking on more work."""
    server = serve(settings(max_connections=2, header_timeout=30))
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/_mock/state").status_code == 200
        with _connect(server):  # a second connection, held open
            eventually(lambda: client.get("/_mock/state").status_code == 503)


def test_record_info_answers_after_hostile_submits(serve: Callable[..., MockServer]) -> None:
    """After every kind of hostile submit, the same mock still creates and reports tasks."""
    server = serve(settings(stage_seconds=0))
    spec_names = names()
    hostile = [
        _raw_body(valid_body(), {spec_names.continue_at: "9" * 400}),
        _raw_body(valid_body(), {spec_names.title: '"\\ud800"'}),
        _raw_body(valid_body(), {spec_names.style: "[" * 10_000 + "]" * 10_000}),
        _raw_body(valid_body(), {spec_names.continue_at: "NaN"}),
    ]
    with httpx.Client(base_url=server.url, headers={**AUTH, "Content-Type": "application/json"}) as client:
        for content in hostile:
            answer = client.post(SUBMIT, content=content)
            assert answer.status_code == 200
            assert answer.json()["code"] == 422
        task_id = client.post(SUBMIT, json=valid_body()).json()["data"][spec_names.submit_task_id]
        polled = client.get(RECORD_INFO, params=task_query(task_id)).json()
    assert polled["code"] == 200


def test_headers_growing_past_the_cap_answer_400_at_once(serve: Callable[..., MockServer]) -> None:
    """Request headers past 16 KiB that never end are refused on the spot, not buffered until a timeout."""
    server = serve(settings(header_timeout=30))
    with _connect(server) as sock:
        sock.sendall(b"GET /_mock/state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40_000)
        assert _read_all(sock).startswith(b"HTTP/1.1 400 ")
