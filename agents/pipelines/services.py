"""Writes for pipelines: define and publish them, start a run, move it on as its steps finish, cancel it, and
decide on a step held for approval (docs/decisions/0033-pipelines.md).

A pipeline run moves on in ``pipeline_advance``, which every change calls (a child run reaching a final state,
through ``run_moved``; a decision; the periodic sweep, for a move whose process died before it could call it).
It locks the pipeline run's row, reads where each child run stands, and does what follows: marks steps done,
revises one when its check grades it low, holds one for approval, starts the steps whose inputs are ready, and
ends the run. Being idempotent under that lock, calling it twice changes nothing the second time.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

import jsonpointer
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from agents.choices import FINAL_STATES, RunStatus, VersionStatus
from agents.models import Agent, Run
from agents.runs.errors import BudgetExceededError, RunInputError, RunStateError, SelfApprovalError
from agents.runs.services import run_cancel, run_create_step, run_follow_up, started_it
from agents.selectors import agentversion_active, workspace_month_spend
from raptorflow.audit.actors import Actor
from raptorflow.audit.choices import ActorType, Outcome
from raptorflow.audit.services import audit_log
from raptorflow.jsonschema import schema_errors

from .choices import (
    PIPELINE_FINAL_STATES,
    STEP_DONE_STATES,
    FailurePolicy,
    PipelineEventType,
    PipelineRunStatus,
    PipelineStepStatus,
)
from .definition import assemble_input, definition_errors, grade_below, pointer_parts, schema_at, step_needs, step_order
from .ledger import pipeline_event_append
from .models import Pipeline, PipelineRun, PipelineStep, PipelineVersion

logger = logging.getLogger(__name__)

# Sent when a pipeline run changes status (``pipeline_run``, ``previous``, ``to``), inside the transaction.
pipeline_moved = Signal()

FEEDBACK_MAX_CHARS = 4000


class PipelineDefinitionError(RunInputError):
    """The definition does not hold together (422 with the problems by where: ``steps/<key>/input/<field>``)."""

    def __init__(self, code: str, message: str, problems: dict[str, list[str]]):
        super().__init__(code, message, [f"{where}: {m}" for where, messages in problems.items() for m in messages])
        self.problems = problems

    def error_fields(self) -> dict[str, list[str]]:
        return self.problems


# --- Defining ------------------------------------------------------------------------------------------------


def agent_schemas(steps: Any) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """The (input, output) schemas of the published versions of the agents ``steps`` name."""
    slugs = {s.get("agent") for s in steps if isinstance(s, dict)} if isinstance(steps, list) else set()
    schemas = {}
    for agent in Agent.objects.filter(slug__in=[s for s in slugs if isinstance(s, str)], enabled=True):
        version = agentversion_active(agent)
        if version is not None:
            schemas[agent.slug] = (version.input_schema, version.output_schema)
    return schemas


def pipeline_check(*, input_schema: Any, steps: Any) -> None:
    """Raise PipelineDefinitionError unless the definition holds together (definition.definition_errors)."""
    problems: dict[str, list[str]] = {}
    if not isinstance(input_schema, dict):
        problems["input_schema"] = ["The input schema must be a JSON Schema object."]
    else:
        try:
            Draft202012Validator.check_schema(input_schema)
        except SchemaError as exc:
            problems["input_schema"] = [f"Not a valid JSON Schema: {exc.message}."]
    if not problems:
        problems = definition_errors(steps, input_schema=input_schema, agent_schemas=agent_schemas(steps))
    if problems:
        raise PipelineDefinitionError("invalid_pipeline", "The pipeline's definition does not hold together.", problems)


def pipeline_define(
    *,
    workspace: Any,
    slug: str,
    name: str,
    steps: list[dict[str, Any]],
    actor: Actor,
    input_schema: dict[str, Any] | None = None,
    description: str = "",
    budget: Decimal | None = None,
    notes: str = "",
) -> PipelineVersion:
    """Check a definition and save it as the pipeline's next draft version (creating the pipeline the first
    time). ``workspace`` None: a platform pipeline (staff)."""
    input_schema = input_schema if input_schema is not None else {"type": "object"}
    pipeline_check(input_schema=input_schema, steps=steps)
    with transaction.atomic():
        pipeline, created = Pipeline.objects.get_or_create(
            workspace=workspace, slug=slug, defaults={"name": name, "description": description}
        )
        if not created and (pipeline.name, pipeline.description) != (name, description or pipeline.description):
            pipeline.name, pipeline.description = name, description or pipeline.description
            pipeline.save(update_fields=["name", "description"])
        last = pipeline.versions.select_for_update().order_by("-number").first()
        version = PipelineVersion.objects.create(
            pipeline=pipeline,
            number=(last.number + 1) if last else 1,
            input_schema=input_schema,
            steps=steps,
            budget=budget if budget is not None else (last.budget if last else Decimal("5.00")),
            notes=notes,
            created_by=actor.user,
        )
        audit_log(
            "pipeline.define",
            actor=actor,
            workspace=workspace,
            target=version,
            changes={"pipeline": [None, slug], "version": [None, version.number], "steps": [None, len(steps)]},
        )
    return version


def pipeline_publish(*, version: PipelineVersion, actor: Actor) -> PipelineVersion:
    """Publish a draft: checked again (its agents may have changed since), then immutable."""
    if version.is_published:
        raise RunStateError("version_published", f"{version} is already published.")
    pipeline_check(input_schema=version.input_schema, steps=version.steps)
    with transaction.atomic():
        PipelineVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.PUBLISHED, published_at=timezone.now()
        )
        version.refresh_from_db()
        audit_log(
            "pipeline.publish",
            actor=actor,
            workspace=version.pipeline.workspace,
            target=version,
            changes={"status": ["draft", "published"]},
        )
    return version


def pipeline_version_live(pipeline: Pipeline) -> PipelineVersion | None:
    return pipeline.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


# --- Starting ------------------------------------------------------------------------------------------------


def pipeline_run_start(
    *,
    workspace: Any,
    pipeline: Pipeline,
    input: dict[str, Any],
    actor: Actor,
    budget: Decimal | None = None,
    idempotency_key: str = "",
) -> tuple[PipelineRun, bool]:
    """Start a run of the pipeline's live version: its input checked, its budget set (the version's, or less),
    its steps laid out; the first steps start when the transaction commits. Returns (run, created)."""
    if idempotency_key:
        replay = PipelineRun.objects.filter(workspace=workspace, idempotency_key=idempotency_key).first()
        if replay is not None:
            return replay, False
    version = pipeline_version_live(pipeline)
    if version is None:
        raise RunInputError("pipeline_unavailable", f"Pipeline '{pipeline.slug}' has no published version.")
    errors = schema_errors(Draft202012Validator(version.input_schema), input)
    if errors:
        raise RunInputError("invalid_input", f"The input does not match {pipeline.slug}'s input schema.", errors)
    if budget is not None and budget > version.budget:
        raise RunInputError(
            "budget_above_limit", f"{pipeline.slug} v{version.number} may spend at most ${version.budget:.2f} a run."
        )
    spent = workspace_month_spend(workspace)
    if spent > 0 and spent >= workspace.monthly_budget:
        raise BudgetExceededError(
            "budget_exceeded",
            f"The workspace has spent ${spent:.2f} of its ${workspace.monthly_budget:.2f} monthly budget.",
        )
    try:
        with transaction.atomic():
            run = PipelineRun.objects.create(
                workspace=workspace,
                version=version,
                requested_by=actor.user,
                api_key=actor.api_key,
                input=input,
                budget=budget if budget is not None else version.budget,
                idempotency_key=idempotency_key,
            )
            PipelineStep.objects.bulk_create(
                PipelineStep(
                    pipeline_run=run,
                    key=step["key"],
                    position=position,
                    on_failure=step.get("on_failure", FailurePolicy.STOP),
                )
                for position, step in enumerate(version.steps)
            )
            pipeline_event_append(run.pk, PipelineEventType.STATUS, {"status": PipelineRunStatus.RUNNING})
            audit_log(
                "pipeline_run.create",
                actor=actor,
                workspace=workspace,
                target=run,
                changes={"pipeline": [None, f"{pipeline.slug} v{version.number}"], "budget": [None, str(run.budget)]},
            )
            run_id = run.pk
            transaction.on_commit(lambda: pipeline_advance(run_id))
    except IntegrityError:
        replay = PipelineRun.objects.filter(workspace=workspace, idempotency_key=idempotency_key).first()
        if not idempotency_key or replay is None:
            raise
        return replay, False
    return run, True


# --- Moving on -----------------------------------------------------------------------------------------------


def _actor_of(run: PipelineRun) -> Actor:
    """Who a pipeline's child runs are started for: the person or key that started the pipeline (so that the
    separation of duties holds for its steps too), recorded as the pipeline."""
    return Actor(type=ActorType.SYSTEM, label=f"pipeline {str(run.pk)[:8]}", user=run.requested_by, api_key=run.api_key)


class _Advance:
    """One pass of ``pipeline_advance`` over a locked pipeline run."""

    def __init__(self, run: PipelineRun):
        self.run = run
        self.actor = _actor_of(run)
        self.definition = {step["key"]: step for step in run.version.steps}
        self.order = step_order(run.version.steps)
        self.steps = {step.key: step for step in run.steps.select_for_update()}
        ids = [step.run_id for step in self.steps.values() if step.run_id]
        self.children = {child.pk: child for child in Run.objects.filter(pk__in=ids).select_related("agent_version")}
        self.dirty: set[str] = set()

    # steps -----------------------------------------------------------------------------------------------

    def child(self, key: str) -> Run | None:
        step = self.steps[key]
        return self.children.get(step.run_id) if step.run_id else None

    def mark(self, key: str, status: str, **fields: Any) -> None:
        step = self.steps[key]
        step.status = status
        for name, value in fields.items():
            setattr(step, name, value)
        if status in STEP_DONE_STATES | {PipelineStepStatus.AWAITING_APPROVAL}:
            step.finished_at = step.finished_at or timezone.now()
        self.dirty.add(key)
        data = {"step": key, "status": status, **({"run": str(step.run_id)} if step.run_id else {})}
        if step.error_code:
            data["code"] = step.error_code
        pipeline_event_append(self.run.pk, PipelineEventType.STEP, data)

    def settle(self) -> str | None:
        """Steps whose child run finished: done, failed, held for approval or sent back for revision. Returns a
        final status for the pipeline when one of them ends it."""
        ending = None
        for key in self.order:
            step, child = self.steps[key], self.child(key)
            if step.status != PipelineStepStatus.RUNNING or child is None or child.status not in FINAL_STATES:
                continue
            if child.status == RunStatus.SUCCEEDED:
                if self.revise(key, child):
                    continue
                held = self.definition[key].get("approval", False)
                self.mark(key, PipelineStepStatus.AWAITING_APPROVAL if held else PipelineStepStatus.SUCCEEDED)
                continue
            self.mark(
                key, PipelineStepStatus.FAILED, error_code=child.error_code or child.status,
                error_message=child.error_message,
            )  # fmt: skip
            if child.status == RunStatus.BUDGET_EXCEEDED:
                ending = ending or PipelineRunStatus.BUDGET_EXCEEDED
            elif step.on_failure == FailurePolicy.STOP:
                ending = ending or PipelineRunStatus.FAILED
        return ending

    def revise(self, key: str, child: Run) -> bool:
        """A check that grades its target below the mark sends the target back as a follow-up of its run, with
        the check's feedback as the instructions, and then checks again (at most ``max`` times)."""
        revise = self.definition[key].get("revise")
        step = self.steps[key]
        if not revise or step.revisions >= revise.get("max", 1):
            return False
        graded, _ = schema_at(child.agent_version.output_schema, pointer_parts(revise["field"]))
        enum = list(graded.get("enum") or []) if graded else []
        if not grade_below(child.output, revise["field"], revise["below"], enum):
            return False
        target = self.child(revise["step"])
        if target is None or target.status != RunStatus.SUCCEEDED:
            return False
        grade = _resolve(child.output, revise["field"])
        feedback = _resolve(child.output, revise["feedback"]) if revise.get("feedback") else None
        instructions = f"A check ({key}) graded it {grade}, below {revise['below']}. Revise it to pass."
        if feedback not in (None, [], {}, ""):
            instructions += " Its findings, as JSON: " + json.dumps(feedback, ensure_ascii=False)[:FEEDBACK_MAX_CHARS]
        revised, _ = run_follow_up(
            parent=target, actor=self.actor, instructions=instructions, pipeline_step=revise["step"]
        )
        self.children[revised.pk] = revised
        self.mark(revise["step"], PipelineStepStatus.RUNNING, run=revised, finished_at=None)
        self.mark(key, PipelineStepStatus.PENDING, revisions=step.revisions + 1, run=None, finished_at=None)
        return True

    def start_ready(self) -> str | None:
        """Start every pending step whose needs are done; skip the ones a skipped need leaves without input."""
        ending = None
        for key in self.order:
            step = self.steps[key]
            if step.status != PipelineStepStatus.PENDING:
                continue
            needs = [self.steps[need] for need in step_needs(self.definition[key])]
            if any(need.status not in STEP_DONE_STATES for need in needs):
                continue
            blocked = [n.key for n in needs if n.status == PipelineStepStatus.SKIPPED or (
                n.status == PipelineStepStatus.FAILED and n.on_failure == FailurePolicy.SKIP)]  # fmt: skip
            if blocked:
                self.mark(key, PipelineStepStatus.SKIPPED, error_code="need_skipped",
                          error_message=f"It needs {', '.join(blocked)}, which did not succeed.")  # fmt: skip
                continue
            ending = self.start(key) or ending
        return ending

    def start(self, key: str) -> str | None:
        spec, step = self.definition[key], self.steps[key]
        agent = Agent.objects.filter(slug=spec["agent"], enabled=True).first()
        version = agentversion_active(agent) if agent is not None else None
        problem: tuple[str, str] | None = None
        data: dict[str, Any] = {}
        if version is None:
            problem = ("agent_unavailable", f"Agent '{spec['agent']}' is disabled or has no published version.")
        else:
            data = assemble_input(spec, self.document())
            errors = schema_errors(version.input_validator, data)
            if errors:
                problem = ("invalid_step_input", f"The assembled input does not fit {spec['agent']}: {errors[0]}")
        if problem is not None:
            self.mark(key, PipelineStepStatus.FAILED, error_code=problem[0], error_message=problem[1])
            return PipelineRunStatus.FAILED if step.on_failure == FailurePolicy.STOP else None
        assert version is not None
        child = run_create_step(
            workspace=self.run.workspace, version=version, input=data, actor=self.actor,
            pipeline_run_id=self.run.pk, step=key,
        )  # fmt: skip
        self.children[child.pk] = child
        self.mark(key, PipelineStepStatus.RUNNING, run=child, started_at=timezone.now())
        return None

    def document(self) -> dict[str, Any]:
        outputs = {
            key: {"output": child.output}
            for key, step in self.steps.items()
            if step.status == PipelineStepStatus.SUCCEEDED and (child := self.child(key)) is not None
        }
        return {"input": self.run.input, "foundation": self.run.workspace.foundation or {}, "steps": outputs}

    # the run ----------------------------------------------------------------------------------------------

    def outcome(self) -> str:
        states = {step.status for step in self.steps.values()}
        if states <= STEP_DONE_STATES:
            return PipelineRunStatus.SUCCEEDED
        if PipelineStepStatus.AWAITING_APPROVAL in states and PipelineStepStatus.RUNNING not in states:
            return PipelineRunStatus.AWAITING_APPROVAL
        return PipelineRunStatus.RUNNING

    def save(self) -> None:
        for key in self.dirty:
            self.steps[key].save()
        self.dirty.clear()


