from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.pipeline_define_request_input_schema import PipelineDefineRequestInputSchema
  from ..models.pipeline_define_request_steps_item import PipelineDefineRequestStepsItem





T = TypeVar("T", bound="PipelineDefineRequest")



@_attrs_define
class PipelineDefineRequest:
    """ 
        Attributes:
            slug (str):
            name (str):
            steps (list[PipelineDefineRequestStepsItem]): The steps: {key, agent, input: {field: {from: pointer} | {const:
                value}}, after?, on_failure?, approval?, revise?}. Checked against the agents' schemas when saved (422
                invalid_pipeline).
            description (str | Unset):  Default: ''.
            input_schema (PipelineDefineRequestInputSchema | Unset): JSON Schema of the pipeline's input.
            budget (str | Unset): USD per run, at most.
            notes (str | Unset):  Default: ''.
            publish (bool | Unset): Publish the new version at once. Default: False.
     """

    slug: str
    name: str
    steps: list[PipelineDefineRequestStepsItem]
    description: str | Unset = ''
    input_schema: PipelineDefineRequestInputSchema | Unset = UNSET
    budget: str | Unset = UNSET
    notes: str | Unset = ''
    publish: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pipeline_define_request_input_schema import PipelineDefineRequestInputSchema # noqa: PLC0415
        from ..models.pipeline_define_request_steps_item import PipelineDefineRequestStepsItem # noqa: PLC0415
        slug = self.slug

        name = self.name

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)



        description = self.description

        input_schema: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_schema, Unset):
            input_schema = self.input_schema.to_dict()

        budget = self.budget

        notes = self.notes

        publish = self.publish


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "slug": slug,
            "name": name,
            "steps": steps,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if input_schema is not UNSET:
            field_dict["input_schema"] = input_schema
        if budget is not UNSET:
            field_dict["budget"] = budget
        if notes is not UNSET:
            field_dict["notes"] = notes
        if publish is not UNSET:
            field_dict["publish"] = publish

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_define_request_input_schema import PipelineDefineRequestInputSchema # noqa: PLC0415
        from ..models.pipeline_define_request_steps_item import PipelineDefineRequestStepsItem # noqa: PLC0415
        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in (_steps):
            steps_item = PipelineDefineRequestStepsItem.from_dict(steps_item_data)



            steps.append(steps_item)


        description = d.pop("description", UNSET)

        _input_schema = d.pop("input_schema", UNSET)
        input_schema: PipelineDefineRequestInputSchema | Unset
        if isinstance(_input_schema,  Unset):
            input_schema = UNSET
        else:
            input_schema = PipelineDefineRequestInputSchema.from_dict(_input_schema)




        budget = d.pop("budget", UNSET)

        notes = d.pop("notes", UNSET)

        publish = d.pop("publish", UNSET)

        pipeline_define_request = cls(
            slug=slug,
            name=name,
            steps=steps,
            description=description,
            input_schema=input_schema,
            budget=budget,
            notes=notes,
            publish=publish,
        )


        pipeline_define_request.additional_properties = d
        return pipeline_define_request

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
