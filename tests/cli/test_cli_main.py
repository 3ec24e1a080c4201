"""The command line as a whole: help everywhere, documented exit codes, one-line errors, progress display."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from tests.cli.cli_support import VALID_BODY, invoke, result_of, run_process

import suno_api.cli._main as cli_module
from suno_api import parse_record_info
from suno_api.cli._main import EXIT_INTERNAL, EXIT_USAGE, _Progress, _State, main

COMMANDS = [
    (),
    ("extend",),
    ("status",),
    ("validate",),
    ("webhook",),
    ("webhook", "verify"),
    ("mock",),
    ("conformance",),
    ("spec",),
    ("spec", "diff"),
    ("spec", "coverage"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command) or "suno-api")
def test_every_command_has_help_with_examples(command: tuple[str, ...]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "xamples:" in result.stdout
    if command not in ((), ("webhook",), ("spec",)):
        assert "--json" in result.stdout


def test_root_help_documents_every_exit_code() -> None:
    text = invoke("--help").stdout
    for name in ("EXIT_OK", "EXIT_INVALID", "EXIT_USAGE", "EXIT_API", "EXIT_TASK_FAILED", "EXIT_UNKNOWN"):
        assert f"\n    {getattr(cli_module, name)} " in text, name
    for code in (cli_module.EXIT_DOWNLOAD, EXIT_INTERNAL, cli_module.EXIT_INTERRUPTED, cli_module.EXIT_TERMINATED):
        assert str(code) in text


def test_usage_errors_exit_2_even_with_json() -> None:
    result = invoke("validate", "--no-such-option", "x", "--json")
    assert result.exit_code == EXIT_USAGE
    assert result_of(result.stdout)["error"]["type"] == "NoSuchOption"
    assert invoke("no-such-command").exit_code == EXIT_USAGE


def test_an_unexpected_error_is_one_line_unless_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug exits 70 with one line; --debug adds the traceback."""
    body = tmp_path / "body.json"
    body.write_text(json.dumps(VALID_BODY), encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module, "find_violations", broken)
    result = invoke("validate", str(body))
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr == (
        "error: internal error: RuntimeError: boom (rerun with --debug for the traceback, and report it)\n"
    )
    debug = invoke("validate", str(body), "--debug")
    assert debug.exit_code == EXIT_INTERNAL
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.rstrip().endswith("report it)")


def test_main_returns_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps(VALID_BODY), encoding="utf-8")
    assert main(["validate", str(body)]) == 0
    assert main(["validate", str(tmp_path / "missing.json")]) == EXIT_USAGE
    assert "valid: the body passes every rule" in capsys.readouterr().out


def test_the_module_runs_as_a_program(tmp_path: Path) -> None:
    completed = run_process("--version", cwd=tmp_path)
    assert completed.returncode == 0
    assert completed.stdout.startswith("suno-api, version ")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _record(status: str) -> object:
    return parse_record_info({"code": 200, "msg": "ok", "data": {"taskId": "t1", "status": status}})


def test_progress_on_a_terminal_turns_a_spinner_and_clears_it() -> None:
    stream = _Terminal()
    progress = _Progress(_State(), stream)
    progress.start("t1")
    progress.on_status(_record("PENDING"))  # type: ignore[arg-type]
    progress.sleep(0.25)
    progress.on_status(_record("SUCCESS"))  # type: ignore[arg-type]
    text = stream.getvalue()
    assert text.startswith("status PENDING (0 s)\n")
    assert "\r- PENDING - 0 s - task t1\x1b[K" in text or "\r\\ PENDING - 0 s - task t1\x1b[K" in text
    assert text.endswith("\r\x1b[Kstatus SUCCESS (0 s)\n")


def test_progress_elsewhere_prints_plain_lines_only() -> None:
    stream = io.StringIO()
    progress = _Progress(_State(), stream)
    progress.start("t1")
    progress.on_status(_record("PENDING"))  # type: ignore[arg-type]
    progress.sleep(0.05)
    progress.on_status(_record("SUCCESS"))  # type: ignore[arg-type]
    assert stream.getvalue() == "status PENDING (0 s)\nstatus SUCCESS (0 s)\n"
