"""The suite kills the mutants made from the effective spec; each mutant is a real defect; the list grows with the spec.

``suno_conformance.mutants`` derives defective mocks from every constraint of the effective spec; the whole set
runs once per session (the suite's targeted tests against each, two worker processes), and every mutant must be
killed: 100 % per family, with no list of known survivors (a mutant that survives fails the test, by name).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from starlette.requests import Request

import suno_conformance.mutants
from suno_api import find_violations
from suno_api.spec import REQUEST_SCHEMA, Rule, schema
from suno_api.spec import names as spec_names
from suno_conformance.mock import MockApp, MockError, MockSettings
from suno_conformance.mutants import (
    FAITHFUL,
    Mutant,
    MutantResult,
    _derive,
    _main,
    families,
    main,
    mutant,
    mutants,
    score_table,
)
from tests.bodies import custom_body, default_body

FAMILIES = (
    "rule-off",
    "limit-loose",
    "limit-strict",
    "required-off",
    "keyword-off",
    "enum-loose",
    "type-coerced",
    "auth-relaxed",
)
_RESULTS: list[MutantResult] = []


@pytest.fixture(scope="module")
def results() -> list[MutantResult]:
    """Every mutant and the faithful mock, run once for the module."""
    if not _RESULTS:
        _RESULTS.extend(suno_conformance.mutants.run_mutants(workers=2))
    return _RESULTS


@pytest.fixture(scope="module", autouse=True)
def _score(kill_rate_lines: list[str]) -> Iterator[None]:
    """Print the score per family in the terminal summary, whatever the verbosity."""
    yield
    # once per process: work stealing may tear the module's fixtures down and set them up again
    if _RESULTS and "spec-derived mutants:" not in kill_rate_lines:
        kill_rate_lines.append("spec-derived mutants:")
        kill_rate_lines.extend(f"  {line}" for line in score_table(_RESULTS).splitlines())


def _mock() -> MockApp:
    return MockApp(MockSettings(stage_seconds=0))


def _request(authorization: str | None = None, query: bytes = b"") -> Request:
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": query})


def test_every_family_is_derived_and_named_family_detail() -> None:
    """Every family has mutants; each name is ``family:detail``, unique, with its own mock class."""
    found = mutants()
    assert set(families()) == set(FAMILIES)
    assert all(mutant.name == f"{mutant.family}:{mutant.detail}" for mutant in found)
    assert len({mutant.name for mutant in found}) == len(found)
    assert len({mutant.mock_class for mutant in found}) == len(found)
    assert all(issubclass(mutant.mock_class, MockApp) and mutant.description for mutant in found)


def test_one_mutant_per_rule_per_required_field_and_two_per_bound() -> None:
    """rule-off covers every rule id; required-off every required field; each bound has a loose and a strict twin."""
    names = {mutant.name for mutant in mutants()}
    assert {f"rule-off:{rule.id}" for rule in _derive.rules()} <= names
    assert {f"required-off:{field}" for field in schema(REQUEST_SCHEMA)["required"]} <= names
    loose = {mutant.detail for mutant in mutants() if mutant.family == "limit-loose"}
    strict = {mutant.detail for mutant in mutants() if mutant.family == "limit-strict"}
    assert loose == strict
    assert loose


def test_a_rule_off_mutant_accepts_what_its_rule_forbids() -> None:
    """The rule-off mutant of a rule drops that rule's violation and keeps every other one."""
    body = custom_body(style="")
    faithful = {violation.rule_id for violation in find_violations(body)}
    rule_id = next(iter(faithful))
    variant = mutant(f"rule-off:{rule_id}").mock_class(MockSettings(stage_seconds=0))
    assert rule_id not in {violation.rule_id for violation in variant.validate_body(body)}
    assert variant.validate_body(custom_body()) == []


