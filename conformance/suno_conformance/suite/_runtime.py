"""A conformance run: the target, the ledger, live safety, the callback receiver, and how a case is sent.

``Run`` is what the pytest plugin starts before the tests and stops after them; the test module reaches it with
``current()`` (the stateful phase has no fixtures). ``Run.send`` is the one path every request takes:

1. the oracle judges the request as it will be sent;
2. live safety decides whether it may go out (``_safety.py``);
3. schemathesis sends it (``case.call``) over real sockets;
4. every check judges the answer, as the request was actually sent (``response.request``), and the ledger
   records the results, the drift and the tasks created.

Callbacks go to the suite's receiver: on loopback for a target on this machine, or through the public URL the
user configured (``SUNO_CONFORMANCE_CALLBACK_URL``) for a target elsewhere, live ones included. What a run cannot
judge (callbacks no receiver can get, signatures without the key) is listed by ``Run.not_checked()``, with what
to set, in the summary and the JSON report.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import random
import time
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs
import hypothesis
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET
from schemathesis.core.transport import Response

from suno_api.spec import REQUEST_SCHEMA, effective_spec, effective_spec_path, enum_values, schema
from suno_api.spec import names as spec_names_of
from suno_conformance.mock import MockApp
from suno_conformance.suite._cases import CALLBACK_PLACEHOLDER, BoundaryCase, derive
from suno_conformance.suite._checks import (
    CALLBACK_CHECKS,
    NOT_JUDGED,
    RESPONSE_CHECKS,
    Callback,
    CallbackContext,
    Reply,
    Result,
    Status,
    callback_drift,
    callback_tracks_path,
    drift_of,
    value_at,
)
from suno_conformance.suite._errata import load_errata
from suno_conformance.suite._ledger import CALLBACK_LABEL, RUN_LABEL, Ledger, curl_command
from suno_conformance.suite._options import (
    CALLBACK_LISTEN_ENV,
    CALLBACK_URL_ENV,
    WEBHOOK_SECRET_ENV,
    SuiteOptions,
    parse_listen,
)
from suno_conformance.suite._oracle import (
    Credentials,
    Expectation,
    Operation,
    bearer_scheme,
    documented_operations,
    expect,
    operation_by_id,
    record_info_operation,
    sent_from_prepared,
    submit_operation,
)
from suno_conformance.suite._receiver import CallbackReceiver
from suno_conformance.suite._safety import LiveSafety, keep_callbacks_home
from suno_conformance.suite._state import judge_stages, judge_tracks, record_tracks_path, stages
from suno_conformance.suite._target import Target, open_target

if TYPE_CHECKING:
    from schemathesis.core.transport import HttpMethod
    from schemathesis.generation.stateful.state_machine import APIStateMachine
    from schemathesis.schemas import BaseSchema

Phase = Literal["examples", "coverage", "fuzzing", "stateful"]
GENERATED_PHASES: tuple[Phase, ...] = ("examples", "coverage", "fuzzing", "stateful")
WRONG_TOKEN = "conformance-wrong-token"
UNKNOWN_TASK = "conformance-unknown-task"
# Query parameter names a lax server might read a key from; none is documented, so each must be ignored.
QUERY_KEY_NAMES = ("api_key", "apiKey", "key", "token", "access_token")
SIGNATURE_TOLERANCE = 300.0
DEFAULT_TIMEOUT = 10.0
# The derived body every probe sends: valid under every reading (`_cases.py` checks it has no violation).
VALID_CASE = "no-custom-mode-field/at-limit/absent"
BURST = 5


def _task_statuses() -> tuple[str, ...]:
    """The documented task statuses, in the spec's order: the enum the success status role points into."""
    schema_name = spec_names_of().pointer("status_success").split("/")[-3]
    return tuple(str(value) for value in enum_values(schema_name))


def final_callbacks() -> frozenset[str]:
    """The callback stages that end a task: after one of them, no other callback comes."""
    spec_names = spec_names_of()
    return frozenset({spec_names.stage_complete, spec_names.stage_error})


SUITE_TABLE = "conformance"
"""The table of ``schemathesis.toml`` that holds the suite's own settings (removed before schemathesis reads it)."""
GATES = ("reached_success", "spec_drift")
"""The run-level judgements (``test_<gate>``), judged last, on everything the run recorded."""
GateOutcome = Literal["passed", "failed", "skipped"]
_ACTIVE: Run | None = None


def _short(value: Any) -> str:
    return repr(value)[:200]


def _fingerprint(expectation: Expectation, case: schemathesis.Case[Any]) -> str:
    body = "" if expectation.body is None else json.dumps(expectation.body, sort_keys=True, default=str)
    return f"{expectation.method} {expectation.path} {sorted((case.query or {}).items())} {body}"


