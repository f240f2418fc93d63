"""The admin console: every page renders for a superuser; logs are read-only for everyone."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from agents.models import Approval, Run, RunEvent, RunStep
from analytics.models import DailyRollup
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent
from raptorflow.webhooks.models import Delivery, Message
from raptorflow.webhooks.services import endpoint_create
from skills.models import Skill
from tests.factories import PASSWORD, ModelPriceFactory, RunEventFactory, RunFactory, RunStepFactory, UserFactory


@pytest.fixture
def populated(db, var_dir, superuser, system_actor):
    """One row of every model, so that every change page has something to show."""
    call_command("seed_demo", no_experiments=True, verbosity=0)  # the first experiments: test_seeded.py
    from agents.models import AgentVersion
    from raptorflow.accounts.models import Workspace

    workspace = Workspace.objects.get(slug="demo")
    version = AgentVersion.objects.filter(status="published").first()
    run = RunFactory(workspace=workspace, agent_version=version)
    RunStepFactory(run=run)
    RunEventFactory(run=run)
    Approval.objects.create(run=run, reason="check", expires_at=run.created_at)
    apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    ModelPriceFactory()
    DailyRollup.objects.create(day=run.created_at.date(), workspace=workspace, agent=version.agent)
    hook, _ = endpoint_create(
        workspace=workspace, url="https://93.184.215.14/hook", event_types=["run.succeeded"], actor=system_actor
    )
    message = Message.objects.create(workspace=workspace, event_type="run.succeeded", body='{"type": "run.succeeded"}')
    Delivery.objects.create(message=message, endpoint=hook, request_headers={"webhook-id": message.webhook_id})
    return run


def _admin_urls():
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin, model._meta.app_label, model._meta.model_name


def test_every_admin_page_renders_for_a_superuser(admin_client, populated, superuser):
    request = type("R", (), {"user": superuser})()
    for model, model_admin, app, name in _admin_urls():
        changelist = admin_client.get(reverse(f"admin:{app}_{name}_changelist"))
        assert changelist.status_code == 200, f"{app}.{name} changelist"
        add = admin_client.get(reverse(f"admin:{app}_{name}_add"))
        expected_add = 200 if model_admin.has_add_permission(request) else 403
        assert add.status_code == expected_add, f"{app}.{name} add"
        obj = model._default_manager.first()
        if obj is not None:
            change = admin_client.get(reverse(f"admin:{app}_{name}_change", args=[obj.pk]))
            assert change.status_code == 200, f"{app}.{name} change"


@pytest.mark.parametrize("model", [AuditEvent, RunStep, RunEvent, Run, Approval, DailyRollup, Delivery])
def test_read_only_admins_refuse_changes_even_for_superusers(admin_client, populated, model):
    obj = model.objects.first()
    app, name = model._meta.app_label, model._meta.model_name
    change_url = reverse(f"admin:{app}_{name}_change", args=[obj.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert b'type="submit"' not in page.content.split(b'id="content-main"')[1] or b"Save" not in page.content
    assert admin_client.post(change_url, {}).status_code == 403
    delete_url = reverse(f"admin:{app}_{name}_delete", args=[obj.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_staff_sign_in_through_the_admin_login_page(client, db):
    UserFactory(username="staff", is_staff=True)
    response = client.post(reverse("admin:login"), {"username": "staff", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_edits_are_audited_with_a_diff(admin_client, populated):
    skill = Skill.objects.first()
    url = reverse("admin:skills_skill_change", args=[skill.pk])
    assert admin_client.post(url, {"enabled": ""}).status_code == 302
    event = AuditEvent.objects.filter(action="skill.update").latest("id")
    assert event.changes == {"enabled": [True, False]}
    assert event.actor_label == "root"


def test_cancel_action_cancels_a_queued_run(admin_client, populated):
    url = reverse("admin:agents_run_changelist")
    response = admin_client.post(url, {"action": "cancel_selected", "_selected_action": [str(populated.pk)]})
    assert response.status_code == 302
    populated.refresh_from_db()
    assert populated.status == "cancelled"
