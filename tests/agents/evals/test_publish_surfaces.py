"""The same gate through every door: the API answers 409 with the code, the admin shows a message (never a 500),
the command exits non-zero with the code. A published version's page offers no Save."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from agents.choices import VersionStatus
from agents.evals.experiments import experiment_create, experiment_run_inline
from agents.models import AgentVersion, GateOverride
from agents.services import agentversion_create_draft
from raptorflow.audit.models import AuditEvent
from tests.factories import UserFactory

API = "/api/v1/agents/unit_economics/versions"


@pytest.fixture
def regressed_draft(gated_agent, live_version, gate_dataset, system_actor) -> AgentVersion:
    """A draft whose input schema caps spend at 20,000: big-spend and huge-spend fail; both experiments run."""
    experiment_run_inline(experiment_create(dataset=gate_dataset, version=live_version, actor=system_actor))
    schema = {**live_version.input_schema}
    schema["properties"] = {**schema["properties"], "spend": {"type": "number", "minimum": 0, "maximum": 20_000}}
    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, input_schema=schema)
    experiment_run_inline(experiment_create(dataset=gate_dataset, version=draft, actor=system_actor))
    return draft


def test_the_api_answers_409_eval_regression_naming_the_cases(as_user, superuser, regressed_draft):
    response = as_user(superuser).post(f"{API}/{regressed_draft.number}/publish", format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "eval_regression"
    assert body["errors"]["regressed_cases"] == ["big-spend", "huge-spend"]
    regressed_draft.refresh_from_db()
    assert regressed_draft.status == VersionStatus.DRAFT


def test_the_api_refuses_an_unrunnable_version_with_409(as_user, superuser, unit_agent, system_actor):
    draft = agentversion_create_draft(agent=unit_agent, actor=system_actor, output_schema={"type": "nonsense"})
    response = as_user(superuser).post(f"{API}/{draft.number}/publish", {"override_reason": "please"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "version_not_runnable")


def test_an_owner_publishes_over_the_gate_through_the_api_and_a_staffer_may_not(as_user, superuser, regressed_draft):
    staffer = UserFactory(username="staffer", is_staff=True)
    url = f"{API}/{regressed_draft.number}/publish"
    refused = as_user(staffer).post(url, {"override_reason": "trust me"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "override_not_allowed")

    response = as_user(superuser).post(
        url, {"override_reason": "Accepted: big spends are out of scope."}, format="json"
    )
    assert (response.status_code, response.json()["status"]) == (200, "published")
    assert GateOverride.objects.get(version=regressed_draft).reason == "Accepted: big spends are out of scope."


def test_the_admin_shows_the_refusal_instead_of_publishing(admin_client, regressed_draft):
    change = reverse("admin:agents_agentversion_change", args=[regressed_draft.pk])
    page = admin_client.get(change).content.decode()
    assert 'id="version-gate"' in page and "eval_regression" in page and 'name="override_reason"' in page

    response = admin_client.post(reverse("admin:agents_agentversion_publish", args=[regressed_draft.pk]), follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("Not published (eval_regression)")
    assert "big-spend, huge-spend" in shown[0]
    regressed_draft.refresh_from_db()
    assert regressed_draft.status == VersionStatus.DRAFT


def test_the_admin_override_publishes_and_the_page_shows_it(admin_client, regressed_draft, superuser):
    publish = reverse("admin:agents_agentversion_publish", args=[regressed_draft.pk])
    response = admin_client.post(publish, {"override_reason": "Known gap, fixed next week."}, follow=True)
    assert "over the evaluation gate" in str(next(iter(response.context["messages"])))
    page = response.content.decode()
    assert 'id="version-gate-override"' in page and "Known gap, fixed next week." in page
    assert AuditEvent.objects.filter(action="agentversion.gate_override", actor_label=superuser.username).exists()


def test_saving_a_published_version_in_the_admin_shows_a_message_and_its_page_has_no_save(admin_client, unit_agent):
    version = unit_agent.versions.get(status=VersionStatus.PUBLISHED)
    change = reverse("admin:agents_agentversion_change", args=[version.pk])
    page = admin_client.get(change).content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page

    response = admin_client.post(change, {"notes": "sneaky", "_save": "Save"}, follow=True)
    assert response.status_code == 200
    assert "is published and cannot change" in str(next(iter(response.context["messages"])))
    version.refresh_from_db()
    assert version.notes != "sneaky"


def test_the_command_exits_non_zero_with_the_code_and_owners_override(regressed_draft, superuser):
    with pytest.raises(CommandError, match=r"^eval_regression: .*big-spend, huge-spend"):
        call_command("version_publish", "unit_economics", str(regressed_draft.number))
    call_command(
        "version_publish", "unit_economics", str(regressed_draft.number), "--override-reason", "Known.", "--as", "root"
    )
    regressed_draft.refresh_from_db()
    assert regressed_draft.status == VersionStatus.PUBLISHED


def test_eval_run_prints_pass_rates_and_fails_a_gating_regression(gated_agent, live_version, system_actor, capsys):
    call_command("eval_run", "unit_economics", "--number", str(live_version.number), "--inline")
    assert "finished: 5 of 5 passed (100 %)" in capsys.readouterr().out
    schema = {**live_version.input_schema}
    schema["properties"] = {**schema["properties"], "spend": {"type": "number", "minimum": 0, "maximum": 20_000}}
    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, input_schema=schema)
    with pytest.raises(CommandError, match=r"^eval_regression"):
        call_command("eval_run", "unit_economics", "--number", str(draft.number), "--inline")
    out = capsys.readouterr().out
    # the two refused cases had no run to grade: the graders count the three that ran; the overall rate all five
    assert "cac: 3 passed, 0 failed, 0 not graded (100 %)" in out and "finished: 3 of 5 passed (60 %)" in out


def test_the_admin_starts_an_experiment_of_a_draft_and_lists_it_on_the_version_page(
    admin_client, gated_agent, system_actor
):
    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, notes="same behaviour")
    change = reverse("admin:agents_agentversion_change", args=[draft.pk])
    assert 'id="version-experiment"' in admin_client.get(change).content.decode()

    response = admin_client.post(reverse("admin:agents_agentversion_experiment", args=[draft.pk]), follow=True)
    assert "is queued for the workers" in str(next(iter(response.context["messages"])))
    experiment = draft.experiments.get()
    assert experiment.status == "queued"
    experiment_run_inline(experiment)  # what the workers do

    page = admin_client.get(change).content.decode()
    assert f'data-experiment="{experiment.pk}"' in page and "5 of 5" in page and "100 %" in page
    assert 'id="version-gate"' not in page  # no published experiment to beat, no floor: it may be published
