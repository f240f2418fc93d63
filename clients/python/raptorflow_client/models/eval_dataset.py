from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="EvalDataset")



@_attrs_define
class EvalDataset:
    """ 
        Attributes:
            id (int):
            agent (str):
            name (str):
            revision (int): Goes up whenever a case is added, changed or removed.
            case_count (int):
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            description (str | Unset):
     """

    id: int
    agent: str
    name: str
    revision: int
    case_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        agent = self.agent

        name = self.name

        revision = self.revision

        case_count = self.case_count

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        description = self.description


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "agent": agent,
            "name": name,
            "revision": revision,
            "case_count": case_count,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        agent = d.pop("agent")

        name = d.pop("name")

        revision = d.pop("revision")

        case_count = d.pop("case_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        description = d.pop("description", UNSET)

        eval_dataset = cls(
            id=id,
            agent=agent,
            name=name,
            revision=revision,
            case_count=case_count,
            created_at=created_at,
            updated_at=updated_at,
            description=description,
        )


        eval_dataset.additional_properties = d
        return eval_dataset

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
