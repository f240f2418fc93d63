"""The schedule admin: its page shows the next five fire times; adding, changing, pausing and deleting go through
the audited services, and a bad input or cron comes back as form errors."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from agents.models import Agent, Schedule
from agents.schedules.services import schedule_create
from raptorflow.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


def _form(workspace, agent, **changes):
    data = {"workspace": workspace.pk, "name": "weekly", "target_kind": "agent", "agent": agent.pk,
            "input": json.dumps(UNIT), "cron": "0 9 * * MON", "missed_fire_policy": "skip"}  # fmt: skip
    return {**data, **changes}


def test_the_change_page_shows_the_next_five_fire_times(registry_synced, workspace, system_actor, admin_client):
    workspace.timezone = "Europe/Paris"
    workspace.save()
    agent = Agent.objects.get(slug="unit_economics")
    schedule = schedule_create(workspace=workspace, actor=system_actor, name="weekly", cron="0 9 * * MON",
                               agent=agent, input=UNIT)  # fmt: skip
    page = admin_client.get(reverse("admin:agents_schedule_change", args=[schedule.pk])).content.decode()
    assert "Next 5 fire times" in page
    assert page.count("Mon ") == 5 and page.count(" 09:00 CE") == 5  # CET or CEST


def test_adding_through_the_admin_is_audited_and_checks_the_input(registry_synced, workspace, superuser, admin_client):
    agent = Agent.objects.get(slug="unit_economics")
    url = reverse("admin:agents_schedule_add")
    refused = admin_client.post(url, _form(workspace, agent, input=json.dumps({"spend": "lots"}), cron="0 9 * *"))
    assert refused.status_code == 200 and not Schedule.objects.exists()  # the form again, with its errors
    errors = refused.context["adminform"].form.errors
    assert "input" in errors or "cron" in errors

    assert admin_client.post(url, _form(workspace, agent)).status_code == 302
    schedule = Schedule.objects.get()
    assert schedule.next_fire_at is not None and schedule.created_by == superuser
    event = AuditEvent.objects.get(action="schedule.create")
    assert event.actor_user == superuser


def test_pause_action_and_delete_go_through_the_services(registry_synced, workspace, system_actor, admin_client):
    agent = Agent.objects.get(slug="unit_economics")
    schedule = schedule_create(workspace=workspace, actor=system_actor, name="weekly", cron="0 9 * * MON",
                               agent=agent, input=UNIT)  # fmt: skip
    changelist = reverse("admin:agents_schedule_changelist")
    admin_client.post(changelist, {"action": "pause_selected", "_selected_action": [schedule.pk]})
    schedule.refresh_from_db()
    assert schedule.paused and schedule.next_fire_at is None
    admin_client.post(reverse("admin:agents_schedule_delete", args=[schedule.pk]), {"post": "yes"})
    assert not Schedule.objects.exists()
    actions = AuditEvent.objects.filter(target_type="agents.schedule").order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["schedule.create", "schedule.pause", "schedule.delete"]
