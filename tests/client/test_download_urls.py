"""An audio URL that is invalid or not http(s), or a redirect to one, is a DownloadError, never another exception."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from suno_api._download import DownloadError, download_tracks
from tests.client.download_support import MP3_FRAME, AudioHost, names, no_sleep, redirect, serve, tracks

INVALID = {
    "unclosed-ipv6": "http://[::1/a.mp3",
    "bad-idna": "http://xn--/a.mp3",
    "no-host": "https:///a.mp3",
    "port-too-big": "http://127.0.0.1:99999/a.mp3",
    "space-in-host": "http://cdn example.com/a.mp3",
    "nul": "http://cdn.example.com/\x00.mp3",
}
NOT_HTTP = {
    "data": "data:audio/mpeg;base64,//uQxAAAAAAAAAAAAAAAAAAAAAAA",
    "ftp": "ftp://127.0.0.1/a.mp3",
    "file": "file:///etc/passwd",
    "javascript": "javascript:alert(1)",
    "relative": "/files/a.mp3",
}


def _refusing_transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=MP3_FRAME)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("url", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_audio_url_is_a_download_error_and_nothing_is_sent(tmp_path: Path, url: str) -> None:
    """Unparsable, hostless or out-of-range URLs: a DownloadError naming the URL, not InvalidURL or ValueError."""
    seen: list[httpx.Request] = []
    with pytest.raises(DownloadError, match="not a valid URL") as caught:
        download_tracks(tracks(url), tmp_path, transport=_refusing_transport(seen), sleep=no_sleep)
    assert caught.value.url == url
    assert (seen, names(tmp_path)) == ([], [])


@pytest.mark.parametrize("url", NOT_HTTP.values(), ids=NOT_HTTP.keys())
def test_an_audio_url_that_is_not_http_is_refused_before_anything_is_sent(tmp_path: Path, url: str) -> None:
    """The message names the scheme that was refused."""
    seen: list[httpx.Request] = []
    with pytest.raises(DownloadError) as caught:
        download_tracks(tracks(url), tmp_path, transport=_refusing_transport(seen), sleep=no_sleep)
    scheme = f"{url.split(':', 1)[0]}:" if ":" in url else "a URL without a scheme"
    assert (
        str(caught.value) == f"refusing to download {url}: {scheme} is not http(s): only http(s) audio URLs are fetched"
    )
    assert caught.value.url == url
    assert (seen, names(tmp_path)) == ([], [])


@pytest.mark.parametrize(
    "location",
    [NOT_HTTP["data"], NOT_HTTP["ftp"], NOT_HTTP["file"], NOT_HTTP["javascript"]],
    ids=["data", "ftp", "file", "javascript"],
)
def test_a_redirect_off_http_is_refused_and_not_retried(tmp_path: Path, location: str) -> None:
    """The host answers 302 to a ``data:`` (or other non-http) URL: one request, a DownloadError naming both."""
    with AudioHost(redirect(location)) as host:
        url = host.url()
        with pytest.raises(DownloadError) as caught:
            download_tracks(tracks(url), tmp_path, sleep=no_sleep)
        assert len(host.requests) == 1
    scheme = location.split(":", 1)[0]
    assert (
        str(caught.value)
        == f"refusing to download {url}: it redirected to {scheme}:, and only http(s) audio URLs are fetched"
    )
    assert caught.value.url == url
    assert names(tmp_path) == []


def test_a_redirect_to_an_invalid_url_is_a_download_error(tmp_path: Path) -> None:
    """A Location header httpx cannot parse ends the download with a DownloadError, not RemoteProtocolError."""
    with AudioHost(redirect("http://[::1/a.mp3")) as host:
        url = host.url()
        with pytest.raises(DownloadError, match=f"^cannot download {url}: it redirected to an invalid URL"):
            download_tracks(tracks(url), tmp_path, sleep=no_sleep)
        assert len(host.requests) == 1
    assert names(tmp_path) == []


def test_a_redirect_to_http_is_followed(tmp_path: Path) -> None:
    """Redirects between http(s) URLs (a CDN's usual way) still work."""
    with AudioHost(serve(MP3_FRAME, {"Content-Type": "audio/mpeg"})) as audio, AudioHost(redirect(audio.url())) as host:
        saved = download_tracks(tracks(host.url()), tmp_path)
    assert saved[0].path.read_bytes() == MP3_FRAME
    assert names(tmp_path) == ["id0.mp3"]
