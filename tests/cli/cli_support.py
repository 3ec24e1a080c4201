"""Helpers for the command line's tests: run ``suno-api`` in-process or as a process, read its output."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from suno_api.cli._body import option_for
from suno_api.cli._main import cli
from suno_api.spec import names
from tests.bodies import default_body

KEY = "sk-cli-test-DO-NOT-PRINT-7d41c9"
"""The API key every mock of these tests accepts; it must never appear in any output."""
SLOW_STAGE_SECONDS = 60.0
MP3_MAGIC = b"\xff\xfb"


def option(name: str, *, negative: bool = False) -> str:
    """Return the ``extend`` option setting the request field ``name``, as the command derives it from the schema.

    For a flag pair (``--custom/--default``) the first, or with ``negative`` the second.
    """
    declared = option_for(name)
    assert declared is not None, f"no extend option sets {name}"
    on, _, off = declared.partition("/")
    return (off or on) if negative else on


def body_options() -> tuple[str, ...]:
    """Return the ``extend`` options that build ``tests.bodies.default_body()`` (a valid default-mode body)."""
    spec = names()
    body = default_body()
    args: list[str] = []
    for name in (
        spec.upload_url,
        spec.default_param_flag,
        spec.instrumental,
        spec.continue_at,
        spec.model,
        spec.callback_url,
    ):
        value = body[name]
        if isinstance(value, bool):
            args.append(option(name, negative=not value))
        else:
            args.extend((option(name), str(value)))
    return tuple(args)


def failure(text: str) -> dict[str, Any]:
    """The error object of failed ``--json`` output's result."""
    error: dict[str, Any] = result_of(text)["error"]  # spec-literal: our --json result's key, not the stage
    return error


def assert_no_secret(*texts: str | bytes | None, secret: str = KEY) -> None:
    """Fail when ``secret`` appears in any of ``texts``."""
    for text in texts:
        if text is None:
            continue
        shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        assert secret not in shown, "the API key was printed"


def invoke(*args: str, env: Mapping[str, str | None] | None = None, input: str | bytes | None = None) -> Result:
    """Run ``suno-api ARGS`` in-process (click's runner); the key is never in its output."""
    result = CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)
    assert_no_secret(result.stdout, result.stderr)
    return result


def keyed() -> dict[str, str | None]:
    """The environment of a command that calls the mock."""
    return {"KIE_API_KEY": KEY}


def json_lines(text: str) -> list[dict[str, Any]]:
    """Parse ``--json`` output: one JSON object per line, the last one the result."""
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert lines, "no JSON output"
    assert all(isinstance(line, dict) and "event" in line for line in lines)
    assert lines[-1]["event"] == "result"
    assert [line["event"] for line in lines].count("result") == 1
    return lines


def result_of(text: str) -> dict[str, Any]:
    """The final ``result`` object of ``--json`` output."""
    return json_lines(text)[-1]


def extend_args(base_url: str, *extra: str) -> list[str]:
    """``extend`` against ``base_url`` with a valid default-mode body."""
    return ["extend", "--base-url", base_url, *body_options(), *extra]


# --- real processes ---------------------------------------------------------------------------------------------


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a ``suno-api`` process: this one's, without KIE_*/SUNO_* variables, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("KIE_", "SUNO_"))}
    env.pop("TERM", None)
    env["PYTHONUNBUFFERED"] = "0"  # the CLI must flush on its own
    env.update(extra)
    return env


def cli_command(*args: str) -> list[str]:
    """The command line of ``suno-api ARGS`` as a process (``python -m suno_api``, like the console script)."""
    return [sys.executable, "-m", "suno_api", *args]


def run_process(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run ``suno-api ARGS`` as a process and wait for it."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        cli_command(*args),
        cwd=cwd,
        env=dict(env) if env is not None else process_env(),
        capture_output=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert_no_secret(completed.stdout, completed.stderr)
    return completed


def start_process(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``suno-api ARGS`` as a process with piped output."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        cli_command(*args),
        cwd=cwd,
        env=dict(env) if env is not None else process_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
    )


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- an audio host that misbehaves ------------------------------------------------------------------------------


class BrokenAudioHost:
    """A raw HTTP server for track files that sends part of the body, then drops the connection or stalls.

    Args:
        mode: ``"drop"`` closes the connection after ``sent`` bytes; ``"stall"`` keeps it open, silent.
        declared: The Content-Length it announces.
        sent: How many bytes of the body it sends.

    Attributes:
        requests: The raw request heads it received (to check that no Authorization header came).
        partial_sent: Set once a partial body was sent.
    """

    def __init__(self, mode: str, *, declared: int = 200_000, sent: int = 5_000) -> None:
        self.mode = mode
        self.declared = declared
        self.sent = sent
        self.requests: list[str] = []
        self.partial_sent = threading.Event()
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, name="broken audio host", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BrokenAudioHost:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(5)
        for connection in self._connections:
            connection.close()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(connection)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                head += chunk
            self.requests.append(head.decode("latin-1"))
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\n"
                + f"Content-Length: {self.declared}\r\n\r\n".encode()
                + MP3_MAGIC
                + bytes(self.sent - len(MP3_MAGIC))
            )
            self.partial_sent.set()
            if self.mode == "drop":
                connection.close()


def lines_of(text: str) -> Sequence[str]:
    """The non-empty lines of ``text``."""
    return [line for line in text.splitlines() if line.strip()]
