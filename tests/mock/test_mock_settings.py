"""Settings: constructor arguments, SUNO_MOCK_* variables, validation, and no shared state between mocks."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import suno_conformance.mock._settings as mock_settings_module
from suno_api.spec import effective_spec, names
from suno_conformance.mock import (
    MOCK_SETTINGS,
    OUTCOMES,
    MockApp,
    MockSettings,
    VirtualClock,
    settings_table_markdown,
)
from suno_conformance.mock._settings import ENV_PREFIX
from tests.spec_support import member


def test_defaults() -> None:
    """The defaults: loopback, a free port, one key, upstream error style, a few seconds per stage, no limits."""
    settings = MockSettings()
    assert settings.host == "127.0.0.1"
    assert settings.port == 0
    assert settings.api_keys == ("mock-api-key",)
    assert settings.error_style == "upstream"
    assert settings.stage_seconds == (2.0, 2.0, 2.0)
    assert settings.default_outcome == names().status_success
    assert settings.credits is None
    assert settings.rate_limit is None
    assert settings.maintenance is False
    assert settings.webhook_key is None
    assert settings.callback_timeout == 15.0


def test_constructor_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """MockSettings(...) never reads SUNO_MOCK_* variables; only from_env does."""
    monkeypatch.setenv("SUNO_MOCK_ERROR_STYLE", "status")
    assert MockSettings().error_style == "upstream"
    assert MockSettings.from_env().error_style == "status"


def test_from_env_reads_every_variable() -> None:
    """Every documented variable is parsed into its field."""
    outcome = list(OUTCOMES)[-1]  # any but the default; read without regard to case
    environ = {
        "SUNO_MOCK_HOST": "::1",
        "SUNO_MOCK_PORT": "8765",
        "SUNO_MOCK_API_KEYS": "one, two",
        "SUNO_MOCK_ERROR_STYLE": "STATUS",
        "SUNO_MOCK_SEED": "42",
        "SUNO_MOCK_STAGE_SECONDS": "1,2.5,3",
        "SUNO_MOCK_DEFAULT_OUTCOME": outcome.lower(),
        "SUNO_MOCK_CREDITS": "10",
        "SUNO_MOCK_CREDITS_PER_TASK": "2",
        "SUNO_MOCK_RATE_LIMIT": "5",
        "SUNO_MOCK_RATE_BURST": "3",
        "SUNO_MOCK_MAINTENANCE": "yes",
        "SUNO_MOCK_FAULT": "delay=0.1",
        "SUNO_MOCK_WEBHOOK_KEY": "whsec",
        "SUNO_MOCK_SEND_CALLBACKS": "off",
        "SUNO_MOCK_CALLBACK_TIMEOUT": "3",
        "SUNO_MOCK_CALLBACK_RETRIES": "1",
        "SUNO_MOCK_CALLBACK_BACKOFF": "0",
        "SUNO_MOCK_LOG_LEVEL": "INFO",
        "SUNO_MOCK_MAX_BODY_BYTES": "2048",
        "SUNO_MOCK_BODY_TIMEOUT": "1.5",
        "SUNO_MOCK_HEADER_TIMEOUT": "2.5",
        "SUNO_MOCK_MAX_CONNECTIONS": "50",
    }
    settings = MockSettings.from_env(environ)
    assert settings == MockSettings(
        host="::1",
        port=8765,
        api_keys=("one", "two"),
        error_style="status",
        seed=42,
        stage_seconds=(1.0, 2.5, 3.0),
        default_outcome=outcome,
        credits=10.0,
        credits_per_task=2.0,
        rate_limit=5.0,
        rate_burst=3,
        maintenance=True,
        fault="delay=0.1",
        webhook_key="whsec",
        send_callbacks=False,
        callback_timeout=3.0,
        callback_retries=1,
        callback_backoff=0.0,
        log_level="info",
        max_body_bytes=2048,
        body_timeout=1.5,
        header_timeout=2.5,
        max_connections=50,
    )
    assert {field.name for field in attrs.fields(MockSettings)} == {
        name.removeprefix(ENV_PREFIX).lower() for name in environ
    }


def test_from_env_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mapping, from_env reads os.environ."""
    monkeypatch.setitem(os.environ, "SUNO_MOCK_SEED", "9")
    assert MockSettings.from_env().seed == 9


