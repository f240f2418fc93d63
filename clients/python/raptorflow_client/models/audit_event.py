from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.actor_type_enum import ActorTypeEnum
from ..models.outcome_enum import OutcomeEnum
from typing import cast
import datetime






T = TypeVar("T", bound="AuditEvent")



@_attrs_define
class AuditEvent:
    """ 
        Attributes:
            id (int):
            seq (int | None):
            created_at (datetime.datetime):
            actor_type (ActorTypeEnum): * `user` - User
                * `api_key` - API key
                * `system` - System
            actor_label (str):
            actor_user (int | None):
            actor_api_key (int | None):
            workspace (str): Null for platform events (and for a deleted workspace).
            action (str):
            target_type (str):
            target_id (str):
            target_repr (str):
            changes (Any):
            outcome (OutcomeEnum): * `success` - Success
                * `failure` - Failure
                * `denied` - Denied
            ip (None | str):
            user_agent (str):
            request_id (str):
            hash_ (str):
     """

    id: int
    seq: int | None
    created_at: datetime.datetime
    actor_type: ActorTypeEnum
    actor_label: str
    actor_user: int | None
    actor_api_key: int | None
    workspace: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    changes: Any
    outcome: OutcomeEnum
    ip: None | str
    user_agent: str
    request_id: str
    hash_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        seq: int | None
        seq = self.seq

        created_at = self.created_at.isoformat()

        actor_type = self.actor_type.value

        actor_label = self.actor_label

        actor_user: int | None
        actor_user = self.actor_user

        actor_api_key: int | None
        actor_api_key = self.actor_api_key

        workspace = self.workspace

        action = self.action

        target_type = self.target_type

        target_id = self.target_id

        target_repr = self.target_repr

        changes = self.changes

        outcome = self.outcome.value

        ip: None | str
        ip = self.ip

        user_agent = self.user_agent

        request_id = self.request_id

        hash_ = self.hash_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "seq": seq,
            "created_at": created_at,
            "actor_type": actor_type,
            "actor_label": actor_label,
            "actor_user": actor_user,
            "actor_api_key": actor_api_key,
            "workspace": workspace,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "target_repr": target_repr,
            "changes": changes,
            "outcome": outcome,
            "ip": ip,
            "user_agent": user_agent,
            "request_id": request_id,
            "hash": hash_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_seq(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seq = _parse_seq(d.pop("seq"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        actor_type = ActorTypeEnum(d.pop("actor_type"))




        actor_label = d.pop("actor_label")

        def _parse_actor_user(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        actor_user = _parse_actor_user(d.pop("actor_user"))


        def _parse_actor_api_key(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        actor_api_key = _parse_actor_api_key(d.pop("actor_api_key"))


        workspace = d.pop("workspace")

        action = d.pop("action")

        target_type = d.pop("target_type")

        target_id = d.pop("target_id")

        target_repr = d.pop("target_repr")

        changes = d.pop("changes")

        outcome = OutcomeEnum(d.pop("outcome"))




        def _parse_ip(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip = _parse_ip(d.pop("ip"))


        user_agent = d.pop("user_agent")

        request_id = d.pop("request_id")

        hash_ = d.pop("hash")

        audit_event = cls(
            id=id,
            seq=seq,
            created_at=created_at,
            actor_type=actor_type,
            actor_label=actor_label,
            actor_user=actor_user,
            actor_api_key=actor_api_key,
            workspace=workspace,
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_repr=target_repr,
            changes=changes,
            outcome=outcome,
            ip=ip,
            user_agent=user_agent,
            request_id=request_id,
            hash_=hash_,
        )


        audit_event.additional_properties = d
        return audit_event

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
