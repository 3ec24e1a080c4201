"""The suite's settings table: the one place its options are mapped, read from the environment, documented."""

from __future__ import annotations

import os
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
from suno_conformance.suite import SUITE_SETTINGS, Ledger, Result, SuiteOptions, main, settings_table_markdown
from suno_conformance.suite._entry import mock_class_for
from suno_conformance.suite._parallel import (
    AUTO_MIN_EXAMPLES,
    Costs,
    merge_ledger,
    plan_shards,
    suite_workers,
    xdist_available,
)

SUITE_SOURCE = Path(suno_conformance.suite.__file__).parent
README = Path(__file__).resolve().parents[2] / "README.md"
# A value each kind reads, and what it becomes.
SAMPLES: dict[str, tuple[str, object]] = {
    "str": (" some words ", "some words"),
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


# ---------------------------------------------------------------------------------------- worker processes


def test_shards_are_planned_from_the_costs_alone_and_keep_the_collection_order() -> None:
    """Longest first to the cheapest shard: the heavy tests part, the light ones fill up; same input, same plan."""
    costs = {
        "a::fuzz_one": 100.0,
        "a::fuzz_two": 90.0,
        "a::stateful": 50.0,
        **{f"a::light[{n}]": 1.0 for n in range(40)},
    }
    nodeids = list(costs)
    shards = plan_shards(nodeids, 2, costs.__getitem__)
    assert shards == plan_shards(nodeids, 2, costs.__getitem__)
    assert sorted(nodeid for shard in shards for nodeid in shard) == sorted(nodeids)
    assert "a::fuzz_one" in shards[0]
    assert "a::fuzz_two" in shards[1]
    loads = [sum(costs[nodeid] for nodeid in shard) for shard in shards]
    assert abs(loads[0] - loads[1]) <= 1.0
    for shard in shards:
        assert shard == [nodeid for nodeid in nodeids if nodeid in shard]  # collection order within a shard
    assert plan_shards(nodeids[:1], 4, costs.__getitem__) == [nodeids[:1]]  # no empty shard


def test_the_costs_weigh_fuzzing_by_budget_and_body() -> None:
    """A fuzzing test costs its examples (more with a body), the stateful phase its steps, any other test little."""
    costs = Costs(fuzzing={"submit": 100, "query": 100}, with_body=frozenset({"submit"}), stateful_steps=60)
    assert costs("s.py::test_fuzzing_submit") > costs("s.py::test_fuzzing_query") == 100
    assert costs("s.py::TestStateful::runTest") > 60
    assert costs("s.py::test_boundary[x/violation/y]") == 1


def test_workers_spread_only_a_large_run_against_the_embedded_mock() -> None:
    """Auto: one per core from the threshold budget on; a server, a mock class no worker can import: one process."""

    class Local(MockApp):
        """Defined in a function: a worker process cannot import it."""

    assert suite_workers(SuiteOptions(), MockApp, AUTO_MIN_EXAMPLES - 1) == 1
    assert suite_workers(SuiteOptions(), MockApp, None) == 1
    assert suite_workers(SuiteOptions(workers=3), MockApp, 1) == (3 if xdist_available() else 1)
    assert suite_workers(SuiteOptions(workers=3), Local, 10_000) == 1
    assert suite_workers(SuiteOptions(base_url="http://127.0.0.1:9", api_key="k"), MockApp, 10_000) == 1
    with pytest.raises(ValueError, match="--workers applies to the embedded mock only"):
        suite_workers(SuiteOptions(base_url="http://127.0.0.1:9", api_key="k", workers=2), MockApp, 10_000)
    expected = 1 if not xdist_available() else max(1, min(os.cpu_count() or 1, 4))
    assert suite_workers(SuiteOptions(), MockApp, AUTO_MIN_EXAMPLES) == expected


def test_merged_ledgers_count_what_one_ledger_would() -> None:
    """Counts and drift add up; a failure seen by two workers is one failure with both counts; notes once."""

    def filled(*, fail_times: int) -> Ledger:
        ledger = Ledger()
        ledger.count_case("fuzzing", mode="positive")
        ledger.count_success("POST /x")
        ledger.record("POST /x", "valid_accepted", Result.passed(), phase="fuzzing")
        for _ in range(fail_times):
            ledger.record("POST /x", "invalid_rejected", Result.failed("accepted a bad body"), phase="fuzzing")
        ledger.note("one note")
        return ledger

    merged, other = filled(fail_times=1), filled(fail_times=2)
    merge_ledger(merged, {name: value for name, value in vars(other).items() if name != "_lock"})
    assert merged.sent["fuzzing"] == 2
    assert merged.modes[("fuzzing", "positive")] == 2
    assert merged.reached["POST /x"] == 2
    assert merged.counts[("POST /x", "valid_accepted")].passed == 2
    assert merged.counts[("POST /x", "invalid_rejected")].failed == 3
    (failure,) = merged.all_failures()
    assert failure.count == 3
    assert merged.notes == ["one note"]