def test_limit_mutants_move_the_bound_one_step_each_way() -> None:
    """limit-loose admits the value one step beyond a maxLength; limit-strict refuses the limit itself."""
    rule = next(rule for rule in _derive.rules() if any("maxLength" in c for c in _props(rule).values()))
    field, constraint = next((name, c) for name, c in _props(rule).items() if "maxLength" in c)
    model = rule.models[0]
    limit = constraint["maxLength"]
    detail = f"{rule.id}/{field}/maxLength"
    loose = mutant(f"limit-loose:{detail}").mock_class(MockSettings(stage_seconds=0))
    strict = mutant(f"limit-strict:{detail}").mock_class(MockSettings(stage_seconds=0))
    beyond = custom_body({field: "x" * (limit + 1)}, model=model)
    at_limit = custom_body({field: "x" * limit}, model=model)
    assert find_violations(beyond)
    assert not find_violations(at_limit)
    assert loose.validate_body(beyond) == []
    assert loose.validate_body(at_limit) == []
    assert [violation.rule_id for violation in strict.validate_body(at_limit)] == [rule.id]


def _props(rule: Rule) -> Mapping[str, Any]:
    props: Mapping[str, Any] = rule.schema.get("then", rule.schema).get("properties", {})
    return props


def test_enum_and_type_mutants_accept_loose_values_the_spec_refuses() -> None:
    """Each enum-loose and type-coerced mutant accepts a body the faithful mock refuses: no mutant is equivalent."""
    for found in mutants():
        if found.family not in ("enum-loose", "type-coerced"):
            continue
        field = found.detail.split("/")[0]
        body = default_body({field: _loose_value(found, field)})
        assert find_violations(body), found.name
        assert found.mock_class(MockSettings(stage_seconds=0)).validate_body(body) == [], found.name


def _loose_value(found: Mutant, field: str) -> Any:
    prop = _derive._property(field)
    if found.family == "enum-loose":
        member = str(prop["enum"][0])
        return member.swapcase() if found.detail.endswith("/case") else f" {member} "
    # The value the default body holds (or the lower bound), written as JSON text: valid once read as a value.
    return json.dumps(default_body().get(field, prop.get("minimum", 0)))


def test_auth_mutants_accept_credentials_the_mock_refuses() -> None:
    """Each auth-relaxed mutant lets in a request the faithful mock answers with 401."""
    key = MockSettings().api_keys[0]
    requests = {
        "any-token": _request("Bearer not-a-key"),
        "bare-key": _request(key),
        "any-scheme": _request(f"Token {key}"),
        "query-key": _request(None, f"apiKey={key}".encode()),
    }
    unknown_task = _request(None, b"q=no-such-task")
    assert {found.detail for found in mutants() if found.family == "auth-relaxed"} == {*requests, "after-lookup"}
    for detail, request in requests.items():
        assert _mock().authenticate(request) is None, detail
        assert mutant(f"auth-relaxed:{detail}").mock_class(MockSettings()).authenticate(request), detail
    assert _mock().authenticate(unknown_task) is None
    with pytest.raises(MockError) as raised:
        mutant("auth-relaxed:after-lookup").mock_class(MockSettings()).authenticate(unknown_task)
    assert raised.value.code == 404


def test_a_new_constraint_gives_new_mutants(monkeypatch: pytest.MonkeyPatch) -> None:
    """A property and a rule added to the spec give their mutants, and those mutants enforce the moved bounds."""
    original = dict(schema(REQUEST_SCHEMA))
    extended = {
        **original,
        "properties": {**original["properties"], "tempo": {"type": "integer", "minimum": 40, "maximum": 240}},
        "required": [*original["required"], "tempo"],
    }
    title = spec_names().title
    item = {"x-rule-id": "tempo-slow-title", "properties": {title: {"maxLength": 7}}}
    extra_rule = Rule(len(_derive.rules()), "tempo-slow-title", title, "short titles", "test", (), item)
    rules = (*_derive.rules(), extra_rule)
    monkeypatch.setattr(_derive, "schema", lambda name: extended if name == REQUEST_SCHEMA else schema(name))
    monkeypatch.setattr(_derive, "rules", lambda: rules)
    _derive.mutants.cache_clear()
    try:
        names = {found.name for found in _derive.mutants()}
        strict_tempo = _derive.mutant("limit-strict:schema/tempo/minimum").mock_class(MockSettings())
        strict_title = _derive.mutant("limit-strict:tempo-slow-title/title/maxLength").mock_class(MockSettings())
    finally:
        monkeypatch.undo()
        _derive.mutants.cache_clear()
    assert {
        "rule-off:tempo-slow-title",
        "limit-loose:tempo-slow-title/title/maxLength",
        "limit-loose:schema/tempo/minimum",
        "limit-strict:schema/tempo/maximum",
        "type-coerced:tempo",
        "required-off:tempo",
    } <= names
    assert [v.rule_id for v in strict_tempo.validate_body(default_body({"tempo": 40}))] == ["schema.minimum"]
    assert strict_tempo.validate_body(default_body({"tempo": 41})) == []
    assert [v.rule_id for v in strict_title.validate_body(default_body(title="x" * 7))] == ["tempo-slow-title"]


