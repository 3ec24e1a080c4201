"""Upgrade drills: walk the README's upgrade procedure for one upstream change, on a scratch copy of the checkout.

A case is a directory (``tests/fixtures/upgrades/<case>/case.yaml``) holding data only:

- ``candidate``: the upstream change, as text replacements made to the vendored ``spec/suno-api.yaml`` (so the
  case follows the vendored spec instead of freezing a whole copy of it), or a ``candidate.yaml`` beside it;
- ``edits``: the overlay and ERRATA edits a user makes after reading the diff report, as text replacements in
  ``overlays/*.overlay.yaml`` and ``spec/ERRATA.md`` (nothing else may be edited: that is the point);
- ``expect``: what the diff report must say (``diff_exit``, and ``summary``: for each label of the report's
  summary, the least count it must show);
- ``tests``: the focused test subset the quick drill runs (the full drill runs ``tests/``).

The steps, each timed: copy the checkout (``git ls-files``, tracked and untracked-but-not-ignored files, so work in
progress is drilled too), make the candidate, diff it against the vendored spec, vendor it, apply the edits, check
coverage, regenerate, gate drift, run the tests, run the conformance suite on the embedded mock. Every command runs
in a subprocess with the copy first on ``PYTHONPATH``, so nothing in the checkout the drill started from is written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

CASES_DIR = Path("tests") / "fixtures" / "upgrades"
CASE_FILE = "case.yaml"
CANDIDATE_FILE = "candidate.yaml"
VENDORED = Path("spec") / "suno-api.yaml"
# Only these may be edited by a case: an upgrade that needs a code or test edit is a finding, not a drill.
EDITABLE = ("overlays/normalise.overlay.yaml", "overlays/rules.overlay.yaml", "spec/ERRATA.md")
# The copy's import roots, in the order an editable install puts them (the package homes, then the checkout).
IMPORT_ROOTS = ("overlays", "generated", "conformance", ".")
# Targets and secrets of the caller's shell must not leak into a drill: it always runs against the embedded mock.
SCRUBBED_ENV_PREFIXES = ("SUNO_", "KIE_")
INSIDE_ENV = "SUNO_DRILL_CHECKOUT"
"""Set, in the commands a drill runs, to the scratch checkout they run in."""
OUTPUT_TAIL = 4000


class DrillError(Exception):
    """A case that cannot be run as written (a missing file, a replacement that no longer matches)."""


@attrs.frozen
class Replacement:
    """Replace ``old`` with ``new`` in ``file``; ``count`` is the exact number of matches (None: at least one)."""

    file: str
    old: str
    new: str
    count: int | None = None

    def apply(self, text: str) -> str:
        """Return ``text`` with the replacement made; raise ``DrillError`` when the match count is wrong."""
        found = text.count(self.old)
        if found == 0 or (self.count is not None and found != self.count):
            expected = "at least 1" if self.count is None else str(self.count)
            raise DrillError(f"{self.file}: {self.old!r} occurs {found} times, the case expects {expected}")
        return text.replace(self.old, self.new)


@attrs.frozen
class Case:
    """One upstream change and the edits that handle it (see the module docstring)."""

    name: str
    directory: Path
    title: str
    candidate: tuple[Replacement, ...]
    edits: tuple[Replacement, ...]
    expect: Mapping[str, Any]
    tests: tuple[str, ...]


@attrs.frozen
class Step:
    """What one step of a drill did: its name, whether it passed, the exit code, seconds taken and a detail."""

    name: str
    ok: bool
    seconds: float
    exit_code: int | None = None
    detail: str = ""
    data: Mapping[str, Any] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the step as a JSON-ready dict."""
        return attrs.asdict(self)


