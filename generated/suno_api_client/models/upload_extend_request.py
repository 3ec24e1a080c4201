from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.suno_model import SunoModel
from ..models.vocal_gender import VocalGender
from ..types import UNSET, Unset

T = TypeVar("T", bound="UploadExtendRequest")


@_attrs_define
class UploadExtendRequest:
    """
    Attributes:
        upload_url (str): The URL for uploading audio files, required regardless of whether defaultParamFlag is true or
            false. Ensure the uploaded audio does not exceed 2 minutes in length. Example:
            https://storage.example.com/upload.
        default_param_flag (bool): Enable custom mode for advanced audio generation settings.
            - Set to `true` to use custom parameter mode (requires `style`, `title`, and `uploadUrl`; if `instrumental` is
            `false`, `uploadUrl` and `prompt` are required). If `instrumental` is `false`, the prompt will be strictly used
            as lyrics.
            - Set to `false` to use non-custom mode (only `uploadUrl` required). Lyrics will be automatically generated
            based on the prompt. Example: True.
        instrumental (bool): Determines whether the audio is instrumental (without lyrics).
            - In custom parameter mode (`defaultParamFlag: true`):
              - If `true`: only `style`, `title`, and `uploadUrl` are required.
              - If `false`: `style`, `title`, `prompt` (`prompt` will be used as exact lyrics), and `uploadUrl` are
            required.
            - In non-custom parameter mode (`defaultParamFlag: false`): does not affect required fields (only `uploadUrl`
            needed). If `false`, lyrics will be automatically generated. Example: True.
        continue_at (float): The time point (in seconds) from which to start extending the music.
            - Required when `defaultParamFlag` is `true`.
            - Value range: greater than 0 and less than the total duration of the uploaded audio.
            - Specifies the position in the original track where the extension should begin. Example: 60.
        model (SunoModel): The AI model version to use for generation.
            - Required for all requests.
            - Available options:
              - **`V5`**: Superior musical expression, faster generation.
              - **`V4_5PLUS`**: V4.5+ is richer sound, new waysto create, max 8 min.
              - **`V4_5`**: V4.5 is smarter prompts, fastergenerations, max 8 min.
              - **`V4`**: V4 is improved vocal quality,max 4 min.
              - **`V3_5`**: V3.5 is better song structure,max 4 min.
        call_back_url (str): The URL to receive audio extension task completion updates. Required for all audio
            extension requests.

            - System will POST task status and results to this URL when audio extension completes
            - Callback includes extended audio files that seamlessly continue the uploaded track's style
            - Your callback endpoint should accept POST requests with JSON payload containing extended track results and
            audio URLs
            - For detailed callback format and implementation guide, see [Audio Extension Callbacks](./upload-and-extend-
            audio-callbacks)
            - Alternatively, use the Get Music Details endpoint to poll task status Example:
            https://api.example.com/callback.
        prompt (str | Unset): Description of how the music should be extended. Required when defaultParamFlag is true.
            Character limits by model:
            - **V5**: Maximum 5000 characters
            - **V4_5PLUS & V4_5**: Maximum 5000 characters
            - **V3_5 & V4**: Maximum 3000 characters Example: Extend the music with more relaxing notes.
        style (str | Unset): Music style, e.g., Jazz, Classical, Electronic. Character limits by model:
            - **V5**: Maximum 1000 characters
            - **V4_5PLUS & V4_5**: Maximum 1000 characters
            - **V3_5 & V4**: Maximum 200 characters Example: Classical.
        title (str | Unset): Music title. Character limits by model:
            - **V5**: Maximum 100 characters
            - **V4_5PLUS & V4_5**: Maximum 100 characters
            - **V3_5 & V4**: Maximum 80 characters Example: Peaceful Piano Extended.
        negative_tags (str | Unset): Music styles to exclude from generation Example: Relaxing Piano.
        vocal_gender (VocalGender | Unset): Vocal gender preference for the singing voice. Optional. Use 'm' for male
            and 'f' for female. Based on practice, this parameter can only increase the probability but cannot guarantee
            adherence to male/female voice instructions.
        style_weight (float | Unset): Strength of adherence to the specified style. Optional. Range 0–1, up to 2 decimal
            places. Example: 0.65.
        weirdness_constraint (float | Unset): Controls experimental/creative deviation. Optional. Range 0–1, up to 2
            decimal places. Example: 0.65.
        audio_weight (float | Unset): Balance weight for audio features vs. other factors. Optional. Range 0–1, up to 2
            decimal places. Example: 0.65.
        persona_id (str | Unset): Only available when Custom Mode (`customMode: true`) is enabled. Persona ID to apply
            to the generated music. Optional. Use this to apply a specific persona style to your music generation.

            To generate a persona ID, use the [Generate Persona](generate-persona) endpoint to create a personalized music
            Persona based on generated music. Example: persona_123.
    """

    upload_url: str
    default_param_flag: bool
    instrumental: bool
    continue_at: float
    model: SunoModel
    call_back_url: str
    prompt: str | Unset = UNSET
    style: str | Unset = UNSET
    title: str | Unset = UNSET
    negative_tags: str | Unset = UNSET
    vocal_gender: VocalGender | Unset = UNSET
    style_weight: float | Unset = UNSET
    weirdness_constraint: float | Unset = UNSET
    audio_weight: float | Unset = UNSET
    persona_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        upload_url = self.upload_url

        default_param_flag = self.default_param_flag

        instrumental = self.instrumental

        continue_at = self.continue_at

        model = self.model.value

        call_back_url = self.call_back_url

        prompt = self.prompt

        style = self.style

        title = self.title

        negative_tags = self.negative_tags

        vocal_gender: str | Unset = UNSET
        if not isinstance(self.vocal_gender, Unset):
            vocal_gender = self.vocal_gender.value

        style_weight = self.style_weight

        weirdness_constraint = self.weirdness_constraint

        audio_weight = self.audio_weight

        persona_id = self.persona_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "uploadUrl": upload_url,
                "defaultParamFlag": default_param_flag,
                "instrumental": instrumental,
                "continueAt": continue_at,
                "model": model,
                "callBackUrl": call_back_url,
            }
        )
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if style is not UNSET:
            field_dict["style"] = style
        if title is not UNSET:
            field_dict["title"] = title
        if negative_tags is not UNSET:
            field_dict["negativeTags"] = negative_tags
        if vocal_gender is not UNSET:
            field_dict["vocalGender"] = vocal_gender
        if style_weight is not UNSET:
            field_dict["styleWeight"] = style_weight
        if weirdness_constraint is not UNSET:
            field_dict["weirdnessConstraint"] = weirdness_constraint
        if audio_weight is not UNSET:
            field_dict["audioWeight"] = audio_weight
        if persona_id is not UNSET:
            field_dict["personaId"] = persona_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        upload_url = d.pop("uploadUrl")

        default_param_flag = d.pop("defaultParamFlag")

        instrumental = d.pop("instrumental")

        continue_at = d.pop("continueAt")

        model = SunoModel(d.pop("model"))

        call_back_url = d.pop("callBackUrl")

        prompt = d.pop("prompt", UNSET)

        style = d.pop("style", UNSET)

        title = d.pop("title", UNSET)

        negative_tags = d.pop("negativeTags", UNSET)

        _vocal_gender = d.pop("vocalGender", UNSET)
        vocal_gender: VocalGender | Unset
        if isinstance(_vocal_gender, Unset):
            vocal_gender = UNSET
        else:
            vocal_gender = VocalGender(_vocal_gender)

        style_weight = d.pop("styleWeight", UNSET)

        weirdness_constraint = d.pop("weirdnessConstraint", UNSET)

        audio_weight = d.pop("audioWeight", UNSET)

        persona_id = d.pop("personaId", UNSET)

        upload_extend_request = cls(
            upload_url=upload_url,
            default_param_flag=default_param_flag,
            instrumental=instrumental,
            continue_at=continue_at,
            model=model,
            call_back_url=call_back_url,
            prompt=prompt,
            style=style,
            title=title,
            negative_tags=negative_tags,
            vocal_gender=vocal_gender,
            style_weight=style_weight,
            weirdness_constraint=weirdness_constraint,
            audio_weight=audio_weight,
            persona_id=persona_id,
        )

        upload_extend_request.additional_properties = d
        return upload_extend_request

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
