"""A proxy the environment names but this machine cannot use is a DownloadError, never an ImportError."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from suno_api._download import DownloadError, download_tracks
from tests.client.download_support import tracks


def test_a_socks_proxy_without_socksio_is_a_download_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ALL_PROXY=socks5://... and no socksio: the message says what to install, and nothing is written."""
    monkeypatch.setitem(sys.modules, "socksio", None)  # the package is absent, whatever this machine has
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:9")
    with pytest.raises(DownloadError, match=r"httpx\[socks\]"):
        download_tracks(tracks("https://cdn.example.test/a.mp3"), tmp_path)
    assert list(tmp_path.iterdir()) == []
