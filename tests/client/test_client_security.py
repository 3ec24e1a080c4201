"""Configuration and the token: from the constructor or the environment, HTTPS only, never shown anywhere."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import httpx
import pytest

from suno_api import (
    APIError,
    AsyncSunoClient,
    ConfigurationError,
    SubmitOutcomeUnknownError,
    SunoClient,
    SunoError,
    TaskFailedError,
    TransportError,
)
from suno_api._spec import default_base_url
from suno_api.spec import names
from tests.bodies import custom_body
from tests.client.client_support import TOKEN, Recorder, code, envelope, record, respond
from tests.spec_support import present


def _failed(message: str) -> dict[str, object]:
    """The record of a task that failed with ``message``, under a failure status upstream still lists."""
    spec_names = names()
    status = present("status_generate_audio_failed", "status_create_task_failed", "status_callback_exception")[0]
    return record(status, extra={spec_names.record_error_message: message})


def never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request to {request.url}")


# --- configuration ---------------------------------------------------------------------------------------------


def test_api_key_comes_from_the_argument_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder(respond(record()))
    monkeypatch.setenv("KIE_API_KEY", "sk-from-env")
    with SunoClient(transport=httpx.MockTransport(recorder)) as client:
        client.get_record("task-1")
    with SunoClient(api_key="sk-from-arg", transport=httpx.MockTransport(recorder)) as client:
        client.get_record("task-1")
    assert [r.headers["Authorization"] for r in recorder.requests] == ["Bearer sk-from-env", "Bearer sk-from-arg"]


def test_no_api_key_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"pass api_key=\.\.\. or set the KIE_API_KEY environment variable"):
        SunoClient()
    with pytest.raises(ConfigurationError, match="KIE_API_KEY"):
        AsyncSunoClient(api_key="   ")


def test_a_key_with_control_characters_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigurationError) as raised:
        SunoClient(api_key="sk-abc\ndef")
    assert "sk-abc" not in str(raised.value)


def test_a_trailing_newline_from_a_key_file_is_stripped(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder(respond(record()))
    monkeypatch.setenv("KIE_API_KEY", TOKEN + "\n")
    with SunoClient(transport=httpx.MockTransport(recorder)) as client:
        client.get_record("task-1")
    assert recorder.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_base_url_comes_from_the_argument_then_the_environment_then_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SunoClient(api_key=TOKEN).base_url == default_base_url() == "https://api.kie.ai"
    monkeypatch.setenv("KIE_BASE_URL", "https://sandbox.example")
    assert SunoClient(api_key=TOKEN).base_url == "https://sandbox.example"
    assert SunoClient(api_key=TOKEN, base_url="https://other.example/").base_url == "https://other.example/"


def test_requests_go_to_the_configured_base_url_with_a_path_prefix() -> None:
    recorder = Recorder(respond(record(task_id="t 1")))
    with SunoClient(api_key=TOKEN, base_url="https://proxy.example/kie/", transport=httpx.MockTransport(recorder)) as c:
        c.get_record("t 1")
    (sent,) = recorder.requests
    spec_names = names()
    assert str(sent.url) == f"https://proxy.example/kie{spec_names.record_info_path}?{spec_names.task_id_param}=t+1"


def test_the_environment_is_read_when_a_client_is_built_not_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_KEY", "sk-late")
    assert SunoClient().base_url == "https://api.kie.ai"


# --- HTTPS only, except loopback ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://api.kie.ai", "http://10.0.0.5:8000", "http://128.0.0.1", "http://localhost.evil.example", "http://[::2]"],
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="refusing to send the API key over plain http") as raised:
        SunoClient(api_key=TOKEN, base_url=url)
    assert TOKEN not in str(raised.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://127.5.6.7", "http://[::1]:9000", "http://localhost:8000", "https://x.test"]
)
def test_plain_http_to_loopback_and_https_anywhere_are_allowed(url: str) -> None:
    recorder = Recorder(respond(record()))
    with SunoClient(api_key=TOKEN, base_url=url, transport=httpx.MockTransport(recorder)) as client:
        client.get_record("task-1")
    assert recorder.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("url", ["ftp://api.kie.ai", "api.kie.ai", "https://user:pw@api.kie.ai", "https://x.test/?a=1"])
def test_unusable_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError):
        SunoClient(api_key=TOKEN, base_url=url)


def test_with_options_cannot_downgrade_to_plain_http(make_client: Callable[..., SunoClient]) -> None:
    client = make_client(never_called)
    with pytest.raises(ConfigurationError, match="plain http"):
        client.with_options(base_url="http://api.kie.ai")


def test_redirects_are_not_followed(make_client: Callable[..., SunoClient]) -> None:
    """A redirect could take the token to another host or to plain http."""
    recorder = Recorder(httpx.Response(302, headers={"Location": "http://evil.example/steal"}))
    with pytest.raises(APIError) as raised:
        make_client(recorder, max_retries=0).get_record("task-1")
    assert raised.value.http_status == 302
    assert recorder.count == 1


# --- timeouts --------------------------------------------------------------------------------------------------


def test_the_default_timeout_is_finite_and_sent_with_every_request(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(record()))
    client = make_client(recorder)
    client.get_record("task-1")
    timeout = recorder.requests[0].extensions["timeout"]
    assert timeout == {"connect": 10.0, "read": 30.0, "write": 30.0, "pool": 30.0}


@pytest.mark.parametrize("timeout", [None, 0, -1, float("inf"), httpx.Timeout(None), httpx.Timeout(5, read=None)])
def test_infinite_or_non_positive_timeouts_are_refused(timeout: object) -> None:
    with pytest.raises(ConfigurationError, match="never infinite"):
        SunoClient(api_key=TOKEN, timeout=timeout)  # type: ignore[arg-type]


def test_with_options_changes_the_timeout_of_one_call_only(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(record()))
    client = make_client(recorder)
    client.with_options(timeout=120).get_record("task-1")
    client.get_record("task-1")
    assert [r.extensions["timeout"]["read"] for r in recorder.requests] == [120, 30.0]


def test_with_options_copies_share_the_pool_and_only_the_owner_closes_it() -> None:
    recorder = Recorder(respond(record()))
    client = SunoClient(api_key=TOKEN, transport=httpx.MockTransport(recorder))
    copy = client.with_options(max_retries=5, retry_submit=True, api_key="sk-other")
    assert (copy.max_retries, copy.retry_submit, client.max_retries, client.retry_submit) == (5, True, 2, False)
    copy.get_record("task-1")
    copy.close()
    client.get_record("task-1")
    assert [r.headers["Authorization"] for r in recorder.requests] == ["Bearer sk-other", f"Bearer {TOKEN}"]
    client.close()
    with pytest.raises(ConfigurationError, match="closed"):
        copy.get_record("task-1")


def test_a_read_timeout_is_a_typed_timeout_error(make_client: Callable[..., SunoClient]) -> None:
    with pytest.raises(TimeoutError):
        make_client(Recorder(httpx.ReadTimeout("timed out")), max_retries=0).get_record("task-1")


# --- the token never shows -------------------------------------------------------------------------------------


def test_the_token_is_not_in_any_repr() -> None:
    client = SunoClient(api_key=TOKEN, webhook_secret="whsec-123", transport=httpx.MockTransport(never_called))
    copy = client.with_options(timeout=5)
    shown = " ".join(
        [
            repr(client),
            str(client),
            repr(copy),
            repr(client._connection),
            repr(client._connection.api),
            repr(client._settings),
        ]
    )
    assert TOKEN not in shown
    assert "whsec-123" not in shown
    assert "[redacted]" in repr(client)


def _scenario_errors(make_client: Callable[..., SunoClient]) -> list[BaseException]:
    """Provoke every kind of failure, with a server that echoes the token back wherever it can."""

    def echo(request: httpx.Request) -> httpx.Response:
        auth = request.headers["Authorization"]
        return respond(envelope(code("code_unauthorized"), f"bad token {auth}"), status=401, headers={"X-Echo": auth})

    def echo_garbage(request: httpx.Request) -> httpx.Response:
        return respond(f"<html>{request.headers['Authorization']}</html>".encode())

    scenarios: list[Callable[[], object]] = [
        lambda: make_client(Recorder(echo)).get_record("task-1"),
        lambda: make_client(Recorder(echo_garbage)).submit(custom_body()),
        lambda: make_client(Recorder(echo_garbage)).get_record("task-1"),
        lambda: make_client(Recorder(httpx.ReadTimeout(f"slow {TOKEN}"))).submit(custom_body()),
        lambda: make_client(Recorder(httpx.ConnectError(f"refused {TOKEN}"))).get_record("task-1"),
        lambda: make_client(Recorder(respond(_failed(TOKEN)))).wait("task-1"),
    ]
    errors: list[BaseException] = []
    for scenario in scenarios:
        with pytest.raises(SunoError) as raised:
            scenario()
        errors.append(raised.value)
    return errors


def test_the_token_is_not_in_any_exception_or_log_line(
    make_client: Callable[..., SunoClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = _scenario_errors(make_client)
    assert {type(error).__name__ for error in errors} >= {
        "AuthenticationError",
        "SubmitOutcomeUnknownError",
        "ResponseDecodeError",
        "APIConnectionError",
    }
    assert any(isinstance(error, SubmitOutcomeUnknownError) for error in errors)
    assert any(isinstance(error, TransportError) for error in errors)
    for error in errors:
        text = "".join(traceback.format_exception(error))
        assert TOKEN not in text, text
        assert TOKEN not in repr(error)
        # `record` is the record exactly as received (data is never altered); everything else is redacted.
        assert TOKEN not in repr({name: value for name, value in vars(error).items() if name != "record"})
    assert caplog.records, "the scenarios should have logged"
    for log_record in caplog.records:
        assert TOKEN not in log_record.getMessage()
    assert TOKEN not in caplog.text
    assert any("[redacted]" in r.getMessage() for r in caplog.records if r.name == "suno_api")


def test_a_record_echoing_the_token_is_kept_as_sent_and_only_messages_are_redacted(
    make_client: Callable[..., SunoClient],
) -> None:
    """Data is never rewritten: the record keeps what the service sent; the failure's message hides the key."""
    leaky = respond(_failed(f"your key is {TOKEN}"))
    client = make_client(Recorder(leaky))
    assert client.get_record("task-1").error_message_value == f"your key is {TOKEN}"
    with pytest.raises(TaskFailedError) as raised:
        client.wait("task-1")
    assert TOKEN not in str(raised.value)
    assert raised.value.error_message == "your key is [REDACTED]"


def test_requests_are_logged_with_the_authorization_header_redacted(
    make_client: Callable[..., SunoClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="suno_api")
    make_client(Recorder(respond(record(names().status_success)))).get_record("task-1")
    (request_line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("HTTP request")]
    assert "'authorization': '[redacted]'" in request_line
    assert f"{names().record_info_path}?{names().task_id_param}=task-1" in request_line