@attrs.frozen
class DrillResult:
    """All the steps of one drill; ``exit_code`` is 0 when every step passed, else 1."""

    case: str
    steps: tuple[Step, ...]
    workdir: Path

    @property
    def ok(self) -> bool:
        """Whether every step passed."""
        return all(step.ok for step in self.steps)

    @property
    def exit_code(self) -> int:
        """0 when every step passed, else 1."""
        return 0 if self.ok else 1

    @property
    def seconds(self) -> float:
        """The time of the whole procedure."""
        return sum(step.seconds for step in self.steps)

    def step(self, name: str) -> Step:
        """Return the step called ``name``; raise ``KeyError`` when the drill stopped before it."""
        for found in self.steps:
            if found.name == name:
                return found
        raise KeyError(f"the drill of {self.case} has no step {name!r} (it stopped at {self.steps[-1].name})")

    def text(self) -> str:
        """Return the human-readable report: one line per step, then the failing step's output."""
        lines = [f"drill {self.case}: {'PASSED' if self.ok else 'FAILED'} in {self.seconds:.1f} s ({self.workdir})"]
        for step in self.steps:
            code = "" if step.exit_code is None else f" exit {step.exit_code}"
            summary = step.detail.splitlines()[0] if step.ok and step.detail else ""
            lines.append(f"  {'ok  ' if step.ok else 'FAIL'} {step.name:<12} {step.seconds:6.1f} s{code}  {summary}")
        for step in self.steps:
            if not step.ok:
                lines += ["", f"--- {step.name} ---", step.detail.rstrip()]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "case": self.case,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "workdir": str(self.workdir),
            "steps": [step.to_json() for step in self.steps],
        }


def cases_dir(root: Path) -> Path:
    """Return the directory holding the cases of the checkout ``root``."""
    return root / CASES_DIR


def case_names(root: Path) -> list[str]:
    """Return the names of the cases of the checkout ``root``, sorted."""
    return sorted(path.parent.name for path in cases_dir(root).glob(f"*/{CASE_FILE}"))


def _replacements(items: Sequence[Mapping[str, Any]], default_file: str | None) -> tuple[Replacement, ...]:
    found = []
    for item in items:
        file = item.get("file", default_file)
        if file is None:
            raise DrillError(f"an edit names no file: {item!r}")
        found.append(Replacement(file=file, old=item["replace"], new=item["with"], count=item.get("count")))
    return tuple(found)


def load_case(name_or_path: str | Path, root: Path) -> Case:
    """Load a case by name (under ``tests/fixtures/upgrades``) or by directory; raise ``DrillError`` if invalid."""
    import yaml  # noqa: PLC0415 - the spec extra; only a drill needs it

    directory = Path(name_or_path)
    if not (directory / CASE_FILE).is_file():
        directory = cases_dir(root) / str(name_or_path)
    if not (directory / CASE_FILE).is_file():
        known = ", ".join(case_names(root)) or "none"
        raise DrillError(f"no upgrade case {str(name_or_path)!r} (known: {known})")
    data = yaml.safe_load((directory / CASE_FILE).read_text(encoding="utf-8"))
    edits = _replacements(data.get("edits", ()), None)
    for edit in edits:
        if edit.file not in EDITABLE:
            raise DrillError(f"case {directory.name} edits {edit.file}; an upgrade may edit only {', '.join(EDITABLE)}")
    return Case(
        name=directory.name,
        directory=directory,
        title=str(data.get("title", directory.name)),
        candidate=_replacements(data.get("candidate", ()), str(VENDORED)),
        edits=edits,
        expect=data.get("expect", {}),
        tests=tuple(data.get("tests", ("tests",))),
    )


