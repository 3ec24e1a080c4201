"""Reports: the readable summary, the JSON report, and a token-free JUnit file.

Secrets are redacted from the values that go into a report, before it is serialised: redacting serialised XML
or JSON could rewrite its syntax (a key ``test`` would turn ``<testsuites>`` into ``<[REDACTED]suites>``) and
would miss a secret the serialiser escaped.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from xml.etree import ElementTree

import suno_api
from suno_api.cli import ExitCode
from suno_api.spec import effective_spec, effective_spec_path
from suno_conformance.suite._checks import CALLBACK_CHECKS, RESPONSE_CHECKS
from suno_conformance.suite._ledger import CALLBACK_LABEL, PHASES, RUN_LABEL, Ledger

if TYPE_CHECKING:
    from suno_conformance.suite._runtime import Run

DISTRIBUTION: Final = "suno-upload-extend"
# The exit codes of `suno-api conformance`, by pytest's exit status: 1 tests failed, 2 interrupted, 3 internal
# error, 4 usage error, 5 no tests collected (a run that judged nothing never conforms).
EXIT_OK: Final = int(ExitCode.OK)
EXIT_INVALID: Final = int(ExitCode.INVALID)
EXIT_USAGE: Final = int(ExitCode.USAGE)
EXIT_INTERNAL: Final = int(ExitCode.INTERNAL)
EXIT_FOR_PYTEST: Final = {0: EXIT_OK, 1: EXIT_INVALID, 2: EXIT_INVALID, 3: EXIT_INTERNAL, 4: EXIT_USAGE, 5: EXIT_USAGE}

_CHECK_ORDER = (
    *(check.__name__ for check in RESPONSE_CHECKS),
    *(check.__name__ for check in CALLBACK_CHECKS),
    "callbacks_delivered",
    "callback_stages",
    "callback_consistency",
    "callback_tracks_agree",
)
_WIDTH = 52
_HYPOTHESIS_PROPERTY = "hypothesis-statistics-"


def verdict(ledger: Ledger, *, fail_on_drift: bool = False) -> str:
    """Return ``CONFORMS``, ``CONFORMS, WITH SPEC DRIFT`` or ``DOES NOT CONFORM (...)``."""
    failures = ledger.all_failures()
    if failures or (fail_on_drift and ledger.drift):
        failed = ledger.failed_checks()
        extra = " and spec drift" if fail_on_drift and ledger.drift else ""
        return f"DOES NOT CONFORM ({failed} failed judgement(s), {len(failures)} distinct{extra})"
    if ledger.drift:
        return "CONFORMS, WITH SPEC DRIFT (upstream may have changed: see above)"
    return "CONFORMS"


def _labels(ledger: Ledger) -> list[str]:
    labels = list(dict.fromkeys(label for label, _ in ledger.counts))
    documented = sorted(
        label for label in labels if label.split(" ", 1)[0].isupper() and label not in (CALLBACK_LABEL,)
    )
    others = sorted(label for label in labels if label not in documented and label not in (CALLBACK_LABEL, RUN_LABEL))
    tail = [label for label in (CALLBACK_LABEL, RUN_LABEL) if label in labels]
    return documented + others + tail


def _check_rank(name: str) -> tuple[int, str]:
    return (_CHECK_ORDER.index(name), name) if name in _CHECK_ORDER else (len(_CHECK_ORDER), name)


def _phase_line(ledger: Ledger) -> str:
    phases = []
    for phase in PHASES:
        text = f"{phase} {ledger.sent.get(phase, 0)}"
        modes = [f"{mode} {n}" for (name, mode), n in sorted(ledger.modes.items()) if name == phase]
        if modes and phase in ("coverage", "fuzzing", "stateful"):
            text += f" ({', '.join(modes)})"
        if phase == "callbacks":
            text += f" (+{ledger.callbacks_received} callbacks received)"
        held = ledger.not_sent.get(phase, 0)
        if held:
            text += f" [+{held} not sent: live safety]"
        phases.append(text)
    return "cases    " + " | ".join(phases)


def _table(ledger: Ledger) -> list[str]:
    lines = [f"{'operation / check':<{_WIDTH}}{'passed':>8}{'failed':>8}{'skipped':>9}{'drift':>7}"]
    for label in _labels(ledger):
        lines.append(label)
        for name in sorted((name for (owner, name) in ledger.counts if owner == label), key=_check_rank):
            counts = ledger.counts[(label, name)]
            mark = "  <-- FAILED" if counts.failed else ""
            lines.append(
                f"  {name:<{_WIDTH - 2}}{counts.passed:>8}{counts.failed:>8}{counts.skipped:>9}{counts.drift:>7}{mark}"
            )
    return lines


def _findings(ledger: Ledger) -> list[str]:
    lines: list[str] = []
    if ledger.reached:
        reached = " | ".join(f"{label}: {count}" for label, count in sorted(ledger.reached.items()))
        lines.extend(["", f"answers with code 200: {reached}"])
    if ledger.drift:
        lines.extend(
            ["", "spec drift (values outside the documented lists: upstream may have changed; not a failure):"]
        )
        for entry in ledger.drift.values():
            times = f" (x{entry.count})" if entry.count > 1 else ""
            lines.append(f"  {entry.label}: {entry.finding}{times}")
    failures = ledger.all_failures()
    if failures:
        lines.extend(["", f"failures ({len(failures)} distinct):"])
        for failure in failures:
            lines.extend(f"  {line}" for line in failure.render().splitlines())
    if ledger.skips:
        lines.extend(["", "skipped (why each check could not judge):"])
        for (label, check, reason), count in sorted(ledger.skips.items()):
            times = f" (x{count})" if count > 1 else ""
            lines.append(f"  [{check}] {label}: {reason or 'no reason given'}{times}")
    if ledger.notes:
        lines.extend(["", "notes:", *(f"  {note}" for note in ledger.notes)])
    return lines


def _not_checked_lines(run: Run) -> list[str]:
    entries = run.not_checked()
    if not entries:
        return []
    return ["", "not checked (set what each line says to check it):", *(f"  {entry.render()}" for entry in entries)]


def _errata_lines(run: Run) -> list[str]:
    entries = run.errata_not_judged()
    if not entries:
        return []
    lines = ["", "ERRATA not judged (spec/ERRATA.md says a server need not enforce them, or they cannot be sent):"]
    lines.extend(f"  {entry['id']} {entry['title']}: {entry['reason']}" for entry in entries)
    return lines


def render_summary(run: Run) -> str:
    """Return the readable summary of ``run``: target, cases per phase, the per-check table, drift, failures."""
    ledger = run.ledger
    lines = ["", "=" * 30 + " conformance summary " + "=" * 30]
    if run.started:
        lines.append(f"target   {run.target.describe()}")
    lines.append(f"safety   {run.safety.describe()}")
    lines.append(f"seed     {run.seed} (rerun the same cases: SUNO_CONFORMANCE_SEED={run.seed})")
    if run.elapsed:
        lines.append(f"time     {run.elapsed:.1f} s")
    if run.receiver is not None:
        lines.append(f"callbacks {run.receiver.base_url}/callbacks/... (listening on {run.receiver.listening})")
    lines.extend(
        [_phase_line(ledger), "", *_table(ledger), *_findings(ledger), *_not_checked_lines(run), *_errata_lines(run)]
    )
    gaps = ", ".join(entry.what for entry in run.not_checked())
    unchecked = f" (NOT CHECKED: {gaps})" if gaps else ""
    lines.extend(["", f"VERDICT: {verdict(ledger, fail_on_drift=run.options.fail_on_drift)}{unchecked}", ""])
    return ledger.redact("\n".join(lines))


def junit_properties(run: Run) -> dict[str, str]:
    """Return the run's figures as JUnit properties (``conformance.verdict``, ``conformance.cases.fuzzing``...)."""
    ledger = run.ledger
    found = {
        "conformance.verdict": verdict(ledger, fail_on_drift=run.options.fail_on_drift),
        "conformance.target": run.target.describe() if run.started else "",
        "conformance.safety": run.safety.describe(),
        "conformance.seed": str(run.seed),
        "conformance.failures": str(len(ledger.all_failures())),
        "conformance.drift": str(len(ledger.drift)),
        "conformance.callbacks_received": str(ledger.callbacks_received),
    }
    found.update({f"conformance.cases.{phase}": str(ledger.sent.get(phase, 0)) for phase in PHASES})
    spec = spec_identity()
    found["conformance.spec.version"] = str(spec["version"])
    found["conformance.spec.sha256"] = str(spec["sha256"])
    found["conformance.suite.version"] = str(our_version())
    for entry in run.not_checked():
        found[f"conformance.not_checked.{entry.what.replace(' ', '_')}"] = f"{entry.reason}; {entry.remedy}"
    return found


