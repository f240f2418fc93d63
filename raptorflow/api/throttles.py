"""Rate limits per API key and per user (stricter for anonymous callers), in the shared cache.

DRF's ``SimpleRateThrottle`` keeps every request's timestamp in one cached
list, read and rewritten whole on each request: at 1,200 requests a minute
that is a 1,200-item pickle per call, growing with the rate. These throttles
keep DRF's rate syntax, scopes and ``Retry-After`` but count in fixed windows
(one atomic increment per request, on Redis). A fixed window lets a client
burst up to twice the rate across a window boundary; the limit is a guard
against runaway scripts, not a billing meter. See docs/decisions/0011.
"""

from __future__ import annotations

import time

from rest_framework.throttling import SimpleRateThrottle

from .prefetch import prefetched


class FixedWindowRateThrottle(SimpleRateThrottle):
    """``rate`` requests per window, counted with one atomic ``incr`` per request."""

    # Set by SimpleRateThrottle.__init__ from the rate (when there is one); missing from the stubs.
    num_requests: int
    duration: int

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = self.timer()
        cost = view.throttle_cost(request) if hasattr(view, "throttle_cost") else 1  # a batch counts its items
        earlier = prefetched(request)
        if earlier.counter is not None and earlier.count is not None and earlier.counter.startswith(f"{ident}:"):
            # Counted once in the request's one round trip (raptorflow/api/prefetch.py), in that moment's window.
            key = earlier.counter
            window = int(key.rsplit(":", 1)[1])
            count = earlier.count if cost == 1 else self.cache.incr(key, cost - 1)
        else:
            window = int(now // self.duration)
            key = f"{ident}:{window}"
            try:
                count = self.cache.incr(key, cost)
            except ValueError:  # first request of the window (or the key just expired)
                # add fails when another process opened the window between our incr and add: count on theirs.
                count = cost if self.cache.add(key, cost, timeout=self.duration + 1) else self.cache.incr(key, cost)
        self.window_end = (window + 1) * self.duration
        self.now = now
        return count <= self.num_requests

    def counter_for(self, ident: str) -> tuple[str, int] | None:
        """The counter this throttle increments for a cache key ``ident`` now, and how long it lives (for the
        round trip that counts before the view); None when it limits nothing."""
        if self.rate is None:
            return None
        return f"{ident}:{int(self.timer() // self.duration)}", self.duration + 1

    def wait(self) -> float:
        return max(self.window_end - self.now, 0.0)

    timer = staticmethod(time.time)


class KeyOrUserRateThrottle(FixedWindowRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        key = getattr(request.user, "api_key", None)
        if key is not None:
            ident = self.key_ident(key.secret_hash)
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None  # anonymous callers are limited by AnonThrottle
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def key_cache_key(self, secret_hash: str) -> str:
        """The cache key of an API key's counter, known from the presented secret before the key is looked up."""
        return self.cache_format % {"scope": self.scope, "ident": self.key_ident(secret_hash)}

    @staticmethod
    def key_ident(secret_hash: str) -> str:
        # By the secret's hash, not the row's id: the request's one round trip counts before the row is read. Only
        # whoever holds the secret can move its counter (a made-up key counts against itself).
        return f"key:{secret_hash[:32]}"


class AnonThrottle(FixedWindowRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None  # authenticated callers are limited by KeyOrUserRateThrottle
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
