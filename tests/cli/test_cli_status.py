"""``suno-api status``: read, wait for and download a task that already exists."""

from __future__ import annotations

from pathlib import Path

from suno_api.cli import ExitCode
from suno_api.spec import names
from suno_conformance.mock import MockServer
from tests.cli.cli_support import MP3_MAGIC, extend_args, failure, invoke, keyed, lines_of, option, result_of
from tests.spec_support import member


def _submit(server: MockServer, *extra: str) -> str:
    result = invoke(*extend_args(server.url, *extra), env=keyed())
    assert result.exit_code == 0, result.output
    return lines_of(result.stdout)[0].removeprefix("submitted task ")


def test_status_shows_the_task_and_its_tracks(mock_server: MockServer) -> None:
    task_id = _submit(mock_server)
    result = invoke("status", task_id, "--base-url", mock_server.url, env=keyed())
    assert result.exit_code == 0
    lines = lines_of(result.stdout)
    assert lines[0] == f"task {task_id}: {names().status_success}"
    assert len([line for line in lines if line.lstrip().startswith("track ")]) == 2
    assert "/_mock/files/" in result.stdout


def test_status_wait_download_json(mock_server: MockServer, tmp_path: Path) -> None:
    task_id = _submit(mock_server)
    result = invoke(
        "status", task_id, "--base-url", mock_server.url, "--wait", "--download", str(tmp_path), "--json", env=keyed()
    )
    assert result.exit_code == 0
    final = result_of(result.stdout)
    assert final["task"]["status"] == names().status_success
    assert len(final["downloads"]) == 2
    assert all(Path(item["path"]).read_bytes().startswith(MP3_MAGIC) for item in final["downloads"])


def test_existing_files_are_kept_unless_overwrite(mock_server: MockServer, tmp_path: Path) -> None:
    """A second download keeps what is there; --overwrite replaces it."""
    task_id = _submit(mock_server)
    args = ("status", task_id, "--base-url", mock_server.url, "--download", str(tmp_path))
    assert invoke(*args, env=keyed()).exit_code == 0
    first = sorted(tmp_path.iterdir())[0]
    first.write_bytes(b"my own edit")
    again = invoke(*args, "--json", env=keyed())
    assert again.exit_code == 0
    kept = {Path(item["path"]).name: item["kept_existing"] for item in result_of(again.stdout)["downloads"]}
    assert kept == {path.name: True for path in tmp_path.iterdir()}
    assert first.read_bytes() == b"my own edit"
    human = invoke(*args, env=keyed())
    assert f"kept {first} (it exists; --overwrite replaces it)" in human.stdout
    replaced = invoke(*args, "--overwrite", env=keyed())
    assert replaced.exit_code == 0
    assert first.read_bytes().startswith(MP3_MAGIC)


def test_pending_task_without_wait_exits_0(slow_mock: MockServer) -> None:
    task_id = _submit(slow_mock)
    result = invoke("status", task_id, "--base-url", slow_mock.url, env=keyed())
    assert result.exit_code == 0
    assert lines_of(result.stdout)[0] == f"task {task_id}: {names().status_pending}"


def test_download_waits_for_the_task(slow_mock: MockServer, tmp_path: Path) -> None:
    """--download implies --wait: an unfinished task is waited for (here until --wait-timeout, exit 5)."""
    task_id = _submit(slow_mock)
    result = invoke(
        "status",
        task_id,
        "--base-url",
        slow_mock.url,
        "--download",
        str(tmp_path),
        "--wait-timeout",
        "0.5",
        env=keyed(),
    )
    assert result.exit_code == ExitCode.UNKNOWN
    assert f"task {task_id} did not finish within 0.5 s (last status: {names().status_pending})" in result.stderr
    assert f"--download {tmp_path}" in result.stderr
    assert not list(tmp_path.iterdir())


def test_wait_timeout_exits_5(slow_mock: MockServer) -> None:
    task_id = _submit(slow_mock)
    result = invoke(
        "status", task_id, "--base-url", slow_mock.url, "--wait", "--wait-timeout", "0.5", "--json", env=keyed()
    )
    assert result.exit_code == ExitCode.UNKNOWN
    error = failure(result.stdout)
    pending = names().status_pending
    assert (error["type"], error["task_id"], error["last_status"]) == ("WaitTimeoutError", task_id, pending)


def test_failed_task_exits_4_with_or_without_wait(mock_server: MockServer) -> None:
    status = member("status_sensitive_word_error")
    task_id = _submit(mock_server, option(names().prompt), f"[mock:{status}] x")
    for extra in ((), ("--wait",)):
        result = invoke("status", task_id, "--base-url", mock_server.url, *extra, "--json", env=keyed())
        assert result.exit_code == ExitCode.TASK_FAILED
        error = failure(result.stdout)
        assert (error["status"], error["error_code"]) == (status, 400)  # the code the mock gives a refused text


def test_unknown_task_is_an_api_error(mock_server: MockServer) -> None:
    result = invoke("status", "no-such-task", "--base-url", mock_server.url, "--json", env=keyed())
    assert result.exit_code == ExitCode.API
    assert failure(result.stdout)["code"] == 404
    assert "error: the service answered an error: [404]" in result.stderr
    assert "keeps running" not in result.stderr  # no task was created: nothing to resume


def test_missing_task_id_is_a_usage_error() -> None:
    result = invoke("status")
    assert result.exit_code == ExitCode.USAGE
    assert "Missing argument 'TASK_ID'" in result.stderr
