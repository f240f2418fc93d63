from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.agent_usage import AgentUsage





T = TypeVar("T", bound="Usage")



@_attrs_define
class Usage:
    """ 
        Attributes:
            month (str): YYYY-MM (UTC).
            monthly_budget (str):
            spent (str): Cost of the month's runs.
            remaining (str): Budget minus spent, never below zero.
            runs (int):
            tokens_in (int): Input tokens, including those read from and written to a prompt cache.
            tokens_out (int):
            cached_tokens_in (int): Of tokens_in, those read from a provider's prompt cache (priced at the cached-input
                rate).
            cache_write_tokens (int): Of tokens_in, those written to a provider's prompt cache (priced at the cache-write
                rate).
            by_agent (list[AgentUsage]):
     """

    month: str
    monthly_budget: str
    spent: str
    remaining: str
    runs: int
    tokens_in: int
    tokens_out: int
    cached_tokens_in: int
    cache_write_tokens: int
    by_agent: list[AgentUsage]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_usage import AgentUsage # noqa: PLC0415
        month = self.month

        monthly_budget = self.monthly_budget

        spent = self.spent

        remaining = self.remaining

        runs = self.runs

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        cached_tokens_in = self.cached_tokens_in

        cache_write_tokens = self.cache_write_tokens

        by_agent = []
        for by_agent_item_data in self.by_agent:
            by_agent_item = by_agent_item_data.to_dict()
            by_agent.append(by_agent_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "month": month,
            "monthly_budget": monthly_budget,
            "spent": spent,
            "remaining": remaining,
            "runs": runs,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "cached_tokens_in": cached_tokens_in,
            "cache_write_tokens": cache_write_tokens,
            "by_agent": by_agent,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_usage import AgentUsage # noqa: PLC0415
        d = dict(src_dict)
        month = d.pop("month")

        monthly_budget = d.pop("monthly_budget")

        spent = d.pop("spent")

        remaining = d.pop("remaining")

        runs = d.pop("runs")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        cached_tokens_in = d.pop("cached_tokens_in")

        cache_write_tokens = d.pop("cache_write_tokens")

        by_agent = []
        _by_agent = d.pop("by_agent")
        for by_agent_item_data in (_by_agent):
            by_agent_item = AgentUsage.from_dict(by_agent_item_data)



            by_agent.append(by_agent_item)


        usage = cls(
            month=month,
            monthly_budget=monthly_budget,
            spent=spent,
            remaining=remaining,
            runs=runs,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cached_tokens_in=cached_tokens_in,
            cache_write_tokens=cache_write_tokens,
            by_agent=by_agent,
        )


        usage.additional_properties = d
        return usage

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
