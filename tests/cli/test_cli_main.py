"""The command line as a whole: help everywhere, one exit-code enum, one-line errors, progress, one process entry."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import suno_api.cli
import suno_api.cli._validate as validate_module
from suno_api import parse_record_info
from suno_api.cli import ExitCode, exit_code_table, main
from suno_api.cli._output import Output
from suno_api.cli._progress import Progress
from suno_api.spec import names
from suno_conformance.mock import MockServer
from tests.bodies import default_body
from tests.cli.cli_support import KEY, failure, invoke, process_env, run_process

README = Path(__file__).resolve().parents[2] / "README.md"
EXIT_CODES_START, EXIT_CODES_END = "<!-- exit-codes -->", "<!-- /exit-codes -->"

COMMANDS = [
    (),
    ("extend",),
    ("status",),
    ("validate",),
    ("webhook",),
    ("webhook", "verify"),
    ("mock",),
    ("wait-ready",),
    ("conformance",),
    ("spec",),
    ("spec", "diff"),
    ("spec", "coverage"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command) or "suno-api")
def test_every_command_has_help_with_examples(command: tuple[str, ...]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    if command not in ((), ("webhook",), ("spec",)):
        assert "--json" in result.stdout


def test_root_help_and_module_docstring_list_every_exit_code_of_the_enum() -> None:
    """The enum is the one source: each code and its meaning appear in --help and in the docstring."""
    text = invoke("--help").stdout
    doc = suno_api.cli.__doc__ or ""
    for code in ExitCode:
        meaning = code.meaning.replace("`", "")
        assert re.search(rf"\n +{code.value} +{re.escape(meaning[:40])}", text), code
        assert f"    {code.value:<5}{meaning}" in doc, code


def test_command_help_lists_the_exit_codes() -> None:
    for command in (("extend",), ("status",), ("validate",), ("webhook", "verify")):
        text = invoke(*command, "--help").stdout
        assert all(f"  {code.value} " in text for code in ExitCode), command


def test_exit_code_table_has_one_row_per_code() -> None:
    rows = exit_code_table().splitlines()
    assert rows[:2] == ["| code | name | meaning |", "|---:|---|---|"]
    assert rows[2:] == [f"| {code.value} | `{code.name}` | {code.meaning} |" for code in ExitCode]


def test_the_readme_carries_the_generated_exit_code_table() -> None:
    text = README.read_text(encoding="utf-8")
    if EXIT_CODES_START not in text:
        pytest.skip(f"README.md has no {EXIT_CODES_START} section yet (the lead pastes exit_code_table() there)")
    section = text.split(EXIT_CODES_START, 1)[1].split(EXIT_CODES_END, 1)[0]
    assert section.strip() == exit_code_table().strip()


def test_usage_errors_exit_2_even_with_json() -> None:
    result = invoke("validate", "--no-such-option", "x", "--json")
    assert result.exit_code == ExitCode.USAGE
    assert failure(result.stdout)["type"] == "NoSuchOption"
    assert invoke("no-such-command").exit_code == ExitCode.USAGE


def test_an_unexpected_error_is_one_line_unless_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug exits 70 with one line; --debug adds the traceback."""
    body = tmp_path / "body.json"
    body.write_text(json.dumps(default_body()), encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(validate_module, "find_violations", broken)
    result = invoke("validate", str(body))
    assert result.exit_code == ExitCode.INTERNAL
    assert result.stderr == (
        "error: internal error: RuntimeError: boom (rerun with --debug for the traceback, and report it)\n"
    )
    debug = invoke("validate", str(body), "--debug")
    assert debug.exit_code == ExitCode.INTERNAL
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.rstrip().endswith("report it)")


def test_main_returns_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps(default_body()), encoding="utf-8")
    assert main(["validate", str(body)]) == 0
    assert main(["validate", str(tmp_path / "missing.json")]) == ExitCode.USAGE
    assert "valid: the body passes every rule" in capsys.readouterr().out


