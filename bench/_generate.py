"""Row 6: ``make generate`` vs the bare generator command on the same effective spec.

Ours is ``python -m suno_api_build generate --root <scratch>`` (what ``make generate`` runs) on a scratch copy of
``spec/`` and ``overlays/`` (the committed ``generated/`` is never touched): it applies both overlays with their
guards, then runs the pinned generator with its post-hooks while it validates the effective spec (skipped when
those very bytes passed the same validator before: the build keeps its passes in the venv, as a developer's
repeated ``make generate`` and ``make check-generated`` meet them). The note adds a series with that cache off
(``SUNO_API_BUILD_VALIDATION_CACHE=0``), what a fresh CI runner pays.
The baseline is the generator command alone, the same one ``_build`` runs, on the committed effective spec,
with the venv's bin on PATH so that its ruff post-hooks run. Both are timed as whole processes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._config import Budget
from bench._measure import interleave
from bench._procs import ROOT, ProcessError, python_env, require, run_json
from bench._profile import heaviest, profile
from bench._report import Row, Target, paired_row

TARGET = Target("ratio", "<=", 1.5)
_TIMEOUT = 300.0


def _run(argv: list[str], cwd: Path, extra: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - the project's own build and the pinned generator
        argv, cwd=cwd, env=python_env(extra), capture_output=True, text=True, timeout=_TIMEOUT, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise ProcessError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return elapsed


def _scratch_checkout(scratch: Path) -> Path:
    root = scratch / "checkout"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "spec", root / "spec", ignore=ignore)
    shutil.copytree(ROOT / "overlays", root / "overlays", ignore=ignore)
    return root


def _bare_command(scratch: Path, out: Path) -> list[str]:
    generator = Path(sys.executable).parent / "openapi-python-client"
    return [
        str(generator),
        "generate",
        "--path",
        str(scratch / "suno-api.effective.json"),
        "--meta",
        "none",
        "--config",
        str(ROOT / "overlays" / "openapi-python-client.config.yaml"),
        "--output-path",
        str(out),
        "--fail-on-warning",
    ]


def _profile_build(root: Path) -> dict[str, Any]:
    """Profile our pipeline's in-process part (overlays and validation) in this process, warm."""
    from suno_api_build._build import build_effective_spec  # noqa: PLC0415 - only on a miss

    def build() -> object:
        return build_effective_spec(root / "spec" / "suno-api.yaml", root / "overlays")

    build()  # lazy imports out of the way: the phases below show what they cost
    return profile(build, 1, limit=15)


def _phases(root: Path, scratch: Path) -> dict[str, float]:
    """Return milliseconds per phase of one generation in a fresh interpreter (``bench._build_phases``)."""
    out = scratch / "phases"
    shutil.rmtree(out, ignore_errors=True)
    printed = run_json(["-m", "bench._build_phases", "--root", str(root), "--out", str(out)], timeout=_TIMEOUT)
    phases: dict[str, float] = json.loads(printed)
    return phases


def rows(budget: Budget) -> list[Row]:
    """Measure row 6."""
    require("suno_api_build._build", "generate_into", "build_effective_spec")
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as name:
        scratch = Path(name)
        root = _scratch_checkout(scratch)
        shutil.copy2(ROOT / "generated" / "suno-api.effective.json", scratch / "suno-api.effective.json")
        bare_out = scratch / "bare" / "suno_api_client"
        ours_argv = [sys.executable, "-m", "suno_api_build", "generate", "--root", str(root)]

        def ours() -> float:
            return _run(ours_argv, ROOT)

        def bare() -> float:
            shutil.rmtree(bare_out.parent, ignore_errors=True)
            bare_out.parent.mkdir()
            return _run(_bare_command(scratch, bare_out), bare_out.parent)

        def cold() -> float:
            return _run(ours_argv, ROOT, {"SUNO_API_BUILD_VALIDATION_CACHE": "0"})

        paired = interleave(ours, bare, runs=budget.generate_runs, warmup=1)
        uncached = interleave(cold, bare, runs=max(2, budget.generate_runs // 2), warmup=0)
        same = (root / "generated" / "suno-api.effective.json").read_bytes() == (
            ROOT / "generated" / "suno-api.effective.json"
        ).read_bytes()
        row = paired_row(
            "6",
            "make generate vs the bare openapi-python-client command",
            unit="s",
            scale=1.0,
            target=TARGET,
            paired=paired,
            note=(
                "Whole processes; ours on a scratch copy of spec/ and overlays/ (generated/ untouched)"
                f"{'' if same else '; NOTE: the scratch effective spec differs from the committed one'}."
                f" With the validation cache off (a fresh CI runner): ratio {uncached.ratio.median:.2f}x"
                f" [{uncached.ratio.q1:.2f}-{uncached.ratio.q3:.2f}] n={uncached.ratio.runs}."
            ),
            details={"uncached_ratio": uncached.ratio.to_json()},
        )
        if row.verdict == "miss":
            from attrs import evolve  # noqa: PLC0415 - only on a miss

            phases = _phases(root, scratch)
            profiled = _profile_build(root)
            imports = sum(value for name, value in phases.items() if name.startswith("import "))
            steps = ("load_document(spec)", "apply_overlays", "validate_openapi(effective)")
            generator = phases["generator subprocess (generate_into minus warm build)"]
            named = ", ".join(f"{name} {phases[name]:g}" for name in phases if name.startswith("import "))
            note = (
                f"{row.note} MISS, in a fresh interpreter: imports {imports:.0f} ms ({named}), pipeline steps"
                " (validation overlaps the generator)"
                f" {sum(phases[name] for name in steps):.0f} ms ("
                + ", ".join(f"{name} {phases[name]:g}" for name in steps)
                + f"), generator subprocess {generator:.0f} ms. Our heaviest frames (cProfile, warm, cumulative):"
                f" {heaviest(profiled, unit='ms', scale=1e-3)}."
            )
            row = evolve(row, note=note, details={**row.details, "phases_ms": phases, "profile_warm_build": profiled})
    return [row]
