"""Label each surface change by what it does to code that uses the client: breaking, possibly-breaking or safe.

The levels follow oasdiff's (``ERR`` a definite break, ``WARN`` a possible one, ``INFO`` the rest), judged from
the side of a client: what a client SENDS (request bodies, parameters, the rules it checks before sending, and
what a webhook answers) breaks when the spec asks for more; what it RECEIVES (responses, callback payloads)
breaks when the spec may give less, or something the old code never saw. A component schema used on both sides
gets the worse of its two labels; one used by no operation is judged on both sides.

``RULES`` is the table (event, label when sent, label when received, why); ``label_change`` applies it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:
    from suno_api_build._specdiff import Change

BREAKING: Final = "breaking"
POSSIBLY: Final = "possibly-breaking"
SAFE: Final = "safe"
LABELS: Final = (BREAKING, POSSIBLY, SAFE)
"""Worst first: the summary's order, and the order ``--fail-on`` compares in."""

FAIL_ON: Final = {BREAKING: (BREAKING,), POSSIBLY: (BREAKING, POSSIBLY), "any": LABELS}
"""``--fail-on`` LEVEL -> the labels that make the diff exit 1."""

MEANING: Final = {
    BREAKING: "code written for OLD fails against NEW; after `make generate` the mock enforces NEW and the suite"
    " sends NEW's examples, so hand-written code and tests still using the old name, value or bound fail there",
    POSSIBLY: "code written for OLD may meet data it did not expect; the mock answers and the suite checks NEW's"
    " shape, so review the code that reads it",
    SAFE: "code written for OLD keeps working; the mock and the suite follow NEW after `make generate`",
}
"""What each label means for code that uses the client, and for the mock and the suite."""

SENT: Final = "sent"
RECEIVED: Final = "received"


class Rule(NamedTuple):
    """One row of the label table."""

    event: str
    sent: str
    """The label when the client sends what changed."""
    received: str
    """The label when the client receives it."""
    why: str


RULES: Final = (
    Rule("operation or path removed", BREAKING, BREAKING, "calls to it fail"),
    Rule("operation moved (same operationId)", BREAKING, BREAKING, "the old URL is gone"),
    Rule(
        "callback moved (another expression gives its URL)",
        POSSIBLY,
        POSSIBLY,
        "the webhook is delivered to the URL another request field gives (the mock follows NEW after `make generate`)",
    ),
    Rule("operationId changed", BREAKING, BREAKING, "the generated function is renamed"),
    Rule("callback removed", POSSIBLY, POSSIBLY, "a webhook handler is no longer called"),
    Rule("operation, callback, server or security scheme added", SAFE, SAFE, "nothing old depends on it"),
    Rule("server removed", BREAKING, BREAKING, "a base URL code uses is gone"),
    Rule("security scheme removed or changed", BREAKING, BREAKING, "requests are authenticated differently"),
    Rule("schema removed", BREAKING, BREAKING, "its generated model class is gone"),
    Rule("field, parameter or body removed", BREAKING, POSSIBLY, "sent: rejected; received: no longer there"),
    Rule("required field removed", BREAKING, BREAKING, "sent: rejected; received: code reading it fails"),
    Rule(
        "field or parameter renamed",
        BREAKING,
        POSSIBLY,
        "sent: a request with the old name is refused (after `make generate` the mock rejects it and the suite"
        " sends the new one); received: code reading the old name finds nothing",
    ),
    Rule(
        "required field or parameter renamed",
        BREAKING,
        BREAKING,
        "sent: a request with the old name is refused (after `make generate` the mock rejects it and the suite"
        " sends the new one); received: code reading the old name fails",
    ),
    Rule("required field, parameter or body added", BREAKING, SAFE, "old requests lack it"),
    Rule("optional field or parameter added", SAFE, SAFE, "nothing old depends on it"),
    Rule("now required", BREAKING, SAFE, "old requests may lack it"),
    Rule("now optional", SAFE, BREAKING, "received: code reading it may find it missing"),
    Rule("enum value removed", BREAKING, POSSIBLY, "sent: rejected; received: its handler is dead code"),
    Rule("enum value added", SAFE, POSSIBLY, "received: code matching every value meets one it does not know"),
    Rule(
        "enum value renamed",
        BREAKING,
        POSSIBLY,
        "sent: the old spelling is rejected (by the client, and by the mock after `make generate`); received: code"
        " matching the old spelling never matches",
    ),
    Rule("type narrowed or changed", BREAKING, POSSIBLY, "sent: old values rejected; received: decoded differently"),
    Rule("type widened (a type or null added)", SAFE, POSSIBLY, "received: code may meet the new type"),
    Rule("type narrowed (a type or null removed)", BREAKING, SAFE, "sent: old values rejected"),
    Rule("bound tightened or set", BREAKING, SAFE, "sent: old values rejected (maxLength down, minimum up...)"),
    Rule("bound loosened or unset", SAFE, POSSIBLY, "received: values old code never had to handle"),
    Rule("pattern or bound changed, direction unknown", POSSIBLY, POSSIBLY, "some old values may fail"),
    Rule("format, const or media type changed", BREAKING, POSSIBLY, "the value is written differently"),
    Rule("default changed", POSSIBLY, POSSIBLY, "an omitted value means something else"),
    Rule("deprecated", SAFE, SAFE, "still works; plan its removal"),
    Rule("response code added", SAFE, SAFE, "a documented outcome more"),
    Rule("success response code removed", BREAKING, BREAKING, "the success path code expects is gone"),
    Rule("error response code removed", POSSIBLY, POSSIBLY, "its handler is dead code"),
    Rule("rule added, or a rule's models changed", BREAKING, BREAKING, "the client rejects bodies it sent before"),
    Rule("rule removed", SAFE, SAFE, "the client checks less"),
    Rule("anything else", POSSIBLY, POSSIBLY, "not classified: review it"),
)
_BY_EVENT: Final = {rule.event: rule for rule in RULES}

