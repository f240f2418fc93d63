"""When CI says the real services are required, the suite really runs on them (never a silent fallback)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

REQUIRED = os.environ.get("RAPTORFLOW_REQUIRE_SERVICES") == "1"


@pytest.mark.services
def test_database_is_the_configured_one(db):
    expected = "postgresql" if REQUIRED else connection.vendor
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.services
def test_cache_round_trips_through_the_configured_backend():
    if REQUIRED:
        assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("rf-services-probe", {"ok": 1}, 30)
    assert cache.get("rf-services-probe") == {"ok": 1}
    cache.delete("rf-services-probe")


@pytest.mark.services
def test_broker_accepts_a_connection():
    from raptorflow.celery import app

    if REQUIRED:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2)
        assert conn.connected
