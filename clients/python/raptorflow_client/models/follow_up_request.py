from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.follow_up_request_input import FollowUpRequestInput





T = TypeVar("T", bound="FollowUpRequest")



@_attrs_define
class FollowUpRequest:
    """ 
        Attributes:
            instructions (str): What to change in the parent's result.
            input_ (FollowUpRequestInput | Unset): Top-level input fields to change; the rest is the parent's input.
     """

    instructions: str
    input_: FollowUpRequestInput | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.follow_up_request_input import FollowUpRequestInput # noqa: PLC0415
        instructions = self.instructions

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "instructions": instructions,
        })
        if input_ is not UNSET:
            field_dict["input"] = input_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.follow_up_request_input import FollowUpRequestInput # noqa: PLC0415
        d = dict(src_dict)
        instructions = d.pop("instructions")

        _input_ = d.pop("input", UNSET)
        input_: FollowUpRequestInput | Unset
        if isinstance(_input_,  Unset):
            input_ = UNSET
        else:
            input_ = FollowUpRequestInput.from_dict(_input_)




        follow_up_request = cls(
            instructions=instructions,
            input_=input_,
        )


        follow_up_request.additional_properties = d
        return follow_up_request

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
