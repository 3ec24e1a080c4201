"""The whole "upstream published a new spec" flow, on a copy of the checkout and a later version of upstream's page.

The later version (spec/UPSTREAM.md section 5: V4_5ALL and V5_5 added, V3_5 dropped, `personaModel` added, 8-minute
uploads) is tests/fixtures/upstream-later/change.yaml: the edits upstream made, applied at test time to today's
spec/suno-api.yaml, so that the flow follows every upgrade of the vendored spec. The test walks the README's steps:
diff, read the overlay problems and coverage gaps, edit the overlays, check coverage, regenerate, type-check and
use the new client. Nothing outside the temporary copy is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from suno_api import spec
from suno_api.spec import SpecNames, names
from suno_api_build._build import BuildError, build_effective_spec, check, generate
from suno_api_build._specdiff import (
    EXIT_CHANGED,
    EXIT_OVERLAYS_NEED_EDIT,
    CoverageReport,
    DiffReport,
    check_spec_coverage,
    compare,
)
from tests.golden import Golden
from tests.spec.upstream_later import GOLDEN_COMMAND, Change, StaleChangeError, later_spec, load_changes

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "upstream-later"
# What the reports say about the later version: output of the tools, compared section by section and rewritten by
# `SUNO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/specflow/test_upstream_change.py` when the vendored spec moves.
GOLDEN = FIXTURES / "reports.json"
LATER_UPLOAD_SECONDS = 8 * 60
"""The later version's upload limit (its "does not exceed 8 minutes")."""
LIMIT_SENTENCE = re.compile(r"\*\*([^*]+)\*\*: Maximum (\d+) characters")
"""A per-model character limit as upstream's field descriptions state it: ``**V4_5PLUS & V4_5**: Maximum 5000 ...``."""


def fingerprint() -> dict[str, str]:
    """Hash every committed file the flow could touch if it wrote outside its copy."""
    paths = [ROOT / "spec" / "suno-api.yaml", *sorted((ROOT / "overlays").glob("*.yaml"))]
    paths += sorted(
        path for path in (ROOT / "generated").rglob("*") if path.is_file() and "__pycache__" not in path.parts
    )
    return {str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


@pytest.fixture
def checkout(tmp_path: Path) -> Iterator[Path]:
    """A copy of what the build reads and writes; the committed checkout must be the same afterwards."""
    before = fingerprint()
    copy_root = tmp_path / "checkout"
    for part in ("spec", "overlays", "generated"):
        shutil.copytree(ROOT / part, copy_root / part, ignore=shutil.ignore_patterns("__pycache__", "suno_api"))
    yield copy_root
    assert fingerprint() == before, "the flow wrote into the committed checkout"


def descriptions(report: DiffReport) -> list[str]:
    return [change.to_dict()["description"] for change in report.diff.changes]


def gaps(report: DiffReport | CoverageReport) -> list[tuple[str, str]]:
    return [(gap.kind, gap.subject) for gap in report.gaps]


def stated_limits(description: str) -> list[tuple[str, list[str], int]]:
    """Return each per-model limit sentence of a field's description, its models and its limit."""
    squashed = " ".join(description.split())
    return [(found[0], found[1].split(" & "), int(found[2])) for found in LIMIT_SENTENCE.finditer(squashed)]


def edit_rules(path: Path, later: Mapping[str, Any]) -> None:
    """Bring the rules overlay up to the later spec, as a user does reading its page: quote it, move the models.

    Each limits rule keeps its id and its limit; its models become those the later field description gives that
    limit, and its source the sentences saying so. The upload rule quotes the later page's duration.
    """
    overlay = yaml.safe_load(path.read_text(encoding="utf-8"))
    request = later["components"]["schemas"][spec.REQUEST_SCHEMA]
    enum = later["components"]["schemas"]["SunoModel"]["enum"]
    model = names().model
    descriptions = " ".join(
        " ".join(str(item.get("description", "")).split()) for item in request["properties"].values()
    )
    for action in overlay["actions"]:
        update = action.get("update", {})
        for rule in update.get("allOf", []):
            if "x-rule-models" not in rule:
                continue
            field = rule["x-rule-field"]
            limit = rule["then"]["properties"][field]["maxLength"]
            stated = [item for item in stated_limits(request["properties"][field]["description"]) if item[2] == limit]
            models = [name for name in enum if any(name in group for _, group, _ in stated)]
            assert models, f"the later {field} description gives no model {limit} characters: {rule['x-rule-id']}"
            rule["x-rule-models"] = models
            # a new object: the rules share their `if` through YAML anchors
            rule["if"] = {"required": [model], "properties": {model: {"enum": models}}}
            rule["x-rule-source"] = "; ".join(sentence for sentence, _, _ in stated)
        for rule in update.get("x-audio-rules", []):
            if "x-max-duration-seconds" in rule:
                stated_minutes = f"{rule['x-max-duration-seconds'] // 60} minutes"
                assert stated_minutes in rule["x-rule-source"], rule
                sentence = re.escape(rule["x-rule-source"]).replace(re.escape(stated_minutes), r"(\d+) minutes", 1)
                found = re.search(sentence, descriptions)
                assert found, f"the later spec no longer says {rule['x-rule-source']!r} with another duration"
                rule["x-max-duration-seconds"] = int(found[1]) * 60
                rule["x-rule-source"] = found[0]
    path.write_text(yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True), encoding="utf-8")


