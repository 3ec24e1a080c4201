"""Save generated tracks to disk for ``suno-api ... --download DIR``: atomic, bounded, and without the API key.

The audio lives on another host than the API (a CDN upstream, ``/_mock/files/`` on the mock), so downloads go
through their own ``httpx.Client``: no ``Authorization`` header (the API key is for the API host only), bounded
timeouts, a size cap and one wall-clock deadline per file; redirects are followed, since there is nothing secret
to leak, but only to http(s) URLs.

The deadline covers every attempt at a file, retries and waits included. A server that drips bytes never lets a
read time out, so a timer enforces it: when the deadline passes, the timer shuts down the file's connection, and
the blocked read returns at once; every chunk checks the clock as well.

What is saved is audio by its content, not by what the server says it is: the first bytes must show a known
audio container (ID3 or an MPEG frame, ADTS, Ogg, RIFF/WAVE, FLAC, MP4), and they choose the file's suffix.

Each file is streamed to a temporary name in the destination directory (``.<name>.<random>.part``), flushed and
fsynced, and only then given its final name: ``os.link`` when an existing file must be kept (atomic, never
clobbers), ``os.replace`` with ``overwrite``; the directory is fsynced after. A partial file therefore never has
the final name: an interrupted download leaves at worst a ``.part`` file, removed on any exception that reaches
this module (Ctrl+C included). A symbolic link at the final name is never followed: it is refused, or replaced
itself with ``overwrite``, so nothing is ever written outside the directory.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, Final

import attrs
import httpx

from suno_api._errors import SunoError
from suno_api_client.models import RecordTrack
from suno_api_client.types import Unset

#: 10 s to connect, 30 s for each read: a stalled CDN fails instead of hanging.
DEFAULT_DOWNLOAD_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
#: No track comes near this (8 minutes of WAV is ~85 MB); it stops a misbehaving server from filling the disk.
MAX_DOWNLOAD_BYTES: Final = 1 << 30
#: Longest time one file may take, every attempt and every wait between them included.
MAX_DOWNLOAD_SECONDS: Final = 900.0
#: Further attempts after a connection error, a 429 or a 5xx.
DOWNLOAD_RETRIES: Final = 2
#: Wait before the first further attempt, doubled before each next one.
RETRY_PAUSE: Final = 0.5

_AUDIO_SUFFIXES: Final = frozenset({".mp3", ".wav", ".m4a", ".aac", ".flac", ".ogg", ".opus"})
_HTTP_SCHEMES: Final = frozenset({"http", "https"})
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
# Enough of the body to recognise every container below (Opus names itself at offset 28 of the first Ogg page).
_SNIFF_BYTES: Final = 36
# MP4 brands of still images (HEIF, AVIF): an ``ftyp`` box that is not audio.
_IMAGE_BRANDS: Final = frozenset({b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1"})
_SHOWN_URL: Final = 200
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
        kept_existing: The file was there already and was left alone.
    """

    track_id: str | None
    url: str
    path: Path
    size: int
    kept_existing: bool = False


def _text(value: str | Unset | None) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _shown(url: str) -> str:
    """``url`` for a message: a hostile one (a ``data:`` URL of megabytes) is cut short."""
    return url if len(url) <= _SHOWN_URL else f"{url[:_SHOWN_URL]}..."


