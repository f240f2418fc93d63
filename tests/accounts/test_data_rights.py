"""Data rights: export a workspace whole, delete it whole (audit kept), purge old run details."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.choices import RunStatus
from agents.models import Approval, Run, RunEvent, RunStep
from agents.runs import retention
from agents.runs.retention import run_purge_old_details
from agents.tasks import purge_run_details_task
from analytics.models import DailyRollup
from raptorflow.accounts import rights
from raptorflow.accounts.choices import Role
from raptorflow.accounts.models import APIKey, Membership, Workspace
from raptorflow.accounts.rights import workspace_delete, workspace_export
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.services import audit_log, audit_seal
from raptorflow.audit.verify import audit_verify
from tests.factories import MembershipFactory, RunEventFactory, RunFactory, RunStepFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/workspaces"


def _run_with_details(workspace: Workspace, *, steps: int = 2, events: int = 2, **fields) -> Run:
    run = RunFactory(workspace=workspace, **fields)
    for sequence in range(1, steps + 1):
        RunStepFactory(run=run, sequence=sequence, output={"n": sequence})
    for sequence in range(1, events + 1):
        RunEventFactory(run=run, sequence=sequence, data={"n": sequence})
    return run


def _finished(workspace: Workspace, days_ago: int, **fields) -> Run:
    finished_at = timezone.now() - timedelta(days=days_ago)
    defaults = {"status": RunStatus.SUCCEEDED, "finished_at": finished_at, "tokens_in": 10, "cost": "0.5"}
    return _run_with_details(workspace, **(defaults | fields))


@pytest.fixture
def filled(workspace, other_workspace, owner, stranger, system_actor):
    """A workspace with a member, a key, a gated run with details and a rollup; another workspace with its own run."""
    run = _run_with_details(workspace)
    Approval.objects.create(run=run, reason="check the claims", expires_at=timezone.now() + timedelta(days=1))
    DailyRollup.objects.create(day=timezone.now().date(), workspace=workspace, agent=run.agent_version.agent)
    key, plaintext = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    theirs = _run_with_details(other_workspace, steps=1, events=1)
    apikey_create(workspace=other_workspace, name="theirs", scopes=["admin"], actor=system_actor)
    return {"run": run, "key": key, "plaintext": plaintext, "theirs": theirs}


# --- export -----------------------------------------------------------------------------------


def test_export_holds_the_workspaces_runs_details_members_and_keys_and_nothing_of_another(
    workspace, owner, filled, system_actor
):
    data = workspace_export(workspace=workspace, actor=system_actor)
    assert (data["format"], data["format_version"]) == (rights.EXPORT_FORMAT, rights.EXPORT_VERSION)
    assert data["exported_at"]
    assert data["workspace"]["slug"] == workspace.slug
    assert data["workspace"]["monthly_budget"] == str(workspace.monthly_budget)
    assert data["workspace"]["foundation"] == workspace.foundation
    assert [(m["username"], m["email"], m["role"]) for m in data["memberships"]] == [("owner", owner.email, Role.OWNER)]
    assert [(k["name"], k["prefix"], k["scopes"]) for k in data["api_keys"]] == [
        ("ci", filled["key"].prefix, ["runs:read"])
    ]
    [run] = data["runs"]
    assert run["id"] == str(filled["run"].pk)
    assert [step["output"] for step in run["steps"]] == [{"n": 1}, {"n": 2}]
    assert [event["data"] for event in run["events"]] == [{"n": 1}, {"n": 2}]
    assert [approval["reason"] for approval in run["approvals"]] == ["check the claims"]
    assert len(data["daily_rollups"]) == 1
    assert "theirs" not in json.dumps(data)
    assert str(filled["theirs"].pk) not in json.dumps(data)


def test_export_holds_no_key_hash_and_no_secret(workspace, filled, system_actor):
    text = json.dumps(workspace_export(workspace=workspace, actor=system_actor))
    assert filled["key"].secret_hash not in text
    assert filled["plaintext"] not in text
    # The secret part alone (token_urlsafe may itself hold "_", so split off the known prefix, not at "_").
    assert filled["plaintext"].removeprefix(f"{APIKey.PREFIX}_{filled['key'].prefix}_") not in text
    assert "secret_hash" not in text


def test_export_is_audited_and_lists_the_workspaces_audit_trail(workspace, owner, filled):
    actor = Actor.for_user(owner)
    audit_log("workspace.update", actor=actor, workspace=workspace, target=workspace, changes={"name": ["a", "b"]})
    data = workspace_export(workspace=workspace, actor=actor)
    event = AuditEvent.objects.get(action="workspace.export")
    assert (event.workspace_id, event.actor_user, event.target_id) == (workspace.pk, owner, str(workspace.pk))
    actions = [row["action"] for row in data["audit_events"]]
    assert "workspace.update" in actions and "workspace.export" in actions


def test_streamed_export_is_the_same_document_in_many_pieces(workspace, filled, system_actor, monkeypatch):
    monkeypatch.setattr(rights, "STREAM_PIECE", 100)
    monkeypatch.setattr(retention, "EXPORT_RUN_CHUNK", 2)  # several chunks of runs, each with its own children
    for _ in range(4):
        _run_with_details(workspace, steps=3, events=1)
    whole = workspace_export(workspace=workspace, actor=system_actor)
    pieces = list(rights.workspace_export_stream(workspace=workspace, actor=system_actor))
    streamed = json.loads("".join(pieces))
    assert len(pieces) > 10
    ignore = {"exported_at", "audit_events"}  # the second export adds its own audit event
    assert {k: v for k, v in streamed.items() if k not in ignore} == {k: v for k, v in whole.items() if k not in ignore}
    assert len(streamed["runs"]) == 5
    assert all(len(run["steps"]) == 3 for run in streamed["runs"][1:])


def test_export_reads_runs_with_a_fixed_number_of_queries_not_one_per_run(workspace, filled, system_actor):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            workspace_export(workspace=workspace, actor=system_actor)
        return len(captured.captured_queries)

    few = queries()
    for _ in range(5):
        _run_with_details(workspace)
    assert queries() == few


# --- delete -----------------------------------------------------------------------------------


def test_delete_removes_the_workspace_and_everything_below_it_and_keeps_another(
    workspace, other_workspace, filled, system_actor
):
    pk = workspace.pk
    counts = workspace_delete(workspace=workspace, actor=system_actor)
    assert counts == {
        "runs": 1, "run_steps": 2, "run_events": 2, "approvals": 1,
        "memberships": 1, "api_keys": 1, "daily_rollups": 1,
        "webhook_endpoints": 0, "webhook_messages": 0, "webhook_deliveries": 0,
    }  # fmt: skip
    assert not Workspace.objects.filter(pk=pk).exists()
    assert not Run.objects.filter(workspace_id=pk).exists()
    assert not RunStep.objects.filter(run__workspace_id=pk).exists()
    assert not RunEvent.objects.filter(run__workspace_id=pk).exists()
    assert not Approval.objects.exists()
    assert not Membership.objects.filter(workspace_id=pk).exists()
    assert not APIKey.objects.filter(workspace_id=pk).exists()
    assert not DailyRollup.objects.exists()
    assert Run.objects.get(workspace=other_workspace) == filled["theirs"]
    assert (
        RunStep.objects.filter(run=filled["theirs"]).count(),
        RunEvent.objects.filter(run=filled["theirs"]).count(),
    ) == (1, 1)
    assert APIKey.objects.filter(workspace=other_workspace).count() == 1


def test_deleting_a_workspace_already_gone_deletes_and_audits_nothing(workspace, filled, system_actor):
    stale = Workspace.objects.get(pk=workspace.pk)
    workspace_delete(workspace=workspace, actor=system_actor)
    assert set(workspace_delete(workspace=stale, actor=system_actor).values()) == {0}
    assert AuditEvent.objects.filter(action="workspace.delete").count() == 1
    assert Run.objects.get() == filled["theirs"]


def test_delete_keeps_the_audit_trail_and_the_chain_still_verifies(workspace, owner, filled):
    actor = Actor.for_user(owner)
    pk = workspace.pk
    audit_log("workspace.update", actor=actor, workspace=workspace, target=workspace, changes={"name": ["a", "b"]})
    audit_seal()
    before = AuditEvent.objects.filter(workspace_id=pk).count()
    workspace_delete(workspace=workspace, actor=actor)
    audit_seal()
    kept = AuditEvent.objects.filter(workspace_id=pk)
    assert kept.count() == before + 1
    deletion = kept.get(action="workspace.delete")
    assert (deletion.target_id, deletion.actor_user) == (str(pk), owner)
    assert deletion.changes["runs"] == [1, 0] and deletion.changes["run_steps"] == [2, 0]
    assert deletion.changes["slug"] == [workspace.slug, None]
    report = audit_verify()
    assert report.findings == []
    assert report.checked >= before + 1


# --- purge ------------------------------------------------------------------------------------


def test_purge_deletes_details_of_old_finished_runs_only_and_keeps_the_runs(workspace):
    old = _finished(workspace, days_ago=100)
    old_failed = _finished(workspace, days_ago=95, status=RunStatus.FAILED)
    still_running = _run_with_details(workspace, status=RunStatus.RUNNING, started_at=old.finished_at)
    recent = _finished(workspace, days_ago=10)

    result = run_purge_old_details(older_than_days=90)

    assert (result["run_steps"], result["run_events"]) == (4, 4)
    for run in (old, old_failed):
        assert not run.steps.exists() and not run.events.exists()
    for run in (still_running, recent):
        assert (run.steps.count(), run.events.count()) == (2, 2)
    old.refresh_from_db()
    assert (old.status, old.tokens_in, str(old.cost)) == (RunStatus.SUCCEEDED, 10, "0.500000")
    assert Run.objects.count() == 4


def test_purge_is_idempotent_and_audited_once_per_purge_as_the_system(workspace, monkeypatch):
    monkeypatch.setattr(retention, "PURGE_BATCH", 3)  # several batches per run page
    monkeypatch.setattr(retention, "PURGE_RUN_PAGE", 2)  # several pages of runs
    for days in (91, 92, 93):
        _finished(workspace, days_ago=days, steps=4, events=2)
    first = run_purge_old_details(older_than_days=90)
    second = run_purge_old_details(older_than_days=90)
    assert (first["run_steps"], first["run_events"]) == (12, 6)
    assert (second["run_steps"], second["run_events"]) == (0, 0)
    events = AuditEvent.objects.filter(action="run.purge_details").order_by("id")
    assert [e.changes["run_steps"] for e in events] == [[None, 12], [None, 0]]
    assert {(e.actor_type, e.actor_label) for e in events} == {("system", "retention")}


def test_purge_refuses_a_retention_below_one_day():
    with pytest.raises(ValueError, match="at least 1"):
        run_purge_old_details(older_than_days=0)


def test_purge_task_applies_the_retention_setting_and_zero_keeps_everything(workspace, settings):
    run = _finished(workspace, days_ago=40)
    settings.RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS = 0
    assert purge_run_details_task() is None
    assert run.steps.count() == 2
    settings.RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS = 30
    assert purge_run_details_task()["run_steps"] == 2
    assert not run.steps.exists()


# --- API --------------------------------------------------------------------------------------


def _signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _with_key(workspace: Workspace, scopes: list[str], system_actor: Actor) -> APIClient:
    _key, plaintext = apikey_create(workspace=workspace, name="script", scopes=scopes, actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def test_an_owner_deletes_the_workspace(workspace, owner, filled):
    response = _signed_in(owner).delete(f"{API}/{workspace.slug}")
    assert response.status_code == 204
    assert not Workspace.objects.filter(slug=workspace.slug).exists()
    assert AuditEvent.objects.filter(action="workspace.delete", actor_user=owner).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER, Role.VIEWER])
def test_only_an_owner_may_delete_a_workspace(workspace, owner, role):
    user = MembershipFactory(workspace=workspace, role=role, user=UserFactory()).user
    assert _signed_in(user).delete(f"{API}/{workspace.slug}").status_code == 403
    assert Workspace.objects.filter(pk=workspace.pk).exists()


def test_a_stranger_cannot_see_let_alone_delete_or_export_a_workspace(workspace, owner, stranger):
    client = _signed_in(stranger)
    assert client.delete(f"{API}/{workspace.slug}").status_code == 404
    assert client.get(f"{API}/{workspace.slug}/export").status_code == 404
    assert Workspace.objects.filter(pk=workspace.pk).exists()


def test_an_api_key_with_admin_scope_exports_but_never_deletes(workspace, filled, system_actor):
    client = _with_key(workspace, ["admin"], system_actor)
    response = client.get(f"{API}/{workspace.slug}/export")
    assert response.status_code == 200
    today = timezone.now().strftime("%Y-%m-%d")
    assert response["Content-Disposition"] == f'attachment; filename="{workspace.slug}-export-{today}.json"'
    data = json.loads(b"".join(response.streaming_content))
    assert [run["id"] for run in data["runs"]] == [str(filled["run"].pk)]
    denied = client.delete(f"{API}/{workspace.slug}")
    assert denied.status_code == 403
    assert Workspace.objects.filter(pk=workspace.pk).exists()


def test_export_needs_the_admin_role_or_scope(workspace, owner, member, system_actor):
    without_admin_scope = _with_key(workspace, ["runs:read", "workspace:read"], system_actor)
    assert without_admin_scope.get(f"{API}/{workspace.slug}/export").status_code == 403
    assert _signed_in(member).get(f"{API}/{workspace.slug}/export").status_code == 403
    response = _signed_in(owner).get(f"{API}/{workspace.slug}/export")
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["workspace"]["slug"] == workspace.slug
    assert AuditEvent.objects.filter(action="workspace.export", actor_user=owner).count() == 1


# --- commands and admin ---------------------------------------------------------------------------


def test_export_command_writes_valid_json(workspace, filled):
    out = StringIO()
    call_command("export_workspace", workspace.slug, stdout=out)
    data = json.loads(out.getvalue())
    assert data["workspace"]["slug"] == workspace.slug
    assert len(data["runs"]) == 1
    with pytest.raises(CommandError, match="No workspace"):
        call_command("export_workspace", "nope", stdout=StringIO())


def test_purge_command_purges_with_the_given_retention(workspace):
    run = _finished(workspace, days_ago=8)
    out = StringIO()
    call_command("purge_run_details", "--days", "7", stdout=out)
    assert "Deleted 2 step(s) and 2 event(s)" in out.getvalue()
    assert not run.steps.exists()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("purge_run_details", "--days", "0", stdout=StringIO())


def test_admin_exports_one_workspace_as_a_file(admin_client, workspace, filled):
    url = reverse("admin:accounts_workspace_changelist")
    response = admin_client.post(url, {"action": "export_selected", "_selected_action": [workspace.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="{workspace.slug}-export-')
    assert json.loads(b"".join(response.streaming_content))["workspace"]["slug"] == workspace.slug


def test_admin_refuses_to_export_several_workspaces_at_once(admin_client, workspace, other_workspace):
    url = reverse("admin:accounts_workspace_changelist")
    selected = [workspace.pk, other_workspace.pk]
    response = admin_client.post(url, {"action": "export_selected", "_selected_action": selected}, follow=True)
    assert "Select exactly one workspace" in response.content.decode()
    assert not AuditEvent.objects.filter(action="workspace.export").exists()


def test_admin_deletion_goes_through_the_service_even_with_read_only_runs(admin_client, superuser, workspace, filled):
    url = reverse("admin:accounts_workspace_delete", args=[workspace.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "1 runs" in confirm.content.decode()  # counts, not a page listing every row
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Workspace.objects.filter(pk=workspace.pk).exists()
    deletion = AuditEvent.objects.get(action="workspace.delete")
    assert (deletion.actor_user, deletion.changes["runs"]) == (superuser, [1, 0])