def add_flatten_action(path: Path, suggestion: str) -> None:
    """Insert the action the report suggests after the last flatten action of a request field, as a user would."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(
        index
        for index, line in enumerate(lines)
        if line.lstrip().startswith("copy:") and ".requestBody." in line and line.rstrip().endswith('.allOf[0]"')
    )
    path.write_text("".join([*lines[: last + 1], suggestion, *lines[last + 1 :]]), encoding="utf-8")


def drop_role(path: Path, role: str) -> None:
    """Remove ``role``'s line from the normalise overlay's x-names, as the report asks when its name is gone."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.strip().startswith(f"{role}:")]
    assert len(kept) == len(lines) - 1, role
    path.write_text("".join(kept), encoding="utf-8")


def request_validator(effective: dict[str, Any]) -> jsonschema_rs.Validator:
    # as suno_api._validation builds it, but for a given effective spec rather than the installed one
    document = {**effective["components"]["schemas"][spec.REQUEST_SCHEMA], "components": effective["components"]}
    return jsonschema_rs.validator_for(document, validate_formats=True)


def later_body() -> dict[str, Any]:
    """A custom-mode body only the later spec accepts: its new model and field, at that model's title limit."""
    spelled = names()
    return {
        spelled.upload_url: "https://storage.example.com/upload",
        spelled.default_param_flag: True,
        spelled.instrumental: True,
        spelled.style: "s" * 1000,
        spelled.title: "t" * 80,
        spelled.continue_at: 60,
        spelled.model: "V4_5ALL",
        spelled.callback_url: "https://api.example.com/callback",
        spelled.persona_id: "persona_123",
        "personaModel": "voice_persona",
    }


USE_THE_CLIENT = """
from suno_api_client.models import SunoModel, UploadExtendRequest, UploadExtendRequestPersonaModel
import json, sys, suno_api_client
assert suno_api_client.__file__.startswith(sys.argv[1]), suno_api_client.__file__
body = json.loads(sys.argv[2])
request = UploadExtendRequest.from_dict(body)
assert request.model is SunoModel.V4_5ALL and SunoModel("V5_5") is SunoModel.V5_5
assert request.persona_model is UploadExtendRequestPersonaModel.VOICE_PERSONA
assert request.additional_properties == {}
assert request.to_dict() == body
try:
    SunoModel(sys.argv[3])
except ValueError:
    print("ok")
"""


def test_a_change_keeps_the_indentation_of_where_it_goes() -> None:
    """Later lines of `replace` and `with` are written relative to the line the match starts on."""
    change = Change(
        1, "a field after the title", "{title}:\n  type: string\n", "{title}:\n  type: string\nx:\n\n  y: 1\n", 1
    )
    text = f"    a: 1\n    {names().title}:\n      type: string\n    b: 2\n"
    assert (
        change.apply(text, names())
        == f"    a: 1\n    {names().title}:\n      type: string\n    x:\n\n      y: 1\n    b: 2\n"
    )


def test_a_change_that_no_longer_applies_names_itself_and_what_to_do() -> None:
    """A vendored spec the later version's edits no longer match fails naming the change, its count and the fix."""
    first, *_ = load_changes()
    with pytest.raises(StaleChangeError) as raised:
        first.apply("openapi: 3.1.0\n", names())
    message = str(raised.value)
    assert f"change.yaml: change 1 ({first.why}) no longer applies" in message
    assert f"occurs 0 times, not {first.count}" in message
    assert "rewrite its `replace`/`with` against today's spec/suno-api.yaml" in message
    assert f"SUNO_UPDATE_GOLDEN=1 {GOLDEN_COMMAND}" in message


def test_a_change_naming_a_role_the_spec_lost_says_so() -> None:
    """A {role} whose name is gone from today's spec (upstream removed it) is named with the change."""
    change = next(change for change in load_changes() if "{model_v3_5}" in change.replace)
    document = json.loads(json.dumps(spec.effective_spec()))
    document["components"]["schemas"]["SunoModel"]["enum"].remove(names().model_v3_5)
    with pytest.raises(StaleChangeError, match=rf"change {change.number} .*\{{model_v3_5\}} names nothing"):
        change.apply("", SpecNames(document))


