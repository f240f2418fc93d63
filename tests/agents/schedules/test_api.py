"""Schedules through the API: create with the input checked against the agent's schema, the next five fire times
in the workspace's zone, pause and resume, changes, refusals by code, scopes; and the workspace's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from agents.models import Schedule
from raptorflow.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/schedules"
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
BODY = {"name": "weekday mornings", "agent": "unit_economics", "input": UNIT, "cron": "0 9 * * 1-5"}


def test_a_member_creates_a_schedule_and_sees_its_next_five_fire_times_in_the_workspace_zone(
    registry_synced, workspace, member, owner, as_user
):
    client = as_user(owner)
    assert (
        client.patch(f"/api/v1/workspaces/{workspace.slug}", {"timezone": "Europe/Paris"}, format="json").json()[
            "timezone"
        ]
        == "Europe/Paris"
    )
    response = as_user(member).post(API, BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["timezone"], body["paused"], body["missed_fire_policy"], body["target_kind"]) == (
        "Europe/Paris", False, "skip", "agent",
    )  # fmt: skip
    times = [datetime.fromisoformat(moment) for moment in body["next_fire_times"]]
    assert len(times) == 5 and times == sorted(times)
    assert all((t.hour, t.minute, t.isoweekday() <= 5) == (9, 0, True) for t in times)
    assert {t.utcoffset() for t in times} <= {timedelta(hours=1), timedelta(hours=2)}  # CET or CEST
    assert datetime.fromisoformat(body["next_fire_at"]) == times[0]
    event = AuditEvent.objects.get(action="schedule.create")
    assert event.actor_user == member and event.changes["agent"] == [None, "unit_economics"]


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"input": {"spend": "a lot"}}, 422, "invalid_input", "input"),
        ({"agent": "no_such_agent"}, 422, "agent_not_found", "agent"),
        ({"cron": "every monday"}, 422, "invalid_cron", "cron"),
        ({"cron": "0 9 * *"}, 422, "invalid_cron", "cron"),
        ({"cron": 9}, 400, "invalid_input", "cron"),
        ({"input": [1, 2]}, 400, "invalid_input", "input"),
        ({"missed_fire_policy": "catch_up"}, 400, "invalid_input", "missed_fire_policy"),
    ],
)
def test_a_schedule_the_rules_refuse_is_answered_with_its_code(
    registry_synced, member, as_user, change, status, code, field
):
    response = as_user(member).post(API, {**BODY, **change}, format="json")
    assert response.status_code == status
    error = response.json()
    assert error["code"] == code and field in error.get("errors", {}), error
    assert not Schedule.objects.exists()


def test_a_taken_name_is_a_422(registry_synced, member, as_user):
    client = as_user(member)
    assert client.post(API, BODY, format="json").status_code == 201
    response = client.post(API, BODY, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "name_taken")


def test_pause_and_resume(registry_synced, member, as_user):
    client = as_user(member)
    created = client.post(API, BODY, format="json").json()
    paused = client.post(f"{API}/{created['id']}/pause").json()
    assert (paused["paused"], paused["next_fire_at"], paused["next_fire_times"]) == (True, None, [])
    resumed = client.post(f"{API}/{created['id']}/resume").json()
    assert resumed["paused"] is False and len(resumed["next_fire_times"]) == 5
    actions = AuditEvent.objects.filter(target_type="agents.schedule").order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["schedule.create", "schedule.pause", "schedule.resume"]


def test_patch_changes_the_cron_but_not_the_paused_flag(registry_synced, member, as_user):
    client = as_user(member)
    created = client.post(API, BODY, format="json").json()
    response = client.patch(f"{API}/{created['id']}", {"cron": "30 8 1 * *", "paused": True}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["cron"] == "30 8 1 * *" and body["paused"] is False
    assert all(datetime.fromisoformat(t).day == 1 for t in body["next_fire_times"])


def test_a_key_that_may_start_runs_may_not_set_up_a_schedule(registry_synced, workspace, as_key):
    client = as_key(workspace, ["runs:read", "runs:write"])
    response = client.post(API, BODY, format="json")
    assert response.status_code == 403 and "schedules:write" in response.json()["message"]
    assert as_key(workspace, ["schedules:write"]).post(API, BODY, format="json").status_code == 201


def test_another_workspace_schedule_is_not_found(registry_synced, member, stranger, as_user):
    created = as_user(member).post(API, BODY, format="json").json()
    client = as_user(stranger)
    assert client.get(f"{API}/{created['id']}").status_code == 404
    assert client.get(API).json() == []


def test_a_run_started_by_a_schedule_names_it(registry_synced, workspace, member, as_user):
    from django.utils import timezone

    from agents.schedules.services import schedules_tick

    created = as_user(member).post(API, {**BODY, "cron": "* * * * *"}, format="json").json()
    Schedule.objects.filter(pk=created["id"]).update(next_fire_at=timezone.now().replace(second=0, microsecond=0))
    assert schedules_tick() == {"fired": 1}
    run = as_user(member).get("/api/v1/runs").json()["results"][0]
    assert run["schedule"] == created["id"]
    detail = as_user(member).get(f"{API}/{created['id']}").json()
    assert detail["last_run"] == run["id"] and detail["last_error"] == ""


def test_an_unknown_time_zone_is_a_422(workspace, owner, as_user):
    response = as_user(owner).patch(f"/api/v1/workspaces/{workspace.slug}", {"timezone": "Europe/Atlantis"},
                                    format="json")  # fmt: skip
    assert response.status_code == 422 and response.json()["code"] == "invalid_timezone"
    assert "timezone" in response.json()["errors"]
