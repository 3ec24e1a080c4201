"""The preamble ``extend`` and ``status`` share: their API and wait options, the key, the client, following a task.

Every option is checked before anything is sent (``check``, then ``prepare``), so a usage error never costs a
task; the error mapping is ``_group.classify``.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import click
import httpx

from suno_api import PollSchedule, SunoClient, TaskFailedError, TaskRecord, spec
from suno_api.cli._exit import ExitCode
from suno_api.cli._group import base_url_option, record_json
from suno_api.cli._lib import (
    API_KEY_ENV,
    DownloadError,
    SavedTrack,
    default_wait_timeout,
    download_tracks,
    downloadable,
    prepare_directory,
)
from suno_api.cli._options import Seconds, api_key_file_option, apply, read_key_file
from suno_api.cli._output import PROG, CommandError, Output
from suno_api.cli._progress import Progress

F = TypeVar("F", bound=Callable[..., Any])

_NAMES = (
    "base_url",
    "api_key_file",
    "timeout",
    "max_retries",
    "wait",
    "wait_timeout",
    "poll_interval",
    "download",
    "overwrite",
)


@attrs.frozen
class TaskSettings:
    """The options of a command that calls the API and may follow a task."""

    base_url: str | None = None
    api_key_file: Path | None = None
    timeout: float = 30.0
    max_retries: int = 2
    wait: bool = False
    wait_timeout: float | None = None
    poll_interval: float = 2.0
    download: Path | None = None
    overwrite: bool = False

    @property
    def waits(self) -> bool:
        """Whether the command follows the task (``--download`` implies ``--wait``)."""
        return self.wait or self.download is not None

    def check(self) -> None:
        """Refuse combinations that make no sense, before anything else happens."""
        if self.overwrite and self.download is None:
            raise click.UsageError("--overwrite only applies with --download DIR")

    def prepare(self, output: Output) -> None:
        """Create and check the download directory: a typo in ``--download`` must not cost credits."""
        output.base_url = self.base_url
        if self.download is None:
            return
        output.download = str(self.download)
        try:
            prepare_directory(self.download)
        except DownloadError as exc:
            raise CommandError(ExitCode.USAGE, str(exc)) from exc

    def resume_command(self, task_id: str) -> str:
        """Return the command that picks ``task_id`` up again."""
        command = f"{PROG} status {shlex.quote(task_id)} --wait{base_url_option(self.base_url)}"
        if self.download is not None:
            command += f" --download {shlex.quote(str(self.download))}" + (" --overwrite" if self.overwrite else "")
        return command

    def api_key(self, output: Output) -> str:
        """Return the API key (``--api-key-file``, else ``KIE_API_KEY``); it is redacted from now on."""
        if self.api_key_file is not None:
            key = read_key_file(self.api_key_file)
        else:
            key = os.environ.get(API_KEY_ENV, "").strip()
        if not key:
            raise CommandError(
                ExitCode.USAGE, f"no API key: set {API_KEY_ENV}, or pass --api-key-file FILE (a file holding it)"
            )
        output.keep_secret(key)
        return key

    def client(self, output: Output, progress: Progress, *, retry_submit: bool = False) -> SunoClient:
        """Return the client these options describe (the key read, the base URL checked, no request sent)."""
        return SunoClient(
            api_key=self.api_key(output),
            base_url=self.base_url,
            timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
            max_retries=self.max_retries,
            retry_submit=retry_submit,
            poll=PollSchedule(initial=self.poll_interval, factor=1.5, maximum=max(15.0, self.poll_interval)),
            sleep=progress.sleep,
        )


def task_options(function: F) -> F:
    """Add the API and wait options; the command receives them as one ``task: TaskSettings`` argument."""

    @functools.wraps(function)
    def collect(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _NAMES}
        return function(*args, task=TaskSettings(**values), **kwargs)

    return apply(
        cast(F, collect),
        click.option(
            "--base-url",
            metavar="URL",
            help="Where to send requests [env KIE_BASE_URL; default https://api.kie.ai]. Plain http only to"
            " loopback (the mock).",
        ),
        api_key_file_option,
        click.option(
            "--timeout",
            type=Seconds(0.1, 3600),
            metavar="SECONDS",
            default=30.0,
            show_default=True,
            help="Seconds to wait for each answer (10 at most to connect).",
        ),
        click.option(
            "--max-retries",
            type=click.IntRange(0, 10),
            metavar="N",
            default=2,
            show_default=True,
            help="Retries of a request after 429, 455, 5xx or a connection error.",
        ),
        click.option("--wait", is_flag=True, help="Follow the task until it succeeds or fails."),
        click.option(
            "--wait-timeout",
            type=Seconds(0, min_open=True),
            metavar="SECONDS",
            help=f"Give up waiting after this long (the task keeps running) [default: {default_wait_timeout():g}].",
        ),
        click.option(
            "--poll-interval",
            type=Seconds(0.5, 300),
            default=2.0,
            show_default=True,
            metavar="SECONDS",
            help="First interval between status checks; it grows to 15 s.",
        ),
        click.option(
            "--download",
            type=click.Path(file_okay=False, path_type=Path),
            metavar="DIR",
            help="Save each track's audio in DIR as <track id>.mp3 (implies --wait). Files appear complete or"
            " not at all.",
        ),
        click.option("--overwrite", is_flag=True, help="With --download: replace files that exist already."),
    )


def _saved_json(item: SavedTrack) -> dict[str, Any]:
    return {
        "track_id": item.track_id,
        "url": item.url,
        "path": str(item.path),
        "bytes": item.size,
        "kept_existing": item.kept_existing,
    }


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.1f} kB"


def show_record(output: Output, record: TaskRecord) -> None:
    """Print a task and its tracks (human mode)."""
    if output.json:
        return
    spec_names = spec.names()
    line = f"task {record.task_id}: {record.status_name or 'no status'}"
    if record.failed and (record.error_code_value is not None or record.error_message_value):
        message = record.error_message_value or "no message"
        line += f" ({spec_names.record_error_code} {record.error_code_value}: {message})"
    output.out(line)
    for track in record.tracks:
        data = track.to_dict()
        duration = data.get(spec_names.track_duration)
        title = data.get(spec_names.track_title)
        parts = [
            f"track {data.get(spec_names.track_id) or '?'}",
            f"{duration:g} s" if isinstance(duration, int | float) else "",
            json.dumps(title) if title else "",
            str(data.get(spec_names.track_audio_url) or "(not ready)"),
        ]
        output.out("  " + "  ".join(part for part in parts if part))


def _download(output: Output, record: TaskRecord, directory: Path, overwrite: bool) -> list[SavedTrack]:
    if not downloadable(record.tracks):
        raise DownloadError(f"task {record.task_id} succeeded but none of its tracks has an audio URL")

    def report(item: SavedTrack) -> None:
        output.emit("saved", **_saved_json(item))
        if item.kept_existing:
            output.say(f"kept {item.path} (it exists; --overwrite replaces it)")
        else:
            output.say(f"saved {item.path} ({_size(item.size)})")

    return download_tracks(record.tracks, directory, overwrite=overwrite, on_saved=report)


def follow(output: Output, client: SunoClient, progress: Progress, task_id: str, task: TaskSettings) -> None:
    """Read (or wait for) the task, print it, download its tracks; exit 4 when it failed."""
    try:
        if task.waits:
            timeout = task.wait_timeout if task.wait_timeout is not None else default_wait_timeout()
            record = client.wait(task_id, timeout=timeout, on_progress=progress.on_status)
        else:
            record = client.get_record(task_id)
    finally:
        progress.clear()
    show_record(output, record)
    if record.failed:
        raise TaskFailedError(
            task_id, record.status_name, record.error_code_value, record.error_message_value, record=record
        )
    saved: list[SavedTrack] = []
    if task.download is not None:  # --download implies --wait: the task succeeded
        saved = _download(output, record, task.download, task.overwrite)
    output.result(ExitCode.OK, task=record_json(record), downloads=[_saved_json(item) for item in saved])
