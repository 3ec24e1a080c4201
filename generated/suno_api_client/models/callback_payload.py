from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.callback_code import CallbackCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.callback_data import CallbackData


T = TypeVar("T", bound="CallbackPayload")


@_attrs_define
class CallbackPayload:
    """Body that kie.ai POSTs to `callBackUrl` at each stage of an audio extension task.

    Attributes:
        code (CallbackCode | int): 200 success; 400 lyrics contain copyrighted material; 408 timeout; 413 uploaded audio
            matches an existing work; 500 server error; 501 audio generation failed; 531 generation failed, credits
            refunded.
        data (CallbackData):
        msg (str | Unset): Status message.
    """

    code: CallbackCode | int
    data: CallbackData
    msg: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code: int
        if isinstance(self.code, CallbackCode):
            code = self.code.value
        else:
            code = self.code

        data = self.data.to_dict()

        msg = self.msg

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "data": data,
            }
        )
        if msg is not UNSET:
            field_dict["msg"] = msg

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.callback_data import CallbackData  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> CallbackCode | int:
            try:
                if not isinstance(data, int):
                    raise TypeError()
                code_type_0 = CallbackCode(data)

                return code_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CallbackCode | int, data)

        code = _parse_code(d.pop("code"))

        data = CallbackData.from_dict(d.pop("data"))

        msg = d.pop("msg", UNSET)

        callback_payload = cls(
            code=code,
            data=data,
            msg=msg,
        )

        callback_payload.additional_properties = d
        return callback_payload

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