def test_the_mutant_run_kills_every_mutant_and_the_faithful_mock_conforms(results: list[MutantResult]) -> None:
    """One run of every mutant and the faithful mock, judged three ways.

    (One test, not three: under pytest-xdist each worker would run the costly fixture for its share of them.)
    - The faithful mock, run exactly like the mutants, has no failure: every kill is the mutant's doing.
    - 100 % kill: every mutant of every family fails the suite, each with at least one failed check.
    - The table has a row per family with its mutant count, the overall score and the survivors by name.
    """
    faithful = [result for result in results if result.family == FAITHFUL]
    assert len(faithful) == 1
    assert faithful[0].exit_code == 0, faithful[0].checks
    assert not faithful[0].checks

    ran = [result for result in results if result.family != FAITHFUL]
    assert Counter(result.family for result in ran) == Counter(found.family for found in mutants())
    survivors = sorted(result.name for result in ran if not result.killed)
    assert not survivors, "mutants the suite does not kill:\n" + "\n".join(survivors)
    assert all(result.checks for result in ran)

    table = score_table(results)
    counts = Counter(found.family for found in mutants())
    for family, count in counts.items():
        assert any(line.split()[:2] == [family, str(count)] for line in table.splitlines()), family
    assert f"all  {sum(counts.values())}".replace("  ", " ") in " ".join(table.split())
    assert "faithful mock: conforms" in table


def test_main_refuses_an_unknown_family(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m suno_conformance.mutants no-such-family` exits 2 and names the known families."""
    assert main(["no-such-family"]) == 2
    assert "rule-off" in capsys.readouterr().err


def test_main_prints_the_table_and_fails_on_survivors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """main runs the named families only, prints the table, and exits 1 when a mutant survives, else 0."""
    asked: list[list[str]] = []

    def fake(names: list[str]) -> list[MutantResult]:
        asked.append(list(names))
        return [
            MutantResult(FAITHFUL, FAITHFUL, False, (), 0, 0.1),
            *(MutantResult(name, "auth-relaxed", name.endswith("any-token"), (), 1, 0.1) for name in names),
        ]

    monkeypatch.setattr(_main, "run_mutants", fake)
    assert main(["auth-relaxed"]) == 1
    assert asked == [[found.name for found in mutants() if found.family == "auth-relaxed"]]
    assert "SURVIVED auth-relaxed:bare-key" in capsys.readouterr().out
    monkeypatch.setattr(_main, "run_mutants", lambda names: [MutantResult(n, "x", True, ("c",), 1, 0) for n in names])
    assert main(["rule-off"]) == 0


def test_all_lists_every_public_name_sorted() -> None:
    """__all__ is exactly the public names, sorted like RUF022 (constants, classes, functions)."""
    module = suno_conformance.mutants
    public = {name for name in vars(module) if not name.startswith("_") and name.isidentifier()}
    assert set(module.__all__) == public

    def kind(name: str) -> tuple[int, str]:
        return (0, name) if name.isupper() else ((1, name) if name[0].isupper() else (2, name))

    assert module.__all__ == sorted(module.__all__, key=kind)
