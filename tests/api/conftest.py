"""API fixtures: a client, and ways to call it as a persona (session) or with an API key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from raptorflow.accounts.choices import Role
from raptorflow.accounts.models import APIKey, Workspace
from raptorflow.accounts.services import apikey_create
from tests.factories import MembershipFactory, UserFactory

API = "/api/v1"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def as_user(api_client: APIClient) -> Callable[..., APIClient]:
    """Sign in as a persona with a session, the way the front end calls the API."""

    def _as(user) -> APIClient:
        api_client.force_login(user)
        return api_client

    return _as


@pytest.fixture
def make_key(system_actor) -> Callable[..., tuple[APIKey, str]]:
    """A real key from the service: (key, plaintext)."""

    def _make(workspace: Workspace, scopes: list[str] | None = None, **extra: Any) -> tuple[APIKey, str]:
        extra.setdefault("name", "script")
        extra.setdefault("actor", system_actor)
        return apikey_create(workspace=workspace, scopes=scopes or ["admin"], **extra)

    return _make


@pytest.fixture
def as_key(api_client: APIClient, make_key) -> Callable[..., APIClient]:
    """Call the API as a script does: `Authorization: Api-Key <plaintext>`."""

    def _as(workspace: Workspace, scopes: list[str] | None = None, **extra: Any) -> APIClient:
        _key, plaintext = make_key(workspace, scopes, **extra)
        return with_key(api_client, plaintext)

    return _as


def with_key(client: APIClient, plaintext: str) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


@pytest.fixture
def workspace_admin(workspace):
    """A workspace admin: manages members and keys, but is not an owner."""
    return MembershipFactory(workspace=workspace, role=Role.ADMIN, user=UserFactory(username="admin")).user


def count_queries(client: APIClient, url: str, **extra: Any) -> int:
    """How many queries one successful GET makes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)
