"""The suite's settings: constructor arguments first, then environment variables, then ``schemathesis.toml``.

Nothing is read at import time: ``SuiteOptions.from_env()`` reads the environment once, when a run starts.

=================================  ==========================================================================
``SUNO_BASE_URL``                  test this server instead of the embedded mock (needs ``KIE_API_KEY``)
``KIE_API_KEY``                    the bearer token for ``SUNO_BASE_URL``
``SUNO_MAX_PAID_CALLS``            live mode: how many requests that might be accepted may be sent (default 0)
``SUNO_CONFORMANCE_LIVE``          ``1`` treats the target as live even on loopback (a tunnel to a real
                                   service); ``0`` never (a local server of your own). Default: live unless the
                                   host is loopback
``SUNO_WEBHOOK_SECRET``            the key callbacks are signed with, for a target other than the mock
``SUNO_CONFORMANCE_MAX_EXAMPLES``  fuzzing examples per operation (default: ``schemathesis.toml``)
``SUNO_CONFORMANCE_STATEFUL_EXAMPLES``  stateful scenarios (default: ``schemathesis.toml``)
``SUNO_CONFORMANCE_SEED``          seed of the generated cases (default: ``schemathesis.toml``, else random)
``SUNO_CONFORMANCE_CONFIG``        another ``schemathesis.toml``
``SUNO_CONFORMANCE_FAIL_ON_DRIFT`` ``1`` fails the run when answers hold values outside documented lists
``SUNO_CONFORMANCE_CALLBACK_WAIT`` seconds to wait for callbacks from a server that is not the mock (10)
=================================  ==========================================================================

The embedded mock reads its own ``SUNO_MOCK_*`` variables (``SUNO_MOCK_ERROR_STYLE=status``...); the suite
overrides only what it must: the token, the webhook key, instant stages and a free loopback port.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

DEFAULT_CONFIG = Path(__file__).resolve().with_name("schemathesis.toml")
DEFAULT_REPORT = Path("reports") / "conformance.xml"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _flag(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r}: expected 1/0, true/false, yes/no or on/off")


def _count(name: str, raw: str, *, minimum: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ValueError(f"{name}={raw!r}: expected a number >= {minimum}")
    return value


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a number of seconds") from None
    if not value > 0:
        raise ValueError(f"{name}={raw!r}: expected a number of seconds > 0")
    return value


def _non_negative(_: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


@attrs.frozen(kw_only=True)
class SuiteOptions:
    """How one conformance run is configured (see the module docstring for the variables).

    Attributes:
        base_url: The server under test; ``None`` runs the embedded mock.
        api_key: The bearer token for ``base_url``.
        live: Treat the target as a paid service (``None``: decide from the host).
        max_paid_calls: In live mode, how many requests that might be accepted may be sent.
        webhook_key: The key callbacks are signed with (a target other than the mock).
        max_examples: Fuzzing examples per operation (``None``: ``schemathesis.toml``).
        stateful_examples: Stateful scenarios (``None``: ``schemathesis.toml``).
        seed: Seed of the generated cases (``None``: ``schemathesis.toml``, else random).
        config_path: The ``schemathesis.toml`` to read.
        junit_path: Where the JUnit report goes (``None``: none).
        fail_on_drift: Whether drift fails the run.
        callback_wait: Seconds to wait for callbacks from a server that is not the embedded mock.
        request_timeout: Seconds to wait for each answer (``None``: ``request-timeout`` of ``schemathesis.toml``).
    """

    base_url: str | None = None
    api_key: str | None = attrs.field(default=None, repr=False)
    live: bool | None = None
    max_paid_calls: int = attrs.field(default=0, validator=_non_negative)
    webhook_key: str | None = attrs.field(default=None, repr=False)
    max_examples: int | None = None
    stateful_examples: int | None = None
    seed: int | None = None
    config_path: Path = DEFAULT_CONFIG
    junit_path: Path | None = DEFAULT_REPORT
    fail_on_drift: bool = False
    callback_wait: float = 10.0
    request_timeout: float | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, /, **overrides: Any) -> SuiteOptions:
        """Read the variables of the module docstring; keyword ``overrides`` win over them.

        Raises:
            ValueError: a variable holds a value it does not accept, naming the variable.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}

        def read(name: str) -> str | None:
            raw = env.get(name)
            return raw if raw is not None and raw.strip() else None

        if (raw := read("SUNO_BASE_URL")) is not None:
            values["base_url"] = raw.strip().rstrip("/")
        if (raw := read("KIE_API_KEY")) is not None:
            values["api_key"] = raw.strip()
        if (raw := read("SUNO_CONFORMANCE_LIVE")) is not None:
            values["live"] = _flag("SUNO_CONFORMANCE_LIVE", raw)
        if (raw := read("SUNO_MAX_PAID_CALLS")) is not None:
            values["max_paid_calls"] = _count("SUNO_MAX_PAID_CALLS", raw, minimum=0)
        if (raw := read("SUNO_WEBHOOK_SECRET")) is not None:
            values["webhook_key"] = raw
        if (raw := read("SUNO_CONFORMANCE_MAX_EXAMPLES")) is not None:
            values["max_examples"] = _count("SUNO_CONFORMANCE_MAX_EXAMPLES", raw, minimum=1)
        if (raw := read("SUNO_CONFORMANCE_STATEFUL_EXAMPLES")) is not None:
            values["stateful_examples"] = _count("SUNO_CONFORMANCE_STATEFUL_EXAMPLES", raw, minimum=1)
        if (raw := read("SUNO_CONFORMANCE_SEED")) is not None:
            values["seed"] = _count("SUNO_CONFORMANCE_SEED", raw, minimum=0)
        if (raw := read("SUNO_CONFORMANCE_CONFIG")) is not None:
            values["config_path"] = Path(raw)
        if (raw := read("SUNO_CONFORMANCE_FAIL_ON_DRIFT")) is not None:
            values["fail_on_drift"] = _flag("SUNO_CONFORMANCE_FAIL_ON_DRIFT", raw)
        if (raw := read("SUNO_CONFORMANCE_CALLBACK_WAIT")) is not None:
            values["callback_wait"] = _seconds("SUNO_CONFORMANCE_CALLBACK_WAIT", raw)
        values.update(overrides)
        return cls(**values)

    def evolve(self, **changes: Any) -> SuiteOptions:
        """Return a copy with ``changes`` applied."""
        return attrs.evolve(self, **changes)
