"""Spec names in one place: the roles of the names hand-written code depends on, resolved in the effective spec.

The normalise overlay declares ``x-names`` at the root of the effective spec: our role (snake_case, stable) ->
a JSON pointer into the spec. The name a pointer gives is its last segment (a path, a property), a parameter's
``name``, an ``operationId``'s value, or, under ``enum``, the member, which resolves only while the list holds
it. ``names()`` returns one frozen ``SpecNames`` whose attributes are the roles; each resolves when first read,
so a pointer that no longer resolves (upstream removed a response-side enum member, say) raises ``LookupError``
naming the role and the pointer only in the code that reads that role, never at import.

Code reads ``names()`` once per object it builds (a client, a mock app), or inside a function, never at module
level. ``make generate`` refuses a pointer that does not resolve and names each file:line using its role.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final, overload

from suno_api._spec import effective_spec

NAMES_KEY: Final = "x-names"
"""The root key of the effective spec holding role -> JSON pointer."""


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document: Mapping[str, Any], pointer: str) -> str:
    """Return the spec name ``pointer`` gives in ``document``; raise ``LookupError`` when it does not resolve."""
    if not pointer.startswith("/"):
        raise LookupError(f"{pointer!r} is not a JSON pointer (it must start with '/')")
    parts = [_unescape(segment) for segment in pointer[1:].split("/")]
    node: Any = document
    for index, part in enumerate(parts):
        parent = parts[index - 1] if index else ""
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and parent == "enum" and index == len(parts) - 1:
            # An enum member: the segment is the value (a number's too), present while the list holds it.
            if any(str(value) == part for value in node):
                return part
            raise LookupError(f"{pointer}: the enum has no member {part!r}")
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise LookupError(f"{pointer}: nothing at {'/'.join(parts[: index + 1])!r}")
    if len(parts) > 1 and parts[-2] == "parameters" and isinstance(node, Mapping):
        name = node.get("name")
        if isinstance(name, str):
            return name
        raise LookupError(f"{pointer}: the parameter has no name")
    if isinstance(node, str) and parts[-1] == "operationId":
        return node
    return parts[-1]


class _Role:
    """One role of ``SpecNames``: resolved in the effective spec when first read, then kept."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.role = ""

    def __set_name__(self, owner: type[SpecNames], name: str) -> None:
        self.role = name

    @overload
    def __get__(self, instance: None, owner: type[SpecNames]) -> _Role: ...
    @overload
    def __get__(self, instance: SpecNames, owner: type[SpecNames]) -> str: ...
    def __get__(self, instance: SpecNames | None, owner: type[SpecNames]) -> _Role | str:
        if instance is None:
            return self
        return instance.resolve(self.role)


