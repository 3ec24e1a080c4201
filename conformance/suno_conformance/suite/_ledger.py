"""The ledger: every judgement of a run, counted per operation and check, with distinct failures and drift.

Checks never raise inside hypothesis: a raised failure would stop generation, trigger shrinking (many more
requests, some of them paid in live mode) and leave the counts meaningless. Instead every case runs, every check
is recorded here, and the pytest plugin fails each test item that recorded a failure, with the distinct failures
it found (``failures_since``).

Everything that reaches a report passes through ``redact`` (``suno_api.redact``: every secret, in any escaped or
encoded spelling), and excerpts are cut after redaction (``suno_api.excerpt``), so that no fragment of the token
or the webhook key appears in messages, reproductions or answers.
"""

from __future__ import annotations

import shlex
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from suno_api import excerpt, redact
from suno_conformance.suite._checks import Result, Status
from suno_conformance.suite._drift import DriftFinding
from suno_conformance.suite._oracle import SentRequest

REDACTED = "[REDACTED]"
_DETAIL = 600
RUN_LABEL = "run"
# {callback_url} is the role (see suno_api.spec.names()), so the label stays when upstream respells the field
CALLBACK_LABEL = "CALLBACK POST {callback_url}"
# The order phases are reported in.
PHASES = ("examples", "coverage", "fuzzing", "stateful", "boundary", "credentials", "callbacks")
_EXCERPT = 400


@attrs.define
class Failure:
    """A distinct failure: one check, one operation, one message; the first example kept.

    Attributes:
        check: The check's name.
        label: The operation (``POST /api/v1/generate/upload-extend``), or ``run`` / ``CALLBACK ...``.
        message: What is wrong (no case-specific values: it is the grouping key).
        detail: Details of the first example.
        phase: The phase of the first example.
        reproduction: A curl command that sends the first example (token redacted).
        answer: An excerpt of the first example's answer.
        count: How many answers failed this way.
        item: The pytest node id that first recorded it.
    """

    check: str
    label: str
    message: str
    detail: str = ""
    phase: str = ""
    reproduction: str = ""
    answer: str = ""
    count: int = 1
    item: str | None = None

    def render(self) -> str:
        """Return the failure as a few readable lines."""
        times = f" (x{self.count})" if self.count > 1 else ""
        lines = [f"[{self.check}] {self.label}: {self.message}{times}"]
        lines.extend(f"    {line}" for line in self.detail.splitlines() if line.strip())
        if self.reproduction:
            lines.append(f"    reproduce: {self.reproduction}")
        if self.answer:
            lines.append(f"    answer: {self.answer}")
        return "\n".join(lines)


@attrs.define
class DriftEntry:
    """A value outside a documented list, and how often it was seen."""

    label: str
    finding: DriftFinding
    count: int = 1