def copy_checkout(root: Path, destination: Path) -> int:
    """Copy the files git knows of (tracked, or untracked and not ignored) from ``root``; return how many."""
    listed = subprocess.run(  # noqa: S603 - fixed command
        ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout.decode()
    count = 0
    for relative in filter(None, listed.split("\0")):
        source = root / relative
        # a tracked file deleted in the work tree is gone for the drill too
        if not source.is_file() or relative.startswith("reports/"):
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        count += 1
    return count


def drill_env(copy: Path) -> dict[str, str]:
    """Return the environment the drill's commands run in: the copy's packages first, no target or secret."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(SCRUBBED_ENV_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join(str((copy / part).resolve()) for part in IMPORT_ROOTS)
    # the copy's own drill tests know they run inside a drill (their cases are changes to the spec before it)
    env[INSIDE_ENV] = str(copy)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@attrs.frozen
class Budget:
    """How much of each heavy step to run: the test paths (None: the case's), pytest options, conformance size.

    ``drift_gate`` off skips ``check`` (it regenerates once more to compare with what ``generate`` just wrote).
    ``step_timeout`` (seconds) ends a command that hangs: the step fails saying so instead of stalling the drill.
    ``conformance_workers`` sets the suite's worker processes (None: its default, one per core).
    """

    tests: tuple[str, ...] | None = None
    drift_gate: bool = True
    pytest_args: tuple[str, ...] = ()
    max_examples: int = 2
    stateful_examples: int = 1
    seed: int = 1
    step_timeout: float = 1800.0
    conformance_workers: int | None = None


class _Runner:
    def __init__(self, case: Case, copy: Path, workdir: Path, timeout: float) -> None:
        self.case = case
        self.timeout = timeout
        self.copy = copy
        self.workdir = workdir
        self.env = drill_env(copy)
        self.steps: list[Step] = []

    def timed(self, name: str, action: Callable[[], Step]) -> bool:
        started = time.monotonic()
        try:
            step = action()
        except subprocess.TimeoutExpired as error:
            # what the command printed before it hung says where it hung
            printed = error.output.decode(errors="replace") if isinstance(error.output, bytes) else error.output
            detail = f"timed out after {error.timeout:g} s; it printed:\n{(printed or '')[-OUTPUT_TAIL:]}"
            step = Step(name, ok=False, seconds=0.0, detail=detail)
        except (DrillError, OSError, subprocess.SubprocessError, ValueError) as error:
            step = Step(name, ok=False, seconds=0.0, detail=f"{type(error).__name__}: {error}")
        self.steps.append(attrs.evolve(step, name=name, seconds=round(time.monotonic() - started, 2)))
        return step.ok

    def execute(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and modules
            [sys.executable, *args],
            cwd=self.copy,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=self.timeout,
        )

    def run(self, *args: str, ok_codes: Sequence[int] = (0,)) -> Step:
        done = self.execute(*args)
        ok = done.returncode in ok_codes
        output = done.stdout + done.stderr
        last = next((line for line in reversed(output.strip().splitlines()) if line.strip()), "")
        return Step("", ok=ok, seconds=0.0, exit_code=done.returncode, detail=last if ok else output[-OUTPUT_TAIL:])


def _candidate_text(case: Case, vendored: str) -> str:
    given = case.directory / CANDIDATE_FILE
    if given.is_file():
        return given.read_text(encoding="utf-8")
    text = vendored
    for replacement in case.candidate:
        text = replacement.apply(text)
    if text == vendored:
        raise DrillError(f"case {case.name}: the candidate is the vendored spec")
    return text


def _diff_step(runner: _Runner, candidate: Path) -> Step:
    done = runner.execute("-m", "suno_api", "spec", "diff", str(candidate), str(VENDORED), "--json")
    (runner.workdir / "diff.json").write_text(done.stdout, encoding="utf-8")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode not in (0, 1, 2) or not lines:
        return Step(
            "", ok=False, seconds=0.0, exit_code=done.returncode, detail=(done.stdout + done.stderr)[-OUTPUT_TAIL:]
        )
    # the last line is the result event
    result = json.loads(lines[-1])
    report = result.get("report", {})
    summary = report.get("summary", {})
    expected_exit = runner.case.expect.get("diff_exit")
    problems = []
    if expected_exit is not None and done.returncode != expected_exit:
        problems.append(f"the diff exited {done.returncode}, the case expects {expected_exit}")
    counts = summary if isinstance(summary, Mapping) else {}
    for label, at_least in runner.case.expect.get("summary", {}).items():
        if int(counts.get(label, 0)) < int(at_least):
            problems.append(f"{counts.get(label, 0)} {label} changes, the case expects at least {at_least}")
    detail = f"summary {json.dumps(summary, sort_keys=True)}"
    return Step(
        "diff",
        ok=not problems,
        seconds=0.0,
        exit_code=done.returncode,
        detail="\n".join([detail, *problems]),
        data={"summary": summary, "exit_code": done.returncode},
    )


def _edit_step(case: Case, copy: Path) -> Step:
    touched: dict[str, int] = {}
    for edit in case.edits:
        path = copy / edit.file
        path.write_text(edit.apply(path.read_text(encoding="utf-8")), encoding="utf-8")
        touched[edit.file] = touched.get(edit.file, 0) + 1
    files = sorted(touched)
    return Step("edits", ok=True, seconds=0.0, detail=f"touched {', '.join(files) or 'nothing'}", data={"files": files})


def run_case(
    case: Case,
    root: Path,
    *,
    budget: Budget | None = None,
    workdir: Path | None = None,
) -> DrillResult:
    """Run the steps of ``case`` on a copy of the checkout ``root``; stop at the first that fails.

    The copy lives in ``workdir`` (kept), else in a temporary directory removed afterwards.
    """
    budget = budget or Budget()
    with _workdir(workdir) as scratch:
        copy = scratch / "checkout"
        runner = _Runner(case, copy, scratch, budget.step_timeout)
        candidate = scratch / "candidate.yaml"

        def make_copy() -> Step:
            count = copy_checkout(root, copy)
            return Step("copy", ok=True, seconds=0.0, detail=f"{count} files")

        def make_candidate() -> Step:
            candidate.write_text(_candidate_text(case, (copy / VENDORED).read_text(encoding="utf-8")), encoding="utf-8")
            return Step("candidate", ok=True, seconds=0.0, detail=str(candidate))

        def vendor() -> Step:
            shutil.copyfile(candidate, copy / VENDORED)
            return Step("vendor", ok=True, seconds=0.0, detail=str(VENDORED))

        tests = budget.tests if budget.tests is not None else case.tests
        conformance = (
            "-m",
            "suno_api",
            "conformance",
            "--seed",
            str(budget.seed),
            "--max-examples",
            str(budget.max_examples),
            "--stateful-examples",
            str(budget.stateful_examples),
            "--junit",
            str(scratch / "conformance.xml"),
            "--json-report",
            str(scratch / "conformance.json"),
            *(("--workers", str(budget.conformance_workers)) if budget.conformance_workers else ()),
        )
        steps: list[tuple[str, Callable[[], Step]]] = [
            ("copy", make_copy),
            ("candidate", make_candidate),
            ("diff", lambda: _diff_step(runner, candidate)),
            ("vendor", vendor),
            ("edits", lambda: _edit_step(case, copy)),
            ("coverage", lambda: runner.run("-m", "suno_api_build", "coverage")),
            ("generate", lambda: runner.run("-m", "suno_api_build", "generate")),
            ("check", lambda: runner.run("-m", "suno_api_build", "check")),
            (
                "tests",
                # one line per failure: the report names the file and line that broke
                lambda: runner.run(
                    "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=line", *budget.pytest_args, *tests
                ),
            ),
            ("conformance", lambda: runner.run(*conformance)),
        ]
        for name, action in steps:
            if name == "check" and not budget.drift_gate:
                continue
            if not runner.timed(name, action):
                break
        return DrillResult(case=case.name, steps=tuple(runner.steps), workdir=scratch)


@contextmanager
def _workdir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="suno-drill-") as scratch:
        yield Path(scratch)


def main(args: Any, root: Path) -> int:
    """Run ``python -m suno_api_build drill`` with parsed ``args``; return 0 when every drill passed, else 1."""
    if args.list:
        for name in case_names(root):
            print(f"{name}: {load_case(name, root).title}")
        return 0
    if not args.cases:
        print("error: name a case (or --list)", file=sys.stderr)
        return 3
    budget = Budget(
        tests=tuple(args.tests) if args.tests else None,
        max_examples=args.max_examples,
        stateful_examples=args.stateful_examples,
        pytest_args=("-n", str(args.workers), "--dist", "worksteal") if args.workers else (),
        step_timeout=args.step_timeout,
    )
    worst = 0
    for name in args.cases:
        try:
            case = load_case(name, root)
        except DrillError as error:
            print(f"error: {error}", file=sys.stderr)
            return 3
        workdir = args.keep / case.name if args.keep else None
        result = run_case(case, root, budget=budget, workdir=workdir)
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n" if args.json else result.text())
        worst = max(worst, result.exit_code)
    return worst
