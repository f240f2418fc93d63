from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.run_event import RunEvent





T = TypeVar("T", bound="RunEventPage")



@_attrs_define
class RunEventPage:
    """ 
        Attributes:
            run (UUID):
            status (str):
            final (bool): True once the run reached a final state: no more events will come.
            events (list[RunEvent]):
            next_after (int): Pass as ?after= to get the events that follow.
     """

    run: UUID
    status: str
    final: bool
    events: list[RunEvent]
    next_after: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.run_event import RunEvent # noqa: PLC0415
        run = str(self.run)

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
            "run": run,
            "status": status,
            "final": final,
            "events": events,
            "next_after": next_after,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_event import RunEvent # noqa: PLC0415
        d = dict(src_dict)
        run = UUID(d.pop("run"))




        status = d.pop("status")

        final = d.pop("final")

        events = []
        _events = d.pop("events")
        for events_item_data in (_events):
            events_item = RunEvent.from_dict(events_item_data)



            events.append(events_item)


        next_after = d.pop("next_after")

        run_event_page = cls(
            run=run,
            status=status,
            final=final,
            events=events,
            next_after=next_after,
        )


        run_event_page.additional_properties = d
        return run_event_page

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
