"""Test settings: the normal settings plus what only the test suite wants.

DATABASE_URL, REDIS_URL and CELERY_BROKER_URL still come from the environment,
so CI runs the same suite against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from . import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never outside tests
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "rf-test"  # noqa: F405
