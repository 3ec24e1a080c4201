"""Run the conformance suite against every mutant, in this process or in parallel worker processes.

Each mutant gets a run of the suite itself (``run_suite``, the embedded mock on loopback) restricted to its
deterministic, targeted tests: the boundary cases derived from the rules and constraints, the credential probes,
the undocumented methods and the run-level gates (``TARGETED_TESTS``). The schemathesis phases (examples,
coverage, fuzzing, stateful) are switched off by a ``schemathesis.toml`` written for the run: they add seconds
per mutant, and the targeted tests are what is meant to kill a spec-derived defect. A mutant is killed when the
run fails with at least one failed check; the faithful mock, run the same way, must conform, or no kill would
mean anything.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import multiprocessing
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from suno_conformance.mock import MockApp
from suno_conformance.mutants._derive import mutant, mutants
from suno_conformance.suite import SuiteOptions, run_suite

FAITHFUL = "faithful"
"""The name under which ``run_mutants`` reports the faithful mock's run."""
TARGETED_TESTS = "not test_callbacks"
"""The suite's tests each mutant run selects (pytest ``-k``): all but the callbacks, which wait for every task to
settle and judge what no body or credential mutant changes (without them the run starts no callback receiver, so
the mock delivers no callback). New targeted tests of the suite are included as is."""
# Only the targeted phases: every generated phase off, the smallest budget in case one is switched back on.
_CONFIG = """\
request-timeout = 10

[generation]
mode = "all"
max-examples = 1
with-security-parameters = false
database = "none"

[phases.examples]
enabled = false

[phases.coverage]
enabled = false

[phases.fuzzing]
enabled = false

[phases.stateful]
enabled = false
"""
# No terminal output, and no addopts of a surrounding project (its `-ra` needs the terminal plugin). `-x`: one
# failed test is a kill, so a killed mutant's run stops there (the checks recorded so far say how it was killed).
# The unraisable/thread-exception plugins only add a forced garbage collection per run.
_PLUGINS_OFF = ("terminal", "cacheprovider", "unraisableexception", "threadexception")
# pytest-timeout, when installed and configured by the surrounding project, would start a timer thread for each
# of the hundreds of tests of every run: a hang is bounded by the request timeout already.
_TIMEOUT_OFF = ("-o", "timeout=0") if importlib.util.find_spec("pytest_timeout") is not None else ()
_PYTEST_ARGS = (
    *("-o", "addopts="),
    *_TIMEOUT_OFF,
    *(arg for plugin in _PLUGINS_OFF for arg in ("-p", f"no:{plugin}")),
    *("-x", "-k", TARGETED_TESTS),
)


@attrs.frozen
class MutantResult:
    """What the suite did with one mutant.

    Attributes:
        name: The mutant's name (``FAITHFUL`` for the faithful mock).
        family: Its family (``FAITHFUL`` for the faithful mock).
        killed: Whether the run failed with at least one failed check.
        checks: The checks that failed, sorted.
        exit_code: The run's exit status.
        seconds: How long the run took.
    """

    name: str
    family: str
    killed: bool
    checks: tuple[str, ...]
    exit_code: int
    seconds: float


def _options(directory: Path) -> SuiteOptions:
    config = directory / "schemathesis.toml"
    if not config.exists():
        config.write_text(_CONFIG, encoding="utf-8")
    return SuiteOptions(seed=0, config=config, junit=None, max_examples=1, stateful_examples=1)


def run_one(name: str, directory: Path | None = None) -> MutantResult:
    """Run the targeted suite against the mutant ``name`` (or ``FAITHFUL``) in this process.

    Raises:
        KeyError: no mutant has that name.
    """
    if name == FAITHFUL:
        family, mock_class = FAITHFUL, MockApp
    else:
        found = mutant(name)
        family, mock_class = found.family, found.mock_class
    with tempfile.TemporaryDirectory(prefix="suno-mutants-") as scratch:
        options = _options(Path(directory or scratch))
        started = time.monotonic()
        outcome = run_suite(options, mock_class=mock_class, pytest_args=list(_PYTEST_ARGS))
        seconds = time.monotonic() - started
    checks = tuple(sorted({failure.check for failure in outcome.ledger.all_failures()}))
    killed = bool(checks) and outcome.exit_code != 0
    return MutantResult(name, family, killed, checks, outcome.exit_code, seconds)


def _run_many(names: Sequence[str]) -> list[MutantResult]:
    with tempfile.TemporaryDirectory(prefix="suno-mutants-") as scratch:
        return [run_one(name, Path(scratch)) for name in names]


def run_mutants(names: Iterable[str] | None = None, *, workers: int = 2) -> list[MutantResult]:
    """Run the faithful mock and every mutant (or those ``names``); return the results in mutant order.

    Args:
        names: Mutant names; every mutant of the effective spec when omitted.
        workers: Worker processes (one suite run per mutant each); 1 runs everything in this process.

    Raises:
        KeyError: a name that is no mutant's.
    """
    chosen = [FAITHFUL, *(mutant(name).name for name in names)] if names is not None else None
    if chosen is None:
        chosen = [FAITHFUL, *(found.name for found in mutants())]
    if workers <= 1:
        return _run_many(chosen)
    # Round-robin batches keep the slow and the quick mutants spread over the workers; one batch per worker
    # pays the imports once per process. `spawn`: the parent may run threads (a test session's servers).
    batches = [chosen[index::workers] for index in range(workers)]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        done = [result for batch in pool.map(_run_many, batches) for result in batch]
    order = {name: index for index, name in enumerate(chosen)}
    return sorted(done, key=lambda result: order[result.name])


def score_table(results: Sequence[MutantResult]) -> str:
    """Return the per-family score table: mutants, killed, survivors by name, and the overall score."""
    mutant_results = [result for result in results if result.family != FAITHFUL]
    by_family: dict[str, list[MutantResult]] = {}
    for result in mutant_results:
        by_family.setdefault(result.family, []).append(result)
    width = max([len("family"), *map(len, by_family)])
    lines = [f"{'family':<{width}}  mutants  killed  score"]
    for family, members in by_family.items():
        killed = sum(result.killed for result in members)
        lines.append(f"{family:<{width}}  {len(members):>7}  {killed:>6}  {_percent(killed, len(members)):>5}")
    total = len(mutant_results)
    killed = sum(result.killed for result in mutant_results)
    lines.append(f"{'all':<{width}}  {total:>7}  {killed:>6}  {_percent(killed, total):>5}")
    for result in results:
        if result.family == FAITHFUL:
            state = "conforms" if result.exit_code == 0 else f"DOES NOT CONFORM (exit {result.exit_code})"
            lines.append(f"faithful mock: {state}")
    survivors = [result.name for result in mutant_results if not result.killed]
    lines.extend(f"  SURVIVED {name}" for name in survivors)
    lines.append(f"time: {sum(result.seconds for result in results):.1f} s of suite runs")
    return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part // whole}%" if whole else "-"
