"""The runtime: executes one claimed run of an agent, step by step.

Everything a run does goes through a RunContext, so that each skill, tool and
LLM call becomes a RunStep (input, output, tokens, cost, latency, cache hit)
and a RunEvent, and so that between steps the runtime can heartbeat, notice a
cancel, enforce the timeout and check the budget before any paid call.
"""

from __future__ import annotations

import logging
import threading
import time
from decimal import Decimal
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from raptorflow import context, metrics
from raptorflow.accounts.schemas import schema_errors, validator_for
from raptorflow.audit.actors import Actor
from raptorflow.db import update_returning
from raptorflow.llm.client import complete_with_fallback
from raptorflow.llm.errors import ProviderError
from raptorflow.llm.models import Provider
from raptorflow.llm.pricing import cost_of, estimate_cost, price_for
from raptorflow.llm.types import CompletionRequest, Message
from skills import registry as skill_registry
from skills import tools as tool_registry
from skills.selectors import skill_usable

from . import registry
from .choices import RunStatus, StepKind, StepStatus
from .models import Run, RunEvent, RunStep
from .selectors import agentversion_published, workspace_month_spend
from .services import approval_request, run_charge, run_event_append, run_event_sequence_next, run_transition

logger = logging.getLogger(__name__)
WORKER = Actor.system("worker")


