from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.category_enum import CategoryEnum
from ..models.skill_kind_enum import SkillKindEnum
from ..types import UNSET, Unset






T = TypeVar("T", bound="Skill")



@_attrs_define
class Skill:
    """ 
        Attributes:
            slug (str): area.name, e.g. content.readability
            name (str):
            category (CategoryEnum): * `content` - Content
                * `research` - Research
                * `strategy` - Strategy
                * `analytics` - Analytics
                * `technical` - Technical
                * `communication` - Communication
                * `creative` - Creative
                * `operations` - Operations
            kind (SkillKindEnum): * `compute` - Compute (rule-based, no model)
                * `llm` - LLM (a model writes text)
                * `tool` - Tool (reads data or the web)
            version (str):
            available (bool): Still declared in the running code.
            description (str | Unset):
            enabled (bool | Unset): A disabled skill makes the agents that need it fail clearly.
            input_schema (Any | Unset):
            output_schema (Any | Unset):
     """

    slug: str
    name: str
    category: CategoryEnum
    kind: SkillKindEnum
    version: str
    available: bool
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    input_schema: Any | Unset = UNSET
    output_schema: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        name = self.name

        category = self.category.value

        kind = self.kind.value

        version = self.version

        available = self.available

        description = self.description

        enabled = self.enabled

        input_schema = self.input_schema

        output_schema = self.output_schema


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "slug": slug,
            "name": name,
            "category": category,
            "kind": kind,
            "version": version,
            "available": available,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if input_schema is not UNSET:
            field_dict["input_schema"] = input_schema
        if output_schema is not UNSET:
            field_dict["output_schema"] = output_schema

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        category = CategoryEnum(d.pop("category"))




        kind = SkillKindEnum(d.pop("kind"))




        version = d.pop("version")

        available = d.pop("available")

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        input_schema = d.pop("input_schema", UNSET)

        output_schema = d.pop("output_schema", UNSET)

        skill = cls(
            slug=slug,
            name=name,
            category=category,
            kind=kind,
            version=version,
            available=available,
            description=description,
            enabled=enabled,
            input_schema=input_schema,
            output_schema=output_schema,
        )


        skill.additional_properties = d
        return skill

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
