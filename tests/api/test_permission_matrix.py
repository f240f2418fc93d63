"""Every endpoint × every kind of caller gives the expected status.

Callers: anonymous; viewer, member, admin and owner of the workspace (sessions);
a stranger who owns another workspace; an API key without the needed scope; a
revoked key and an expired key (both with every scope). The expected status
follows from the endpoint's declared access — the rules users rely on:
no credentials → 401, a bad key → 401, another workspace → 404, a role or scope
too low → 403, otherwise the endpoint works (2xx).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import Agent
from raptorflow.accounts.choices import Role
from raptorflow.accounts.services import apikey_create, apikey_revoke
from raptorflow.api.access import MANAGE, READ_AGENTS, READ_AUDIT, READ_RUNS, READ_WORKSPACE, WRITE_RUNS, Access
from tests.factories import MembershipFactory, RunFactory, UserFactory

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
STAFF_ONLY = Access(Role.OWNER, "staff-only")  # marker: nobody here is staff, so writes are 403 for all
PUBLIC = None


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # may contain {run}, {key}, {slug}
    access: Access | None
    body: dict | None = None
    own_list: bool = False  # lists the caller's own things (their workspaces), whatever workspace is named
    catalogue: bool = False  # the agent and skill catalogue: not workspace data, readable by any member

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ENDPOINTS = [
    Endpoint("get", "/api/v1/health", PUBLIC),
    Endpoint("get", "/api/v1/workspaces", READ_WORKSPACE, own_list=True),
    Endpoint("get", "/api/v1/workspaces/{slug}", READ_WORKSPACE),
    Endpoint("patch", "/api/v1/workspaces/{slug}", MANAGE, {"name": "Renamed"}),
    Endpoint("get", "/api/v1/workspaces/{slug}/export", MANAGE),
    # DELETE /workspaces/{slug} removes this matrix's workspace, so its callers are in tests/test_data_rights.py.
    Endpoint("get", "/api/v1/members", READ_WORKSPACE),
    Endpoint("post", "/api/v1/members", MANAGE, {"user": "{newcomer}", "role": "viewer"}),
    Endpoint("get", "/api/v1/api-keys", MANAGE),
    Endpoint("post", "/api/v1/api-keys", MANAGE, {"name": "ci", "scopes": ["runs:read"]}),
    Endpoint("post", "/api/v1/api-keys/{key}/revoke", MANAGE),
    Endpoint("get", "/api/v1/usage", READ_WORKSPACE),
    Endpoint("get", "/api/v1/analytics", READ_WORKSPACE),
    Endpoint("get", "/api/v1/audit-events", READ_AUDIT),
    Endpoint("get", "/api/v1/agents", READ_AGENTS, catalogue=True),
    Endpoint("get", "/api/v1/agents/unit_economics", READ_AGENTS, catalogue=True),
    Endpoint("get", "/api/v1/agents/unit_economics/versions", READ_AGENTS, catalogue=True),
    Endpoint("post", "/api/v1/agents/unit_economics/versions", STAFF_ONLY, {"notes": "draft"}),
    Endpoint("get", "/api/v1/skills", READ_AGENTS, catalogue=True),
    Endpoint("get", "/api/v1/runs", READ_RUNS),
    Endpoint("get", "/api/v1/runs/{run}", READ_RUNS),
    Endpoint("get", "/api/v1/runs/{run}/events", READ_RUNS),
    Endpoint("get", "/api/v1/runs/{run}/stream", READ_RUNS),
    Endpoint("post", "/api/v1/runs", WRITE_RUNS, {"agent": "unit_economics", "input": UNIT}),
    Endpoint("post", "/api/v1/runs/{run}/cancel", WRITE_RUNS),
    Endpoint("post", "/api/v1/dispatch", READ_AGENTS, {"text": "what is our LTV to CAC ratio"}),
]

CALLERS = ["anonymous", "viewer", "member", "admin", "owner", "stranger", "key_without_scope", "revoked", "expired"]
ROLE_OF = {"viewer": Role.VIEWER, "member": Role.MEMBER, "admin": Role.ADMIN, "owner": Role.OWNER}


def expected(endpoint: Endpoint, caller: str) -> str:
    """'ok' (any 2xx), or the exact status."""
    if endpoint.access is PUBLIC:
        return "ok"
    if caller in {"anonymous", "revoked", "expired"}:
        return "401"
    if endpoint.access is STAFF_ONLY:
        return "403"
    if caller == "key_without_scope":
        return "403"
    if caller == "stranger":
        return "ok" if endpoint.catalogue or endpoint.own_list else "404"
    return "ok" if endpoint.access.allows_role(ROLE_OF[caller]) else "403"


@pytest.fixture
def world(workspace, other_workspace, registry_synced, system_actor):
    users = {name: MembershipFactory(workspace=workspace, role=role).user for name, role in ROLE_OF.items()}
    users["stranger"] = MembershipFactory(workspace=other_workspace, role=Role.OWNER).user
    _, no_scope = apikey_create(workspace=workspace, name="none", scopes=[], actor=system_actor)
    revoked, revoked_plain = apikey_create(workspace=workspace, name="old", scopes=["admin"], actor=system_actor)
    apikey_revoke(key=revoked, actor=system_actor)
    _, expired_plain = apikey_create(
        workspace=workspace, name="exp", scopes=["admin"], actor=system_actor,
        expires_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    return {"workspace": workspace, "users": users, "keys": {
        "key_without_scope": no_scope, "revoked": revoked_plain, "expired": expired_plain}}  # fmt: skip


def _client(world, caller: str) -> APIClient:
    client = APIClient()
    if caller in world["users"]:
        client.force_login(world["users"][caller])
        client.credentials(HTTP_X_WORKSPACE=world["workspace"].slug)
    elif caller in world["keys"]:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world['keys'][caller]}")
    return client


def _body(endpoint: Endpoint) -> dict | None:
    if endpoint.body and endpoint.body.get("user") == "{newcomer}":
        return {**endpoint.body, "user": UserFactory().username}  # a new person each time
    return endpoint.body


def _path(endpoint: Endpoint, world, system_actor) -> str:
    workspace = world["workspace"]
    values = {"slug": workspace.slug}
    if "{run}" in endpoint.path:
        version = Agent.objects.get(slug="unit_economics").versions.get()
        # Cancel needs a live run; reads use a finished one, so that its stream ends by itself.
        status = "queued" if endpoint.path.endswith("cancel") else "succeeded"
        values["run"] = RunFactory(workspace=workspace, agent_version=version, status=status).pk
    if "{key}" in endpoint.path:
        values["key"] = apikey_create(workspace=workspace, name="victim", scopes=[], actor=system_actor)[0].pk
    return endpoint.path.format(**values)


def _drain(response) -> None:
    if getattr(response, "streaming", False) and not response.is_async:
        b"".join(response.streaming_content)
    elif getattr(response, "streaming", False):

        async def read() -> None:
            async for _ in response.streaming_content:
                pass

        async_to_sync(read)()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_permission_matrix(endpoint, world, system_actor):
    results = {}
    for caller in CALLERS:
        path = _path(endpoint, world, system_actor)
        response = getattr(_client(world, caller), endpoint.method)(path, _body(endpoint), format="json")
        _drain(response)
        got = "ok" if 200 <= response.status_code < 300 else str(response.status_code)
        results[caller] = (expected(endpoint, caller), got)
    wrong = {caller: pair for caller, pair in results.items() if pair[0] != pair[1]}
    assert not wrong, f"{endpoint}: caller → (expected, got): {wrong}"
