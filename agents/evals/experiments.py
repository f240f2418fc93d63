"""Experiments: one agent version run on a dataset through the real runtime, each case a run, graded.

**Starting** (``experiment_create``): the version must be runnable; one result per case keeps a snapshot of the
case, so later edits do not change what this experiment measured. The first ``agents.experiment_advance`` task is
sent when the transaction commits.

**Advancing** (``experiment_advance``, the task; idempotent, one at a time per experiment through a cache lock):

1. *collect*: each case whose run has ended (or waits for a person: an evaluation run never does; its proposed
   output, or ``{"asked": [questions]}`` when it asked for what it lacks, is graded and the run cancelled) is
   graded: deterministic graders, then judges (agents/evals/judge.py);
2. *launch*: up to ``concurrency`` cases run at once, each a real run of the version (a draft too) in the
   evaluation workspace, flagged ``evaluation`` and sent to the workers as any run; an input the version's schema
   refuses fails its case (``invalid_input``) without a run; once the budget is spent, the cases not started fail
   (``experiment_budget``);
3. *finish* when no case is left: the pass rate per grader and overall, cost, tokens and latency p50/p95.

While cases are in flight the task sends itself again after ``RECHECK_SECONDS`` (one such message at a time);
anyone watching (the admin page, the API, ``eval_run --wait``) sends one when none is pending, so a lost message
cannot stall an experiment. An experiment past its deadline (every case's timeout, in waves of ``concurrency``,
twice over, plus five minutes) cancels what is left and ends ``failed``.

``experiment_run_inline`` does the same in this process, executing each run here (seed_demo; ``eval_run
--inline``; no worker needed).
"""

from __future__ import annotations

import contextlib
import logging
import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from agents.choices import FINAL_STATES, InputRequestStatus, RunStatus
from agents.models import AgentVersion, Run
from agents.runs import lifecycle
from agents.runs.errors import RunStateError
from agents.runs.services import run_cancel, run_enqueue
from raptorflow import context
from raptorflow.accounts.models import Workspace
from raptorflow.accounts.services import workspace_create
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.celery import app
from raptorflow.jsonschema import schema_errors
from raptorflow.queues import QueueName

from .choices import EXPERIMENT_ACTIVE, ExperimentStatus, GraderKind, Outcome, ResultStatus
from .errors import EvalError, EvalStateError
from .gate import runnable_refusal
from .graders import case_outcome, grade_deterministic, grader_label
from .judge import judge_grade
from .ledger import EVAL_WORKSPACE_SLUG
from .models import EvalDataset, Experiment, ExperimentResult
from .selectors import version_digest

logger = logging.getLogger(__name__)

ADVANCE_TASK = "agents.experiment_advance"  # agents/evals/tasks.py; a wire name, snapshotted by the task-name test
RECHECK_SECONDS = 1.0
LOCK_SECONDS = 600
EVALUATOR = Actor.system("evaluations")
DEFAULT_BUDGET = Decimal("5.00")
EVAL_WORKSPACE_BUDGET = Decimal("100.00")  # the monthly cap on all evaluation spend; staff change it in the admin
WAITING = frozenset({RunStatus.AWAITING_APPROVAL, RunStatus.AWAITING_INPUT})


def evaluation_workspace() -> Workspace:
    """The platform's workspace for evaluation runs (created on first use; nobody is a member)."""
    workspace = Workspace.objects.filter(slug=EVAL_WORKSPACE_SLUG).first()
    if workspace is not None:
        return workspace
    try:
        with transaction.atomic():
            return workspace_create(
                name="Evaluations (platform)",
                slug=EVAL_WORKSPACE_SLUG,
                actor=EVALUATOR,
                monthly_budget=EVAL_WORKSPACE_BUDGET,
            )
    except IntegrityError:  # created meanwhile by another process
        return Workspace.objects.get(slug=EVAL_WORKSPACE_SLUG)


# --- Starting ------------------------------------------------------------------------------------------------------


