"""How much each row measures: run counts and sizes, full or ``--quick``, scaled by ``--runs``."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen(kw_only=True)
class Budget:
    """Run counts (interleaved pairs) and sample sizes of every row.

    Attributes:
        submit_runs: Pairs of row 1 (each side of a pair times ``submit_batch`` submits).
        submit_batch: Submits per measurement in row 1.
        validation_runs: Pairs of row 2.
        validation_batch: Calls per measurement in row 2.
        import_runs: Pairs of fresh interpreters in row 3.
        load_runs: Pairs of load runs per route in row 4.
        load_seconds: Measured seconds of each load run in row 4.
        load_concurrency: Connections the load generator keeps busy in row 4.
        conformance_runs: Pairs of conformance runs in row 5.
        conformance_examples: Examples per operation in row 5, the same for both sides.
        generate_runs: Pairs of generations in row 6.
        verdict_runs: Pairs of whole ``make conformance`` runs in row 8 (the default vs today's single worker).
        wait_runs: Pairs of 1,000-wait runs in row 7.
        wait_tasks: Concurrent ``wait()`` calls in row 7.
    """

    submit_runs: int = 20
    submit_batch: int = 50
    validation_runs: int = 25
    validation_batch: int = 5000
    import_runs: int = 20
    load_runs: int = 6
    load_seconds: float = 1.5
    load_concurrency: int = 16
    conformance_runs: int = 3
    conformance_examples: int = 50
    generate_runs: int = 5
    verdict_runs: int = 2
    wait_runs: int = 2
    wait_tasks: int = 1000

    @classmethod
    def quick(cls) -> Budget:
        """Return the ``--quick`` budget: fewer pairs, shorter load runs, fewer conformance examples."""
        return cls(
            submit_runs=8,
            validation_runs=10,
            import_runs=8,
            load_runs=3,
            load_seconds=1.0,
            conformance_runs=1,
            conformance_examples=20,
            generate_runs=3,
            verdict_runs=1,
            wait_runs=1,
        )

    def with_runs(self, runs: int) -> Budget:
        """Return this budget with every row's pair count set to ``runs``."""
        names = [field.name for field in attrs.fields(Budget) if field.name.endswith("_runs")]
        return attrs.evolve(self, **dict.fromkeys(names, runs))

    def to_json(self) -> dict[str, Any]:
        """Return the budget as JSON-ready data."""
        return attrs.asdict(self)
