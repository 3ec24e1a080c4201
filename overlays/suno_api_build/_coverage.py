"""Rules coverage: check that the rules overlay still fits the spec it is applied to.

``check_coverage`` reads an effective spec (vendored spec + overlays) and returns a ``Gap`` for each of:

- ``missing-schema``: no operation's JSON request body is a ``$ref`` to a component schema (the request schema,
  which the normalise overlay moves into components), or the ``SunoModel`` enum is gone;
- ``model-without-limit``: a ``SunoModel`` value that no limits rule gives a character limit for ``prompt``,
  ``style`` or ``title``;
- ``conflicting-limits``: two rules give one model different limits for the same field;
- ``unknown-model``: a rule names a model the enum no longer has;
- ``models-mismatch``: a rule's ``x-rule-models`` differ from the models its ``if`` selects;
- ``unknown-field``: a rule, audio rule or field hint names a field the request schema does not have;
- ``forbidden-field-defined``: a rule forbids a field (``not: {required: [...]}``) the request schema now defines;
- ``undiscussed-required``: a required request field that no rule, field hint or ``spec/ERRATA.md`` discusses;
- ``stale-source``: a rule's ``x-rule-source`` quotes text the spec no longer contains.

Every gap names the file to edit. A field counts as discussed by ``spec/ERRATA.md`` when its name appears there
in backticks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from suno_api_build import _names

MODEL_ENUM = "SunoModel"
LIMITED_ROLES = ("prompt", "style", "title")
"""The ``x-names`` roles of the request fields upstream gives per-model character limits for."""
MODEL_ROLE = "model"
"""The ``x-names`` role of the request field choosing the model."""
RULES_OVERLAY = "overlays/rules.overlay.yaml"
NORMALISE_OVERLAY = "overlays/normalise.overlay.yaml"
ERRATA = "spec/ERRATA.md"


@attrs.frozen
class Gap:
    """One way in which the rules no longer cover the spec."""

    kind: str
    subject: str
    """The model, rule id or field the gap is about."""
    message: str
    edit: str
    """The file to edit, relative to the checkout."""

    def __str__(self) -> str:
        return f"{self.message} [edit {self.edit}]"

    def to_dict(self) -> dict[str, str]:
        """Return the gap as JSON-ready data."""
        return attrs.asdict(self)


def request_schema_name(effective: Mapping[str, Any]) -> str | None:
    """Return the component schema the submit operation's JSON request body refers to, or None when none does.

    The submit operation is the one whose request body is a ``$ref`` to a component schema (the normalise overlay
    makes it one); the rules live in that schema's ``allOf``. When several operations have one, the first whose
    schema carries rules (``x-rule-id``) wins, else the first.
    """
    schemas = effective.get("components", {}).get("schemas", {})
    found: list[str] = []
    for item in (effective.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, Mapping) else ():
            body = operation.get("requestBody") if isinstance(operation, Mapping) else None
            content = body.get("content", {}) if isinstance(body, Mapping) else {}
            for media in content.values():
                ref = media.get("schema", {}).get("$ref") if isinstance(media, Mapping) else None
                prefix = "#/components/schemas/"
                if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix) :] in schemas:
                    found.append(ref[len(prefix) :])
    with_rules = [
        name
        for name in found
        if any(isinstance(rule, Mapping) and "x-rule-id" in rule for rule in schemas[name].get("allOf", []))
    ]
    chosen = with_rules or found
    return chosen[0] if chosen else None


def errata_names(text: str) -> frozenset[str]:
    """Return everything ``spec/ERRATA.md`` writes in backticks (the fields it discusses, among others)."""
    return frozenset(re.findall(r"`([^`\n]+)`", text))


def read_errata(root: Path) -> str:
    """Return ``spec/ERRATA.md`` of the checkout ``root``, or '' when there is none."""
    path = root / ERRATA
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _named_fields(schema: Any, negated: bool = False) -> Iterator[tuple[str, bool]]:
    """Yield (request field, whether it is named under a ``not``) for each field a rule's schema names."""
    if not isinstance(schema, Mapping):
        return
    for name in schema.get("properties", {}):
        yield name, negated
    for name in schema.get("required", []):
        yield name, negated
    for key in ("if", "then", "else"):
        yield from _named_fields(schema.get(key), negated)
    for key in ("allOf", "anyOf", "oneOf"):
        for item in schema.get(key, []):
            yield from _named_fields(item, negated)
    yield from _named_fields(schema.get("not"), not negated)


