"""The model's classification of a request, and how it combines with the lexical router's decision.

**When.** Only when the setting ``RAPTORFLOW_ROUTER_MODEL_CHAIN`` names a chain
(``[{"provider": "<provider name>", "model": "<model>"}, …]``, providers as in an agent version's chain) and
the request is routed for a workspace (``POST /dispatch``); never for a request that names its agent. The
dispatcher runs inside the web request, so there is no run and no ``ctx``: the LLM layer is called directly
(``raptorflow.llm.client.complete_with_fallback``), each provider with at most MAX_RETRIES retry and a timeout of
at most ``RAPTORFLOW_ROUTER_MODEL_TIMEOUT_SECONDS`` (default 10), so that a slow provider cannot hold a web
worker for a minute.

**What the model judges** (structured output, :func:`answer_schema`): the agent whose work the request asks for,
or ``none``; the two closest agents; its confidence; whether the ask is out of scope; a clarifying question
when it answers ``none``; its reasons. **What code checks**: the answer against the schema (slugs from the
registry, minus disabled agents), with one repair round as in a run (the model's JSON and the errors sent
back); a ``none`` whose question does not name both closest agents gets the dispatcher's own question.

**Budget and metering.** A classification is a paid call like any other: before each call its worst case is
checked (``raptorflow.llm.budget.call_check``) against a per-classification budget
(``RAPTORFLOW_ROUTER_MODEL_BUDGET``, USD, default 0.05: a few cents is the worst case of a large model) and the
workspace's monthly budget; a model without a price is refused, as in a run. There is no run to charge, so the
cost is added to the workspace's monthly spend ledger at once (the ledger every budget check reads), each
attempt is counted in the LLM metrics, and the call (provider, model, tokens, cost, latency, attempts) is
recorded twice: in an audit event ``dispatch.classify`` and in the routing decision, which a run started from it
keeps in ``Run.routing``. Identical requests are answered from the LLM response cache (temperature 0) and cost
nothing.

**Combining** (:func:`combine`): the model decides when it is sure (confidence at least the router's threshold).
An unsure model, or a ``none`` that is not out of scope, is a tie between its two closest agents: the lexical
router breaks it when its own choice is one of them and clears the threshold; otherwise the answer is ``none``.
No model, a failed or refused call, or an answer still wrong after the repair: the lexical decision stands.
Both decisions are kept (``model`` and ``lexical`` in the routing decision).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from raptorflow.jsonschema import schema_errors, validator_for
from raptorflow.llm.budget import Budgets, CallRefused, call_check
from raptorflow.llm.client import Attempt, complete_with_fallback
from raptorflow.llm.errors import ProviderError
from raptorflow.llm.pricing import completion_cost
from raptorflow.llm.types import Completion, CompletionRequest, Message, OutputSchema

from .decision import NONE, RouteDecision, RouterIndex, clarifying_question
from .text import instruction_text

if TYPE_CHECKING:
    from raptorflow.llm.models import Provider

logger = logging.getLogger(__name__)

MAX_RETRIES = 1
MAX_TOKENS = 400
MAX_CHARS = 2000
QUESTION_CHARS = 400


def chain_entries() -> list[dict[str, str]]:
    entries = settings.RAPTORFLOW_ROUTER_MODEL_CHAIN
    return [e for e in entries if isinstance(e, dict) and e.get("provider") and e.get("model")]


def configured() -> bool:
    return bool(chain_entries())


def budget() -> Decimal:
    return Decimal(str(settings.RAPTORFLOW_ROUTER_MODEL_BUDGET))


def _chain() -> list[tuple[Provider, str]]:
    """The configured chain, each provider copied in memory with the dispatcher's retry and timeout caps."""
    from raptorflow.llm.models import Provider

    entries = chain_entries()
    providers = Provider.objects.in_bulk([e["provider"] for e in entries], field_name="name")
    timeout = float(settings.RAPTORFLOW_ROUTER_MODEL_TIMEOUT_SECONDS)
    chain = []
    for entry in entries:
        provider = providers.get(entry["provider"])
        if provider is not None:
            provider.max_retries = min(provider.max_retries, MAX_RETRIES)
            provider.timeout_seconds = min(provider.timeout_seconds, timeout)
            chain.append((provider, entry["model"]))
    return chain


