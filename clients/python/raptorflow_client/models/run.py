from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.run_status_enum import RunStatusEnum
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="Run")



@_attrs_define
class Run:
    """ 
        Attributes:
            id (UUID):
            agent (str):
            agent_version (int):
            status (RunStatusEnum): * `queued` - Queued
                * `running` - Running
                * `awaiting_approval` - Awaiting approval
                * `awaiting_input` - Awaiting input
                * `cancelling` - Cancelling
                * `succeeded` - Succeeded
                * `failed` - Failed
                * `timed_out` - Timed out
                * `budget_exceeded` - Budget exceeded
                * `cancelled` - Cancelled
            input_ (Any):
            output (Any):
            error_code (str):
            error_message (str):
            routing (Any): The dispatcher's decision, when routed from text.
            flags (Any): Heuristic flags on the input (never a block).
            idempotency_key (str):
            schedule (int | None): The schedule that started this run, if one did.
            tokens_in (int): Input tokens, including those read from and written to a prompt cache.
            tokens_out (int):
            cached_tokens_in (int): Of tokens_in, those read from the provider's prompt cache.
            cache_write_tokens (int): Of tokens_in, those written to the provider's prompt cache.
            cost (str):
            attempt (int):
            parent (None | UUID): The run this one follows up (GET …/thread for the whole chain).
            instructions (str): A follow-up's instructions for revising its parent.
            pipeline_run (None | UUID): The pipeline run this run is a step of.
            pipeline_step (str): Its step's key in the pipeline.
            created_at (datetime.datetime):
            started_at (datetime.datetime | None):
            finished_at (datetime.datetime | None):
     """

    id: UUID
    agent: str
    agent_version: int
    status: RunStatusEnum
    input_: Any
    output: Any
    error_code: str
    error_message: str
    routing: Any
    flags: Any
    idempotency_key: str
    schedule: int | None
    tokens_in: int
    tokens_out: int
    cached_tokens_in: int
    cache_write_tokens: int
    cost: str
    attempt: int
    parent: None | UUID
    instructions: str
    pipeline_run: None | UUID
    pipeline_step: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        agent = self.agent

        agent_version = self.agent_version

        status = self.status.value

        input_ = self.input_

        output = self.output

        error_code = self.error_code

        error_message = self.error_message

        routing = self.routing

        flags = self.flags

        idempotency_key = self.idempotency_key

        schedule: int | None
        schedule = self.schedule

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        cached_tokens_in = self.cached_tokens_in

        cache_write_tokens = self.cache_write_tokens

        cost = self.cost

        attempt = self.attempt

        parent: None | str
        if isinstance(self.parent, UUID):
            parent = str(self.parent)
        else:
            parent = self.parent

        instructions = self.instructions

        pipeline_run: None | str
        if isinstance(self.pipeline_run, UUID):
            pipeline_run = str(self.pipeline_run)
        else:
            pipeline_run = self.pipeline_run

        pipeline_step = self.pipeline_step

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "agent": agent,
            "agent_version": agent_version,
            "status": status,
            "input": input_,
            "output": output,
            "error_code": error_code,
            "error_message": error_message,
            "routing": routing,
            "flags": flags,
            "idempotency_key": idempotency_key,
            "schedule": schedule,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "cached_tokens_in": cached_tokens_in,
            "cache_write_tokens": cache_write_tokens,
            "cost": cost,
            "attempt": attempt,
            "parent": parent,
            "instructions": instructions,
            "pipeline_run": pipeline_run,
            "pipeline_step": pipeline_step,
            "created_at": created_at,
            "started_at": started_at,
            "finished_at": finished_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        agent = d.pop("agent")

        agent_version = d.pop("agent_version")

        status = RunStatusEnum(d.pop("status"))




        input_ = d.pop("input")

        output = d.pop("output")

        error_code = d.pop("error_code")

        error_message = d.pop("error_message")

        routing = d.pop("routing")

        flags = d.pop("flags")

        idempotency_key = d.pop("idempotency_key")

        def _parse_schedule(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        schedule = _parse_schedule(d.pop("schedule"))


        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        cached_tokens_in = d.pop("cached_tokens_in")

        cache_write_tokens = d.pop("cache_write_tokens")

        cost = d.pop("cost")

        attempt = d.pop("attempt")

        def _parse_parent(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_type_0 = UUID(data)



                return parent_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        parent = _parse_parent(d.pop("parent"))


        instructions = d.pop("instructions")

        def _parse_pipeline_run(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pipeline_run_type_0 = UUID(data)



                return pipeline_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        pipeline_run = _parse_pipeline_run(d.pop("pipeline_run"))


        pipeline_step = d.pop("pipeline_step")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))


        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))


        run = cls(
            id=id,
            agent=agent,
            agent_version=agent_version,
            status=status,
            input_=input_,
            output=output,
            error_code=error_code,
            error_message=error_message,
            routing=routing,
            flags=flags,
            idempotency_key=idempotency_key,
            schedule=schedule,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cached_tokens_in=cached_tokens_in,
            cache_write_tokens=cache_write_tokens,
            cost=cost,
            attempt=attempt,
            parent=parent,
            instructions=instructions,
            pipeline_run=pipeline_run,
            pipeline_step=pipeline_step,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
        )


        run.additional_properties = d
        return run

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
