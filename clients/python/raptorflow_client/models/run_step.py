from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.run_step_kind_enum import RunStepKindEnum
from ..models.step_status_enum import StepStatusEnum
from typing import cast
import datetime






T = TypeVar("T", bound="RunStep")



@_attrs_define
class RunStep:
    """ 
        Attributes:
            sequence (int):
            kind (RunStepKindEnum): * `skill` - Skill
                * `llm` - LLM call
                * `tool` - Tool
                * `input` - Answers to questions
            name (str):
            status (StepStatusEnum): * `running` - Running
                * `succeeded` - Succeeded
                * `failed` - Failed
            input_ (Any):
            output (Any):
            error (str):
            provider (str):
            model (str):
            tokens_in (int): Input tokens, including those read from and written to a prompt cache.
            tokens_out (int):
            cached_tokens_in (int): Of tokens_in, those read from the provider's prompt cache.
            cache_write_tokens (int): Of tokens_in, those written to the provider's prompt cache.
            cost (str):
            latency_ms (int):
            cache_hit (bool):
            started_at (datetime.datetime):
            finished_at (datetime.datetime | None):
     """

    sequence: int
    kind: RunStepKindEnum
    name: str
    status: StepStatusEnum
    input_: Any
    output: Any
    error: str
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    cached_tokens_in: int
    cache_write_tokens: int
    cost: str
    latency_ms: int
    cache_hit: bool
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        sequence = self.sequence

        kind = self.kind.value

        name = self.name

        status = self.status.value

        input_ = self.input_

        output = self.output

        error = self.error

        provider = self.provider

        model = self.model

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        cached_tokens_in = self.cached_tokens_in

        cache_write_tokens = self.cache_write_tokens

        cost = self.cost

        latency_ms = self.latency_ms

        cache_hit = self.cache_hit

        started_at = self.started_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "sequence": sequence,
            "kind": kind,
            "name": name,
            "status": status,
            "input": input_,
            "output": output,
            "error": error,
            "provider": provider,
            "model": model,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "cached_tokens_in": cached_tokens_in,
            "cache_write_tokens": cache_write_tokens,
            "cost": cost,
            "latency_ms": latency_ms,
            "cache_hit": cache_hit,
            "started_at": started_at,
            "finished_at": finished_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sequence = d.pop("sequence")

        kind = RunStepKindEnum(d.pop("kind"))




        name = d.pop("name")

        status = StepStatusEnum(d.pop("status"))




        input_ = d.pop("input")

        output = d.pop("output")

        error = d.pop("error")

        provider = d.pop("provider")

        model = d.pop("model")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        cached_tokens_in = d.pop("cached_tokens_in")

        cache_write_tokens = d.pop("cache_write_tokens")

        cost = d.pop("cost")

        latency_ms = d.pop("latency_ms")

        cache_hit = d.pop("cache_hit")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))




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


        run_step = cls(
            sequence=sequence,
            kind=kind,
            name=name,
            status=status,
            input_=input_,
            output=output,
            error=error,
            provider=provider,
            model=model,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cached_tokens_in=cached_tokens_in,
            cache_write_tokens=cache_write_tokens,
            cost=cost,
            latency_ms=latency_ms,
            cache_hit=cache_hit,
            started_at=started_at,
            finished_at=finished_at,
        )


        run_step.additional_properties = d
        return run_step

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
