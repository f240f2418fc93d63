"""The runtime: executes one claimed run of an agent, step by step.

Everything a run does goes through a RunContext, so that each skill, tool and
LLM call becomes a RunStep (input, output, tokens, cost, latency, cache hit)
and a RunEvent, and so that between steps the runtime can heartbeat, notice a
cancel, enforce the timeout and check the budget before any paid call. State
changes are the lifecycle's (agents/runs/lifecycle.py); budget and price
arithmetic is the LLM layer's (raptorflow/llm/budget.py): this module asks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection
from django.utils import timezone

from agents import registry
from agents.choices import ApprovalStatus, RunEventType, RunStatus, StepKind, StepStatus
from agents.evals.ledger import case_foundation
from agents.models import AgentVersion, Run, RunStep
from agents.registry import ModelAnswer, ModelUnavailable
from raptorflow import context, metrics, tracing
from raptorflow.audit.actors import Actor
from raptorflow.jsonschema import schema_errors, validator_for
from raptorflow.llm.errors import ErrorCode, ProviderError
from skills import registry as skill_registry
from skills import tools as tool_registry
from skills.registry import SkillSpec
from skills.selectors import skill_usable

from . import lifecycle
from .errors import RunAborted, RunSuperseded
from .lifecycle import ApprovalCall, InputAsk, RunId
from .model import CallPaused, ModelCalls


class InputPaused(Exception):
    """The agent asked questions: the run now waits for answers (the lifecycle has opened the request)."""


logger = logging.getLogger(__name__)
WORKER = Actor.system("worker")
RECENT_RUNS_MAX = 20


class Heartbeats:
    """Touches the heartbeat of every run this process executes, from one thread per process; the sweeper reads it.

    A run joins when its execution starts and leaves when it ends. The thread wakes every quarter of
    ``RAPTORFLOW_HEARTBEAT_STALE_SECONDS`` and touches the runs it finds (the claim set the first heartbeat), so a
    run shorter than that costs no thread, no query and no join: two dictionary operations. It connects to the
    database for each beat and closes the connection after (one beat per interval, whatever the number of runs).
    Started on first use in the process that executes (a Celery pool process), and again after a fork.
    """

    def __init__(self) -> None:
        self._runs: dict[RunId, int] = {}  # run → the attempt this process executes
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, run: Run) -> None:
        with self._lock:
            self._runs[run.pk] = run.attempt
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._beat, name="run-heartbeats", daemon=True)
                self._thread.start()

    def discard(self, run: Run) -> None:
        with self._lock:
            self._runs.pop(run.pk, None)

    def _beat(self) -> None:
        interval = max(0.5, settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS / 4)
        while True:
            time.sleep(interval)
            with self._lock:
                runs = list(self._runs.items())
            if not runs:
                continue
            try:
                for run_id, attempt in runs:
                    lifecycle.run_heartbeat(run_id, attempt)
            except Exception:  # never let the heartbeat stop; a stale heartbeat is recoverable, and retried next time
                logger.warning("heartbeat for runs %s failed", [str(run_id) for run_id, _ in runs], exc_info=True)
            finally:
                connection.close()  # connected for a moment per beat, not held: workers' connections stay counted


HEARTBEATS = Heartbeats()


class RunContext:
    """What an agent's code sees of the platform while its run executes (agents.registry.AgentContext).

    Steps are numbered in the order the agent takes them. A run executed again (its worker died, or a person
    approved a call it was waiting on) **replays** its recorded steps: as long as each step it takes is the one
    recorded under that number (same kind, name and input; for a model call, the same request), the recorded
    output is returned and nothing is executed or charged again. At the first step that differs, or past the
    last record, it goes live, numbering new steps after the recorded ones.
    """

    def __init__(self, run: Run):
        self.run = run
        self.version: AgentVersion = run.agent_version
        # An evaluation run sees its case's foundation (agents/evals), not the evaluation workspace's.
        self.foundation: dict[str, Any] = case_foundation(run.pk) if run.evaluation else run.workspace.foundation
        # A follow-up revises its parent's result: the model sees what was asked, what came out, and the instructions.
        self.follow_up: dict[str, Any] | None = None
        if run.parent_id is not None:
            parent: Mapping[str, Any] = Run.objects.filter(pk=run.parent_id).values("input", "output").first() or {}
            self.follow_up = {
                "instructions": run.instructions,
                "earlier_input": parent.get("input"),
                "earlier_output": parent.get("output"),
            }
        self.deadline = time.monotonic() + self.version.timeout_seconds
        self._claim_fresh = True
        # A first attempt has no steps: skip the query.
        recorded = list(run.steps.order_by("sequence")) if run.attempt > 1 else []
        self._recorded = {step.sequence: step for step in recorded}
        self._cursor = 0  # the number of the step being replayed
        self._live_from = max(self._recorded, default=0)  # new steps are numbered after every record
        self._live = not recorded
        self._model = ModelCalls(self)

    # --- what agents call -------------------------------------------------------

    def skill(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        self.checkpoint()
        spec = self._enabled_skill(slug)
        self.validate(spec.input_schema, data, "invalid_skill_input", f"input of skill {slug}")
        output = self._step(StepKind.SKILL, slug, data, lambda: spec.func(data, self))
        self.validate(spec.output_schema, output, "invalid_skill_output", f"output of skill {slug}")
        return output

    def tool(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        self.checkpoint()
        try:
            func = tool_registry.get(name)
        except KeyError:
            raise RunAborted(RunStatus.FAILED, "unknown_tool", f"No tool named {name!r}.") from None
        return self._step(StepKind.TOOL, name, data, lambda: func(data, self))

    def llm(self, prompt: str, *, system: str = "", purpose: str = "") -> str:
        return self._model.text(prompt, system, purpose or "llm")

    def llm_json(
        self, prompt: str, *, schema: dict[str, Any], name: str = "answer", system: str = "", purpose: str = ""
    ) -> dict[str, Any]:
        return self._model.json(self._model.messages(prompt, system), schema, name, purpose or "llm_json")

    def llm_loop(
        self, prompt: str, *, system: str = "", purpose: str = "", schema: dict[str, Any] | None = None
    ) -> ModelAnswer:
        return self._model.loop(self._model.messages(prompt, system), purpose or "llm_loop", schema, "answer")

    def ask(self, questions: list[dict[str, Any]]) -> dict[str, Any]:
        """The answers to ``questions`` (by key), once someone gave them; until then the run waits for them."""
        self.checkpoint()
        errors = schema_errors(validator_for(registry.QUESTIONS_SCHEMA), questions)
        if errors or len({q["key"] for q in questions}) != len(questions):
            raise ValueError(f"ask() needs questions with distinct keys: {'; '.join(errors[:5]) or 'a key repeats'}")
        data = {"questions": questions}
        recorded = self.replayed(StepKind.INPUT, "ask", data)
        if recorded is not None:
            return dict(recorded.output or {})
        ask = InputAsk(step=self._peek_live_step(), questions=questions)
        answered = lifecycle.input_answered(self.run.pk, ask)
        if answered is not None:
            answers = dict(answered.answers or {})
            return self._step(StepKind.INPUT, "ask", data, lambda: answers)
        moved = lifecycle.run_transition(
            self.run,
            to=RunStatus.AWAITING_INPUT,
            allowed_from={RunStatus.RUNNING},
            actor=WORKER,
            expected_attempt=self.run.attempt,
            input_ask=ask,
        )
        if not moved:  # cancelled or taken over meanwhile: the next checkpoint says which
            self.checkpoint()
        raise InputPaused()

    def progress(self, message: str, **data: Any) -> None:
        lifecycle.run_event_append(self.run.pk, RunEventType.PROGRESS, {"message": message, **data})

    def workspace_runs(self, *, agent: str = "", limit: int = 5) -> list[dict[str, Any]]:
        """Earlier successful runs of this run's workspace (newest first), for the workspace.lookup tool. An
        evaluation run has none: its workspace holds other experiments' cases, not a company's history."""
        if self.run.evaluation:
            return []
        runs = Run.objects.filter(workspace_id=self.run.workspace_id, status=RunStatus.SUCCEEDED).exclude(
            pk=self.run.pk
        )
        if agent:
            runs = runs.filter(agent_version__agent__slug=agent)
        limit = max(1, min(limit, RECENT_RUNS_MAX))
        rows = runs.order_by("-created_at").values("id", "agent_version__agent__slug", "created_at", "output")
        return [
            {"id": str(r["id"]), "agent": r["agent_version__agent__slug"], "created_at": r["created_at"].isoformat(),
             "output": r["output"]}
            for r in rows[:limit]
        ]  # fmt: skip

    # --- between steps -------------------------------------------------------------

    def checkpoint(self, *, database: bool = True) -> None:
        """Heartbeat, and stop here if the run was cancelled, taken over or is out of time.

        Before the first step the claim has just done both, so that one only checks the clock;
        ``database=False`` does the same after the last step, whose outcome is a conditional
        transition from running anyway (a cancel that arrived meanwhile wins there).
        """
        if self._claim_fresh or not database:
            self._claim_fresh = False
            self._check_deadline()
            return
        status = lifecycle.run_checkpoint(self.run.pk, self.run.attempt)
        if status is None:
            raise RunSuperseded()
        if status == RunStatus.CANCELLING:
            raise RunAborted(RunStatus.CANCELLED, "cancelled", "Cancelled while running.")
        self._check_deadline()

    def validate(self, schema: dict[str, Any], value: Any, code: str, what: str) -> None:
        errors = schema_errors(validator_for(schema), value)
        if errors:
            raise RunAborted(RunStatus.FAILED, code, f"The {what} does not match its schema: {'; '.join(errors[:5])}")

    def gate(self, kind: str, name: str, data: dict[str, Any]) -> None:
        """Before a sensitive call the model asked for: go on if a person approved this very call, stop the run
        if they rejected it, else make the run wait for them (CallPaused)."""
        call = ApprovalCall(step=self._peek_live_step(), kind=kind, name=name, input=data)
        decided = lifecycle.approval_for_call(self.run.pk, call)
        if decided is not None and decided.status == ApprovalStatus.APPROVED:
            return
        if decided is not None:
            raise RunAborted(RunStatus.CANCELLED, "rejected", f"A person did not allow the call of {name}.")
        reason = f"The model wants to call {name}, which is marked sensitive: a person approves each call."
        moved = lifecycle.run_transition(
            self.run,
            to=RunStatus.AWAITING_APPROVAL,
            allowed_from={RunStatus.RUNNING},
            actor=WORKER,
            expected_attempt=self.run.attempt,
            approval_reason=reason,
            approval_call=call,
        )
        if not moved:  # cancelled or taken over meanwhile: the next checkpoint says which
            self.checkpoint()
        raise CallPaused()

    def _check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise RunAborted(
                RunStatus.TIMED_OUT, "timed_out", f"The run exceeded its {self.version.timeout_seconds} s limit."
            )

    def _enabled_skill(self, slug: str) -> SkillSpec:
        if not skill_usable(slug):
            raise RunAborted(
                RunStatus.FAILED,
                "skill_disabled",
                f"Skill {slug!r} is disabled or not installed; an administrator can enable it in Skills.",
            )
        return skill_registry.get(slug)

    # --- step numbers and replay -------------------------------------------------------

    def replayed(self, kind: str, name: str, data: dict[str, Any]) -> RunStep | None:
        """The recorded step this one repeats, or None (and from then on, live)."""
        if self._live:
            return None
        step = self._recorded.get(self._cursor + 1)
        if (
            step is not None
            and step.status == StepStatus.SUCCEEDED
            and (step.kind, step.name, step.input)
            == (
                kind,
                name,
                data,
            )
        ):
            self._cursor += 1
            return step
        self._live = True
        return None

    def replayed_llm(self, fingerprint: str) -> RunStep | None:
        """The recorded answer of this model call: its successful attempt, past the failed ones of the chain.

        A call whose every attempt was refused as ``model_unavailable`` (offline: no JSON, no tools) is replayed
        as that refusal (ModelUnavailable), which the agent answered by taking its offline path: made again, it
        would take new step numbers, and the answers to questions asked after it would no longer be found.
        """
        if self._live:
            return None
        position, refused = self._cursor + 1, None
        while (step := self._recorded.get(position)) is not None and _is_call(step, fingerprint):
            if step.status == StepStatus.SUCCEEDED:
                self._cursor = position
                return step
            refused = step if step.error.startswith(ErrorCode.MODEL_UNAVAILABLE) else None
            position += 1
        if refused is not None:
            self._cursor = position - 1
            raise ModelUnavailable(refused.error.partition(": ")[2] or refused.error)
        self._live = True
        return None

    def next_live_step(self) -> int:
        self._live = True
        self._live_from += 1
        return self._live_from

    def _peek_live_step(self) -> int:
        return self._live_from + 1

    def steps_taken(self) -> int:
        return self._live_from

    def _step(self, kind: str, name: str, data: dict[str, Any], call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        recorded = self.replayed(kind, name, data)
        if recorded is not None:
            return dict(recorded.output or {})
        # Written once, when it ends (as model calls are): a step's row and its event appear together.
        step = RunStep(run=self.run, sequence=self.next_live_step(), kind=kind, name=name, input=data)
        started = time.monotonic()
        attributes: tracing.Attributes = {
            "raptorflow.step.kind": kind,
            "raptorflow.step.name": name,
            "raptorflow.step.sequence": step.sequence,
        }
        try:
            with tracing.span(f"run.step {kind} {name}", attributes):
                output = call()
        except (RunAborted, RunSuperseded, CallPaused, InputPaused, SoftTimeLimitExceeded):
            self._finish(step, started, StepStatus.FAILED, error="stopped")
            raise
        except Exception as exc:
            self._finish(step, started, StepStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
            raise
        self._finish(step, started, StepStatus.SUCCEEDED, output=output)
        return output

    def _finish(
        self, step: RunStep, started: float, status: str, *, output: dict[str, Any] | None = None, error: str = ""
    ) -> None:
        step.status, step.output, step.error = status, output, error
        step.latency_ms = int((time.monotonic() - started) * 1000)
        step.finished_at = timezone.now()
        step.save(force_insert=True)
        lifecycle.run_event_append(
            self.run.pk,
            RunEventType.STEP,
            {"sequence": step.sequence, "kind": step.kind, "name": step.name, "status": status},
        )


def _is_call(step: RunStep, fingerprint: str) -> bool:
    return step.kind == StepKind.LLM and isinstance(step.input, dict) and step.input.get("fingerprint") == fingerprint


def run_execute(run_id: str) -> str | None:
    """Claim and execute a run. Returns its final (or waiting) status, or None if it was not ours to run.

    Traced in the run's trace (raptorflow/tracing.py): the claim, then the execution with each step, each model
    call and the final transition inside it.
    """
    with tracing.span("run.claim", {"raptorflow.run.id": str(run_id)}) as claim:
        run = lifecycle.run_claim(run_id)
        claim.set_attribute("raptorflow.run.claimed", run is not None)
    if run is None:
        return None
    agent = run.agent_version.agent.slug
    started, status = metrics.run_started(agent), None
    attributes: tracing.Attributes = {
        "raptorflow.run.id": str(run.pk),
        "raptorflow.run.attempt": run.attempt,
        "gen_ai.agent.name": agent,
    }
    with (
        tracing.continued(f"run.execute {agent}", run.traceparent, attributes),
        context.bind(request_id=run.request_id or context.new_request_id()),
    ):
        HEARTBEATS.add(run)
        try:
            status = _execute(run)
            return status
        finally:
            HEARTBEATS.discard(run)
            metrics.run_finished(agent, status, started)


def _execute(run: Run) -> str | None:
    ctx = RunContext(run)
    try:
        spec = registry.get(run.agent_version.agent.slug)
        output = spec.run(ctx, run.input)
        ctx.validate(run.agent_version.output_schema, output, "invalid_output", "agent's output")
        ctx.checkpoint(database=False)
    except Exception as exc:
        return _stopped(run, exc)
    return _succeed(run, output)


def _stopped(run: Run, exc: Exception) -> str | None:
    """How a run that stopped before its output ends: its final (or waiting) status, None if not ours anymore."""
    if isinstance(exc, RunSuperseded):
        logger.warning("run %s was taken over by a later attempt; stopping", run.pk)
        return None
    if isinstance(exc, CallPaused | InputPaused):
        return run.status  # awaiting_approval or awaiting_input: a person decides, or answers
    ended = _known_end(run, exc)
    if ended is not None:
        return _end(run, *ended)
    return _crash(run, exc)


def _known_end(run: Run, exc: Exception) -> tuple[str, str, str] | None:
    """(status, code, message) for the ways a run is expected to stop; None for a crash."""
    if isinstance(exc, RunAborted):
        return exc.status, exc.code, exc.message
    if isinstance(exc, SoftTimeLimitExceeded):
        return RunStatus.TIMED_OUT, "timed_out", "The run exceeded the worker's time limit."
    if isinstance(exc, ModelUnavailable):
        return RunStatus.FAILED, "model_unavailable", exc.message
    if isinstance(exc, ProviderError):
        return RunStatus.FAILED, exc.code, exc.message
    if isinstance(exc, tool_registry.ToolError):
        return RunStatus.FAILED, "tool_error", str(exc)
    if isinstance(exc, KeyError) and exc.args and exc.args[0] == run.agent_version.agent.slug:
        return RunStatus.FAILED, "agent_not_installed", "This agent's code is not installed."
    return None


def _succeed(run: Run, output: dict[str, Any]) -> str:
    gated = run.agent_version.requires_approval
    if run.parent_id is not None and not run.steps.filter(kind=StepKind.LLM, status=StepStatus.SUCCEEDED).exists():
        # A follow-up's instructions are for a model; without one the result is only recomputed from the input.
        lifecycle.run_event_append(
            run.pk,
            RunEventType.PROGRESS,
            {"message": "No model answered, so the instructions were not applied: this result is recomputed from "
             "the input (with its changes) alone. Configure a model provider to revise with instructions.",
             "needs_model": ["instructions"]},
        )  # fmt: skip
    moved = lifecycle.run_transition(
        run,
        to=RunStatus.AWAITING_APPROVAL if gated else RunStatus.SUCCEEDED,
        allowed_from={RunStatus.RUNNING},
        actor=WORKER,
        expected_attempt=run.attempt,
        approval_reason=f"{run.agent_version} requires a person to approve its output." if gated else "",
        output=output,
    )
    if moved:
        return run.status
    # A cancel arrived after the last step: the cancel wins.
    return _end(run, RunStatus.CANCELLED, "cancelled", "Cancelled while running.")


def _end(run: Run, status: str, code: str, message: str) -> str:
    allowed = {RunStatus.RUNNING, RunStatus.CANCELLING}
    if status != RunStatus.CANCELLED and lifecycle.run_is_cancelling(run.pk):
        status, code, message = RunStatus.CANCELLED, "cancelled", "Cancelled while running."
    lifecycle.run_transition(
        run,
        to=RunStatus(status),
        allowed_from=allowed,
        actor=WORKER,
        data={"code": code},
        expected_attempt=run.attempt,
        error_code=code,
        error_message=message,
    )
    return run.status


def _crash(run: Run, exc: Exception) -> str:
    logger.exception("run %s crashed", run.pk)
    return _end(
        run,
        RunStatus.FAILED,
        "internal_error",
        f"An unexpected error stopped the run ({type(exc).__name__}); request id {context.current().request_id}.",
    )