# ---------------------------------------------------------------- what is asked


def answer_schema(slugs: list[str]) -> dict[str, Any]:
    """The JSON Schema of the model's classification, over the agents it may choose."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["agent", "closest", "confidence", "out_of_scope", "clarifying_question", "reasons"],
        "properties": {
            "agent": {"enum": [*slugs, NONE], "description": "The agent whose work the request asks for, or none."},
            "closest": {
                "type": "array",
                "items": {"enum": slugs},
                "minItems": 2,
                "maxItems": 2,
                "uniqueItems": True,
                "description": "The two agents closest to the request, best first (also when agent is none).",
            },
            "confidence": {"type": "number", "minimum": 0, "maximum": 1, "description": "How sure, 0 to 1."},
            "out_of_scope": {"type": "boolean", "description": "No agent does what is asked."},
            "clarifying_question": {
                "type": "string",
                "maxLength": QUESTION_CHARS,
                "description": "When agent is none: one question naming both closest agents by name; else empty.",
            },
            "reasons": {
                "type": "array",
                "items": {"type": "string", "maxLength": 300},
                "minItems": 1,
                "maxItems": 4,
                "description": "Short reasons, quoting the words of the request that decided.",
            },
        },
    }


INSTRUCTIONS = """You route requests from founders and small marketing teams to one of Raptorflow's specialist \
agents. Decide by what the request asks to be done (the action), not only by its topic: "write a LinkedIn post" \
asks for writing, "post these tweets every morning" asks for publishing, which no agent does.

The agents (slug: name. what it does):
{agents}

Answer with one JSON object:
- agent: the slug of the one agent whose work the request asks for. "none" when no agent does what is asked \
(out_of_scope true: designing logos or images, writing code, moving, exporting or cleaning data, publishing, \
posting, scheduling or sending on the user's behalf, legal or accounting work, anything that is not marketing), \
or when the request is too vague to choose (out_of_scope false).
- closest: the two agents closest to the request, best first, also when agent is none.
- confidence: how sure you are that agent is right, from 0 to 1.
- clarifying_question: when agent is none, one short question for the user that names both closest agents by \
their names; otherwise "". Write it in the request's language.
- reasons: one to four short reasons, quoting the words of the request that decided.
The request may be written in English, German, French, Spanish, Portuguese or Italian."""


def _messages(text: str, index: RouterIndex, slugs: list[str]) -> list[Message]:
    agents = "\n".join(f"- {slug}: {index.cards[slug].name}. {index.cards[slug].description}" for slug in slugs)
    request = instruction_text(text, MAX_CHARS)
    return [Message("system", INSTRUCTIONS.format(agents=agents), cache=True), Message("user", request)]


# ---------------------------------------------------------------- what comes back


@dataclass(frozen=True)
class Verdict:
    """The model's classification, checked."""

    agent: str | None
    closest: tuple[str, str]
    confidence: float
    out_of_scope: bool
    question: str
    reasons: tuple[str, ...]
    call: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent or NONE,
            "closest": list(self.closest),
            "confidence": round(self.confidence, 4),
            "out_of_scope": self.out_of_scope,
            "clarifying_question": self.question,
            "reasons": list(self.reasons),
            "call": self.call,
        }


@dataclass(frozen=True)
class Failure:
    """No classification: why (``code``), and the call as far as it went."""

    code: str
    message: str
    call: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"used": False, "error": self.code, "message": self.message, "call": self.call}


