"""The whole "upstream published a new spec" flow, on a copy of the checkout and a later version of upstream's page.

The fixture (tests/fixtures/upstream-later/suno-api.yaml) is spec/suno-api.yaml as upstream documents it later
(spec/UPSTREAM.md section 5): V4_5ALL and V5_5 added, V3_5 dropped, `personaModel` added, 8-minute uploads. The test
walks the README's steps: diff, read the overlay problems and coverage gaps, edit the overlays, check coverage,
regenerate, type-check and use the new client. Nothing outside the temporary copy is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

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

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "upstream-later" / "suno-api.yaml"
# What the reports say about the fixture: output of the tools, compared section by section and rewritten by
# `SUNO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/specflow/test_upstream_change.py` when the vendored spec moves.
GOLDEN = ROOT / "tests" / "fixtures" / "upstream-later" / "reports.json"

# What a user writes into overlays/rules.overlay.yaml after reading the report: rule id -> (models, source).
# The ids stay (they are never renamed); V3_5 goes, V4_5ALL and V5_5 join the rules whose limits they share.
LATER_LIMITS = {
    "prompt-max-length-3000": (["V4"], "**V4**: Maximum 3000 characters"),
    "prompt-max-length-5000": (
        ["V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5"],
        "**V5_5**: Maximum 5000 characters; **V5**: Maximum 5000 characters; **V4_5PLUS & V4_5**: Maximum 5000"
        " characters; **V4_5ALL**: Maximum 5000 characters",
    ),
    "style-max-length-200": (["V4"], "**V4**: Maximum 200 characters"),
    "style-max-length-1000": (
        ["V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5"],
        "**V5_5**: Maximum 1000 characters; **V5**: Maximum 1000 characters; **V4_5PLUS & V4_5**: Maximum 1000"
        " characters; **V4_5ALL**: Maximum 1000 characters",
    ),
    "title-max-length-80": (["V4", "V4_5ALL"], "**V4_5ALL**: Maximum 80 characters; **V4**: Maximum 80 characters"),
    "title-max-length-100": (
        ["V4_5", "V4_5PLUS", "V5", "V5_5"],
        "**V5_5**: Maximum 100 characters; **V5**: Maximum 100 characters; **V4_5PLUS & V4_5**: Maximum 100 characters",
    ),
}


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


def edit_rules(path: Path) -> None:
    """Bring the rules overlay up to the later spec: limits for the new models, none for V3_5, 8-minute uploads."""
    overlay = yaml.safe_load(path.read_text(encoding="utf-8"))
    for action in overlay["actions"]:
        update = action.get("update", {})
        for rule in update.get("allOf", []):
            if rule["x-rule-id"] in LATER_LIMITS:
                models, source = LATER_LIMITS[rule["x-rule-id"]]
                field = rule["x-rule-field"]
                limit = rule["then"]["properties"][field]["maxLength"]
                named = f"{', '.join(models[:-1])} or {models[-1]}" if len(models) > 1 else models[0]
                rule["x-rule-models"] = models
                # a new object: the rules share their `if` through YAML anchors
                rule["if"] = {"required": ["model"], "properties": {"model": {"enum": models}}}
                rule["x-rule-message"] = f"With model {named}, `{field}` may have at most {limit} characters."
                rule["x-rule-source"] = source
        for rule in update.get("x-audio-rules", []):
            if rule["x-rule-id"] == "upload-duration-limit":
                rule["x-max-duration-seconds"] = 480
                rule["x-rule-source"] = "Ensure the uploaded audio does not exceed 8 minutes in length."
    path.write_text(yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True), encoding="utf-8")


def add_flatten_action(path: Path, suggestion: str) -> None:
    """Insert the action the report suggests after the last flatten action, as a user would."""
    text = path.read_text(encoding="utf-8")
    last_flatten = 'schema.properties.personaId.allOf[0]"\n'
    assert text.count(last_flatten) == 1
    path.write_text(text.replace(last_flatten, last_flatten + suggestion), encoding="utf-8")


def request_validator(effective: dict[str, Any]) -> jsonschema_rs.Validator:
    # as suno_api._validation builds it, but for a given effective spec rather than the installed one
    document = {**effective["components"]["schemas"]["UploadExtendRequest"], "components": effective["components"]}
    return jsonschema_rs.validator_for(document, validate_formats=True)


BODY = {
    "uploadUrl": "https://storage.example.com/upload",
    "defaultParamFlag": True,
    "instrumental": True,
    "style": "s" * 1000,
    "title": "t" * 80,
    "continueAt": 60,
    "model": "V4_5ALL",
    "callBackUrl": "https://api.example.com/callback",
    "personaId": "persona_123",
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
    SunoModel("V3_5")
except ValueError:
    print("ok")
"""


