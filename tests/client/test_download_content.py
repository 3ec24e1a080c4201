"""Audio is recognised by its first bytes, whatever the Content-Type says, and they choose the file's suffix."""

from __future__ import annotations

import struct
from pathlib import Path

import httpx
import pytest

from suno_api._download import DownloadError, audio_suffix, download_tracks, track_filename
from suno_api_client.models import RecordTrack
from tests.client.download_support import MP3_FRAME, AudioHost, names, no_sleep, serve, tracks

URL = "https://cdn.example.com/files/t.mp3"

HTML = b"<!DOCTYPE html>\n<html><head><title>Link expired</title></head><body>Gone</body></html>\n"
XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>\n"
)
NOT_AUDIO = {
    "html": HTML,
    "xml": XML,
    "json": b'{"code": 404, "msg": "file not found"}',
    "png": b"\x89PNG\r\n\x1a\n" + bytes(40),
    "zeros": bytes(4096),
    "reserved-mpeg-bitrate": b"\xff\xfb\xf0\x00" + bytes(60),
    "utf16-json": b"\xff\xfe" + '{"code": 404}'.encode("utf-16-le"),
    "empty": b"",
}


def _ogg(codec: bytes) -> bytes:
    """The start of an Ogg stream whose first packet is ``codec``'s identification header."""
    return b"OggS" + bytes(24) + codec + bytes(32)


AUDIO = {
    ".mp3": MP3_FRAME,
    ".aac": b"\xff\xf1\x50\x80" + bytes(60),  # ADTS, AAC LC, 44.1 kHz
    ".wav": b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + bytes(60),
    ".flac": b"fLaC\x00\x00\x00\x22" + bytes(60),
    ".ogg": _ogg(b"\x01vorbis"),
    ".opus": _ogg(b"OpusHead"),
    ".m4a": struct.pack(">I", 24) + b"ftypM4A \x00\x00\x00\x00M4A isom" + bytes(40),
}
ID3_TAGGED = b"ID3\x04\x00\x00\x00\x00\x00\x00" + MP3_FRAME


def _answering(body: bytes, headers: dict[str, str]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))


@pytest.mark.parametrize("body", NOT_AUDIO.values(), ids=NOT_AUDIO.keys())
@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "application/octet-stream"}, {"Content-Type": "audio/mpeg"}, {}],
    ids=["octet-stream", "audio-mpeg", "no-content-type"],
)
def test_a_body_that_is_not_audio_is_refused_whatever_its_content_type(
    tmp_path: Path, body: bytes, headers: dict[str, str]
) -> None:
    """An expired link's HTML or XML page, served as octet-stream, as audio or as nothing, is never saved."""
    with pytest.raises(DownloadError, match=f"^{URL} did not send audio") as caught:
        download_tracks(tracks(URL), tmp_path, transport=_answering(body, headers), sleep=no_sleep)
    assert caught.value.url == URL
    assert names(tmp_path) == []


def test_an_html_page_without_a_content_type_from_a_real_host_is_refused(tmp_path: Path) -> None:
    """Over a socket, with no Content-Type header at all: the message says what came instead of audio."""
    with AudioHost(serve(HTML)) as host:
        url = host.url()
        with pytest.raises(DownloadError) as caught:
            download_tracks(tracks(url), tmp_path, sleep=no_sleep)
    assert str(caught.value) == f"{url} did not send audio (no Content-Type, a body that starts {HTML[:16]!r})"
    assert names(tmp_path) == []


@pytest.mark.parametrize(("suffix", "body"), [*AUDIO.items(), (".mp3", ID3_TAGGED)], ids=[*AUDIO, "id3"])
def test_audio_is_saved_under_the_suffix_its_content_shows(tmp_path: Path, suffix: str, body: bytes) -> None:
    """The URL says .mp3 and the server says octet-stream; the bytes decide the suffix."""
    transport = _answering(body, {"Content-Type": "application/octet-stream"})
    saved = download_tracks(tracks(URL), tmp_path, transport=transport)
    assert [(item.path.name, item.size, item.kept_existing) for item in saved] == [(f"id0{suffix}", len(body), False)]
    assert saved[0].path.read_bytes() == body
    assert names(tmp_path) == [f"id0{suffix}"]


def test_audio_arriving_a_few_bytes_at_a_time_is_still_recognised(tmp_path: Path) -> None:
    """The first bytes may come in several reads: recognition waits for enough of them."""

    def pieces(request: httpx.Request) -> httpx.Response:
        body = AUDIO[".opus"]
        return httpx.Response(200, content=(body[start : start + 5] for start in range(0, len(body), 5)))

    saved = download_tracks(tracks(URL), tmp_path, transport=httpx.MockTransport(pieces))
    assert saved[0].path.name == "id0.opus"
    assert saved[0].path.read_bytes() == AUDIO[".opus"]


@pytest.mark.parametrize("body", NOT_AUDIO.values(), ids=NOT_AUDIO.keys())
def test_what_is_not_audio_has_no_audio_suffix(body: bytes) -> None:
    """Neither the page nor its first three bytes pass for audio."""
    assert audio_suffix(body) is None
    assert audio_suffix(body[:3]) is None


def test_the_file_name_takes_its_suffix_from_the_content_when_given() -> None:
    """``track_filename`` prefers the content's suffix, then the URL's."""
    track = RecordTrack(id="abc", audio_url="https://cdn.example.com/abc.mp3")
    assert track_filename(track, 1, head=AUDIO[".wav"]) == "abc.wav"
    assert track_filename(track, 1, head=HTML) == "abc.mp3"
    assert track_filename(track, 1) == "abc.mp3"
