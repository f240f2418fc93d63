"""LLM-as-judge: a model reads a case's rubric, input and output, and answers pass or fail with its reasons.

**The model** is the dataset's ``judge_model_chain`` (providers as in an agent version's chain), asked for a
structured verdict (``VERDICT_SCHEMA``) at temperature 0; an answer off the schema is sent back once with the
errors, as in a run. **Metered and budgeted like any paid call**: before each paid attempt its worst case is
checked (``raptorflow.llm.budget.call_check``) against a per-judgment cap (``JUDGMENT_BUDGET``) and the
experiment's budget, and held against the experiment (``ledger.experiment_hold``) until the attempt is recorded;
the actual cost goes to the experiment (``spent``, ``judge_cost``) and the evaluation workspace's month, never to
a customer's. Each attempt is counted in the LLM metrics, and the call (provider, model, tokens, cost, latency)
is stored with the grade, beside the model's reasons.

**Never a pass by default.** No chain, the offline provider (it cannot answer in JSON), a refused or failed call,
or an answer still off the schema after the repair: the grade is "not graded" with why, never "passed".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils import timezone

from raptorflow import metrics
from raptorflow.jsonschema import schema_errors, validator_for
from raptorflow.llm.budget import Budgets, CallRefused, call_check
from raptorflow.llm.client import Attempt, complete_with_fallback
from raptorflow.llm.errors import ErrorCode, ProviderError
from raptorflow.llm.pricing import completion_cost
from raptorflow.llm.types import Completion, CompletionRequest, Message, OutputSchema

from .choices import GraderKind, Outcome
from .graders import Grade, grader_label
from .ledger import experiment_charge, experiment_hold, experiment_release
from .models import Experiment, ExperimentResult

if TYPE_CHECKING:
    from raptorflow.llm.models import Provider

JUDGMENT_BUDGET = Decimal("0.25")  # USD one judgment (its repair included) may cost at most
MAX_TOKENS = 600
MAX_SHOWN_CHARS = 12_000  # of the input and the output each: a judge reads a bounded prompt

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["passed", "score", "reasons"],
    "properties": {
        "passed": {"type": "boolean", "description": "Whether the output meets the rubric."},
        "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "How well, 0 to 1."},
        "reasons": {
            "type": "array",
            "items": {"type": "string", "maxLength": 500},
            "minItems": 1,
            "maxItems": 5,
            "description": "Short reasons, quoting the output where it decides.",
        },
    },
}

INSTRUCTIONS = """You grade the output of a marketing AI agent against a rubric. Judge only what the rubric asks, \
from the output as given; do not reward length or confidence. Answer with one JSON object: passed (true only when \
the output meets every requirement of the rubric), score (0 to 1), and one to five short reasons quoting the \
output where it decides."""


@dataclass
class _Meter:
    spent: Decimal = Decimal("0")
    tokens_in: int = 0
    tokens_out: int = 0
    provider: str = ""
    model: str = ""
    attempts: int = 0
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "tokens_in": self.tokens_in,
                "tokens_out": self.tokens_out, "cost": str(self.spent), "attempts": self.attempts,
                "latency_ms": round((time.monotonic() - self.started) * 1000)}  # fmt: skip


class _NotGraded(Exception):
    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class _Judgment:
    """One judgment: its chain, the experiment's budget and hold, and what it spent."""

    def __init__(self, experiment: Experiment, result: ExperimentResult):
        self.experiment, self.result = experiment, result
        self.meter = _Meter()
        self._held = Decimal("0")

    def chain(self) -> list[tuple[Provider, str]]:
        from raptorflow.llm.models import Provider

        entries = [e for e in self.experiment.dataset.judge_model_chain if isinstance(e, dict)]
        entries = [e for e in entries if e.get("provider") and e.get("model")]
        providers = Provider.objects.in_bulk([e["provider"] for e in entries], field_name="name")
        return [(providers[e["provider"]], e["model"]) for e in entries if e["provider"] in providers]

    def before_call(self, provider: Provider, request: CompletionRequest) -> None:
        self.experiment.refresh_from_db(fields=["spent", "reserved", "budget"])
        spent = self.experiment.spent + self.experiment.reserved
        budgets = Budgets(self.meter.spent, JUDGMENT_BUDGET, spent, self.experiment.budget)
        try:
            estimate = call_check(provider, request, budgets, at=timezone.now())
        except CallRefused as refusal:
            raise _NotGraded(f"{refusal.code}: {refusal.message}") from None
        if not experiment_hold(self.experiment.pk, estimate):
            raise _NotGraded(f"budget_exceeded: the judgment could cost up to ${estimate:.4f}, past the budget.")
        self._held = estimate

    def after_attempt(self, attempt: Attempt) -> None:
        completion = attempt.completion
        cost = completion_cost(completion, attempt.provider, timezone.now(), model=attempt.model) if completion else 0
        cost = Decimal(cost)
        metrics.llm_attempt(attempt, cost)
        self.release()
        self.meter.attempts += 1
        self.meter.spent += cost
        if completion is not None:
            self.meter.tokens_in += completion.usage.input_tokens
            self.meter.tokens_out += completion.usage.output_tokens
            self.meter.provider, self.meter.model = attempt.provider.name, attempt.model
        self._charge(cost, completion)

    def release(self) -> None:
        if self._held:
            experiment_release(self.experiment.pk, self._held)
            self._held = Decimal("0")

    def _charge(self, cost: Decimal, completion: Completion | None) -> None:
        from agents.runs.lifecycle import workspace_spend_add  # the month's ledger has one writer
        from agents.selectors import month_start

        tokens_in = completion.usage.input_tokens if completion else 0
        tokens_out = completion.usage.output_tokens if completion else 0
        experiment_charge(self.experiment.pk, cost)
        Experiment.objects.filter(pk=self.experiment.pk).update(
            judge_cost=F("judge_cost") + cost,
            judge_tokens_in=F("judge_tokens_in") + tokens_in,
            judge_tokens_out=F("judge_tokens_out") + tokens_out,
        )
        ExperimentResult.objects.filter(pk=self.result.pk).update(
            judge_cost=F("judge_cost") + cost,
            judge_tokens_in=F("judge_tokens_in") + tokens_in,
            judge_tokens_out=F("judge_tokens_out") + tokens_out,
        )
        run = self.result.run
        if cost and run is not None:
            workspace_spend_add(run.workspace_id, month_start(timezone.now()), cost)

    def ask(self, messages: list[Message]) -> Completion:
        chain = self.chain()
        if not chain:
            raise _NotGraded("no judge model: the dataset's judge model chain names no configured provider")
        request = CompletionRequest(
            messages=tuple(messages), model="", temperature=0.0, max_tokens=MAX_TOKENS,
            output=OutputSchema(name="verdict", schema=VERDICT_SCHEMA, strict=True),
            metadata={"purpose": "judge", "run": f"judge-{self.result.pk}"},
        )  # fmt: skip
        try:
            completion, _ = complete_with_fallback(
                chain, request, use_cache=False, before_call=self.before_call, after_attempt=self.after_attempt
            )
        except ProviderError as error:
            if error.code == ErrorCode.MODEL_UNAVAILABLE:
                raise _NotGraded(
                    f"offline: the judge model cannot give a structured verdict ({error.message})"
                ) from None
            raise _NotGraded(f"{error.code}: {error.message}") from None
        finally:
            self.release()
        return completion


