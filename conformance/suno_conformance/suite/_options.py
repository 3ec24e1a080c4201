"""The suite's settings: ``SUITE_SETTINGS``, the one table of its options, and ``SuiteOptions``, built from it.

Each ``Setting`` names an attribute of ``SuiteOptions``, its environment variable, its command-line option and
its help. ``SuiteOptions.from_env()`` reads the variables of the table (and nothing else), the command line
(``suno-api conformance``) builds its options from the table, and ``settings_table_markdown()`` gives the
README's table. Precedence: keyword overrides (constructor arguments, command-line options), then the
environment, then ``schemathesis.toml`` (for the generation budget and the seed), then the defaults.

Nothing is read at import time: ``SuiteOptions.from_env()`` reads the environment once, when a run starts. The
embedded mock reads its own ``SUNO_MOCK_*`` variables (``SUNO_MOCK_ERROR_STYLE=status``...); the suite overrides
only what it must: the token, the webhook key, instant stages and a free loopback port.
"""

from __future__ import annotations

import math
import os
import urllib.parse
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from suno_api import is_loopback_host
from suno_conformance import Setting

DEFAULT_REPORT = Path("reports") / "conformance.xml"
DEFAULT_LISTEN = "127.0.0.1:0"
CALLBACK_URL_ENV = "SUNO_CONFORMANCE_CALLBACK_URL"
CALLBACK_LISTEN_ENV = "SUNO_CONFORMANCE_CALLBACK_LISTEN"
WEBHOOK_SECRET_ENV = "SUNO_WEBHOOK_SECRET"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def default_config() -> Path:
    """Return the ``schemathesis.toml`` shipped inside the package (an installed wheel has no checkout)."""
    return Path(str(resources.files("suno_conformance.suite") / "schemathesis.toml"))


SUITE_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url",
        "SUNO_BASE_URL",
        "str",
        "Test this server instead of the embedded mock (needs KIE_API_KEY); live unless its host is loopback.",
        default="the embedded mock",
    ),
    Setting("api_key", "KIE_API_KEY", "str", "The bearer token for the server under test.", secret=True),
    Setting(
        "live",
        "SUNO_CONFORMANCE_LIVE",
        "bool",
        "Treat the target as a paid service (on), or never (off: a local server of your own).",
        default="live unless the host is loopback",
    ),
    Setting(
        "max_paid_calls",
        "SUNO_MAX_PAID_CALLS",
        "int",
        "Live mode: how many requests that might create a paid task may be sent.",
        default="0",
    ),
    Setting(
        "webhook_key",
        WEBHOOK_SECRET_ENV,
        "str",
        "The key the target signs callbacks with; without it a server's callback signatures are not checked.",
        default="the mock's own key",
        secret=True,
    ),
    Setting(
        "callback_url",
        CALLBACK_URL_ENV,
        "str",
        "Public http(s) URL that reaches the suite's callback receiver (a tunnel, a CI service name):"
        " callbacks of a server that is not on this machine are checked through it.",
        default="none: the receiver's loopback address",
    ),
    Setting(
        "callback_listen",
        CALLBACK_LISTEN_ENV,
        "str",
        "host:port the callback receiver listens on; a non-loopback host (0.0.0.0) needs a callback URL.",
        default=DEFAULT_LISTEN,
    ),
    Setting(
        "callback_wait",
        "SUNO_CONFORMANCE_CALLBACK_WAIT",
        "float",
        "Seconds to wait for the callbacks of a server that is not the embedded mock.",
        default="10",
    ),
    Setting(
        "max_examples",
        "SUNO_CONFORMANCE_MAX_EXAMPLES",
        "int",
        "Fuzzing examples per operation.",
        default="schemathesis.toml",
    ),
    Setting(
        "stateful_examples",
        "SUNO_CONFORMANCE_STATEFUL_EXAMPLES",
        "int",
        "Stateful scenarios (submit, then record-info).",
        default="schemathesis.toml",
    ),
    Setting(
        "seed",
        "SUNO_CONFORMANCE_SEED",
        "int",
        "Seed of the generated cases (the summary prints the one used).",
        default="schemathesis.toml, else random",
    ),
    Setting(
        "request_timeout",
        "SUNO_CONFORMANCE_REQUEST_TIMEOUT",
        "float",
        "Seconds to wait for each answer.",
        default="schemathesis.toml (10)",
    ),
    Setting(
        "workers",
        "SUNO_CONFORMANCE_WORKERS",
        "int",
        "Worker processes for a run against the embedded mock, each with its own mock (1: this process only).",
        default="one per core when the fuzzing budget pays for their start-up, else 1",
    ),
    Setting(
        "config",
        "SUNO_CONFORMANCE_CONFIG",
        "path",
        "Another schemathesis.toml.",
        default="the one inside the package",
    ),
    Setting(
        "fail_on_drift",
        "SUNO_CONFORMANCE_FAIL_ON_DRIFT",
        "bool",
        "Fail the run when answers hold values outside the documented lists.",
        default="off",
    ),
    Setting(
        "junit",
        "SUNO_CONFORMANCE_JUNIT",
        "path",
        "Where the JUnit report goes.",
        default=str(DEFAULT_REPORT),
    ),
    Setting(
        "json_report",
        "SUNO_CONFORMANCE_JSON_REPORT",
        "path",
        "Where the JSON report goes (conforms, exit code, versions, spec hash, target, what was not checked).",
        default="beside the JUnit report (.json)",
    ),
    Setting(
        "defect",
        None,
        "str",
        "Run against a defective mock of the catalogue instead (`suno-api conformance --list-defects`).",
        default="none",
    ),
)
"""The suite's settings, in ``--help`` and README order; each ``name`` is an attribute of ``SuiteOptions``."""


