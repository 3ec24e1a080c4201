"""Save generated tracks to disk for ``suno-api ... --download DIR``: atomic, bounded, and without the API key.

The audio lives on another host than the API (a CDN upstream, ``/_mock/files/`` on the mock), so downloads go
through their own ``httpx.Client``: no ``Authorization`` header (the API key is for the API host only), bounded
timeouts, a size cap and a per-file deadline; redirects are followed, since there is nothing secret to leak.

Each file is streamed to a temporary name in the destination directory (``.<name>.<random>.part``), flushed and
fsynced, and only then given its final name: ``os.link`` when an existing file must be kept (atomic, never
clobbers), ``os.replace`` with ``overwrite``; the directory is fsynced after. A partial file therefore never has
the final name: an interrupted download leaves at worst a ``.part`` file, removed on any exception that reaches
this module (Ctrl+C included).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Final

import attrs
import httpx

from suno_api._errors import SunoError
from suno_api_client.models import RecordTrack
from suno_api_client.types import Unset

#: 10 s to connect, 30 s for each read: a stalled CDN fails instead of hanging.
DEFAULT_DOWNLOAD_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
#: No track comes near this (8 minutes of WAV is ~85 MB); it stops a misbehaving server from filling the disk.
MAX_DOWNLOAD_BYTES: Final = 1 << 30
#: Longest time one file may take, all reads included (a server dripping bytes never times out a read).
MAX_DOWNLOAD_SECONDS: Final = 900.0
#: Further attempts after a connection error, a 429 or a 5xx.
DOWNLOAD_RETRIES: Final = 2

_AUDIO_SUFFIXES: Final = frozenset({".mp3", ".wav", ".m4a", ".aac", ".flac", ".ogg", ".opus"})
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK: Final = 1 << 16
_USER_AGENT: Final = "suno-upload-extend-python (download)"
# Errors os.link raises where hard links are not supported (some network and FUSE file systems, FAT).
_NO_LINK: Final = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS})


class DownloadError(SunoError):
    """A track could not be saved: the audio host failed, or the file could not be written.

    Attributes:
        url: The audio URL (``None`` when the problem is the directory itself).
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(message)


class _TransientError(Exception):
    """An attempt failed in a way worth another try (connection error, 429, 5xx)."""


@attrs.frozen
class SavedTrack:
    """One track's audio on disk.

    Attributes:
        track_id: The track's id (``None`` when the service sent none).
        url: Where the audio came from.
        path: The file.
        size: Its size in bytes.
        kept_existing: The file was there already and was left alone (nothing was downloaded).
    """

    track_id: str | None
    url: str
    path: Path
    size: int
    kept_existing: bool = False


def _text(value: str | Unset | None) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def track_filename(track: RecordTrack, index: int) -> str:
    """Return the file name for a track: its id made safe for any file system, and the audio URL's suffix.

    The id is used because titles repeat (both tracks of a task usually share one). Characters other than
    letters, digits, ``.``, ``_`` and ``-`` become ``_``; a name that would be empty or hidden becomes
    ``track-<index>``. The suffix is the URL's when it is a known audio suffix, else ``.mp3``.
    """
    url = _text(track.audio_url) or ""
    suffix = PurePosixPath(httpx.URL(url).path).suffix.lower() if url else ""
    stem = _UNSAFE.sub("_", _text(track.id) or "").strip("._")[:120]
    return f"{stem or f'track-{index}'}{suffix if suffix in _AUDIO_SUFFIXES else '.mp3'}"


def downloadable(tracks: Sequence[RecordTrack]) -> list[RecordTrack]:
    """Return the tracks that have an audio URL (placeholders of unfinished tracks have an empty one)."""
    return [track for track in tracks if _text(track.audio_url) is not None]


