"""``suno-api extend``: validate, submit, follow, download; one exit code per outcome."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from suno_api._messages import number, words_for_seconds
from suno_api.cli import ExitCode
from suno_api.cli._body import field_options, fields
from suno_api.spec import REQUEST_SCHEMA, names, rules, schema
from suno_conformance.mock import MockApp, MockError, MockServer, MockSettings
from tests.bodies import default_body
from tests.cli.cli_support import (
    KEY,
    MP3_MAGIC,
    SLOW_STAGE_SECONDS,
    assert_no_secret,
    body_options,
    extend_args,
    failure,
    free_port,
    invoke,
    json_lines,
    keyed,
    lines_of,
    option,
    process_env,
    result_of,
    start_process,
)
from tests.client.test_client_validation import NEW_MODEL, changed_spec, upstream_change
from tests.spec_support import member, undocumented_value


def _submits(server: MockServer) -> int:
    return sum(1 for request in server.mock.requests if request.route == "submit")


def _listed(name: str, rule_id: str) -> str:
    """How an invalid body's message lists a violation of ``rule_id`` by the field ``name``: field, option, id."""
    return f"{name} ({option(name)}) [{rule_id}]"


def _off_grid(name: str) -> str:
    """A value of the field ``name`` within its bounds but off its ``multipleOf`` grid (one and a half steps)."""
    step = schema(REQUEST_SCHEMA)["properties"][name]["multipleOf"]
    return str(Decimal(str(step)) * Decimal("1.5"))


def test_extend_waits_and_downloads_every_track(mock_server: MockServer, tmp_path: Path) -> None:
    """The task id comes first; then the final status, the tracks, and one complete file per track."""
    out = tmp_path / "out"
    result = invoke(*extend_args(mock_server.url, "--wait", "--download", str(out)), env=keyed())
    assert result.exit_code == 0, result.output
    lines = lines_of(result.stdout)
    assert lines[0].startswith("submitted task ")
    task_id = lines[0].removeprefix("submitted task ")
    success = names().status_success
    assert f"task {task_id}: {success}" in lines
    files = sorted(out.iterdir())
    assert len(files) == 2
    assert all(path.suffix == ".mp3" and path.read_bytes().startswith(MP3_MAGIC) for path in files)
    assert sum(line.startswith("saved ") for line in lines) == 2
    assert f"status {success}" in result.stderr


def test_extend_json_streams_events_then_the_result(mock_server: MockServer, tmp_path: Path) -> None:
    """--json: submitted, the statuses, one saved per file, then the result with the task and the downloads."""
    out = tmp_path / "out"
    result = invoke(*extend_args(mock_server.url, "--download", str(out), "--json"), env=keyed())
    assert result.exit_code == 0, result.output
    lines = json_lines(result.stdout)
    events = [line["event"] for line in lines]
    assert events[0] == "submitted"
    assert "status" in events
    assert events.count("saved") == 2
    final = lines[-1]
    assert final["ok"] is True
    assert final["exit_code"] == 0
    assert final["task"]["task_id"] == lines[0]["task_id"]
    assert final["task"]["status"] == names().status_success
    assert len(final["task"]["tracks"]) == 2
    assert {Path(item["path"]).name for item in final["downloads"]} == {path.name for path in out.iterdir()}


def test_extend_without_wait_prints_the_task_id_and_how_to_follow_it(mock_server: MockServer) -> None:
    result = invoke(*extend_args(mock_server.url), env=keyed())
    assert result.exit_code == 0
    task_id = result.stdout.strip().removeprefix("submitted task ")
    assert f"suno-api status {task_id} --wait --base-url {mock_server.url}" in result.stderr


def test_invalid_body_lists_every_violation_and_sends_nothing(mock_server: MockServer) -> None:
    """Every violation with its field, option and rule id; exit 1; the mock received no submit."""
    before = _submits(mock_server)
    result = invoke(
        "extend",
        "--base-url",
        mock_server.url,
        option(names().default_param_flag),
        option(names().model),
        str(undocumented_value("SunoModel")),
        option(names().style_weight),
        _off_grid(names().style_weight),
        option(names().upload_url),
        "not a url",
        env=keyed(),
    )
    assert result.exit_code == ExitCode.INVALID
    assert "nothing was sent" in result.stderr
    for expected in (
        _listed(names().callback_url, "schema.required"),
        _listed(names().model, "schema.enum"),
        _listed(names().style_weight, "schema.multipleOf"),
        _listed(names().upload_url, "schema.format"),
        _listed(names().style, "custom-mode-requires-style"),
        _listed(names().title, "custom-mode-requires-title"),
    ):
        assert expected in result.stderr
    assert _submits(mock_server) == before


