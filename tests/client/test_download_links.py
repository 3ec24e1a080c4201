"""A symbolic link at a track's file name is never followed: refused, or replaced itself with ``overwrite``."""

from __future__ import annotations

import struct
from pathlib import Path

import httpx
import pytest

from suno_api._download import DownloadError, download_tracks
from tests.client.download_support import MP3_FRAME, names, no_sleep, tracks

URL = "https://cdn.example.com/files/t.mp3"
WAV = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + bytes(60)


def _audio(body: bytes = MP3_FRAME) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the download directory, where a link may point."""
    path = tmp_path / "outside"
    path.mkdir()
    return path


@pytest.mark.parametrize("dangling", [True, False], ids=["dangling", "to-a-file"])
@pytest.mark.parametrize(("body", "name"), [(MP3_FRAME, "id0.mp3"), (WAV, "id0.wav")], ids=["url-name", "content-name"])
def test_a_link_at_the_file_name_is_refused_and_left_alone(
    tmp_path: Path, outside: Path, dangling: bool, body: bytes, name: str
) -> None:
    """Whether the name comes from the URL or from the content, the link is neither followed nor replaced."""
    directory = tmp_path / "out"
    directory.mkdir()
    target = outside / "theirs.mp3"
    if not dangling:
        target.write_bytes(b"theirs")
    (directory / name).symlink_to(target)
    with pytest.raises(DownloadError, match="is a symbolic link: it is neither followed nor replaced"):
        download_tracks(tracks(URL), directory, transport=_audio(body), sleep=no_sleep)
    assert (directory / name).is_symlink()
    assert names(directory) == [name]
    assert names(outside) == ([] if dangling else ["theirs.mp3"])
    if not dangling:
        assert target.read_bytes() == b"theirs"


@pytest.mark.parametrize("dangling", [True, False], ids=["dangling", "to-a-file"])
def test_overwrite_replaces_the_link_itself_and_writes_nothing_outside(
    tmp_path: Path, outside: Path, dangling: bool
) -> None:
    """With ``overwrite`` the link is swapped for the file in one rename; what it pointed at is untouched."""
    directory = tmp_path / "out"
    directory.mkdir()
    target = outside / "theirs.mp3"
    if not dangling:
        target.write_bytes(b"theirs")
    (directory / "id0.mp3").symlink_to(target)
    saved = download_tracks(tracks(URL), directory, overwrite=True, transport=_audio())
    final = directory / "id0.mp3"
    assert [(item.path, item.kept_existing) for item in saved] == [(final, False)]
    assert not final.is_symlink()
    assert final.read_bytes() == MP3_FRAME
    assert names(outside) == ([] if dangling else ["theirs.mp3"])
    if not dangling:
        assert target.read_bytes() == b"theirs"


def test_a_directory_at_the_file_name_is_refused(tmp_path: Path) -> None:
    """Something that is not a regular file is not reported as a kept track."""
    (tmp_path / "id0.mp3").mkdir()
    with pytest.raises(DownloadError, match="exists and is not a regular file"):
        download_tracks(tracks(URL), tmp_path, transport=_audio(), sleep=no_sleep)
    assert names(tmp_path) == ["id0.mp3"]


def test_an_existing_file_is_still_kept_without_a_request(tmp_path: Path) -> None:
    """A regular file at the name is kept as before, and nothing is fetched."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=MP3_FRAME)

    (tmp_path / "id0.mp3").write_bytes(b"mine")
    saved = download_tracks(tracks(URL), tmp_path, transport=httpx.MockTransport(handler))
    assert [(item.size, item.kept_existing) for item in saved] == [(4, True)]
    assert (seen, (tmp_path / "id0.mp3").read_bytes()) == ([], b"mine")
