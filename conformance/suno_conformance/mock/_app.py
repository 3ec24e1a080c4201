"""``MockApp``: the mock's layers stacked into one class with one small overridable method per behaviour.

Each layer is one job, in its own module, and only calls the layers below it:

    _routing.Routing             the app, the request pipeline (faults, maintenance, auth, rate limit), envelopes
    _render.Rendering            tasks and tracks as submit, record-info and callback data
    _delivery.CallbackDelivery   queueing, signing and POSTing callbacks; the delivery log
    _lifecycle.TaskLifecycle     submit, record-info, the virtual clock moving tasks
    _debug.DebugAPI              the ``/_mock`` endpoints
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from suno_conformance.mock._debug import DebugAPI
from suno_conformance.mock._settings import MockSettings


class MockApp(DebugAPI):
    """A stateful kie.ai sandbox. Subclass it and override one method to make a variant.

    Args:
        settings: The configuration; ``MockSettings()`` when omitted.
        clock: Moves the tasks; a ``VirtualClock`` running with real time when omitted.
        timer: Monotonic seconds for the rate limiter.
        callback_transport: httpx transport for callbacks (tests pass an ``httpx.MockTransport``).

    Runtime state, safe to change from a test: ``maintenance`` (bool) and ``credits`` (``None`` = unlimited).
    """


def create_app(
    settings: MockSettings | None = None, *, mock_class: type[MockApp] = MockApp, **kwargs: Any
) -> Starlette:
    """Return the Starlette app of a new mock (reach the ``MockApp`` as ``app.state.mock``).

    Args:
        settings: The configuration; ``MockSettings()`` when omitted.
        mock_class: ``MockApp`` or a variant of it.
        **kwargs: Passed to ``mock_class`` (``clock``, ``timer``, ``callback_transport``).
    """
    return mock_class(settings, **kwargs).app