def test_invalid_body_json_lists_the_violations(mock_server: MockServer) -> None:
    model = (option(names().model), names().model_v4_5)
    result = invoke("extend", "--base-url", mock_server.url, *model, "--json", env=keyed())
    assert result.exit_code == ExitCode.INVALID
    assert result_of(result.stdout)["ok"] is False
    error = failure(result.stdout)
    assert error["type"] == "ValidationError"
    rule_ids = {(item["field"], item["rule_id"]) for item in error["violations"]}
    assert (names().upload_url, "schema.required") in rule_ids
    assert (names().callback_url, "schema.required") in rule_ids


def test_validation_comes_before_the_api_key(mock_server: MockServer) -> None:
    """An invalid body is reported even without a key: nothing would be sent anyway."""
    result = invoke("extend", "--base-url", mock_server.url, option(names().model), names().model_v4_5)
    assert result.exit_code == ExitCode.INVALID


def test_body_file_merged_with_options_and_dry_run(mock_server: MockServer, tmp_path: Path) -> None:
    """Options override --body's fields; --dry-run prints the body and sends nothing."""
    body = tmp_path / "body.json"
    body.write_text(json.dumps(default_body({names().model: names().model_v4})), encoding="utf-8")
    before = _submits(mock_server)
    overrides = (option(names().model), names().model_v5, option(names().continue_at), "12.5")
    result = invoke("extend", "--body", str(body), *overrides, "--dry-run", "--json")
    assert result.exit_code == 0
    sent = result_of(result.stdout)["body"]
    assert sent == default_body({names().model: names().model_v5}, continue_at=12.5)
    assert _submits(mock_server) == before


def test_body_from_standard_input_and_prompt_from_a_file(mock_server: MockServer, tmp_path: Path) -> None:
    lyrics = tmp_path / "lyrics.txt"
    lyrics.write_text("[Verse]\nla la\n", encoding="utf-8")
    result = invoke(
        "extend", "--body", "-", "--prompt-file", str(lyrics), "--dry-run", input=json.dumps(default_body())
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)[names().prompt] == "[Verse]\nla la"


def test_body_file_that_is_not_json_is_invalid_input(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text("{not json", encoding="utf-8")
    result = invoke("extend", "--body", str(body), "--dry-run")
    assert result.exit_code == ExitCode.INVALID
    assert "is not JSON" in result.stderr


def test_integers_stay_integers(tmp_path: Path) -> None:
    result = invoke("extend", *body_options(), option(names().style_weight), "0.07", "--dry-run", "--json")
    sent = result_of(result.stdout)["body"]
    continue_at = default_body()[names().continue_at]
    assert isinstance(continue_at, int)
    assert sent[names().continue_at] == continue_at
    assert isinstance(sent[names().continue_at], int)
    assert sent[names().style_weight] == 0.07


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--overwrite",), "--overwrite only applies with --download"),
        (("--prompt", "x", "--prompt-file", "-"), "give --prompt or --prompt-file, not both"),
        (("--timeout", "0"), "--timeout"),
    ],
)
def test_usage_errors_exit_2(mock_server: MockServer, args: tuple[str, ...], message: str) -> None:
    result = invoke(*extend_args(mock_server.url, *args), env=keyed())
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr


def test_a_number_field_given_a_word_is_a_usage_error(mock_server: MockServer) -> None:
    result = invoke(*extend_args(mock_server.url, option(names().continue_at), "soon"), env=keyed())
    assert result.exit_code == ExitCode.USAGE
    assert "is not a number" in result.stderr


def test_no_api_key_is_a_usage_error(mock_server: MockServer) -> None:
    result = invoke(*extend_args(mock_server.url))
    assert result.exit_code == ExitCode.USAGE
    assert "no API key: set KIE_API_KEY, or pass --api-key-file" in result.stderr