def current() -> Run:
    """Return the active run (the pytest plugin activates it before collecting the suite's tests)."""
    if _ACTIVE is None:
        raise RuntimeError(
            "no conformance run is active: run the suite with `python -m suno_conformance.suite`"
            " or `pytest --pyargs suno_conformance.suite` (its conftest starts one)"
        )
    return _ACTIVE


def active_context() -> Run | None:
    """Return the active run, or ``None`` (the schemathesis check adapters skip without one)."""
    return _ACTIVE


def activate(run: Run | None) -> None:
    """Make ``run`` the active run (``None`` clears it)."""
    global _ACTIVE  # noqa: PLW0603 - one run per process at a time, reached from schemathesis's state machine
    _ACTIVE = run


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def operations_with_body(operations: Iterable[Operation]) -> frozenset[str]:
    """Return the ids of the ``operations`` whose requests carry a body in the effective spec."""
    paths = effective_spec().get("paths", {})
    return frozenset(
        operation.operation_id
        for operation in operations
        if "requestBody" in paths.get(operation.path, {}).get(operation.method.lower(), {})
    )


@attrs.frozen
class CredentialProbe:
    """One way of presenting credentials, and whether a conforming server must let it in.

    Attributes:
        name: The pytest id (``basic-scheme``).
        authorization: The ``Authorization`` value, with ``{key}`` for the run's key; ``None`` sends none.
        key_in_query: Whether the run's key also goes in the query, under every name of ``QUERY_KEY_NAMES``.
    """

    name: str
    authorization: str | None
    key_in_query: bool = False

    def headers(self, key: str) -> dict[str, str]:
        """Return the probe's headers for the run's ``key``."""
        if self.authorization is None:
            return {}
        return {"Authorization": self.authorization.format(key=key)}


def credential_probes() -> tuple[CredentialProbe, ...]:
    """Return the credential probes: the forms a server must refuse, and the scheme spellings it must accept.

    Derived from the spec's bearer security scheme: other schemes (``Basic``, ``Token``), a bare key, an empty
    token, another token and the key in the query are refused; the scheme name in other cases is accepted.
    """
    scheme = bearer_scheme()
    return (
        CredentialProbe("missing", None),
        CredentialProbe("wrong-token", f"{scheme.capitalize()} {WRONG_TOKEN}"),
        CredentialProbe("empty-token", f"{scheme.capitalize()} "),
        CredentialProbe("bare-key", "{key}"),
        CredentialProbe("basic-scheme", "Basic {key}"),
        CredentialProbe("token-scheme", "Token {key}"),
        CredentialProbe("key-in-query", None, key_in_query=True),
        CredentialProbe("scheme-lower-case", f"{scheme.lower()} {{key}}"),
        CredentialProbe("scheme-upper-case", f"{scheme.upper()} {{key}}"),
    )


@attrs.frozen
class NotChecked:
    """Something the run could not judge, why, and what to set so that it can: never a silent skip.

    Attributes:
        what: What was not checked (``callbacks``, ``callback signatures``).
        reason: Why not.
        remedy: What to set.
    """

    what: str
    reason: str
    remedy: str

    def render(self) -> str:
        """One line for the summary."""
        return f"{self.what} NOT CHECKED: {self.reason}; {self.remedy}"


