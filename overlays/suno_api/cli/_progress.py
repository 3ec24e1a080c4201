"""A task's way through its statuses: a spinner line on a terminal, plain lines otherwise, events with --json."""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Final

from suno_api import TaskRecord
from suno_api.cli._output import Output

_SPINNER: Final = "-\\|/"


class Progress:
    """Shows a task's way through its statuses.

    Its ``sleep`` is the client's sleep, so the spinner turns while the client waits between polls.
    """

    def __init__(self, output: Output, stream: IO[str] | None = None) -> None:
        self.output = output
        self.stream = stream if stream is not None else sys.stderr
        is_tty = getattr(self.stream, "isatty", None)
        self.live = not output.json and callable(is_tty) and bool(is_tty()) and os.environ.get("TERM", "") != "dumb"
        self.task_id = ""
        self.status: str | None = None
        self.started = time.monotonic()
        self.drawn = False
        self.frame = 0

    def start(self, task_id: str) -> None:
        """Start timing ``task_id``."""
        self.task_id = task_id
        self.started = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since ``start``."""
        return time.monotonic() - self.started

    def on_status(self, record: TaskRecord) -> None:
        """Report a new status (the client calls this on every change)."""
        self.clear()
        self.status = record.status_name
        elapsed = round(self.elapsed(), 1)
        if self.output.json:
            self.output.emit("status", task_id=self.task_id, status=self.status, elapsed_seconds=elapsed)
        else:
            self._write(f"status {self.status or 'unknown'} ({elapsed:.0f} s)\n")

    def sleep(self, seconds: float) -> None:
        """Sleep, turning the spinner on a terminal."""
        if not self.live:
            time.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._draw()
            time.sleep(min(0.1, left))

    def _draw(self) -> None:
        self.frame = (self.frame + 1) % len(_SPINNER)
        line = f"{_SPINNER[self.frame]} {self.status or 'waiting'} - {self.elapsed():.0f} s - task {self.task_id}"
        self._write(f"\r{line}\x1b[K")
        self.drawn = True

    def clear(self) -> None:
        """Erase the spinner line, if one is drawn."""
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def _write(self, text: str) -> None:
        self.stream.write(self.output.redact(text))
        self.stream.flush()