def test_upstream_publishes_a_later_spec(checkout: Path) -> None:
    spec_path = checkout / "spec" / "suno-api.yaml"
    later = later_spec(checkout.parent / "later-suno-api.yaml", ROOT / "spec" / "suno-api.yaml")
    golden = Golden(GOLDEN, GOLDEN_COMMAND)
    spelled = names()

    # 1. The diff lists exactly what changed, and why the overlays cannot build the candidate yet.
    report = compare(spec_path, later, root=checkout)
    golden.check("candidate changes", descriptions(report))
    wrapper, dead_name = report.new.problems
    # The removed model's x-names role (the mock names its tracks after it) must go too.
    assert (dead_name.overlay, dead_name.target) == ("overlays/normalise.overlay.yaml", "$")
    assert f"role 'model_v3_5' points at {spelled.pointer('model_v3_5')}" in dead_name.message
    assert wrapper.overlay == "overlays/normalise.overlay.yaml"
    assert wrapper.target == (
        f"$.paths['{spelled.submit_path}'].post.requestBody.content['application/json'].schema.properties.personaModel"
    )
    assert wrapper.suggestion is not None
    golden.check("candidate gaps", [f"{kind} {subject}" for kind, subject in gaps(report)])
    assert all(gap.edit == "overlays/rules.overlay.yaml" for gap in report.gaps)
    assert report.exit_code == EXIT_OVERLAYS_NEED_EDIT
    with pytest.raises(BuildError, match="personaModel"):
        build_effective_spec(later, checkout / "overlays")

    # 2. Vendor the candidate; edit the overlays as the report says.
    committed_effective = checkout / "generated" / "suno-api.effective.json"
    old_spec = shutil.copyfile(spec_path, checkout / "old-suno-api.yaml")
    shutil.copyfile(later, spec_path)
    normalise = checkout / "overlays" / "normalise.overlay.yaml"
    add_flatten_action(normalise, wrapper.suggestion)
    drop_role(normalise, "model_v3_5")
    edit_rules(checkout / "overlays" / "rules.overlay.yaml", build_effective_spec(spec_path, checkout / "overlays"))
    coverage = check_spec_coverage(spec_path, root=checkout)
    assert (coverage.spec.problems, coverage.gaps, coverage.exit_code) == ((), (), 0)

    # 3. Against the effective spec the client was built from, the diff now shows the rules' changes too.
    report = compare(committed_effective, spec_path, root=checkout)
    assert report.exit_code == EXIT_CHANGED
    golden.check("changes after the edits", descriptions(report))
    # Against the old vendored spec, the action added for personaModel cannot apply: a note, not an error.
    report = compare(old_spec, spec_path, root=checkout)
    assert report.exit_code == EXIT_CHANGED
    assert [problem.target for problem in report.old.problems] == [wrapper.target]

    # 4. Regenerate; the drift gate agrees; the new package passes mypy --strict with the project's settings.
    generate(checkout)
    assert check(checkout) == ""
    typecheck = subprocess.run(  # noqa: S603 - fixed command
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(checkout.parent / "mypy-cache"),
            "suno_api_client",
        ],
        cwd=checkout / "generated",
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    assert typecheck.returncode == 0, typecheck.stdout + typecheck.stderr

    # 5. The new client knows the new models and field, and the new rules hold.
    body = later_body()
    used = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", USE_THE_CLIENT, str(checkout / "generated"), json.dumps(body), spelled.model_v3_5],
        env={**os.environ, "PYTHONPATH": str(checkout / "generated")},
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    assert (used.returncode, used.stdout) == (0, "ok\n"), used.stderr
    effective = json.loads(committed_effective.read_text(encoding="utf-8"))
    validator = request_validator(effective)
    assert validator.is_valid(body)
    assert not validator.is_valid({**body, spelled.title: "t" * 81})  # V4_5ALL: title 80
    assert validator.is_valid({**body, spelled.model: "V5_5", spelled.title: "t" * 100})
    assert not validator.is_valid({**body, spelled.model: "V5_5", spelled.style: "s" * 1001})
    assert not validator.is_valid({**body, spelled.model: spelled.model_v3_5})
    assert not request_validator(json.loads((ROOT / "generated" / "suno-api.effective.json").read_text())).is_valid(
        body
    ), "the committed client must still reject V4_5ALL"
    audio = effective["components"]["schemas"][spec.REQUEST_SCHEMA]["x-audio-rules"]
    assert [rule.get("x-max-duration-seconds") for rule in audio] == [None, LATER_UPLOAD_SECONDS]
