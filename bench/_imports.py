"""Row 3: cold import of the public package in a fresh interpreter vs ``import httpx``.

Each measurement starts a new interpreter and times the import statement alone inside it (interpreter
start-up is excluded from both sides, which makes the ratio stricter, not kinder). Bytecode caches are warm,
as they are for any user after the first run. ``suno_api`` imports httpx itself, so the ratio is what the
overlay, the generated package, attrs, anyio, tenacity and jsonschema-rs add on top of httpx.
"""

from __future__ import annotations

import re
import sys

from bench._config import Budget
from bench._measure import interleave
from bench._procs import run_json
from bench._report import Row, Target, paired_row

TARGET = Target("ratio", "<=", 1.5)
_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_seconds(module: str) -> float:
    """Return how long ``import module`` takes in a fresh interpreter."""
    return float(run_json(["-c", _PROBE.format(module=module)], timeout=60).strip())


def top_imports(module: str, *, count: int = 10) -> list[dict[str, object]]:
    """Return the heaviest top-level imports under ``module`` by cumulative time (``python -X importtime``)."""
    import subprocess  # noqa: PLC0415 - only on a miss

    from bench._procs import ROOT, python_env  # noqa: PLC0415 - only on a miss

    result = subprocess.run(  # noqa: S603 - our interpreter importing our package
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        env=python_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    entries = []
    for line in result.stderr.splitlines():
        found = _IMPORTTIME.match(line)
        if found is not None:
            depth = (len(found.group(3)) - 1) // 2
            entries.append({"module": found.group(4), "cumulative_ms": int(found.group(2)) / 1000, "depth": depth})
    # The direct children of the package's own imports, heaviest first.
    shallow = [entry for entry in entries if isinstance(entry["depth"], int) and entry["depth"] <= 1]
    return sorted(shallow, key=lambda entry: -float(str(entry["cumulative_ms"])))[:count]


def rows(budget: Budget) -> list[Row]:
    """Measure row 3."""
    paired = interleave(
        lambda: import_seconds("suno_api"),
        lambda: import_seconds("httpx"),
        runs=budget.import_runs,
        warmup=1,
    )
    row = paired_row(
        "3",
        "cold import: import suno_api vs import httpx (fresh interpreter)",
        unit="ms",
        scale=1e3,
        target=TARGET,
        paired=paired,
        note="The import statement timed inside a new interpreter; start-up excluded on both sides; .pyc warm.",
    )
    if row.verdict == "miss":
        from attrs import evolve  # noqa: PLC0415 - only on a miss

        heaviest = top_imports("suno_api")
        named = ", ".join(f"{entry['module']} {entry['cumulative_ms']:.1f} ms" for entry in heaviest[:6])
        row = evolve(
            row,
            note=f"{row.note} MISS: heaviest imports (python -X importtime, cumulative): {named}.",
            details={"importtime_top": heaviest},
        )
    return [row]