def settings_table_markdown() -> str:
    """Return the README's Markdown table of the suite's settings (one row per ``SUITE_SETTINGS`` entry)."""
    rows = ["| variable | option | default | meaning |", "|---|---|---|---|"]
    for setting in SUITE_SETTINGS:
        variable = f"`{setting.env}`" if setting.env else "-"
        option = "- (environment only: a secret)" if setting.secret else f"`{setting.option}`"
        default = setting.default or "-"
        rows.append(f"| {variable} | {option} | {default} | {setting.help} |")
    return "\n".join(rows) + "\n"


# --------------------------------------------------------------------------------------- reading text


def _flag(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _whole(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("expected a whole number") from None


def _number(raw: str) -> float:
    try:
        return float(raw.strip())
    except ValueError:
        raise ValueError("expected a number") from None


_READERS: Mapping[str, Callable[[str], Any]] = {
    "str": str.strip,
    "int": _whole,
    "float": _number,
    "bool": _flag,
    "path": lambda raw: Path(raw.strip()),
    "choice": str.strip,
    "list": lambda raw: tuple(part.strip() for part in raw.split(",") if part.strip()),
}


def _read(setting: Setting, raw: str) -> Any:
    return _READERS[setting.kind](raw)


# ---------------------------------------------------------------------------------------- validation


def _at_least(minimum: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < minimum):
            raise ValueError(f"{attribute.name} must be a whole number >= {minimum}, got {value!r}")

    return check


def _seconds(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{attribute.name} must be a finite number of seconds > 0, got {value!r}")


def _url_or_none(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip().rstrip("/")
    return stripped or None


def _check_callback_url(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None:
        return
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.query:
        raise ValueError(
            f"{attribute.name} must be an absolute http(s) URL without credentials or query"
            f" (https://tunnel.example.org), got {value!r}"
        )


def parse_listen(value: str) -> tuple[str, int]:
    """Return (host, port) of a ``host:port`` (``[::1]:8080`` for IPv6).

    Raises:
        ValueError: ``value`` is not ``host:port`` with a port between 0 and 65535.
    """
    host, sep, port_text = value.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not sep or not host or not 0 <= port <= 65535:
        raise ValueError(f"expected host:port (127.0.0.1:8765, [::1]:0, 0.0.0.0:8765), got {value!r}")
    return host, port


def _check_listen(options: SuiteOptions, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        host, port = parse_listen(value)
    except ValueError as exc:
        raise ValueError(f"{attribute.name}: {exc}") from None
    if options.callback_url is None:
        if not is_loopback_host(host):
            raise ValueError(
                f"{attribute.name}={value!r} listens beyond this machine, which only makes sense behind a public"
                f" URL: set {CALLBACK_URL_ENV} (--callback-url) too, or listen on loopback (127.0.0.1:PORT)"
            )
    elif port == 0:
        raise ValueError(
            f"{attribute.name}={value!r}: with {CALLBACK_URL_ENV} set the receiver needs a fixed port (the one"
            " the public URL forwards to), e.g. 127.0.0.1:8765"
        )


@attrs.frozen(kw_only=True)
class SuiteOptions:
    """How one conformance run is configured; every attribute is a row of ``SUITE_SETTINGS``.

    Attributes:
        base_url: The server under test; ``None`` runs the embedded mock.
        api_key: The bearer token for ``base_url``.
        live: Treat the target as a paid service (``None``: decide from the host).
        max_paid_calls: In live mode, how many requests that might be accepted may be sent.
        webhook_key: The key callbacks are signed with (a target other than the mock).
        callback_url: The public URL that reaches the callback receiver (``None``: its loopback address).
        callback_listen: ``host:port`` the callback receiver listens on.
        callback_wait: Seconds to wait for callbacks from a server that is not the embedded mock.
        max_examples: Fuzzing examples per operation (``None``: ``schemathesis.toml``).
        stateful_examples: Stateful scenarios (``None``: ``schemathesis.toml``).
        seed: Seed of the generated cases (``None``: ``schemathesis.toml``, else random).
        request_timeout: Seconds to wait for each answer (``None``: ``request-timeout`` of ``schemathesis.toml``).
        workers: Worker processes (``None``: decided by ``suite_workers``; 1 runs every test in this process).
        config: The ``schemathesis.toml`` to read.
        fail_on_drift: Whether drift fails the run.
        junit: Where the JUnit report goes (``None``: none).
        json_report: Where the JSON report goes (``None``: beside ``junit``, or none without it).
        defect: The name of a defective mock of the catalogue to run against (``None``: the faithful mock).
    """

    base_url: str | None = attrs.field(default=None, converter=_url_or_none)
    api_key: str | None = attrs.field(default=None, repr=False)
    live: bool | None = None
    max_paid_calls: int = attrs.field(default=0, validator=_at_least(0))
    webhook_key: str | None = attrs.field(default=None, repr=False)
    callback_url: str | None = attrs.field(default=None, converter=_url_or_none, validator=_check_callback_url)
    callback_listen: str = attrs.field(default=DEFAULT_LISTEN, validator=_check_listen)
    callback_wait: float = attrs.field(default=10.0, validator=_seconds)
    max_examples: int | None = attrs.field(default=None, validator=_at_least(1))
    stateful_examples: int | None = attrs.field(default=None, validator=_at_least(1))
    seed: int | None = attrs.field(default=None, validator=_at_least(0))
    request_timeout: float | None = attrs.field(default=None, validator=_seconds)
    workers: int | None = attrs.field(default=None, validator=_at_least(1))
    config: Path = attrs.field(factory=default_config, converter=Path)
    fail_on_drift: bool = False
    junit: Path | None = DEFAULT_REPORT
    json_report: Path | None = None
    defect: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, /, **overrides: Any) -> SuiteOptions:
        """Read the variables of ``SUITE_SETTINGS``; keyword ``overrides`` (by setting name) win over them.

        An override given as text (``max_examples="20"``) is read as its variable would be; ``None`` overrides
        nothing (an option that was not given).

        Raises:
            ValueError: a variable or an override holds a value it does not accept, naming it.
        """
        env = os.environ if environ is None else environ
        known = {setting.name: setting for setting in SUITE_SETTINGS}
        unknown = sorted(set(overrides) - set(known))
        if unknown:
            raise ValueError(f"unknown suite setting(s): {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for setting in SUITE_SETTINGS:
            override = overrides.get(setting.name)
            if override is not None:
                source, raw = f"--{setting.name.replace('_', '-')}", override
            elif setting.env is not None and (text := env.get(setting.env)) is not None and text.strip():
                source, raw = setting.env, text
            else:
                continue
            if isinstance(raw, str):
                try:
                    raw = _read(setting, raw)
                except ValueError as exc:
                    shown = "<secret>" if setting.secret else repr(raw)
                    raise ValueError(f"{source}={shown}: {exc}") from None
            values[setting.name] = raw
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise ValueError(_name_the_variable(str(exc), overrides)) from None

    def evolve(self, **changes: Any) -> SuiteOptions:
        """Return a copy with ``changes`` applied."""
        return attrs.evolve(self, **changes)

    @property
    def json_path(self) -> Path | None:
        """Where the JSON report goes: ``json_report``, else beside the JUnit report, else nowhere."""
        if self.json_report is not None:
            return self.json_report
        return self.junit.with_suffix(".json") if self.junit is not None else None


def _name_the_variable(message: str, overrides: Mapping[str, Any]) -> str:
    """Prefix a validation error with the option or variable it came from (the attribute name opens it)."""
    name = message.split(" ", 1)[0].split(":", 1)[0].split("=", 1)[0]
    setting = next((setting for setting in SUITE_SETTINGS if setting.name == name), None)
    if setting is None:
        return message
    if overrides.get(name) is not None:
        return f"{setting.option}: {message}"
    return f"{setting.env}: {message}" if setting.env else message
