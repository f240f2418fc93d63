"""A run's model calls: the chain, budgets, streaming, cancel in flight, structured output and the tool loop.

Each model call goes through ``ModelCalls.complete``:

- **replayed** when this run already made the very same call in an earlier attempt (a worker that died, or a
  run resumed after a person approved one of its calls): the recorded answer is used, nothing is charged again;
- otherwise **made**: budget checked before every paid attempt (raptorflow/llm/budget.py), the text streamed
  into the run's events as ``delta`` events (coalesced to one event per ~100 ms or 200 characters, and deleted
  once the step that holds the final text is written: the draft is stored once, on the step), and a
  ``CancelGuard`` watching the run, so that a cancel (or the run's deadline) aborts the call in flight, its
  retries and the rest of the fallback chain within a fraction of a second. Every attempt is a RunStep with its
  tokens (input, cached input, cache writes, output) and cost, charged to the run and the workspace's month.

On top of it, ``json`` asks for a JSON object matching a schema and sends the schema's errors back once for a
repair (never coercing a reply), and ``loop`` lets the model call the version's ``model_tools`` until it answers.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Protocol

from django.utils import timezone

from agents.choices import RunEventType, RunStatus, StepKind, StepStatus
from agents.models import AgentVersion, Run, RunEvent, RunStep, SpendReservation
from agents.registry import ModelAnswer, ModelUnavailable
from agents.selectors import workspace_month_spend
from raptorflow import metrics, tracing
from raptorflow.jsonschema import schema_errors, validator_for
from raptorflow.llm.budget import Budgets, CallRefused, call_check
from raptorflow.llm.cache import cache_key
from raptorflow.llm.client import Attempt, complete_with_fallback
from raptorflow.llm.errors import ErrorCode, ProviderError
from raptorflow.llm.models import Provider
from raptorflow.llm.pricing import ZERO, completion_cost
from raptorflow.llm.types import (
    CallCancelled,
    CancelToken,
    Completion,
    CompletionRequest,
    Message,
    OutputSchema,
    ToolCall,
    ToolSpec,
    Usage,
)
from skills import registry as skill_registry
from skills import tools as tool_registry
from skills.selectors import skill_sensitive

from . import lifecycle
from .errors import RunAborted

DELTA_SECONDS = 0.1  # a delta event at most this often…
DELTA_CHARS = 200  # …unless this much text is waiting
CANCEL_POLL_SECONDS = 0.25  # how often a model call in flight looks for a cancel
_WIRE_NAME = re.compile(r"[^a-zA-Z0-9_-]")


# --- Streaming and cancel -------------------------------------------------------------------------------------


class DeltaStream:
    """Collects streamed text and writes it as ``delta`` events of one model call, coalesced.

    Each event carries the call, the text and its ``offset`` in the answer, so a reader builds the draft as
    ``draft[:offset] + text``. An answer streamed again from the start (a retry, or the next entry of the
    chain after a failure) begins again at offset 0 and so replaces what the reader had.
    """

    def __init__(self, run_id: Any, call: str):
        self.run_id, self.call = run_id, call
        self._pending: list[str] = []
        self._size = 0
        self._offset = 0
        self._flushed_at = float("-inf")  # the first text goes out at once: the time to first token matters

    def __call__(self, text: str) -> None:
        self._pending.append(text)
        self._size += len(text)
        if self._size >= DELTA_CHARS or time.monotonic() - self._flushed_at >= DELTA_SECONDS:
            self.flush()

    def restart(self) -> None:
        """The call's answer starts over: drop what was not sent yet and count from 0 again."""
        self._pending, self._size, self._offset = [], 0, 0
        self._flushed_at = float("-inf")

    def flush(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        data = {"call": self.call, "offset": self._offset, "text": text}
        lifecycle.run_event_append(self.run_id, RunEventType.DELTA, data)
        self._pending, self._size, self._offset = [], 0, self._offset + len(text)
        self._flushed_at = time.monotonic()


class CancelGuard(threading.Thread):
    """While a model call is in flight: cancels its token when the run is cancelled or out of time."""

    def __init__(self, run_id: Any, deadline: float):
        super().__init__(name=f"cancel-guard-{run_id}", daemon=True)
        self.run_id, self.deadline = run_id, deadline
        self.token = CancelToken()
        self._done = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self._done.wait(CANCEL_POLL_SECONDS):
                if time.monotonic() > self.deadline:
                    self.token.cancel("timed_out")
                elif lifecycle.run_is_cancelling(self.run_id):
                    self.token.cancel("cancelled")
                if self.token.cancelled:
                    return
        finally:
            connection.close()

    def __enter__(self) -> CancelToken:
        self.start()
        return self.token

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self.join(timeout=5)


# --- Tools the model may call ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelTool:
    """A skill or tool offered to the model, under a wire-safe name."""

    kind: str  # StepKind.SKILL or StepKind.TOOL
    name: str  # the skill's slug or the tool's name
    spec: ToolSpec

    @property
    def sensitive(self) -> bool:
        return skill_sensitive(self.name) if self.kind == StepKind.SKILL else tool_registry.spec(self.name).sensitive


def model_tools(names: Sequence[str]) -> dict[str, ModelTool]:
    """The version's ``model_tools`` by wire name. A name that is neither a skill nor a model-callable tool
    fails the run: the admin and the API refuse such versions, so this is a version saved before a rename."""
    offered: dict[str, ModelTool] = {}
    for name in names:
        tool = _model_tool(name)
        offered[tool.spec.name] = tool
    return offered


def _model_tool(name: str) -> ModelTool:
    wire = _WIRE_NAME.sub("_", name)[:64]
    try:
        skill = skill_registry.get(name)
        return ModelTool(StepKind.SKILL, name, ToolSpec(wire, skill.description or skill.name, skill.input_schema))
    except KeyError:
        pass
    try:
        tool = tool_registry.spec(name)
    except KeyError:
        tool = None
    if tool is None or tool.input_schema is None:
        raise RunAborted(RunStatus.FAILED, "unknown_model_tool", f"{name!r} is not a skill or a tool a model may call.")
    return ModelTool(StepKind.TOOL, name, ToolSpec(wire, tool.description, tool.input_schema))


class StepHost(Protocol):
    """What model calls need of the run context they serve (agents/runs/runtime.py: RunContext)."""

    run: Run
    version: AgentVersion
    foundation: dict[str, Any]
    follow_up: dict[str, Any] | None
    deadline: float

    def checkpoint(self, *, database: bool = True) -> None: ...

    def replayed_llm(self, fingerprint: str) -> RunStep | None: ...

    def next_live_step(self) -> int: ...

    def steps_taken(self) -> int: ...

    def gate(self, kind: str, name: str, data: dict[str, Any]) -> None: ...

    def skill(self, slug: str, data: dict[str, Any]) -> dict[str, Any]: ...

    def tool(self, name: str, data: dict[str, Any]) -> dict[str, Any]: ...


class CallPaused(Exception):
    """The model asked for a sensitive call: the run now waits for a person (the lifecycle has opened the gate)."""


# --- The calls -------------------------------------------------------------------------------------------------


class ModelCalls:
    """The model side of a RunContext (see the module docstring)."""

    def __init__(self, ctx: StepHost):
        self.ctx = ctx
        self.run: Run = ctx.run
        self.version = ctx.version
        self._hold: SpendReservation | None = None  # the worst case held for the paid call in flight

    # --- one call ---------------------------------------------------------------------------------------------

    def complete(
        self,
        messages: Sequence[Message],
        purpose: str,
        *,
        tools: Sequence[ToolSpec] = (),
        output: OutputSchema | None = None,
    ) -> Completion:
        request = CompletionRequest(
            messages=tuple(messages),
            model="",
            temperature=self.version.temperature,
            max_tokens=self.version.max_tokens,
            tools=tuple(tools),
            tool_choice="auto" if tools else "none",
            output=output,
            stream=self.version.stream,
            metadata={"run": str(self.run.pk), "purpose": purpose},
        )
        fingerprint = _fingerprint(request)
        recorded = self.ctx.replayed_llm(fingerprint)
        if recorded is not None:
            return _completion_from_step(recorded)
        self.ctx.checkpoint()
        return self._call(request, purpose, fingerprint)

    def _call(self, request: CompletionRequest, purpose: str, fingerprint: str) -> Completion:
        call_id = fingerprint[:12] + f"-{self.ctx.steps_taken()}"
        deltas = DeltaStream(self.run.pk, call_id) if request.stream else None
        attributes = {"raptorflow.step.kind": "llm", "raptorflow.step.name": purpose}
        with tracing.span(f"run.step llm {purpose}", attributes), CancelGuard(self.run.pk, self.ctx.deadline) as token:
            request = replace(request, cancel=token, on_delta=deltas)
            try:
                completion, _ = complete_with_fallback(
                    self.chain(),
                    request,
                    use_cache=self.version.cache_responses and self.version.temperature == 0,
                    before_call=self._check_budget,
                    after_attempt=lambda attempt: self._record(attempt, purpose, request, fingerprint, call_id, deltas),
                )
            except CallCancelled:
                raise self._stopped(token) from None
            except ProviderError as error:
                if error.code == ErrorCode.MODEL_UNAVAILABLE:
                    raise ModelUnavailable(error.message) from None
                raise
        return completion

    def _stopped(self, token: CancelToken) -> RunAborted:
        if token.reason == "timed_out":
            limit = self.version.timeout_seconds
            return RunAborted(RunStatus.TIMED_OUT, "timed_out", f"The run exceeded its {limit} s limit.")
        return RunAborted(RunStatus.CANCELLED, "cancelled", "Cancelled while a model call was running.")

    def chain(self) -> list[tuple[Provider, str]]:
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
        """Before each paid call: would its worst case break the run's or the workspace's budget? If not, hold
        that worst case against the workspace's month until the call is recorded (lifecycle.spend_reserve), so
        that runs calling at the same time cannot together spend past the budget."""
        if provider.kind in {"offline", "scripted"}:
            return
        monthly = self.run.workspace.monthly_budget
        budgets = Budgets(
            run_spent=lifecycle.run_spent(self.run.pk),
            run_budget=self.version.run_budget,
            month_spent=workspace_month_spend(self.run.workspace),
            monthly_budget=monthly,
        )
        try:
            estimate = call_check(provider, request, budgets, at=timezone.now())
        except CallRefused as refusal:
            status = RunStatus.BUDGET_EXCEEDED if refusal.over_budget else RunStatus.FAILED
            raise RunAborted(status, refusal.code, refusal.message) from None
        self._hold = lifecycle.spend_reserve(self.run, estimate, monthly)
        if self._hold is None:
            whose = "its experiment's budget or " if self.run.evaluation else ""
            raise RunAborted(
                RunStatus.BUDGET_EXCEEDED,
                "budget_exceeded",
                f"The next call could cost up to ${estimate:.4f}; with what the workspace has spent and what "
                f"runs now calling may spend, that would pass {whose}its ${monthly:.2f} monthly budget.",
            )

    def _record(
        self,
        attempt: Attempt,
        purpose: str,
        request: CompletionRequest,
        fingerprint: str,
        call_id: str,
        deltas: DeltaStream | None,
    ) -> None:
        if deltas is not None:
            deltas.flush()
            deltas.restart()  # a next entry of the chain answers from the start
        completion, error = attempt.completion, attempt.error
        cost = ZERO
        if completion is not None:
            cost = completion_cost(completion, attempt.provider, timezone.now(), model=attempt.model)
        metrics.llm_attempt(attempt, cost)
        usage = completion.usage if completion else Usage(0, 0)
        step = RunStep(
            run=self.run,
            sequence=self.ctx.next_live_step(),
            kind=StepKind.LLM,
            name=purpose,
            input=_step_input(request, fingerprint),
            output=_step_output(completion) if completion else None,
            status=_attempt_status(attempt),
            error=_attempt_error(attempt),
            provider=attempt.provider.name,
            model=attempt.model,
            tokens_in=usage.input_tokens,
            tokens_out=usage.output_tokens,
            cached_tokens_in=usage.cached_input_tokens,
            cache_write_tokens=usage.cache_write_tokens,
            cost=cost,
            latency_ms=attempt.latency_ms,
            cache_hit=bool(completion and completion.cache_hit),
            finished_at=timezone.now(),
        )
        self._write(step, usage, cost, call_id, error.code if error else ("cancelled" if attempt.cancelled else ""))

    def _write(self, step: RunStep, usage: Usage, cost: Decimal, call_id: str, error_code: str) -> None:
        step.save(force_insert=True)
        if self._hold is not None:  # charged below (or nothing to charge): the worst case is no longer held
            lifecycle.spend_settle(self._hold)
            self._hold = None
        if usage.input_tokens or usage.output_tokens:
            lifecycle.run_charge(
                self.run,
                cost=cost,
                tokens_in=usage.input_tokens,
                tokens_out=usage.output_tokens,
                cached_tokens_in=usage.cached_input_tokens,
                cache_write_tokens=usage.cache_write_tokens,
            )
        # The draft is now on the step: the deltas that carried it are dropped (see the module docstring).
        RunEvent.objects.filter(run_id=self.run.pk, type=RunEventType.DELTA, data__call=call_id).delete()
        data = {"sequence": step.sequence, "kind": "llm", "name": step.name, "status": step.status}
        data |= {"provider": step.provider, "cache_hit": step.cache_hit, "call": call_id}
        lifecycle.run_event_append(self.run.pk, RunEventType.STEP, data | ({"error": error_code} if error_code else {}))

    # --- what agents ask for ----------------------------------------------------------------------------------

    def messages(self, prompt: str, system: str) -> list[Message]:
        """The system prompt and the company foundation first, each a prompt-cache breakpoint, then the prompt."""
        instructions = "\n\n".join(p for p in (self.version.system_prompt, system) if p)
        head = [Message("system", instructions, cache=True)] if instructions else []
        if self.ctx.foundation:
            foundation = json.dumps(self.ctx.foundation, ensure_ascii=False, sort_keys=True)
            head.append(Message("system", f"The company (its foundation, as JSON): {foundation}", cache=True))
        return [*head, *self._follow_up(), Message("user", prompt)]

    def text(self, prompt: str, system: str, purpose: str) -> str:
        instructions = "\n\n".join(p for p in (self.version.system_prompt, system) if p)
        messages = [Message("system", instructions, cache=True)] if instructions else []
        return self.complete([*messages, *self._follow_up(), Message("user", prompt)], purpose).text

    def _follow_up(self) -> list[Message]:
        """For a follow-up run: the earlier run's input and output, and the person's instructions for revising it."""
        follow_up = self.ctx.follow_up
        if not follow_up:
            return []
        earlier = json.dumps(
            {"input": follow_up["earlier_input"], "output": follow_up["earlier_output"]}, ensure_ascii=False
        )
        return [
            Message("system", f"This run revises an earlier answer of yours. The earlier run, as JSON: {earlier}"),
            Message("system", f"Revise it as the person asks: {follow_up['instructions']}"),
        ]

    def json(self, messages: list[Message], schema: Mapping[str, Any], name: str, purpose: str) -> dict[str, Any]:
        output = OutputSchema(name=_WIRE_NAME.sub("_", name)[:64], schema=schema, strict=_strict_ready(schema))
        completion = self.complete(messages, purpose, output=output)
        errors = _answer_errors(completion, schema)
        if not errors:
            return dict(completion.parsed)
        repair = [*messages, _as_assistant(completion), Message("user", _repair_prompt(errors))]
        completion = self.complete(repair, f"{purpose}:repair", output=output)
        errors = _answer_errors(completion, schema)
        if errors:
            raise RunAborted(
                RunStatus.FAILED,
                "invalid_model_output",
                f"The model's answer did not match the schema, even after one repair: {'; '.join(errors[:10])}",
            )
        return dict(completion.parsed)

    def loop(self, messages: list[Message], purpose: str, schema: Mapping[str, Any] | None, name: str) -> ModelAnswer:
        offered = model_tools(self.version.model_tools)
        specs = [tool.spec for tool in offered.values()]
        calls: list[dict[str, Any]] = []
        for _turn in range(self.version.max_tool_iterations):
            completion = self.complete(messages, purpose, tools=specs)
            if not completion.tool_calls:
                answered = [*messages, _as_assistant(completion)]
                return self._answer(answered, completion.text, schema, f"{purpose}:answer", calls)
            messages = [*messages, Message("assistant", completion.text, tool_calls=completion.tool_calls)]
            messages += self._run_calls(completion.tool_calls, offered, calls)
        limit = self.version.max_tool_iterations
        raise RunAborted(RunStatus.FAILED, "tool_loop_limit", f"The model was still calling tools after {limit} turns.")

    def _answer(
        self, messages: list[Message], text: str, schema: Mapping[str, Any] | None, purpose: str, calls: list[Any]
    ) -> ModelAnswer:
        """The loop's answer; with a schema, one more turn asks for it as JSON (tools and structured output
        do not mix on every provider, so they are asked for one after the other)."""
        parsed = self.json(messages, schema, "answer", purpose) if schema is not None else None
        return ModelAnswer(text=text, parsed=parsed, calls=tuple(calls))

    def _run_calls(
        self, tool_calls: Sequence[ToolCall], offered: Mapping[str, ModelTool], calls: list[dict[str, Any]]
    ) -> list[Message]:
        """Each call the model made, in order, as the tool messages that answer it."""
        answers = []
        for call in tool_calls:
            result = self._tool_call(call, offered)
            calls.append({"name": call.name, "input": dict(call.arguments), **result})
            content = json.dumps(result, ensure_ascii=False, default=str)
            answers.append(Message("tool", content, tool_call_id=call.id))
        return answers

    def _tool_call(self, call: ToolCall, offered: Mapping[str, ModelTool]) -> dict[str, Any]:
        """One call the model asked for, as the result it is told: {"output": …} or {"error": …}."""
        tool = offered.get(call.name)
        if tool is None:
            return {"error": f"There is no tool named {call.name!r}; use one of {sorted(offered)}."}
        if call.raw_arguments:
            return {"error": "The arguments were not a JSON object.", "received": call.raw_arguments[:500]}
        arguments = dict(call.arguments)
        errors = schema_errors(validator_for(dict(tool.spec.parameters)), arguments)
        if errors:
            return {"error": "The arguments do not match the tool's input schema.", "details": errors[:10]}
        if tool.sensitive:
            self.ctx.gate(tool.kind, tool.name, arguments)
        try:
            output = (
                self.ctx.skill(tool.name, arguments)
                if tool.kind == StepKind.SKILL
                else self.ctx.tool(tool.name, arguments)
            )
        except tool_registry.ToolError as exc:
            return {"error": str(exc)}
        return {"output": output}


# --- helpers -----------------------------------------------------------------------------------------------------


def _fingerprint(request: CompletionRequest) -> str:
    """What identifies a call across attempts of one run: everything asked, whichever provider answers."""
    return cache_key("", request.with_model("")).rsplit(":", 1)[-1]


def _step_input(request: CompletionRequest, fingerprint: str) -> dict[str, Any]:
    prompt = next((m.content for m in reversed(request.messages) if m.role == "user"), "")
    data: dict[str, Any] = {"prompt": prompt[:4000], "fingerprint": fingerprint, "messages": len(request.messages)}
    if request.tools:
        data["tools"] = [tool.name for tool in request.tools]
    if request.output is not None:
        data["output_schema"] = request.output.name
    return data


def _step_output(completion: Completion) -> dict[str, Any]:
    data: dict[str, Any] = {"text": completion.text, "offline": completion.offline}
    if completion.scripted:
        data["scripted"] = True
    if completion.tool_calls:
        data["tool_calls"] = [call.to_dict() for call in completion.tool_calls]
    if completion.parsed is not None:
        data["parsed"] = completion.parsed
    data["finish_reason"] = completion.finish_reason
    return data


def _completion_from_step(step: RunStep) -> Completion:
    output = step.output or {}
    return Completion(
        text=str(output.get("text", "")),
        usage=Usage(step.tokens_in, step.tokens_out, step.cached_tokens_in, step.cache_write_tokens),
        model=step.model,
        provider=step.provider,
        latency_ms=0,
        offline=bool(output.get("offline", False)),
        tool_calls=tuple(ToolCall.from_dict(call) for call in output.get("tool_calls") or ()),
        parsed=output.get("parsed"),
        finish_reason=output.get("finish_reason", "stop"),
        scripted=bool(output.get("scripted", False)),
    )


def _attempt_status(attempt: Attempt) -> str:
    return StepStatus.SUCCEEDED if attempt.completion is not None and not attempt.cancelled else StepStatus.FAILED


def _attempt_error(attempt: Attempt) -> str:
    if attempt.cancelled:
        return "cancelled: stopped while the model was answering"
    return f"{attempt.error.code}: {attempt.error.message}" if attempt.error else ""


def _answer_errors(completion: Completion, schema: Mapping[str, Any]) -> list[str]:
    if not isinstance(completion.parsed, dict):
        return ["(root): the answer is not a JSON object"]
    return schema_errors(validator_for(dict(schema)), completion.parsed)


def _as_assistant(completion: Completion) -> Message:
    """The model's answer, as the assistant turn of a follow-up (a structured answer as its JSON text)."""
    text = completion.text
    if not text and completion.parsed is not None:
        text = json.dumps(completion.parsed, ensure_ascii=False)
    return Message("assistant", text)


def _repair_prompt(errors: list[str]) -> str:
    listed = "\n".join(f"- {error}" for error in errors[:20])
    return f"Your JSON does not match the required schema:\n{listed}\nAnswer again with a corrected JSON object."


def _strict_ready(schema: Mapping[str, Any]) -> bool:
    """Whether a provider may enforce the schema strictly (OpenAI's rule: every object lists all its properties
    as required and allows no others). Others are checked after the answer, by us."""
    if schema.get("type") == "object":
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False or set(schema.get("required") or ()) != set(properties):
            return False
        return all(_strict_ready(child) for child in properties.values() if isinstance(child, Mapping))
    items = schema.get("items")
    return _strict_ready(items) if isinstance(items, Mapping) else True
