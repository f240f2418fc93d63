from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dispatch_request_input import DispatchRequestInput





T = TypeVar("T", bound="DispatchRequest")



@_attrs_define
class DispatchRequest:
    """ 
        Attributes:
            text (str):
            run (bool | Unset): Also start a run of the chosen agent. Default: False.
            input_ (DispatchRequestInput | Unset): The run's input; required by most agents.
     """

    text: str
    run: bool | Unset = False
    input_: DispatchRequestInput | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dispatch_request_input import DispatchRequestInput # noqa: PLC0415
        text = self.text

        run = self.run

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "text": text,
        })
        if run is not UNSET:
            field_dict["run"] = run
        if input_ is not UNSET:
            field_dict["input"] = input_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dispatch_request_input import DispatchRequestInput # noqa: PLC0415
        d = dict(src_dict)
        text = d.pop("text")

        run = d.pop("run", UNSET)

        _input_ = d.pop("input", UNSET)
        input_: DispatchRequestInput | Unset
        if isinstance(_input_,  Unset):
            input_ = UNSET
        else:
            input_ = DispatchRequestInput.from_dict(_input_)




        dispatch_request = cls(
            text=text,
            run=run,
            input_=input_,
        )


        dispatch_request.additional_properties = d
        return dispatch_request

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
