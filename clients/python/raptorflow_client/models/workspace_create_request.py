from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.workspace_create_request_foundation import WorkspaceCreateRequestFoundation





T = TypeVar("T", bound="WorkspaceCreateRequest")



@_attrs_define
class WorkspaceCreateRequest:
    """ 
        Attributes:
            name (str):
            slug (str | Unset): The workspace's address in the API (letters, digits, - and _); made from the name if left
                out.
            foundation (WorkspaceCreateRequestFoundation | Unset):
     """

    name: str
    slug: str | Unset = UNSET
    foundation: WorkspaceCreateRequestFoundation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.workspace_create_request_foundation import WorkspaceCreateRequestFoundation # noqa: PLC0415
        name = self.name

        slug = self.slug

        foundation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.foundation, Unset):
            foundation = self.foundation.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
        })
        if slug is not UNSET:
            field_dict["slug"] = slug
        if foundation is not UNSET:
            field_dict["foundation"] = foundation

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workspace_create_request_foundation import WorkspaceCreateRequestFoundation # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        slug = d.pop("slug", UNSET)

        _foundation = d.pop("foundation", UNSET)
        foundation: WorkspaceCreateRequestFoundation | Unset
        if isinstance(_foundation,  Unset):
            foundation = UNSET
        else:
            foundation = WorkspaceCreateRequestFoundation.from_dict(_foundation)




        workspace_create_request = cls(
            name=name,
            slug=slug,
            foundation=foundation,
        )


        workspace_create_request.additional_properties = d
        return workspace_create_request

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
