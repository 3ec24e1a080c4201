"""``suno-api mock``, ``wait-ready`` and ``conformance``: options from the settings tables, run as processes."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from suno_api.cli import ExitCode
from suno_conformance.mock import MOCK_SETTINGS
from suno_conformance.suite import SUITE_SETTINGS
from tests.cli.cli_support import (
    KEY,
    extend_args,
    free_port,
    invoke,
    process_env,
    result_of,
    run_process,
    start_process,
)

# A quick conformance run: few examples, a fixed seed, no stateful phase to speak of.
_QUICK_SUITE = {"SUNO_CONFORMANCE_MAX_EXAMPLES": "3", "SUNO_CONFORMANCE_STATEFUL_EXAMPLES": "1"}


def _option(table: Sequence[Any], name: str) -> str:
    """The command-line option of setting ``name`` (the tests follow the table, not a copy of it)."""
    return str(next(setting.option for setting in table if setting.name == name))


def test_mock_serves_until_interrupted_and_announces_itself_in_json(tmp_path: Path) -> None:
    """First line: where it listens; the client works against it; Ctrl+C stops it with exit 0."""
    process = start_process(
        "mock", "--port", "0", "--stage-seconds", "0", _option(MOCK_SETTINGS, "api_keys"), KEY, "--json", cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        listening = json.loads(process.stdout.readline())
        assert listening["event"] == "listening"
        assert listening["url"].startswith("http://127.0.0.1:")
        assert httpx.get(f"{listening['url']}/_mock/state", timeout=10).status_code == 200
        extended = invoke(*extend_args(listening["url"], "--wait"), env={"KIE_API_KEY": KEY})
        assert extended.exit_code == 0, extended.output
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0, stderr
    assert result_of(stdout) == {"event": "result", "ok": True, "exit_code": 0, "url": listening["url"]}


def test_mock_banner_for_people(tmp_path: Path) -> None:
    process = start_process("mock", "--port", "0", cwd=tmp_path)
    try:
        assert process.stdout is not None
        banner: list[str] = []
        while True:  # read the whole banner, up to its last line
            line = process.stdout.readline()
            banner.append(line)
            if not line or line.startswith("Ctrl+C"):
                break
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0
    assert banner[0].startswith("kie.ai mock listening on http://127.0.0.1:")
    assert any(line.startswith("suno-api: KIE_API_KEY=mock-api-key suno-api extend --base-url") for line in banner)


def test_mock_with_a_taken_port_or_a_bad_setting_exits_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = run_process("mock", "--port", port, cwd=tmp_path)
    assert busy.returncode == ExitCode.USAGE
    # a line of its own: a warning may come first (an outcome left out because upstream removed its status)
    assert any(line.startswith(f"error: cannot listen on 127.0.0.1:{port}:") for line in busy.stderr.splitlines())
    bad = run_process("mock", "--stage-seconds", "1,2", cwd=tmp_path)
    assert bad.returncode == ExitCode.USAGE
    assert "'stage_seconds' must be one number or three" in bad.stderr
    remote = run_process("mock", "--host", "0.0.0.0", cwd=tmp_path)  # noqa: S104 - the point: refused
    assert remote.returncode == ExitCode.USAGE
    assert "must be a loopback address" in remote.stderr


def test_mock_options_are_the_settings_table() -> None:
    """Every setting of MOCK_SETTINGS that is not a secret is an option, with its variable in the help."""
    text = invoke("mock", "--help").stdout
    for setting in MOCK_SETTINGS:
        if setting.secret:
            assert f"  {setting.option} " not in text
        else:
            assert setting.option in text, setting.name
    assert "--json" in text
    assert invoke("mock", "--no-such-option").exit_code == ExitCode.USAGE


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_mock_float_settings_refuse_non_finite_numbers(value: str) -> None:
    """A float setting given nan or inf is a usage error, never "unlimited"."""
    float_setting = next(setting for setting in MOCK_SETTINGS if setting.kind == "float" and not setting.secret)
    result = invoke("mock", float_setting.option, value)
    assert result.exit_code == ExitCode.USAGE


def test_python_m_suno_conformance_mock_is_suno_api_mock(tmp_path: Path) -> None:
    mine = run_process("mock", "--help", cwd=tmp_path)
    theirs = subprocess.run(
        [sys.executable, "-m", "suno_conformance.mock", "--help"],
        cwd=tmp_path,
        env=process_env(),
        capture_output=True,
        text=True,  # spec-literal: subprocess.run's text mode
        check=False,
        timeout=60,
    )
    assert (theirs.returncode, theirs.stdout) == (mine.returncode, mine.stdout)


# --- wait-ready --------------------------------------------------------------------------------------------------


def test_wait_ready_returns_once_a_background_mock_listens(tmp_path: Path) -> None:
    """The quickstart's way: start the mock in the background, wait-ready, then the first request just works."""
    port = free_port()
    mock = start_process("mock", "--port", str(port), "--stage-seconds", "0", cwd=tmp_path)
    try:
        ready = run_process("wait-ready", f"http://127.0.0.1:{port}", "--timeout", "30", "--json", cwd=tmp_path)
        assert ready.returncode == 0, ready.stderr
        assert result_of(ready.stdout)["url"] == f"http://127.0.0.1:{port}"
        # No retry: the first request after wait-ready reaches the mock.
        assert httpx.get(f"http://127.0.0.1:{port}/_mock/state", timeout=10).status_code == 200
    finally:
        mock.send_signal(signal.SIGTERM)
        mock.communicate(timeout=20)
    assert mock.returncode == 0


