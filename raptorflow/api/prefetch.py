"""One cache round trip before the view (decision 0031).

An API-key request needs, before its view does anything, the key's cached row, its rate-limit counter, and
whatever the view itself will read from the cache first (the agent of a new run, the cached body of a finished
run). Asked one at a time these are three round trips to Redis, a fifth of a run request's time. Here they are
one pipeline: a multi-get of the rows and the counter's increment (``SET … NX EX`` then ``INCR``).

Views name their keys with ``prefetch_cache_keys(request)``; what came back is kept on the request
(``prefetched(request)``), and readers that are handed it skip the cache for a key that was asked for: a key
absent from the answer was missing from the cache, so they read the database (and cache it) as usual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

_ATTRIBUTE = "_raptorflow_prefetched"


@dataclass(frozen=True)
class Prefetched:
    """What one round trip brought: the values found (``values``), the keys asked (``asked``), and a counter."""

    values: Mapping[str, Any]
    asked: frozenset[str]
    counter: str | None = None
    count: int | None = None

    def get(self, key: str) -> tuple[bool, Any]:
        """(asked, value): ``asked`` False means the caller must read the cache itself."""
        return key in self.asked, self.values.get(key)


EMPTY = Prefetched(values={}, asked=frozenset())


def prefetched(request: Any) -> Prefetched:
    """What this request's round trip brought (nothing, for requests that made none)."""
    django_request = getattr(request, "_request", request)
    return getattr(django_request, _ATTRIBUTE, EMPTY)


def prefetch(request: Any, keys: Sequence[str], counter: tuple[str, int] | None = None) -> Prefetched:
    """Read ``keys`` and increment ``counter`` (key, seconds it lives once created) in one round trip, and keep
    the answer on the request."""
    keys = list(dict.fromkeys(keys))
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client") and hasattr(client, "decode"):  # django-redis
        values, count = _redis_round_trip(client, keys, counter)
    else:  # the local-memory cache of development and some tests: the same answer, without the pipeline
        values, count = cache.get_many(keys) if keys else {}, None
        if counter is not None:
            count = _count(*counter)
    result = Prefetched(values, frozenset(keys), counter[0] if counter else None, count)
    setattr(getattr(request, "_request", request), _ATTRIBUTE, result)
    return result


def _redis_round_trip(
    client: Any, keys: list[str], counter: tuple[str, int] | None
) -> tuple[dict[str, Any], int | None]:
    redis = client.get_client(write=True)
    pipe = redis.pipeline(transaction=False)
    if keys:
        pipe.mget([client.make_key(key) for key in keys])
    if counter is not None:
        counter_key = client.make_key(counter[0])
        pipe.set(counter_key, 0, ex=counter[1], nx=True)
        pipe.incr(counter_key)
    answers = pipe.execute()
    values = {}
    if keys:
        values = {key: client.decode(raw) for key, raw in zip(keys, answers[0], strict=True) if raw is not None}
    return values, (int(answers[-1]) if counter is not None else None)


def _count(key: str, timeout: int) -> int:
    try:
        return int(cache.incr(key))
    except ValueError:  # the first of the window
        return 1 if cache.add(key, 1, timeout=timeout) else int(cache.incr(key))