def spec_name(effective: Mapping[str, Any], role: str) -> str:
    """Return the name the ``x-names`` role ``role`` gives in ``effective`` (the role itself when it gives none).

    A dead role is reported by overlay health (``_names``); coverage goes on with the role's own spelling.
    """
    pointer = _names.declared(effective).get(role)
    found = _names.resolve(effective, pointer) if pointer is not None else None
    return found or role


def _selected_models(rule: Mapping[str, Any], model_field: str) -> list[str] | None:
    """Return the models a rule's ``if`` selects, or None when it does not look at the model."""
    condition = rule.get("if")
    model = condition.get("properties", {}).get(model_field, {}) if isinstance(condition, Mapping) else {}
    if "enum" in model:
        return list(model["enum"])
    if "const" in model:
        return [model["const"]]
    return None


def _spec_text(node: Any) -> Iterator[str]:
    """Yield every description and summary of the spec, leaving out the overlays' own ``x-`` texts."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if str(key).startswith("x-"):
                continue
            if key in ("description", "summary") and isinstance(value, str):
                yield value
            else:
                yield from _spec_text(value)
    elif isinstance(node, list):
        for item in node:
            yield from _spec_text(item)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _stale_source(rule_id: str, source: Any, spec_text: str, numbers: str = "") -> Gap | None:
    # A source may quote several sentences joined by "; " (one per model group); each must still be there.
    missing = [part for part in _squash(str(source)).split("; ") if part and part not in spec_text]
    if not missing:
        return None
    return Gap(
        "stale-source",
        rule_id,
        f"rule {rule_id} quotes {'; '.join(repr(part) for part in missing)}, which the spec no longer says: quote"
        f" the current sentence in its x-rule-source, and check that the rule still says the same{numbers}",
        RULES_OVERLAY,
    )


def _rule_gaps(
    rule: Mapping[str, Any],
    models: list[str],
    fields: Mapping[str, Any],
    spec_text: str,
    request_schema: str,
    *,
    model_field: str,
) -> Iterator[Gap]:
    rule_id = str(rule.get("x-rule-id", "?"))
    declared, selected = rule.get("x-rule-models"), _selected_models(rule, model_field)
    if declared is not None and selected is not None and set(declared) != set(selected):
        yield Gap(
            "models-mismatch",
            rule_id,
            f"rule {rule_id}: x-rule-models {sorted(declared)} differ from the models its `if` selects"
            f" {sorted(selected)}: make them the same",
            RULES_OVERLAY,
        )
    unknown_models = sorted({*(declared or ()), *(selected or ())} - set(models))
    if unknown_models:
        yield Gap(
            "unknown-model",
            rule_id,
            f"rule {rule_id} names {', '.join(unknown_models)}, which {MODEL_ENUM} no longer has: remove"
            f" {'it' if len(unknown_models) == 1 else 'them'} from its x-rule-models and `if`",
            RULES_OVERLAY,
        )
    named = list(_named_fields(rule))
    forbidden = {name for name, negated in named if negated}
    wanted = {name for name, negated in named if not negated}
    field = rule.get("x-rule-field")
    if isinstance(field, str) and field not in forbidden:
        wanted.add(field)
    for name in sorted(wanted - set(fields)):
        yield Gap(
            "unknown-field",
            rule_id,
            f"rule {rule_id} names the field `{name}`, which {request_schema} no longer has: rewrite or remove the"
            " rule (rule ids are never reused)",
            RULES_OVERLAY,
        )
    for name in sorted(forbidden & set(fields)):
        yield Gap(
            "forbidden-field-defined",
            rule_id,
            f"rule {rule_id} forbids the field `{name}`, which {request_schema} now defines: decide whether the"
            " rule still holds (and say why in spec/ERRATA.md)",
            RULES_OVERLAY,
        )
    if "x-rule-source" in rule:
        stale = _stale_source(rule_id, rule["x-rule-source"], spec_text)
        if stale is not None:
            yield stale


NUMERIC_BOUNDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)
"""The JSON Schema keywords that bound a value by a number (the diff compares these and ``pattern``)."""
_BOUND_KEYS = (*NUMERIC_BOUNDS, "x-max-duration-seconds")
_NUMBER = re.compile(r"(?<![\w.{])\d+(?:\.\d+)?(?![\w}])")
"""A number a message states as a literal: not inside a name (V4_5), a placeholder ({limit}) or a word."""


def _bounds(node: Any, field: str | None = None) -> Iterator[float]:
    """Yield every bound in ``node`` (a rule, or a field's schema), for ``field`` only when given."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in _BOUND_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
                yield float(value)
            elif key == "properties" and isinstance(value, Mapping):
                for name, member in value.items():
                    if field is None or name == field:
                        yield from _bounds(member)
            elif key not in ("if", "not"):
                yield from _bounds(value, field)
    elif isinstance(node, list):
        for item in node:
            yield from _bounds(item, field)


def _stale_message(subject: str, message: Any, bounds: set[float], models: list[str], declared: Any) -> Iterator[Gap]:
    """Yield a gap when a message states, as literals, a bound or models its rule does not have."""
    if not isinstance(message, str):
        return
    stated = sorted({text for text in _NUMBER.findall(message) if float(text) not in bounds}, key=float)
    if stated:
        yield Gap(
            "stale-message",
            subject,
            f"{subject}: its message states {', '.join(stated)}, which is no bound of its rule (now"
            f" {', '.join(f'{bound:g}' for bound in sorted(bounds)) or 'none'}): correct the message",
            RULES_OVERLAY,
        )
    if isinstance(declared, list):
        named = [model for model in models if re.search(rf"(?<![\w]){re.escape(model)}(?![\w])", message)]
        if named and set(named) != {str(model) for model in declared}:
            yield Gap(
                "stale-message",
                subject,
                f"{subject}: its message names the models {', '.join(named)}, but its x-rule-models are"
                f" {', '.join(map(str, declared))}: correct the message",
                RULES_OVERLAY,
            )


PLACEHOLDERS = frozenset(
    {
        "allowed",
        "duration",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "expected",
        "field",
        "limit",
        "maxDuration",
        "maxLength",
        "maxLengthByModel",
        "maximum",
        "minLength",
        "minimum",
        "models",
        "multipleOf",
        "value",
    }
)
"""The placeholders a text of the rules overlay may use: the runtime fills them (``suno_api._messages``, which
the build never imports; a test keeps the two lists equal)."""
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}!:]*)[^{}]*\}(?!\})")


