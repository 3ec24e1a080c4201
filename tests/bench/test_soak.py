"""Load on the mock: mixed requests at concurrency 50, loopback only, every answer valid and deserved.

The soak itself is ``bench._soak`` (``make bench`` row 9: 10,000 requests, where the mock's memory must stay
flat); this test runs it on fewer requests, enough for every kind of request to be answered thousands of times
at full concurrency: no 5xx, every envelope valid against the effective spec's response schema for its operation
with the code the request deserves, and the memory bound (judged over fewer requests, so only a large leak fails
it here).
"""

from __future__ import annotations

from bench._soak import CHECKPOINT, CONCURRENCY, soak

REQUESTS = 3 * CHECKPOINT


def test_soak_mock_mixed_requests_at_concurrency_50() -> None:
    """Mixed requests at concurrency 50: no 5xx, every answer valid and deserved, the mock's memory bounded."""
    result = soak(REQUESTS, CONCURRENCY)
    assert result.problems == []
    assert sum(result.statuses.values()) == REQUESTS
    assert not any(status >= 500 for status in result.statuses)
    assert set(result.rss) == set(range(0, REQUESTS + 1, CHECKPOINT))
    growth, allowed = result.growth()
    assert growth < allowed, (
        f"the mock grew {growth / 2**20:.1f} MB between request {CHECKPOINT} and {REQUESTS} (allowed"
        f" {allowed / 2**20:.1f} MB); RSS in MB by requests done: {result.trajectory()}"
    )
