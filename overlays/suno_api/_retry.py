"""The retry policy: what is retried, how long to wait, and when a failed submit leaves its outcome unknown.

Retrying is tenacity's job (backoff, jitter, attempt counting, sync and async); this module only decides. The
one rule that matters most: a submit creates a task and spends credits, so it is resent only when the
previous attempt provably created nothing, or when the caller opted in with ``retry_submit=True``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

import attrs
import tenacity

from suno_api._errors import (
    APIError,
    MaintenanceError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    TransportError,
)

logger = logging.getLogger("suno_api")

_R = TypeVar("_R")

#: Retries after the first attempt, unless the client is told otherwise.
DEFAULT_MAX_RETRIES: Final = 2
#: A Retry-After longer than this is not slept through: the error is raised and the caller decides.
DEFAULT_MAX_RETRY_AFTER: Final = 60.0


@attrs.frozen
class RetryPolicy:
    """How a client retries; built from the client's options."""

    max_retries: int = DEFAULT_MAX_RETRIES
    retry_submit: bool = False
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    # Exponential backoff with jitter: 0.5 s, 1 s, 2 s... capped at 8 s,
    # plus up to 0.5 s of random jitter so that many clients failing together do not retry together.
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.5


def should_retry(exc: BaseException, *, submit: bool, policy: RetryPolicy) -> bool:
    """Return whether the failed attempt that raised ``exc`` may be sent again."""
    if isinstance(exc, APIError) and exc.retry_after is not None and exc.retry_after > policy.max_retry_after:
        # The service asks for a longer wait than we are willing to sleep through (an hour-long 429 or 503):
        # raise now, with `retry_after` set, and let the caller decide.
        return False
    if isinstance(exc, TransportError):
        if not exc.maybe_sent:
            # Connection refused, connect or pool timeout: not one byte of the request reached the server, so
            # sending it again cannot duplicate anything, even a submit.
            return True
        # Read/write timeout, reset, protocol error: the server may have received and processed the request.
        # Harmless for a read; for a submit it could create a second task, so only when the caller opted in.
        return not submit or policy.retry_submit
    if isinstance(exc, RateLimitError | MaintenanceError):
        # 429 and 455 are the service saying it did not take the request: nothing was created, so even a
        # submit is safe to resend.
        return True
    if isinstance(exc, ServerError):
        # 5xx: the service failed while handling the request. A read is safe to repeat; a submit may have
        # created the task before the failure, so only when the caller opted in.
        return not submit or policy.retry_submit
    # ResponseDecodeError: an unreadable answer is not transient as a rule, and for a submit it means the
    # outcome is unknown. Every other APIError (401, 402, 404, 409, 422, 451, the refusals 501, 505 and
    # 531-537, unknown codes) would get the same answer again. Anything else is a bug, not a reason to retry.
    return False


def submit_outcome_unknown(exc: BaseException) -> bool:
    """Return whether a submit that failed with ``exc`` may nevertheless have created a task."""
    if isinstance(exc, TransportError):
        return exc.maybe_sent
    # A 5xx, or a success whose body we could not read (no task id): the task may exist.
    return isinstance(exc, ServerError | ResponseDecodeError)


class _WaitRetryAfterOrBackoff(tenacity.wait.wait_base):
    """Wait what the service asked for (``Retry-After``), else exponential backoff with jitter."""

    def __init__(self, policy: RetryPolicy) -> None:
        # wait_exponential + wait_random is wait_exponential_jitter spelled so that every tenacity 9.x accepts it
        # without a warning (9.2 renamed wait_exponential_jitter's `initial`, which 9.1 lacks the new name of).
        self._backoff = tenacity.wait_exponential(
            multiplier=policy.initial_backoff, max=policy.max_backoff
        ) + tenacity.wait_random(0, policy.jitter)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, APIError) and exc.retry_after is not None:
            # Honour it exactly: waiting less gets another 429, and should_retry already refused long waits.
            return exc.retry_after
        return float(self._backoff(retry_state))


def _log_before_sleep(what: str, policy: RetryPolicy) -> Callable[[tenacity.RetryCallState], None]:
    def log(retry_state: tenacity.RetryCallState) -> None:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        next_action = retry_state.next_action
        delay = next_action.sleep if next_action is not None else 0.0
        logger.warning(
            "%s failed (%s); retrying in %.2f s (attempt %d of %d)",
            what,
            exc,
            delay,
            retry_state.attempt_number + 1,
            policy.max_retries + 1,
        )

    return log


def _retry_predicate(submit: bool, policy: RetryPolicy) -> tenacity.retry_base:
    return tenacity.retry_if_exception(lambda exc: should_retry(exc, submit=submit, policy=policy))


def sync_retrying(policy: RetryPolicy, *, submit: bool, what: str, sleep: Callable[[float], None]) -> tenacity.Retrying:
    """Return a tenacity ``Retrying`` applying ``policy`` (``sleep`` is injectable so tests never sleep)."""
    return tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=_WaitRetryAfterOrBackoff(policy),
        retry=_retry_predicate(submit, policy),
        sleep=sleep,
        before_sleep=_log_before_sleep(what, policy),
        reraise=True,
    )


def async_retrying(
    policy: RetryPolicy, *, submit: bool, what: str, sleep: Callable[[float], Awaitable[None]]
) -> tenacity.AsyncRetrying:
    """Return a tenacity ``AsyncRetrying`` applying ``policy``; see ``sync_retrying``."""
    return tenacity.AsyncRetrying(
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=_WaitRetryAfterOrBackoff(policy),
        retry=_retry_predicate(submit, policy),
        sleep=sleep,
        before_sleep=_log_before_sleep(what, policy),
        reraise=True,
    )


# Almost every request succeeds at the first attempt, and building and entering a tenacity loop costs more than
# the rest of the client's own work on a request (the async loop also inspects the callables it is given several
# times per call). So the first attempt is made directly, and tenacity is entered only once it failed in a way
# `should_retry` accepts. Tenacity then gets that failure back as its own first attempt (it is raised again, not
# sent again), so the attempt numbers, backoff, Retry-After waits, stop and log lines are exactly those of a loop
# that tenacity ran from the start.


def call_with_retries(
    attempt: Callable[[], _R], policy: RetryPolicy, *, submit: bool, what: str, sleep: Callable[[float], None]
) -> _R:
    """Call ``attempt`` and return its result, retrying it as ``policy`` says (see ``sync_retrying``)."""
    try:
        return attempt()
    except Exception as exc:
        if not should_retry(exc, submit=submit, policy=policy):
            raise
        first_failure: Exception | None = exc

    def replay_then_attempt() -> _R:
        nonlocal first_failure
        if first_failure is not None:
            failure, first_failure = first_failure, None
            raise failure
        return attempt()

    return sync_retrying(policy, submit=submit, what=what, sleep=sleep)(replay_then_attempt)


async def async_call_with_retries(
    attempt: Callable[[], Awaitable[_R]],
    policy: RetryPolicy,
    *,
    submit: bool,
    what: str,
    sleep: Callable[[float], Awaitable[None]],
) -> _R:
    """Await ``attempt`` and return its result, retrying it as ``policy`` says; see ``call_with_retries``."""
    try:
        return await attempt()
    except Exception as exc:
        if not should_retry(exc, submit=submit, policy=policy):
            raise
        first_failure: Exception | None = exc

    async def replay_then_attempt() -> _R:
        nonlocal first_failure
        if first_failure is not None:
            failure, first_failure = first_failure, None
            raise failure
        return await attempt()

    return await async_retrying(policy, submit=submit, what=what, sleep=sleep)(replay_then_attempt)
