from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.webhook_event_type_enum import WebhookEventTypeEnum
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EndpointCreateRequest")



@_attrs_define
class EndpointCreateRequest:
    """ 
        Attributes:
            url (str): An http(s) URL on a public address; 422 `endpoint_refused` otherwise.
            event_types (list[WebhookEventTypeEnum]): What the endpoint receives: `run.succeeded`, `run.failed`,
                `run.cancelled`, `run.awaiting_approval`, `run.awaiting_input`, `pipeline.succeeded`, `pipeline.failed`,
                `pipeline.cancelled`, `pipeline.awaiting_approval`, `budget.threshold`.
            description (str | Unset):  Default: ''.
     """

    url: str
    event_types: list[WebhookEventTypeEnum]
    description: str | Unset = ''
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        url = self.url

        event_types = []
        for event_types_item_data in self.event_types:
            event_types_item = event_types_item_data.value
            event_types.append(event_types_item)



        description = self.description


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "url": url,
            "event_types": event_types,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        event_types = []
        _event_types = d.pop("event_types")
        for event_types_item_data in (_event_types):
            event_types_item = WebhookEventTypeEnum(event_types_item_data)



            event_types.append(event_types_item)


        description = d.pop("description", UNSET)

        endpoint_create_request = cls(
            url=url,
            event_types=event_types,
            description=description,
        )


        endpoint_create_request.additional_properties = d
        return endpoint_create_request

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
