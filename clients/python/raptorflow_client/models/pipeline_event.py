from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="PipelineEvent")



@_attrs_define
class PipelineEvent:
    """ 
        Attributes:
            sequence (int):
            type_ (str):
            data (Any):
            created_at (datetime.datetime):
     """

    sequence: int
    type_: str
    data: Any
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        sequence = self.sequence

        type_ = self.type_

        data = self.data

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "sequence": sequence,
            "type": type_,
            "data": data,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sequence = d.pop("sequence")

        type_ = d.pop("type")

        data = d.pop("data")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        pipeline_event = cls(
            sequence=sequence,
            type_=type_,
            data=data,
            created_at=created_at,
        )


        pipeline_event.additional_properties = d
        return pipeline_event

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