def _mpeg_frame_suffix(head: bytes) -> str | None:
    """Return the suffix for a stream of MPEG audio frames or ADTS (AAC) frames, or ``None``."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:  # the 11-bit frame sync
        return None
    if head[1] == 0xFE:  # a UTF-16 byte order mark (text) would otherwise pass for MPEG-1 Layer I
        return None
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    if layer == 0:  # ADTS: a 12-bit sync, layer 00, a sampling-frequency index below 13
        return ".aac" if version in (0b10, 0b11) and (head[2] >> 2) & 0b1111 < 13 else None
    # MPEG audio: version 01, bitrate index 1111 and sampling rate 11 are reserved.
    valid = version != 0b01 and head[2] >> 4 != 0b1111 and (head[2] >> 2) & 0b11 != 0b11
    return ".mp3" if valid else None


# Containers recognised by their first bytes, the more specific before the more general.
_CONTAINERS: Final[tuple[tuple[Callable[[bytes], bool], str], ...]] = (
    (lambda head: head.startswith(b"ID3") and head[3:4] not in (b"", b"\xff"), ".mp3"),
    (lambda head: head.startswith(b"OggS") and head[28:36] == b"OpusHead", ".opus"),
    (lambda head: head.startswith(b"OggS"), ".ogg"),
    (lambda head: head.startswith(b"RIFF") and head[8:12] == b"WAVE", ".wav"),
    (lambda head: head.startswith(b"fLaC"), ".flac"),
    (lambda head: head[4:8] == b"ftyp" and len(head) >= 12 and head[8:12] not in _IMAGE_BRANDS, ".m4a"),
)


def audio_suffix(head: bytes) -> str | None:
    """Return the file suffix for audio that starts with ``head``, or ``None`` when it is not recognisable audio."""
    for matches, suffix in _CONTAINERS:
        if matches(head):
            return suffix
    return _mpeg_frame_suffix(head)


def _url_suffix(url: str) -> str:
    try:
        suffix = PurePosixPath(httpx.URL(url).path).suffix.lower()
    except (httpx.InvalidURL, ValueError):  # refused with a DownloadError before any download; only named here
        return ".mp3"
    return suffix if suffix in _AUDIO_SUFFIXES else ".mp3"


def _stem(track: RecordTrack, index: int) -> str:
    stem = _UNSAFE.sub("_", _text(track.id) or "").strip("._")[:120]
    return stem or f"track-{index}"


def track_filename(track: RecordTrack, index: int, *, head: bytes | None = None) -> str:
    """Return the file name for a track: its id made safe for any file system, and a suffix for its audio.

    The id is used because titles repeat (both tracks of a task usually share one). Characters other than
    letters, digits, ``.``, ``_`` and ``-`` become ``_``; a name that would be empty or hidden becomes
    ``track-<index>``. The suffix is the one the audio's first bytes ``head`` show; without them (or when they are
    not recognisable audio) it is the URL's when that is a known audio suffix, else ``.mp3``.
    """
    suffix = audio_suffix(head) if head is not None else None
    return f"{_stem(track, index)}{suffix or _url_suffix(_text(track.audio_url) or '')}"


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
    failure stops the rest. Each file gets at most ``MAX_DOWNLOAD_SECONDS``, all its attempts included.

    Args:
        tracks: The task's tracks (``TaskRecord.tracks``).
        directory: Where to save them (created if needed).
        overwrite: Replace files that exist already (a symbolic link is replaced itself, never followed).
        on_saved: Called after each file, e.g. to print it.
        timeout: Per-request timeouts, shortened to what is left of the file's deadline.
        transport: An ``httpx`` transport (tests).
        sleep: How to wait between attempts (tests).

    Raises:
        DownloadError: a file could not be downloaded or written (an invalid or non-http(s) URL, a redirect to
            one, an answer that is not audio, the deadline passed, a symbolic link at its name...); nothing is
            left under its final name.
    """
    prepare_directory(directory)
    saved: list[SavedTrack] = []
    used: set[str] = set()
    try:
        http = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": _USER_AGENT},
            transport=transport,
            # A new connection per file: the deadline's timer learns of each connection as it is made.
            limits=httpx.Limits(max_keepalive_connections=0),
            event_hooks={"response": [_refuse_redirects_off_http]},
        )
    except ImportError as exc:  # ALL_PROXY=socks5://... without socksio: the environment names a proxy we cannot use
        raise DownloadError(
            f"cannot download through the proxy the environment names ({exc}): install it with"
            " pip install 'httpx[socks]', or unset the variable",
            url=None,
        ) from exc
    with http:
        for index, track in enumerate(downloadable(tracks), start=1):
            stem = _stem(track, index)
            if stem in used:  # two tracks with the same id: keep both
                stem = f"{stem}-{index}"
            used.add(stem)
            url = str(track.audio_url)
            job = _Job(http, url, directory, stem, _url_suffix(url), overwrite, timeout)
            path, size, kept = job.run(sleep)
            item = SavedTrack(_text(track.id), url, path, size, kept_existing=kept)
            saved.append(item)
            if on_saved is not None:
                on_saved(item)
    return saved


def _checked_url(url: str, *, redirected_from: str | None = None) -> None:
    """Raise ``DownloadError`` unless ``url`` is an http(s) URL with a host, before anything is sent to it."""
    shown = _shown(redirected_from or url)
    where = f"{shown} redirected to {_shown(url)}" if redirected_from else shown
    try:
        parsed = httpx.URL(url)
        host, port = parsed.host, parsed.port  # both may raise: the host is IDNA-decoded on access
    except (httpx.InvalidURL, ValueError) as exc:  # an IDNA error is a ValueError, not an InvalidURL
        raise DownloadError(f"cannot download {where}: not a valid URL ({exc})", url=redirected_from or url) from exc
    if parsed.scheme not in _HTTP_SCHEMES:
        scheme = f"{parsed.scheme}:" if parsed.scheme else "a URL without a scheme"
        why = f"it redirected to {scheme}, and" if redirected_from else f"{scheme} is not http(s):"
        raise DownloadError(
            f"refusing to download {shown}: {why} only http(s) audio URLs are fetched", url=redirected_from or url
        )
    if not host or "%" in host or (port is not None and not 0 < port < 1 << 16):
        raise DownloadError(
            f"cannot download {where}: not a valid URL (no usable host or port)", url=redirected_from or url
        )