_UPPER: Final = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "x-max-duration-seconds")
_LOWER: Final = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_SCHEMA_REF: Final = "#/components/schemas/"
_ROOT: Final = re.compile(r"[^.\[ ]+")


class Label(NamedTuple):
    """A change's label, the table row that gave it, and the side it was judged on."""

    label: str
    event: str
    side: str | None
    """``sent``, ``received``, or None when the side does not matter."""

    @property
    def why(self) -> str:
        """Return the table's reason for the label."""
        return _BY_EVENT[self.event].why


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            yield ref.removeprefix(_SCHEMA_REF)
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _operations(paths: Any, inverted: bool) -> Iterator[tuple[Mapping[str, Any], bool]]:
    """Yield each operation and whether its sides are swapped (a callback: its request is what a client receives)."""
    for item in (paths or {}).values():
        if not isinstance(item, Mapping):
            continue
        for operation in item.values():
            if isinstance(operation, Mapping) and ("responses" in operation or "requestBody" in operation):
                yield operation, inverted
                for callback in (operation.get("callbacks") or {}).values():
                    yield from _operations(callback, not inverted)


def schema_sides(*documents: Mapping[str, Any]) -> dict[str, set[str]]:
    """Return component schema name -> the sides (``sent``, ``received``) it is used on, in any of ``documents``."""
    sides: dict[str, set[str]] = {}
    for document in documents:
        schemas = (document.get("components") or {}).get("schemas") or {}
        for operation, inverted in _operations(document.get("paths"), inverted=False):
            outgoing = [operation.get("requestBody"), operation.get("parameters")]
            incoming = [operation.get("responses")]
            for declared, nodes in ((SENT, outgoing), (RECEIVED, incoming)):
                side = (RECEIVED if declared == SENT else SENT) if inverted else declared
                pending = [name for node in nodes for name in _refs(node)]
                while pending:
                    name = pending.pop()
                    if side not in sides.setdefault(name, set()):
                        sides[name].add(side)
                        pending.extend(_refs(schemas.get(name)))
    return sides


def _location_sides(change: Change, sides: Mapping[str, set[str]]) -> tuple[str, ...]:
    """Return the sides a change is judged on, from its section and location."""
    section, location = change.section, change.location
    if section == "vendored":
        # A JSONPath into upstream's document: $.paths[...].get.responses['200']...
        if "responses" in location:
            side = RECEIVED
        elif "requestBody" in location or "parameters" in location:
            side = SENT
        else:
            return (SENT, RECEIVED)
    elif section in ("parameter", "request", "rule"):
        side = SENT
    elif section == "response":
        side = RECEIVED
    elif section in ("field", "schema") and " " not in location.split(".", 1)[0]:
        found = _ROOT.match(location)
        used = sides.get(found.group(0) if found else location, set())
        return tuple(sorted(used)) or (SENT, RECEIVED)
    elif section == "field":
        # An inline field: "POST /path request.x" is sent, "POST /path 200.x" received.
        head = location.split(".", 1)[0]
        side = SENT if head.endswith(" request") else RECEIVED
    else:
        return (SENT,)
    if "(callback " in location or (section == "vendored" and ".callbacks" in location):
        side = RECEIVED if side == SENT else SENT
    return (side,)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of an int or float always parses
        return None


