"""Mutants made from the effective spec: defective mocks the conformance suite must kill, generated, not written.

Beside the hand-written catalogue (``suno_conformance.defects``), every constraint of the effective spec
(``suno_api.spec``) gives mutants of the faithful mock, each breaking that one constraint in one realistic way.
Each is named ``family:detail``:

=================  ========================================================================================
``rule-off``       a rule of the rules overlay is not enforced (one per rule id)
``limit-loose``    a length or numeric bound admits one step beyond it (maxLength + 1, minimum - step...)
``limit-strict``   the same bound refuses the limit itself
``required-off``   a required field (or a field a rule requires) may be left out
``keyword-off``    ``format`` or ``multipleOf`` of a property is not enforced
``enum-loose``     an enum matches case-insensitively, or strips surrounding whitespace
``type-coerced``   a boolean or number field also accepts its value as a string (``"true"``, ``"42"``)
``auth-relaxed``   accepts any token, a bare key, another scheme, a key in the query; or 404 before 401
=================  ========================================================================================

A constraint added to a regenerated spec gives new mutants with no code change. ``run_mutants()`` runs the
suite's targeted phases against each one (and the faithful mock, which must conform) and ``score_table()``
prints the kills per family; ``python -m suno_conformance.mutants [FAMILY ...]`` does both.
"""

from suno_conformance.mutants._derive import Mutant, families, mutant, mutants
from suno_conformance.mutants._main import main
from suno_conformance.mutants._runner import FAITHFUL, TARGETED_TESTS, MutantResult, run_mutants, score_table

__all__ = [
    "FAITHFUL",
    "TARGETED_TESTS",
    "Mutant",
    "MutantResult",
    "families",
    "main",
    "mutant",
    "mutants",
    "run_mutants",
    "score_table",
]
