"""The IP blocklist: blocked addresses get 403 everywhere, before authentication; X-Forwarded-For cannot dodge it."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest.mock import Mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from raptorflow.audit import blocklist
from raptorflow.audit.blocklist import ipblock_disable, is_blocked
from raptorflow.audit.middleware import IPBlockMiddleware
from raptorflow.audit.models import AuditEvent, IPBlock
from raptorflow.client_ip import client_ip, normalise_ip

BLOCKED = "203.0.113.9"  # inside 203.0.113.0/24
ALLOWED = "198.51.100.7"
PROXY = "10.0.0.2"

# A representative walk: redirect, admin pages, an admin form POST, API with and without auth, docs, schema, a 404.
ROUTES = [
    ("get", "/"),
    ("get", "/admin/"),
    ("get", "/admin/login/"),
    ("post", "/admin/login/"),
    ("get", "/api/v1/health"),
    ("get", "/api/v1/runs"),
    ("post", "/api/v1/runs"),
    ("get", "/api/v1/docs/"),
    ("get", "/api/v1/schema/"),
    ("get", "/no/such/page/"),
    ("get", "/api/v1/no-such-endpoint"),
]


@pytest.fixture
def cidr_block(db) -> IPBlock:
    return IPBlock.objects.create(network="203.0.113.0/24", reason="scraper")


def _assert_refused(response, path: str) -> None:
    assert response.status_code == 403, path
    if path.startswith("/api/"):
        assert json.loads(response.content) == {
            "code": "ip_blocked",
            "message": "Requests from your address are blocked.",
        }, path
    else:
        assert response["Content-Type"].startswith("text/plain"), path
        assert b"blocked" in response.content, path


def _refused(response) -> bool:
    return response.status_code == 403 and b"blocked" in response.content


# --- client_ip -------------------------------------------------------------------


def _request(remote: str = ALLOWED, forwarded: str | None = None) -> HttpRequest:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        (" 203.0.113.9 ", "203.0.113.9"),
        ("203.0.113.9:51234", "203.0.113.9"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:0db8:0000::0001", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[::1]", "::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", None),
        ("unknown", None),
        ("203.0.113.300", None),
    ],
)
def test_normalise_ip_gives_one_spelling_per_address(raw, expected):
    assert normalise_ip(raw) == expected


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(remote=ALLOWED, forwarded=BLOCKED)) == ALLOWED


def test_with_one_trusted_proxy_the_right_most_entry_is_the_client(settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(remote=PROXY, forwarded=f"1.2.3.4, {BLOCKED}")) == BLOCKED


def test_with_two_trusted_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(remote=PROXY, forwarded=f"1.2.3.4, {BLOCKED}, 10.0.0.1")) == BLOCKED


@pytest.mark.parametrize("forwarded", [None, "", "garbage", " , "])
def test_a_missing_short_or_invalid_header_falls_back_to_remote_addr(settings, forwarded):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(remote=PROXY, forwarded=forwarded)) == PROXY


def test_a_header_shorter_than_the_proxy_count_falls_back_to_remote_addr(settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(remote=PROXY, forwarded=BLOCKED)) == PROXY


def test_an_invalid_remote_addr_gives_no_address(settings):
    assert client_ip(_request(remote="")) is None


# --- the model ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("203.0.113.7", "203.0.113.7/32"),
        ("203.0.113.7/24", "203.0.113.0/24"),
        (" 2001:DB8::/32 ", "2001:db8::/32"),
    ],
)
def test_networks_are_stored_normalised(db, entered, stored):
    assert IPBlock.objects.create(network=entered, reason="r").network == stored


def test_an_invalid_network_is_refused(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        IPBlock(network="203.0.113.0/33", reason="r").full_clean()


# --- the middleware -----------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_blocked_cidr_gets_403_on_every_route(client, cidr_block, method, path):
    response = getattr(client, method)(path, REMOTE_ADDR=BLOCKED)
    _assert_refused(response, path)


@pytest.mark.parametrize("path", ["/admin/", "/api/v1/runs"])
def test_signing_in_does_not_get_a_blocked_address_through(admin_client, cidr_block, path):
    _assert_refused(admin_client.get(path, REMOTE_ADDR=BLOCKED), path)


def test_an_api_key_does_not_get_a_blocked_address_through(client, cidr_block, workspace, system_actor):
    from raptorflow.accounts.services import apikey_create

    _, plaintext = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    response = client.get("/api/v1/runs", REMOTE_ADDR=BLOCKED, HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    _assert_refused(response, "/api/v1/runs")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_an_address_outside_the_range_passes(client, cidr_block, method, path):
    response = getattr(client, method)(path, REMOTE_ADDR="203.0.114.1")
    assert not _refused(response), path


def test_the_health_check_answers_an_allowed_address(client, cidr_block):
    assert client.get("/api/v1/health", REMOTE_ADDR=ALLOWED).status_code == 200


def test_an_expired_block_does_not_apply(client, db):
    IPBlock.objects.create(network="203.0.113.0/24", reason="r", expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200


def test_a_disabled_block_does_not_apply(client, db):
    IPBlock.objects.create(network="203.0.113.0/24", reason="r", enabled=False)
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200


def test_a_cached_block_stops_applying_the_moment_it_expires(db, monkeypatch):
    expires = timezone.now() + timedelta(minutes=5)
    IPBlock.objects.create(network="203.0.113.0/24", reason="r", expires_at=expires)
    assert is_blocked(BLOCKED) is not None  # now cached, with its expiry
    monkeypatch.setattr(blocklist.time, "time", lambda: expires.timestamp() + 1)
    assert is_blocked(BLOCKED) is None


def test_an_ipv6_cidr_blocks_addresses_inside_it(client, db):
    IPBlock.objects.create(network="2001:db8:abcd::/48", reason="r")
    _assert_refused(client.get("/api/v1/health", REMOTE_ADDR="2001:db8:abcd:12::1"), "/api/v1/health")
    assert client.get("/api/v1/health", REMOTE_ADDR="2001:db8:abce::1").status_code == 200
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200  # IPv4 never matches IPv6


def test_an_ipv4_block_covers_the_same_client_seen_on_a_dual_stack_socket(client, cidr_block):
    _assert_refused(client.get("/api/v1/health", REMOTE_ADDR=f"::ffff:{BLOCKED}"), "/api/v1/health")


def test_a_single_address_block_matches_only_that_address(client, db):
    IPBlock.objects.create(network=BLOCKED, reason="r")
    assert _refused(client.get("/api/v1/health", REMOTE_ADDR=BLOCKED))
    assert client.get("/api/v1/health", REMOTE_ADDR="203.0.113.10").status_code == 200


# --- X-Forwarded-For ------------------------------------------------------------------


def test_a_spoofed_forwarded_for_does_not_unblock_an_address_without_trusted_proxies(client, cidr_block, settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 0
    response = client.get("/api/v1/health", REMOTE_ADDR=BLOCKED, HTTP_X_FORWARDED_FOR=ALLOWED)
    _assert_refused(response, "/api/v1/health")


def test_a_forwarded_for_naming_a_blocked_address_is_ignored_without_trusted_proxies(client, cidr_block, settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 0
    response = client.get("/api/v1/health", REMOTE_ADDR=ALLOWED, HTTP_X_FORWARDED_FOR=BLOCKED)
    assert response.status_code == 200


def test_with_one_trusted_proxy_the_client_it_saw_is_blocked(client, cidr_block, settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 1
    response = client.get("/api/v1/health", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BLOCKED)
    _assert_refused(response, "/api/v1/health")


def test_with_one_trusted_proxy_a_client_supplied_left_entry_cannot_spoof_the_address(client, cidr_block, settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 1
    # The blocked client sent "X-Forwarded-For: 198.51.100.7"; our proxy appended the address it really saw.
    response = client.get("/api/v1/health", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ALLOWED}, {BLOCKED}")
    _assert_refused(response, "/api/v1/health")
    # And an allowed client cannot get someone else blocked (or borrow their address) the same way.
    response = client.get("/api/v1/health", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{BLOCKED}, {ALLOWED}")
    assert response.status_code == 200


# --- cache and speed ----------------------------------------------------------------


def test_a_new_block_applies_on_the_next_request(client, db):
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200  # caches an empty blocklist
    block = IPBlock.objects.create(network="203.0.113.0/24", reason="r")
    assert _refused(client.get("/api/v1/health", REMOTE_ADDR=BLOCKED))
    block.delete()
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200


def test_a_block_added_by_another_process_applies_within_a_second(client, db, monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(blocklist.time, "monotonic", lambda: clock["now"])
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200
    # Another process saved a block: the shared key changed, this process was not told.
    cache.set(blocklist.CACHE_KEY, {"version": "other", "blocks": [(1, "203.0.113.0/24", None)]}, None)
    clock["now"] += 0.5
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200  # its memo is still trusted
    clock["now"] += blocklist.LOCAL_TTL
    assert _refused(client.get("/api/v1/health", REMOTE_ADDR=BLOCKED))


def test_a_warm_check_reads_neither_the_database_nor_the_cache(cidr_block, monkeypatch):
    middleware = IPBlockMiddleware(lambda request: HttpResponse("ok"))
    middleware(_request(remote=ALLOWED))  # warms the memo
    monkeypatch.setattr(blocklist, "cache", Mock(get=Mock(side_effect=AssertionError("read the shared cache"))))
    with CaptureQueriesContext(connection) as queries:
        assert middleware(_request(remote=BLOCKED)).status_code == 403
        assert middleware(_request(remote=ALLOWED)).status_code == 200
    assert len(queries) == 0


def test_the_block_check_makes_no_query_when_the_cache_is_warm(cidr_block):
    middleware = IPBlockMiddleware(lambda request: HttpResponse("ok"))
    middleware(_request(remote=ALLOWED))  # warms the cache and the parsed-range memo
    parsed = blocklist._memo
    with CaptureQueriesContext(connection) as queries:
        assert middleware(_request(remote=BLOCKED)).status_code == 403
        assert middleware(_request(remote=ALLOWED)).status_code == 200
    assert len(queries) == 0
    assert blocklist._memo is parsed  # and the ranges were not parsed again


def test_without_a_database_the_last_known_blocks_still_apply(cidr_block, monkeypatch):
    assert is_blocked(BLOCKED) is not None  # this process has loaded the blocklist once
    blocklist.invalidate()
    monkeypatch.setattr(blocklist, "_load", Mock(side_effect=OperationalError("database is down")))
    assert is_blocked(BLOCKED) is not None
    assert is_blocked(ALLOWED) is None


def test_a_row_written_around_the_model_is_skipped_not_fatal(cidr_block):
    IPBlock.objects.create(network="198.51.100.0/24", reason="r")
    IPBlock.objects.filter(pk=cidr_block.pk).update(network="not-a-network")  # update() skips save()
    blocklist.invalidate()
    assert is_blocked(BLOCKED) is None
    assert is_blocked(ALLOWED) is not None


def test_refusals_are_logged_once_a_minute_per_address(client, cidr_block, caplog):
    for _ in range(3):
        client.get("/api/v1/health", REMOTE_ADDR=BLOCKED)
    client.get("/api/v1/health", REMOTE_ADDR="203.0.113.10")
    refusals = [r for r in caplog.records if r.name == "raptorflow.audit.middleware"]
    assert [r.client_ip for r in refusals] == [BLOCKED, "203.0.113.10"]
    assert all(r.ip_block_id == cidr_block.pk for r in refusals)


def test_refused_requests_write_no_audit_events(client, cidr_block):
    before = AuditEvent.objects.count()
    client.post("/admin/login/", {"username": "x", "password": "y"}, REMOTE_ADDR=BLOCKED)
    assert AuditEvent.objects.count() == before


# --- the admin ------------------------------------------------------------------------


def _form(**values) -> dict:
    return {"network": "", "reason": "", "enabled": "on", "expires_at_0": "", "expires_at_1": ""} | values


def test_adding_a_block_in_the_admin_is_audited_with_a_diff(admin_client, superuser):
    response = admin_client.post(
        reverse("admin:audit_ipblock_add"), _form(network="203.0.113.7/24", reason="credential stuffing")
    )
    assert response.status_code == 302
    block = IPBlock.objects.get()
    assert (block.network, block.created_by) == ("203.0.113.0/24", superuser)
    event = AuditEvent.objects.get(action="ipblock.create")
    assert event.changes["network"] == [None, "203.0.113.0/24"]
    assert event.changes["reason"] == [None, "credential stuffing"]
    assert (event.actor_user, event.target_id) == (superuser, str(block.pk))


def test_editing_a_block_in_the_admin_is_audited_with_a_diff(admin_client, cidr_block):
    url = reverse("admin:audit_ipblock_change", args=[cidr_block.pk])
    response = admin_client.post(url, _form(network="203.0.113.0/24", reason="scraper, again", enabled=""))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="ipblock.update")
    assert event.changes == {"reason": ["scraper", "scraper, again"], "enabled": [True, False]}


def test_the_disable_action_disables_and_audits_each_block(admin_client, cidr_block, client):
    other = IPBlock.objects.create(network="2001:db8::/32", reason="r", enabled=False)
    response = admin_client.post(
        reverse("admin:audit_ipblock_changelist"),
        {"action": "disable_selected", "_selected_action": [cidr_block.pk, other.pk]},
    )
    assert response.status_code == 302
    cidr_block.refresh_from_db()
    assert cidr_block.enabled is False
    events = AuditEvent.objects.filter(action="ipblock.update")
    assert [(e.target_id, e.changes) for e in events] == [(str(cidr_block.pk), {"enabled": [True, False]})]
    assert client.get("/api/v1/health", REMOTE_ADDR=BLOCKED).status_code == 200  # lifted at once


def test_disabling_twice_writes_one_audit_event(cidr_block, system_actor):
    assert ipblock_disable(cidr_block, actor=system_actor) is True
    assert ipblock_disable(IPBlock.objects.get(pk=cidr_block.pk), actor=system_actor) is False
    assert AuditEvent.objects.filter(action="ipblock.update").count() == 1


def test_staff_cannot_block_their_own_address(admin_client):
    response = admin_client.post(
        reverse("admin:audit_ipblock_add"), _form(network="0.0.0.0/0", reason="oops"), REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 200
    assert b"you would lock yourself out" in response.content
    assert not IPBlock.objects.exists()


def test_the_admin_search_finds_the_range_covering_an_address(admin_client, cidr_block):
    IPBlock.objects.create(network="2001:db8::/32", reason="other")
    response = admin_client.get(reverse("admin:audit_ipblock_changelist"), {"q": BLOCKED})
    assert list(response.context["cl"].result_list) == [cidr_block]


def test_audit_events_record_the_client_address_behind_a_trusted_proxy(admin_client, settings):
    settings.RAPTORFLOW_TRUSTED_PROXY_COUNT = 1
    admin_client.post(
        reverse("admin:audit_ipblock_add"),
        _form(network=BLOCKED, reason="r"),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{BLOCKED}, 192.0.2.44",
    )
    assert AuditEvent.objects.get(action="ipblock.create").ip == "192.0.2.44"
