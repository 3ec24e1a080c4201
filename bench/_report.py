"""Rows of the benchmark table: what was measured, the verdict, the printed table and ``reports/bench.json``."""

from __future__ import annotations

import json
import math
import operator
import os
import platform
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from bench._measure import Paired, Summary

Verdict = Literal["pass", "miss", "blocked", "error"]
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}


@attrs.frozen
class Target:
    """What a row must achieve: ``subject op value`` (``ratio <= 1.10``, ``ours < 50``).

    Attributes:
        subject: ``ratio`` (ours / baseline, per pair) or ``ours`` (an absolute figure).
        op: One of ``<=``, ``<``, ``>=``, ``>``.
        value: The bound.
    """

    subject: Literal["ratio", "ours"]
    op: str = attrs.field(validator=attrs.validators.in_(tuple(_OPERATORS)))
    value: float

    def met(self, figure: float) -> bool:
        """Return whether ``figure`` meets the target (NaN never does)."""
        return not math.isnan(figure) and _OPERATORS[self.op](figure, self.value)

    def __str__(self) -> str:
        if self.subject == "ratio":
            return f"{self.op} {self.value:g}x"
        return f"{self.op} {self.value:g}"


@attrs.frozen
class Row:
    """One row of the table.

    Attributes:
        key: Its number in the issue (``1a``, ``4b``...).
        title: What it compares.
        unit: The unit of ``ours`` and ``baseline`` as displayed (``ms/submit``, ``req/s``...).
        scale: Multiplier from the stored base unit (seconds, requests/s, MB) to the displayed one.
        target: What the row must achieve.
        verdict: ``pass``, ``miss``, ``blocked`` (a piece it needs does not exist yet) or ``error``.
        ours: Our side's measurements (``None`` when blocked or failed).
        baseline: The baseline's measurements (``None`` for an absolute row without one).
        ratio: The per-pair ratios ours / baseline.
        note: What the numbers mean, what is included, or why the row is blocked or missed.
        details: Extra JSON-ready facts (profile excerpts, distributions).
    """

    key: str
    title: str
    unit: str
    scale: float
    target: Target
    verdict: Verdict
    ours: Summary | None = None
    baseline: Summary | None = None
    ratio: Summary | None = None
    note: str = ""
    details: dict[str, Any] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the row as JSON-ready data (values in base units: seconds, requests/s, cases/s, MB)."""
        return {
            "key": self.key,
            "title": self.title,
            "unit": self.unit,
            "scale": self.scale,
            "target": {"subject": self.target.subject, "op": self.target.op, "value": self.target.value},
            "target_text": str(self.target),
            "verdict": self.verdict,
            "ours": None if self.ours is None else self.ours.to_json(),
            "baseline": None if self.baseline is None else self.baseline.to_json(),
            "ratio": None if self.ratio is None else self.ratio.to_json(),
            "note": self.note,
            "details": self.details,
        }


def paired_row(
    key: str,
    title: str,
    *,
    unit: str,
    scale: float,
    target: Target,
    paired: Paired,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> Row:
    """Return the row of an interleaved measurement, judged on its median per-pair ratio (or our median)."""
    figure = paired.ours.median if target.subject == "ours" else paired.ratio.median
    verdict: Verdict = "pass" if target.met(figure) else "miss"
    return Row(
        key,
        title,
        unit,
        scale,
        target,
        verdict,
        ours=paired.ours,
        baseline=paired.baseline,
        ratio=paired.ratio,
        note=note,
        details=details or {},
    )


def unavailable_row(
    key: str, title: str, *, unit: str, scale: float, target: Target, verdict: Verdict, note: str
) -> Row:
    """Return a row that could not be measured: ``blocked`` (a piece is missing) or ``error`` (it crashed)."""
    return Row(key, title, unit, scale, target, verdict, note=note)


def _figure(value: float, scale: float) -> str:
    shown = value * scale
    if shown == 0 or math.isnan(shown):
        return f"{shown:g}"
    magnitude = abs(shown)
    if magnitude >= 100:
        return f"{shown:,.0f}"
    if magnitude >= 10:
        return f"{shown:.1f}"
    if magnitude >= 1:
        return f"{shown:.2f}"
    return f"{shown:.3f}"


def _cell(summary: Summary | None, scale: float) -> str:
    if summary is None:
        return "-"
    return (
        f"{_figure(summary.median, scale)} [{_figure(summary.q1, scale)}-{_figure(summary.q3, scale)}] n={summary.runs}"
    )


def _ratio_cell(summary: Summary | None) -> str:
    if summary is None:
        return "-"
    return f"{summary.median:.2f}x [{summary.q1:.2f}-{summary.q3:.2f}]"


def table_lines(rows: Sequence[Row], *, markdown: bool = False) -> list[str]:
    """Return the table: row, what, ours, baseline, ratio, target, result (medians with [IQR] and runs)."""
    header = ("row", "what", "unit", "ours", "baseline", "ratio", "target", "result")
    body = [
        (
            row.key,
            row.title,
            row.unit,
            _cell(row.ours, row.scale),
            _cell(row.baseline, row.scale),
            _ratio_cell(row.ratio),
            f"{'ratio' if row.target.subject == 'ratio' else 'ours'} {row.target}",
            row.verdict.upper(),
        )
        for row in rows
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines.extend("| " + " | ".join(cells) + " |" for cells in body)
        return lines
    widths = [max(len(cells[index]) for cells in (header, *body)) for index in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines.extend(
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() for cells in body
    )
    return lines


def note_lines(rows: Sequence[Row]) -> list[str]:
    """Return one paragraph per row with a note: what it includes, or why it missed or was blocked."""
    return [f"[{row.key}] {row.note}" for row in rows if row.note]


def machine() -> dict[str, Any]:
    """Return the facts that make absolute numbers comparable: CPU, cores, Python, platform."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
    }


def write_json(path: Path, rows: Sequence[Row], settings: dict[str, Any], seconds: float) -> None:
    """Write ``reports/bench.json``: machine, settings, and every row in base units."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": machine(),
        "settings": settings,
        "seconds": round(seconds, 1),
        "rows": [row.to_json() for row in rows],
    }
    path.write_text(json.dumps(_finite(document), indent=2, allow_nan=False) + "\n", encoding="utf-8")


def _finite(value: Any) -> Any:
    """Return ``value`` with NaN and infinities replaced by ``None`` (strict JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
