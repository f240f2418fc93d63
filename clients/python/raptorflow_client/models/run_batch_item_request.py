from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.run_batch_item_request_input import RunBatchItemRequestInput





T = TypeVar("T", bound="RunBatchItemRequest")



@_attrs_define
class RunBatchItemRequest:
    """ 
        Attributes:
            agent (str): The agent's slug, as for POST /runs.
            input_ (RunBatchItemRequestInput): Must match the agent's input schema (GET /api/v1/agents/{slug}).
            idempotency_key (str): This item's Idempotency-Key: sending the batch again gives each item's earlier run (200).
     """

    agent: str
    input_: RunBatchItemRequestInput
    idempotency_key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.run_batch_item_request_input import RunBatchItemRequestInput # noqa: PLC0415
        agent = self.agent

        input_ = self.input_.to_dict()

        idempotency_key = self.idempotency_key


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent": agent,
            "input": input_,
            "idempotency_key": idempotency_key,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_batch_item_request_input import RunBatchItemRequestInput # noqa: PLC0415
        d = dict(src_dict)
        agent = d.pop("agent")

        input_ = RunBatchItemRequestInput.from_dict(d.pop("input"))




        idempotency_key = d.pop("idempotency_key")

        run_batch_item_request = cls(
            agent=agent,
            input_=input_,
            idempotency_key=idempotency_key,
        )


        run_batch_item_request.additional_properties = d
        return run_batch_item_request

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
