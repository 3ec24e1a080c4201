"""The mock over real sockets: MockServer's lifecycle, real dropped connections, the ticker, the CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from suno_api.spec import names
from suno_conformance.mock import MockApp, MockServer, VirtualClock
from suno_conformance.mock._server import bind_socket
from tests.mock.mock_support import (
    AUTH,
    KEY,
    RECORD_INFO,
    SUBMIT,
    Receiver,
    eventually,
    settings,
    stages,
    task_query,
    valid_body,
)
from tests.spec_support import member

ALL_STAGES = ("stage_text", "stage_first", "stage_complete")

ROOT = Path(__file__).resolve().parents[2]


def raw_exchange(url: str, request: bytes) -> bytes:
    """Send ``request`` over a fresh socket and return every byte that comes back until the server closes."""
    host, port = httpx.URL(url).host, httpx.URL(url).port
    assert port is not None
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:  # an abort may arrive as a reset rather than an orderly close
            pass
    return received


def raw_submit(fault: str) -> bytes:
    body = json.dumps(valid_body()).encode()
    head = (
        f"POST {SUBMIT} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nX-Mock-Fault: {fault}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def test_start_and_stop(serve: Callable[..., MockServer]) -> None:
    """Port 0 picks a free loopback port; after stop nothing listens there any more."""
    server = serve(settings())
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    assert httpx.get(f"{server.url}/_mock/state").json()["tasks"] == 0
    url = server.url
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_mock/state")
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.url
    server.stop()  # stopping twice is harmless


def test_context_manager_and_restart_refusal() -> None:
    """MockServer is a context manager; starting it twice is refused."""
    with MockServer(settings()) as server:
        assert httpx.get(f"{server.url}/openapi.yaml").status_code == 200
        with pytest.raises(RuntimeError, match="already started"):
            server.start()
    assert server.port is None


def test_it_takes_settings_or_a_mock_not_both() -> None:
    """MockServer(mock=...) serves an existing MockApp; combining it with settings is an error."""
    mock = MockApp(settings())
    assert MockServer(mock=mock).mock is mock
    with pytest.raises(TypeError, match="not both"):
        MockServer(settings(), mock=mock)


def test_two_mocks_in_one_process_share_nothing(serve: Callable[..., MockServer]) -> None:
    """Two served mocks have their own ports, tasks and settings."""
    first = serve(settings(error_style="status"))
    second = serve(settings())
    assert first.port != second.port
    submitted = httpx.post(f"{first.url}{SUBMIT}", json=valid_body(), headers=AUTH)
    task_id = submitted.json()["data"][names().submit_task_id]
    missing = httpx.get(f"{second.url}{RECORD_INFO}", params=task_query(task_id), headers=AUTH)
    assert missing.status_code == 200
    assert missing.json()["code"] == 404
    assert len(first.mock.tasks) == 1
    assert second.mock.tasks == {}


def test_a_dropped_connection_is_a_real_one(serve: Callable[..., MockServer]) -> None:
    """drop-connection closes the socket without a single byte of answer, after the submit took effect."""
    server = serve(settings())
    assert raw_exchange(server.url, raw_submit("drop-connection")) == b""
    assert len(server.mock.tasks) == 1
    assert [(r.route, r.code, r.fault) for r in server.mock.requests] == [("submit", 200, "drop-connection")]


def test_a_connection_dropped_before_processing(serve: Callable[..., MockServer]) -> None:
    """drop-connection=before closes the socket without answering and without creating anything."""
    server = serve(settings())
    assert raw_exchange(server.url, raw_submit("drop-connection=before")) == b""
    assert server.mock.tasks == {}
    with httpx.Client(base_url=server.url) as client:  # the server is fine afterwards
        assert client.post(SUBMIT, json=valid_body(), headers=AUTH).json()["code"] == 200


def test_httpx_sees_a_disconnect_without_answer(serve: Callable[..., MockServer]) -> None:
    """What a client library sees: the server disconnected without sending a response."""
    server = serve(settings())
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        httpx.post(f"{server.url}{SUBMIT}", json=valid_body(), headers={**AUTH, "X-Mock-Fault": "drop-connection"})


def test_malformed_json_over_the_wire(serve: Callable[..., MockServer]) -> None:
    """malformed-json arrives as HTTP 200, application/json, with a body cut short."""
    server = serve(settings())
    response = httpx.post(
        f"{server.url}{SUBMIT}", json=valid_body(), headers={**AUTH, "X-Mock-Fault": "malformed-json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_status_style_over_the_wire(serve: Callable[..., MockServer]) -> None:
    """In status style, non-standard codes such as 455 travel as real HTTP statuses."""
    server = serve(settings(error_style="status", maintenance=True))
    response = httpx.get(f"{server.url}{RECORD_INFO}", params=task_query("x"), headers=AUTH)
    assert response.status_code == 455
    assert response.json()["code"] == 455


def test_stepping_a_served_clock(serve: Callable[..., MockServer], receiver: Receiver) -> None:
    """server.advance steps the clock on the server's loop; callbacks follow; drain waits for them."""
    server = serve(settings(), clock=VirtualClock(frozen=True))
    spec_names = names()
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        submitted = client.post(SUBMIT, json=valid_body(callback_url=receiver.url))
        task_id = submitted.json()["data"][spec_names.submit_task_id]
        server.advance(2)
        polled = client.get(RECORD_INFO, params=task_query(task_id)).json()["data"]
        assert polled[spec_names.record_status] == member("status_text_success")
        client.post("/_mock/advance", json={"seconds": 4})
        polled = client.get(RECORD_INFO, params=task_query(task_id)).json()["data"]
        assert polled[spec_names.record_status] == spec_names.status_success
    server.drain()
    types = [item.json()["data"][spec_names.callback_type] for item in receiver.wait_for(3)]
    assert types == stages(*ALL_STAGES)


