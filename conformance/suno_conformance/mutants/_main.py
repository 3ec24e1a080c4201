"""``python -m suno_conformance.mutants [FAMILY ...]``: run the mutants (of those families) and print the score."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from suno_conformance.mutants._derive import families, mutants
from suno_conformance.mutants._runner import FAITHFUL, run_mutants, score_table

EXIT_ALL_KILLED = 0
EXIT_SURVIVORS = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run every mutant (or those of the families named in ``argv``); print the table; return the exit status.

    The status is 0 when every mutant is killed and the faithful mock conforms, 1 otherwise, 2 for an unknown
    family.
    """
    chosen = list(sys.argv[1:] if argv is None else argv)
    unknown = sorted(set(chosen) - set(families()))
    if unknown:
        print(f"unknown mutant families: {', '.join(unknown)}; known: {', '.join(families())}", file=sys.stderr)
        return EXIT_USAGE
    names = [found.name for found in mutants() if not chosen or found.family in chosen]
    started = time.monotonic()
    results = run_mutants(names)
    print(score_table(results))
    print(f"wall: {time.monotonic() - started:.1f} s")
    faithful_conforms = all(result.exit_code == 0 for result in results if result.family == FAITHFUL)
    every_kill = all(result.killed for result in results if result.family != FAITHFUL)
    return EXIT_ALL_KILLED if faithful_conforms and every_kill else EXIT_SURVIVORS
