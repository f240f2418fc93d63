"""/health: answers without credentials, for load balancers."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from .conftest import API

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["health", "health/"])
def test_health_answers_anyone_without_touching_the_database(api_client, django_assert_num_queries, path):
    with django_assert_num_queries(0):
        response = api_client.get(f"{API}/{path}")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "version": "v1"})


def test_health_is_never_throttled(api_client, monkeypatch):
    # Throttles read their rates once, at import; patch the class attribute to make them bite.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/min", "user": "1/min"})
    assert {api_client.get(f"{API}/health").status_code for _ in range(3)} == {200}
