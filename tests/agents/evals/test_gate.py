"""Experiments run each case as a real evaluation run, and the publish gate reads them: a version that is not
runnable is refused; a version that does worse than the published one is refused naming the regressed cases; an
owner may publish over it with a reason, audited."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.choices import RunStatus, VersionStatus
from agents.evals.errors import GateError, OverrideNotAllowedError
from agents.evals.experiments import experiment_create, experiment_run_inline
from agents.evals.ledger import EVAL_WORKSPACE_SLUG
from agents.models import AgentVersion, GateOverride, Run
from agents.services import agentversion_create_draft, agentversion_publish, agentversion_update
from analytics.services import finished_runs
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from skills.models import Skill
from tests.factories import UserFactory

SPEND_CAP = 20_000  # a draft whose input schema caps spend here refuses big-spend and huge-spend


def _experiment(version: AgentVersion, dataset, actor):
    return experiment_run_inline(experiment_create(dataset=dataset, version=version, actor=actor))


def _capped_draft(agent, actor) -> AgentVersion:
    published = agent.versions.get(status=VersionStatus.PUBLISHED)
    schema = {**published.input_schema}
    schema["properties"] = {**schema["properties"], "spend": {"type": "number", "minimum": 0, "maximum": SPEND_CAP}}
    return agentversion_create_draft(agent=agent, actor=actor, input_schema=schema)


def test_an_experiment_runs_each_case_as_an_evaluation_run_kept_out_of_usage_and_analytics(
    live_version, gate_dataset, system_actor, workspace
):
    experiment = _experiment(live_version, gate_dataset, system_actor)

    assert (experiment.status, experiment.passed, experiment.cases_total, experiment.pass_rate) == (
        "finished",
        5,
        5,
        1.0,
    )
    assert experiment.graders["cac"] == {"kind": "equals", "passed": 5, "failed": 0, "not_graded": 0, "rate": 1.0}
    assert experiment.latency_p50_ms is not None and experiment.latency_p95_ms >= experiment.latency_p50_ms
    runs = Run.objects.filter(evaluation_result__experiment=experiment)
    assert runs.count() == 5
    assert set(runs.values_list("evaluation", "status", "workspace__slug")) == {
        (True, RunStatus.SUCCEEDED, EVAL_WORKSPACE_SLUG)
    }
    outputs = dict(experiment.results.values_list("case_name", "output"))
    assert outputs["big-spend"]["cac"] == 1000 and outputs["small-spend"]["customers"] == 10

    now = timezone.now()
    assert not finished_runs(now - timedelta(hours=1), now + timedelta(hours=1)).filter(evaluation=True).exists()
    assert not Run.objects.filter(workspace=workspace).exists()  # nobody's workspace saw them


def test_usage_of_the_evaluation_workspace_leaves_evaluation_runs_out(
    live_version, gate_dataset, system_actor, as_user
):
    experiment = _experiment(live_version, gate_dataset, system_actor)
    run = Run.objects.filter(evaluation_result__experiment=experiment).first()
    staff = UserFactory(username="evaluator")
    from raptorflow.accounts.choices import Role
    from tests.factories import MembershipFactory

    MembershipFactory(workspace=run.workspace, user=staff, role=Role.OWNER)
    body = as_user(staff).get("/api/v1/usage", HTTP_X_WORKSPACE=EVAL_WORKSPACE_SLUG).json()
    assert body["runs"] == 0 and body["by_agent"] == []


def test_a_version_that_is_not_runnable_is_refused_even_with_a_reason(unit_agent, system_actor, superuser):
    draft = agentversion_create_draft(agent=unit_agent, actor=system_actor, input_schema={})
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=Actor.for_user(superuser), override_reason="Ship it anyway.")
    assert refused.value.code == "version_not_runnable"
    assert "input_schema is empty" in refused.value.errors["version"][0]

    ghost = Skill.objects.create(slug="ghost.skill", name="Ghost", category="analytics", kind="compute")
    agentversion_update(version=draft, actor=system_actor, input_schema={"type": "object", "properties": {}})
    draft.skills.add(ghost)
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.errors["version"] == ["The skill 'ghost.skill' does not exist in the running code."]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert AuditEvent.objects.filter(action="agentversion.publish_refused", target_id=str(draft.pk)).count() == 2


def test_a_version_that_calls_a_model_needs_a_model_chain(make_agent, system_actor):
    agent = make_agent("test-eval-model", lambda ctx, data: {"text": ctx.llm("Say hi.", purpose="hi")})
    draft = agentversion_create_draft(agent=agent, actor=system_actor, model_chain=[])
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "version_not_runnable"
    assert "model chain names no configured provider" in refused.value.message


def test_the_gate_refuses_a_regression_naming_the_cases_then_publishes_the_fixed_draft(
    gated_agent, live_version, gate_dataset, system_actor
):
    _experiment(live_version, gate_dataset, system_actor)
    draft = _capped_draft(gated_agent, system_actor)

    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_missing"

    experiment = _experiment(draft, gate_dataset, system_actor)
    assert (experiment.passed, experiment.failed) == (3, 2)
    assert set(experiment.results.filter(outcome="failed").values_list("error_code", flat=True)) == {"invalid_input"}
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_regression"
    assert refused.value.errors == {"regressed_cases": ["big-spend", "huge-spend"]}
    assert "3 of 5 (60 %)" in refused.value.message and "big-spend, huge-spend" in refused.value.message

    fixed = {**draft.input_schema, "properties": {**draft.input_schema["properties"]}}
    fixed["properties"]["spend"] = {"type": "number", "minimum": 0}
    agentversion_update(version=draft, actor=system_actor, input_schema=fixed)
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_stale"  # the draft changed since its experiment

    assert _experiment(draft, gate_dataset, system_actor).passed == 5
    assert agentversion_publish(version=draft, actor=system_actor) is True
    assert not GateOverride.objects.filter(version=draft).exists()


def test_a_changed_dataset_makes_the_experiment_stale(gated_agent, live_version, gate_dataset, system_actor):
    from agents.evals.datasets import case_create

    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, notes="same behaviour")
    _experiment(draft, gate_dataset, system_actor)
    case_create(dataset=gate_dataset, actor=system_actor, name="sixth", input={})
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_stale"


def test_the_floor_refuses_a_version_below_it_without_a_published_experiment(gated_agent, gate_dataset, system_actor):
    gated_agent.gate_floor = Decimal("0.800")
    gated_agent.save()
    draft = _capped_draft(gated_agent, system_actor)
    _experiment(draft, gate_dataset, system_actor)  # 3 of 5; the published version has no experiment to beat
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_regression"
    assert "below the floor of 80 %" in refused.value.message and refused.value.errors == {"regressed_cases": []}


def test_only_an_owner_may_publish_over_the_gate_and_the_override_is_audited_and_kept(
    gated_agent, live_version, gate_dataset, system_actor, superuser
):
    _experiment(live_version, gate_dataset, system_actor)
    draft = _capped_draft(gated_agent, system_actor)
    _experiment(draft, gate_dataset, system_actor)

    staff = UserFactory(username="staffer", is_staff=True)
    with pytest.raises(OverrideNotAllowedError):
        agentversion_publish(version=draft, actor=Actor.for_user(staff), override_reason="Looks fine to me.")
    with pytest.raises(GateError):  # no reason: refused as before, even for an owner
        agentversion_publish(version=draft, actor=Actor.for_user(superuser), override_reason="  ")

    reason = "Big spends are out of scope for v-next; tracked in #123."
    assert agentversion_publish(version=draft, actor=Actor.for_user(superuser), override_reason=reason) is True
    override = GateOverride.objects.get(version=draft)
    assert (override.reason, override.overridden_by, override.refusal["code"]) == (reason, superuser, "eval_regression")
    assert override.refusal["errors"] == {"regressed_cases": ["big-spend", "huge-spend"]}
    audit = AuditEvent.objects.get(action="agentversion.gate_override", target_id=str(draft.pk))
    assert audit.changes["reason"] == [None, reason] and audit.actor_label == superuser.username


def test_two_experiments_compare_case_by_case_with_flips_deltas_and_output_diffs(
    gated_agent, live_version, gate_dataset, system_actor
):
    from agents.evals.compare import compare_for_api

    before = _experiment(live_version, gate_dataset, system_actor)
    after = _experiment(_capped_draft(gated_agent, system_actor), gate_dataset, system_actor)
    comparison = compare_for_api(before, after)

    rows = {row["case"]: row for row in comparison["cases"]}
    assert (comparison["fixed"], comparison["regressed"]) == (0, 2)
    assert {name for name, row in rows.items() if row["change"] == "regressed"} == {"big-spend", "huge-spend"}
    assert rows["baseline"]["change"] == "same" and rows["baseline"]["diff"] == []
    assert {flip["grader"] for flip in rows["big-spend"]["flips"]} == {"cac", "equals customers", "regex verdict"}
    assert any(line["kind"] == "del" and '"cac": 1000' in line["text"] for line in rows["big-spend"]["diff"])
    assert comparison["deltas"]["pass_rate"] == pytest.approx(-0.4) and comparison["deltas"]["passed"] == -2


def test_a_persons_grade_overrides_the_automatic_one_and_is_audited(
    live_version, gate_dataset, system_actor, superuser
):
    from agents.evals.experiments import result_grade

    experiment = _experiment(live_version, gate_dataset, system_actor)
    result = experiment.results.get(case_name="baseline")
    result_grade(result=result, actor=Actor.for_user(superuser), outcome="failed", note="CAC rounding is wrong.")
    experiment.refresh_from_db()
    result.refresh_from_db()
    assert (result.outcome, result.auto_outcome, result.human_by) == ("failed", "passed", superuser)
    assert (experiment.passed, experiment.failed) == (4, 1)
    audit = AuditEvent.objects.get(action="experimentresult.grade")
    assert audit.changes["outcome"] == ["passed", "failed"]


def test_a_cancelled_experiment_runs_no_more_cases_and_does_not_count_for_the_gate(
    gated_agent, gate_dataset, system_actor
):
    from agents.evals.errors import EvalStateError
    from agents.evals.experiments import experiment_cancel

    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, notes="try")
    experiment = experiment_create(dataset=gate_dataset, version=draft, actor=system_actor)
    experiment = experiment_cancel(experiment=experiment, actor=system_actor, reason="Wrong dataset.")
    assert experiment.status == "cancelled"
    assert set(experiment.results.values_list("status", flat=True)) == {"cancelled"}
    assert experiment_run_inline(experiment).status == "cancelled"
    assert not Run.objects.filter(evaluation=True).exists()
    with pytest.raises(EvalStateError):
        experiment_cancel(experiment=experiment, actor=system_actor)
    with pytest.raises(GateError) as refused:
        agentversion_publish(version=draft, actor=system_actor)
    assert refused.value.code == "eval_missing"