def test_api_key_file(mock_server: MockServer, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(f"{KEY}\n", encoding="utf-8")
    result = invoke(*extend_args(mock_server.url, "--api-key-file", str(key_file)))
    assert result.exit_code == 0, result.output
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    assert invoke(*extend_args(mock_server.url, "--api-key-file", str(empty))).exit_code == ExitCode.USAGE


def test_wrong_api_key_is_an_api_error_and_never_printed(mock_server: MockServer) -> None:
    wrong = "sk-wrong-key-NEVER-PRINT-91ab"
    result = invoke(*extend_args(mock_server.url, "--debug", "--json"), env={"KIE_API_KEY": wrong})
    assert result.exit_code == ExitCode.API
    assert_no_secret(result.stdout, result.stderr, secret=wrong)
    assert failure(result.stdout)["code"] == 401


def test_plain_http_to_a_remote_host_is_refused() -> None:
    result = invoke(*extend_args("http://example.com"), env=keyed())
    assert result.exit_code == ExitCode.USAGE
    assert "refusing to send the API key over plain http" in result.stderr


def test_rejected_submit_is_an_api_error(mock_server: MockServer) -> None:
    mock_server.mock.arm_fault("402", route="submit")
    result = invoke(*extend_args(mock_server.url, "--json"), env=keyed())
    assert result.exit_code == ExitCode.API
    error = failure(result.stdout)
    assert (error["type"], error["code"]) == ("InsufficientCreditsError", 402)


def test_unreachable_service_is_an_api_error(tmp_path: Path) -> None:
    result = invoke(*extend_args(f"http://127.0.0.1:{free_port()}", "--max-retries", "0"), env=keyed())
    assert result.exit_code == ExitCode.API
    assert "the request was not sent" in result.stderr


def test_submit_with_unknown_outcome_exits_5_and_says_not_to_resubmit(mock_server: MockServer) -> None:
    """A 5xx on submit may have created a task: exit 5, never resent."""
    before = _submits(mock_server)
    mock_server.mock.arm_fault("500", route="submit")
    result = invoke(*extend_args(mock_server.url, "--json"), env=keyed())
    assert result.exit_code == ExitCode.UNKNOWN
    assert "do not resubmit blindly" in result.stderr
    assert failure(result.stdout)["type"] == "SubmitOutcomeUnknownError"
    assert _submits(mock_server) == before + 1


def test_failed_task_exits_4(mock_server: MockServer) -> None:
    status = member("status_generate_audio_failed")
    result = invoke(
        *extend_args(mock_server.url, option(names().prompt), f"[mock:{status}] more drums", "--wait", "--json"),
        env=keyed(),
    )
    assert result.exit_code == ExitCode.TASK_FAILED
    error = failure(result.stdout)
    assert error["status"] == status
    assert error["error_code"] == 501  # the code the mock gives a failed generation
    assert f"failed: status {status}" in result.stderr


def test_wait_timeout_exits_5_with_the_command_that_resumes(slow_mock: MockServer, tmp_path: Path) -> None:
    result = invoke(
        *extend_args(slow_mock.url, "--wait-timeout", "0.6", "--poll-interval", "0.5", "--download", str(tmp_path)),
        env=keyed(),
    )
    assert result.exit_code == ExitCode.UNKNOWN
    task_id = lines_of(result.stdout)[0].removeprefix("submitted task ")
    assert f"did not finish within 0.6 s (last status: {names().status_pending})" in result.stderr
    assert f"`suno-api status {task_id} --wait --base-url {slow_mock.url} --download {tmp_path}`" in result.stderr
    assert not list(tmp_path.iterdir())


def test_download_directory_problem_is_found_before_submitting(mock_server: MockServer, tmp_path: Path) -> None:
    """A --download path that cannot be a directory costs no credits."""
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x", encoding="utf-8")
    before = _submits(mock_server)
    result = invoke(*extend_args(mock_server.url, "--download", str(not_a_dir / "sub")), env=keyed())
    assert result.exit_code == ExitCode.USAGE
    assert "download directory" in result.stderr
    assert _submits(mock_server) == before


def test_task_id_is_flushed_at_once_and_ctrl_c_says_how_to_resume(slow_mock: MockServer, tmp_path: Path) -> None:
    """As a process: the first line arrives while the task runs; Ctrl+C exits 130 with the resume command."""
    process = start_process(*extend_args(slow_mock.url, "--wait"), cwd=tmp_path, env=process_env(KIE_API_KEY=KEY))
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # blocks until the CLI flushes it; the task is PENDING for a minute
        assert first.startswith("submitted task ")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=SLOW_STAGE_SECONDS / 2)
    finally:
        process.kill()
        process.wait()
    task_id = first.strip().removeprefix("submitted task ")
    assert process.returncode == ExitCode.INTERRUPTED
    assert f"interrupted; task {task_id} keeps running: resume with `suno-api status {task_id} --wait" in stderr
    assert "Traceback" not in stderr
    assert_no_secret(first, stdout, stderr)


