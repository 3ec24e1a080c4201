"""Live safety: against a real service, a submit that is accepted creates a task and costs credits.

Live mode (a target that is not on loopback, or ``SUNO_CONFORMANCE_LIVE=1``) sends a request only when the
oracle calls it *free*: it cannot create a paid task under any reading of upstream's text (missing or wrong
credentials, an undocumented method, record-info, a submit body with no ``uploadUrl``). Every other request,
valid or breaking only a rule that upstream might read differently, counts as a paid call: it is sent only while
``SUNO_MAX_PAID_CALLS`` allows, and never once the budget is spent. Against the mock (loopback, not forced
live) everything is sent.

Callbacks of a live task go where the suite chooses, never to a host the generator made up
(``keep_callbacks_home``): to the suite's receiver through its public URL (``SUNO_CONFORMANCE_CALLBACK_URL``),
or, without one, to ``callback.invalid``, which never resolves.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from typing import Any

from suno_api.spec import names as spec_names
from suno_conformance.suite._oracle import Expectation


def keep_callbacks_home(body: Any, callback_url: str) -> None:
    """Point an http(s) callback URL field of ``body`` at ``callback_url`` (the receiver, or ``callback.invalid``).

    Generated bodies carry URLs such as ``https://0.com``; a live task created from one would POST its results
    there. The swap keeps a valid body valid, and leaves a malformed URL alone (it is there to be rejected).
    """
    if not isinstance(body, MutableMapping):
        return
    field = spec_names().callback_url
    url = body.get(field)
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        body[field] = callback_url


class LiveSafety:
    """Decide, before sending, whether a request may go out.

    Args:
        live: Whether the target is a real, paid service.
        max_paid_calls: How many requests that might be accepted may be sent (live mode only).
    """

    def __init__(self, *, live: bool, max_paid_calls: int = 0) -> None:
        if max_paid_calls < 0:
            raise ValueError(f"max_paid_calls must be >= 0, got {max_paid_calls}")
        self.live = live
        self.max_paid_calls = max_paid_calls
        self.paid_calls = 0
        self.held_back = 0
        self._lock = threading.Lock()

    def permit(self, expectation: Expectation) -> bool:
        """Return whether a request with this expectation may be sent; a permitted paid call is counted."""
        if not self.live or expectation.free:
            return True
        with self._lock:
            if self.paid_calls < self.max_paid_calls:
                self.paid_calls += 1
                return True
            self.held_back += 1
            return False

    @property
    def exhausted(self) -> bool:
        """Whether no further paid call may be sent."""
        return self.live and self.paid_calls >= self.max_paid_calls

    def describe(self) -> str:
        """One line for the summary."""
        if not self.live:
            return "not live: every request is sent"
        return (
            f"LIVE: {self.paid_calls} of {self.max_paid_calls} paid call(s) used (SUNO_MAX_PAID_CALLS);"
            f" {self.held_back} request(s) that might be accepted were not sent"
        )