def prepare_directory(directory: Path) -> Path:
    """Create ``directory`` if needed and check that files can be written there; return it.

    Called before anything is submitted, so that a typo in ``--download`` costs no credits.

    Raises:
        DownloadError: it is not a directory, cannot be created, or is not writable.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the download directory {directory}: {exc.strerror or exc}") from exc
    if not directory.is_dir():
        raise DownloadError(f"{directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DownloadError(f"cannot write to the download directory {directory}")
    return directory


def download_tracks(
    tracks: Sequence[RecordTrack],
    directory: Path,
    *,
    overwrite: bool = False,
    on_saved: Callable[[SavedTrack], object] | None = None,
    timeout: httpx.Timeout = DEFAULT_DOWNLOAD_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[SavedTrack]:
    """Save the audio of every track that has an audio URL into ``directory``; return what was saved.

    An existing file is kept (``kept_existing``) unless ``overwrite``. Tracks are saved in order; the first
    failure stops the rest.

    Args:
        tracks: The task's tracks (``TaskRecord.tracks``).
        directory: Where to save them (created if needed).
        overwrite: Replace files that exist already.
        on_saved: Called after each file, e.g. to print it.
        timeout: Per-request timeout.
        transport: An ``httpx`` transport (tests).
        sleep: How to wait between attempts (tests).

    Raises:
        DownloadError: a file could not be downloaded or written; nothing is left under its final name.
    """
    prepare_directory(directory)
    saved: list[SavedTrack] = []
    used: set[str] = set()
    with httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": _USER_AGENT},
        transport=transport,
    ) as http:
        for index, track in enumerate(downloadable(tracks), start=1):
            name = track_filename(track, index)
            if name in used:  # two tracks with the same id: keep both
                name = f"{Path(name).stem}-{index}{Path(name).suffix}"
            used.add(name)
            url = str(track.audio_url)
            result = _save(http, url, directory / name, overwrite=overwrite, sleep=sleep)
            item = SavedTrack(_text(track.id), url, result[0], result[1], kept_existing=result[2])
            saved.append(item)
            if on_saved is not None:
                on_saved(item)
    return saved


def _save(
    http: httpx.Client, url: str, final: Path, *, overwrite: bool, sleep: Callable[[float], None]
) -> tuple[Path, int, bool]:
    """Download ``url`` to ``final`` with retries; return (path, size, kept_existing)."""
    if final.exists() and not overwrite:
        return final, final.stat().st_size, True
    scheme = httpx.URL(url).scheme
    if scheme not in ("http", "https"):
        raise DownloadError(f"refusing to download {url}: only http(s) audio URLs are fetched", url=url)
    attempt = 0
    while True:
        try:
            return _attempt(http, url, final, overwrite=overwrite)
        except _TransientError as exc:
            if attempt >= DOWNLOAD_RETRIES:
                raise DownloadError(f"cannot download {url}: {exc}", url=url) from exc
            sleep(0.5 * 2**attempt)
            attempt += 1


def _attempt(http: httpx.Client, url: str, final: Path, *, overwrite: bool) -> tuple[Path, int, bool]:
    with _temporary_file(final) as (out, temp):
        size = _stream(http, url, out)
        out.flush()
        os.fsync(out.fileno())
        out.close()
        kept = _publish(temp, final, overwrite=overwrite)
    _fsync_directory(final.parent)
    return final, final.stat().st_size if kept else size, kept


@contextlib.contextmanager
def _temporary_file(final: Path) -> Iterator[tuple[IO[bytes], Path]]:
    """Yield a new temporary file next to ``final`` (same directory, hence same file system); remove it after."""
    try:
        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    except OSError as exc:
        raise DownloadError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
    temp = Path(name)
    try:
        # mkstemp creates the file 0600; a saved track gets the permissions any new file would (umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as out:
            yield out, temp
    except OSError as exc:
        raise DownloadError(f"cannot write {final}: {exc.strerror or exc}") from exc
    finally:
        temp.unlink(missing_ok=True)


def _stream(http: httpx.Client, url: str, out: IO[bytes]) -> int:
    """Write the body of ``GET url`` to ``out``; return its size. Raise ``_TransientError`` for what may pass."""
    started = time.monotonic()
    try:
        with http.stream("GET", url) as response:
            status = response.status_code
            if status == 429 or status >= 500:
                raise _TransientError(f"HTTP {status}")
            if status != 200:
                raise DownloadError(f"cannot download {url}: HTTP {status}", url=url)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind.startswith("text/") or kind.endswith("json"):
                raise DownloadError(
                    f"{url} answered {kind}, not audio (generated files are kept 14 days; the task may be older)",
                    url=url,
                )
            declared = _content_length(response)
            if declared is not None and declared > MAX_DOWNLOAD_BYTES:
                raise DownloadError(f"{url} is {declared} bytes, more than the {MAX_DOWNLOAD_BYTES} allowed", url=url)
            size = 0
            for chunk in response.iter_bytes(_CHUNK):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise DownloadError(f"{url} sent more than {MAX_DOWNLOAD_BYTES} bytes", url=url)
                if time.monotonic() - started > MAX_DOWNLOAD_SECONDS:
                    raise _TransientError(f"took more than {MAX_DOWNLOAD_SECONDS:g} s")
                out.write(chunk)
            # httpx already fails on a body shorter than Content-Length; this makes sure (Content-Length counts
            # encoded bytes, so only when the body is not content-encoded).
            if declared is not None and "content-encoding" not in response.headers and size < declared:
                raise _TransientError(f"the body ended after {size} of {declared} bytes")
            return size
    except httpx.TransportError as exc:
        raise _TransientError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from exc
    except httpx.HTTPError as exc:  # too many redirects, a redirect to an unsupported scheme...
        raise DownloadError(f"cannot download {url}: {type(exc).__name__}: {exc}", url=url) from exc


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def _publish(temp: Path, final: Path, *, overwrite: bool) -> bool:
    """Give the complete file ``temp`` its final name; return True when an existing ``final`` was kept instead."""
    if overwrite:
        os.replace(temp, final)
        return False
    try:
        # A hard link fails if `final` exists, in one step: a file that appeared meanwhile is never clobbered.
        os.link(temp, final)
    except FileExistsError:
        return True
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        if final.exists():  # no hard links here: check, then rename (a narrow race, on such file systems only)
            return True
        os.replace(temp, final)
    return False


def _fsync_directory(directory: Path) -> None:
    """Make the new directory entry durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