def pipeline_advance(pipeline_run_id: Any) -> str | None:
    """Move a pipeline run on as far as it can go now (idempotent). Returns its status, None when it is gone."""
    with transaction.atomic():
        run = (
            PipelineRun.objects.select_for_update(of=("self",))
            .select_related("version", "workspace", "requested_by", "api_key")
            .filter(pk=pipeline_run_id)
            .first()
        )
        if run is None or run.status in PIPELINE_FINAL_STATES:
            return run.status if run else None
        work = _Advance(run)
        ending = work.settle()
        if ending is None and run.status == PipelineRunStatus.RUNNING:
            ending = work.start_ready()
        work.save()
        if ending is not None:
            _end(work, ending)
            return run.status
        outcome = work.outcome()
        failed = [s.key for s in work.steps.values() if s.status == PipelineStepStatus.FAILED]
        if outcome == PipelineRunStatus.SUCCEEDED and failed:  # failures its on_failure let it go past
            message = f"Steps {', '.join(failed)} failed; the pipeline went on past them (their on_failure)."
            _move(run, outcome, actor=work.actor, error_code="partial", error_message=message)
        else:
            _move(run, outcome, actor=work.actor)
        return run.status


def _resolve(document: Any, pointer: str) -> Any:
    return jsonpointer.resolve_pointer(document, pointer, None)