def _clip(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …(cut)"


def judge_messages(rubric: str, case_input: Any, output: Any, reference: Any) -> list[Message]:
    parts = [f"Rubric:\n{rubric}", f"The agent's input (JSON):\n{_clip(case_input)}"]
    if reference is not None:
        parts.append(f"A reference output people accepted (JSON):\n{_clip(reference)}")
    parts.append(f"The output to grade (JSON):\n{_clip(output)}")
    return [Message("system", INSTRUCTIONS, cache=True), Message("user", "\n\n".join(parts))]


def _verdict_errors(completion: Completion) -> list[str]:
    if not isinstance(completion.parsed, dict):
        return ["(root): the answer is not a JSON object"]
    return schema_errors(validator_for(VERDICT_SCHEMA), completion.parsed)


def _verdict(judgment: _Judgment, messages: list[Message]) -> dict[str, Any]:
    completion = judgment.ask(messages)
    errors = _verdict_errors(completion)
    if errors:
        answer = completion.text or json.dumps(completion.parsed, ensure_ascii=False)
        listed = "\n".join(f"- {error}" for error in errors[:20])
        repair = f"Your JSON does not match the required schema:\n{listed}\nAnswer again with a corrected JSON object."
        completion = judgment.ask([*messages, Message("assistant", answer), Message("user", repair)])
        errors = _verdict_errors(completion)
        if errors:
            raise _NotGraded(f"invalid_model_output: still off the schema after one repair: {'; '.join(errors[:3])}")
    return dict(completion.parsed or {})


def judge_grade(experiment: Experiment, result: ExperimentResult, grader: dict[str, Any], output: Any) -> Grade:
    """The judge's grade of ``output`` for one case (see the module docstring)."""
    label = grader_label(grader)
    snapshot = result.snapshot
    rubric = grader.get("rubric") or snapshot.get("rubric") or ""
    if not rubric.strip():
        return Grade(label, GraderKind.JUDGE, Outcome.NOT_GRADED, "no rubric: neither the grader nor the case has one")
    judgment = _Judgment(experiment, result)
    messages = judge_messages(rubric, snapshot.get("input"), output, snapshot.get("reference_output"))
    try:
        verdict = _verdict(judgment, messages)
    except _NotGraded as stop:
        return Grade(label, GraderKind.JUDGE, Outcome.NOT_GRADED, stop.why, call=judgment.meter.as_dict())
    outcome = Outcome.PASSED if verdict["passed"] else Outcome.FAILED
    detail = f"score {verdict['score']:.2f}"
    reasons = [str(reason) for reason in verdict["reasons"]]
    return Grade(label, GraderKind.JUDGE, outcome, detail, reasons=reasons, call=judgment.meter.as_dict())
