"""The suite's settings table: the one place its options are mapped, read from the environment, documented."""

from __future__ import annotations

import re
import runpy
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

import suno_api.cli
import suno_conformance.suite
from suno_conformance import Setting
from suno_conformance.defects import catalogue
from suno_conformance.mock import MockApp
from suno_conformance.suite import SUITE_SETTINGS, SuiteOptions, main, settings_table_markdown
from suno_conformance.suite._entry import mock_class_for

SUITE_SOURCE = Path(suno_conformance.suite.__file__).parent
README = Path(__file__).resolve().parents[2] / "README.md"
# A value each kind reads, and what it becomes.
SAMPLES: dict[str, tuple[str, object]] = {
    "str": (" text ", "text"),
    "int": ("7", 7),
    "float": ("2.5", 2.5),
    "bool": ("yes", True),
    "path": ("some/where.xml", Path("some/where.xml")),
}
SPECIAL_SAMPLES: dict[str, tuple[str, object]] = {
    "base_url": ("https://api.example.org/", "https://api.example.org"),
    "callback_url": ("https://tunnel.example.org/", "https://tunnel.example.org"),
    "callback_listen": ("127.0.0.1:8765", "127.0.0.1:8765"),
}


def _by_name(name: str) -> Setting:
    return next(setting for setting in SUITE_SETTINGS if setting.name == name)


def test_every_option_is_a_row_of_the_table_and_every_row_an_option() -> None:
    """SUITE_SETTINGS and SuiteOptions name the same settings: nothing is mapped anywhere else."""
    assert [setting.name for setting in SUITE_SETTINGS] == [field.name for field in attrs.fields(SuiteOptions)]
    assert len({setting.env for setting in SUITE_SETTINGS if setting.env}) == sum(1 for s in SUITE_SETTINGS if s.env)


def test_every_variable_the_suite_names_is_in_the_table() -> None:
    """Each SUNO_*/KIE_* variable written in the suite's code is a row of the table (the mock's SUNO_MOCK_* aside)."""
    documented = {setting.env for setting in SUITE_SETTINGS if setting.env}
    named: set[str] = set()
    for path in SUITE_SOURCE.glob("*.py"):
        named.update(re.findall(r"\b((?:SUNO|KIE)_[A-Z_]+[A-Z])\b", path.read_text(encoding="utf-8")))
    named = {name for name in named if not name.startswith("SUNO_MOCK_") and name != "KIE_BASE_URL"}
    assert named <= documented, sorted(named - documented)
    assert "SUNO_CONFORMANCE_CALLBACK_WAIT" in documented


@pytest.mark.parametrize("setting", [s for s in SUITE_SETTINGS if s.env], ids=lambda setting: setting.env)
def test_each_variable_sets_its_option(setting: Setting) -> None:
    """Each row's variable is read into its attribute, in the row's kind."""
    assert setting.env is not None
    raw, expected = SPECIAL_SAMPLES.get(setting.name, SAMPLES[setting.kind])
    environ = {setting.env: raw}
    # A public URL and a fixed listening port go together.
    environ.setdefault("SUNO_CONFORMANCE_CALLBACK_URL", "https://tunnel.example.org")
    environ.setdefault("SUNO_CONFORMANCE_CALLBACK_LISTEN", "127.0.0.1:8765")
    assert getattr(SuiteOptions.from_env(environ), setting.name) == expected


def test_overrides_win_and_text_overrides_are_read_like_variables() -> None:
    """A command-line value (text or typed) wins over the variable; None overrides nothing."""
    environ = {"SUNO_CONFORMANCE_MAX_EXAMPLES": "50", "SUNO_CONFORMANCE_SEED": "3"}
    options = SuiteOptions.from_env(environ, max_examples="20", seed=None, junit=Path("out/c.xml"))
    assert (options.max_examples, options.seed, options.junit) == (20, 3, Path("out/c.xml"))
    with pytest.raises(ValueError, match="--max-examples='many'"):
        SuiteOptions.from_env({}, max_examples="many")
    with pytest.raises(ValueError, match="unknown suite setting"):
        SuiteOptions.from_env({}, max_examplez=3)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SUNO_CONFORMANCE_CALLBACK_WAIT": "0"}, "SUNO_CONFORMANCE_CALLBACK_WAIT"),
        ({"SUNO_CONFORMANCE_CALLBACK_WAIT": "nan"}, "SUNO_CONFORMANCE_CALLBACK_WAIT"),
        ({"SUNO_CONFORMANCE_MAX_EXAMPLES": "0"}, "SUNO_CONFORMANCE_MAX_EXAMPLES"),
        ({"SUNO_CONFORMANCE_REQUEST_TIMEOUT": "inf"}, "SUNO_CONFORMANCE_REQUEST_TIMEOUT"),
        ({"SUNO_CONFORMANCE_CALLBACK_URL": "ftp://x"}, "SUNO_CONFORMANCE_CALLBACK_URL"),
        ({"SUNO_CONFORMANCE_CALLBACK_URL": "https://user:pw@tunnel.example.org"}, "SUNO_CONFORMANCE_CALLBACK_URL"),
        ({"SUNO_CONFORMANCE_CALLBACK_LISTEN": "nowhere"}, "SUNO_CONFORMANCE_CALLBACK_LISTEN"),
    ],
)
def test_a_bad_value_names_its_variable(environ: dict[str, str], named: str) -> None:
    """The error says which variable holds a value it does not accept."""
    with pytest.raises(ValueError, match=named):
        SuiteOptions.from_env(environ)


