from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="AnalyticsFigures")



@_attrs_define
class AnalyticsFigures:
    """ Sums from the daily rollups, rates recomputed from them, percentiles recomputed from the runs.

        Attributes:
            runs (int): Runs that finished (any final state).
            succeeded (int):
            success_rate (float | None): succeeded / runs, 0–1; null with no runs.
            cost (str):
            tokens_in (int): Input tokens, including those read from and written to a prompt cache.
            tokens_out (int):
            cached_tokens_in (int): Of tokens_in, those read from a provider's prompt cache (priced at the cached-input
                rate).
            cache_write_tokens (int): Of tokens_in, those written to a provider's prompt cache (priced at the cache-write
                rate).
            llm_calls (int):
            cache_hits (int):
            cache_hit_rate (float | None): cache_hits / llm_calls, 0–1.
            provider_errors (int): Failed LLM calls (a provider gave up after retries).
            fallbacks (int): LLM calls answered by the next provider after one failed.
            duration_p50_ms (int | None): Nearest-rank percentile.
            duration_p95_ms (int | None):
            duration_p99_ms (int | None):
            queue_wait_p50_ms (int | None):
            queue_wait_p95_ms (int | None):
     """

    runs: int
    succeeded: int
    success_rate: float | None
    cost: str
    tokens_in: int
    tokens_out: int
    cached_tokens_in: int
    cache_write_tokens: int
    llm_calls: int
    cache_hits: int
    cache_hit_rate: float | None
    provider_errors: int
    fallbacks: int
    duration_p50_ms: int | None
    duration_p95_ms: int | None
    duration_p99_ms: int | None
    queue_wait_p50_ms: int | None
    queue_wait_p95_ms: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        runs = self.runs

        succeeded = self.succeeded

        success_rate: float | None
        success_rate = self.success_rate

        cost = self.cost

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        cached_tokens_in = self.cached_tokens_in

        cache_write_tokens = self.cache_write_tokens

        llm_calls = self.llm_calls

        cache_hits = self.cache_hits

        cache_hit_rate: float | None
        cache_hit_rate = self.cache_hit_rate

        provider_errors = self.provider_errors

        fallbacks = self.fallbacks

        duration_p50_ms: int | None
        duration_p50_ms = self.duration_p50_ms

        duration_p95_ms: int | None
        duration_p95_ms = self.duration_p95_ms

        duration_p99_ms: int | None
        duration_p99_ms = self.duration_p99_ms

        queue_wait_p50_ms: int | None
        queue_wait_p50_ms = self.queue_wait_p50_ms

        queue_wait_p95_ms: int | None
        queue_wait_p95_ms = self.queue_wait_p95_ms


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "runs": runs,
            "succeeded": succeeded,
            "success_rate": success_rate,
            "cost": cost,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "cached_tokens_in": cached_tokens_in,
            "cache_write_tokens": cache_write_tokens,
            "llm_calls": llm_calls,
            "cache_hits": cache_hits,
            "cache_hit_rate": cache_hit_rate,
            "provider_errors": provider_errors,
            "fallbacks": fallbacks,
            "duration_p50_ms": duration_p50_ms,
            "duration_p95_ms": duration_p95_ms,
            "duration_p99_ms": duration_p99_ms,
            "queue_wait_p50_ms": queue_wait_p50_ms,
            "queue_wait_p95_ms": queue_wait_p95_ms,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        runs = d.pop("runs")

        succeeded = d.pop("succeeded")

        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("success_rate"))


        cost = d.pop("cost")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        cached_tokens_in = d.pop("cached_tokens_in")

        cache_write_tokens = d.pop("cache_write_tokens")

        llm_calls = d.pop("llm_calls")

        cache_hits = d.pop("cache_hits")

        def _parse_cache_hit_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cache_hit_rate = _parse_cache_hit_rate(d.pop("cache_hit_rate"))


        provider_errors = d.pop("provider_errors")

        fallbacks = d.pop("fallbacks")

        def _parse_duration_p50_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_p50_ms = _parse_duration_p50_ms(d.pop("duration_p50_ms"))


        def _parse_duration_p95_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_p95_ms = _parse_duration_p95_ms(d.pop("duration_p95_ms"))


        def _parse_duration_p99_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_p99_ms = _parse_duration_p99_ms(d.pop("duration_p99_ms"))


        def _parse_queue_wait_p50_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        queue_wait_p50_ms = _parse_queue_wait_p50_ms(d.pop("queue_wait_p50_ms"))


        def _parse_queue_wait_p95_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        queue_wait_p95_ms = _parse_queue_wait_p95_ms(d.pop("queue_wait_p95_ms"))


        analytics_figures = cls(
            runs=runs,
            succeeded=succeeded,
            success_rate=success_rate,
            cost=cost,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cached_tokens_in=cached_tokens_in,
            cache_write_tokens=cache_write_tokens,
            llm_calls=llm_calls,
            cache_hits=cache_hits,
            cache_hit_rate=cache_hit_rate,
            provider_errors=provider_errors,
            fallbacks=fallbacks,
            duration_p50_ms=duration_p50_ms,
            duration_p95_ms=duration_p95_ms,
            duration_p99_ms=duration_p99_ms,
            queue_wait_p50_ms=queue_wait_p50_ms,
            queue_wait_p95_ms=queue_wait_p95_ms,
        )


        analytics_figures.additional_properties = d
        return analytics_figures

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