@pytest.mark.parametrize("raw", ["", "unlimited", "none", "off"])
def test_unlimited_spellings(raw: str) -> None:
    """An empty or 'unlimited' value means no limit."""
    settings = MockSettings.from_env({"SUNO_MOCK_CREDITS": raw, "SUNO_MOCK_RATE_LIMIT": raw})
    assert settings.credits is None
    assert settings.rate_limit is None


def test_overrides_win_over_the_environment() -> None:
    """Keyword overrides take precedence over the variables, and skip parsing them."""
    environ = {"SUNO_MOCK_CREDITS": "not a number", "SUNO_MOCK_PORT": "8000"}
    settings = MockSettings.from_env(environ, credits=5, port=0)
    assert settings.credits == 5
    assert settings.port == 0


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("SUNO_MOCK_PORT", "eighty"),
        ("SUNO_MOCK_MAINTENANCE", "perhaps"),
        ("SUNO_MOCK_ERROR_STYLE", "http"),
        ("SUNO_MOCK_STAGE_SECONDS", "1,2"),
        ("SUNO_MOCK_FAULT", "explode"),
        ("SUNO_MOCK_DEFAULT_OUTCOME", "MAYBE"),
        ("SUNO_MOCK_HOST", "10.1.2.3"),
    ],
)
def test_a_bad_variable_is_named(variable: str, raw: str) -> None:
    """A value its field does not accept raises ValueError naming the variable."""
    with pytest.raises(ValueError, match=variable):
        MockSettings.from_env({variable: raw})


@pytest.mark.parametrize(
    "changes",
    [
        {"host": "192.168.1.10"},
        {"host": "example.com"},
        {"port": 70000},
        {"api_keys": ()},
        {"api_keys": ("two words",)},
        {"api_keys": (3,)},
        {"error_style": "loud"},
        {"stage_seconds": (1, -1, 1)},
        {"stage_seconds": float("nan")},
        {"default_outcome": "NOPE"},
        {"credits": -1},
        {"rate_limit": 0},
        {"rate_burst": 0},
        {"fault": "600"},
        {"callback_timeout": 0},
        {"callback_retries": 11},
        {"log_level": "loud"},
    ],
)
def test_invalid_values_are_refused(changes: dict[str, Any]) -> None:
    """The constructor refuses values that make no sense, naming the field."""
    (name,) = changes
    with pytest.raises(ValueError, match=name):
        MockSettings(**changes)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    """Any loopback address is a valid host."""
    assert MockSettings(host=host).host == host


def test_stage_seconds_takes_one_number_or_three() -> None:
    """One number applies to every stage; three set each stage."""
    assert MockSettings(stage_seconds=0).stage_seconds == (0.0, 0.0, 0.0)
    assert MockSettings(stage_seconds="1,2,3").stage_seconds == (1.0, 2.0, 3.0)
    assert MockSettings(stage_seconds=[4, 5, 6]).stage_seconds == (4.0, 5.0, 6.0)


def test_settings_are_immutable_and_evolve() -> None:
    """Settings cannot be changed in place; evolve returns a validated copy."""
    settings = MockSettings()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]
    assert settings.evolve(error_style="status").error_style == "status"
    assert settings.error_style == "upstream"
    with pytest.raises(ValueError, match="error_style"):
        settings.evolve(error_style="loud")
    assert not dataclasses.is_dataclass(settings)  # attrs, not dataclasses: validators run on evolve


def test_two_mocks_share_no_state() -> None:
    """Two mocks built from the same settings have their own tasks, balance and clocks."""
    settings = MockSettings(credits=3, seed=1)
    first, second = MockApp(settings), MockApp(settings, clock=VirtualClock(frozen=True))
    first.credits = 0
    first.maintenance = True
    assert second.credits == 3
    assert second.maintenance is False
    assert first.tasks == {} == second.tasks
    assert first.clock is not second.clock


# ------------------------------------------------------------------------------------------- the table