def _move(run: PipelineRun, to: str, *, actor: Actor, **fields: Any) -> None:
    if run.status == to:
        return
    previous = run.status
    run.status = to
    for name, value in fields.items():
        setattr(run, name, value)
    if to in PIPELINE_FINAL_STATES:
        run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at", "updated_at", *fields])
    data = {"status": to, **({"code": run.error_code} if run.error_code else {})}
    pipeline_event_append(run.pk, PipelineEventType.STATUS, data)
    audit_log(f"pipeline_run.{to}", actor=actor, workspace=run.workspace_id, target=run,
              changes={"status": [previous, to]})  # fmt: skip
    pipeline_moved.send(sender=PipelineRun, pipeline_run=run, previous=previous, to=to)


def _end(work: _Advance, status: str, *, actor: Actor | None = None, message: str = "") -> None:
    """End the pipeline run: cancel the children still active (a running one stops at its next step), mark
    the steps that will not run, and record why."""
    actor = actor or work.actor
    failed = [s for s in work.steps.values() if s.status == PipelineStepStatus.FAILED]
    for key in work.order:
        step, child = work.steps[key], work.child(key)
        if child is not None and child.status not in FINAL_STATES:
            run_cancel(run=child, actor=actor, reason=f"The pipeline run ended ({status}).")
            work.mark(key, PipelineStepStatus.CANCELLED)
        elif step.status in {PipelineStepStatus.PENDING, PipelineStepStatus.AWAITING_APPROVAL}:
            work.mark(key, PipelineStepStatus.CANCELLED)
    work.save()
    code = {"budget_exceeded": "budget_exceeded", "cancelled": "cancelled"}.get(status, "")
    if not code and failed:
        code = failed[0].error_code or "step_failed"
        message = message or f"Step {failed[0].key} failed: {failed[0].error_message or failed[0].error_code}"
    _move(work.run, status, actor=actor, error_code=code, error_message=message)


