"""Staff run pages: the live events endpoint, decision buttons, the approvals inbox and the version workflow;
last, the same in a real browser (one of those tests with a real worker)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.admin import version_diff, version_diff_base
from agents.admin_runs import EVENTS_PER_POLL
from agents.choices import RunStatus, VersionStatus
from agents.models import Agent, AgentVersion, Approval, Run
from agents.runs.lifecycle import run_transition
from agents.services import agentversion_create_draft
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent
from tests.factories import AgentVersionFactory, RunEventFactory, RunFactory, RunStepFactory, UserFactory, gated_run
from tests.fixtures.processes import wait_for

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


def test_the_run_page_shows_input_and_output_as_indented_json_with_a_copy_button(admin_client):
    run = RunFactory(status=RunStatus.SUCCEEDED, input={"leads": 600, "arpu": 99}, output={"cac": 500.0})
    html = admin_client.get(reverse("admin:agents_run_change", args=[run.pk])).content.decode()
    assert '<details class="json-block" open><summary>Input 2 keys</summary>' in html
    assert "{\n  &quot;arpu&quot;: 99,\n  &quot;leads&quot;: 600\n}" in html  # indented, keys sorted
    assert "<summary>Output 1 key</summary>" in html and html.count('class="button json-copy"') >= 2
    assert "raptorflow/admin.js" in html  # the copy button's script, from this site (no inline script)


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


def test_each_pending_approval_is_summarised_with_the_decision_before_the_whole_output(admin_client):
    output = {"ltv": 3960.0, "cac": 500, "healthy": True, "verdict": "healthy", "notes": "x" * 500, "rows": [1, 2]}
    run = _gated_run(output)
    Run.objects.filter(pk=run.pk).update(cost=Decimal("0.4200"))
    content = admin_client.get(reverse("admin:agents_approval_inbox")).content.decode()
    item = content[content.index(f'id="approval-{Approval.objects.get(run=run).pk}"') :]
    figures = re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", item.split('class="approval-figures"')[1])
    assert figures == [("cac", "500"), ("healthy", "yes"), ("ltv", "3,960.0"), ("verdict", "healthy")]
    assert "notes" not in dict(figures) and "rows" not in dict(figures)  # long texts and lists: in the full output
    assert "<dt>Cost so far</dt><dd>$0.4200</dd>" in item
    assert item.index("button default approve") < item.index("Proposed output (all of it)")  # decide first


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


def test_publish_from_the_change_page_publishes_and_audits(admin_client, unit_agent, system_actor, superuser):
    published = unit_agent.versions.get(status=VersionStatus.PUBLISHED)  # publishing needs a runnable version
    draft = agentversion_create_draft(agent=unit_agent, actor=system_actor, max_tokens=2048)
    response = admin_client.post(reverse("admin:agents_agentversion_publish", args=[draft.pk]))
    assert response.url == reverse("admin:agents_agentversion_change", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (VersionStatus.PUBLISHED, superuser)
    assert AuditEvent.objects.get(action="agentversion.publish", target_id=str(draft.pk)).actor_label == "root"
    content = admin_client.get(response.url).content.decode()
    assert f"Changes against v{published.number} (published)" in content and 'id="version-publish"' not in content


def test_new_draft_button_copies_the_version(admin_client, published):
    response = admin_client.post(reverse("admin:agents_agentversion_new_draft", args=[published.pk]))
    draft = AgentVersion.objects.get(agent=published.agent, number=2)
    assert response.url == reverse("admin:agents_agentversion_change", args=[draft.pk])
    assert (draft.status, draft.system_prompt) == (VersionStatus.DRAFT, published.system_prompt)


# --- In the browser ------------------------------------------------------------------------------------


STEPS = 5
RELOADED = "#run-live[data-ended='true'][data-final='true']"  # a page drawn after the end, its first poll done
POLL_MS = 1000  # agents/static/agents/run_live.js INTERVAL_MS


def _document_loads(page) -> list[str]:
    """The URLs of the documents ``page`` loads from now on (a reload counts)."""
    loads: list[str] = []
    page.page.on("request", lambda request: request.resource_type == "document" and loads.append(request.url))
    return loads


def _record_field(page, name: str) -> str:
    """A read-only field of the record Django draws below the live panel."""
    return page.page.text_content(f".field-{name} .readonly").strip()


class TestInTheBrowser:
    """Staff in a real browser: a run's steps appear live, a version is published with a diff, a run is approved."""

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]  # closer than the module's mark

    @pytest.mark.worker
    def test_a_run_started_from_the_api_shows_its_steps_live_until_it_succeeds(
        self,
        signed_in_page,
        registry_synced,
        workspace,
        system_actor,
        start_worker,
    ):
        start_worker()
        _key, plaintext = apikey_create(workspace=workspace, name="browser", scopes=["admin"], actor=system_actor)
        api, run_input = APIClient(), {"steps": STEPS, "pause": 1}
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        response = api.post("/api/v1/runs", {"agent": "it-slow-steps", "input": run_input}, format="json")
        assert response.status_code == 201, response.content
        run = Run.objects.get(pk=response.json()["id"])

        page = signed_in_page
        loads = _document_loads(page)
        page.goto(reverse("admin:agents_run_change", args=[run.pk]))
        page.page.wait_for_selector("#run-steps tr:nth-child(2)", timeout=30_000)  # no wait_for_function: CSP, no eval
        assert page.page.text_content("#run-status") == "Running"  # steps arrive while the run is still going
        assert _record_field(page, "status") in {"Queued", "Running"}  # drawn by the server before the end
        page.page.wait_for_selector(RELOADED, timeout=60_000)  # the run ended, and the page reloaded by itself
        assert page.page.text_content("#run-status") == _record_field(page, "status") == "Succeeded"
        assert len(loads) == 2
        rows = page.page.locator("#run-steps tr")
        assert rows.count() == Run.objects.get(pk=run.pk).steps.count() >= STEPS
        assert page.page.locator("#run-events li.type-status").count() == 3  # queued, running, succeeded
        assert page.page.is_hidden("#run-cancel-form")
        assert re.fullmatch(r"\d+\.\d s", page.page.text_content("#run-duration"))
        page.screenshot("admin-run-live")
        page.assert_clean()

    def test_the_record_below_the_live_panel_shows_the_final_values_once_the_run_ends(
        self, signed_in_page, system_actor
    ):
        run = RunFactory(status=RunStatus.RUNNING, started_at=timezone.now())
        page = signed_in_page
        loads = _document_loads(page)
        page.goto(reverse("admin:agents_run_change", args=[run.pk]))
        assert _record_field(page, "status") == "Running"
        unfinished = _record_field(page, "finished_at")

        output = {"summary": "Payback in 7 months."}
        assert run_transition(
            run, to=RunStatus.SUCCEEDED, allowed_from={RunStatus.RUNNING}, actor=system_actor, output=output
        )
        page.page.wait_for_selector(RELOADED, timeout=10_000)  # no manual reload
        assert _record_field(page, "status") == "Succeeded"
        assert "Payback in 7 months." in _record_field(page, "output_json")
        page.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.origin)
        page.page.click(".field-output_json button.json-copy")
        copied = page.page.evaluate("() => navigator.clipboard.readText()")
        assert json.loads(copied) == output
        assert _record_field(page, "finished_at") not in {"", unfinished}
        page.page.wait_for_timeout(3 * POLL_MS)
        assert loads == [page.origin + reverse("admin:agents_run_change", args=[run.pk])] * 2  # reloaded once, no more
        page.assert_clean()

    def test_a_page_opened_on_a_finished_run_does_not_reload(self, signed_in_page):
        run = RunFactory(status=RunStatus.FAILED, error_message="The provider timed out.")
        page = signed_in_page
        loads = _document_loads(page)
        page.goto(reverse("admin:agents_run_change", args=[run.pk]))
        page.page.wait_for_selector(RELOADED)
        page.page.wait_for_timeout(3 * POLL_MS)
        assert len(loads) == 1
        assert page.page.text_content("#run-live-note") == "The run has ended."
        assert _record_field(page, "status") == "Failed"
        page.assert_clean()

    def test_a_new_version_is_published_and_shows_in_the_history_with_a_diff(self, signed_in_page, registry_synced):
        v1 = Agent.objects.get(slug="unit_economics").versions.get(number=1)
        page = signed_in_page
        page.goto(reverse("admin:agents_agentversion_change", args=[v1.pk]))
        page.page.click("#version-new-draft")
        page.page.wait_for_selector("#id_system_prompt")
        page.page.fill("#id_system_prompt", v1.system_prompt + "\nAlways show the payback period in months.")
        page.page.fill("#id_notes", "Payback in months.")
        page.page.click("input[name=_continue]")
        page.page.wait_for_selector("#version-diff .diff-add")
        assert "+Always show the payback period in months." in page.page.text_content("#version-diff")

        page.page.click("#version-publish")
        page.page.wait_for_selector("#version-history tr[data-version='2']")
        v2 = AgentVersion.objects.get(agent=v1.agent, number=2)
        assert (v2.status, v2.published_by.username) == (VersionStatus.PUBLISHED, "root")
        row = page.page.text_content("#version-history tr[data-version='2']")
        assert "Published" in row and "root" in row and "Payback in months." in row
        assert "Changes against v1 (published)" in page.page.text_content("#version-diff")
        page.screenshot("admin-version-diff")
        page.assert_clean()

    def test_a_gated_run_is_approved_from_the_inbox(self, signed_in_page):
        version = AgentVersionFactory(agent__slug="email_specialist", requires_approval=True)
        run = gated_run(
            agent_version=version,
            output={"subject": "Your forecast, ready"},
            reason=f"{version} requires a person to approve its output.",
        )

        page = signed_in_page
        page.goto(reverse("admin:agents_approval_inbox"))
        item = page.page.locator(f"section[data-run='{run.pk}']")
        assert "Your forecast, ready" in item.text_content()
        page.screenshot("admin-approvals-inbox")
        item.locator("textarea").fill("Looks right.")
        item.locator("button.approve").click()
        page.page.wait_for_selector("#approvals-empty")
        wait_for(lambda: Run.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED, timeout=5, message="approval")
        assert run.approvals.get().comment == "Looks right."
        page.assert_clean()
