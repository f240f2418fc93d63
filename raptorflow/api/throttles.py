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
        window = int(now // self.duration)
        key = f"{ident}:{window}"
        self.window_end = (window + 1) * self.duration
        try:
            count = self.cache.incr(key)
        except ValueError:  # first request of the window (or the key just expired)
            # add fails when another process opened the window between our incr and add: count on theirs.
            count = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        self.now = now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(self.window_end - self.now, 0.0)

    timer = staticmethod(time.time)


class KeyOrUserRateThrottle(FixedWindowRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        key = getattr(request.user, "api_key", None)
        if key is not None:
            ident = f"key:{key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None  # anonymous callers are limited by AnonThrottle
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonThrottle(FixedWindowRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None  # authenticated callers are limited by KeyOrUserRateThrottle
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