def read_config(path: Path) -> dict[str, Any]:
    """Return the ``schemathesis.toml`` at ``path`` as data.

    Raises:
        ValueError: the file cannot be read or is not TOML, naming it.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read the schemathesis configuration {path}: {exc}") from exc


class Run:
    """One conformance run (see the module docstring).

    Args:
        options: The run's settings.
        mock_class: The mock (or defective variant) to serve when no ``SUNO_BASE_URL`` is given.
    """

    def __init__(self, options: SuiteOptions, mock_class: type[MockApp] = MockApp) -> None:
        self.options = options
        self.mock_class = mock_class
        self.ledger = Ledger()
        self.safety = LiveSafety(live=False)
        self.started_at = time.monotonic()
        self.elapsed = 0.0
        """Seconds from start to stop (0 until stopped)."""
        self._target: Target | None = None
        self._receiver: CallbackReceiver | None = None
        self._session: requests.Session | None = None
        self._stack = contextlib.ExitStack()
        self._created: dict[str, str | None] = {}
        self._task_for_path: dict[str, str] = {}
        self._bodies: dict[str, Mapping[str, Any]] = {}
        self._statuses: dict[str, str] = {}
        self._callback_base: str | None = None
        self._config_data: dict[str, Any] = read_config(options.config)
        configured = options.seed if options.seed is not None else self._config_data.get("seed")
        self._seed: int = int(configured) if configured is not None else random.SystemRandom().randrange(1 << 32)
        self.exit_code: int | None = None
        """The exit status of ``suno-api conformance`` for this run, once pytest has finished."""
        self.stateful_requests: list[str] = []
        """What the stateful phase sent, in order (method, path, query, body): the scenarios a seed gives."""
        self.callbacks_selected = True
        """Whether the callbacks test runs (``without_callbacks``: deselected, e.g. ``-k "not test_callbacks"``)."""

    # ---------------------------------------------------------------------------------------- lifecycle

    def start(self, *, receiver: bool = True) -> None:
        """Start the target, and the callback receiver (unless ``receiver`` is false) when the target can reach it.

        ``receiver=False`` leaves it to ``start_receiver``: the plugin starts it once the tests are collected,
        and only when the callbacks test is among them.
        """
        self.started_at = time.monotonic()
        try:
            target = self._stack.enter_context(open_target(self.options, self.mock_class))
            self._target = target
            self.ledger.add_secret(target.token)
            if target.webhook_key:
                self.ledger.add_secret(target.webhook_key)
            self.safety = LiveSafety(live=target.live, max_paid_calls=self.options.max_paid_calls)
            self._session = self._stack.enter_context(requests.Session())
            # No proxy, netrc or CA bundle from the environment applies to loopback, and looking them up again
            # for every request cost a third of the time `requests` took per case.
            self._session.trust_env = not target.loopback
            if receiver:
                self.start_receiver()
        except BaseException:
            self._stack.close()
            raise

    def start_receiver(self) -> None:
        """Start the callback receiver, when the target can reach it (and it is not started yet)."""
        target = self.target
        if self._receiver is not None:
            return
        self.callbacks_selected = True
        # The receiver's loopback address is useless to a server elsewhere, and a paid service is given it
        # only through the public URL the user configured (live safety: callbacks go nowhere else).
        if self.options.callback_url is not None or (target.loopback and not target.live):
            host, port = parse_listen(self.options.callback_listen)
            receiver = CallbackReceiver(host, port, public_url=self.options.callback_url)
            self._receiver = self._stack.enter_context(receiver)
            self._callback_base = self._receiver.base_url

    def without_callbacks(self) -> None:
        """Record that the callbacks test is not selected: no receiver, and the summary says why."""
        self.callbacks_selected = False

    def stop(self) -> None:
        """Stop the target and the receiver."""
        self._stack.close()
        self.elapsed = time.monotonic() - self.started_at

    @property
    def target(self) -> Target:
        """The target (once started)."""
        if self._target is None:
            raise RuntimeError("the run is not started")
        return self._target

    @property
    def receiver(self) -> CallbackReceiver | None:
        """The callback receiver, when the target can reach one."""
        return self._receiver

    @property
    def started(self) -> bool:
        """Whether the target is up."""
        return self._target is not None

    # The checks' Context protocol.

    @property
    def token(self) -> str:
        """The run's bearer token."""
        return self.target.token

    @property
    def base_path(self) -> str:
        """The target's base path."""
        return self.target.base_path

    def created_task(self, task_id: str) -> bool:
        """Whether a submit of this run created ``task_id``."""
        return task_id in self._created

    # ------------------------------------------------------------------------------------ schemathesis

    def phase_enabled(self, phase: Phase) -> bool:
        """Whether ``schemathesis.toml`` enables ``phase``."""
        phases = self._config_data.get("phases", {})
        return bool(phases.get("enabled", True)) and bool(phases.get(phase, {}).get("enabled", True))

    def config_data(self, phase: Phase) -> dict[str, Any]:
        """Return the schemathesis configuration of ``phase``: the toml, the overrides, only that phase on."""
        data = copy.deepcopy(self._config_data)
        overrides: dict[str, Any] = {"phases": {name: {"enabled": name == phase} for name in GENERATED_PHASES}}
        if self.options.max_examples is not None:
            overrides["generation"] = {"max-examples": self.options.max_examples}
        data.pop(SUITE_TABLE, None)  # the suite's own table, unknown to schemathesis
        if self.options.stateful_examples is not None:
            overrides["phases"]["stateful"]["generation"] = {"max-examples": self.options.stateful_examples}
        # One seed for every phase, the stateful one included: the seed the summary prints reproduces the run.
        overrides["seed"] = self._seed
        return _merge(data, overrides)

    @functools.cache  # noqa: B019 - one Run per process run, a handful of phases
    def schema(self, phase: Phase) -> BaseSchema:
        """Return the effective spec loaded with ``phase``'s configuration."""
        config = SchemathesisConfig.from_dict(self.config_data(phase))
        return schemathesis.openapi.from_path(effective_spec_path(), config=config)

    def fuzzing_budget(self) -> dict[str, int]:
        """Return the fuzzing examples of each documented operation (by operation id; empty: the phase is off).

        ``generation.max-examples``, or at most ``[conformance] bodyless-max-examples`` for an operation without a
        request body; ``max_examples`` (the option) for every operation when it is given.
        """
        if not self.phase_enabled("fuzzing"):
            return {}
        examples = int(self.config_data("fuzzing").get("generation", {}).get("max-examples", 100))
        bodyless = self._config_data.get(SUITE_TABLE, {}).get("bodyless-max-examples")
        if self.options.max_examples is not None or bodyless is None:
            bodyless = examples
        with_body = operations_with_body(documented_operations())
        return {
            operation.operation_id: examples if operation.operation_id in with_body else min(examples, int(bodyless))
            for operation in documented_operations()
        }

    def fuzzing_examples(self) -> int | None:
        """Return the largest fuzzing budget of an operation (``None``: the phase is off)."""
        return max(self.fuzzing_budget().values(), default=None)

    def stateful_steps(self) -> int:
        """Return scenarios times steps of the stateful phase (0: off), an estimate of its cost."""
        if not self.phase_enabled("stateful"):
            return 0
        stateful = self.config_data("stateful").get("phases", {}).get("stateful", {})
        scenarios = int(stateful.get("generation", {}).get("max-examples", 100))
        return scenarios * int(stateful.get("max-steps", 6))

    @property
    def request_timeout(self) -> float:
        """Seconds to wait for each answer: the option, else ``request-timeout`` of the toml, else 10."""
        if self.options.request_timeout is not None:
            return self.options.request_timeout
        return float(self._config_data.get("request-timeout", DEFAULT_TIMEOUT))

    @property
    def seed(self) -> int:
        """The seed of every phase (for the summary: rerun with ``SUNO_CONFORMANCE_SEED``)."""
        return self._seed

    def stateful_settings(self) -> hypothesis.settings:
        """Return the hypothesis settings of the stateful phase (its scenarios come from the run's seed)."""
        settings = self.schema("stateful").config.get_hypothesis_settings(phase="stateful")
        # `derandomize` would replay one fixed set of scenarios whatever the seed (and a derandomizing profile
        # would too): the machine is seeded instead (`state_machine`), so each seed gives its own scenarios.
        settings = hypothesis.settings(settings, derandomize=False)
        if self.safety.live:
            settings = hypothesis.settings(
                settings,
                max_examples=min(settings.max_examples, max(1, self.safety.max_paid_calls)),
                suppress_health_check=[*settings.suppress_health_check, hypothesis.HealthCheck.filter_too_much],
            )
        return settings

    def stateful_skip_reason(self) -> str | None:
        """Return why the stateful phase cannot run, or ``None``: it needs accepted submits."""
        if self.safety.live and self.safety.max_paid_calls == 0:
            return "live mode without SUNO_MAX_PAID_CALLS: scenarios start with a submit that would be accepted"
        return None

    # --------------------------------------------------------------------------------------- sending

    def _headers(self, credentials: Credentials) -> dict[str, str]:
        headers = {}
        if credentials is Credentials.VALID:
            headers["Authorization"] = f"Bearer {self.token}"
        elif credentials is Credentials.WRONG:
            headers["Authorization"] = f"Bearer {WRONG_TOKEN}"
        return headers

    def _expectation_before_sending(self, case: schemathesis.Case[Any], headers: Mapping[str, str]) -> Expectation:
        data = case.as_transport_kwargs(base_url=self.target.base_url, headers=dict(headers))
        prepared = requests.Request(
            method=data["method"],
            url=data["url"],
            headers=data.get("headers"),
            params=data.get("params"),
            cookies=data.get("cookies"),
            data=data.get("data"),
            json=data.get("json"),
            files=data.get("files"),
        ).prepare()
        return expect(sent_from_prepared(prepared, self.base_path), self.token)

    def send(
        self,
        case: schemathesis.Case[Any],
        phase: str,
        *,
        credentials: Credentials = Credentials.VALID,
        headers: Mapping[str, str] | None = None,
    ) -> Response | None:
        """Send ``case`` (unless live safety holds it back), judge the answer and return it.

        ``headers``, when given, replace the credentials' headers (the credential probes' own forms).
        """
        headers = dict(headers) if headers is not None else self._headers(credentials)
        if self.target.live:
            keep_callbacks_home(case.body, self.callback_url())
        before = self._expectation_before_sending(case, headers)
        if not self.safety.permit(before):
            self.ledger.count_case(phase, sent=False)
            return None
        mode = case.meta.generation.mode.value if case.meta is not None else None
        self.ledger.count_case(phase, mode=mode)
        if phase == "stateful":
            self.stateful_requests.append(_fingerprint(before, case))
        # A paid call in live mode gets a fresh connection: `requests` re-sends a request once when a reused
        # keep-alive connection turns out closed, and a re-sent submit could create a second paid task.
        paid = self.safety.live and not before.free
        try:
            with contextlib.ExitStack() as stack:
                session = stack.enter_context(requests.Session()) if paid else self._session
                response = case.call(
                    base_url=self.target.base_url, session=session, headers=headers, timeout=self.request_timeout
                )
        except requests.RequestException as exc:
            result = Result.failed(f"no answer: {type(exc).__name__}", str(exc))
            self.ledger.record(self._label(before), "no_server_error", result, phase=phase)
            return None
        self.judge(response, phase)
        return response

    def _label(self, expectation: Expectation) -> str:
        if expectation.operation is not None:
            return expectation.operation.label
        return f"{expectation.path} (undocumented methods)"

    def judge(self, response: Response, phase: str) -> Reply:
        """Run every response check on ``response``; record results, drift and created tasks."""
        reply = Reply.from_response(response, self)
        label = self._label(reply.expectation)
        results = [(check.__name__, check(reply, self)) for check in RESPONSE_CHECKS]
        results.extend(self._state_results(reply))
        reproduction = answer = ""
        if any(result.status is Status.FAILED for _, result in results):
            reproduction = curl_command(
                sent_from_prepared(response.request), str(response.request.url), self.ledger.secrets
            )
            answer = f"{reply.describe()}, {reply.headers.get('content-type', '')}: " + reply.content.decode(
                "utf-8", "replace"
            )
        for name, result in results:
            self.ledger.record(label, name, result, phase=phase, reproduction=reproduction, answer=answer)
        self.ledger.record_drift(label, "response_schema", drift_of(reply))
        if reply.expectation.credentials is Credentials.VALID and reply.rejection_code not in (None, 401):
            self.ledger.token_accepted += 1
        if reply.accepted:
            self.ledger.count_success(label)
            self._remember_task(reply)
        return reply

    def _state_results(self, reply: Reply) -> list[tuple[str, Result]]:
        """Judge the answer against what earlier answers of this run established (state invariants)."""
        expectation = reply.expectation
        if not reply.accepted or expectation.credentials is not Credentials.VALID:
            return []
        data = reply.data if isinstance(reply.data, Mapping) else {}
        spec_names = spec_names_of()
        task_id = data.get(spec_names.submit_task_id if expectation.is_submit else spec_names.record_task_id)
        if expectation.is_submit and isinstance(task_id, str) and task_id:
            unique = (
                Result.failed(
                    "a submit answered a task id that an earlier submit of this run got",
                    f"{spec_names.submit_task_id} {task_id!r}",
                )
                if task_id in self._created
                else Result.passed()
            )
            return [("task_id_unique", unique)]
        asked = expectation.task_id
        if not expectation.is_record_info or asked is None or asked not in self._created or task_id != asked:
            return []
        return [
            ("param_reproduces_body", self._param_result(asked, data)),
            ("status_forward", self._status(asked, data)),
        ]

    def _param_result(self, task_id: str, record: Mapping[str, Any]) -> Result:
        param = record.get(spec_names_of().record_param)
        submitted = self._bodies.get(task_id)
        if param is None or submitted is None:
            return Result.not_applicable()
        try:
            reported = json.loads(param) if isinstance(param, str) else None
        except ValueError:
            reported = None
        if not isinstance(reported, Mapping):
            return Result.failed("record-info's param is not the submitted body as a JSON string", _short(param))
        if reported == submitted:
            return Result.passed()
        differ = sorted(k for k in set(reported) | set(submitted) if reported.get(k) != submitted.get(k))
        return Result.failed(
            "record-info's param does not reproduce the submitted body", f"fields that differ: {', '.join(differ)}"
        )

    def _status(self, task_id: str, record: Mapping[str, Any]) -> Result:
        spec_names = spec_names_of()
        order = _task_statuses()
        status = record.get(spec_names.record_status)
        if status not in order:
            return Result.not_applicable()  # drift: an undocumented status has no place in the order
        previous = self._statuses.get(task_id)
        self._statuses[task_id] = str(status)
        if previous is None or previous == status:
            return Result.passed()
        # The documented list runs PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS, then the failures: a task
        # moves down it, and a final status (SUCCESS or a failure) never changes again.
        final = order.index(previous) >= order.index(spec_names.status_success)
        if final or order.index(str(status)) < order.index(previous):
            return Result.failed(
                "a task's status went backwards", f"{spec_names.record_task_id} {task_id!r}: {previous} -> {status}"
            )
        return Result.passed()

    def _remember_task(self, reply: Reply) -> None:
        expectation = reply.expectation
        if not expectation.is_submit or not isinstance(reply.data, Mapping):
            return
        spec_names = spec_names_of()
        task_id = reply.data.get(spec_names.submit_task_id)
        if not isinstance(task_id, str) or not task_id:
            return
        path = None
        url = expectation.body.get(spec_names.callback_url) if isinstance(expectation.body, Mapping) else None
        if self._callback_base is not None and isinstance(url, str) and url.startswith(self._callback_base + "/"):
            path = url.removeprefix(self._callback_base)
            self._task_for_path[path] = task_id
        self._created[task_id] = path
        if isinstance(expectation.body, Mapping):
            self._bodies[task_id] = expectation.body

    # ------------------------------------------------------------------------------------ boundary cases

    def callback_url(self) -> str:
        """Return a fresh callback URL: the suite's receiver when the target can reach it."""
        if self._receiver is None:
            return CALLBACK_PLACEHOLDER
        return self._receiver.new_url()[0]

    def submit_case(self, body: Any) -> schemathesis.Case[Any]:
        """Return a submit case carrying ``body``."""
        operation = submit_operation()
        api = self.schema("examples")[operation.path][operation.method]
        return api.Case(body=body, media_type="application/json")

    def record_info_case(self, task_id: str | None) -> schemathesis.Case[Any]:
        """Return a record-info case for ``task_id`` (no query at all for ``None``)."""
        operation = record_info_operation()
        api = self.schema("examples")[operation.path][operation.method]
        return api.Case(query={} if task_id is None else {spec_names_of().task_id_param: task_id})

    def send_boundary(self, case: BoundaryCase) -> None:
        """Send a derived boundary case (its callbacks go to the receiver) and judge it."""
        self.send(self.submit_case(case.with_callback(self.callback_url())), "boundary")

    def valid_case(self, operation: Operation, *, task_id: str | None = None) -> schemathesis.Case[Any]:
        """Return a request to ``operation`` that a conforming server accepts with the run's key.

        A submit carries a derived valid body; record-info asks for ``task_id``, else a task this run created.
        """
        if operation.is_submit:
            return self.submit_case(derive().by_id(VALID_CASE).with_callback(CALLBACK_PLACEHOLDER))
        if operation.is_record_info:
            return self.record_info_case(task_id if task_id is not None else next(iter(self._created), UNKNOWN_TASK))
        api = self.schema("examples")[operation.path][operation.method]
        return api.Case()

    def send_credentials_probe(self, operation_id: str, probe: CredentialProbe, *, task_id: str | None = None) -> None:
        """Send an otherwise valid request to ``operation_id`` presenting credentials as ``probe`` says."""
        case = self.valid_case(operation_by_id(operation_id), task_id=task_id)
        if probe.key_in_query:
            case.query = {**(case.query or {}), **dict.fromkeys(QUERY_KEY_NAMES, self.token)}
        self.send(case, "credentials", headers=probe.headers(self.token))

    def send_burst(self, count: int = BURST) -> None:
        """Send ``count`` valid submits back to back (within a second): each must get its own taskId."""
        base = derive().by_id(VALID_CASE)
        for _ in range(count):
            self.send(self.submit_case(base.with_callback(self.callback_url())), "burst")

    def send_method_probe(self, path: str, method: str) -> None:
        """Send ``method`` to the documented ``path`` with a request its documented operation would accept.

        The content is valid, so a refusal can only be for the method (a server that routes every method to the
        operation's handler answers 200, not a validation error).
        """
        operation = next(op for op in documented_operations() if op.path == path)
        valid = self.valid_case(operation)
        api = self.schema("examples")[operation.path][operation.method]
        body = valid.body if operation.is_submit else NOT_SET
        media = valid.media_type if operation.is_submit else None
        case = api.Case(method=cast("HttpMethod", method), query=valid.query, body=body, media_type=media)
        self.send(case, "methods")

    # ---------------------------------------------------------------------------------------- callbacks

    def not_checked(self) -> list[NotChecked]:
        """Return what this run cannot judge against its target, each with what to set (summary, JSON report)."""
        found: list[NotChecked] = []
        reach = (
            f"set {CALLBACK_URL_ENV} to a public URL that reaches this machine (a tunnel, a CI service name) and"
            f" {CALLBACK_LISTEN_ENV} to the host:port it forwards to"
        )
        if not self.started:
            return found
        if not self.callbacks_selected:
            found.append(
                NotChecked(
                    "callbacks",
                    "the callbacks test is not selected, so no callback receiver was started",
                    "run without the -k or -m that deselects test_callbacks",
                )
            )
        elif self._receiver is None and self.target.live:
            found.append(
                NotChecked(
                    "callbacks",
                    "live mode, and no public URL for the suite's callback receiver: every callback URL sent is"
                    " callback.invalid",
                    f"{reach}, and SUNO_MAX_PAID_CALLS to at least 1 (callbacks need an accepted, paid task)",
                )
            )
        elif self._receiver is None:
            found.append(
                NotChecked(
                    "callbacks",
                    "the target is not on this machine, so it cannot reach the suite's loopback callback receiver",
                    reach,
                )
            )
        elif self.target.live and self.safety.max_paid_calls == 0:
            found.append(
                NotChecked(
                    "callbacks",
                    "live mode without SUNO_MAX_PAID_CALLS: no task is created, so no callback is sent",
                    "set SUNO_MAX_PAID_CALLS to at least 1 (each accepted submit costs credits)",
                )
            )
        if self.target.webhook_key is None:
            found.append(
                NotChecked(
                    "callback signatures",
                    "the key the server signs callbacks with is unknown, so no signature is verified",
                    f"set {WEBHOOK_SECRET_ENV} to the server's webhook key",
                )
            )
        return found

    def errata_not_judged(self) -> list[dict[str, str]]:
        """Return the ERRATA decisions this run does not judge, each with why (summary, JSON ``not_judged``)."""
        audio_rules = {str(item.get("x-rule-id")) for item in schema(REQUEST_SCHEMA).get("x-audio-rules", ())}
        return load_errata().not_judged(audio_rules)

    def callbacks_skip_reason(self) -> str | None:
        """Return why callbacks cannot be judged against this target, or ``None``."""
        for entry in self.not_checked():
            if entry.what == "callbacks":
                return f"{entry.reason} ({entry.remedy})"
        return None

    def check_callbacks(self, extra_submits: int = 2) -> None:
        """Submit, poll each task, let callbacks arrive, then judge every callback and the final states."""
        if self.callbacks_skip_reason() is not None:
            return
        assert self._receiver is not None
        base = derive().by_id(VALID_CASE)
        for _ in range(extra_submits):
            self.send(self.submit_case(base.with_callback(self.callback_url())), "callbacks")
        for task_id in list(self._task_for_path.values()):
            self.send(self.record_info_case(task_id), "callbacks")
        expected = set(self._task_for_path)
        if self.target.mock_server is not None:
            self.target.settle()
        else:
            self._receiver.wait_for(expected, final_callbacks(), time.monotonic() + self.options.callback_wait)
        self._judge_callbacks(expected)

    def _judge_callbacks(self, expected: set[str]) -> None:
        assert self._receiver is not None
        context = CallbackContext(
            webhook_key=self.target.webhook_key,
            tolerance=SIGNATURE_TOLERANCE,
            now=time.time(),
            task_for_path=dict(self._task_for_path),
        )
        finals: dict[str, Callback] = {}
        arrived: dict[str, list[Callback]] = {}
        for callback in self._receiver.received:
            self.ledger.callbacks_received += 1
            results = [(check.__name__, check(callback, context)) for check in CALLBACK_CHECKS]
            answer = f"{callback.path}: " + callback.content.decode("utf-8", "replace")
            for name, result in results:
                self.ledger.record(CALLBACK_LABEL, name, result, phase="callbacks", answer=answer)
            self.ledger.record_drift(CALLBACK_LABEL, "callback_schema", callback_drift(callback))
            arrived.setdefault(callback.path, []).append(callback)
            if callback.callback_type in final_callbacks():
                finals.setdefault(callback.path, callback)
        known = stages(final_callbacks())
        for path in sorted(expected):
            # Arrival order is the order sent: a server sends one task's callbacks one after the other, each
            # answered before the next (spec/UPSTREAM.md section 2), and the receiver records before answering.
            types = [callback.callback_type for callback in arrived.get(path, ())]
            answer = f"{path}: " + " | ".join(c.content.decode("utf-8", "replace") for c in arrived.get(path, ()))
            self.ledger.record(
                CALLBACK_LABEL, "callback_stages", judge_stages(types, known), phase="callbacks", answer=answer
            )
        for path in sorted(expected):
            delivered = path in finals
            result = (
                Result.passed()
                if delivered
                else Result.failed(
                    "no final callback (complete or error) reached the callback URL of an accepted submit"
                )
            )
            self.ledger.record(CALLBACK_LABEL, "callbacks_delivered", result, phase="callbacks")
        for path, callback in finals.items():
            if callback.callback_type == known.progress[-1] and path in self._task_for_path:
                self._check_consistency(self._task_for_path[path], callback)

    def _check_consistency(self, task_id: str, callback: Callback) -> None:
        """After a ``complete`` callback, record-info reports SUCCESS and the same tracks, with the same content."""
        response = self.send(self.record_info_case(task_id), "callbacks")
        if response is None:
            return
        reply = Reply.from_response(response, self)
        record: Mapping[str, Any] = reply.data if isinstance(reply.data, Mapping) else {}
        listed = value_at(reply.envelope, record_tracks_path())
        delivered = value_at(callback.payload, callback_tracks_path())
        spec_names = spec_names_of()
        success = spec_names.status_success
        status = record.get(spec_names.record_status)
        answer = f"record-info: {reply.describe()}: " + reply.content.decode("utf-8", "replace")
        agree = Result.not_applicable()
        if reply.envelope is None:
            result = Result.skipped(NOT_JUDGED.format(problem=reply.unread))
        elif status != success and status not in _task_statuses():
            result = Result.skipped("record-info reports an undocumented status (see the spec drift)")
        elif status != success:
            result = Result.failed(
                f"after the complete callback, record-info does not report {success}", f"status: {status!r}"
            )
        else:
            result, agree = judge_tracks(delivered, listed)
        self.ledger.record(CALLBACK_LABEL, "callback_consistency", result, phase="callbacks", answer=answer)
        self.ledger.record(CALLBACK_LABEL, "callback_tracks_agree", agree, phase="callbacks", answer=answer)

    # ------------------------------------------------------------------------------------------- gates

    def gate_reached_success(self) -> Result:
        """The run fails unless some answer had code 200 (a wrong token would otherwise pass every check)."""
        reached = sum(self.ledger.reached.values())
        if reached:
            return Result.passed()
        if self.safety.live and self.safety.max_paid_calls == 0:
            proven = self.ledger.token_accepted
            if proven:
                self.ledger.note(
                    "live mode without SUNO_MAX_PAID_CALLS: no answer had code 200, but the token was proven by"
                    f" {proven} rejection(s) other than 401"
                )
                return Result.passed()
        return Result.failed(
            "no answer in the whole run had code 200: the token may be wrong or the server refuses everything"
        )

    def record_gate(self, check: str, result: Result) -> None:
        """Record a run-level judgement."""
        self.ledger.record(RUN_LABEL, check, result, phase="run")

    def judge_gate(self, gate: str) -> tuple[GateOutcome, str]:
        """Judge the run-level ``gate`` (one of ``GATES``) on the ledger; return the test's outcome and message.

        A failed ``reached_success`` is recorded in the ledger (the item fails with it); spec drift fails only
        with ``fail_on_drift``.
        """
        if gate == "reached_success":
            result = self.gate_reached_success()
            self.record_gate(gate, result)
            return ("failed" if result.status is Status.FAILED else "passed"), result.message
        if gate == "spec_drift":
            entries = list(self.ledger.drift.values())
            if not entries:
                return "passed", ""
            listed = "\n".join(f"{entry.label}: {entry.finding}" for entry in entries)
            if self.options.fail_on_drift:
                return "failed", f"spec drift (SUNO_CONFORMANCE_FAIL_ON_DRIFT=1):\n{listed}"
            return "skipped", f"spec drift, not a failure: {len(entries)} value(s) outside the documented lists"
        raise ValueError(f"no run-level gate {gate!r}; gates: {', '.join(GATES)}")

    # ---------------------------------------------------------------------------------------- stateful

    def state_machine(self) -> type[APIStateMachine]:
        """Return the stateful phase's machine: schemathesis follows the spec's links, the run sends and judges."""
        run = self
        base: type[APIStateMachine] = self.schema("stateful").as_state_machine()

        class ConformanceStateMachine(base):  # type: ignore[valid-type, misc]
            """Submit -> record-info through the spec's ``GetRecordInfo`` link."""

            def call(self, case: schemathesis.Case[Any], **kwargs: Any) -> Response:
                del kwargs
                response = run.send(case, "stateful")
                if response is None:
                    hypothesis.reject()  # held back by live safety, or no answer (recorded as a failure)
                return response

            def validate_response(self, response: Response, case: schemathesis.Case[Any], **kwargs: Any) -> None:
                del response, case, kwargs  # judged by `run.send`, recorded without stopping the scenario

        # Schemathesis seeds its per-operation tests, not a machine run outside its engine: hypothesis reads the
        # seed of a state machine from its class (`hypothesis.seed`), and schemathesis the order of the rules
        # that start scenarios from `rule_order_seed`.
        ConformanceStateMachine.rule_order_seed = self.seed
        seeded: type[APIStateMachine] = hypothesis.seed(self.seed)(ConformanceStateMachine)
        return seeded


@contextlib.contextmanager
def active(run: Run) -> Iterator[Run]:
    """Activate ``run`` for the block."""
    previous = _ACTIVE
    activate(run)
    try:
        yield run
    finally:
        activate(previous)
