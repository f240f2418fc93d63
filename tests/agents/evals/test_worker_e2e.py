"""The publish gate end to end on a real worker: experiments run their cases as evaluation runs on the worker;
a draft changed so that two cases fail is refused with eval_regression naming them (service, API, command); the
fixed draft is rerun and published; an owner's override of a second regressed draft is audited."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from agents.choices import VersionStatus
from agents.evals.errors import GateError
from agents.evals.experiments import experiment_create
from agents.models import AgentVersion, Experiment, GateOverride, Run
from agents.services import agentversion_create_draft, agentversion_publish, agentversion_update
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from tests.fixtures.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _on_worker(version: AgentVersion, dataset, actor, worker) -> Experiment:
    experiment = experiment_create(dataset=dataset, version=version, actor=actor)  # sent to the worker on commit

    def ended() -> bool:
        return not Experiment.objects.get(pk=experiment.pk).is_active

    wait_for(ended, timeout=120, message=f"experiment #{experiment.pk} to end\n{worker.log()[-3000:]}")
    experiment.refresh_from_db()
    return experiment


def _capped(version: AgentVersion, cap: int | None) -> dict:
    schema = {**version.input_schema, "properties": {**version.input_schema["properties"]}}
    schema["properties"]["spend"] = {"type": "number", "minimum": 0, **({"maximum": cap} if cap else {})}
    return schema


def test_the_gate_end_to_end_on_a_real_worker(
    var_dir, start_worker, gated_agent, live_version, gate_dataset, system_actor, superuser, as_user
):
    worker = start_worker(concurrency=2)
    baseline = _on_worker(live_version, gate_dataset, system_actor, worker)
    assert (baseline.status, baseline.passed, baseline.cases_total) == ("finished", 5, 5)
    assert Run.objects.filter(evaluation_result__experiment=baseline, evaluation=True).count() == 5

    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, input_schema=_capped(live_version, 20_000))
    regressed = _on_worker(draft, gate_dataset, system_actor, worker)
    assert (regressed.passed, regressed.failed) == (3, 2)
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert (refused.value.code, refused.value.errors) == (
        "eval_regression",
        {"regressed_cases": ["big-spend", "huge-spend"]},
    )
    response = as_user(superuser).post(f"/api/v1/agents/unit_economics/versions/{draft.number}/publish")
    assert (response.status_code, response.json()["errors"]["regressed_cases"]) == (409, ["big-spend", "huge-spend"])
    with pytest.raises(CommandError, match=r"^eval_regression"):
        call_command("version_publish", "unit_economics", str(draft.number))

    agentversion_update(version=draft, actor=system_actor, input_schema=_capped(live_version, None))
    assert _on_worker(draft, gate_dataset, system_actor, worker).passed == 5
    assert agentversion_publish(version=draft, actor=system_actor) is True

    second = agentversion_create_draft(agent=gated_agent, actor=system_actor, input_schema=_capped(draft, 20_000))
    _on_worker(second, gate_dataset, system_actor, worker)
    reason = "Caps spend on purpose for the pilot; agreed with the owners."
    assert agentversion_publish(version=second, actor=Actor.for_user(superuser), override_reason=reason) is True
    second.refresh_from_db()
    assert second.status == VersionStatus.PUBLISHED
    assert GateOverride.objects.get(version=second).refusal["errors"]["regressed_cases"] == ["big-spend", "huge-spend"]
    assert AuditEvent.objects.filter(action="agentversion.gate_override", target_id=str(second.pk)).exists()
