from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WorkspaceCreateRequestFoundationBrandVoice")



@_attrs_define
class WorkspaceCreateRequestFoundationBrandVoice:
    """ 
        Attributes:
            tone (str | Unset):
            do (list[str] | Unset):
            dont (list[str] | Unset):
     """

    tone: str | Unset = UNSET
    do: list[str] | Unset = UNSET
    dont: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        tone = self.tone

        do: list[str] | Unset = UNSET
        if not isinstance(self.do, Unset):
            do = self.do



        dont: list[str] | Unset = UNSET
        if not isinstance(self.dont, Unset):
            dont = self.dont




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if tone is not UNSET:
            field_dict["tone"] = tone
        if do is not UNSET:
            field_dict["do"] = do
        if dont is not UNSET:
            field_dict["dont"] = dont

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tone = d.pop("tone", UNSET)

        do = cast(list[str], d.pop("do", UNSET))


        dont = cast(list[str], d.pop("dont", UNSET))


        workspace_create_request_foundation_brand_voice = cls(
            tone=tone,
            do=do,
            dont=dont,
        )

        return workspace_create_request_foundation_brand_voice