def _bound_event(aspect: str, old: Any, new: Any) -> str:  # noqa: PLR0911 - one return per direction
    """Say whether a bound got tighter or looser for values sent."""
    bound = aspect.rsplit(" ", 1)[-1]  # a rule's facts are "prompt maxLength"
    if old is None or new is None:
        if bound in (*_UPPER, *_LOWER, "multipleOf", "pattern"):
            return "bound tightened or set" if old is None else "bound loosened or unset"
        return "pattern or bound changed, direction unknown"
    before, after = _number(old), _number(new)
    if before is None or after is None or after == 0:
        return "pattern or bound changed, direction unknown"
    if bound == "multipleOf":
        # Every multiple of the old step is still valid when the new step divides it (0.01 -> 0.001).
        return "bound loosened or unset" if (before / after) % 1 == 0 else "bound tightened or set"
    if bound in _UPPER:
        return "bound tightened or set" if after < before else "bound loosened or unset"
    if bound in _LOWER:
        return "bound tightened or set" if after > before else "bound loosened or unset"
    return "pattern or bound changed, direction unknown"


def _type_event(old: Any, new: Any) -> str:
    before, after = set(str(old).split(" | ")), set(str(new).split(" | "))
    if after > before:
        return "type widened (a type or null added)"
    if after < before:
        return "type narrowed (a type or null removed)"
    return "type narrowed or changed"


def _event(change: Change) -> str:  # noqa: PLR0911, PLR0912 - one branch per row of the table
    section, kind, aspect = change.section, change.kind, change.aspect
    if kind == "moved":
        if "(callback " in change.location:
            return "callback moved (another expression gives its URL)"
        return "operation moved (same operationId)"
    if kind == "renamed":
        required = bool(change.facts and change.facts.get("required"))
        return "required field or parameter renamed" if required else "field or parameter renamed"
    if kind == "value-renamed":
        return "enum value renamed"
    if section == "rule":
        if kind == "added" or aspect == "x-rule-models":
            return "rule added, or a rule's models changed"
        if kind == "removed":
            return "rule removed"
    if kind == "added":
        if section == "response":
            return "response code added"
        facts = change.new if isinstance(change.new, Mapping) else {}
        if section in ("field", "parameter", "request") and facts.get("required"):
            return "required field, parameter or body added"
        if section in ("field", "parameter"):
            return "optional field or parameter added"
        return "operation, callback, server or security scheme added"
    if kind == "removed":
        facts = change.old if isinstance(change.old, Mapping) else {}
        if section == "operation":
            return "callback removed" if "(callback " in change.location else "operation or path removed"
        if section == "response":
            code = change.location.rsplit(" ", 1)[-1]
            return "success response code removed" if code.startswith("2") else "error response code removed"
        if section in ("server", "schema"):
            return f"{section} removed"
        if section == "security":
            return "security scheme removed or changed"
        if section == "field" and facts.get("required"):
            return "required field removed"
        return "field, parameter or body removed"
    if kind in ("value-added", "value-removed"):
        return "enum value added" if kind == "value-added" else "enum value removed"
    if section == "security":
        return "security scheme removed or changed"
    if aspect == "operationId":
        return "operationId changed"
    if aspect == "deprecated":
        return "deprecated"
    if aspect == "required":
        return "now required" if change.new else "now optional"
    if aspect == "type":
        return _type_event(change.old, change.new)
    if aspect == "default":
        return "default changed"
    if aspect is not None and (aspect.rsplit(" ", 1)[-1] in (*_UPPER, *_LOWER, "multipleOf", "pattern")):
        return _bound_event(aspect, change.old, change.new)
    if aspect in ("format", "const") or (aspect is not None and "/" in aspect):
        return "format, const or media type changed"
    return "anything else"


def label_change(change: Change, sides: Mapping[str, set[str]]) -> Label:
    """Return the label of ``change``: the worst over the sides it is used on (see ``schema_sides``)."""
    rule = _BY_EVENT[_event(change)]
    if rule.sent == rule.received:
        return Label(rule.sent, rule.event, None)
    judged = [(getattr(rule, side), side) for side in _location_sides(change, sides)]
    label, side = min(judged, key=lambda pair: LABELS.index(pair[0]))
    return Label(label, rule.event, side)


def fails(labels: Mapping[str, int], fail_on: str) -> bool:
    """Say whether the counts per label reach the ``--fail-on`` level."""
    return any(labels.get(label) for label in FAIL_ON[fail_on])
