"""Every error under /api/ has the API's JSON shape: unknown routes, CSRF, crashes (DEBUG on too), overflow."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from raptorflow.api import errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/runs/not-a-uuid/x/y", "/api/v2/runs", "/api/"])
def test_an_unknown_api_path_is_a_json_404_with_debug_on_too(path, settings):
    settings.DEBUG = True  # Django's own 404 page would be HTML here
    response = Client().get(path)
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
        404,
        "application/json",
        "not_found",
    )


def test_a_session_post_without_a_csrf_token_is_a_json_403_that_says_how(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/auth/login", {"username": "member", "password": "x"}, content_type="application/json"
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (403, "csrf_failed")
    assert "GET /api/v1/auth/login" in body["message"]


def test_a_crash_under_the_api_is_a_json_500_with_the_request_id_never_a_debug_page(monkeypatch, owner, settings):
    settings.DEBUG = True

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("raptorflow.accounts.api.views.WorkspaceViewSet.list", crash)
    client = APIClient(raise_request_exception=False)
    client.force_login(owner)
    response = client.get("/api/v1/workspaces", HTTP_X_REQUEST_ID="req-500-check")
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
        500,
        "application/json",
        "server_error",
    )
    assert "req-500-check" in response.json()["message"] and "boom" not in response.content.decode()
    assert errors.APIErrorMiddleware  # the middleware that answered


def test_a_number_too_large_for_a_float_is_invalid_json_not_a_500(owner, workspace):
    client = APIClient()
    client.force_login(owner)
    body = '{"agent": "unit_economics", "input": {"spend": 1e999}}'
    response = client.post("/api/v1/runs", body, content_type="application/json", HTTP_X_WORKSPACE=workspace.slug)
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert "too large" in response.json()["message"]


def test_run_agent_prints_one_line_errors(registry_synced, workspace):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"^No agent named 'nope'"):
        call_command("run_agent", "nope", workspace=workspace.slug)
    with pytest.raises(CommandError, match=r"^--input is not valid JSON: the number 1e999 is too large$"):
        call_command("run_agent", "unit_economics", workspace=workspace.slug, input='{"spend": 1e999}')


@pytest.mark.parametrize(
    "query",
    ["start=", "end=", "start=2026-01-01&start=2026-01-02"],
)
def test_a_query_parameter_sent_empty_or_twice_is_refused_not_ignored(owner, workspace, query):
    client = APIClient()
    client.force_login(owner)
    response = client.get(f"/api/v1/analytics?{query}", HTTP_X_WORKSPACE=workspace.slug)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")


@pytest.mark.parametrize("limit", ["null", "0", "-1", "201", "2.5", ""])
def test_a_list_limit_that_is_not_a_whole_number_from_1_to_200_is_refused(owner, workspace, limit):
    client = APIClient()
    client.force_login(owner)
    response = client.get(f"/api/v1/runs?limit={limit}", HTTP_X_WORKSPACE=workspace.slug)
    assert (response.status_code, response.json()["errors"]) == (400, {"limit": ["A whole number from 1 to 200."]})
    assert client.get("/api/v1/runs?limit=200", HTTP_X_WORKSPACE=workspace.slug).status_code == 200
