from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="PipelineRunsStreamResponse200")



@_attrs_define
class PipelineRunsStreamResponse200:
    """ 
        Attributes:
            event (str | Unset): The event's type (status, step, progress, delta...), or end.
            id (str | Unset): Its sequence number: send it back as Last-Event-ID to resume.
            data (str | Unset): JSON: the event as the events operation lists it; for end, the run's final status.
            retry (int | Unset): Milliseconds an EventSource waits before it reconnects.
     """

    event: str | Unset = UNSET
    id: str | Unset = UNSET
    data: str | Unset = UNSET
    retry: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        event = self.event

        id = self.id

        data = self.data

        retry = self.retry


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if event is not UNSET:
            field_dict["event"] = event
        if id is not UNSET:
            field_dict["id"] = id
        if data is not UNSET:
            field_dict["data"] = data
        if retry is not UNSET:
            field_dict["retry"] = retry

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event = d.pop("event", UNSET)

        id = d.pop("id", UNSET)

        data = d.pop("data", UNSET)

        retry = d.pop("retry", UNSET)

        pipeline_runs_stream_response_200 = cls(
            event=event,
            id=id,
            data=data,
            retry=retry,
        )


        pipeline_runs_stream_response_200.additional_properties = d
        return pipeline_runs_stream_response_200

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
