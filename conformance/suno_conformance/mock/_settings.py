"""Settings of the mock: constructor arguments first, then ``SUNO_MOCK_*`` environment variables.

Nothing is read at import time. ``MockSettings(...)`` never looks at the environment;
``MockSettings.from_env(**overrides)`` reads it once, and explicit overrides win over it.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

import attrs

from suno_api import is_loopback_host
from suno_conformance._setting import Setting, SettingKind
from suno_conformance.mock._faults import parse_fault
from suno_conformance.mock._outcomes import OUTCOMES

ErrorStyle = Literal["upstream", "status"]
ENV_PREFIX = "SUNO_MOCK_"
DEFAULT_API_KEY = "mock-api-key"
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_UNLIMITED = frozenset({"", "none", "unlimited", "off"})


def _tuple_of_keys(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    keys = tuple(value)
    if not all(isinstance(key, str) for key in keys):
        raise ValueError(f"'api_keys' must be strings, got {keys!r}")
    return keys


def _stage_seconds(value: float | str | Iterable[float]) -> tuple[float, float, float]:
    if isinstance(value, str):
        parts = [float(part) for part in value.split(",") if part.strip()]
    elif isinstance(value, int | float):
        parts = [float(value)]
    else:
        parts = [float(part) for part in value]
    if len(parts) == 1:
        parts *= 3
    if len(parts) != 3:
        raise ValueError(
            f"'stage_seconds' must be one number or three (before the lyrics, the first track, the rest), got {value!r}"
        )
    return parts[0], parts[1], parts[2]


def _check_loopback(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not is_loopback_host(value):
        raise ValueError(
            f"'{attribute.name}' must be a loopback address (127.0.0.1, ::1 or localhost), got {value!r}:"
            " the mock accepts well-known keys and must not be reachable from other machines"
        )


def _check_port(_: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if not 0 <= value <= 65535:
        raise ValueError(
            f"'{attribute.name}' must be a port number between 0 (pick a free one) and 65535, got {value!r}"
        )


def _check_keys(_: Any, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]) -> None:
    if not value or not all(key and key.strip() == key and " " not in key for key in value):
        raise ValueError(f"'{attribute.name}' must be one or more non-empty tokens without spaces, got {value!r}")


def _check_non_negative(_: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise ValueError(f"'{attribute.name}' must be a finite number >= 0, got {value!r}")


def _check_positive(_: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and (not math.isfinite(value) or value <= 0):
        raise ValueError(f"'{attribute.name}' must be a finite number > 0, got {value!r}")


def _check_stages(
    _: Any, attribute: attrs.Attribute[tuple[float, float, float]], value: tuple[float, float, float]
) -> None:
    if not all(math.isfinite(part) and part >= 0 for part in value):
        raise ValueError(f"'{attribute.name}' must hold three finite numbers >= 0, got {value!r}")


def _plain_success() -> str:
    """Return the outcome of tasks that request none: the plain success, the first of ``OUTCOMES``."""
    return next(iter(OUTCOMES), "")


def _check_outcome(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in OUTCOMES:
        raise ValueError(f"'{attribute.name}' must be one of {', '.join(OUTCOMES)}, got {value!r}")


def _check_fault(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        parse_fault(value)
    except ValueError as exc:
        raise ValueError(f"'{attribute.name}' is not a fault spec: {exc}") from exc


@attrs.frozen(kw_only=True)
class MockSettings:
    """Everything that configures one mock; immutable, so two mocks never share state through it.

    Build it from arguments (``MockSettings(credits=3)``), from the environment (``MockSettings.from_env()``),
    or from another one (``settings.evolve(error_style="status")``). Each field reads ``SUNO_MOCK_<FIELD>``
    in ``from_env`` (``rate_limit`` reads ``SUNO_MOCK_RATE_LIMIT``).

    Attributes:
        host: Loopback address to listen on.
        port: Port to listen on; 0 picks a free one.
        api_keys: Accepted bearer tokens; ``"*"`` accepts any non-empty token.
        error_style: ``"upstream"`` answers errors with HTTP 200 and the code in the envelope, as kie.ai does;
            ``"status"`` also uses the code as the HTTP status. The body is the same in both.
        seed: Seed of the task ids and tracks; ``None`` picks one at random per mock.
        stage_seconds: Seconds a task spends in PENDING, TEXT_SUCCESS and FIRST_SUCCESS (0 = instant).
        default_outcome: Outcome of tasks that request none (see ``OUTCOMES``).
        credits: Starting balance; ``None`` is unlimited. A submit that costs more than what is left gets 402.
        credits_per_task: What a submit costs.
        rate_limit: Requests per second allowed per API key (token bucket); ``None`` is unlimited.
        rate_burst: Bucket size; ``None`` means ``ceil(rate_limit)``.
        maintenance: Start in maintenance mode: every API request gets 455.
        fault: A fault spec applied to every API request (same syntax as the ``X-Mock-Fault`` header).
        webhook_key: Key that signs callbacks (``X-Webhook-Signature``); ``None`` sends them unsigned.
        send_callbacks: Whether to POST callbacks at all.
        callback_timeout: Seconds to wait for a callback receiver (upstream waits 15).
        callback_retries: Further attempts after a failed callback delivery.
        callback_backoff: Seconds before the first retry; doubles at each retry.
        log_level: uvicorn log level when served; ``info`` and below also log every request.
        max_body_bytes: Largest request body accepted; a larger one answers HTTP 413.
        body_timeout: Seconds a request body may take to arrive once its headers are in; then HTTP 408.
        header_timeout: Seconds a connection may take to send complete request headers; then it is closed.
        max_connections: Connections and requests served at once; beyond it uvicorn answers HTTP 503.
    """

    host: str = attrs.field(default="127.0.0.1", validator=_check_loopback)
    port: int = attrs.field(default=0, converter=int, validator=_check_port)
    api_keys: tuple[str, ...] = attrs.field(default=(DEFAULT_API_KEY,), converter=_tuple_of_keys, validator=_check_keys)
    error_style: ErrorStyle = attrs.field(default="upstream", validator=attrs.validators.in_(("upstream", "status")))
    seed: int | None = attrs.field(default=None)
    stage_seconds: tuple[float, float, float] = attrs.field(
        default=(2.0, 2.0, 2.0), converter=_stage_seconds, validator=_check_stages
    )
    default_outcome: str = attrs.field(factory=_plain_success, validator=_check_outcome)
    credits: float | None = attrs.field(default=None, validator=_check_non_negative)
    credits_per_task: float = attrs.field(default=1.0, validator=_check_non_negative)
    rate_limit: float | None = attrs.field(default=None, validator=_check_positive)
    rate_burst: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.ge(1)))
    maintenance: bool = False
    fault: str = attrs.field(default="", validator=_check_fault)
    webhook_key: str | None = None
    send_callbacks: bool = True
    callback_timeout: float = attrs.field(default=15.0, validator=_check_positive)
    callback_retries: int = attrs.field(default=2, validator=[attrs.validators.ge(0), attrs.validators.le(10)])
    callback_backoff: float = attrs.field(default=0.5, validator=_check_non_negative)
    log_level: str = attrs.field(default="warning", validator=attrs.validators.in_(_LOG_LEVELS))
    max_body_bytes: int = attrs.field(default=1_048_576, converter=int, validator=attrs.validators.ge(1))
    body_timeout: float = attrs.field(default=10.0, validator=_check_positive)
    header_timeout: float = attrs.field(default=10.0, validator=_check_positive)
    max_connections: int = attrs.field(default=1000, converter=int, validator=attrs.validators.ge(1))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> MockSettings:
        """Build settings from ``SUNO_MOCK_*`` variables; keyword ``overrides`` win over the environment.

        Args:
            environ: The variables to read; ``os.environ`` when omitted.
            **overrides: Field values that take precedence over the environment.

        Raises:
            ValueError: a variable holds a value its field does not accept, naming the variable.
        """
        source = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in MOCK_SETTINGS:
            raw = None if setting.env is None else source.get(setting.env)
            if raw is None or setting.name in overrides:
                continue
            try:
                values[setting.name] = _parse(setting, raw.strip())
            except ValueError as exc:
                raise ValueError(f"{setting.env}={raw!r} is not valid: {exc}") from exc
        values.update(overrides)
        try:
            return cls(**values)
        except ValueError as exc:
            culprits = [env_var(name) for name in values if name not in overrides and f"'{name}'" in str(exc)]
            where = f" (from {', '.join(culprits)})" if culprits else ""
            raise ValueError(f"{exc}{where}") from exc

    def evolve(self, **changes: Any) -> MockSettings:
        """Return a copy with ``changes`` applied (validated like the constructor)."""
        return attrs.evolve(self, **changes)


def env_var(field_name: str) -> str:
    """Return the environment variable that sets ``field_name`` (``rate_limit`` -> ``SUNO_MOCK_RATE_LIMIT``)."""
    return ENV_PREFIX + field_name.upper()


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected one of 1/0, true/false, yes/no, on/off")


def _parse(setting: Setting, raw: str) -> Any:
    """Read the text of a variable as ``setting``'s kind; a field whose default is ``None`` reads
    ``unlimited``/``none``/``off``/empty as ``None``."""
    if _OPTIONAL[setting.name] and raw.lower() in _UNLIMITED:
        return None
    kind = setting.kind
    if kind == "choice":
        # Variables are matched without regard to case (``STATUS``, ``generate_audio_failed``).
        return next((choice for choice in setting.choices if choice.lower() == raw.lower()), raw)
    if kind == "list":
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return _READERS.get(kind, str)(raw)


_READERS: dict[str, Callable[[str], Any]] = {"int": int, "float": float, "bool": _boolean}


def _setting(name: str, kind: SettingKind, help: str, default: str, choices: tuple[str, ...] = ()) -> Setting:
    return Setting(name, env_var(name), kind, help, default, choices)


@functools.cache
def mock_settings() -> tuple[Setting, ...]:
    """Return every setting of the mock, built on first use: ``default_outcome``'s choices read the spec."""
    return (
        _setting("host", "str", "Loopback address to listen on (127.0.0.1, ::1 or localhost).", "127.0.0.1"),
        _setting("port", "int", "Port to listen on; 0 picks a free one.", "0"),
        _setting("api_keys", "list", "Accepted bearer tokens, comma-separated; * accepts any token.", DEFAULT_API_KEY),
        _setting(
            "error_style",
            "choice",
            "upstream: errors answer HTTP 200 with the code in the envelope, as kie.ai does; status: the code is also"
            " the HTTP status.",
            "upstream",
            ("upstream", "status"),
        ),
        _setting(
            "seed", "int", "Seed of task ids and tracks, for answers identical from run to run.", "random (printed)"
        ),
        _setting(
            "stage_seconds",
            "str",
            "Seconds a task waits before its lyrics, its first track and the rest: one number or three,"
            " comma-separated (0 = instant).",
            "2,2,2",
        ),
        # The outcomes are named after the statuses they end in, read from the spec (never failing: see OUTCOMES).
        attrs.evolve(
            _setting(
                "default_outcome", "choice", "Outcome of tasks that request none.", _plain_success(), tuple(OUTCOMES)
            ),
            readme_default="the plain success",
            readme_help="Outcome of tasks that request none: one of the outcomes `--help` lists, each named after"
            " the status it ends in.",
        ),
        _setting(
            "credits", "float", "Starting balance; a submit that costs more than what is left gets 402.", "unlimited"
        ),
        _setting("credits_per_task", "float", "What a submit costs.", "1"),
        _setting(
            "rate_limit", "float", "Requests per second per API key; beyond it 429 with Retry-After.", "unlimited"
        ),
        _setting("rate_burst", "int", "Requests a key may send at once under the rate limit.", "ceil(rate limit)"),
        _setting("maintenance", "bool", "Start in maintenance mode: every API request gets 455.", "off"),
        _setting("fault", "str", "Fault spec applied to every API request, e.g. delay=0.5 or 500.", "none"),
        _setting(
            "webhook_key",
            "str",
            "Key that signs callbacks (the timestamp and signature headers).",
            "none (unsigned)",
        ),
        _setting("send_callbacks", "bool", "Whether to POST callbacks at all.", "on"),
        _setting("callback_timeout", "float", "Seconds to wait for a callback receiver (upstream waits 15).", "15"),
        _setting("callback_retries", "int", "Further attempts after a failed callback delivery (0 to 10).", "2"),
        _setting("callback_backoff", "float", "Seconds before the first callback retry; doubles at each retry.", "0.5"),
        _setting("log_level", "choice", "uvicorn log level; info and below log every request.", "warning", _LOG_LEVELS),
        _setting("max_body_bytes", "int", "Largest request body accepted; a larger one answers HTTP 413.", "1048576"),
        _setting(
            "body_timeout", "float", "Seconds a request body may take to arrive after its headers; then HTTP 408.", "10"
        ),
        _setting(
            "header_timeout",
            "float",
            "Seconds a connection may take to send complete request headers; then it is closed.",
            "10",
        ),
        _setting("max_connections", "int", "Connections and requests served at once; beyond it HTTP 503.", "1000"),
    )


