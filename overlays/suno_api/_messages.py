"""Fill the placeholders of user-facing texts from the schema they describe, so no text can state a stale bound.

The rules overlay writes its messages and hints with placeholders (``{maxLength}``, ``{models}``, ...) rather
than numbers: after an upstream change of a bound, a step, a model list or a duration limit, the texts say the
new value with no edit. A placeholder this module does not know, or one the text's schema has no value for,
raises ``MessageError`` naming the text and the placeholder: a typo fails the first load, never reaches a user.

Placeholders (``PLACEHOLDERS`` holds the same list for docs and checks):

- from the schema a text describes (a rule's ``then``/``properties`` for its field, or a field's own schema
  with its ``$ref`` resolved, plus the rules that bound the field unconditionally and the audio rules naming
  it): the JSON Schema keywords ``{minimum}``, ``{maximum}``, ``{exclusiveMinimum}``, ``{exclusiveMaximum}``,
  ``{multipleOf}``, ``{minLength}``, ``{maxLength}``; ``{allowed}`` (the enum, ``a, b, c``); ``{models}`` (the
  models a rule applies to: its ``if`` enum, else ``x-rule-models``, as ``V3_5 or V4``); ``{limit}`` and
  ``{maxDuration}`` (an audio rule's ``x-max-duration-seconds``, as seconds and as ``2 minutes``);
  ``{maxLengthByModel}`` (a field's per-model length rules, as ``80 (V3_5, V4) or 100 (V4_5, V5)``);
- from the case at hand, given by the caller: ``{value}`` (what the body holds), ``{field}``, ``{expected}``,
  ``{duration}`` (the source audio's measured length, seconds), and ``{limit}`` / ``{allowed}`` as the
  validator reports them for the keyword that failed.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

#: Every placeholder a message, hint or help text may use, with what it is filled with.
PLACEHOLDERS: Final[Mapping[str, str]] = {
    "allowed": "the values the field's enum allows (or the validator's list), comma-separated",
    "duration": "the source audio's measured length in seconds (audio rules, at run time)",
    "exclusiveMaximum": "the field's exclusiveMaximum",
    "exclusiveMinimum": "the field's exclusiveMinimum",
    "expected": "what the failed keyword expected, as the validator reports it (at run time)",
    "field": "the body field the text is about",
    "limit": "the failed keyword's limit (at run time), or an audio rule's x-max-duration-seconds",
    "maxDuration": "an audio rule's x-max-duration-seconds, in words (2 minutes, 90 seconds)",
    "maxLength": "the field's maxLength (a rule's, for a rule message)",
    "maxLengthByModel": "the maxLength of each per-model rule on the field, as '80 (V3_5, V4) or 100 (V5)'",
    "maximum": "the field's maximum",
    "minLength": "the field's minLength",
    "minimum": "the field's minimum",
    "models": "the models a rule applies to (its `if` enum, else x-rule-models), as 'V3_5 or V4'",
    "multipleOf": "the field's multipleOf (the step)",
    "value": "the value the body holds (at run time)",
}

#: The schema keywords whose value a placeholder of the same name states.
BOUND_KEYWORDS: Final = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
)
_DURATION_KEY: Final = "x-max-duration-seconds"


class MessageError(ValueError):
    """A text of the effective spec uses a placeholder that is unknown, or that its schema has no value for."""


def placeholders(template: str) -> tuple[str, ...]:
    """Return the placeholder names ``template`` uses, in order of appearance (repeats kept once)."""
    found: dict[str, None] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            found[name] = None
    return tuple(found)


def unknown_placeholders(template: str) -> tuple[str, ...]:
    """Return the placeholders of ``template`` that are not in ``PLACEHOLDERS`` (empty when all are known)."""
    return tuple(name for name in placeholders(template) if name not in PLACEHOLDERS)


def number(value: Any) -> str:
    """Return a bound as a person writes it: ``3000``, ``0.01``, ``0.001`` (never ``1e-03`` or ``3000.0``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))).normalize(), "f")