def test_wait_ready_gives_up_after_its_timeout_with_exit_3() -> None:
    result = invoke("wait-ready", f"http://127.0.0.1:{free_port()}", "--timeout", "0.3", "--json")
    assert result.exit_code == ExitCode.API
    error = result_of(result.stdout)["error"]  # spec-literal: the CLI's own JSON key
    assert error["type"] == "NotReady"
    assert "did not answer within 0.3 s" in error["message"]


@pytest.mark.parametrize(
    "args",
    [
        ("ftp://127.0.0.1:1",),
        ("not a url",),
        ("http://127.0.0.1:1", "--timeout", "inf"),
        ("http://127.0.0.1:1", "--timeout", "nan"),
        ("http://127.0.0.1:1", "--timeout", "0"),
    ],
)
def test_wait_ready_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    assert invoke("wait-ready", *args).exit_code == ExitCode.USAGE


# --- conformance ---------------------------------------------------------------------------------------------------


def test_conformance_options_are_the_settings_table() -> None:
    text = invoke("conformance", "--help").stdout
    for setting in SUITE_SETTINGS:
        if setting.secret:
            assert f"  {setting.option} " not in text
            assert str(setting.env) in text  # named as an environment-only secret
        else:
            assert setting.option in text, setting.name
    for option in ("--junit", "--json-report", "--base-url", "--api-key-file", "--list-defects"):
        assert option in text


def test_conformance_against_the_mock_conforms(tmp_path: Path) -> None:
    """Exit 0; --json's last line carries the verdict and the ledger; pytest's report goes to stderr."""
    report = tmp_path / "out" / "report.json"
    completed = run_process(
        "conformance",
        "--seed",
        "1",
        "--json",
        "--json-report",
        str(report),
        cwd=tmp_path,
        env=process_env(**_QUICK_SUITE),
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    final = result_of(completed.stdout)
    assert final["verdict"] == "CONFORMS"
    assert final["conforms"] is True
    assert final["target"]["description"].startswith("embedded mock at http://127.0.0.1:")
    assert final["failures"] == []
    assert "VERDICT: CONFORMS" in completed.stderr
    assert (tmp_path / "reports" / "conformance.xml").is_file()
    assert json.loads(report.read_text(encoding="utf-8"))["conforms"] is True


def test_conformance_catches_a_defective_mock(tmp_path: Path) -> None:
    completed = run_process(
        "conformance",
        "--seed",
        "1",
        "--defect",
        "auth_ignored",
        "--junit",
        str(tmp_path / "defect.xml"),
        cwd=tmp_path,
        env=process_env(**_QUICK_SUITE),
        timeout=120,
    )
    assert completed.returncode == ExitCode.INVALID
    assert "VERDICT: DOES NOT CONFORM" in completed.stdout
    assert (tmp_path / "defect.xml").is_file()


def test_conformance_safety_and_usage_errors() -> None:
    """A server needs its key, plain http only to loopback; unknown defects and options are usage errors."""
    no_key = invoke("conformance", "--base-url", "https://api.kie.ai")
    assert no_key.exit_code == ExitCode.USAGE
    assert "testing https://api.kie.ai needs its API key" in no_key.stderr
    plain = invoke("conformance", "--base-url", "http://example.com", env={"KIE_API_KEY": KEY})
    assert plain.exit_code == ExitCode.USAGE
    assert "refusing to send the API key over plain http" in plain.stderr
    assert invoke("conformance", "--defect", "nope").exit_code == ExitCode.USAGE
    assert invoke("conformance", "--max-paid-calls", "-1", env={"KIE_API_KEY": KEY}).exit_code == ExitCode.USAGE
    assert invoke("conformance", "--bogus").exit_code == ExitCode.USAGE


def test_conformance_lists_the_defects() -> None:
    result = invoke("conformance", "--list-defects", "--json")
    assert result.exit_code == 0
    names = {defect["name"] for defect in result_of(result.stdout)["defects"]}
    assert "auth_ignored" in names


@pytest.mark.parametrize("command", ["mock", "conformance"])
def test_without_the_conformance_extra_the_message_names_it(command: str, tmp_path: Path) -> None:
    """suno_conformance missing: exit 2 with the pip command, even for --help."""
    blocked = (
        "import sys; sys.modules['suno_conformance'] = None;"
        " from suno_api.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    completed = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", blocked, command, "--help"],
        cwd=tmp_path,
        env=process_env(),
        capture_output=True,
        text=True,  # spec-literal: subprocess.run's text mode
        check=False,
        timeout=60,
    )
    assert completed.returncode == ExitCode.USAGE
    assert "pip install 'suno-upload-extend[conformance]'" in completed.stderr
    assert "Traceback" not in completed.stderr