def _placeholder_gaps(subject: str, text: Any) -> Iterator[Gap]:
    """Yield a gap when ``text`` uses a placeholder the runtime cannot fill (a typo would fail at load)."""
    unknown = sorted(set(_PLACEHOLDER.findall(text)) - PLACEHOLDERS) if isinstance(text, str) else []
    if unknown:
        yield Gap(
            "unknown-placeholder",
            subject,
            f"{subject}: its text uses {', '.join('{' + name + '}' for name in unknown)}, which nothing fills"
            f" (known: {', '.join(sorted(PLACEHOLDERS))}): correct the text",
            RULES_OVERLAY,
        )


def _message_gaps(
    rules: list[Mapping[str, Any]], hints: Mapping[str, Any], fields: Mapping[str, Any], models: list[str]
) -> Iterator[Gap]:
    for rule in rules:
        subject = f"rule {rule.get('x-rule-id', '?')}"
        yield from _placeholder_gaps(subject, rule.get("x-rule-message"))
        known = set(models) | {str(model) for model in rule.get("x-rule-models", [])}
        yield from _stale_message(
            subject, rule.get("x-rule-message"), set(_bounds(rule)), sorted(known), rule.get("x-rule-models")
        )
    for name, hint in hints.items():
        bounds = {*_bounds(fields.get(name)), *(bound for rule in rules for bound in _bounds(rule, name))}
        for key, text in hint.items() if isinstance(hint, Mapping) else ():
            yield from _placeholder_gaps(f"x-field-hints.{name}.{key}", text)
            yield from _stale_message(f"x-field-hints.{name}.{key}", text, bounds, models, None)


def _limit_gaps(
    rules: list[Mapping[str, Any]],
    models: list[str],
    fields: Mapping[str, Any],
    model_field: str,
    limited_fields: Sequence[str],
) -> Iterator[Gap]:
    limits: defaultdict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for rule in rules:
        then = rule.get("then")
        bounded = then.get("properties", {}) if isinstance(then, Mapping) else {}
        applies_to = _selected_models(rule, model_field) or rule.get("x-rule-models") or models
        for field, schema in bounded.items():
            if isinstance(schema, Mapping) and "maxLength" in schema:
                for model in applies_to:
                    limits[model, field][str(rule.get("x-rule-id", "?"))] = schema["maxLength"]
    limited = [field for field in dict.fromkeys([*limited_fields, *(f for _, f in limits)]) if field in fields]
    for model in models:
        missing = [field for field in limited if (model, field) not in limits]
        if missing:
            yield Gap(
                "model-without-limit",
                model,
                f"model {model} has no character limit for {', '.join(missing)}: add {model} to the x-rule-models"
                " and `if` of one limits rule per field (or add a rule with a new id)",
                RULES_OVERLAY,
            )
    for (model, field), by_rule in sorted(limits.items()):
        if model in models and len(set(by_rule.values())) > 1:
            given = ", ".join(f"{limit} ({rule_id})" for rule_id, limit in by_rule.items())
            yield Gap(
                "conflicting-limits",
                model,
                f"model {model} gets different `{field}` limits: {given}: keep it in one of these rules",
                RULES_OVERLAY,
            )