def experiment_create(
    *,
    dataset: EvalDataset,
    version: AgentVersion,
    actor: Actor,
    budget: Decimal | None = None,
    concurrency: int | None = None,
) -> Experiment:
    """Start an experiment of ``version`` on ``dataset`` (see the module docstring)."""
    if dataset.agent_id != version.agent_id:
        raise EvalError("dataset_mismatch", f"{dataset.name} is a dataset of another agent than {version}'s.")
    refusal = runnable_refusal(version)
    if refusal is not None:
        raise refusal
    evaluation_workspace()
    with transaction.atomic():
        # The revision and the cases read together, under the dataset's row lock: the caller's dataset object
        # may be stale, and a stale revision would make the gate call this experiment out of date.
        revision = EvalDataset.objects.select_for_update().values_list("revision", flat=True).get(pk=dataset.pk)
        cases = list(dataset.cases.order_by("id"))
        if not cases:
            raise EvalError("dataset_empty", f"{dataset.name} has no cases yet.")
        experiment = Experiment.objects.create(
            dataset=dataset,
            version=version,
            budget=DEFAULT_BUDGET if budget is None else budget,
            concurrency=concurrency or 4,
            version_digest=version_digest(version),
            dataset_revision=revision,
            cases_total=len(cases),
            created_by=actor.user,
        )
        ExperimentResult.objects.bulk_create(
            ExperimentResult(
                experiment=experiment, case=case, case_name=case.name, case_digest=case.digest(),
                snapshot=case.snapshot(),
            )
            for case in cases
        )  # fmt: skip
        audit_log(
            "experiment.create", actor=actor, workspace=dataset.workspace_id, target=experiment,
            changes={"dataset": [None, dataset.name], "version": [None, version.number],
                     "budget": [None, str(experiment.budget)], "cases": [None, len(cases)]},
        )  # fmt: skip
        transaction.on_commit(lambda: experiment_kick(experiment.pk))
    return experiment


def experiment_kick(experiment_id: int, *, countdown: float | None = None, recheck: bool = False) -> bool:
    """Send the advance task (by name). A broker failure is logged: an observer sends it again."""
    try:
        app.send_task(
            ADVANCE_TASK,
            args=[experiment_id],
            kwargs={"recheck": recheck},
            queue=QueueName.RUNS,
            countdown=countdown,
            expires=600,
        )
    except Exception:  # the broker is down; the experiment's state is in the database
        logger.warning("Could not send the advance of experiment %s", experiment_id, exc_info=True)
        return False
    return True


def _lock_key(experiment_id: int) -> str:
    return f"evals:experiment:{experiment_id}:advance"


def _recheck_key(experiment_id: int) -> str:
    return f"evals:experiment:{experiment_id}:recheck"


def experiment_keep_moving(experiment: Experiment) -> None:
    """For whoever watches an active experiment: send an advance when none is at work or pending."""
    if experiment.is_active and not cache.get(_lock_key(experiment.pk)) and not cache.get(_recheck_key(experiment.pk)):
        experiment_kick(experiment.pk)


# --- Advancing -------------------------------------------------------------------------------------------------


def experiment_advance(experiment_id: int, *, recheck: bool = False) -> str | None:
    """One step: collect, launch, perhaps finish (see the module docstring). Returns the status, None when
    another advance holds the experiment."""
    if recheck:
        cache.delete(_recheck_key(experiment_id))
    if not cache.add(_lock_key(experiment_id), 1, LOCK_SECONDS):
        return None
    try:
        experiment = Experiment.objects.select_related("dataset", "version__agent").filter(pk=experiment_id).first()
        if experiment is None or not experiment.is_active:
            return experiment.status if experiment else None
        _step(experiment, inline=False)
    finally:
        cache.delete(_lock_key(experiment_id))
    if experiment.is_active and cache.add(_recheck_key(experiment_id), 1, RECHECK_SECONDS * 30):
        experiment_kick(experiment_id, countdown=RECHECK_SECONDS, recheck=True)
    return experiment.status


def experiment_run_inline(experiment: Experiment) -> Experiment:
    """Run the whole experiment in this process, one case after another (no worker needed)."""
    experiment = Experiment.objects.select_related("dataset", "version__agent").get(pk=experiment.pk)
    for _round in range(experiment.cases_total + 2):
        if not experiment.is_active:
            return experiment
        _step(experiment, inline=True)
    if experiment.is_active:  # a run that could not be executed here (claimed elsewhere): do not wait for it
        _give_up(experiment, "The experiment could not run every case in this process.")
    return experiment


def _step(experiment: Experiment, *, inline: bool) -> None:
    if experiment.status == ExperimentStatus.QUEUED:
        now = timezone.now()
        Experiment.objects.filter(pk=experiment.pk, status=ExperimentStatus.QUEUED).update(
            status=ExperimentStatus.RUNNING, started_at=now
        )
        experiment.refresh_from_db()
    _collect(experiment)
    if _past_deadline(experiment):
        _give_up(experiment, "The experiment ran past its deadline; the cases left were cancelled.")
        return
    _launch(experiment, inline=inline)
    if inline:
        _collect(experiment)
    if not experiment.results.filter(status__in=[ResultStatus.PENDING, ResultStatus.RUNNING]).exists():
        _finish(experiment, ExperimentStatus.FINISHED)


