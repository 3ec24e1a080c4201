"""The app called directly over ASGI, with scopes as other servers build them (``server`` as a list)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from suno_api.spec import names
from suno_conformance.mock import MockApp
from tests.mock.mock_support import KEY, SUBMIT, valid_body

pytestmark = pytest.mark.anyio


async def _call(mock: MockApp, body: bytes, headers: list[tuple[bytes, bytes]], server: Any) -> tuple[int, Any]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": SUBMIT,
        "raw_path": SUBMIT.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "server": server,
        "client": ["127.0.0.1", 50000],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await mock.app(scope, receive, send)
    content = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return sent[0]["status"], json.loads(content)


@pytest.mark.parametrize("server", [["testserver", 80], ("testserver", 80), None])
async def test_a_submit_succeeds_whatever_shape_the_server_entry_has(
    make_mock: Callable[..., MockApp], server: Any
) -> None:
    """Starlette's TestClient and some servers pass ``server`` as a list: it used to crash the submit (500)."""
    mock = make_mock()
    auth = [(b"authorization", f"Bearer {KEY}".encode())]
    status, answer = await _call(mock, json.dumps(valid_body()).encode(), auth, server)
    assert (status, answer["code"]) == (200, 200), answer
    task = mock.get_task(answer["data"][names().submit_task_id])
    assert task is not None
    assert task.base_url == "http://testserver/"


async def test_the_first_of_repeated_headers_counts(make_mock: Callable[..., MockApp]) -> None:
    """A repeated header is read as ``request.headers.get`` reads it: the first occurrence."""
    mock = make_mock()
    body = json.dumps(valid_body()).encode()
    first_wrong = [(b"authorization", b"Bearer wrong-key"), (b"authorization", f"Bearer {KEY}".encode())]
    _, answer = await _call(mock, body, first_wrong, ["testserver", 80])
    assert answer["code"] == 401, answer
    first_right = list(reversed(first_wrong))
    _, answer = await _call(mock, body, first_right, ["testserver", 80])
    assert answer["code"] == 200, answer


@pytest.mark.parametrize("given", [{"task": "0123abcd"}, {"task": "a-b"}, {"task": 7}, {"other": "x"}, {}])
def test_the_success_answer_is_the_encoded_envelope(make_mock: Callable[..., MockApp], given: dict[str, Any]) -> None:
    """The submit's answer, written from its task id, is byte for byte the compact envelope."""
    data = {names().submit_task_id if key == "task" else key: value for key, value in given.items()}
    mock = make_mock()
    expected = json.dumps({"code": 200, "msg": "success", "data": data}, separators=(",", ":")).encode()
    assert bytes(mock.success_response(data).body) == expected
