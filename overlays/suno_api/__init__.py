"""A client for the kie.ai Suno "Upload and Extend Audio" API you can trust.

Built on the generated package ``suno_api_client``; adds what it lacks: every rule checked before anything is
sent, typed errors for every answer, retries that never submit twice, tolerant decoding of what the service
really sends, ``wait()``, and callback verification. Everything public is importable from here::

    from suno_api import SunoClient

    with SunoClient() as client:  # KIE_API_KEY from the environment
        record = client.extend(body, on_progress=lambda r: print(r.status_name))
        for track in record.tracks:
            print(track.audio_url)
"""

import typing as _typing

from suno_api._callbacks import CallbackEvent, CallbackShape, parse_callback
from suno_api._client import AsyncSunoClient, PollSchedule, SunoClient
from suno_api._errors import (
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
    SunoError,
    TaskFailedError,
    TransportError,
    UnknownAPIError,
    ValidationError,
    Violation,
    WaitTimeoutError,
    WebhookVerificationError,
    error_class_for_code,
    error_from_response,
)
from suno_api._records import TaskRecord, parse_record_info
from suno_api._redaction import excerpt, redact
from suno_api._signature import compute_signature
from suno_api._urls import is_loopback_host
from suno_api._validation import find_violations, read_audio_duration, validate_upload_extend
from suno_api._webhooks import verify_webhook, webhook_asgi_app
from suno_api_client.models import (
    CallbackTrack,
    CallbackType,
    RecordTrack,
    SunoModel,
    TaskStatus,
    UploadExtendRequest,
    VocalGender,
)

if _typing.TYPE_CHECKING:
    from suno_api._download import DownloadError

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncSunoClient",
    "AuthenticationError",
    "CallbackEvent",
    "CallbackShape",
    "CallbackTrack",
    "CallbackType",
    "ConfigurationError",
    "ConflictError",
    "DownloadError",
    "GenerationRefusedError",
    "InsufficientCreditsError",
    "MaintenanceError",
    "NotFoundError",
    "PollSchedule",
    "RateLimitError",
    "RecordTrack",
    "RequestRejectedError",
    "ResponseDecodeError",
    "ServerError",
    "SourceAudioFetchError",
    "SubmitOutcomeUnknownError",
    "SunoClient",
    "SunoError",
    "SunoModel",
    "TaskFailedError",
    "TaskRecord",
    "TaskStatus",
    "TransportError",
    "UnknownAPIError",
    "UploadExtendRequest",
    "ValidationError",
    "Violation",
    "VocalGender",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "compute_signature",
    "error_class_for_code",
    "error_from_response",
    "excerpt",
    "find_violations",
    "is_loopback_host",
    "parse_callback",
    "parse_record_info",
    "read_audio_duration",
    "redact",
    "validate_upload_extend",
    "verify_webhook",
    "webhook_asgi_app",
]


_DISTRIBUTION = "suno-upload-extend"
# Loaded on first access, to keep `import suno_api` cheap: most programs never download (the module pulls in
# tempfile and shutil) and never ask for the version (importlib.metadata costs more than our own modules).
_LAZY = ("DownloadError", "__version__")


def __getattr__(name: str) -> _typing.Any:
    if name == "DownloadError":
        from suno_api._download import DownloadError  # noqa: PLC0415 - deferred on purpose, see _LAZY

        globals()[name] = DownloadError
        return DownloadError
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - deferred on purpose

        try:
            found = version(_DISTRIBUTION)
        except PackageNotFoundError:  # running from a checkout that was never installed
            found = "0+unknown"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
