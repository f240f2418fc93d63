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
from collections.abc import Callable
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection
from django.utils import timezone

from agents import registry
from agents.choices import RunEventType, RunStatus, StepKind, StepStatus
from agents.models import AgentVersion, Run, RunStep
from agents.selectors import workspace_month_spend
from raptorflow import context, metrics
from raptorflow.audit.actors import Actor
from raptorflow.jsonschema import schema_errors, validator_for
from raptorflow.llm.budget import Budgets, CallRefused, call_check
from raptorflow.llm.client import Attempt, complete_with_fallback
from raptorflow.llm.errors import ProviderError
from raptorflow.llm.models import Provider
from raptorflow.llm.pricing import ZERO, completion_cost
from raptorflow.llm.types import CompletionRequest, Message
from skills import registry as skill_registry
from skills import tools as tool_registry
from skills.registry import SkillSpec
from skills.selectors import skill_usable

from . import lifecycle
from .errors import RunAborted, RunSuperseded

logger = logging.getLogger(__name__)
WORKER = Actor.system("worker")
RECENT_RUNS_MAX = 20


class Heartbeat(threading.Thread):
    """Touches the run's heartbeat while the worker process lives; the sweeper reads it."""

    def __init__(self, run: Run):
        super().__init__(name=f"heartbeat-{run.pk}", daemon=True)
        self.run_id, self.attempt = run.pk, run.attempt
        self.interval = max(0.5, settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS / 4)
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                lifecycle.run_heartbeat(self.run_id, self.attempt)
        except Exception:  # never let the heartbeat kill the worker; a stale heartbeat is recoverable
            logger.warning("heartbeat for run %s stopped", self.run_id, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


class RunContext:
    """What an agent's code sees of the platform while its run executes (agents.registry.AgentContext)."""

    def __init__(self, run: Run):
        self.run = run
        self.version: AgentVersion = run.agent_version
        self.foundation: dict[str, Any] = run.workspace.foundation
        self.deadline = time.monotonic() + self.version.timeout_seconds
        # A retried run continues its step numbering; a first attempt has no steps yet.
        self._sequence = run.steps.count() if run.attempt > 1 else 0
        self._claim_fresh = True

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
        self.checkpoint()
        instructions = "\n\n".join(p for p in (self.version.system_prompt, system) if p)
        messages = (Message("system", instructions),) if instructions else ()
        request = CompletionRequest(
            messages=(*messages, Message("user", prompt)),
            model="",
            temperature=self.version.temperature,
            max_tokens=self.version.max_tokens,
        )
        completion, _ = complete_with_fallback(
            self._chain(),
            request,
            use_cache=self.version.cache_responses and self.version.temperature == 0,
            before_call=self._check_budget,
            after_attempt=lambda attempt: self._record_llm(attempt, purpose or "llm", prompt),
        )
        return completion.text

    def progress(self, message: str, **data: Any) -> None:
        lifecycle.run_event_append(self.run.pk, RunEventType.PROGRESS, {"message": message, **data})

    def workspace_runs(self, *, agent: str = "", limit: int = 5) -> list[dict[str, Any]]:
        """Earlier successful runs of this run's workspace (newest first), for the workspace.lookup tool."""
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

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def _step(self, kind: str, name: str, data: dict[str, Any], call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        # Written once, when it ends (as LLM steps are): a step's row and its event appear together.
        step = RunStep(run=self.run, sequence=self._next_sequence(), kind=kind, name=name, input=data)
        started = time.monotonic()
        try:
            output = call()
        except (RunAborted, RunSuperseded, SoftTimeLimitExceeded):
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

    # --- LLM calls -------------------------------------------------------------------

    def _chain(self) -> list[tuple[Provider, str]]:
        entries = [e for e in self.version.model_chain if isinstance(e, dict) and e.get("provider") and e.get("model")]
        providers = Provider.objects.in_bulk([e["provider"] for e in entries], field_name="name")
        chain = [(providers[e["provider"]], e["model"]) for e in entries if e["provider"] in providers]
        if not chain:
            raise RunAborted(
                RunStatus.FAILED,
                "no_provider",
                f"{self.version} has no configured provider in its model chain; set one in the admin.",
            )
        return chain

    def _check_budget(self, provider: Provider, request: CompletionRequest) -> None:
        """Before each paid call: would its worst case break the run's or the workspace's budget?"""
        if provider.kind == "offline":
            return
        budgets = Budgets(
            run_spent=lifecycle.run_spent(self.run.pk),
            run_budget=self.version.run_budget,
            month_spent=workspace_month_spend(self.run.workspace),
            monthly_budget=self.run.workspace.monthly_budget,
        )
        try:
            call_check(provider.kind, request, budgets, at=timezone.now())
        except CallRefused as refusal:
            status = RunStatus.BUDGET_EXCEEDED if refusal.over_budget else RunStatus.FAILED
            raise RunAborted(status, refusal.code, refusal.message) from None

    def _record_llm(self, attempt: Attempt, purpose: str, prompt: str) -> None:
        completion, error = attempt.completion, attempt.error
        cost = (
            completion_cost(completion, attempt.provider.kind, timezone.now(), model=attempt.model)
            if completion
            else ZERO
        )
        metrics.llm_attempt(attempt, cost)
        usage = completion.usage if completion else None
        step = RunStep.objects.create(
            run=self.run,
            sequence=self._next_sequence(),
            kind=StepKind.LLM,
            name=purpose,
            input={"prompt": prompt[:4000]},
            output={"text": completion.text, "offline": completion.offline} if completion else None,
            status=StepStatus.SUCCEEDED if completion else StepStatus.FAILED,
            error=f"{error.code}: {error.message}" if error else "",
            provider=attempt.provider.name,
            model=attempt.model,
            tokens_in=usage.input_tokens if usage else 0,
            tokens_out=usage.output_tokens if usage else 0,
            cost=cost,
            latency_ms=attempt.latency_ms,
            cache_hit=bool(completion and completion.cache_hit),
            finished_at=timezone.now(),
        )
        if usage:
            lifecycle.run_charge(self.run, cost=step.cost, tokens_in=step.tokens_in, tokens_out=step.tokens_out)
        lifecycle.run_event_append(
            self.run.pk,
            RunEventType.STEP,
            {
                "sequence": step.sequence,
                "kind": "llm",
                "name": purpose,
                "status": step.status,
                "provider": step.provider,
                "cache_hit": step.cache_hit,
                **({"error": error.code} if error else {}),
            },
        )


def run_execute(run_id: str) -> str | None:
    """Claim and execute a run. Returns its final (or waiting) status, or None if it was not ours to run."""
    run = lifecycle.run_claim(run_id)
    if run is None:
        return None
    agent = run.agent_version.agent.slug
    started, status = metrics.run_started(agent), None
    with context.bind(request_id=run.request_id or context.new_request_id()):
        heartbeat = Heartbeat(run)
        heartbeat.start()
        try:
            status = _execute(run)
            return status
        finally:
            heartbeat.stop()
            metrics.run_finished(agent, status, started)


def _execute(run: Run) -> str | None:
    ctx = RunContext(run)
    try:
        spec = registry.get(run.agent_version.agent.slug)
        output = spec.run(ctx, run.input)
        ctx.validate(run.agent_version.output_schema, output, "invalid_output", "agent's output")
        ctx.checkpoint(database=False)
    except RunSuperseded:
        logger.warning("run %s was taken over by a later attempt; stopping", run.pk)
        return None
    except RunAborted as abort:
        return _end(run, abort.status, abort.code, abort.message)
    except SoftTimeLimitExceeded:
        return _end(run, RunStatus.TIMED_OUT, "timed_out", "The run exceeded the worker's time limit.")
    except ProviderError as exc:
        return _end(run, RunStatus.FAILED, exc.code, exc.message)
    except tool_registry.ToolError as exc:
        return _end(run, RunStatus.FAILED, "tool_error", str(exc))
    except KeyError as exc:
        if exc.args and exc.args[0] == run.agent_version.agent.slug:
            return _end(run, RunStatus.FAILED, "agent_not_installed", "This agent's code is not installed.")
        return _crash(run, exc)
    except Exception as exc:
        return _crash(run, exc)
    return _succeed(run, output)


def _succeed(run: Run, output: dict[str, Any]) -> str:
    gated = run.agent_version.requires_approval
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
