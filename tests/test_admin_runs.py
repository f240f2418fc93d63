"""Staff run pages: the live events endpoint, decision buttons, the approvals inbox and the version workflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agents.admin import version_diff, version_diff_base
from agents.admin_runs import EVENTS_PER_POLL
from agents.choices import RunStatus, VersionStatus
from agents.models import AgentVersion, Approval
from agents.services import agentversion_create_draft
from raptorflow.audit.models import AuditEvent

from .factories import AgentVersionFactory, RunEventFactory, RunFactory, RunStepFactory, UserFactory, gated_run

pytestmark = pytest.mark.django_db


def _gated_run(output=None, **fields):
    version = AgentVersionFactory(requires_approval=True)
    run = gated_run(
        agent_version=version,
        output=output or {"tagline": "Bank on it"},
        reason=f"{version} requires a person to approve its output.",
        **fields,
    )
    return run


def _events_url(run, after=None) -> str:
    url = reverse("admin:agents_run_events", args=[run.pk])
    return url if after is None else f"{url}?after={after}"


@pytest.fixture
def staff_client(db) -> Client:
    """Staff, but with no model permissions."""
    client = Client()
    client.force_login(UserFactory(username="staffer", is_staff=True))
    return client


# --- The live events endpoint ---------------------------------------------------------


def test_events_endpoint_returns_every_step_and_the_events_after_n(admin_client):
    run = RunFactory(status=RunStatus.RUNNING, started_at=timezone.now(), tokens_in=120, tokens_out=30)
    RunStepFactory(run=run, sequence=1, status="succeeded", tokens_in=100)
    RunStepFactory(run=run, sequence=2)
    for sequence, kind in enumerate(["status", "step", "step"], start=1):
        RunEventFactory(run=run, sequence=sequence, type=kind)

    body = admin_client.get(_events_url(run, after=1)).json()

    assert [e["sequence"] for e in body["events"]] == [2, 3] and body["next_after"] == 3
    assert [(s["sequence"], s["tokens_in"]) for s in body["steps"]] == [(1, 100), (2, 0)]
    assert (body["status"], body["final"], body["tokens_in"], body["tokens_out"]) == ("running", False, 120, 30)
    assert body["cost"] == "0.000000" and body["duration"] >= 0


def test_events_endpoint_says_final_once_the_run_has_ended(admin_client):
    run = RunFactory(status=RunStatus.SUCCEEDED)
    RunEventFactory(run=run, sequence=1)
    body = admin_client.get(_events_url(run, after=1)).json()
    assert body["final"] is True and body["events"] == [] and body["next_after"] == 1


def test_events_endpoint_is_for_staff_only(client, staff_client, member):
    run = RunFactory()
    assert client.get(_events_url(run)).status_code == 302  # to the admin login
    client.force_login(member)
    assert client.get(_events_url(run)).status_code == 302
    assert staff_client.get(_events_url(run)).status_code == 403  # staff without agents.view_run


def test_events_endpoint_refuses_a_bad_after(admin_client):
    assert admin_client.get(_events_url(RunFactory(), after="x")).status_code == 400


def test_the_run_page_carries_the_live_panel(admin_client):
    run = RunFactory(status=RunStatus.RUNNING)
    content = admin_client.get(reverse("admin:agents_run_change", args=[run.pk])).content.decode()
    assert f'data-url="{_events_url(run)}"' in content
    assert "agents/run_live.js" in content and 'id="run-cancel-form"' in content


@pytest.mark.parametrize(
    ("status", "events", "ended"),
    [
        (RunStatus.RUNNING, 1, "false"),
        (RunStatus.SUCCEEDED, 1, "true"),
        (RunStatus.FAILED, EVENTS_PER_POLL + 1, "true"),
    ],
)
def test_the_run_page_says_whether_the_run_had_ended_when_drawn(admin_client, status, events, ended):
    """run_live.js reloads a page drawn before the end once the run ends; ended by status, not by the events' "final"
    (which waits for a long run's events to page in), so a page drawn after the end never reloads."""
    run = RunFactory(status=status)
    RunEventFactory.create_batch(events, run=run)
    content = admin_client.get(reverse("admin:agents_run_change", args=[run.pk])).content.decode()
    assert f'data-ended="{ended}"' in content


# --- Cancel, approve, reject ------------------------------------------------------------


def test_cancel_button_cancels_a_queued_run_and_audits_who(admin_client):
    run = RunFactory(status=RunStatus.QUEUED)
    response = admin_client.post(reverse("admin:agents_run_cancel", args=[run.pk]), {"comment": "wrong input"})
    assert response.url == reverse("admin:agents_run_change", args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.error_message) == ("cancelled", "wrong input")
    assert AuditEvent.objects.get(action="run.cancelled").actor_label == "root"


def test_cancel_button_on_a_finished_run_says_why_and_changes_nothing(admin_client):
    run = RunFactory(status=RunStatus.SUCCEEDED)
    response = admin_client.post(reverse("admin:agents_run_cancel", args=[run.pk]), follow=True)
    assert "already finished" in response.content.decode()
    run.refresh_from_db()
    assert run.status == "succeeded"


def test_approve_button_succeeds_the_run_and_records_the_comment(admin_client):
    run = _gated_run()
    inbox = reverse("admin:agents_approval_inbox")
    url = reverse("admin:agents_run_approve", args=[run.pk])
    response = admin_client.post(url, {"comment": "ship it", "next": inbox})
    assert response.url == inbox
    run.refresh_from_db()
    approval = run.approvals.get()
    assert (run.status, approval.status, approval.comment, approval.decided_by.username) == (
        "succeeded", "approved", "ship it", "root",
    )  # fmt: skip
    assert AuditEvent.objects.get(action="run.succeeded").actor_label == "root"


def test_reject_button_cancels_the_run(admin_client):
    run = _gated_run()
    admin_client.post(reverse("admin:agents_run_reject", args=[run.pk]), {"comment": "off brand"})
    run.refresh_from_db()
    assert (run.status, run.error_code, run.approvals.get().status) == ("cancelled", "rejected", "rejected")


def test_decisions_redirect_only_to_this_site(admin_client):
    run = _gated_run()
    response = admin_client.post(reverse("admin:agents_run_approve", args=[run.pk]), {"next": "https://evil.test/"})
    assert response.url == reverse("admin:agents_run_change", args=[run.pk])


def test_decision_buttons_need_post_csrf_and_the_change_run_permission(superuser, staff_client):
    run = _gated_run()
    url = reverse("admin:agents_run_approve", args=[run.pk])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(superuser)
    assert strict.get(url).status_code == 405
    assert strict.post(url).status_code == 403  # no CSRF token
    assert staff_client.post(url).status_code == 403
    run.refresh_from_db()
    assert run.status == "awaiting_approval"


# --- The approvals inbox ----------------------------------------------------------------


def test_inbox_lists_pending_approvals_oldest_first_with_reason_and_proposed_output(admin_client):
    now = timezone.now()
    newer, older = _gated_run({"tagline": "newer"}), _gated_run({"tagline": "older"})
    Approval.objects.filter(run=newer).update(requested_at=now - timedelta(minutes=1))
    Approval.objects.filter(run=older).update(requested_at=now - timedelta(hours=1))
    decided = _gated_run({"tagline": "decided"})
    Approval.objects.filter(run=decided).update(status="approved")

    content = admin_client.get(reverse("admin:agents_approval_inbox")).content.decode()

    assert content.index(str(older.pk)) < content.index(str(newer.pk))
    assert "&quot;tagline&quot;: &quot;older&quot;" in content and "requires a person to approve" in content
    assert str(decided.pk) not in content


def test_inbox_is_for_staff_who_may_see_approvals(client, staff_client):
    url = reverse("admin:agents_approval_inbox")
    assert client.get(url).status_code == 302
    assert staff_client.get(url).status_code == 403


# --- Agent versions: draft, diff, publish, history ---------------------------------------


@pytest.fixture
def published():
    return AgentVersionFactory(number=1, system_prompt="Be brief.\nCite sources.", max_tokens=1024)


def test_version_diff_shows_the_changed_fields_against_the_latest_published(published, system_actor):
    draft = agentversion_create_draft(
        agent=published.agent, actor=system_actor, system_prompt="Be brief.\nCite two sources.", max_tokens=2048
    )
    assert version_diff_base(draft) == published
    diff = {change["field"]: change["lines"] for change in version_diff(draft, published)}
    assert set(diff) == {"system_prompt", "max_tokens"}
    assert {"text": "-Cite sources.", "kind": "del"} in diff["system_prompt"]
    assert {"text": "+Cite two sources.", "kind": "add"} in diff["system_prompt"]


def test_version_page_shows_the_diff_and_the_history(admin_client, published, system_actor):
    draft = agentversion_create_draft(agent=published.agent, actor=system_actor, system_prompt="Be brief.")
    content = admin_client.get(reverse("admin:agents_agentversion_change", args=[draft.pk])).content.decode()
    assert "Changes against v1 (published)" in content and "-Cite sources." in content
    assert 'data-version="1"' in content and 'data-version="2"' in content
    assert 'id="version-publish"' in content


def test_publish_from_the_change_page_publishes_and_audits(admin_client, published, system_actor, superuser):
    draft = agentversion_create_draft(agent=published.agent, actor=system_actor, max_tokens=2048)
    response = admin_client.post(reverse("admin:agents_agentversion_publish", args=[draft.pk]))
    assert response.url == reverse("admin:agents_agentversion_change", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (VersionStatus.PUBLISHED, superuser)
    assert AuditEvent.objects.get(action="agentversion.publish", target_id=str(draft.pk)).actor_label == "root"
    content = admin_client.get(response.url).content.decode()
    assert "Changes against v1 (published)" in content and 'id="version-publish"' not in content


def test_new_draft_button_copies_the_version(admin_client, published):
    response = admin_client.post(reverse("admin:agents_agentversion_new_draft", args=[published.pk]))
    draft = AgentVersion.objects.get(agent=published.agent, number=2)
    assert response.url == reverse("admin:agents_agentversion_change", args=[draft.pk])
    assert (draft.status, draft.system_prompt) == (VersionStatus.DRAFT, published.system_prompt)