@attrs.define
class CheckCounts:
    """Passed / failed / skipped / drift counts of one check on one operation."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    drift: int = 0

    def add(self, status: Status) -> None:
        """Count one judgement (``n/a`` is not counted)."""
        if status is Status.PASSED:
            self.passed += 1
        elif status is Status.FAILED:
            self.failed += 1
        elif status is Status.SKIPPED:
            self.skipped += 1


class Ledger:
    """Everything a run judged; thread-safe, since the callback receiver records from its own thread.

    Args:
        secrets: Strings to redact from everything the ledger stores (the token).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(secret for secret in secrets if secret)
        self._lock = threading.RLock()
        self.counts: dict[tuple[str, str], CheckCounts] = {}
        self.failures: dict[tuple[str, str, str], Failure] = {}
        self.drift: dict[tuple[str, str, str], DriftEntry] = {}
        self.sent: Counter[str] = Counter()
        self.not_sent: Counter[str] = Counter()
        self.modes: Counter[tuple[str, str]] = Counter()
        self.reached: Counter[str] = Counter()
        self.notes: list[str] = []
        self.token_accepted = 0
        """Answers to our token that rejected the request for another reason than 401 (the token works)."""
        self.current_item: str | None = None
        self._order: list[tuple[str, str, str]] = []
        self._item_failures: dict[str, dict[tuple[str, str, str], Failure]] = {}
        self.callbacks_received = 0
        self.skips: Counter[tuple[str, str, str]] = Counter()
        """Why checks were skipped: (operation, check, reason) -> how often (a skip names its cause, never silent)."""

    # ------------------------------------------------------------------------------------------ redaction

    def add_secret(self, secret: str) -> None:
        """Redact ``secret`` from everything recorded from now on."""
        if secret and secret not in self._secrets:
            self._secrets = (*self._secrets, secret)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The strings redacted from everything the ledger reports."""
        return self._secrets

    def redact(self, text: str) -> str:
        """Return ``text`` with every secret, in any escaped or encoded spelling, replaced by ``[REDACTED]``."""
        return redact(text, self._secrets)

    def excerpt(self, text: str, limit: int) -> str:
        """Return the beginning of ``text``, redacted first and then cut to ``limit`` characters."""
        return excerpt(text, self._secrets, limit)

    # ---------------------------------------------------------------------------------------- recording

    def count_case(self, phase: str, *, sent: bool = True, mode: str | None = None) -> None:
        """Count one case of ``phase``: sent, or held back by live safety."""
        with self._lock:
            if sent:
                self.sent[phase] += 1
                if mode is not None:
                    self.modes[(phase, mode)] += 1
            else:
                self.not_sent[phase] += 1

    def count_success(self, label: str) -> None:
        """Count an answer with code 200 for ``label``."""
        with self._lock:
            self.reached[label] += 1

    def note(self, text: str) -> None:
        """Keep a line for the summary (e.g. why a phase was skipped)."""
        with self._lock:
            line = self.redact(text)
            if line not in self.notes:
                self.notes.append(line)

    def record(
        self,
        label: str,
        check: str,
        result: Result,
        *,
        phase: str,
        reproduction: str = "",
        answer: str = "",
    ) -> None:
        """Record one judgement; a failure is kept once per (check, label, message) with its first example."""
        if result.status is Status.NOT_APPLICABLE:
            return
        with self._lock:
            self.counts.setdefault((label, check), CheckCounts()).add(result.status)
            if result.status is Status.SKIPPED:
                self.skips[(label, check, self.redact(result.message))] += 1
            if result.status is not Status.FAILED:
                return
            key = (check, label, self.redact(result.message))
            failure = Failure(
                check=check,
                label=label,
                message=key[2],
                detail=self.excerpt(result.detail, _DETAIL),
                phase=phase,
                reproduction=self.redact(reproduction),
                answer=self.excerpt(answer, _EXCERPT),
                item=self.current_item,
            )
            if self.current_item is not None:
                # Each pytest item fails with its own first example, even when another item found it first.
                found = self._item_failures.setdefault(self.current_item, {})
                if key in found:
                    found[key].count += 1
                else:
                    found[key] = attrs.evolve(failure)
            existing = self.failures.get(key)
            if existing is not None:
                existing.count += 1
                return
            self.failures[key] = failure
            self._order.append(key)

    def record_drift(self, label: str, check: str, findings: Iterable[DriftFinding]) -> None:
        """Record values outside documented lists (counted under ``check``'s drift column)."""
        with self._lock:
            for finding in findings:
                self.counts.setdefault((label, check), CheckCounts()).drift += 1
                key = (label, finding.location, repr(finding.value))
                entry = self.drift.get(key)
                if entry is None:
                    self.drift[key] = DriftEntry(label, finding)
                else:
                    entry.count += 1

    # ------------------------------------------------------------------------------------------ reading

    def failures_for(self, item: str) -> list[Failure]:
        """Return the distinct failures the pytest item ``item`` recorded, with its own first examples."""
        with self._lock:
            return list(self._item_failures.get(item, {}).values())

    def all_failures(self) -> list[Failure]:
        """Return every distinct failure, in the order found."""
        with self._lock:
            return [self.failures[key] for key in self._order]

    def failed_checks(self) -> int:
        """Return how many judgements failed (all checks, all operations)."""
        with self._lock:
            return sum(counts.failed for counts in self.counts.values())

    def snapshot(self) -> dict[str, Any]:
        """Return the ledger as JSON-ready data (the machine-readable report)."""
        with self._lock:
            return {
                "cases": {phase: self.sent.get(phase, 0) for phase in PHASES},
                "callbacks_received": self.callbacks_received,
                "not_sent_live_safety": dict(self.not_sent),
                "modes": {f"{phase}/{mode}": count for (phase, mode), count in sorted(self.modes.items())},
                "code_200": dict(self.reached),
                "checks": [
                    {"operation": label, "check": check, **attrs.asdict(counts)}
                    for (label, check), counts in self.counts.items()
                ],
                "failures": [attrs.asdict(failure) for failure in self.all_failures()],
                "skipped": [
                    {"operation": label, "check": check, "reason": reason, "count": count}
                    for (label, check, reason), count in self.skips.items()
                ],
                "drift": [
                    {"operation": entry.label, "finding": str(entry.finding), "count": entry.count}
                    for entry in self.drift.values()
                ],
                "notes": list(self.notes),
            }


def curl_command(request: SentRequest, url: str, secrets: tuple[str, ...] = ()) -> str:
    """Return a curl command that sends ``request`` to ``url`` again (the headers that matter; body trimmed).

    The body is cut after redaction of ``secrets``, so that the cut never leaves part of one.
    """
    parts = ["curl", "-X", request.method, shlex.quote(url)]
    for name in ("Authorization", "Content-Type"):
        value = request.headers.get(name.lower())
        if value is not None:
            parts.extend(["-H", shlex.quote(f"{name}: {value}")])
    if request.body:
        text = excerpt(request.body.decode("utf-8", "replace"), secrets, 2000)
        parts.extend(["--data-raw", shlex.quote(text)])
    return " ".join(parts)
