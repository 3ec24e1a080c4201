"""``suno-api webhook verify``: exit 0 for a signed, fresh callback; 1 otherwise; the secret is never printed."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from suno_api import compute_signature
from suno_api.cli import ExitCode
from suno_api.spec import names
from tests.cli.cli_support import assert_no_secret, failure, invoke, result_of

SECRET = "whsec-cli-test-NEVER-PRINT-55e0"
TASK_ID = "5c79c2b5a6e1d4f0"


def _track(track_id: str, title: str, duration: float) -> dict[str, Any]:
    spec = names()
    return {
        spec.callback_track_id: track_id,
        spec.callback_track_audio_url: f"https://cdn.example.com/{track_id}.mp3",
        spec.callback_track_title: title,
        spec.callback_track_duration: duration,
    }


def _callback() -> dict[str, Any]:
    """A final-stage callback of task TASK_ID with two tracks."""
    spec = names()
    return {
        spec.callback_code: 200,
        spec.callback_msg: "All generated successfully.",
        spec.callback_data: {
            spec.callback_type: spec.stage_complete,
            spec.callback_task_id: TASK_ID,
            spec.callback_tracks: [_track("t1", "A", 61.2), _track("t2", "B", 58.0)],
        },
    }


@pytest.fixture
def callback_file(tmp_path: Path) -> Path:
    path = tmp_path / "callback.json"
    path.write_text(json.dumps(_callback()), encoding="utf-8")
    return path


def _signed(timestamp: int | None = None, secret: str = SECRET) -> list[str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return ["--timestamp", stamp, "--signature", compute_signature(secret, TASK_ID, stamp)]


def _verify(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> tuple[int, str, str]:
    result = invoke("webhook", "verify", *args, env=env, input=input)
    assert_no_secret(result.stdout, result.stderr, secret=SECRET)
    return result.exit_code, result.stdout, result.stderr


def test_a_signed_fresh_callback_is_valid(callback_file: Path) -> None:
    code, stdout, _ = _verify("--secret", SECRET, *_signed(), str(callback_file))
    assert code == 0
    assert stdout == f"valid: callback for task {TASK_ID} ({names().stage_complete}, code 200, 2 tracks)\n"


def test_json_describes_the_callback(callback_file: Path) -> None:
    code, stdout, _ = _verify("--secret", SECRET, *_signed(), str(callback_file), "--json")
    assert code == 0
    final = result_of(stdout)
    assert final["valid"] is True
    described = (final["task_id"], final["callback_type"], final["code"], final["tracks"])
    assert described == (TASK_ID, names().stage_complete, 200, 2)
    assert final["succeeded"] is True


def test_secret_from_the_environment_and_body_from_standard_input() -> None:
    code, _, _ = _verify(*_signed(), "-", env={"SUNO_WEBHOOK_SECRET": SECRET}, input=json.dumps(_callback()))
    assert code == 0


def test_wrong_secret_fails_verification(callback_file: Path) -> None:
    code, stdout, stderr = _verify("--secret", SECRET, *_signed(secret="another"), str(callback_file), "--json")
    assert code == ExitCode.INVALID
    assert stderr.startswith(f"error: the callback fails verification: {names().signature_header} does not match")
    assert failure(stdout)["type"] == "WebhookVerificationError"


def test_stale_timestamp_fails_unless_checked_against_its_arrival(callback_file: Path) -> None:
    """An old capture fails now, and passes with --now set to when it arrived."""
    old = int(time.time()) - 3600
    code, _, stderr = _verify("--secret", SECRET, *_signed(old), str(callback_file))
    assert code == ExitCode.INVALID
    assert "outside the ±300 s window" in stderr
    assert _verify("--secret", SECRET, *_signed(old), "--now", str(old + 5), str(callback_file))[0] == 0
    assert _verify("--secret", SECRET, *_signed(old), "--tolerance", "4000", str(callback_file))[0] == 0


def test_body_that_names_no_task_fails(tmp_path: Path) -> None:
    path = tmp_path / "callback.json"
    path.write_text(json.dumps({names().callback_code: 200}), encoding="utf-8")
    code, _, stderr = _verify("--secret", SECRET, *_signed(), str(path))
    assert code == ExitCode.INVALID
    assert f"no {names().callback_data}.{names().callback_task_id}" in stderr


def test_missing_secret_is_a_usage_error(callback_file: Path) -> None:
    code, _, stderr = _verify(*_signed(), str(callback_file))
    assert code == ExitCode.USAGE
    assert "--secret" in stderr


@pytest.mark.parametrize(
    "secret", ['whsec-"quoted"-NEVER-PRINT', "whsec-back\\slash-NEVER-PRINT", "whsec-sl/ash-NEVER-PRINT"]
)
def test_json_output_never_holds_the_secret_in_its_escaped_form(secret: str, tmp_path: Path) -> None:
    """A callback whose msg echoes the secret: redacted in the value, before JSON escapes could hide it."""
    body = {**_callback(), names().callback_msg: f"signed with {secret}"}
    path = tmp_path / "callback.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    result = invoke(
        "webhook", "verify", *_signed(secret=secret), str(path), "--json", env={"SUNO_WEBHOOK_SECRET": secret}
    )
    assert result.exit_code == 0, result.output
    for form in (secret, json.dumps(secret)[1:-1], json.dumps(secret).replace("/", "\\/")[1:-1]):
        assert form not in result.stdout
        assert form not in result.stderr
    assert result_of(result.stdout)["message"] == "signed with [REDACTED]"


@pytest.mark.parametrize(("option", "value"), [("--tolerance", "inf"), ("--tolerance", "nan"), ("--now", "nan")])
def test_non_finite_numbers_are_usage_errors(callback_file: Path, option: str, value: str) -> None:
    code, _, _ = _verify("--secret", SECRET, *_signed(), option, value, str(callback_file))
    assert code == ExitCode.USAGE