def _past_deadline(experiment: Experiment) -> bool:
    if experiment.started_at is None:
        return False
    waves = math.ceil(experiment.cases_total / max(experiment.concurrency, 1))
    allowed = timedelta(seconds=2 * waves * experiment.version.timeout_seconds + 300)
    return timezone.now() > experiment.started_at + allowed


# --- Collecting and grading --------------------------------------------------------------------------------------


def _collect(experiment: Experiment) -> None:
    running = experiment.results.filter(status=ResultStatus.RUNNING).select_related("run")
    for result in running:
        run = result.run
        if run is None:
            _fail(result, "run_missing", "The case's run is gone.")
        elif run.status in FINAL_STATES or run.status in WAITING:
            _grade(experiment, result, run)


def _output_of(run: Run) -> Any:
    """What a run produced: its output when it succeeded, the output it proposes while waiting for approval, or
    ``{"asked": [questions]}`` when it asked for what it lacks (a case may expect an agent to ask, not invent)."""
    if run.status in (RunStatus.SUCCEEDED, RunStatus.AWAITING_APPROVAL) and run.output is not None:
        return run.output
    if run.status == RunStatus.AWAITING_INPUT:
        asked = run.input_requests.filter(status=InputRequestStatus.PENDING).order_by("-requested_at").first()
        return {"asked": asked.questions} if asked is not None else None
    return None


def _grade(experiment: Experiment, result: ExperimentResult, run: Run) -> None:
    output = _output_of(run)
    if output is None:
        code = run.error_code or run.status
        grades: list[dict[str, Any]] = []
        auto: str = Outcome.FAILED
        error = (code, run.error_message or f"The run ended {run.status}.")
    elif run.status == RunStatus.AWAITING_INPUT and not result.snapshot.get("graders"):
        grades, auto = [], Outcome.FAILED  # a case that expects no questions cannot pass on questions
        error = ("awaiting_input", "The run asked questions; the case has no graders that expect them.")
    else:
        grades = [_one_grade(experiment, result, grader, output) for grader in result.snapshot.get("graders", [])]
        auto, error = case_outcome(grades), ("", "")
    if run.status in WAITING:
        _stop_waiting(run)
    ended = run.finished_at or run.updated_at
    latency = max(0, int((ended - run.started_at).total_seconds() * 1000)) if run.started_at and ended else None
    ExperimentResult.objects.filter(pk=result.pk, status=ResultStatus.RUNNING).update(
        status=ResultStatus.GRADED, auto_outcome=auto, outcome=result.human_outcome or auto, grades=grades,
        output=output, error_code=error[0][:50], error_message=error[1], cost=run.cost, tokens_in=run.tokens_in,
        tokens_out=run.tokens_out, latency_ms=latency, graded_at=timezone.now(),
    )  # fmt: skip


def _one_grade(experiment: Experiment, result: ExperimentResult, grader: dict[str, Any], output: Any) -> dict:
    try:
        if grader["kind"] == GraderKind.JUDGE:
            return judge_grade(experiment, result, grader, output).as_dict()
        return grade_deterministic(grader, output, result.snapshot.get("reference_output")).as_dict()
    except Exception as exc:  # a grader must never stop the experiment: it did not grade
        logger.exception("grader %s failed on result %s", grader.get("kind"), result.pk)
        label = grader_label(grader) if isinstance(grader, dict) and "kind" in grader else "grader"
        return {"grader": label, "kind": grader.get("kind", ""), "outcome": Outcome.NOT_GRADED,
                "detail": f"the grader failed: {type(exc).__name__}"}  # fmt: skip


def _stop_waiting(run: Run) -> None:
    """An evaluation run waits for nobody: what it proposed was graded, so it is cancelled."""
    with contextlib.suppress(RunStateError):
        run_cancel(run=run, actor=EVALUATOR, reason="Evaluation case: graded as it was; nobody decides on it.")


def _fail(result: ExperimentResult, code: str, message: str, *, status: str = ResultStatus.GRADED) -> None:
    ExperimentResult.objects.filter(pk=result.pk, status__in=[ResultStatus.PENDING, ResultStatus.RUNNING]).update(
        status=status, auto_outcome=Outcome.FAILED, outcome=Outcome.FAILED, error_code=code, error_message=message,
        graded_at=timezone.now(),
    )  # fmt: skip


