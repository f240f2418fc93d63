"""Rate limits per API key and per user (stricter for anonymous callers), in the shared cache."""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class KeyOrUserRateThrottle(SimpleRateThrottle):
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


class AnonThrottle(AnonRateThrottle):
    scope = "anon"
