from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.webhook_event_type_enum import WebhookEventTypeEnum
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PatchedEndpointUpdateRequest")



@_attrs_define
class PatchedEndpointUpdateRequest:
    """ 
        Attributes:
            url (str | Unset): An http(s) URL on a public address; 422 `endpoint_refused` otherwise.
            description (str | Unset):
            event_types (list[WebhookEventTypeEnum] | Unset): What the endpoint receives: `run.succeeded`, `run.failed`,
                `run.cancelled`, `run.awaiting_approval`, `run.awaiting_input`, `pipeline.succeeded`, `pipeline.failed`,
                `pipeline.cancelled`, `pipeline.awaiting_approval`, `budget.threshold`.
            active (bool | Unset): Turn the endpoint off, or on again (which clears why it was turned off).
     """

    url: str | Unset = UNSET
    description: str | Unset = UNSET
    event_types: list[WebhookEventTypeEnum] | Unset = UNSET
    active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        url = self.url

        description = self.description

        event_types: list[str] | Unset = UNSET
        if not isinstance(self.event_types, Unset):
            event_types = []
            for event_types_item_data in self.event_types:
                event_types_item = event_types_item_data.value
                event_types.append(event_types_item)



        active = self.active


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if url is not UNSET:
            field_dict["url"] = url
        if description is not UNSET:
            field_dict["description"] = description
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url", UNSET)

        description = d.pop("description", UNSET)

        _event_types = d.pop("event_types", UNSET)
        event_types: list[WebhookEventTypeEnum] | Unset = UNSET
        if _event_types is not UNSET:
            event_types = []
            for event_types_item_data in _event_types:
                event_types_item = WebhookEventTypeEnum(event_types_item_data)



                event_types.append(event_types_item)


        active = d.pop("active", UNSET)

        patched_endpoint_update_request = cls(
            url=url,
            description=description,
            event_types=event_types,
            active=active,
        )


        patched_endpoint_update_request.additional_properties = d
        return patched_endpoint_update_request

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
