"""Parallel runs: the suite's tests spread over pytest-xdist worker processes, merged into one run.

Each worker is a whole run of its own (``Run``: its own embedded mock, callback receiver and ledger) built from
the controller's options and seed, and runs one *shard*: a fixed part of the collection planned from the
collection and the budget alone (``plan_shards``), never from which worker is faster, so that a seed gives
every test the same cases whatever the timing. The controller (the process ``run_suite`` runs in) merges the
workers' ledgers into its own, judges the run-level gates on the merged ledger and reports them as the tests
they are, then writes the one summary, JSON report and JUnit report.

Only a run against the embedded mock is spread: a server elsewhere has one state (and, live, one budget of paid
calls) that workers cannot split.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from suno_conformance.mock import MockApp
from suno_conformance.suite._ledger import Ledger
from suno_conformance.suite._options import SuiteOptions

if TYPE_CHECKING:
    from suno_conformance.suite._runtime import Run

XDIST = "xdist"
WORKER_INPUT = "suno_conformance_run"
WORKER_OUTPUT = "suno_conformance_ledger"
# Below this many fuzzing examples per operation a worker's start-up (imports, its own mock) costs more than
# the share of the run it takes over: measured on 2 cores, `make conformance` with 2 workers pays off from about
# 100 examples per operation on.
AUTO_MIN_EXAMPLES = 100
# More workers than the heavy tests (fuzzing per operation, the stateful phase) plus one for the rest gain nothing.
AUTO_MAX_WORKERS = 4
# Estimated cost of a test in requests of one boundary case (only the balance of the shards depends on them).
# Measured (CPU seconds per worker): a fuzzing example of an operation with a body costs about twice one
# without (the body is most of the generation); a stateful step a third more than a bodyless fuzzing example;
# a coverage test about 100 requests.
BODY_EXAMPLE_COST = 2.0
STATEFUL_STEP_COST = 1.3
COVERAGE_COST = 100.0
_LEDGER_TRANSIENT = frozenset({"_lock", "current_item", "_item_failures"})


def xdist_available() -> bool:
    """Whether pytest-xdist is installed (a parallel run needs it)."""
    return importlib.util.find_spec(XDIST) is not None


def class_path(mock_class: type[MockApp]) -> str | None:
    """Return ``module:qualname`` of ``mock_class`` when a worker can import it back, else ``None``."""
    path = f"{mock_class.__module__}:{mock_class.__qualname__}"
    try:
        return path if import_class(path) is mock_class else None
    except (ImportError, AttributeError, TypeError):
        return None


def import_class(path: str) -> type[MockApp]:
    """Import the mock class ``module:qualname`` names."""
    module_name, _, qualname = path.partition(":")
    found: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not (isinstance(found, type) and issubclass(found, MockApp)):
        raise TypeError(f"{path} is not a mock class")
    return found


def suite_workers(options: SuiteOptions, mock_class: type[MockApp], fuzzing_examples: int | None) -> int:
    """Return how many worker processes a run of ``options`` uses (1: every test in this process).

    ``options.workers`` when given, else one per core (at most ``AUTO_MAX_WORKERS``) when the fuzzing budget
    (``fuzzing_examples`` per operation, ``None`` with the phase off) pays for their start-up. Always 1 against a
    server of ``base_url``, for a mock class a worker cannot import, or without pytest-xdist.

    Raises:
        ValueError: ``options.workers`` > 1 asks for what cannot be spread (a server, no pytest-xdist).
    """
    asked = options.workers
    if asked is not None and asked > 1:
        if options.base_url is not None:
            raise ValueError(
                "--workers applies to the embedded mock only: a server at --base-url is tested by one process"
            )
        if not xdist_available():
            raise ValueError("--workers > 1 needs pytest-xdist (pip install pytest-xdist)")
    if options.base_url is not None or class_path(mock_class) is None:
        return 1
    if asked is not None:
        return asked
    if fuzzing_examples is None or fuzzing_examples < AUTO_MIN_EXAMPLES or not xdist_available():
        return 1
    return max(1, min(os.cpu_count() or 1, AUTO_MAX_WORKERS))


# ------------------------------------------------------------------------------------------ the plan


def plan_shards(nodeids: Sequence[str], count: int, cost: Callable[[str], float]) -> list[list[str]]:
    """Split ``nodeids`` into at most ``count`` shards of about equal ``cost``, each in collection order.

    Longest first, each to the cheapest shard so far (ties to the first): a deterministic function of its
    arguments, so that a seed gives each worker the same tests on every run.
    """
    loads = [0.0] * max(1, count)
    shard_of: dict[str, int] = {}
    for nodeid in sorted(nodeids, key=lambda nodeid: -cost(nodeid)):
        index = loads.index(min(loads))
        shard_of[nodeid] = index
        loads[index] += cost(nodeid)
    shards: list[list[str]] = [[] for _ in loads]
    for nodeid in nodeids:
        shards[shard_of[nodeid]].append(nodeid)
    return [shard for shard in shards if shard]


@attrs.frozen
class Costs:
    """The estimated cost of each test of a run, from its budget (see ``plan_shards``).

    Attributes:
        fuzzing: Fuzzing examples per operation id (operations whose fuzzing is on).
        with_body: Operation ids whose requests carry a body.
        stateful_steps: Scenarios times steps of the stateful phase (0: off).
    """

    fuzzing: Mapping[str, int]
    with_body: frozenset[str]
    stateful_steps: int

    def __call__(self, nodeid: str) -> float:
        """Return the estimated cost of the test ``nodeid``."""
        name = nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
        if "::TestStateful" in nodeid:
            return self.stateful_steps * STATEFUL_STEP_COST
        for operation_id, examples in self.fuzzing.items():
            if name == f"test_fuzzing_{operation_id}":
                return examples * (BODY_EXAMPLE_COST if operation_id in self.with_body else 1.0)
        if name.startswith("test_coverage_"):
            return COVERAGE_COST
        return 1.0


# ------------------------------------------------------------------------------------------ workers


def worker_payload(run: Run) -> dict[str, Any]:
    """Return what a worker needs to build the same run: the options (as text), the seed, the mock class."""
    options: dict[str, Any] = {}
    for field in attrs.fields(SuiteOptions):
        value = getattr(run.options, field.name)
        options[field.name] = None if value is None else value if isinstance(value, bool | int | float) else str(value)
    path = class_path(run.mock_class)
    if path is None:
        raise ValueError(f"a worker cannot import the mock class {run.mock_class!r}")
    return {"options": options, "seed": run.seed, "mock_class": path}


def worker_options(payload: Mapping[str, Any]) -> tuple[SuiteOptions, type[MockApp]]:
    """Return a worker's options and mock class from the controller's ``worker_payload``.

    The worker runs its shard in its own process and writes no report: the controller writes them.
    """
    values = dict(payload["options"])
    values.update(seed=int(payload["seed"]), workers=1, junit=None, json_report=None)
    options = SuiteOptions(**{name: value for name, value in values.items() if value is not None})
    return options, import_class(str(payload["mock_class"]))


def worker_report(run: Run, gates: Sequence[tuple[str, tuple[str, int | None, str]]]) -> bytes:
    """Return what a worker hands the controller: its ledger, its stateful requests, the gates it collected."""
    ledger = {name: value for name, value in vars(run.ledger).items() if name not in _LEDGER_TRANSIENT}
    facts = {
        "ledger": ledger,
        "stateful_requests": list(run.stateful_requests),
        "gates": list(gates),
        "target": run.target.describe() if run.started else "",
        # What the worker cost, its mock's thread included: on an idle machine its share of the wall time.
        "cpu_seconds": time.process_time(),
    }
    return pickle.dumps(facts)


def read_worker_report(data: bytes) -> dict[str, Any]:
    """Return the facts of ``worker_report`` (a worker of this very run, over xdist's own channel)."""
    facts: dict[str, Any] = pickle.loads(data)  # noqa: S301 - written by this run's own worker process
    return facts


def merge_ledger(into: Ledger, state: Mapping[str, Any]) -> None:
    """Add a worker's ledger state (``vars`` of its ``Ledger``) to ``into``: counts add up, failures keep the first.

    Merged by kind of value, so that a field the ledger gains is merged too: counters and numbers add up,
    per-check counts add up field by field, a failure or drift entry seen again adds its count, lists gain
    what they lack.
    """
    for name, value in state.items():
        if name == "_order":
            continue
        mine = getattr(into, name, None)
        if name == "_secrets":
            for secret in value:
                into.add_secret(secret)
        elif isinstance(value, Counter) and isinstance(mine, Counter):
            mine.update(value)
        elif isinstance(value, bool) or mine is None:
            setattr(into, name, value)
        elif isinstance(value, int | float) and isinstance(mine, int | float):
            setattr(into, name, mine + value)
        elif isinstance(value, dict) and isinstance(mine, dict):
            _merge_entries(mine, value, order=state.get("_order", []) if name == "failures" else None, into=into)
        elif isinstance(value, list) and isinstance(mine, list):
            mine.extend(item for item in value if item not in mine)


def _merge_entries(
    mine: dict[Any, Any], theirs: Mapping[Any, Any], *, order: Sequence[Any] | None, into: Ledger
) -> None:
    keys = [key for key in order if key in theirs] if order is not None else list(theirs)
    for key in keys:
        entry = theirs[key]
        existing = mine.get(key)
        if existing is None:
            mine[key] = entry
            if order is not None:
                into._order.append(key)  # the ledger's own order of first appearance
        elif hasattr(existing, "count"):
            existing.count += entry.count
        elif attrs.has(type(existing)):
            for field in attrs.fields(type(existing)):
                setattr(existing, field.name, getattr(existing, field.name) + getattr(entry, field.name))


def make_scheduler(config: Any, log: Any, cost: Callable[[str], float], held_back: Callable[[str], bool]) -> Any:
    """Return an xdist scheduler that gives each worker one shard of ``plan_shards`` and nothing else.

    The tests ``held_back`` names (the run-level gates) go to no worker: the controller judges them once every
    worker's ledger is merged.
    """
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]  # noqa: PLC0415 - parallel runs only

    class ShardScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """One work unit per worker: a shard, planned from the collection and the budget alone."""

        def __init__(self, config: Any, log: Any) -> None:
            super().__init__(config, log)
            self.shard_of: dict[str, str] = {}

        def _split_scope(self, nodeid: str) -> str:
            return self.shard_of.get(nodeid, nodeid)

        def schedule(self) -> None:
            assert self.collection_is_completed  # xdist's own contract (see LoadScopeScheduling)
            if self.collection is not None:  # type: ignore[has-type]  # a node added later: rescheduled
                for node in self.nodes:
                    self._reschedule(node)
                return
            if not self._check_nodes_have_same_collection():
                self.log("**Different tests collected, aborting run**")
                return
            collection: list[str] = list(next(iter(self.registered_collections.values())))
            self.collection = collection
            runnable = [nodeid for nodeid in collection if not held_back(nodeid)]
            for index, shard in enumerate(plan_shards(runnable, len(self.nodes), cost)):
                name = f"shard-{index}"
                self.shard_of.update(dict.fromkeys(shard, name))
                self.workqueue[name] = dict.fromkeys(shard, False)
            for _ in range(len(self.nodes) - len(self.workqueue)):
                unused, _assigned = self.assigned_work.popitem()
                unused.shutdown()
            for node in self.nodes:
                if self.workqueue:
                    self._assign_work_unit(node)
            for node in self.nodes:
                node.shutdown()  # after its one shard

        def shard_index(self, node: Any) -> int:
            """Return the index of the shard ``node`` ran (-1: none)."""
            for name in self.assigned_work.get(node, {}):
                return int(name.removeprefix("shard-"))
            return -1

    return ShardScheduling(config, log)
