"""A workspace's own datasets through the API: members create, import, export and add runs as cases; viewers
read; strangers see nothing; a malformed request is a 400, one the rules refuse a 422, each with a code."""

from __future__ import annotations

import json

import pytest

from agents.choices import RunStatus
from agents.evals.datasets import dataset_create
from agents.models import EvalDataset
from tests.factories import RunFactory

from .conftest import case_lines

API = "/api/v1/eval-datasets"


@pytest.fixture
def own_dataset(unit_agent, workspace, system_actor) -> EvalDataset:
    return dataset_create(agent=unit_agent, name="ours", workspace=workspace, actor=system_actor)


def test_a_member_creates_a_dataset_imports_cases_and_exports_them(as_user, member, unit_agent, workspace):
    client = as_user(member)
    created = client.post(API, {"agent": "unit_economics", "name": "pricing-checks"}, format="json")
    assert created.status_code == 201, created.content
    dataset_id = created.json()["id"]
    assert EvalDataset.objects.get(pk=dataset_id).workspace == workspace

    imported = client.post(f"{API}/{dataset_id}/import", {"jsonl": case_lines()}, format="json")
    assert imported.json() == {"created": 5, "updated": 0, "removed": 0}
    listed = client.get(API).json()
    assert [(row["name"], row["case_count"], row["revision"]) for row in listed] == [("pricing-checks", 5, 2)]
    exported = client.get(f"{API}/{dataset_id}/export").json()["jsonl"]
    assert [json.loads(line) for line in exported.splitlines()] == [json.loads(x) for x in case_lines().splitlines()]

    taken = client.post(API, {"agent": "unit_economics", "name": "pricing-checks"}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (422, "name_taken")


def test_a_bad_jsonl_is_a_422_naming_the_lines(as_user, member, own_dataset):
    response = as_user(member).post(f"{API}/{own_dataset.pk}/import", {"jsonl": '{"name": "a"}\nnope\n'}, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "invalid_jsonl")
    assert response.json()["errors"]["jsonl"][0].startswith("line 2: not JSON")


def test_a_run_of_the_workspace_becomes_a_case_and_another_workspaces_run_does_not(
    as_user, member, own_dataset, workspace, other_workspace, unit_agent
):
    version = unit_agent.versions.get(status="published")
    ours = RunFactory(workspace=workspace, agent_version=version, status=RunStatus.SUCCEEDED, output={"cac": 500})
    theirs = RunFactory(workspace=other_workspace, agent_version=version, status=RunStatus.SUCCEEDED)
    client = as_user(member)
    case = client.post(f"{API}/{own_dataset.pk}/cases-from-run", {"run": str(ours.pk), "name": "ours"}, format="json")
    assert (case.status_code, case.json()["reference_output"]) == (201, {"cac": 500})
    refused = client.post(f"{API}/{own_dataset.pk}/cases-from-run", {"run": str(theirs.pk)}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "run_not_found")


def test_viewers_read_strangers_see_nothing_and_platform_datasets_stay_out(
    as_user, viewer, stranger, own_dataset, unit_agent, system_actor
):
    dataset_create(agent=unit_agent, name="platform-gate", actor=system_actor)  # staff's, no workspace
    assert [row["name"] for row in as_user(viewer).get(API).json()] == ["ours"]
    assert as_user(viewer).post(API, {"agent": "unit_economics", "name": "x"}, format="json").status_code == 403
    assert as_user(stranger).get(f"{API}/{own_dataset.pk}").status_code == 404
    assert as_user(stranger).get(API).json() == []
