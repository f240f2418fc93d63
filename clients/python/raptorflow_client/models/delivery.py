from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.delivery_status_enum import DeliveryStatusEnum
from ..models.webhook_event_type_enum import WebhookEventTypeEnum
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.delivery_log_item import DeliveryLogItem
  from ..models.delivery_request_headers import DeliveryRequestHeaders





T = TypeVar("T", bound="Delivery")



@_attrs_define
class Delivery:
    """ 
        Attributes:
            id (int):
            endpoint (int):
            event_type (WebhookEventTypeEnum): * `run.succeeded` - A run succeeded
                * `run.failed` - A run failed (failed, timed out or over budget)
                * `run.cancelled` - A run was cancelled
                * `run.awaiting_approval` - A run waits for an approval
                * `run.awaiting_input` - A run waits for answers to its questions
                * `pipeline.succeeded` - A pipeline run succeeded
                * `pipeline.failed` - A pipeline run failed
                * `pipeline.cancelled` - A pipeline run was cancelled
                * `pipeline.awaiting_approval` - A pipeline run waits for an approval
                * `budget.threshold` - The month's spend reached 80 % or 100 % of the budget
            webhook_id (str): The `webhook-id` header: the same on every attempt.
            status (DeliveryStatusEnum): * `pending` - Pending
                * `succeeded` - Succeeded
                * `failed` - Failed
            attempts (int):
            next_attempt_at (datetime.datetime | None):
            first_attempt_at (datetime.datetime | None):
            last_attempt_at (datetime.datetime | None):
            request_headers (DeliveryRequestHeaders): The last attempt's headers (no secret in them).
            request_body (str): The JSON body, as signed.
            response_status (int | None):
            response_body (str): The first 2000 characters.
            duration_ms (int | None):
            last_error (str):
            log (list[DeliveryLogItem]): Every attempt: `attempt`, `at`, `status` (null without an answer), `ms`, and
                `error` if any.
            replay_of (int | None):
            created_at (datetime.datetime):
     """

    id: int
    endpoint: int
    event_type: WebhookEventTypeEnum
    webhook_id: str
    status: DeliveryStatusEnum
    attempts: int
    next_attempt_at: datetime.datetime | None
    first_attempt_at: datetime.datetime | None
    last_attempt_at: datetime.datetime | None
    request_headers: DeliveryRequestHeaders
    request_body: str
    response_status: int | None
    response_body: str
    duration_ms: int | None
    last_error: str
    log: list[DeliveryLogItem]
    replay_of: int | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.delivery_log_item import DeliveryLogItem # noqa: PLC0415
        from ..models.delivery_request_headers import DeliveryRequestHeaders # noqa: PLC0415
        id = self.id

        endpoint = self.endpoint

        event_type = self.event_type.value

        webhook_id = self.webhook_id

        status = self.status.value

        attempts = self.attempts

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        first_attempt_at: None | str
        if isinstance(self.first_attempt_at, datetime.datetime):
            first_attempt_at = self.first_attempt_at.isoformat()
        else:
            first_attempt_at = self.first_attempt_at

        last_attempt_at: None | str
        if isinstance(self.last_attempt_at, datetime.datetime):
            last_attempt_at = self.last_attempt_at.isoformat()
        else:
            last_attempt_at = self.last_attempt_at

        request_headers = self.request_headers.to_dict()

        request_body = self.request_body

        response_status: int | None
        response_status = self.response_status

        response_body = self.response_body

        duration_ms: int | None
        duration_ms = self.duration_ms

        last_error = self.last_error

        log = []
        for log_item_data in self.log:
            log_item = log_item_data.to_dict()
            log.append(log_item)



        replay_of: int | None
        replay_of = self.replay_of

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "endpoint": endpoint,
            "event_type": event_type,
            "webhook_id": webhook_id,
            "status": status,
            "attempts": attempts,
            "next_attempt_at": next_attempt_at,
            "first_attempt_at": first_attempt_at,
            "last_attempt_at": last_attempt_at,
            "request_headers": request_headers,
            "request_body": request_body,
            "response_status": response_status,
            "response_body": response_body,
            "duration_ms": duration_ms,
            "last_error": last_error,
            "log": log,
            "replay_of": replay_of,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_log_item import DeliveryLogItem # noqa: PLC0415
        from ..models.delivery_request_headers import DeliveryRequestHeaders # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        endpoint = d.pop("endpoint")

        event_type = WebhookEventTypeEnum(d.pop("event_type"))




        webhook_id = d.pop("webhook_id")

        status = DeliveryStatusEnum(d.pop("status"))




        attempts = d.pop("attempts")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))


        def _parse_first_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return first_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_attempt_at = _parse_first_attempt_at(d.pop("first_attempt_at"))


        def _parse_last_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_attempt_at = _parse_last_attempt_at(d.pop("last_attempt_at"))


        request_headers = DeliveryRequestHeaders.from_dict(d.pop("request_headers"))




        request_body = d.pop("request_body")

        def _parse_response_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        response_status = _parse_response_status(d.pop("response_status"))


        response_body = d.pop("response_body")

        def _parse_duration_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms"))


        last_error = d.pop("last_error")

        log = []
        _log = d.pop("log")
        for log_item_data in (_log):
            log_item = DeliveryLogItem.from_dict(log_item_data)



            log.append(log_item)


        def _parse_replay_of(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        replay_of = _parse_replay_of(d.pop("replay_of"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        delivery = cls(
            id=id,
            endpoint=endpoint,
            event_type=event_type,
            webhook_id=webhook_id,
            status=status,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            first_attempt_at=first_attempt_at,
            last_attempt_at=last_attempt_at,
            request_headers=request_headers,
            request_body=request_body,
            response_status=response_status,
            response_body=response_body,
            duration_ms=duration_ms,
            last_error=last_error,
            log=log,
            replay_of=replay_of,
            created_at=created_at,
        )


        delivery.additional_properties = d
        return delivery

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