def test_debug_shows_the_http_log_without_the_key(mock_server: MockServer) -> None:
    result = invoke(*extend_args(mock_server.url, "--wait", "--debug"), env=keyed())
    assert result.exit_code == 0
    assert "debug: HTTP request: POST" in result.stderr
    assert "'authorization': '[redacted]'" in result.stderr.lower()


# --- options are checked before anything is sent (issue 14, finding 3) ----------------------------------------


@pytest.fixture(scope="module")
def untouched_mock() -> Iterator[MockServer]:
    """A mock that must never receive a submit: every test using it is a usage error."""
    with MockServer(MockSettings(stage_seconds=0, api_keys=(KEY,))) as server:
        yield server
        assert _submits(server) == 0
        assert server.mock.requests == [] or all(request.route != "submit" for request in server.mock.requests)


@pytest.mark.parametrize(
    "args",
    [
        ("--wait", "--wait-timeout", "inf"),
        ("--wait", "--wait-timeout", "nan"),
        ("--wait", "--wait-timeout", "0"),
        ("--wait", "--poll-interval", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "nan"),
        ("--audio-duration", "nan"),
        ("--audio-duration", "inf"),
        ("--audio-duration", "-5"),
        ("--audio-duration", "0"),
    ],
    ids=" ".join,
)
def test_bad_numbers_are_usage_errors_before_anything_is_sent(
    untouched_mock: MockServer, args: tuple[str, ...]
) -> None:
    """nan and inf never mean "no limit" or "no check": exit 2, and the mock has no task."""
    result = invoke(*extend_args(untouched_mock.url, *args, "--json"), env=keyed())
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result_of(result.stdout)["ok"] is False
    assert _submits(untouched_mock) == 0


@pytest.mark.parametrize(("role", "value"), [("continue_at", "nan"), ("style_weight", "inf")])
def test_bad_numbers_in_field_options_are_usage_errors_before_anything_is_sent(
    untouched_mock: MockServer, role: str, value: str
) -> None:
    """A field's option takes no nan or inf either: exit 2, and the mock has no task."""
    result = invoke(*extend_args(untouched_mock.url, option(names().resolve(role)), value, "--json"), env=keyed())
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result_of(result.stdout)["ok"] is False
    assert _submits(untouched_mock) == 0


# --- --json never leaks a key, whatever characters it holds (issue 14, finding 2) ----------------------------

ODD_KEY = 'sk-"quoted"\\back\\slash/and-7f'


class _EchoingMock(MockApp):
    """Refuses every key and echoes it in the message, as a careless server might."""

    def authenticate(self, request: Any) -> str | None:
        value = request.headers.get("authorization", "")
        raise MockError(401, f"token {value.removeprefix('Bearer ')} is not valid")


@pytest.mark.parametrize("key", [ODD_KEY, 'sk-only"quote-1a2b', "sk-only\\backslash-3c4d"])
def test_json_output_never_holds_the_key_in_any_encoding(key: str) -> None:
    with MockServer(mock=_EchoingMock(MockSettings(stage_seconds=0))) as server:
        result = invoke(*extend_args(server.url, "--json"), env={"KIE_API_KEY": key})
    assert result.exit_code == ExitCode.API, result.output
    encoded = {key, json.dumps(key)[1:-1], json.dumps(key, ensure_ascii=False)[1:-1]}
    for text in (result.stdout, result.stderr):
        for form in encoded:
            assert form not in text
    error = failure(result.stdout)
    assert key not in json.dumps(error, ensure_ascii=False)
    assert "[REDACTED]" in error["message"] or "redacted" in error["message"].lower()