class RunAborted(Exception):
    """Stop the run and end it in ``status`` with ``code`` and ``message``."""

    def __init__(self, status: str, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class RunSuperseded(Exception):
    """Another attempt took this run over (the sweeper thought this worker dead); stop quietly."""


def run_claim(run_id: str) -> Run | None:
    """queued → running, in one conditional update. Only one worker can win it."""
    now = timezone.now()
    with transaction.atomic():
        sequence = run_event_sequence_next(  # the claim, and the number of its "running" event below
            Run.objects.filter(pk=run_id, status=RunStatus.QUEUED),
            status=RunStatus.RUNNING,
            attempt=F("attempt") + 1,
            heartbeat_at=now,
            updated_at=now,
            started_at=Coalesce(F("started_at"), Value(now)),  # the first attempt's start
        )
        if sequence is None:
            return None
        run = Run.objects.select_related("workspace").get(pk=run_id)
        data = {"status": RunStatus.RUNNING, "attempt": run.attempt}
        RunEvent.objects.create(run=run, sequence=sequence, type="status", data=data)
    run.agent_version = agentversion_published(run.agent_version_id) or run.agent_version
    return run


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
                Run.objects.filter(pk=self.run_id, attempt=self.attempt).update(heartbeat_at=timezone.now())
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
        self.version = run.agent_version
        self.foundation: dict[str, Any] = run.workspace.foundation
        self.deadline = time.monotonic() + self.version.timeout_seconds
        # A retried run continues its step numbering; a first attempt has no steps yet.
        self._sequence = run.steps.count() if run.attempt > 1 else 0
        self._claim_fresh = True

    # --- what agents call -------------------------------------------------------

    def skill(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        self.checkpoint()
        spec = self._enabled_skill(slug)
        self._validate(spec.input_schema, data, "invalid_skill_input", f"input of skill {slug}")
        output = self._step(StepKind.SKILL, slug, data, lambda: spec.func(data, self))
        self._validate(spec.output_schema, output, "invalid_skill_output", f"output of skill {slug}")
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
        run_event_append(self.run.pk, "progress", {"message": message, **data})

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
        # One statement: touch the heartbeat of our attempt and read the status back. No row: not our attempt.
        touched = update_returning(
            Run.objects.filter(pk=self.run.pk, attempt=self.run.attempt), ("status",), heartbeat_at=timezone.now()
        )
        if not touched:
            raise RunSuperseded()
        ((status,),) = touched
        if status == RunStatus.CANCELLING:
            raise RunAborted(RunStatus.CANCELLED, "cancelled", "Cancelled while running.")
        self._check_deadline()

    def _check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise RunAborted(
                RunStatus.TIMED_OUT, "timed_out", f"The run exceeded its {self.version.timeout_seconds} s limit."
            )

    def _enabled_skill(self, slug: str):
        if not skill_usable(slug):
            raise RunAborted(
                RunStatus.FAILED,
                "skill_disabled",
                f"Skill {slug!r} is disabled or not installed; an administrator can enable it in Skills.",
            )
        return skill_registry.get(slug)

    def _validate(self, schema: dict[str, Any], value: Any, code: str, what: str) -> None:
        errors = schema_errors(validator_for(schema), value)
        if errors:
            raise RunAborted(RunStatus.FAILED, code, f"The {what} does not match its schema: {'; '.join(errors[:5])}")

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def _step(self, kind: str, name: str, data: dict[str, Any], call) -> dict[str, Any]:
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

    def _finish(self, step: RunStep, started: float, status: str, *, output=None, error: str = "") -> None:
        step.status, step.output, step.error = status, output, error
        step.latency_ms = int((time.monotonic() - started) * 1000)
        step.finished_at = timezone.now()
        step.save(force_insert=True)
        run_event_append(
            self.run.pk,
            "step",
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
        price = price_for(provider.kind, request.model, timezone.now())
        if price is None:
            raise RunAborted(
                RunStatus.FAILED,
                "price_missing",
                f"No price is configured for {provider.kind}/{request.model}; add one under Providers & prices "
                "so that spend is tracked and budgets are enforced.",
            )
        estimate = estimate_cost(price, request)
        spent = Run.objects.filter(pk=self.run.pk).values_list("cost", flat=True).get()
        if spent + estimate > self.version.run_budget:
            raise RunAborted(
                RunStatus.BUDGET_EXCEEDED,
                "run_budget_exceeded",
                f"The next call could cost up to ${estimate:.4f}; the run has spent ${spent:.4f} "
                f"of its ${self.version.run_budget:.4f} budget.",
            )
        workspace = self.run.workspace
        month = workspace_month_spend(workspace)
        if month + estimate > workspace.monthly_budget:
            raise RunAborted(
                RunStatus.BUDGET_EXCEEDED,
                "budget_exceeded",
                f"The next call could cost up to ${estimate:.4f}; the workspace has spent ${month:.2f} "
                f"of its ${workspace.monthly_budget:.2f} monthly budget.",
            )

    def _record_llm(self, attempt, purpose: str, prompt: str) -> None:
        completion, error = attempt.completion, attempt.error
        cost = Decimal("0")
        if completion is not None and not completion.cache_hit and attempt.provider.kind != "offline":
            price = price_for(attempt.provider.kind, attempt.model, timezone.now())
            cost = cost_of(price, completion.usage) if price else Decimal("0")
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
            run_charge(self.run, cost=cost, tokens_in=step.tokens_in, tokens_out=step.tokens_out)
        run_event_append(
            self.run.pk,
            "step",
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
    run = run_claim(run_id)
    if run is None:
        return None
    started, status = metrics.run_started(run), None
    with context.bind(request_id=run.request_id or context.new_request_id()):
        heartbeat = Heartbeat(run)
        heartbeat.start()
        try:
            status = _execute(run)
            return status
        finally:
            heartbeat.stop()
            metrics.run_finished(run, status, started)


def _execute(run: Run) -> str | None:
    ctx = RunContext(run)
    try:
        spec = registry.get(run.agent_version.agent.slug)
        output = spec.run(ctx, run.input)
        ctx._validate(run.agent_version.output_schema, output, "invalid_output", "agent's output")
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
    if run.agent_version.requires_approval:
        if run_transition(
            run,
            to=RunStatus.AWAITING_APPROVAL,
            allowed_from={RunStatus.RUNNING},
            actor=WORKER,
            expected_attempt=run.attempt,
            output=output,
        ):
            approval_request(run, reason=f"{run.agent_version} requires a person to approve its output.")
            return run.status
    elif run_transition(
        run,
        to=RunStatus.SUCCEEDED,
        allowed_from={RunStatus.RUNNING},
        actor=WORKER,
        expected_attempt=run.attempt,
        output=output,
    ):
        return run.status
    # A cancel arrived after the last step: the cancel wins.
    return _end(run, RunStatus.CANCELLED, "cancelled", "Cancelled while running.")


def _end(run: Run, status: str, code: str, message: str) -> str:
    allowed = {RunStatus.RUNNING, RunStatus.CANCELLING}
    if status != RunStatus.CANCELLED and Run.objects.filter(pk=run.pk, status=RunStatus.CANCELLING).exists():
        status, code, message = RunStatus.CANCELLED, "cancelled", "Cancelled while running."
    run_transition(
        run,
        to=status,
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
