from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AgentUsage")



@_attrs_define
class AgentUsage:
    """ 
        Attributes:
            agent (str): Agent slug.
            runs (int):
            succeeded (int):
            failed (int): Runs that ended failed, timed out or over budget.
            tokens_in (int): Input tokens, including those read from and written to a prompt cache.
            tokens_out (int):
            cached_tokens_in (int): Of tokens_in, those read from a provider's prompt cache (priced at the cached-input
                rate).
            cache_write_tokens (int): Of tokens_in, those written to a provider's prompt cache (priced at the cache-write
                rate).
            cost (str):
     """

    agent: str
    runs: int
    succeeded: int
    failed: int
    tokens_in: int
    tokens_out: int
    cached_tokens_in: int
    cache_write_tokens: int
    cost: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent = self.agent

        runs = self.runs

        succeeded = self.succeeded

        failed = self.failed

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        cached_tokens_in = self.cached_tokens_in

        cache_write_tokens = self.cache_write_tokens

        cost = self.cost


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent": agent,
            "runs": runs,
            "succeeded": succeeded,
            "failed": failed,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "cached_tokens_in": cached_tokens_in,
            "cache_write_tokens": cache_write_tokens,
            "cost": cost,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent = d.pop("agent")

        runs = d.pop("runs")

        succeeded = d.pop("succeeded")

        failed = d.pop("failed")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        cached_tokens_in = d.pop("cached_tokens_in")

        cache_write_tokens = d.pop("cache_write_tokens")

        cost = d.pop("cost")

        agent_usage = cls(
            agent=agent,
            runs=runs,
            succeeded=succeeded,
            failed=failed,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cached_tokens_in=cached_tokens_in,
            cache_write_tokens=cache_write_tokens,
            cost=cost,
        )


        agent_usage.additional_properties = d
        return agent_usage

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
