from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.approval_status_enum import ApprovalStatusEnum
from typing import cast
import datetime






T = TypeVar("T", bound="Approval")



@_attrs_define
class Approval:
    """ 
        Attributes:
            id (int):
            reason (str):
            status (ApprovalStatusEnum): * `pending` - Pending
                * `approved` - Approved
                * `rejected` - Rejected
                * `expired` - Expired
            requested_at (datetime.datetime):
            expires_at (datetime.datetime):
            decided_by (None | str): Null until someone decides.
            decided_at (datetime.datetime | None):
            comment (str):
            step_sequence (int | None): For a gate on one call: the step number the call will take.
            call (Any): For a gate on one call: {"kind", "name", "input"} of the call that waits.
     """

    id: int
    reason: str
    status: ApprovalStatusEnum
    requested_at: datetime.datetime
    expires_at: datetime.datetime
    decided_by: None | str
    decided_at: datetime.datetime | None
    comment: str
    step_sequence: int | None
    call: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        reason = self.reason

        status = self.status.value

        requested_at = self.requested_at.isoformat()

        expires_at = self.expires_at.isoformat()

        decided_by: None | str
        decided_by = self.decided_by

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        comment = self.comment

        step_sequence: int | None
        step_sequence = self.step_sequence

        call = self.call


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "reason": reason,
            "status": status,
            "requested_at": requested_at,
            "expires_at": expires_at,
            "decided_by": decided_by,
            "decided_at": decided_at,
            "comment": comment,
            "step_sequence": step_sequence,
            "call": call,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        reason = d.pop("reason")

        status = ApprovalStatusEnum(d.pop("status"))




        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))




        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))


        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)



                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))


        comment = d.pop("comment")

        def _parse_step_sequence(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        step_sequence = _parse_step_sequence(d.pop("step_sequence"))


        call = d.pop("call")

        approval = cls(
            id=id,
            reason=reason,
            status=status,
            requested_at=requested_at,
            expires_at=expires_at,
            decided_by=decided_by,
            decided_at=decided_at,
            comment=comment,
            step_sequence=step_sequence,
            call=call,
        )


        approval.additional_properties = d
        return approval

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
