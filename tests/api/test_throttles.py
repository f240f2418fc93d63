"""Rate limits: per API key and per signed-in user, fixed one-increment windows in the shared cache."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from raptorflow.api.throttles import FixedWindowRateThrottle
from tests.fixtures.api import with_key

API = "/api/v1"


@pytest.fixture
def three_per_minute(monkeypatch):
    # Throttles read their rates once, at import; patch the class attribute to make them bite.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "3/min", "login": "100/min"})
    clock = {"now": 60 * 16_667 + 20.0}  # 20 s into a minute window
    monkeypatch.setattr(FixedWindowRateThrottle, "timer", staticmethod(lambda: clock["now"]))
    return clock


def test_a_key_over_its_rate_gets_a_429_with_retry_after(workspace, make_key, three_per_minute):
    _key, plaintext = make_key(workspace, ["runs:read"])
    client = with_key(APIClient(), plaintext)
    assert [client.get(f"{API}/runs").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(f"{API}/runs")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert refused["Retry-After"] == "40"  # the window ends 40 s later


def test_each_key_has_its_own_allowance(workspace, make_key, three_per_minute):
    clients = [with_key(APIClient(), make_key(workspace, ["runs:read"])[1]) for _ in range(2)]
    for _ in range(3):
        clients[0].get(f"{API}/runs")
    assert clients[0].get(f"{API}/runs").status_code == 429
    assert clients[1].get(f"{API}/runs").status_code == 200


def test_the_next_window_starts_a_new_count(workspace, make_key, three_per_minute):
    client = with_key(APIClient(), make_key(workspace, ["runs:read"])[1])
    for _ in range(3):
        client.get(f"{API}/runs")
    assert client.get(f"{API}/runs").status_code == 429
    three_per_minute["now"] += 40
    assert client.get(f"{API}/runs").status_code == 200


def test_a_signed_in_user_is_limited_as_a_user_not_as_anonymous(api_client, viewer, three_per_minute):
    api_client.force_login(viewer)
    codes = [api_client.get(f"{API}/runs").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]  # anon allows 2, user allows 3


def test_anonymous_callers_are_limited_by_address(api_client, three_per_minute):
    """Endpoints open to anonymous callers (the sign-in page's CSRF token) count per address."""
    codes = [api_client.get(f"{API}/auth/login").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other = APIClient(REMOTE_ADDR="198.51.100.7")
    assert other.get(f"{API}/auth/login").status_code == 200
