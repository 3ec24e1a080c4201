"""Typed errors: one class per documented code, the same class whichever style the service answers in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from suno_api import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    GenerationRefusedError,
    InsufficientCreditsError,
    MaintenanceError,
    NotFoundError,
    RateLimitError,
    RequestRejectedError,
    ResponseDecodeError,
    ServerError,
    SourceAudioFetchError,
    SubmitOutcomeUnknownError,
    SunoClient,
    SunoError,
    TaskFailedError,
    TransportError,
    UnknownAPIError,
    ValidationError,
    WaitTimeoutError,
    WebhookVerificationError,
    error_class_for_code,
    error_from_response,
)
from suno_api.spec import enum_values, names
from tests.bodies import field
from tests.client.client_support import Recorder, envelope, respond
from tests.spec_support import present

CLASS_BY_ROLE: dict[str, type[APIError]] = {
    "code_unauthorized": AuthenticationError,
    "code_insufficient_credits": InsufficientCreditsError,
    "code_not_found": NotFoundError,
    "code_conflict": ConflictError,
    "code_validation_error": RequestRejectedError,
    "code_rate_limited": RateLimitError,
    "code_fetch_failed": SourceAudioFetchError,
    "code_maintenance": MaintenanceError,
    "code_server_error": ServerError,
}
"""The class of each documented code, by its names() role (the spec numbers them; upstream may renumber one)."""
# The codes upstream still documents; one it dropped has no class of its own any more.
DOCUMENTED = {int(code): error_class for role, error_class in CLASS_BY_ROLE.items() for code in present(role)}
# Codes seen in the wild (spec/UPSTREAM.md section 4) and other statuses: the refusals upstream documents outside
# the enum have their classes (spec/ERRATA.md E-17); other 5xx are server errors, the rest unknown.
UNDOCUMENTED = {
    400: UnknownAPIError,
    405: UnknownAPIError,
    413: UnknownAPIError,
    430: RateLimitError,
    418: UnknownAPIError,
    501: GenerationRefusedError,
    502: ServerError,
    503: ServerError,
    505: GenerationRefusedError,
    **dict.fromkeys(range(531, 538), GenerationRefusedError),
}
ALL_CODES = {**UNDOCUMENTED, **DOCUMENTED}


def styles(code: int) -> dict[str, tuple[int, Any]]:
    """The ways upstream (or a proxy in front of it) can say ``code``: (HTTP status, body)."""
    return {
        "envelope in HTTP 200": (200, envelope(code, "went wrong")),
        "code as a string in HTTP 200": (200, envelope(str(code), "went wrong")),
        "HTTP status and envelope": (code, envelope(code, "went wrong")),
        "HTTP status, envelope without msg or data": (code, {"code": code}),
        "HTTP status, no envelope": (code, b"<html>Bad Gateway</html>"),
        "HTTP status, empty body": (code, b""),
    }


CASES = [(code, way) for code in ALL_CODES for way in styles(code)]


@pytest.mark.parametrize(("code", "way"), CASES)
def test_both_error_styles_map_to_the_same_class(code: int, way: str, make_client: Callable[..., SunoClient]) -> None:
    """Through the client: the class, code and HTTP status do not depend on how the error was sent."""
    http_status, body = styles(code)[way]
    client = make_client(Recorder(respond(body, status=http_status)), max_retries=0)
    with pytest.raises(APIError) as raised:
        client.get_record("task-1")
    error = raised.value
    assert type(error) is ALL_CODES[code]
    assert (error.code, error.http_status, error.task_id) == (code, http_status, "task-1")
    assert error.message
    assert str(code) in str(error)


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_error_from_response_is_the_one_mapping(code: int) -> None:
    for http_status, body in styles(code).values():
        decoded = None if isinstance(body, bytes) else body
        error = error_from_response(http_status, decoded, task_id="t", retry_after=3)
        assert type(error) is ALL_CODES[code] is error_class_for_code(code)
        assert error is not None
        assert error.retry_after == 3


@pytest.mark.parametrize(
    ("http_status", "body"),
    [(200, envelope()), (200, envelope("200")), (200, {"code": 200.0, "msg": "ok"}), (201, envelope()), (200, {})],
)
def test_success_is_no_error(http_status: int, body: Any) -> None:
    assert error_from_response(http_status, body) is None


def test_an_error_code_in_the_envelope_wins_over_the_http_status() -> None:
    """A 503 from a gateway carrying the service's 455 envelope is maintenance, the more specific answer."""
    assert type(error_from_response(503, envelope(names().code("code_maintenance"), "maintenance"))) is MaintenanceError


def test_an_http_error_wins_over_an_envelope_claiming_success() -> None:
    assert type(error_from_response(500, envelope(200, "success"))) is ServerError


def test_unknown_codes_keep_the_code_and_the_message() -> None:
    # a 4xx the spec does not list (and ERRATA gives no class): today 400
    documented = set(enum_values("ApiCode"))
    code = next(c for c in range(400, 500) if c not in documented and error_class_for_code(c) is UnknownAPIError)
    error = error_from_response(200, envelope(code, "matches an existing work"))
    assert isinstance(error, UnknownAPIError)
    assert (error.code, error.message) == (code, "matches an existing work")


def test_messages_carry_a_hint_where_the_user_can_act() -> None:
    auth = error_from_response(200, envelope(names().code("code_unauthorized"), "Unauthorized"))
    assert "KIE_API_KEY" in str(auth)
    fetch = error_from_response(200, envelope(names().code("code_fetch_failed"), "Failed to fetch the image"))
    assert field("upload_url") in str(fetch)


def test_the_tree_subclasses_the_builtins_callers_catch() -> None:
    assert issubclass(ValidationError, ValueError)
    assert issubclass(ConfigurationError, ValueError)
    assert issubclass(ResponseDecodeError, ValueError)
    assert issubclass(WebhookVerificationError, ValueError)
    assert issubclass(APITimeoutError, TimeoutError)
    assert issubclass(WaitTimeoutError, TimeoutError)
    assert issubclass(APIConnectionError, ConnectionError)
    for error_class in (*ALL_CODES.values(), UnknownAPIError):
        assert issubclass(error_class, APIError)
    for error_class in (APITimeoutError, APIConnectionError):
        assert issubclass(error_class, TransportError)
    for error_class in (
        APIError,
        TransportError,
        SubmitOutcomeUnknownError,
        TaskFailedError,
        WaitTimeoutError,
        ResponseDecodeError,
        WebhookVerificationError,
        ValidationError,
        ConfigurationError,
    ):
        assert issubclass(error_class, SunoError)


def test_the_error_tree_in_the_docstring_names_every_class() -> None:
    """The tree drawn in _errors.py stays in sync with the classes."""
    import suno_api._errors as errors_module  # noqa: PLC0415 - the module itself is the subject here

    drawn = errors_module.__doc__ or ""
    for name, value in vars(errors_module).items():
        if isinstance(value, type) and issubclass(value, SunoError):
            assert name in drawn, f"{name} is missing from the tree in _errors.py"