def check_coverage(effective: Mapping[str, Any], errata: str = "") -> tuple[Gap, ...]:
    """Return how the rules in ``effective`` fail to cover it (empty when they cover it fully).

    Args:
        effective: an effective spec (vendored spec + overlays).
        errata: the text of ``spec/ERRATA.md``; a required field it names in backticks counts as discussed.
    """
    schemas = effective.get("components", {}).get("schemas", {})
    request_schema = request_schema_name(effective)
    missing = [
        Gap(
            "missing-schema",
            name,
            f"the effective spec has no component schema {name}: the action of the normalise overlay that"
            " names it no longer matches what upstream publishes",
            NORMALISE_OVERLAY,
        )
        for name in (MODEL_ENUM,)
        if name not in schemas
    ]
    if request_schema is None:
        missing.insert(
            0,
            Gap(
                "missing-schema",
                "request body",
                "no operation's JSON request body refers to a component schema (the request schema, which carries"
                " the rules): the action of the normalise overlay that moves it into components no longer matches"
                " what upstream publishes",
                NORMALISE_OVERLAY,
            ),
        )
    if request_schema is None or missing:
        return tuple(missing)
    request = schemas[request_schema]
    fields: Mapping[str, Any] = request.get("properties", {})
    models = [str(model) for model in schemas[MODEL_ENUM].get("enum", [])]
    rules = [item for item in request.get("allOf", []) if isinstance(item, Mapping) and "x-rule-id" in item]
    audio_rules = [item for item in request.get("x-audio-rules", []) if isinstance(item, Mapping)]
    hints: Mapping[str, Any] = request.get("x-field-hints", {})
    spec_text = _squash("\n".join(_spec_text(effective)))

    model_field = spec_name(effective, MODEL_ROLE)
    limited_fields = [spec_name(effective, role) for role in LIMITED_ROLES]
    gaps: list[Gap] = []
    for rule in rules:
        gaps.extend(_rule_gaps(rule, models, fields, spec_text, request_schema, model_field=model_field))
    gaps.extend(_limit_gaps(rules, models, fields, model_field, limited_fields))
    for rule in audio_rules:
        rule_id, field = str(rule.get("x-rule-id", "?")), rule.get("x-rule-field")
        if field not in fields:
            gaps.append(
                Gap(
                    "unknown-field",
                    rule_id,
                    f"audio rule {rule_id} names the field `{field}`, which {request_schema} no longer has",
                    RULES_OVERLAY,
                )
            )
        if "x-rule-source" in rule:
            limit = rule.get("x-max-duration-seconds")
            numbers = "" if limit is None else f" (its x-max-duration-seconds is {limit})"
            stale = _stale_source(rule_id, rule["x-rule-source"], spec_text, numbers)
            if stale is not None:
                gaps.append(stale)
    gaps.extend(
        Gap(
            "unknown-field",
            f"{section}.{name}",
            f"{section} has an entry for `{name}`, which {request_schema} no longer has: move it to the field's new"
            " name, or remove it",
            RULES_OVERLAY,
        )
        for section in ("x-field-hints", "x-field-help")
        for name in request.get(section, {})
        if name not in fields
    )
    for name, entry in request.get("x-field-help", {}).items():
        for key, text in entry.items() if isinstance(entry, Mapping) else ():
            gaps.extend(_placeholder_gaps(f"x-field-help.{name}.{key}", text))

    gaps.extend(_message_gaps([*rules, *audio_rules], hints, fields, models))

    discussed = {name for rule in rules for name, _ in _named_fields(rule)}
    discussed |= {str(rule.get("x-rule-field")) for rule in [*rules, *audio_rules]}
    discussed |= set(hints) | errata_names(errata)
    gaps.extend(
        Gap(
            "undiscussed-required",
            name,
            f"`{name}` is required, and neither the rules nor {ERRATA} say anything about it: add an x-field-hints"
            f" entry (or a rule) for it, or an {ERRATA} entry that names it in backticks",
            RULES_OVERLAY,
        )
        for name in request.get("required", [])
        if name not in discussed
    )
    return tuple(gaps)
