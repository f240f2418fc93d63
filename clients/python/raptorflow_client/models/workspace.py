from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.role_enum import RoleEnum
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.workspace_foundation import WorkspaceFoundation





T = TypeVar("T", bound="Workspace")



@_attrs_define
class Workspace:
    """ 
        Attributes:
            slug (str):
            name (str):
            monthly_budget (str): USD per calendar month across all runs; 0 allows only free (offline or cached) calls.
            timezone (str): IANA time zone name (e.g. Europe/Paris): the zone the workspace's schedules' cron times are in.
            foundation (WorkspaceFoundation):
            role (None | RoleEnum): Your role here; null when calling with an API key (a key has scopes, not a role).

                * `owner` - Owner
                * `admin` - Admin
                * `member` - Member
                * `viewer` - Viewer
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
     """

    slug: str
    name: str
    monthly_budget: str
    timezone: str
    foundation: WorkspaceFoundation
    role: None | RoleEnum
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.workspace_foundation import WorkspaceFoundation # noqa: PLC0415
        slug = self.slug

        name = self.name

        monthly_budget = self.monthly_budget

        timezone = self.timezone

        foundation = self.foundation.to_dict()

        role: None | str
        if isinstance(self.role, RoleEnum):
            role = self.role.value
        else:
            role = self.role

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "slug": slug,
            "name": name,
            "monthly_budget": monthly_budget,
            "timezone": timezone,
            "foundation": foundation,
            "role": role,
            "created_at": created_at,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workspace_foundation import WorkspaceFoundation # noqa: PLC0415
        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        monthly_budget = d.pop("monthly_budget")

        timezone = d.pop("timezone")

        foundation = WorkspaceFoundation.from_dict(d.pop("foundation"))




        def _parse_role(data: object) -> None | RoleEnum:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_0 = RoleEnum(data)



                return role_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoleEnum, data)

        role = _parse_role(d.pop("role"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        workspace = cls(
            slug=slug,
            name=name,
            monthly_budget=monthly_budget,
            timezone=timezone,
            foundation=foundation,
            role=role,
            created_at=created_at,
            updated_at=updated_at,
        )


        workspace.additional_properties = d
        return workspace

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