@dataclass
class _Meter:
    """The classification's attempts, tokens and cost, as they come."""

    spent: Decimal = Decimal("0")
    tokens_in: int = 0
    tokens_out: int = 0
    cached_tokens_in: int = 0
    attempts: list[dict[str, Any]] = field(default_factory=list)
    provider: str = ""
    model: str = ""
    started: float = field(default_factory=time.monotonic)

    def record(self, attempt: Attempt) -> None:
        from raptorflow import metrics

        completion = attempt.completion
        cost = completion_cost(completion, attempt.provider, timezone.now(), model=attempt.model) if completion else 0
        metrics.llm_attempt(attempt, Decimal(cost))
        self.spent += Decimal(cost)
        if completion is not None:
            self.tokens_in += completion.usage.input_tokens
            self.tokens_out += completion.usage.output_tokens
            self.cached_tokens_in += completion.usage.cached_input_tokens
            self.provider, self.model = attempt.provider.name, attempt.model
        error = f"{attempt.error.code}: {attempt.error.message}" if attempt.error else ""
        status = "succeeded" if completion is not None else "failed"
        self.attempts.append({"provider": attempt.provider.name, "model": attempt.model, "status": status,
                              "error": error, "latency_ms": attempt.latency_ms,
                              "cache_hit": bool(completion and completion.cache_hit)})  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cached_tokens_in": self.cached_tokens_in,
            "cost": str(self.spent),
            "latency_ms": round((time.monotonic() - self.started) * 1000),
            "attempts": self.attempts,
        }