def test_the_table_lists_every_field_once() -> None:
    """MOCK_SETTINGS has one row per MockSettings field, in field order, each read from SUNO_MOCK_<FIELD>."""
    assert [setting.name for setting in MOCK_SETTINGS] == [field.name for field in attrs.fields(MockSettings)]
    assert all(setting.env == ENV_PREFIX + setting.name.upper() for setting in MOCK_SETTINGS)
    assert all(setting.help and setting.default for setting in MOCK_SETTINGS)
    assert all(setting.choices for setting in MOCK_SETTINGS if setting.kind == "choice")


def test_from_env_reads_the_variables_the_table_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """from_env reads each row's variable: change a row's env and it reads the new name, not the field's."""
    row = next(setting for setting in MOCK_SETTINGS if setting.name == "seed")
    renamed = (*(s for s in MOCK_SETTINGS if s is not row), attrs.evolve(row, env="ELSEWHERE_SEED"))
    monkeypatch.setattr(mock_settings_module, "MOCK_SETTINGS", renamed)
    assert MockSettings.from_env({"SUNO_MOCK_SEED": "1", "ELSEWHERE_SEED": "7"}).seed == 7


def test_choices_are_the_fields_choices() -> None:
    """The table's choices are what the fields accept: every choice builds, and outcomes come from OUTCOMES."""
    for setting in MOCK_SETTINGS:
        for choice in setting.choices:
            assert getattr(MockSettings(**{setting.name: choice}), setting.name) == choice
    outcomes = next(setting for setting in MOCK_SETTINGS if setting.name == "default_outcome")
    assert outcomes.choices == tuple(OUTCOMES)


def test_the_markdown_table_has_a_row_per_setting() -> None:
    """settings_table_markdown() renders a header and one row per setting, naming its variable and option."""
    lines = settings_table_markdown().splitlines()
    assert len(lines) == 2 + len(MOCK_SETTINGS)
    for line, setting in zip(lines[2:], MOCK_SETTINGS, strict=True):
        assert line.startswith(f"| `{setting.env}` | `{setting.option}` |")


def test_importing_the_mock_reads_no_name() -> None:
    """`import suno_conformance.mock` (its command, its pytest plugin) leaves names() and the spec unread.

    So that a status upstream removes drops its outcome when the mock is first used, never at import.
    """
    script = (
        "import suno_conformance.mock, suno_conformance.mock.__main__, suno_conformance.pytest_plugin\n"
        "from suno_api import _names, _spec\n"
        "print(_names.names.cache_info().currsize, _spec.effective_spec.cache_info().currsize)\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, on a script of ours
        [sys.executable, "-c", script], capture_output=True, encoding="utf-8", check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "0"]


def test_a_removed_status_drops_its_outcome_when_the_table_is_first_read(tmp_path: Path) -> None:
    """Importing the mock with a status gone from the spec logs nothing; reading MOCK_SETTINGS drops that outcome.

    Only that outcome leaves ``default_outcome``'s choices, with a warning, when the table is first built.
    """
    gone = member("status_callback_exception")
    document = copy.deepcopy(dict(effective_spec()))
    enum_pointer, value = names().pointer("status_callback_exception").rsplit("/", 1)
    node: Any = document
    for part in enum_pointer[1:].split("/"):
        node = node[part]
    node.remove(value)
    effective = tmp_path / "effective.json"
    effective.write_text(json.dumps(document), encoding="utf-8")
    script = f"""
import logging, sys
from pathlib import Path
import suno_api._spec
suno_api._spec.effective_spec_path = lambda: Path({str(effective)!r})
logging.basicConfig(stream=sys.stdout, format="LOG %(message)s")
import suno_conformance.mock
print("IMPORTED")
from suno_conformance.mock import MOCK_SETTINGS
row = next(setting for setting in MOCK_SETTINGS if setting.name == "default_outcome")
print("CHOICES", *row.choices)
"""
    done = subprocess.run(  # noqa: S603 - this interpreter, on a script of ours
        [sys.executable, "-c", script], capture_output=True, encoding="utf-8", check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "IMPORTED", lines
    (warning,) = [line for line in lines if line.startswith("LOG ")]
    assert "left out" in warning
    (choices,) = [line.split()[1:] for line in lines if line.startswith("CHOICES ")]
    assert choices == [outcome for outcome in OUTCOMES if outcome != gone]
