"""The README's offline quickstart, run as written: start the mock, extend a track, wait, download, stop.

The commands are read from README.md between ``<!-- quickstart -->`` and ``<!-- /quickstart -->`` and run in
bash, verbatim but for two things: the set-up line (``make venv && source .venv/bin/activate``) becomes "this
interpreter's bin directory first on PATH", which is what it amounts to in a set-up checkout, and the port 8765
becomes a free port, so that the test never collides with a mock someone is running.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli.cli_support import MP3_MAGIC, free_port, process_env

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- quickstart -->", "<!-- /quickstart -->"
SETUP = "make venv && source .venv/bin/activate"
PORT = "8765"


def quickstart_commands(text: str) -> list[str]:
    """Return the commands of the quickstart block (continuation lines joined, comments dropped)."""
    section = text.split(START, 1)[1].split(END, 1)[0]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.DOTALL)
    assert block, f"no fenced code block between {START} and {END} in README.md"
    commands: list[str] = []
    pending = ""
    for raw in block.group(1).splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        command = (pending + line.strip()).split("  #", 1)[0].strip()
        pending = ""
        if command and not command.startswith("#"):
            commands.append(command)
    return commands


def test_the_quickstart_runs_as_written(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        pytest.skip(f"README.md has no {START} ... {END} section yet (the CLI section is pasted in by the lead)")
    commands = quickstart_commands(text)
    assert commands[0] == SETUP
    assert any(command.startswith(f"suno-api mock --port {PORT} &") for command in commands)
    assert any("suno-api extend" in command and "--wait" in command and "--download" in command for command in commands)
    assert all(PORT in command for command in commands if "suno-api" in command)
    port = str(free_port())
    script = "\n".join(
        [
            f'export PATH="{Path(sys.executable).parent}:$PATH"',  # what `source .venv/bin/activate` does here
            *(command.replace(PORT, port) for command in commands[1:]),
        ]
    )
    env = process_env()
    process = subprocess.Popen(  # noqa: S603 - bash running the README's own commands
        ["/bin/bash", "-e", "-c", script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=90)
    finally:
        # The mock runs in the background of that shell: stop whatever is left of the session.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait()
    assert process.returncode == 0, f"stdout:\n{stdout}\nstderr:\n{stderr}"
    assert "kie.ai mock listening on" in stdout
    task_line = next(line for line in stdout.splitlines() if line.startswith("submitted task "))
    task_id = task_line.removeprefix("submitted task ")
    assert f"task {task_id}: SUCCESS" in stdout
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 2
    assert all(path.read_bytes().startswith(MP3_MAGIC) for path in files)
    assert "status SUCCESS" in stderr