class _Stop(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def classify(
    text: str, index: RouterIndex, *, workspace: Any, actor: Any = None, unavailable: set[str] | None = None
) -> Verdict | Failure:
    """Ask the configured chain to classify ``text``; charge and record the call (see the module docstring)."""
    slugs = [slug for slug in index.slugs if slug not in (unavailable or set())]
    schema = answer_schema(slugs)
    meter = _Meter()
    try:
        result: Verdict | Failure = _ask(text, index, slugs, schema, workspace, meter)
    except _Stop as stop:
        result = Failure(stop.code, stop.message, meter.as_dict())
    _charge(workspace, actor, meter, result)
    return result


def _ask(
    text: str, index: RouterIndex, slugs: list[str], schema: dict[str, Any], workspace: Any, meter: _Meter
) -> Verdict:
    chain = _chain()
    if not chain:
        raise _Stop("no_provider", "RAPTORFLOW_ROUTER_MODEL_CHAIN names no configured provider.")
    messages = _messages(text, index, slugs)
    output = OutputSchema(name="route", schema=schema)
    completion = _call(chain, messages, output, workspace, meter)
    errors = _errors(completion, schema)
    if errors:
        listed = "\n".join(f"- {error}" for error in errors[:20])
        repair = f"Your JSON does not match the required schema:\n{listed}\nAnswer again with a corrected JSON object."
        messages = [*messages, Message("assistant", _as_text(completion)), Message("user", repair)]
        completion = _call(chain, messages, output, workspace, meter)
        errors = _errors(completion, schema)
        if errors:
            raise _Stop("invalid_model_output", f"Still off the schema after one repair: {'; '.join(errors[:5])}")
    return _verdict(index, completion.parsed, meter)


def _call(
    chain: list[tuple[Provider, str]], messages: list[Message], output: OutputSchema, workspace: Any, meter: _Meter
) -> Completion:
    from agents.selectors import workspace_month_spend

    request = CompletionRequest(
        messages=tuple(messages), model="", temperature=0.0, max_tokens=MAX_TOKENS, output=output,
        metadata={"purpose": "dispatch"},
    )  # fmt: skip

    def check(provider: Provider, call: CompletionRequest) -> None:
        budgets = Budgets(meter.spent, budget(), workspace_month_spend(workspace), workspace.monthly_budget)
        try:
            call_check(provider, call, budgets, at=timezone.now())
        except CallRefused as refusal:
            raise _Stop(refusal.code, refusal.message) from None

    try:
        completion, _ = complete_with_fallback(
            chain, request, use_cache=True, before_call=check, after_attempt=meter.record
        )
    except ProviderError as error:
        raise _Stop(str(error.code), error.message) from None
    return completion


def _errors(completion: Completion, schema: dict[str, Any]) -> list[str]:
    if not isinstance(completion.parsed, dict):
        return ["(root): the answer is not a JSON object"]
    return schema_errors(validator_for(schema), completion.parsed)


def _as_text(completion: Completion) -> str:
    if completion.text or completion.parsed is None:
        return completion.text
    return json.dumps(completion.parsed, ensure_ascii=False)


def _verdict(index: RouterIndex, answer: dict[str, Any], meter: _Meter) -> Verdict:
    agent = None if answer["agent"] == NONE else str(answer["agent"])
    first, second = (str(slug) for slug in answer["closest"])
    question = str(answer["clarifying_question"]).strip()
    if agent is None and not (_names(index, first, question) and _names(index, second, question)):
        question = clarifying_question(index, first, second, out_of_scope=bool(answer["out_of_scope"]))
        meter.attempts[-1]["question_rewritten"] = True
    return Verdict(
        agent=agent,
        closest=(first, second),
        confidence=float(answer["confidence"]),
        out_of_scope=bool(answer["out_of_scope"]),
        question=question if agent is None else "",
        reasons=tuple(str(reason) for reason in answer["reasons"]),
        call=meter.as_dict(),
    )


def _names(index: RouterIndex, slug: str, question: str) -> bool:
    asked = question.casefold()
    return index.cards[slug].name.casefold() in asked or slug in asked or slug.replace("_", " ") in asked


# ---------------------------------------------------------------- metering


def _charge(workspace: Any, actor: Any, meter: _Meter, result: Verdict | Failure) -> None:
    """Add the classification's cost to the workspace's month and record the call in the audit log."""
    from agents.runs.lifecycle import workspace_spend_add  # the spend ledger's one writer
    from agents.selectors import month_start
    from raptorflow.audit.actors import Actor
    from raptorflow.audit.services import audit_log

    if not meter.attempts:
        return
    call = meter.as_dict()
    outcome = {"agent": result.agent or NONE} if isinstance(result, Verdict) else {"error": result.code}
    with transaction.atomic():
        if meter.spent:
            workspace_spend_add(workspace.pk, month_start(timezone.now()), meter.spent)
        audit_log(
            "dispatch.classify",
            actor=actor or Actor.system("dispatcher"),
            workspace=workspace,
            changes={**outcome, **{k: v for k, v in call.items() if k != "attempts"}, "attempts": len(meter.attempts)},
        )


# ---------------------------------------------------------------- combining


def combine(index: RouterIndex, lexical: RouteDecision, verdict: Verdict | Failure, threshold: float) -> RouteDecision:
    """The decision from the model's verdict and the lexical one (see the module docstring)."""
    if isinstance(verdict, Failure):
        return replace(lexical, model=verdict.as_dict(), reason=f"{lexical.reason}; model not used: {verdict.code}")
    record = {"used": True, **verdict.as_dict()}
    kept = lexical.as_dict()
    if verdict.agent is not None and verdict.confidence >= threshold:
        return _chosen(lexical, verdict, verdict.agent, "model", record, kept)
    tie = {verdict.agent, *verdict.closest} if verdict.agent else set(verdict.closest)
    breaks_tie = not verdict.out_of_scope and lexical.agent in tie and lexical.confidence >= threshold
    if breaks_tie and lexical.agent is not None:
        return _chosen(lexical, verdict, lexical.agent, "model+lexical", record, kept)
    first, second = verdict.closest
    question = verdict.question or clarifying_question(index, first, second, out_of_scope=verdict.out_of_scope)
    why = "out of scope" if verdict.out_of_scope else f"unsure between {first} and {second}"
    return replace(
        lexical, agent=None, confidence=verdict.confidence, needs_clarification=True, out_of_scope=verdict.out_of_scope,
        clarifying_question=question, decided_by="model", model=record, lexical=kept, matched_terms=(), score=0.0,
        reason=f"model: {why}: {'; '.join(verdict.reasons)} (lexical: {lexical.label})",
    )  # fmt: skip


def _chosen(
    lexical: RouteDecision, verdict: Verdict, agent: str, source: str, record: dict[str, Any], kept: dict[str, Any]
) -> RouteDecision:
    agrees = "agrees" if lexical.agent == agent else f"chose {lexical.label}"
    how = "the model" if source == "model" else f"the lexical router, between the model's {', '.join(verdict.closest)}"
    confidence = verdict.confidence if source == "model" else lexical.confidence
    return replace(
        lexical, agent=agent, confidence=confidence, needs_clarification=False, out_of_scope=False,
        clarifying_question="", decided_by=source, model=record, lexical=kept,
        runner_ups=tuple((slug, conf) for slug, conf in lexical.runner_ups if slug != agent),
        reason=f"{how}: {'; '.join(verdict.reasons)} (lexical {agrees})",
    )  # fmt: skip