def test_the_ticker_sends_callbacks_on_its_own(serve: Callable[..., MockServer], receiver: Receiver) -> None:
    """With a running clock and instant stages, callbacks arrive without anyone polling record-info."""
    server = serve(settings(stage_seconds=0))
    httpx.post(f"{server.url}{SUBMIT}", json=valid_body(callback_url=receiver.url), headers=AUTH)
    types = [item.json()["data"][names().callback_type] for item in receiver.wait_for(3)]
    assert types == stages(*ALL_STAGES)
    eventually(lambda: [d.outcome for d in server.mock.deliveries] == ["delivered"] * 3)


def test_listening_sockets_say_tcp() -> None:
    """The listening socket's proto is TCP, so asyncio sets TCP_NODELAY on accepted connections.

    With proto 0 every answer waits ~40 ms for a delayed ACK: 23 requests a second instead of thousands.
    """
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_a_port_in_use_is_reported(serve: Callable[..., MockServer]) -> None:
    """Starting on a port that is taken raises OSError at once."""
    server = serve(settings())
    with pytest.raises(OSError, match="in use"):
        MockServer(settings(port=server.port)).start()


def _child_env(**extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("SUNO_MOCK_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, **extra}


def test_the_command_line(tmp_path: Path) -> None:
    """python -m suno_conformance.mock prints its URL and a curl line, serves, and stops cleanly on SIGINT."""
    process = subprocess.Popen(  # noqa: S603 - our interpreter running our own module
        [sys.executable, "-m", "suno_conformance.mock", "--port", "0", "--api-keys", KEY, "--stage-seconds", "0"],
        cwd=ROOT,
        env=_child_env(SUNO_MOCK_SEED="5"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        encoding="utf-8",
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(7)]
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0])
        assert found, banner
        url = found.group(1)
        assert any(line.strip().startswith("curl") for line in banner)
        assert "seed: 5" in "".join(banner)
        answer = httpx.post(f"{url}{SUBMIT}", json=valid_body(), headers=AUTH).json()
        assert answer["code"] == 200
    finally:
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=15)
        if process.stdout is not None:
            process.stdout.close()
    assert returncode == 0


def test_the_command_line_names_a_bad_variable() -> None:
    """A bad SUNO_MOCK_* variable stops the CLI with exit code 2 and a message naming it."""
    result = subprocess.run(
        [sys.executable, "-m", "suno_conformance.mock"],
        cwd=ROOT,
        env=_child_env(SUNO_MOCK_ERROR_STYLE="loud"),
        capture_output=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "SUNO_MOCK_ERROR_STYLE" in result.stderr