class _Settings(Sequence[Setting]):
    """``mock_settings()`` as a sequence built on first use, so that importing the mock reads no spec name."""

    @overload
    def __getitem__(self, index: int) -> Setting: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Setting, ...]: ...
    def __getitem__(self, index: int | slice) -> Setting | tuple[Setting, ...]:
        return mock_settings()[index]

    def __iter__(self) -> Iterator[Setting]:
        return iter(mock_settings())

    def __len__(self) -> int:
        return len(mock_settings())

    def __repr__(self) -> str:
        return f"MOCK_SETTINGS({', '.join(setting.name for setting in self)})"


MOCK_SETTINGS: Sequence[Setting] = _Settings()
"""Every setting of the mock: its variable, kind, help and README default (the CLI's options come from here).

Built when first read (not at import): a status upstream removes drops its outcome from ``default_outcome``'s
choices then, with a warning, and the rest of the table stands.
"""

_OPTIONAL = {field.name: field.default is None for field in attrs.fields(MockSettings)}


def settings_table_markdown() -> str:
    """Return the README's table of the mock's settings (variable, option, default, meaning), from ``MOCK_SETTINGS``."""
    lines = ["| Variable | Option | Default | Meaning |", "|---|---|---|---|"]
    for setting in MOCK_SETTINGS:
        option = "(environment only)" if setting.secret else f"`{setting.option}`"
        meaning = setting.readme_help or setting.help
        if setting.choices and not setting.readme_help:
            meaning = f"{meaning} One of: {', '.join(setting.choices)}."
        default = setting.readme_default or setting.default
        lines.append(f"| `{setting.env}` | {option} | {default} | {meaning.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
