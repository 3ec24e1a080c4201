"""The offline quickstart, run as written: start the mock, wait until it answers, extend, wait, download, stop.

``SNIPPET`` is the quickstart the README shows between ``<!-- quickstart -->`` and ``<!-- /quickstart -->`` (a
test keeps the two the same). It runs in bash, verbatim but for two things: the set-up line
(``make venv && source .venv/bin/activate``) becomes "this interpreter's bin directory first on PATH", which is
what it amounts to in a set-up checkout, and the port 8765 becomes a free port, so that the test never collides
with a mock someone is running.
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

from suno_api.spec import names
from tests.cli.cli_support import MP3_MAGIC, free_port, process_env

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- quickstart -->", "<!-- /quickstart -->"
SETUP = "make venv && source .venv/bin/activate"
PORT = "8765"
SNIPPET = """\
```sh
make venv && source .venv/bin/activate   # once: installs suno-api in .venv (about a minute)
suno-api mock --port 8765 &              # the sandbox, on loopback; it accepts the key mock-api-key
suno-api wait-ready http://127.0.0.1:8765 --timeout 30   # returns as soon as the sandbox answers
KIE_API_KEY=mock-api-key suno-api extend --base-url http://127.0.0.1:8765 \\
    --upload-url https://example.com/song.mp3 --default --instrumental --continue-at 30 --model V4_5 \\
    --callback-url https://example.com/callback --wait --download ./out
kill %1                                  # stop the sandbox
```
"""


def quickstart_commands(section: str) -> list[str]:
    """Return the commands of the quickstart block (continuation lines joined, comments dropped)."""
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.DOTALL)
    assert block, "no fenced code block in the quickstart"
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


def test_the_readme_shows_this_quickstart() -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        pytest.skip(f"README.md has no {START} ... {END} section yet (the CLI section is pasted in by the lead)")
    section = text.split(START, 1)[1].split(END, 1)[0]
    if "suno-api wait-ready" not in section:
        pytest.skip("README.md still shows the quickstart without wait-ready: the lead pastes SNIPPET there")
    assert quickstart_commands(section) == quickstart_commands(SNIPPET), "paste SNIPPET into README.md"


def test_the_quickstart_waits_for_the_mock_before_its_first_request() -> None:
    """No retry needed: wait-ready comes after the mock starts and before extend sends anything."""
    commands = quickstart_commands(SNIPPET)
    started = next(i for i, command in enumerate(commands) if command.startswith(f"suno-api mock --port {PORT} &"))
    ready = next(i for i, command in enumerate(commands) if command.startswith("suno-api wait-ready"))
    first_request = next(i for i, command in enumerate(commands) if "suno-api extend" in command)
    assert started < ready < first_request
    assert f"http://127.0.0.1:{PORT}" in commands[ready]


def test_the_quickstart_runs_as_written(tmp_path: Path) -> None:
    commands = quickstart_commands(SNIPPET)
    assert commands[0] == SETUP
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
        encoding="utf-8",
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
    success = names().status_success
    assert f"task {task_id}: {success}" in stdout
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 2
    assert all(path.read_bytes().startswith(MP3_MAGIC) for path in files)
    assert f"status {success}" in stderr
