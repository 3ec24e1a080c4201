"""The one place the command line reaches the library beyond ``suno_api.__all__`` and ``suno_api.spec``.

Everything else in ``suno_api.cli`` imports public names only. What is imported here is what the library does
not publish yet (the downloads); each line goes once it is in ``suno_api.__all__``.
"""

from __future__ import annotations

import inspect
from typing import Any

from suno_api import DownloadError, SunoClient, verify_webhook
from suno_api._download import (  # not public yet: see the module docstring
    SavedTrack,
    download_tracks,
    downloadable,
    prepare_directory,
)

API_KEY_ENV = "KIE_API_KEY"
"""The variable ``SunoClient`` reads the key from (its documented configuration, see ``SunoClient``)."""


def default_of(function: Any, parameter: str) -> Any:
    """Return the default of ``parameter`` of a public library function (help texts show the library's defaults)."""
    return inspect.signature(function).parameters[parameter].default


def default_wait_timeout() -> float:
    """Return how long ``SunoClient.wait`` waits by default."""
    return float(default_of(SunoClient.wait, "timeout"))


def default_tolerance() -> float:
    """Return the timestamp tolerance ``verify_webhook`` applies by default."""
    return float(default_of(verify_webhook, "tolerance"))


__all__ = [
    "API_KEY_ENV",
    "DownloadError",
    "SavedTrack",
    "default_of",
    "default_tolerance",
    "default_wait_timeout",
    "download_tracks",
    "downloadable",
    "prepare_directory",
]
