"""Staff work in a real browser: a run's steps appear live, a version is published with a diff, a run is approved."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.choices import RunStatus, VersionStatus
from agents.models import Agent, AgentVersion, Run
from agents.runs.lifecycle import run_transition
from raptorflow.accounts.services import apikey_create
from tests.factories import AgentVersionFactory, RunFactory, gated_run
from tests.integration.conftest import purge_broker, start_worker, wait_for, worker_env  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


@pytest.mark.worker
def test_a_run_started_from_the_api_shows_its_steps_live_until_it_succeeds(
    signed_in_page,
    registry_synced,
    workspace,
    system_actor,
    start_worker,  # noqa: F811 - the imported fixture
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


def test_the_record_below_the_live_panel_shows_the_final_values_once_the_run_ends(signed_in_page, system_actor):
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
    assert "Payback in 7 months." in _record_field(page, "output")
    assert _record_field(page, "finished_at") not in {"", unfinished}
    page.page.wait_for_timeout(3 * POLL_MS)
    assert loads == [page.origin + reverse("admin:agents_run_change", args=[run.pk])] * 2  # reloaded once, no more
    page.assert_clean()


def test_a_page_opened_on_a_finished_run_does_not_reload(signed_in_page):
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


def test_a_new_version_is_published_and_shows_in_the_history_with_a_diff(signed_in_page, registry_synced):
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


def test_a_gated_run_is_approved_from_the_inbox(signed_in_page):
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