# --- Launching ---------------------------------------------------------------------------------------------------


def _launch(experiment: Experiment, *, inline: bool) -> None:
    experiment.refresh_from_db(fields=["status", "spent", "reserved", "budget"])
    if experiment.status != ExperimentStatus.RUNNING:
        return
    room = experiment.concurrency - experiment.results.filter(status=ResultStatus.RUNNING).count()
    pending = list(experiment.results.filter(status=ResultStatus.PENDING).order_by("id")[: max(room, 0)])
    for result in pending:
        if experiment.budget and experiment.spent >= experiment.budget:
            for left in experiment.results.filter(status=ResultStatus.PENDING):
                _fail(left, "experiment_budget", "The experiment's budget was spent before this case ran.")
            return
        _start_case(experiment, result, inline=inline)
        if inline:
            experiment.refresh_from_db(fields=["status", "spent", "reserved", "budget"])


def _start_case(experiment: Experiment, result: ExperimentResult, *, inline: bool) -> None:
    version = experiment.version
    data = result.snapshot.get("input") or {}
    errors = schema_errors(version.input_validator, data) if isinstance(data, dict) else ["(root): not an object"]
    if errors:
        _fail(result, "invalid_input", f"v{version.number}'s input schema refuses the case: {'; '.join(errors[:5])}")
        return
    with transaction.atomic():
        if not ExperimentResult.objects.filter(pk=result.pk, status=ResultStatus.PENDING).update(
            status=ResultStatus.RUNNING
        ):
            return
        run = lifecycle.run_insert(
            workspace=evaluation_workspace(), agent_version=version, requested_by=experiment.created_by, input=data,
            evaluation=True, request_id=context.current().request_id,
        )  # fmt: skip
        ExperimentResult.objects.filter(pk=result.pk).update(run=run)
        audit_log(
            "run.create", actor=EVALUATOR, workspace=run.workspace_id, target=run,
            changes={"agent": [None, version.agent.slug], "experiment": [None, experiment.pk],
                     "case": [None, result.case_name]},
        )  # fmt: skip
        if not inline:
            transaction.on_commit(lambda: run_enqueue(run))
    if inline:
        from agents.runs.runtime import run_execute  # the worker's side, in this process

        run_execute(str(run.pk))


# --- Finishing, cancelling -----------------------------------------------------------------------------------------


