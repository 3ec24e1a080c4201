"""Servers in their own processes: the mock and the bare baseline app, started on loopback and stopped by pid.

A served process prints one line ``... listening on http://127.0.0.1:PORT`` once its socket listens (the mock's
banner does); ``ServedProcess`` waits for that line, bounded in time, and stops the process with SIGINT (uvicorn
shuts down gracefully), then SIGKILL if it lingers. Only processes started here are ever signalled.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
BENCH_KEY = "bench-api-key"
"""The bearer token every served mock accepts during a benchmark."""
_LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


class ProcessError(RuntimeError):
    """A helper process failed to start or answered nonsense; the message carries its output."""


def require(module: str, *names: str) -> None:
    """Raise ``ModuleNotFoundError`` naming what is missing when ``module`` (or a name in it) does not exist yet.

    The runner turns it into a ``blocked`` row: the piece a row measures is being written by someone else.
    """
    try:
        found = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        found = None
    if found is None:
        raise ModuleNotFoundError(f"{module} does not exist yet", name=module)
    if names:
        loaded = importlib.import_module(module)
        missing = [name for name in names if not hasattr(loaded, name)]
        if missing:
            raise ModuleNotFoundError(f"{module} has no {', '.join(missing)} yet", name=module)


def python_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for helper processes: this one, the venv's bin first on PATH, ``extra`` on top.

    The project's own variables (``SUNO_*``, ``KIE_*``) are dropped: a developer's ``SUNO_MOCK_FAULT`` or
    ``SUNO_BASE_URL`` must not change what a benchmark measures.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith(("SUNO_", "KIE_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra or {})
    return env


def rss_bytes(pid: int) -> int:
    """Return the resident set size of process ``pid`` (Linux ``/proc``), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ProcessError(f"no VmRSS for pid {pid}")


def _read_line(stream: IO[str], deadline: float) -> str | None:
    """Return the next line of ``stream``, or ``None`` at EOF or when ``deadline`` (monotonic) passes."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            return None
    line = stream.readline()
    return line or None


class ServedProcess:
    """A loopback server in a child process; a context manager that yields it with ``url`` and ``pid`` set.

    Args:
        argv: The command, after the interpreter (``["-m", "suno_conformance.mock", ...]``).
        env: Extra environment variables.
        startup_timeout: Seconds to wait for the "listening on" line.
    """

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None, startup_timeout: float = 30.0):
        self.argv = [sys.executable, *argv]
        self.env = python_env(env)
        self.startup_timeout = startup_timeout
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._stderr: Path | None = None

    @property
    def pid(self) -> int:
        """The child's process id."""
        if self._process is None:
            raise ProcessError("the process is not started")
        return self._process.pid

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the child (``bench._served`` profiles between SIGUSR1 and SIGUSR2)."""
        if self._process is None or self._process.poll() is not None:
            raise ProcessError("the process is not running")
        self._process.send_signal(signum)

    def start(self) -> ServedProcess:
        """Start the child and return once it listens (its URL parsed from its output)."""
        # A file, not a pipe: a chatty child can never block on it.
        descriptor, name = tempfile.mkstemp(prefix="bench-stderr-")
        self._stderr = Path(name)
        self._process = subprocess.Popen(  # noqa: S603 - our interpreter running our own modules
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=descriptor,
            text=True,
        )
        os.close(descriptor)  # the child holds its own copy
        if self._process.stdout is None:  # pragma: no cover - stdout=PIPE always gives one
            raise ProcessError("no stdout pipe")
        deadline = time.monotonic() + self.startup_timeout
        seen: list[str] = []
        while (line := _read_line(self._process.stdout, deadline)) is not None:
            seen.append(line)
            found = _LISTENING.search(line)
            if found:
                self.url = found.group(1)
                return self
        output = "".join(seen) + self.stderr_text()
        self.stop()
        raise ProcessError(f"{' '.join(self.argv[1:])} did not start listening:\n{output}")

    def stderr_text(self) -> str:
        """Return what the child wrote to stderr so far."""
        if self._stderr is None or not self._stderr.exists():
            return ""
        return self._stderr.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child: SIGINT, then SIGKILL after ``timeout`` seconds."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout)
            if process.stdout is not None:
                process.stdout.close()
        if self._stderr is not None:
            self._stderr.unlink(missing_ok=True)
            self._stderr = None

    def __enter__(self) -> ServedProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def mock_process(
    *, stage_seconds: str = "3600", send_callbacks: bool = False, seed: int = 8, webhook_key: str | None = None
) -> ServedProcess:
    """Return (not started) the mock served by ``python -m suno_conformance.mock`` on a free loopback port.

    Args:
        stage_seconds: Seconds per stage; the default keeps tasks PENDING for the whole benchmark.
        send_callbacks: Whether the mock POSTs callbacks (off: the bodies' ``callBackUrl`` is a dead port).
        seed: Seed of task ids and tracks, for run-to-run identical answers.
        webhook_key: The key callbacks are signed with (unsigned when ``None``).
    """
    argv = [
        "-m",
        "suno_conformance.mock",
        "--port",
        "0",
        "--api-keys",
        BENCH_KEY,
        "--stage-seconds",
        stage_seconds,
        "--seed",
        str(seed),
        "--log-level",
        "warning",
    ]
    if webhook_key is not None:
        argv += ["--webhook-key", webhook_key]
    return ServedProcess(argv, env={"SUNO_MOCK_SEND_CALLBACKS": "1" if send_callbacks else "0"})


def run_json(argv: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None) -> str:
    """Run ``python argv`` in the repository, bounded by ``timeout``; return its stdout (raise on failure)."""
    try:
        result = subprocess.run(  # noqa: S603 - our interpreter running our own modules
            [sys.executable, *argv],
            cwd=ROOT,
            env=python_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ProcessError(f"{' '.join(argv)} did not finish within {timeout:g} s") from exc
    if result.returncode != 0:
        raise ProcessError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout
