"""Secrets never leak, in full or in part, and data is never altered to hide them (issue 14, findings 1, 2, 8).

``redact`` and ``excerpt`` are the one redaction for client, command line and suite; the client applies them to
messages and log lines only. Real-socket tests use a tiny threaded HTTP server on loopback, because proxies
and httpcore's own logging only happen over a real connection.
"""

from __future__ import annotations

import http.server
import json
import logging
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from suno_api import (
    ConfigurationError,
    NotFoundError,
    ResponseDecodeError,
    ServerError,
    SunoClient,
    excerpt,
    is_loopback_host,
    redact,
)
from suno_api.spec import names
from tests.bodies import custom_body
from tests.client.client_support import TOKEN, Recorder, record, respond, submitted

# A key with characters that JSON and URLs escape: `/` (`\/`), `"` (`\"`), `\` (`\\`).
ODD_KEY = 'sk-LEAK/CANARY"q\\z-0123456789'


def _spellings(secret: str) -> dict[str, str]:
    """The ways a server may echo ``secret`` back."""
    return {
        "raw": secret,
        "json": json.dumps(secret)[1:-1],
        "json-slash": json.dumps(secret)[1:-1].replace("/", "\\/"),
        "json-unicode": "".join(f"\\u{ord(char):04x}" for char in secret),
        "json-twice": json.dumps(json.dumps(secret)[1:-1])[1:-1],
        "percent": urllib.parse.quote(secret, safe=""),
        "percent-twice": urllib.parse.quote(urllib.parse.quote(secret, safe=""), safe=""),
        "bytes-repr": repr(secret.encode())[2:-1],
    }


def _fragments(secret: str, size: int = 6) -> set[str]:
    """Every run of ``size`` characters of the secret: none may survive."""
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


# --- the predicates and functions themselves --------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("127.0.0.1", True),
        ("127.5.6.7", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("[::ffff:127.0.0.1]", True),
        ("::ffff:10.0.0.1", False),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
        ("127.0.0.1.nip.io", False),
        ("foo.localhost", False),
        ("", False),
    ],
)
def test_is_loopback_host_is_the_one_predicate(host: str, loopback: bool) -> None:
    """IPv4-mapped loopback and bracketed IPv6 count; names that need DNS do not."""
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("spelling", list(_spellings(ODD_KEY)))
def test_redact_covers_every_spelling_of_a_secret(spelling: str) -> None:
    shown = redact(f"before {_spellings(ODD_KEY)[spelling]} after", [ODD_KEY])
    assert shown == "before [REDACTED] after"


def test_excerpt_of_a_huge_text_redacts_only_what_it_shows() -> None:
    """A 10 MB error page is not redacted whole to show 200 characters; the cut is still safe."""
    huge = "a" * 150 + TOKEN + "b" * 10_000_000
    assert excerpt(huge, [TOKEN], 200) == "a" * 150 + "[REDACTED]" + "b" * 39 + "…"
    assert excerpt("abc", [TOKEN], 0) == ""
    assert excerpt("abc", [], 1) == "…"


def test_a_bare_string_is_one_secret_not_one_per_character() -> None:
    assert redact("key sk-abc, kind ask", "sk-abc") == "key [REDACTED], kind ask"
    assert excerpt("key sk-abc", b"sk-abc", 50) == "key [REDACTED]"


def test_redact_catches_mixed_escapes_and_leaves_other_text_alone() -> None:
    mixed = "sk\\u002dLEAK\\/CANARY%22q\\\\z-0123456789"
    assert redact(f"<{mixed}>", [ODD_KEY]) == "<[REDACTED]>"
    assert redact("nothing secret here", [ODD_KEY, "", None]) == "nothing secret here"


def test_excerpt_is_cut_after_redaction_and_never_keeps_a_fragment() -> None:
    """A secret straddling the cut goes whole: no `sk-LEAKCANAR` left behind (issue 14 finding 2)."""
    for escaped in _spellings(ODD_KEY).values():
        for start in range(380, 400):
            text = "x" * start + escaped + "y" * 50
            shown = excerpt(text, [ODD_KEY], 400)
            assert len(shown) <= 400
            assert not any(fragment in shown for fragment in _fragments(ODD_KEY)), shown[-40:]
            assert not shown.endswith(("[", "[RED", "[REDACTED"))


# --- data is never altered ---------------------------------------------------------------------------------


def test_a_one_letter_key_does_not_corrupt_the_data(make_client: Callable[..., SunoClient]) -> None:
    """With key `x`, https://example.com stays https://example.com (it became e[redacted]ample.com)."""
    spec_names = names()
    track = {
        spec_names.track_id: "t1",
        spec_names.track_audio_url: "https://example.com/x.mp3",
        spec_names.track_title: "x",
    }
    response = {spec_names.response_task_id: "task-1", spec_names.response_tracks: [track]}
    answer = record(spec_names.status_success, extra={spec_names.record_response: response})
    fetched = make_client(Recorder(respond(answer)), api_key="x").get_record("task-1")
    assert fetched.tracks[0].audio_url == "https://example.com/x.mp3"
    raw_track = fetched.raw[spec_names.record_response][spec_names.response_tracks][0]
    assert raw_track[spec_names.track_audio_url] == "https://example.com/x.mp3"


def test_a_key_that_is_a_word_of_the_envelope_does_not_break_a_submit(
    make_client: Callable[..., SunoClient],
) -> None:
    """With key `a`, the word `data` is not rewritten, so a successful submit is a success."""
    client = make_client(Recorder(respond(submitted("abc-a"))), api_key="a")
    assert client.submit(custom_body()) == "abc-a"