def words_for_seconds(seconds: Any) -> str:
    """Return a duration limit in words: ``2 minutes``, ``1 minute``, ``90 seconds``."""
    amount = float(seconds)
    if amount >= 60 and amount % 60 == 0:
        minutes = int(amount // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{number(amount)} second{'s' if amount != 1 else ''}"


def choices(values: Iterable[Any], *, last: str = ", ") -> str:
    """Return ``values`` as a list in prose: ``a, b, c``, or with ``last=' or '`` ``a, b or c``."""
    shown = [str(value) for value in values]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + last + shown[-1]


def fill(template: str, values: Mapping[str, Any], *, subject: str) -> str:
    """Return ``template`` with its placeholders filled from ``values``, whitespace folded to single spaces.

    Raises:
        MessageError: a placeholder is not in ``PLACEHOLDERS``, or ``values`` has none for it; the error names
            ``subject`` (where the text lives), the placeholder and the values that were available.
    """
    unknown = unknown_placeholders(template)
    if unknown:
        raise MessageError(
            f"{subject}: unknown placeholder(s) {', '.join('{' + name + '}' for name in unknown)}; known:"
            f" {', '.join(sorted(PLACEHOLDERS))}"
        )
    missing = [name for name in placeholders(template) if name not in values]
    if missing:
        raise MessageError(
            f"{subject}: {', '.join('{' + name + '}' for name in missing)} has no value here (its schema has no"
            f" such keyword); available: {', '.join(sorted(values)) or 'none'}"
        )
    try:
        filled = template.format_map({name: values[name] for name in placeholders(template)})
    except (ValueError, IndexError, AttributeError) as exc:  # a stray brace, {0}, or {a.b}
        raise MessageError(f"{subject}: cannot fill {template!r}: {exc}") from exc
    return " ".join(filled.split())


def resolved(node: Any, document: Mapping[str, Any]) -> Any:
    """Return ``node`` with its local ``$ref`` followed into ``document``; sibling keywords of the reference win."""
    if not isinstance(node, Mapping) or not isinstance(node.get("$ref"), str) or not node["$ref"].startswith("#/"):
        return node
    target: Any = document
    for part in node["$ref"][2:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        target = target.get(key) if isinstance(target, Mapping) else None
    if not isinstance(target, Mapping):
        return node
    return {**target, **{key: value for key, value in node.items() if key != "$ref"}}


def _keywords(node: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(node, Mapping):
        return
    for keyword in BOUND_KEYWORDS:
        value = node.get(keyword)
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield keyword, number(value)
    if isinstance(node.get("enum"), list):
        yield "allowed", choices(node["enum"])


def _duration_values(audio_rule: Mapping[str, Any]) -> dict[str, str]:
    seconds = audio_rule.get(_DURATION_KEY)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return {}
    return {"limit": number(seconds), "maxDuration": words_for_seconds(seconds)}


def _rule_models(item: Mapping[str, Any]) -> tuple[Any, ...]:
    condition = item.get("if")
    members = condition.get("properties", {}) if isinstance(condition, Mapping) else {}
    for member in members.values() if isinstance(members, Mapping) else ():
        if isinstance(member, Mapping) and isinstance(member.get("enum"), list):
            return tuple(member["enum"])
    return tuple(item.get("x-rule-models", ()))


def rule_values(item: Mapping[str, Any]) -> dict[str, str]:
    """Return what a rule's message may state: the bounds it sets on its field, its models, its field."""
    field = str(item.get("x-rule-field", ""))
    values: dict[str, str] = {"field": field}
    for part in (item, item.get("then")):
        properties = part.get("properties", {}) if isinstance(part, Mapping) else {}
        values.update(_keywords(properties.get(field) if isinstance(properties, Mapping) else None))
    models = _rule_models(item)
    if models:
        values["models"] = choices(models, last=" or ")
    values.update(_duration_values(item))
    return values


def rule_message(item: Mapping[str, Any]) -> str:
    """Return the ``x-rule-message`` of a rule (an ``allOf`` item or an audio rule), filled from the rule itself."""
    subject = f"rule {item.get('x-rule-id', '?')} (x-rule-message)"
    return fill(str(item.get("x-rule-message", "")), rule_values(item), subject=subject)


def field_values(request: Mapping[str, Any], field: str, document: Mapping[str, Any]) -> dict[str, str]:
    """Return what a text about ``field`` of the ``request`` schema may state, from the schema and its rules.

    The field's own keywords (its ``$ref`` resolved against ``document``), then those of the rules that bound it
    whatever the body holds (an ``allOf`` item with no ``if``), then the duration limit of the audio rules that
    name it.
    """
    values: dict[str, str] = {"field": field}
    properties = request.get("properties", {})
    values.update(_keywords(resolved(properties.get(field), document)))
    for item in request.get("allOf", ()):
        if isinstance(item, Mapping) and "if" not in item and "not" not in item:
            rule_properties = item.get("properties", {})
            values.update(_keywords(rule_properties.get(field) if isinstance(rule_properties, Mapping) else None))
    for audio_rule in request.get("x-audio-rules", ()):
        if isinstance(audio_rule, Mapping) and audio_rule.get("x-rule-field") == field:
            values.update(_duration_values(audio_rule))
    by_model = [
        f"{found['maxLength']} ({choices(_rule_models(item))})"
        for item in request.get("allOf", ())
        if isinstance(item, Mapping) and item.get("x-rule-field") == field and _rule_models(item)
        for found in [rule_values(item)]
        if "maxLength" in found
    ]
    if by_model:
        values["maxLengthByModel"] = choices(by_model, last=" or ")
    return values
