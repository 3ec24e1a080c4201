"""``suno-api mock`` and ``suno-api conformance``: the mock's and the suite's own options, as processes."""

from __future__ import annotations

import json
import signal
import socket
from pathlib import Path

import httpx
from tests.cli.cli_support import KEY, extend_args, invoke, process_env, result_of, run_process, start_process

from suno_api.cli._main import EXIT_INVALID, EXIT_USAGE

# A quick conformance run: few examples, a fixed seed, no stateful phase to speak of.
_QUICK_SUITE = {"SUNO_CONFORMANCE_MAX_EXAMPLES": "3", "SUNO_CONFORMANCE_STATEFUL_EXAMPLES": "1"}


def test_mock_serves_until_interrupted_and_announces_itself_in_json(tmp_path: Path) -> None:
    """First line: where it listens; the client works against it; Ctrl+C stops it with exit 0."""
    process = start_process("mock", "--port", "0", "--stage-seconds", "0", "--api-key", KEY, "--json", cwd=tmp_path)
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
    assert busy.returncode == EXIT_USAGE
    assert busy.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}:")
    bad = run_process("mock", "--stage-seconds", "1,2", cwd=tmp_path)
    assert bad.returncode == EXIT_USAGE
    assert "'stage_seconds' must be one number or three" in bad.stderr
    remote = run_process("mock", "--host", "0.0.0.0", cwd=tmp_path)  # noqa: S104 - the point: refused
    assert remote.returncode == EXIT_USAGE
    assert "must be a loopback address" in remote.stderr


def test_mock_help_lists_the_mock_settings() -> None:
    result = invoke("mock", "--help")
    assert result.exit_code == 0
    for option in ("--stage-seconds", "--error-style", "--default-outcome", "--webhook-key", "--json", "examples:"):
        assert option in result.stdout
    assert invoke("mock", "--no-such-option").exit_code == EXIT_USAGE


def test_conformance_against_the_mock_conforms(tmp_path: Path) -> None:
    """Exit 0; --json's last line carries the verdict and the ledger; pytest's report goes to stderr."""
    completed = run_process(
        "conformance", "--seed", "1", "--json", cwd=tmp_path, env=process_env(**_QUICK_SUITE), timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    final = result_of(completed.stdout)
    assert final["verdict"] == "CONFORMS"
    assert final["target"].startswith("embedded mock at http://127.0.0.1:")
    assert final["failures"] == []
    assert "VERDICT: CONFORMS" in completed.stderr
    assert (tmp_path / "reports" / "conformance.xml").is_file()


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
    assert completed.returncode == EXIT_INVALID
    assert "VERDICT: DOES NOT CONFORM" in completed.stdout


def test_conformance_safety_and_usage_errors() -> None:
    """A server needs its key, plain http only to loopback; unknown defects and options are usage errors."""
    no_key = invoke("conformance", "--base-url", "https://api.kie.ai")
    assert no_key.exit_code == EXIT_USAGE
    assert "testing https://api.kie.ai needs its API key" in no_key.stderr
    plain = invoke("conformance", "--base-url", "http://example.com", env={"KIE_API_KEY": KEY})
    assert plain.exit_code == EXIT_USAGE
    assert "refusing to send the API key over plain http" in plain.stderr
    assert invoke("conformance", "--defect", "nope").exit_code == EXIT_USAGE
    assert invoke("conformance", "--max-paid-calls", "-1", env={"KIE_API_KEY": KEY}).exit_code == EXIT_USAGE
    assert invoke("conformance", "--bogus").exit_code == EXIT_USAGE


def test_conformance_lists_the_defects() -> None:
    result = invoke("conformance", "--list-defects", "--json")
    assert result.exit_code == 0
    names = {defect["name"] for defect in result_of(result.stdout)["defects"]}
    assert "auth_ignored" in names
    assert "--max-paid-calls" in invoke("conformance", "--help").stdout