# --- messages never show a secret ------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["json-slash", "json-unicode", "json", "percent"])
def test_escaped_echoes_reach_neither_the_message_nor_the_retry_warning(
    spelling: str, make_client: Callable[..., SunoClient], caplog: pytest.LogCaptureFixture
) -> None:
    echoed = _spellings(ODD_KEY)[spelling]
    gateway = respond(f"<html>upstream said: bad key {echoed}</html>".encode(), status=502)
    caplog.set_level(logging.WARNING, logger="suno_api")
    with pytest.raises(ServerError) as raised:
        make_client(Recorder(gateway), api_key=ODD_KEY, max_retries=1).get_record("task-1")
    warnings = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert warnings, "the 502 should have been retried once"
    for text in (str(raised.value), raised.value.message, *warnings):
        assert echoed not in text
        assert not any(fragment in text for fragment in _fragments(ODD_KEY)), text
        assert "[REDACTED]" in text


def test_a_body_excerpt_is_cut_after_redaction(make_client: Callable[..., SunoClient]) -> None:
    """The excerpt of an unreadable answer never ends in the first characters of an escaped key."""
    escaped = _spellings(TOKEN)["json-unicode"]
    body = ("z" * 190 + escaped + "z" * 300).encode()
    with pytest.raises(ResponseDecodeError) as raised:
        make_client(Recorder(respond(body)), max_retries=0).get_record("task-1")
    assert "\\u0073\\u006b" not in raised.value.body_excerpt
    assert raised.value.body_excerpt.startswith("z" * 190)


def test_an_error_without_an_envelope_keeps_the_servers_text_redacted(make_client: Callable[..., SunoClient]) -> None:
    """`[404] (HTTP 404): no route /x for key [REDACTED].`, not `HTTP 404 (envelope code None)`."""
    answer = respond(f"no route /x for key {TOKEN}".encode(), status=404)
    with pytest.raises(NotFoundError) as raised:
        make_client(Recorder(answer), max_retries=0).get_record("task-1")
    assert "no route /x for key [REDACTED]" in str(raised.value)
    assert "envelope code" not in str(raised.value)
    assert TOKEN not in str(raised.value)


# --- real sockets: proxies and httpcore's logging --------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every request with a record-info success, echoing the Authorization header back in a header."""

    seen: list[dict[str, str]]

    def do_GET(self) -> None:
        self.server.seen.append(dict(self.headers))  # type: ignore[attr-defined]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        task_id = query.get(names().task_id_param, ["task-1"])[0]
        body = json.dumps(record(names().status_success, task_id=task_id)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Echo", self.headers.get("Authorization", ""))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def echo_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A real HTTP server on loopback; yields its base URL and the headers of every request it got."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def fake_proxy() -> Iterator[tuple[str, list[bytes]]]:
    """A listening socket standing for a proxy: records what reaches it, answers nothing, closes."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    received.append(connection.recv(65536))
                except OSError:
                    received.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", received
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_environment_proxies_never_see_the_key_of_a_plain_http_loopback_request(
    echo_server: tuple[str, list[dict[str, str]]],
    fake_proxy: tuple[str, list[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTP_PROXY/ALL_PROXY would carry `Authorization: Bearer ...` in clear: loopback http goes direct."""
    base_url, seen = echo_server
    proxy_url, reached_proxy = fake_proxy
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, proxy_url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with SunoClient(api_key=TOKEN, base_url=base_url, max_retries=0) as client:
        assert client.get_record("task-1").succeeded
    assert reached_proxy == []
    assert seen[0]["Authorization"] == f"Bearer {TOKEN}"


def test_a_socks_proxy_without_socksio_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """ALL_PROXY=socks5://... without the socksio package: a ConfigurationError before I/O, not ImportError."""
    try:
        import socksio  # type: ignore[import-not-found]  # noqa: F401, PLC0415 - only its absence matters
    except ImportError:
        pass
    else:
        pytest.skip("socksio is installed here")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:9")
    with (
        SunoClient(api_key=TOKEN, base_url="https://api.example.test", max_retries=0) as client,
        pytest.raises(ConfigurationError, match="httpx\\[socks\\]"),
    ):
        client.get_record("task-1")


def test_httpcore_debug_logging_does_not_show_a_token_the_server_echoes(
    echo_server: tuple[str, list[dict[str, str]]], caplog: pytest.LogCaptureFixture
) -> None:
    """With the root logger at DEBUG, httpcore logs response headers: the echoed key is redacted there."""
    base_url, _ = echo_server
    caplog.set_level(logging.DEBUG)
    with SunoClient(api_key=TOKEN, base_url=base_url, max_retries=0) as client:
        client.get_record("task-1")
    header_lines = [r.getMessage() for r in caplog.records if r.name.startswith("httpcore")]
    assert any("X-Echo" in line or "x-echo" in line.lower() for line in header_lines), header_lines
    assert TOKEN not in caplog.text
    assert "[REDACTED]" in caplog.text


def test_the_log_filter_leaves_levels_alone_and_covers_every_live_client(
    make_client: Callable[..., SunoClient], caplog: pytest.LogCaptureFixture
) -> None:
    """Levels stay as the user set them; the keys of every live client (and copies) are redacted."""
    before = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "httpcore.http11")}
    client = make_client(Recorder(respond(record())), api_key="sk-first-key-123")
    copy = client.with_options(api_key="sk-second-key-456")
    assert {name: logging.getLogger(name).level for name in before} == before
    caplog.set_level(logging.DEBUG, logger="httpx")
    logging.getLogger("httpx").debug("saw %s and %s", "sk-first-key-123", "sk-second-key-456")
    assert caplog.records[-1].getMessage() == "saw [REDACTED] and [REDACTED]"
    assert copy.base_url == client.base_url