def test_every_request_field_has_exactly_one_option() -> None:
    """A regenerated spec that adds or renames a field cannot leave extend without (or with a stale) option."""
    properties = set(schema(REQUEST_SCHEMA)["properties"])
    assert {field.field for field in fields()} == properties
    assert len({field.option for field in fields()}) == len(fields())


def test_every_field_help_entry_names_a_request_field() -> None:
    """An x-field-help entry left behind by a rename would describe nothing: the overlay must move it."""
    request = schema(REQUEST_SCHEMA)
    assert set(request["x-field-help"]) <= set(request["properties"])


def test_option_help_states_the_schemas_bounds_steps_lists_and_limits() -> None:
    """Required-ness, ranges, steps, enum values and the upload limit in --help are the schema's, not literals."""
    request = schema(REQUEST_SCHEMA)
    by_field = {field.field: field for field in fields()}
    for name, field in by_field.items():
        assert "{" not in field.help, name
        assert field.help.endswith("Required.") == (name in request["required"]), name
        node = request["properties"][name]
        if "multipleOf" in node:
            assert f"{number(node['minimum'])} to {number(node['maximum'])}" in field.help
            assert f"steps of {number(node['multipleOf'])}" in field.help
            assert field.metavar == f"{number(node['minimum'])}..{number(node['maximum'])}"
    for rule in rules():
        if rule.models and "maxLength" in rule.schema["then"]["properties"][rule.field]:
            limit = rule.schema["then"]["properties"][rule.field]["maxLength"]
            assert f"{limit} ({', '.join(rule.models)})" in by_field[rule.field].help
    for audio_rule in request["x-audio-rules"]:
        if "x-max-duration-seconds" in audio_rule:
            words = words_for_seconds(audio_rule["x-max-duration-seconds"])
            assert f"at most {words}" in by_field[audio_rule["x-rule-field"]].help
    text = " ".join(invoke("extend", "--help").stdout.split())
    assert "{" not in text
    for field in fields():
        assert " ".join(field.help.split()) in text


def test_option_help_follows_a_changed_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Finer and wider weights, a new model, a longer upload limit: the options' help says so, with no edit."""

    def command() -> None:
        """A command with the extend field options."""

    with changed_spec(monkeypatch, tmp_path, upstream_change) as document:
        text = CliRunner().invoke(click.command()(field_options(command)), ["--help"], terminal_width=200).stdout
    request = document["components"]["schemas"][REQUEST_SCHEMA]
    weights = {name: node for name, node in request["properties"].items() if "multipleOf" in node}
    assert weights
    ranges = {
        name: f"{number(node['minimum'])} to {number(node['maximum'])} in steps of {number(node['multipleOf'])}."
        for name, node in weights.items()
    }
    style = weights[names().style_weight]
    assert f"{option(names().style_weight)} {number(style['minimum'])}..{number(style['maximum'])}" in text
    for phrase in set(ranges.values()):
        assert text.count(phrase) == list(ranges.values()).count(phrase)  # each weight
    assert f", {NEW_MODEL}. Required." in text  # the model option lists it
    durations = [
        item["x-max-duration-seconds"] for item in request["x-audio-rules"] if "x-max-duration-seconds" in item
    ]
    assert all(f"at most {words_for_seconds(seconds)} long" in text for seconds in durations)
    limited = {rule.field for rule in rules() if rule.models}  # prompt, style and title
    assert text.count(f", {NEW_MODEL})") == len(limited)  # the per-model limits of each
    installed = {field.field: field.help for field in fields()}  # the installed spec again
    assert all(phrase not in installed[name] for name, phrase in ranges.items())
    assert NEW_MODEL not in invoke("extend", "--help").stdout


def test_a_new_field_gets_an_option_from_its_schema_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A property the overlays do not describe: option, type, range and upstream's first sentence as help."""

    def add_tempo(document: dict[str, Any]) -> None:
        request = document["components"]["schemas"][REQUEST_SCHEMA]
        request["properties"]["songTempo"] = {
            "type": "integer",
            "minimum": 40,
            "maximum": 240,
            "description": "Beats per minute, as in {bpm}. Optional.",
        }

    with changed_spec(monkeypatch, tmp_path, add_tempo):
        (tempo,) = [field for field in fields() if field.field == "songTempo"]
    assert (tempo.option, tempo.metavar, tempo.help) == ("--song-tempo", "40..240", "Beats per minute, as in {bpm}.")
    assert not tempo.required
