from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.pipeline_live_version_type_0 import PipelineLiveVersionType0
  from ..models.pipeline_versions_item import PipelineVersionsItem





T = TypeVar("T", bound="Pipeline")



@_attrs_define
class Pipeline:
    """ 
        Attributes:
            slug (str):
            name (str):
            description (str):
            owner (str): platform (shipped or staff's) or workspace (its own).
            live_version (None | PipelineLiveVersionType0): The version new runs use; null before a publish.
            versions (list[PipelineVersionsItem]): Every version, newest first: number, status, date.
            created_at (datetime.datetime):
     """

    slug: str
    name: str
    description: str
    owner: str
    live_version: None | PipelineLiveVersionType0
    versions: list[PipelineVersionsItem]
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pipeline_live_version_type_0 import PipelineLiveVersionType0 # noqa: PLC0415
        from ..models.pipeline_versions_item import PipelineVersionsItem # noqa: PLC0415
        slug = self.slug

        name = self.name

        description = self.description

        owner = self.owner

        live_version: dict[str, Any] | None
        if isinstance(self.live_version, PipelineLiveVersionType0):
            live_version = self.live_version.to_dict()
        else:
            live_version = self.live_version

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)



        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "slug": slug,
            "name": name,
            "description": description,
            "owner": owner,
            "live_version": live_version,
            "versions": versions,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_live_version_type_0 import PipelineLiveVersionType0 # noqa: PLC0415
        from ..models.pipeline_versions_item import PipelineVersionsItem # noqa: PLC0415
        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        description = d.pop("description")

        owner = d.pop("owner")

        def _parse_live_version(data: object) -> None | PipelineLiveVersionType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                live_version_type_0 = PipelineLiveVersionType0.from_dict(data)



                return live_version_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PipelineLiveVersionType0, data)

        live_version = _parse_live_version(d.pop("live_version"))


        versions = []
        _versions = d.pop("versions")
        for versions_item_data in (_versions):
            versions_item = PipelineVersionsItem.from_dict(versions_item_data)



            versions.append(versions_item)


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        pipeline = cls(
            slug=slug,
            name=name,
            description=description,
            owner=owner,
            live_version=live_version,
            versions=versions,
            created_at=created_at,
        )


        pipeline.additional_properties = d
        return pipeline

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
