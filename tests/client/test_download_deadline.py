"""One wall-clock deadline per file, across every attempt, that a server dripping bytes cannot outlast."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import suno_api._download as download_module
from suno_api._download import DownloadError, download_tracks
from tests.client.download_support import (
    MP3_FRAME,
    AudioHost,
    Connection,
    names,
    no_sleep,
    response_head,
    tracks,
)

# Scaled down from 900 s; the read timeout stays far above it, so only the deadline can stop these downloads.
LIMIT = 0.3
SLOW_READS = httpx.Timeout(5.0)


@pytest.fixture(autouse=True)
def _short_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(download_module, "MAX_DOWNLOAD_SECONDS", LIMIT)


def _download(url: str, directory: Path) -> DownloadError:
    with pytest.raises(DownloadError) as caught:
        download_tracks(tracks(url), directory, timeout=SLOW_READS, sleep=no_sleep)
    return caught.value


def _assert_deadline(error: DownloadError, url: str, limit: float = LIMIT) -> None:
    assert error.url == url
    assert f"gave up on {url}: it took longer than the {limit:g} s allowed per file" in str(error)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
def test_a_body_dripped_a_byte_at_a_time_is_cut_off_at_the_deadline(tmp_path: Path, declared: bool) -> None:
    """Every read gets a byte in time, so no read times out; the deadline still ends it, and nothing is kept.

    Without a Content-Length the cut connection looks like the end of the body: it must not be saved as one.
    """
    headers: dict[str, str | int] = {"Content-Type": "audio/mpeg"}
    if declared:
        headers["Content-Length"] = 10_000_000

    def drip(connection: Connection) -> None:
        if connection.send(response_head(headers) + MP3_FRAME):
            connection.drip(bytes(64))

    with AudioHost(drip) as host:
        url = host.url()
        _assert_deadline(_download(url, tmp_path), url)
    assert names(tmp_path) == []


def test_headers_dripped_a_byte_at_a_time_are_cut_off_at_the_deadline(tmp_path: Path) -> None:
    """The deadline holds before the response exists too: a server may drip its headers."""

    def drip(connection: Connection) -> None:
        if connection.send(b"HTTP/1.1 200 OK\r\nX-Padding: "):
            connection.drip(b"a")

    with AudioHost(drip) as host:
        url = host.url()
        _assert_deadline(_download(url, tmp_path), url)
    assert names(tmp_path) == []


def test_the_deadline_covers_every_attempt_and_is_not_restarted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each attempt drips for 0.2 s then drops (a retried failure): three of them cannot fit in one 0.5 s limit."""
    monkeypatch.setattr(download_module, "MAX_DOWNLOAD_SECONDS", 0.5)
    monkeypatch.setattr(download_module, "RETRY_PAUSE", 0.01)

    def drip_then_drop(connection: Connection) -> None:
        if connection.send(response_head({"Content-Type": "audio/mpeg", "Content-Length": 10_000_000}) + MP3_FRAME):
            connection.drip(bytes(64), interval=0.02, for_seconds=0.2)

    with AudioHost(drip_then_drop) as host:
        url = host.url()
        _assert_deadline(_download(url, tmp_path), url, limit=0.5)
        assert 2 <= len(host.requests) <= 3
    assert names(tmp_path) == []


def test_no_retry_is_started_that_the_deadline_would_cut(tmp_path: Path) -> None:
    """A 503 with less time left than the 0.5 s pause before the next attempt: stop now, saying why."""
    seen: list[httpx.Request] = []
    pauses: list[float] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503)

    url = "https://cdn.example.com/a.mp3"
    with pytest.raises(DownloadError) as caught:
        download_tracks(tracks(url), tmp_path, transport=httpx.MockTransport(unavailable), sleep=pauses.append)
    _assert_deadline(caught.value, url)
    assert "(last error: HTTP 503)" in str(caught.value)
    assert (len(seen), pauses) == (1, [])


def test_a_file_that_arrives_in_time_is_saved(tmp_path: Path) -> None:
    """The timer does not disturb a download that finishes well within the limit."""

    def whole(connection: Connection) -> None:
        body = MP3_FRAME * 3
        connection.send(response_head({"Content-Type": "audio/mpeg", "Content-Length": len(body)}) + body)

    with AudioHost(whole) as host:
        saved = download_tracks(tracks(host.url()), tmp_path, timeout=SLOW_READS)
    assert [(item.path.name, item.size) for item in saved] == [("id0.mp3", 3 * len(MP3_FRAME))]
    assert names(tmp_path) == ["id0.mp3"]
