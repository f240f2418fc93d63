from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="EvalCase")



@_attrs_define
class EvalCase:
    """ 
        Attributes:
            id (int):
            name (str):
            input_ (Any):
            foundation (Any): The company foundation the run sees; empty: the dataset's workspace's.
            graders (Any):
            rubric (str): What a judge checks when a judge grader names no rubric.
            reference_output (Any):
            created_at (datetime.datetime):
     """

    id: int
    name: str
    input_: Any
    foundation: Any
    graders: Any
    rubric: str
    reference_output: Any
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        input_ = self.input_

        foundation = self.foundation

        graders = self.graders

        rubric = self.rubric

        reference_output = self.reference_output

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "input": input_,
            "foundation": foundation,
            "graders": graders,
            "rubric": rubric,
            "reference_output": reference_output,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        input_ = d.pop("input")

        foundation = d.pop("foundation")

        graders = d.pop("graders")

        rubric = d.pop("rubric")

        reference_output = d.pop("reference_output")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        eval_case = cls(
            id=id,
            name=name,
            input_=input_,
            foundation=foundation,
            graders=graders,
            rubric=rubric,
            reference_output=reference_output,
            created_at=created_at,
        )


        eval_case.additional_properties = d
        return eval_case

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
