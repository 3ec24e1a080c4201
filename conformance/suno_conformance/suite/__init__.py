"""The conformance suite: schemathesis, driven from pytest, against the embedded mock or a live endpoint.

Layers, bottom up::

    _oracle     what a conforming server owes a request (the effective spec's schema and rules)
    _checks     envelope-aware judgements of one answer or callback; _drift: values outside documented lists
    _cases      boundary cases derived from the rules and constraints
    _safety     live safety: which requests may go to a paid service
    _ledger     every judgement, counted; distinct failures; drift; redaction
    _runtime    a run: target, receiver, ledger; how every case is sent and judged
    _plugin     the pytest plugin; test_conformance.py: the tests; _report: summary, JSON, JUnit
    _entry      run_suite() and `python -m suno_conformance.suite`

Run it: ``python -m suno_conformance.suite`` (``make conformance``), or ``run_suite()`` in-process.
"""

from suno_conformance.suite._checks import CALLBACK_CHECKS, RESPONSE_CHECKS, Result, Status
from suno_conformance.suite._entry import Outcome, main, run_suite
from suno_conformance.suite._ledger import Ledger
from suno_conformance.suite._options import SuiteOptions

__all__ = [
    "CALLBACK_CHECKS",
    "RESPONSE_CHECKS",
    "Ledger",
    "Outcome",
    "Result",
    "Status",
    "SuiteOptions",
    "main",
    "run_suite",
]