def _refuse_redirects_off_http(response: httpx.Response) -> None:
    """Response hook: check a redirect's target before httpx follows it (it would build ``data:`` URLs badly)."""
    if not response.has_redirect_location:
        return
    origin = str(response.request.url)
    location = response.headers["location"]
    try:
        target = str(response.request.url.join(location))
    except (httpx.InvalidURL, ValueError) as exc:
        raise DownloadError(
            f"cannot download {_shown(origin)}: it redirected to an invalid URL ({exc})", url=origin
        ) from exc
    _checked_url(target, redirected_from=origin)


class _Deadline:
    """One wall-clock limit for one file across all its attempts, enforced by a timer and by each chunk.

    Read timeouts cannot enforce it (a server that drips a byte now and then never lets one expire), so when the
    time is up a timer thread shuts down every socket of the file's connections: a read blocked on one returns at
    once. The connections are learnt from httpcore's trace extension as they are made (before the headers
    arrive, which a server may drip as well) and from the response.
    """

    def __init__(self, url: str, seconds: float) -> None:
        self.url = url
        self.seconds = seconds
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._up = threading.Event()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()

    def remaining(self) -> float:
        return self._end - time.monotonic()

    @property
    def expired(self) -> bool:
        return self._up.is_set() or self.remaining() <= 0

    def error(self, detail: object = None) -> DownloadError:
        why = f" (last error: {detail})" if detail else ""
        return DownloadError(
            f"gave up on {_shown(self.url)}: it took longer than the {self.seconds:g} s allowed per file{why}",
            url=self.url,
        )

    def check(self) -> None:
        if self.expired:
            raise self.error()

    def timeout(self, base: httpx.Timeout) -> httpx.Timeout:
        """Return ``base`` with no part longer than what is left (a connect, before any socket is known, included)."""
        left = max(self.remaining(), 0.001)

        def cap(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(connect=cap(base.connect), read=cap(base.read), write=cap(base.write), pool=cap(base.pool))

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """Learn each network stream (TCP, TLS, proxy) as soon as it is made (the httpcore trace callback)."""
        if event.endswith(".complete"):
            self._watch(info.get("return_value"))

    def follow(self, response: httpx.Response) -> None:
        self._watch(response.extensions.get("network_stream"))

    def _watch(self, stream: object) -> None:
        extra = getattr(stream, "get_extra_info", None)
        sock = extra("socket") if callable(extra) else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            late = self._up.is_set()
        if late:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self._up.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for a TLS socket: it wakes a blocked read without touching the TLS
    # state the reading thread still uses (ssl.SSLSocket.shutdown would).
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@attrs.define
class _Job:
    """The download of one file: attempts, retries and the deadline over them all."""

    http: httpx.Client
    url: str
    directory: Path
    stem: str
    guessed_suffix: str
    overwrite: bool
    timeout: httpx.Timeout

    def run(self, sleep: Callable[[float], None]) -> tuple[Path, int, bool]:
        """Download with retries; return (path, size, kept_existing)."""
        _checked_url(self.url)
        guessed = self.directory / f"{self.stem}{self.guessed_suffix}"
        if not self.overwrite:
            size = _existing_size(guessed)
            if size is not None:
                return guessed, size, True
        with _Deadline(self.url, MAX_DOWNLOAD_SECONDS) as deadline:
            attempt = 0
            while True:
                deadline.check()
                try:
                    return self._attempt(deadline)
                except _TransientError as exc:
                    if attempt >= DOWNLOAD_RETRIES:
                        raise DownloadError(f"cannot download {_shown(self.url)}: {exc}", url=self.url) from exc
                    pause = RETRY_PAUSE * 2**attempt
                    if pause >= deadline.remaining():  # the next attempt could not start in time
                        raise deadline.error(exc) from exc
                    sleep(pause)
                    attempt += 1

    def _attempt(self, deadline: _Deadline) -> tuple[Path, int, bool]:
        """One GET. Raise ``_TransientError`` for what may pass, ``DownloadError`` for what will not."""
        url = self.url
        try:
            with self.http.stream(
                "GET", url, timeout=deadline.timeout(self.timeout), extensions={"trace": deadline.trace}
            ) as response:
                deadline.follow(response)
                declared = _check_answer(response, url)
                return self._save_body(response, declared, deadline)
        except DownloadError:
            raise
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # what the checks above did not foresee
            if deadline.expired:
                raise deadline.error() from exc
            raise DownloadError(f"cannot download {_shown(url)}: {type(exc).__name__}: {exc}", url=url) from exc
        except httpx.TransportError as exc:
            if deadline.expired:  # the timer cut the connection
                raise deadline.error() from exc
            raise _TransientError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from exc
        except httpx.HTTPError as exc:  # too many redirects...
            raise DownloadError(f"cannot download {_shown(url)}: {type(exc).__name__}: {exc}", url=url) from exc
        except Exception as exc:
            if deadline.expired:  # whatever a cut connection raised where httpx does not map it
                raise deadline.error() from exc
            raise

    def _save_body(self, response: httpx.Response, declared: int | None, deadline: _Deadline) -> tuple[Path, int, bool]:
        url = self.url
        # Without a chunk size, each read is yielded as it arrives: a dripping server cannot hold a chunk open.
        chunks = response.iter_bytes()
        head = b""
        for chunk in chunks:
            head += chunk
            _check_size(len(head), url)
            deadline.check()
            if len(head) >= _SNIFF_BYTES:
                break
        suffix = audio_suffix(head)
        if suffix is None:
            kind = response.headers.get("content-type") or "no Content-Type"
            what = "an empty body" if not head else f"a body that starts {head[:16]!r}"
            raise DownloadError(f"{_shown(url)} did not send audio ({kind}, {what})", url=url)
        final = self.directory / f"{self.stem}{suffix}"
        if not self.overwrite:
            size = _existing_size(final)
            if size is not None:
                return final, size, True
        with _temporary_file(final) as (out, temp):
            out.write(head)
            size = len(head)
            for chunk in chunks:
                size += len(chunk)
                _check_size(size, url)
                deadline.check()
                out.write(chunk)
            # A cut connection can look like the end of a body that has no Content-Length.
            deadline.check()
            # httpx already fails on a body shorter than Content-Length; this makes sure (Content-Length counts
            # encoded bytes, so only when the body is not content-encoded).
            if declared is not None and "content-encoding" not in response.headers and size < declared:
                raise _TransientError(f"the body ended after {size} of {declared} bytes")
            out.flush()
            os.fsync(out.fileno())
            out.close()
            kept = _publish(temp, final, overwrite=self.overwrite)
        _fsync_directory(final.parent)
        if kept:
            return final, _existing_size(final) or 0, True
        return final, size, False


def _check_answer(response: httpx.Response, url: str) -> int | None:
    """Refuse an answer that cannot be the audio, before its body is read; return its Content-Length."""
    status = response.status_code
    if status == 429 or status >= 500:
        raise _TransientError(f"HTTP {status}")
    if status != 200:
        raise DownloadError(f"cannot download {_shown(url)}: HTTP {status}", url=url)
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind.startswith("text/") or kind.endswith("json"):
        raise DownloadError(
            f"{_shown(url)} answered {kind}, not audio (generated files are kept 14 days; the task may be older)",
            url=url,
        )
    declared = _content_length(response)
    if declared is not None and declared > MAX_DOWNLOAD_BYTES:
        raise DownloadError(f"{_shown(url)} is {declared} bytes, more than the {MAX_DOWNLOAD_BYTES} allowed", url=url)
    return declared


def _check_size(size: int, url: str) -> None:
    if size > MAX_DOWNLOAD_BYTES:
        raise DownloadError(f"{_shown(url)} sent more than {MAX_DOWNLOAD_BYTES} bytes", url=url)


def _existing_size(path: Path) -> int | None:
    """Return the size of the regular file at ``path``, ``None`` when nothing is there; never follow a link."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DownloadError(f"cannot check {path}: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(info.st_mode):
        raise DownloadError(
            f"{path} is a symbolic link: it is neither followed nor replaced (remove it, or use --overwrite to"
            " replace the link itself)"
        )
    if not stat.S_ISREG(info.st_mode):
        raise DownloadError(f"{path} exists and is not a regular file")
    return info.st_size


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


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def _publish(temp: Path, final: Path, *, overwrite: bool) -> bool:
    """Give the complete file ``temp`` its final name; return True when an existing ``final`` was kept instead.

    Neither way follows a symbolic link at ``final``: ``os.replace`` replaces the link itself, ``os.link`` fails.
    """
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
        if os.path.lexists(final):  # no hard links here: check, then rename (a narrow race, on such file systems)
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
