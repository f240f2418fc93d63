"""Cache: Redis through django-redis when REDIS_URL is set, else local memory.

The cache holds shared state that must be the same for every process in
production (LLM response cache, circuit breakers, throttles, axes), so
production requires Redis.
"""

from __future__ import annotations

from .base import IS_PRODUCTION
from .env import EnvError, env_url

REDIS_URL = env_url("REDIS_URL", None, schemes=["redis", "rediss", "unix"])
if IS_PRODUCTION and not REDIS_URL:
    raise EnvError("REDIS_URL is required in production: cache, throttles and breakers are shared by all processes.")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rf",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "raptorflow"}}
