"""Oversized and pathological input gets a clear 4xx with a code, never a 500."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from raptorflow.accounts.services import apikey_create


@pytest.fixture
def writer(workspace, registry_synced, system_actor) -> APIClient:
    _, plaintext = apikey_create(workspace=workspace, name="w", scopes=["runs:write", "runs:read"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def _post(client, body: str):
    return client.post("/api/v1/runs", body, content_type="application/json")


def test_a_body_over_the_limit_is_a_413(writer, settings):
    settings.RAPTORFLOW_API_MAX_BODY_BYTES = 2048
    body = json.dumps({"agent": "content_creator", "input": {"topic": "x" * 5000}})
    response = _post(writer, body)
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


def test_json_nested_too_deep_is_a_400_even_past_pythons_recursion_limit(writer):
    for depth in (40, 100_000):
        response = _post(writer, "[" * depth + "]" * depth)
        assert (response.status_code, response.json()["code"]) == (400, "json_too_deep"), depth


def test_nan_and_infinity_are_not_json(writer):
    response = _post(writer, '{"agent": "unit_economics", "input": {"spend": NaN}}')
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_a_run_input_over_its_limit_is_a_413(writer, settings):
    settings.RAPTORFLOW_MAX_RUN_INPUT_BYTES = 1024
    body = json.dumps({"agent": "content_creator", "input": {"type": "blog", "topic": "y" * 2000}})
    response = _post(writer, body)
    assert (response.status_code, response.json()["code"]) == (413, "input_too_large")


def test_a_string_longer_than_the_agents_schema_allows_is_a_422_naming_the_field(writer):
    body = json.dumps({"agent": "content_creator", "input": {"type": "blog", "topic": "z" * 20_000}})
    response = _post(writer, body)
    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")  # the agent's schema (0025)
    assert any(error.startswith("topic:") for error in response.json()["errors"]["input"])