def percentile(values: list[int], pct: int) -> int | None:
    """Nearest rank, as the analytics rollups compute it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, -(-pct * len(ordered) // 100)) - 1]


def experiment_summary(experiment: Experiment) -> dict[str, Any]:
    """The figures of an experiment from its results: outcomes overall and per grader, cost, tokens, latency."""
    results = list(experiment.results.all())
    outcomes = [r.outcome for r in results]
    per_grader: dict[str, dict[str, Any]] = {}
    for result in results:
        for grade in result.grades:
            entry = per_grader.setdefault(grade["grader"], {"kind": grade["kind"], "passed": 0, "failed": 0,
                                                            "not_graded": 0})  # fmt: skip
            entry[grade["outcome"]] = entry.get(grade["outcome"], 0) + 1
    for entry in per_grader.values():
        total = entry["passed"] + entry["failed"] + entry["not_graded"]
        entry["rate"] = entry["passed"] / total if total else None
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    sums = experiment.results.aggregate(cost=Sum("cost"), tokens_in=Sum("tokens_in"), tokens_out=Sum("tokens_out"))
    passed = outcomes.count(Outcome.PASSED)
    return {
        "cases_total": len(results),
        "passed": passed,
        "failed": outcomes.count(Outcome.FAILED),
        "not_graded": outcomes.count(Outcome.NOT_GRADED),
        "pass_rate": passed / len(results) if results else None,
        "graders": per_grader,
        "runs_cost": sums["cost"] or Decimal("0"),
        "tokens_in": sums["tokens_in"] or 0,
        "tokens_out": sums["tokens_out"] or 0,
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


def _finish(experiment: Experiment, status: str, error: str = "") -> None:
    summary = experiment_summary(experiment)
    with transaction.atomic():
        moved = Experiment.objects.filter(pk=experiment.pk, status__in=EXPERIMENT_ACTIVE).update(
            status=status, finished_at=timezone.now(), reserved=Decimal("0"), error=error, **summary
        )
        if not moved:
            experiment.refresh_from_db()
            return
        experiment.refresh_from_db()
        audit_log(
            f"experiment.{status}", actor=EVALUATOR, workspace=experiment.dataset.workspace_id, target=experiment,
            changes={"pass_rate": [None, experiment.pass_rate], "passed": [None, experiment.passed],
                     "cases": [None, experiment.cases_total], "spent": [None, str(experiment.spent)]},
        )  # fmt: skip


def _give_up(experiment: Experiment, why: str) -> None:
    for result in experiment.results.filter(status=ResultStatus.RUNNING).select_related("run"):
        if result.run is not None and result.run.status not in FINAL_STATES:
            with contextlib.suppress(RunStateError):
                run_cancel(run=result.run, actor=EVALUATOR, reason=why)
        _fail(result, "experiment_timed_out", why, status=ResultStatus.CANCELLED)
    for result in experiment.results.filter(status=ResultStatus.PENDING):
        _fail(result, "experiment_timed_out", why, status=ResultStatus.CANCELLED)
    _finish(experiment, ExperimentStatus.FAILED, why)


def experiment_cancel(*, experiment: Experiment, actor: Actor, reason: str = "") -> Experiment:
    """Stop an experiment: its cases in flight are cancelled, those not started never run. It does not count for
    the gate."""
    why = reason or "Cancelled."
    with transaction.atomic():
        if not Experiment.objects.filter(pk=experiment.pk, status__in=EXPERIMENT_ACTIVE).update(
            status=ExperimentStatus.CANCELLED, finished_at=timezone.now(), error=why
        ):
            raise EvalStateError("experiment_final", f"{experiment} has already ended.")
        audit_log(
            "experiment.cancel",
            actor=actor,
            workspace=experiment.dataset.workspace_id,
            target=experiment,
            changes={"status": [experiment.status, ExperimentStatus.CANCELLED], "reason": [None, why]},
        )
    for result in experiment.results.filter(status=ResultStatus.RUNNING).select_related("run"):
        if result.run is not None and result.run.status not in FINAL_STATES:
            with contextlib.suppress(RunStateError):
                run_cancel(run=result.run, actor=actor, reason=f"Experiment #{experiment.pk} cancelled.")
    experiment.results.filter(status__in=[ResultStatus.PENDING, ResultStatus.RUNNING]).update(
        status=ResultStatus.CANCELLED
    )
    Experiment.objects.filter(pk=experiment.pk).update(reserved=Decimal("0"), **experiment_summary(experiment))
    experiment.refresh_from_db()
    return experiment


# --- A person's grade ------------------------------------------------------------------------------------------


@transaction.atomic
def result_grade(*, result: ExperimentResult, actor: Actor, outcome: str, note: str = "") -> ExperimentResult:
    """A person's pass or fail (``outcome`` "" clears it): it overrides the automatic grade, and the experiment's
    figures follow. Audited with what it was before."""
    if outcome not in ("", Outcome.PASSED, Outcome.FAILED):
        raise EvalError("invalid_grade", "A person grades passed or failed.", {"outcome": ["passed or failed"]})
    if result.status != ResultStatus.GRADED:
        raise EvalStateError("not_graded_yet", "Only a case that ran and was graded can be graded by a person.")
    before = {"human_outcome": result.human_outcome, "human_note": result.human_note, "outcome": result.outcome}
    result.human_outcome, result.human_note = outcome, note
    result.human_by, result.human_at = actor.user, timezone.now()
    result.outcome = outcome or result.auto_outcome
    result.save(update_fields=["human_outcome", "human_note", "human_by", "human_at", "outcome"])
    after = {"human_outcome": outcome, "human_note": note, "outcome": result.outcome}
    experiment = result.experiment
    audit_log(
        "experimentresult.grade", actor=actor, workspace=experiment.dataset.workspace_id, target=result,
        changes={key: [before[key], after[key]] for key in after if before[key] != after[key]},
    )  # fmt: skip
    if not experiment.is_active:
        Experiment.objects.filter(pk=experiment.pk).update(**experiment_summary(experiment))
    return result


def experiment_spend_totals(experiment: Experiment) -> dict[str, Any]:
    """Cost and tokens: the runs', the judges' and both."""
    return {
        "runs_cost": experiment.runs_cost,
        "judge_cost": experiment.judge_cost,
        "cost": experiment.spent,
        "tokens_in": experiment.tokens_in + experiment.judge_tokens_in,
        "tokens_out": experiment.tokens_out + experiment.judge_tokens_out,
    }