def test_the_receiver_listens_beyond_loopback_only_behind_a_public_url() -> None:
    """0.0.0.0 needs a public URL; a public URL needs a fixed port (the one it forwards to)."""
    with pytest.raises(ValueError, match="SUNO_CONFORMANCE_CALLBACK_URL"):
        SuiteOptions(callback_listen="0.0.0.0:8765")
    with pytest.raises(ValueError, match="fixed port"):
        SuiteOptions(callback_url="https://tunnel.example.org")
    options = SuiteOptions(callback_url="https://tunnel.example.org/hooks/", callback_listen="0.0.0.0:8765")
    assert options.callback_url == "https://tunnel.example.org/hooks"
    assert SuiteOptions(callback_listen="[::1]:0").callback_listen == "[::1]:0"


def test_the_json_report_goes_beside_the_junit_report_unless_told() -> None:
    """--json-report wins; otherwise the JSON report sits beside the JUnit report; neither: none."""
    assert SuiteOptions().json_path == Path("reports/conformance.json")
    assert SuiteOptions(json_report=Path("a.json")).json_path == Path("a.json")
    assert SuiteOptions(junit=None).json_path is None


def test_the_config_and_the_reports_need_no_checkout() -> None:
    """The default schemathesis.toml is inside the package; reports go to ./reports of the working directory."""
    options = SuiteOptions()
    assert options.config.is_file()
    assert options.config.parent == SUITE_SOURCE
    assert options.junit is not None
    assert not options.junit.is_absolute()


def test_secrets_are_never_options() -> None:
    """The API key and the webhook key are read from the environment only, and never shown in the table."""
    secrets = {setting.name for setting in SUITE_SETTINGS if setting.secret}
    assert secrets == {"api_key", "webhook_key"}
    table = settings_table_markdown()
    assert "--api-key" not in table
    assert "--webhook-key" not in table


def test_the_settings_table_has_a_row_per_setting() -> None:
    """The generated README table lists every setting by variable or option."""
    table = settings_table_markdown()
    for setting in SUITE_SETTINGS:
        assert (f"`{setting.env}`" if setting.env else f"`{setting.option}`") in table


def test_the_readme_holds_the_generated_settings_table() -> None:
    """README.md carries settings_table_markdown() verbatim (paste its output when a setting changes)."""
    assert settings_table_markdown() in README.read_text(encoding="utf-8")


def test_a_defect_is_chosen_by_name() -> None:
    """options.defect picks a defective mock; an unknown name is refused, naming --list-defects."""
    first = catalogue()[0]
    assert mock_class_for(SuiteOptions(defect=first.name)) is first.mock_class
    assert mock_class_for(SuiteOptions()) is MockApp
    with pytest.raises(ValueError, match="--list-defects"):
        mock_class_for(SuiteOptions(defect="no_such_defect"))


def test_the_module_is_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m suno_conformance.suite ARGS` runs `suno-api conformance ARGS`: one parser, the CLI's."""
    calls: list[list[str]] = []

    def fake_main(argv: Sequence[str] | None = None) -> int:
        calls.append(list(argv or []))
        return 7

    monkeypatch.setattr(suno_api.cli, "main", fake_main)
    assert main(["--max-examples", "3"]) == 7
    monkeypatch.setattr("sys.argv", ["python -m suno_conformance.suite", "--seed", "1"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(str(SUITE_SOURCE / "__main__.py"), run_name="__main__")
    assert exited.value.code == 7
    assert calls == [["conformance", "--max-examples", "3"], ["conformance", "--seed", "1"]]


def test_the_suite_uses_only_public_names_of_the_library() -> None:
    """No import of suno_api's private modules, no citation of notes that are not in the repository."""
    for path in SUITE_SOURCE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"suno_api\._[a-z]", text), path.name
        assert "FIELD-NOTES" not in text, path.name
