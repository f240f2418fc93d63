from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.patched_workspace_update_request_foundation import PatchedWorkspaceUpdateRequestFoundation





T = TypeVar("T", bound="PatchedWorkspaceUpdateRequest")



@_attrs_define
class PatchedWorkspaceUpdateRequest:
    """ 
        Attributes:
            name (str | Unset):
            monthly_budget (str | Unset): USD per calendar month across all runs; 0 allows only free (offline or cached)
                calls.
            timezone (str | Unset): IANA time zone name (Europe/Paris); the zone schedules fire in.
            foundation (PatchedWorkspaceUpdateRequestFoundation | Unset):
     """

    name: str | Unset = UNSET
    monthly_budget: str | Unset = UNSET
    timezone: str | Unset = UNSET
    foundation: PatchedWorkspaceUpdateRequestFoundation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.patched_workspace_update_request_foundation import PatchedWorkspaceUpdateRequestFoundation # noqa: PLC0415
        name = self.name

        monthly_budget = self.monthly_budget

        timezone = self.timezone

        foundation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.foundation, Unset):
            foundation = self.foundation.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if monthly_budget is not UNSET:
            field_dict["monthly_budget"] = monthly_budget
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if foundation is not UNSET:
            field_dict["foundation"] = foundation

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.patched_workspace_update_request_foundation import PatchedWorkspaceUpdateRequestFoundation # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        monthly_budget = d.pop("monthly_budget", UNSET)

        timezone = d.pop("timezone", UNSET)

        _foundation = d.pop("foundation", UNSET)
        foundation: PatchedWorkspaceUpdateRequestFoundation | Unset
        if isinstance(_foundation,  Unset):
            foundation = UNSET
        else:
            foundation = PatchedWorkspaceUpdateRequestFoundation.from_dict(_foundation)




        patched_workspace_update_request = cls(
            name=name,
            monthly_budget=monthly_budget,
            timezone=timezone,
            foundation=foundation,
        )


        patched_workspace_update_request.additional_properties = d
        return patched_workspace_update_request

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
