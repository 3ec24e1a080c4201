"""The conformance suite: schemathesis, driven from pytest, against the embedded mock or a live endpoint.

Layers, bottom up::

    _options    SUITE_SETTINGS (the one table of the suite's settings) and SuiteOptions, read from it
    _oracle     what a conforming server owes a request (the effective spec's schema and rules)
    _checks     envelope-aware judgements of one answer or callback; _drift: values outside documented lists
    _cases      boundary cases derived from the rules and constraints
    _safety     live safety: which requests may go to a paid service, where their callbacks may go
    _ledger     every judgement, counted; distinct failures; drift; redaction
    _receiver   the callback receiver (loopback, or behind a public URL)
    _runtime    a run: target, receiver, ledger; how every case is sent and judged; what it cannot check
    _plugin     the pytest plugin; test_conformance.py: the tests; _report: summary, JSON, JUnit
    _entry      run_suite(), and `python -m suno_conformance.suite` (== `suno-api conformance`)

Run it: ``suno-api conformance`` (``make conformance``), or ``run_suite()`` in-process.
"""

from suno_conformance.suite._checks import CALLBACK_CHECKS, RESPONSE_CHECKS, Result, Status
from suno_conformance.suite._entry import Outcome, main, run_suite
from suno_conformance.suite._ledger import Ledger
from suno_conformance.suite._options import SUITE_SETTINGS, SuiteOptions, settings_table_markdown

__all__ = [
    "CALLBACK_CHECKS",
    "RESPONSE_CHECKS",
    "SUITE_SETTINGS",
    "Ledger",
    "Outcome",
    "Result",
    "Status",
    "SuiteOptions",
    "main",
    "run_suite",
    "settings_table_markdown",
]
