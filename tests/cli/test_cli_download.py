"""``--download``: a file appears complete under its final name or not at all, and never gets the API key."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import suno_api._download as download_module
from suno_api import parse_record_info
from suno_api._download import DownloadError, _publish, download_tracks, track_filename
from suno_api.cli import ExitCode
from suno_api.spec import names
from suno_api_client.models import RecordTrack
from suno_conformance.mock import MockApp, MockServer, MockSettings
from tests.cli.cli_support import (
    KEY,
    MP3_MAGIC,
    BrokenAudioHost,
    assert_no_secret,
    extend_args,
    failure,
    invoke,
    json_lines,
    keyed,
    process_env,
    start_process,
)


class AudioElsewhere(MockApp):
    """The mock, with track audio served by another host (as upstream's CDN is)."""

    audio_host = ""

    def record_track(self, track: Any) -> dict[str, Any]:
        data = super().record_track(track)
        data["audioUrl"] = f"{self.audio_host}/files/{track.id}.mp3"
        return data


@pytest.fixture
def audio_elsewhere() -> Iterator[MockServer]:
    with MockServer(mock=AudioElsewhere(MockSettings(stage_seconds=0, seed=9, api_keys=(KEY,)))) as server:
        yield server


def _final_and_partial(directory: Path) -> tuple[list[str], list[str]]:
    names = sorted(path.name for path in directory.iterdir())
    return [name for name in names if not name.startswith(".")], [name for name in names if name.startswith(".")]


def test_a_connection_dropped_mid_body_leaves_no_file(audio_elsewhere: MockServer, tmp_path: Path) -> None:
    """The host sends 5 kB of 200 kB and hangs up, three times: exit 6, nothing under any name, no key sent."""
    out = tmp_path / "out"
    with BrokenAudioHost("drop") as host:
        audio_elsewhere.mock.audio_host = host.url
        result = invoke(*extend_args(audio_elsewhere.url, "--download", str(out), "--json"), env=keyed())
    assert result.exit_code == ExitCode.DOWNLOAD
    assert _final_and_partial(out) == ([], [])
    assert len(host.requests) == 3  # first attempt + 2 retries
    assert not any("authorization" in request.lower() for request in host.requests)
    lines = json_lines(result.stdout)
    assert failure(result.stdout)["type"] == "DownloadError"
    task_id = lines[0]["task_id"]
    again = f"suno-api status {task_id} --base-url {audio_elsewhere.url} --download {out}"
    assert f"the task succeeded: download again with `{again}`" in result.stderr


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, ExitCode.INTERRUPTED), (signal.SIGTERM, ExitCode.TERMINATED)]
)
def test_interrupted_download_leaves_no_partial_file(
    audio_elsewhere: MockServer, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    """Ctrl+C (or SIGTERM) while the body is arriving: the partial .part file is removed, no final name exists."""
    out = tmp_path / "out"
    with BrokenAudioHost("stall") as host:
        audio_elsewhere.mock.audio_host = host.url
        process = start_process(
            *extend_args(audio_elsewhere.url, "--download", str(out)), cwd=tmp_path, env=process_env(KIE_API_KEY=KEY)
        )
        try:
            assert host.partial_sent.wait(20), "the download never started"
            # The partial file exists, under a temporary name only, while the body arrives.
            partial = _final_and_partial(out)
            assert partial[0] == []
            process.send_signal(sig)
            stdout, stderr = process.communicate(timeout=20)
        finally:
            process.kill()
            process.wait()
    assert process.returncode == code
    assert stdout.startswith("submitted task ")
    assert _final_and_partial(out) == ([], [])
    assert "Traceback" not in stderr
    assert_no_secret(stdout, stderr)


def test_files_are_named_by_track_id_and_made_safe() -> None:
    track = RecordTrack(id="../../etc/passwd", audio_url="https://cdn.example.com/a/b.WAV?sig=1")
    assert track_filename(track, 1) == "etc_passwd.wav"
    assert track_filename(RecordTrack(id="", audio_url="https://cdn.example.com/x"), 2) == "track-2.mp3"
    assert track_filename(RecordTrack(id="...", audio_url="https://cdn.example.com/x.exe"), 3) == "track-3.mp3"


def _tracks(*urls: str) -> list[RecordTrack]:
    spec = names()
    tracks = [{spec.track_id: f"id{n}", spec.track_audio_url: url} for n, url in enumerate(urls)]
    record = parse_record_info(
        {
            spec.envelope_code: 200,
            spec.envelope_msg: "success",
            spec.envelope_data: {
                spec.record_task_id: "t",
                spec.record_status: spec.status_success,
                spec.record_response: {spec.response_tracks: tracks},
            },
        }
    )
    return record.tracks


def _no_sleep(_: float) -> None:
    return None


def test_transient_errors_are_retried_and_no_authorization_is_sent(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503)
        return httpx.Response(200, content=MP3_MAGIC + b"data", headers={"Content-Type": "audio/mpeg"})

    saved = download_tracks(
        _tracks("https://cdn.example.com/a.mp3"), tmp_path, transport=httpx.MockTransport(handler), sleep=_no_sleep
    )
    assert [item.path.read_bytes() for item in saved] == [MP3_MAGIC + b"data"]
    assert len(seen) == 2
    assert all("authorization" not in request.headers for request in seen)


@pytest.mark.parametrize(
    ("status", "content_type", "message"),
    [
        (404, "audio/mpeg", "HTTP 404"),
        (200, "text/html; charset=utf-8", "answered text/html, not audio"),
        (200, "application/json", "answered application/json, not audio"),
    ],
)
def test_answers_that_are_not_audio_are_refused(tmp_path: Path, status: int, content_type: str, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=b"<html>expired</html>", headers={"Content-Type": content_type})

    with pytest.raises(DownloadError, match=message):
        download_tracks(
            _tracks("https://cdn.example.com/a.mp3"), tmp_path, transport=httpx.MockTransport(handler), sleep=_no_sleep
        )
    assert list(tmp_path.iterdir()) == []


def test_a_body_larger_than_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(download_module, "MAX_DOWNLOAD_BYTES", 10)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bytes(11), headers={"Content-Type": "audio/mpeg"})

    with pytest.raises(DownloadError, match="more than the 10 allowed"):
        download_tracks(_tracks("https://cdn.example.com/a.mp3"), tmp_path, transport=httpx.MockTransport(handler))
    assert list(tmp_path.iterdir()) == []


def test_an_exception_while_writing_removes_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any exception after the first bytes were written (here KeyboardInterrupt) leaves the directory empty."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=MP3_MAGIC + bytes(100_000), headers={"Content-Type": "audio/mpeg"})

    def interrupted_fsync(fd: int) -> None:
        assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".part")]
        raise KeyboardInterrupt

    monkeypatch.setattr(download_module.os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        download_tracks(_tracks("https://cdn.example.com/a.mp3"), tmp_path, transport=httpx.MockTransport(handler))
    assert list(tmp_path.iterdir()) == []


def test_publish_never_clobbers_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    temp, final = tmp_path / ".a.mp3.x.part", tmp_path / "a.mp3"
    temp.write_bytes(b"new")
    final.write_bytes(b"theirs")
    assert _publish(temp, final, overwrite=False) is True
    assert final.read_bytes() == b"theirs"
    assert _publish(temp, final, overwrite=True) is False
    assert final.read_bytes() == b"new"
    assert not temp.exists()
