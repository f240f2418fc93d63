from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.agent_input_schema import AgentInputSchema





T = TypeVar("T", bound="Agent")



@_attrs_define
class Agent:
    """ 
        Attributes:
            slug (str):
            name (str):
            active_version (int | None):
            input_schema (AgentInputSchema):
            category (str | Unset):
            description (str | Unset):
            enabled (bool | Unset):
     """

    slug: str
    name: str
    active_version: int | None
    input_schema: AgentInputSchema
    category: str | Unset = UNSET
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_input_schema import AgentInputSchema # noqa: PLC0415
        slug = self.slug

        name = self.name

        active_version: int | None
        active_version = self.active_version

        input_schema = self.input_schema.to_dict()

        category = self.category

        description = self.description

        enabled = self.enabled


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "slug": slug,
            "name": name,
            "active_version": active_version,
            "input_schema": input_schema,
        })
        if category is not UNSET:
            field_dict["category"] = category
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_input_schema import AgentInputSchema # noqa: PLC0415
        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        def _parse_active_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        active_version = _parse_active_version(d.pop("active_version"))


        input_schema = AgentInputSchema.from_dict(d.pop("input_schema"))




        category = d.pop("category", UNSET)

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        agent = cls(
            slug=slug,
            name=name,
            active_version=active_version,
            input_schema=input_schema,
            category=category,
            description=description,
            enabled=enabled,
        )


        agent.additional_properties = d
        return agent

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