class SpecNames:
    """The spec names hand-written code depends on, one ``str`` attribute per role (see ``suno_api.spec.names``).

    Reading a role whose pointer no longer resolves raises ``LookupError`` naming the role and the pointer.
    """

    __slots__ = ("_document", "_pointers", "_resolved")
    _document: Mapping[str, Any]
    _pointers: dict[str, Any]
    _resolved: dict[str, str]

    # paths, the record-info query parameter, the callback's signature headers
    submit_path = _Role("The path of the submit (upload-and-extend) operation.")
    record_info_path = _Role("The path of the record-info (polling) operation.")
    task_id_param = _Role("The record-info query parameter naming the task.")
    timestamp_header = _Role("The callback header carrying the signing time (unix seconds).")
    signature_header = _Role("The callback header carrying the webhook signature.")
    # request fields
    upload_url = _Role("The request field with the source audio's URL.")
    default_param_flag = _Role("The request field choosing custom mode (true) or default mode (false).")
    instrumental = _Role("The request field asking for no vocals.")
    prompt = _Role("The request field with the lyrics or the description.")
    style = _Role("The request field with the music style.")
    title = _Role("The request field with the track title.")
    continue_at = _Role("The request field with the second the extension starts at.")
    model = _Role("The request field choosing the model.")
    negative_tags = _Role("The request field with the styles to avoid.")
    callback_url = _Role("The request field with the URL that receives the callbacks.")
    vocal_gender = _Role("The request field with the preferred vocal gender.")
    style_weight = _Role("The request field weighting the style.")
    weirdness_constraint = _Role("The request field bounding creative deviation.")
    audio_weight = _Role("The request field weighting the source audio.")
    persona_id = _Role("The request field naming a persona.")
    # models
    model_v3_5 = _Role("The model enum member V3.5.")
    model_v4 = _Role("The model enum member V4.")
    model_v4_5 = _Role("The model enum member V4.5.")
    model_v4_5plus = _Role("The model enum member V4.5 Plus.")
    model_v5 = _Role("The model enum member V5.")
    # envelopes, the submit answer
    envelope_code = _Role("The envelope field with the answer's code.")
    envelope_msg = _Role("The envelope field with the answer's message.")
    envelope_data = _Role("The envelope field with the answer's data.")
    submit_task_id = _Role("The submit answer's data field with the new task's id.")
    # the task record
    record_task_id = _Role("The task record field with the task id.")
    record_parent_music_id = _Role("The task record field with the parent track's id.")
    record_param = _Role("The task record field with the submitted parameters (a JSON string).")
    record_response = _Role("The task record field with the generation result.")
    record_status = _Role("The task record field with the task status.")
    record_type = _Role("The task record field with the task type.")
    record_operation_type = _Role("The task record field with the operation type.")
    record_error_code = _Role("The task record field with the failure code.")
    record_error_message = _Role("The task record field with the failure message.")
    response_task_id = _Role("The generation result field with the task id.")
    response_tracks = _Role("The generation result field with the tracks.")
    # a record-info track
    track_id = _Role("The record-info track field with the track id.")
    track_audio_url = _Role("The record-info track field with the audio URL.")
    track_source_audio_url = _Role("The record-info track field with the original audio URL.")
    track_stream_audio_url = _Role("The record-info track field with the streaming URL.")
    track_source_stream_audio_url = _Role("The record-info track field with the original streaming URL.")
    track_image_url = _Role("The record-info track field with the cover image URL.")
    track_source_image_url = _Role("The record-info track field with the original cover image URL.")
    track_prompt = _Role("The record-info track field with the lyrics.")
    track_model_name = _Role("The record-info track field with the upstream model name.")
    track_title = _Role("The record-info track field with the title.")
    track_tags = _Role("The record-info track field with the style tags.")
    track_create_time = _Role("The record-info track field with the creation time.")
    track_duration = _Role("The record-info track field with the duration in seconds.")
    # the callback body
    callback_code = _Role("The callback field with the callback's code.")
    callback_msg = _Role("The callback field with the callback's message.")
    callback_data = _Role("The callback field with the callback's data.")
    callback_type = _Role("The callback data field with the stage.")
    callback_task_id = _Role("The callback data field with the task id.")
    callback_tracks = _Role("The callback data field with the tracks.")
    # a callback track
    callback_track_id = _Role("The callback track field with the track id.")
    callback_track_audio_url = _Role("The callback track field with the audio URL.")
    callback_track_source_audio_url = _Role("The callback track field with the original audio URL.")
    callback_track_stream_audio_url = _Role("The callback track field with the streaming URL.")
    callback_track_source_stream_audio_url = _Role("The callback track field with the original streaming URL.")
    callback_track_image_url = _Role("The callback track field with the cover image URL.")
    callback_track_source_image_url = _Role("The callback track field with the original cover image URL.")
    callback_track_prompt = _Role("The callback track field with the lyrics.")
    callback_track_model_name = _Role("The callback track field with the upstream model name.")
    callback_track_title = _Role("The callback track field with the title.")
    callback_track_tags = _Role("The callback track field with the style tags.")
    callback_track_create_time = _Role("The callback track field with the creation time.")
    callback_track_duration = _Role("The callback track field with the duration in seconds.")
    # task statuses and callback stages
    status_pending = _Role("The task status: not started or still running.")
    status_text_success = _Role("The task status: the lyrics are done.")
    status_first_success = _Role("The task status: the first track is done.")
    status_success = _Role("The task status: every track is done (the final success).")
    status_create_task_failed = _Role("The task status: the task could not be created.")
    status_generate_audio_failed = _Role("The task status: generating the audio failed.")
    status_callback_exception = _Role("The task status: delivering the callback failed.")
    status_sensitive_word_error = _Role("The task status: the text was refused as sensitive.")
    stage_text = _Role("The callback stage: the lyrics are done.")
    stage_first = _Role("The callback stage: the first track is done.")
    stage_complete = _Role("The callback stage: every track is done (the final success).")
    stage_error = _Role("The callback stage: the task failed.")
    # answer codes (enum members; the name is the code's digits)
    code_success = _Role("The answer code: success.")
    code_unauthorized = _Role("The answer code: the API key is missing or invalid.")
    code_insufficient_credits = _Role("The answer code: the account has not enough credits.")
    code_not_found = _Role("The answer code: the task or endpoint does not exist.")
    code_conflict = _Role("The answer code: the record already exists.")
    code_validation_error = _Role("The answer code: the parameters failed validation.")
    code_rate_limited = _Role("The answer code: too many requests.")
    code_fetch_failed = _Role("The answer code: the service could not fetch the source audio.")
    code_maintenance = _Role("The answer code: the service is under maintenance.")
    code_server_error = _Role("The answer code: the service failed.")

    def __init__(self, document: Mapping[str, Any]) -> None:
        declared = document.get(NAMES_KEY)
        object.__setattr__(self, "_document", document)
        object.__setattr__(self, "_pointers", dict(declared) if isinstance(declared, Mapping) else {})
        object.__setattr__(self, "_resolved", {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"SpecNames is frozen: cannot set {name!r}")

    def __repr__(self) -> str:
        return f"SpecNames({len(self._pointers)} roles)"

    @classmethod
    def roles(cls) -> tuple[str, ...]:
        """Return every role this class declares, in declaration order."""
        return tuple(name for name, value in vars(cls).items() if isinstance(value, _Role))

    def pointer(self, role: str) -> str:
        """Return the JSON pointer ``x-names`` gives ``role``; raise ``LookupError`` when it declares none."""
        found = self._pointers.get(role)
        if not isinstance(found, str):
            raise LookupError(  # noqa: TRY004 - a role missing from the spec is a failed lookup, not a type error
                f"spec name role {role!r} is not declared in the effective spec's {NAMES_KEY} (add it to"
                " overlays/normalise.overlay.yaml and run `make generate`)"
            )
        return found

    def resolve(self, role: str) -> str:
        """Return the spec name of ``role``; raise ``LookupError`` naming the role and its pointer if it is dead."""
        cached: str | None = self._resolved.get(role)
        if cached is not None:
            return cached
        pointer = self.pointer(role)
        try:
            name = resolve_pointer(self._document, pointer)
        except LookupError as exc:
            raise LookupError(
                f"spec name role {role!r}: its pointer {pointer} does not resolve in the effective spec ({exc});"
                f" point it at the new name in overlays/normalise.overlay.yaml ({NAMES_KEY}) and run `make generate`"
            ) from None
        self._resolved[role] = name
        return name

    def code(self, role: str) -> int:
        """Return the answer code ``role`` names, as a number (``code("code_unauthorized")`` is 401 today)."""
        return int(self.resolve(role))


@functools.cache
def names() -> SpecNames:
    """Return the spec names of the effective spec this package enforces (one cached object; roles resolve lazily)."""
    return SpecNames(effective_spec())