# --- Cancelling and deciding ---------------------------------------------------------------------------------


def pipeline_cancel(*, run: PipelineRun, actor: Actor, reason: str = "") -> PipelineRun:
    """Cancel a pipeline run: every active child is cancelled (a running one stops at its next step)."""
    with transaction.atomic():
        locked = (
            PipelineRun.objects.select_for_update(of=("self",)).select_related("version", "workspace").get(pk=run.pk)
        )
        if locked.status in PIPELINE_FINAL_STATES:
            raise RunStateError("not_active", f"The pipeline run is already {locked.status}.")
        _end(_Advance(locked), PipelineRunStatus.CANCELLED, actor=actor, message=reason or "Cancelled.")
    run.refresh_from_db()
    return run


def pipeline_decide(*, run: PipelineRun, actor: Actor, approve: bool, comment: str = "") -> PipelineRun:
    """Approve or reject the step held for approval. The person or key that started the pipeline may not."""
    if started_it(run, actor):
        audit_log("pipeline_run.self_approval_refused", actor=actor, workspace=run.workspace_id, target=run,
                  outcome=Outcome.DENIED)  # fmt: skip
        raise SelfApprovalError(
            "self_approval",
            "The person or key that started this pipeline run cannot decide on it; another admin, owner or key "
            "with runs:approve must.",
        )
    with transaction.atomic():
        locked = (
            PipelineRun.objects.select_for_update(of=("self",)).select_related("version", "workspace").get(pk=run.pk)
        )
        work = _Advance(locked)
        held = [k for k in work.order if work.steps[k].status == PipelineStepStatus.AWAITING_APPROVAL]
        if locked.status in PIPELINE_FINAL_STATES or not held:
            raise RunStateError("not_awaiting_approval", "No step of this pipeline run waits for an approval.")
        key = held[0]
        decided = {"decided_by": actor.user, "decided_at": timezone.now()}
        if approve:
            work.mark(key, PipelineStepStatus.SUCCEEDED, **decided)
        else:
            work.mark(key, PipelineStepStatus.FAILED, error_code="rejected",
                      error_message=comment or "Rejected by a person.", **decided)  # fmt: skip
        work.save()
        audit_log(
            f"pipeline_run.{'approve' if approve else 'reject'}", actor=actor, workspace=locked.workspace_id,
            target=locked, changes={"step": [None, key], **({"comment": [None, comment]} if comment else {})},
        )  # fmt: skip
        if not approve and work.steps[key].on_failure == FailurePolicy.STOP:
            _end(work, PipelineRunStatus.FAILED, actor=actor)
        else:
            _move(locked, PipelineRunStatus.RUNNING, actor=actor)
    pipeline_advance(run.pk)
    run.refresh_from_db()
    return run