def our_version() -> str | None:
    """Return the installed version of this project (``suno_api.__version__`` when it is not installed)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        found = getattr(suno_api, "__version__", None)
        return str(found) if found is not None else None


def spec_identity() -> dict[str, Any]:
    """Return the effective spec's ``info.version`` and the sha256 of its file (what the run judged against)."""
    info = effective_spec().get("info", {})
    path = effective_spec_path()
    return {
        "title": info.get("title"),
        "version": info.get("version"),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def _redacted(value: Any, ledger: Ledger) -> Any:
    if isinstance(value, str):
        return ledger.redact(value)
    if isinstance(value, Mapping):
        # Keys are the report's own names and labels, never an echo of the target: only values are redacted.
        return {str(key): _redacted(item, ledger) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item, ledger) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return ledger.redact(str(value))


def report_data(run: Run) -> dict[str, Any]:
    """Return the JSON report of ``run``: the verdict first, then what was tested, how, and every judgement."""
    target: dict[str, Any] | None = None
    if run.started:
        target = {
            "kind": run.target.kind,
            "url": run.target.public_url,
            "live": run.target.live,
            "description": run.target.describe(),
        }
    receiver = run.receiver
    not_checked = run.not_checked()
    data = {
        "conforms": run.exit_code == EXIT_OK,
        "exit_code": run.exit_code,
        "verdict": verdict(run.ledger, fail_on_drift=run.options.fail_on_drift),
        "suite": {"distribution": DISTRIBUTION, "version": our_version()},
        "spec": spec_identity(),
        "target": target,
        "callbacks": {
            "checked": not any(entry.what == "callbacks" for entry in not_checked),
            "signatures_checked": not any(entry.what == "callback signatures" for entry in not_checked),
            "url": receiver.base_url if receiver is not None else None,
            "listening": receiver.listening if receiver is not None else None,
        },
        "not_checked": [{"what": e.what, "reason": e.reason, "remedy": e.remedy} for e in not_checked],
        "not_judged": run.errata_not_judged(),
        "seed": run.seed,
        "elapsed_seconds": round(run.elapsed, 3),
        "safety": run.safety.describe(),
        **run.ledger.snapshot(),
    }
    redacted: dict[str, Any] = _redacted(data, run.ledger)
    return redacted


def write_json(run: Run, path: Path) -> None:
    """Write the JSON report of ``run`` to ``path`` (secrets redacted from every value)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report_data(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _redact_tree(root: ElementTree.Element, ledger: Ledger) -> None:
    """Redact every attribute value and every text of ``root``'s tree (never the markup around them)."""
    for element in root.iter():
        element.attrib.update({name: ledger.redact(value) for name, value in element.attrib.items()})
        if element.text:
            element.text = ledger.redact(element.text)
        if element.tail:
            element.tail = ledger.redact(element.tail)


def clean_junit(
    path: Path, ledger: Ledger, properties: Mapping[str, str] | None = None, summary: str | None = None
) -> None:
    """Rewrite the JUnit report: drop hypothesis's statistics, add the run's figures, redact every value.

    The statistics are base64 properties that say nothing about conformance, and a secret inside base64 would
    escape the redaction: they go. ``properties`` (verdict, cases per phase...) become ``<property>`` elements of
    the test suite and ``summary`` its ``<system-out>``, so that the report stands on its own in a CI viewer.
    """
    if not path.is_file():
        return
    tree = ElementTree.parse(path)  # noqa: S314 - our own report, written by pytest a moment ago
    for found in tree.getroot().iter("properties"):
        for prop in list(found):
            if prop.get("name", "").startswith(_HYPOTHESIS_PROPERTY):
                found.remove(prop)
    for parent in tree.getroot().iter():
        for child in list(parent):
            if child.tag == "properties" and not list(child):
                parent.remove(child)
    for suite in tree.getroot().iter("testsuite"):
        if properties:
            element = ElementTree.Element("properties")
            for name, value in properties.items():
                ElementTree.SubElement(element, "property", name=name, value=value)
            suite.insert(0, element)
        if summary:
            ElementTree.SubElement(suite, "system-out").text = summary
    _redact_tree(tree.getroot(), ledger)
    text = ElementTree.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>' + text, encoding="utf-8")
