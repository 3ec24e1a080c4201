"""``suno-api validate``: exit 0 when valid, else 1 with every violation; nothing is sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suno_api import find_violations
from suno_api.cli import ExitCode
from suno_api.spec import REQUEST_SCHEMA, names, schema
from tests.bodies import default_body
from tests.cli.cli_support import invoke, result_of


def _invalid_body() -> dict[str, Any]:
    """A custom-mode body with no upload URL, an empty style, a start at 0 and a weight above its maximum."""
    spec = names()
    weight = schema(REQUEST_SCHEMA)["properties"][spec.style_weight]["maximum"]
    return {
        spec.default_param_flag: True,
        spec.instrumental: False,
        spec.continue_at: 0,
        spec.model: spec.model_v3_5,
        spec.style: "",
        spec.callback_url: "https://example.com/cb",
        spec.style_weight: weight + 0.5,
    }


def _write(tmp_path: Path, body: object) -> str:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return str(path)


def test_valid_body_exits_0(tmp_path: Path) -> None:
    result = invoke("validate", _write(tmp_path, default_body()))
    assert result.exit_code == 0
    assert result.stdout == "valid: the body passes every rule\n"


def test_invalid_body_lists_every_violation_with_field_rule_and_message(tmp_path: Path) -> None:
    expected = find_violations(_invalid_body())
    assert len(expected) >= 4
    result = invoke("validate", _write(tmp_path, _invalid_body()))
    assert result.exit_code == ExitCode.INVALID
    assert result.stdout.splitlines()[0] == f"invalid: the body has {len(expected)} problems:"
    for violation in expected:
        assert f"{violation.field or '<body>'} [{violation.rule_id}]: {violation.message}" in result.stdout


def test_json_output_has_the_violations(tmp_path: Path) -> None:
    result = invoke("validate", _write(tmp_path, _invalid_body()), "--json")
    assert result.exit_code == ExitCode.INVALID
    final = result_of(result.stdout)
    assert final["valid"] is False
    assert [(v["field"], v["rule_id"], v["message"]) for v in final["violations"]] == [
        (v.field, v.rule_id, v.message) for v in find_violations(_invalid_body())
    ]
    assert result_of(invoke("validate", _write(tmp_path, default_body()), "--json").stdout) == {
        "event": "result",
        "ok": True,
        "exit_code": 0,
        "valid": True,
        "violations": [],
    }


def test_reads_standard_input() -> None:
    assert invoke("validate", "-", input=json.dumps(default_body())).exit_code == 0
    assert invoke("validate", "-", input=json.dumps(_invalid_body())).exit_code == ExitCode.INVALID


def test_audio_duration_enables_the_audio_rules(tmp_path: Path) -> None:
    result = invoke("validate", _write(tmp_path, default_body(continue_at=95)), "--audio-duration", "90")
    assert result.exit_code == ExitCode.INVALID
    assert "[continue-at-within-audio]" in result.stdout


@pytest.mark.parametrize("content", ["{not json", "", "\udcff"])
def test_a_file_that_is_not_json_is_invalid_input(tmp_path: Path, content: str) -> None:
    path = tmp_path / "body.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    result = invoke("validate", str(path))
    assert result.exit_code == ExitCode.INVALID
    assert result.stderr.startswith("error: the body ")


def test_a_json_value_that_is_not_an_object_is_one_violation(tmp_path: Path) -> None:
    result = invoke("validate", _write(tmp_path, [1, 2]), "--json")
    assert result.exit_code == ExitCode.INVALID
    assert [v["rule_id"] for v in result_of(result.stdout)["violations"]] == ["schema.type"]


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("validate", str(tmp_path / "nope.json"))
    assert result.exit_code == ExitCode.USAGE
    assert "nope.json" in result.stderr


def test_audio_file_is_read_for_its_length(tmp_path: Path) -> None:
    """--audio-file reads the source's length (about a second of silence here): a start at 30 s is past its end."""
    from suno_conformance.mock._files import silent_mp3  # noqa: PLC0415 - a second of silent MP3, as the mock serves

    audio = tmp_path / "song.mp3"
    audio.write_bytes(silent_mp3())
    result = invoke("validate", _write(tmp_path, default_body()), "--audio-file", str(audio), "--json")
    assert result.exit_code == ExitCode.INVALID
    assert [v["rule_id"] for v in result_of(result.stdout)["violations"]] == ["continue-at-within-audio"]
    not_audio = tmp_path / "notes.txt"
    not_audio.write_text("not audio", encoding="utf-8")
    unreadable = invoke("validate", _write(tmp_path, default_body()), "--audio-file", str(not_audio))
    assert unreadable.exit_code == ExitCode.INVALID
    assert "[audio.readable]" in unreadable.stderr


def test_json_nested_too_deeply_is_invalid_input_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = invoke("validate", str(path))
    assert result.exit_code == ExitCode.INVALID
    assert "nested too deeply" in result.stderr


def _strict(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"--json printed {constant}, which is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_output_stays_strict_json_for_a_nan_in_the_body(tmp_path: Path) -> None:
    """A NaN the user sent is a violation, reported in strict JSON (as the string "NaN")."""
    path = tmp_path / "body.json"
    path.write_text(json.dumps(default_body(continue_at=float("nan"))), encoding="utf-8")
    for args in (("validate", str(path), "--json"), ("extend", "--body", str(path), "--dry-run", "--json")):
        result = invoke(*args)
        assert result.exit_code == ExitCode.INVALID, args
        lines = [_strict(line) for line in result.stdout.splitlines()]
        assert lines[-1]["ok"] is False  # type: ignore[index]
