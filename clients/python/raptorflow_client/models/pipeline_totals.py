from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="PipelineTotals")



@_attrs_define
class PipelineTotals:
    """ 
        Attributes:
            cost (str): USD: the cost of the deliverable.
            tokens_in (int):
            tokens_out (int):
            duration_seconds (float | None): From start to the end (or now).
     """

    cost: str
    tokens_in: int
    tokens_out: int
    duration_seconds: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cost = self.cost

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        duration_seconds: float | None
        duration_seconds = self.duration_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cost": cost,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "duration_seconds": duration_seconds,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cost = d.pop("cost")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        def _parse_duration_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_seconds = _parse_duration_seconds(d.pop("duration_seconds"))


        pipeline_totals = cls(
            cost=cost,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            duration_seconds=duration_seconds,
        )


        pipeline_totals.additional_properties = d
        return pipeline_totals

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
