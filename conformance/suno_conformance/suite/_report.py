"""Reports: the readable summary, the JSON snapshot, and a token-free JUnit file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from suno_conformance.suite._checks import CALLBACK_CHECKS, RESPONSE_CHECKS
from suno_conformance.suite._ledger import CALLBACK_LABEL, PHASES, RUN_LABEL, Ledger

if TYPE_CHECKING:
    from suno_conformance.suite._runtime import Run

_CHECK_ORDER = (
    *(check.__name__ for check in RESPONSE_CHECKS),
    *(check.__name__ for check in CALLBACK_CHECKS),
    "callbacks_delivered",
    "callback_consistency",
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
    if ledger.notes:
        lines.extend(["", "notes:", *(f"  {note}" for note in ledger.notes)])
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
    lines.extend([_phase_line(ledger), "", *_table(ledger), *_findings(ledger)])
    lines.extend(["", f"VERDICT: {verdict(ledger, fail_on_drift=run.options.fail_on_drift)}", ""])
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
    return found


def write_json(run: Run, path: Path) -> None:
    """Write the ledger as JSON next to the JUnit report (token redacted)."""
    data = {
        "verdict": verdict(run.ledger, fail_on_drift=run.options.fail_on_drift),
        "target": run.target.describe() if run.started else None,
        "seed": run.seed,
        "elapsed_seconds": round(run.elapsed, 3),
        "safety": run.safety.describe(),
        **run.ledger.snapshot(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(run.ledger.redact(json.dumps(data, indent=2, default=str)) + "\n", encoding="utf-8")


def clean_junit(
    path: Path, ledger: Ledger, properties: Mapping[str, str] | None = None, summary: str | None = None
) -> None:
    """Rewrite the JUnit report: drop hypothesis's statistics, add the run's figures, redact every secret.

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
    text = ElementTree.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>' + ledger.redact(text), encoding="utf-8")