def test_python_m_suno_api_is_the_console_script(tmp_path: Path) -> None:
    """``python -m suno_api`` and the ``suno-api`` script: same output, same exit codes."""
    script = Path(sys.executable).with_name("suno-api")
    if not script.is_file():
        pytest.skip("the console script is not installed next to this interpreter")
    for args in (("--help",), ("validate", str(tmp_path / "missing.json"))):
        module = run_process(*args, cwd=tmp_path)
        console = subprocess.run(  # noqa: S603 - the installed console script
            [str(script), *args], cwd=tmp_path, env=process_env(), capture_output=True, encoding="utf-8", check=False
        )
        assert (console.returncode, console.stdout, console.stderr) == (
            module.returncode,
            module.stdout,
            module.stderr,
        ), args
    assert module.returncode == ExitCode.USAGE


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _record(status: str) -> object:
    return parse_record_info({"code": 200, "msg": "ok", "data": {names().record_task_id: "t1", "status": status}})


def test_progress_on_a_terminal_turns_a_spinner_and_clears_it() -> None:
    stream = _Terminal()
    progress = Progress(Output(), stream)
    progress.start("t1")
    pending, success = names().status_pending, names().status_success
    progress.on_status(_record(pending))  # type: ignore[arg-type]
    progress.sleep(0.25)
    progress.on_status(_record(success))  # type: ignore[arg-type]
    text = stream.getvalue()
    assert text.startswith(f"status {pending} (0 s)\n")
    assert f"\r- {pending} - 0 s - task t1\x1b[K" in text or f"\r\\ {pending} - 0 s - task t1\x1b[K" in text
    assert text.endswith(f"\r\x1b[Kstatus {success} (0 s)\n")


def test_progress_elsewhere_prints_plain_lines_only() -> None:
    stream = io.StringIO()
    progress = Progress(Output(), stream)
    progress.start("t1")
    pending, success = names().status_pending, names().status_success
    progress.on_status(_record(pending))  # type: ignore[arg-type]
    progress.sleep(0.05)
    progress.on_status(_record(success))  # type: ignore[arg-type]
    assert stream.getvalue() == f"status {pending} (0 s)\nstatus {success} (0 s)\n"


_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
# Objects that are the spec's own payloads keep the spec's names (camelCase); everything else is ours.
_SPEC_PAYLOADS = frozenset({"tracks", "body"})


def _our_keys(value: object, path: str = "") -> list[str]:
    if isinstance(value, list):
        return [key for item in value for key in _our_keys(item, path)]
    if not isinstance(value, dict):
        return []
    keys = []
    for key, item in value.items():
        keys.append(f"{path}{key}")
        if key not in _SPEC_PAYLOADS:
            keys.extend(_our_keys(item, f"{path}{key}."))
    return keys


def test_json_output_uses_snake_case_for_our_own_keys(tmp_path: Path, mock_server: MockServer) -> None:
    """One key style: snake_case for our keys; spec payloads (tracks, the body) keep the spec's names."""
    body = tmp_path / "body.json"
    body.write_text(json.dumps(default_body()), encoding="utf-8")
    outputs = [
        invoke("validate", str(body), "--json"),
        invoke("validate", str(tmp_path / "missing.json"), "--json"),
        invoke("extend", "--body", str(body), "--dry-run", "--json"),
        invoke(
            "extend",
            "--body",
            str(body),
            "--base-url",
            mock_server.url,
            "--wait",
            "--download",
            str(tmp_path),
            "--json",
            env={"KIE_API_KEY": KEY},
        ),
        invoke("extend", "--body", str(body), "--base-url", mock_server.url, "--json", env={"KIE_API_KEY": "wrong"}),
    ]
    seen = 0
    for result in outputs:
        for line in result.stdout.splitlines():
            for key in _our_keys(json.loads(line)):
                assert _SNAKE.match(key.rsplit(".", 1)[-1]), key
                seen += 1
    assert seen > 20


def test_the_public_surface_is_small_sorted_and_real() -> None:
    assert suno_api.cli.__all__ == sorted(suno_api.cli.__all__)
    assert suno_api.cli.__all__ == ["ExitCode", "cli", "exit_code_table", "main"]
    assert all(getattr(suno_api.cli, name) is not None for name in suno_api.cli.__all__)