# --- Following the children, and the sweep -------------------------------------------------------------------


def on_run_moved(sender: Any, *, run: Run, previous: str, to: str, **kwargs: Any) -> None:
    """A child run reached a final state: move its pipeline on once that commits (lifecycle.run_moved)."""
    if run.pipeline_run_id is not None and to in FINAL_STATES:
        pipeline_run_id = run.pipeline_run_id
        transaction.on_commit(lambda: _advance_logged(pipeline_run_id))


def _advance_logged(pipeline_run_id: Any) -> None:
    try:
        pipeline_advance(pipeline_run_id)
    except Exception:  # the sweep moves it on later; the child's own move has committed already
        logger.exception("could not advance pipeline run %s; the sweep will", pipeline_run_id)


def pipelines_sweep(*, older_than_seconds: float = 30.0) -> int:
    """Move on the pipeline runs nothing moved for a while (a process died between a child's move and its call
    to pipeline_advance). Returns how many it looked at."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = PipelineRun.objects.filter(status__in=[PipelineRunStatus.RUNNING], updated_at__lt=cutoff).values_list(
        "pk", flat=True
    )[:500]
    count = 0
    for pipeline_run_id in stale:
        _advance_logged(pipeline_run_id)
        PipelineRun.objects.filter(pk=pipeline_run_id, status=PipelineRunStatus.RUNNING).update(
            updated_at=timezone.now()
        )
        count += 1
    return count
