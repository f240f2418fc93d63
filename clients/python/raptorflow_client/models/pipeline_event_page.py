from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.pipeline_event import PipelineEvent





T = TypeVar("T", bound="PipelineEventPage")



@_attrs_define
class PipelineEventPage:
    """ 
        Attributes:
            pipeline_run (UUID):
            status (str):
            final (bool):
            events (list[PipelineEvent]):
            next_after (int):
     """

    pipeline_run: UUID
    status: str
    final: bool
    events: list[PipelineEvent]
    next_after: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pipeline_event import PipelineEvent # noqa: PLC0415
        pipeline_run = str(self.pipeline_run)

        status = self.status

        final = self.final

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)



        next_after = self.next_after


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "pipeline_run": pipeline_run,
            "status": status,
            "final": final,
            "events": events,
            "next_after": next_after,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_event import PipelineEvent # noqa: PLC0415
        d = dict(src_dict)
        pipeline_run = UUID(d.pop("pipeline_run"))




        status = d.pop("status")

        final = d.pop("final")

        events = []
        _events = d.pop("events")
        for events_item_data in (_events):
            events_item = PipelineEvent.from_dict(events_item_data)



            events.append(events_item)


        next_after = d.pop("next_after")

        pipeline_event_page = cls(
            pipeline_run=pipeline_run,
            status=status,
            final=final,
            events=events,
            next_after=next_after,
        )


        pipeline_event_page.additional_properties = d
        return pipeline_event_page

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