def test_upstream_publishes_a_later_spec(checkout: Path) -> None:
    spec = checkout / "spec" / "suno-api.yaml"
    golden = Golden(GOLDEN, ".venv/bin/pytest tests/specflow/test_upstream_change.py")

    # 1. The diff lists exactly what changed, and why the overlays cannot build the candidate yet.
    report = compare(spec, FIXTURE, root=checkout)
    golden.check("candidate changes", descriptions(report))
    wrapper, dead_name = report.new.problems
    # The removed model's x-names role (the mock names its tracks after it) must go too.
    assert (dead_name.overlay, dead_name.target) == ("overlays/normalise.overlay.yaml", "$")
    assert "role 'model_v3_5' points at /components/schemas/SunoModel/enum/V3_5" in dead_name.message
    assert wrapper.overlay == "overlays/normalise.overlay.yaml"
    assert wrapper.target == (
        "$.paths['/api/v1/generate/upload-extend'].post.requestBody.content['application/json']"
        ".schema.properties.personaModel"
    )
    assert wrapper.suggestion is not None
    golden.check("candidate gaps", [f"{kind} {subject}" for kind, subject in gaps(report)])
    assert all(gap.edit == "overlays/rules.overlay.yaml" for gap in report.gaps)
    assert report.exit_code == EXIT_OVERLAYS_NEED_EDIT
    with pytest.raises(BuildError, match="personaModel"):
        build_effective_spec(FIXTURE, checkout / "overlays")

    # 2. Vendor the candidate; edit the overlays as the report says.
    committed_effective = checkout / "generated" / "suno-api.effective.json"
    old_spec = shutil.copyfile(spec, checkout / "old-suno-api.yaml")
    shutil.copyfile(FIXTURE, spec)
    edit_rules(checkout / "overlays" / "rules.overlay.yaml")
    add_flatten_action(checkout / "overlays" / "normalise.overlay.yaml", wrapper.suggestion)
    normalise = checkout / "overlays" / "normalise.overlay.yaml"
    lines = normalise.read_text(encoding="utf-8").splitlines(keepends=True)
    normalise.write_text("".join(line for line in lines if not line.strip().startswith("model_v3_5:")), "utf-8")
    coverage = check_spec_coverage(spec, root=checkout)
    assert (coverage.spec.problems, coverage.gaps, coverage.exit_code) == ((), (), 0)

    # 3. Against the effective spec the client was built from, the diff now shows the rules' changes too.
    report = compare(committed_effective, spec, root=checkout)
    assert report.exit_code == EXIT_CHANGED
    golden.check("changes after the edits", descriptions(report))
    # Against the old vendored spec, the action added for personaModel cannot apply: a note, not an error.
    report = compare(old_spec, spec, root=checkout)
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
        text=True,
        check=False,
    )
    assert typecheck.returncode == 0, typecheck.stdout + typecheck.stderr

    # 5. The new client knows the new models and field, and the new rules hold.
    used = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", USE_THE_CLIENT, str(checkout / "generated"), json.dumps(BODY)],
        env={**os.environ, "PYTHONPATH": str(checkout / "generated")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (used.returncode, used.stdout) == (0, "ok\n"), used.stderr
    effective = json.loads(committed_effective.read_text(encoding="utf-8"))
    validator = request_validator(effective)
    assert validator.is_valid(BODY)
    assert not validator.is_valid({**BODY, "title": "t" * 81})  # V4_5ALL: title 80
    assert validator.is_valid({**BODY, "model": "V5_5", "title": "t" * 100})
    assert not validator.is_valid({**BODY, "model": "V5_5", "style": "s" * 1001})
    assert not validator.is_valid({**BODY, "model": "V3_5"})
    assert not request_validator(json.loads((ROOT / "generated" / "suno-api.effective.json").read_text())).is_valid(
        BODY
    ), "the committed client must still reject V4_5ALL"
    audio = effective["components"]["schemas"]["UploadExtendRequest"]["x-audio-rules"]
    assert [rule.get("x-max-duration-seconds") for rule in audio] == [None, 480]
