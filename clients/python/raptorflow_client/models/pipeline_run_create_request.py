from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.pipeline_run_create_request_input import PipelineRunCreateRequestInput





T = TypeVar("T", bound="PipelineRunCreateRequest")



@_attrs_define
class PipelineRunCreateRequest:
    """ 
        Attributes:
            pipeline (str):
            input_ (PipelineRunCreateRequestInput): Must match the pipeline's input schema (GET /api/v1/pipelines/{slug}).
            budget (str | Unset): USD all steps together may spend; at most (and by default) the version's budget.
     """

    pipeline: str
    input_: PipelineRunCreateRequestInput
    budget: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pipeline_run_create_request_input import PipelineRunCreateRequestInput # noqa: PLC0415
        pipeline = self.pipeline

        input_ = self.input_.to_dict()

        budget = self.budget


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "pipeline": pipeline,
            "input": input_,
        })
        if budget is not UNSET:
            field_dict["budget"] = budget

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_run_create_request_input import PipelineRunCreateRequestInput # noqa: PLC0415
        d = dict(src_dict)
        pipeline = d.pop("pipeline")

        input_ = PipelineRunCreateRequestInput.from_dict(d.pop("input"))




        budget = d.pop("budget", UNSET)

        pipeline_run_create_request = cls(
            pipeline=pipeline,
            input_=input_,
            budget=budget,
        )


        pipeline_run_create_request.additional_properties = d
        return pipeline_run_create_request

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
