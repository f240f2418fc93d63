from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from uuid import UUID






T = TypeVar("T", bound="EvalCaseFromRunRequest")



@_attrs_define
class EvalCaseFromRunRequest:
    """ 
        Attributes:
            run (UUID):
            name (str | Unset):  Default: ''.
            rubric (str | Unset):  Default: ''.
     """

    run: UUID
    name: str | Unset = ''
    rubric: str | Unset = ''
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        run = str(self.run)

        name = self.name

        rubric = self.rubric


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "run": run,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if rubric is not UNSET:
            field_dict["rubric"] = rubric

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        run = UUID(d.pop("run"))




        name = d.pop("name", UNSET)

        rubric = d.pop("rubric", UNSET)

        eval_case_from_run_request = cls(
            run=run,
            name=name,
            rubric=rubric,
        )


        eval_case_from_run_request.additional_properties = d
        return eval_case_from_run_request

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
