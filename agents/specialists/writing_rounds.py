"""Write → measure → revise: the loop the writing agents share (content creator, email specialist).

Each round is one draft (the user's own ``draft``, round 0, or the model's, rounds 1…) and one recorded check
step (``content.check_draft`` / ``email.check_draft``) with its scores; after each, ``ctx.progress`` reports the
round (its failing checks, what it fixed, what it broke, its scores) so a follower sees the rounds as they come.
The failing blocking checks of a round are what the next revision prompt sends back to the model.

The loop stops when:

- ``passed``: the latest draft passes every blocking check;
- ``round_limit``: ``max_rounds`` model drafts were made (the first draft and up to ``max_rounds`` − 1
  revisions) and one still fails;
- ``budget_exceeded``: the runtime refused the next model call because it could break the run's or the
  workspace's budget. When a draft exists (the user's or an earlier round's), the agent returns the best one
  with the reason instead of failing the run: the rounds already paid for are worth keeping, and the output
  says plainly which checks still fail. With no draft at all there is nothing to give, and the run ends
  ``budget_exceeded`` as any run would;
- ``no_model``: no configured model can write (``ModelUnavailable``): offline, the user's draft is measured and
  nothing is written.

The draft returned is the **best** round: the fewest failing blocking checks, the later round on a tie (a
revision that broke something does not replace a better draft).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.choices import RunStatus
from agents.registry import AgentContext, ModelUnavailable
from agents.runs.errors import RunAborted
from raptorflow.accounts.schemas import FOUNDATION_SCHEMA

DEFAULT_ROUNDS, MAX_ROUNDS = 3, 5
MAX_ROUNDS_FIELD: dict[str, Any] = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_ROUNDS,
    "default": DEFAULT_ROUNDS,
    "description": "How many drafts the model may write: the first draft and up to max_rounds − 1 revisions.",
}
STOPS = ("passed", "round_limit", "budget_exceeded", "no_model")
_IDS = {"type": "array", "items": {"type": "string"}}
ROUND_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["round", "by", "step", "failed_before", "failed", "fixed", "new", "passed", "scores"],
    "properties": {
        "round": {"type": "integer", "minimum": 0, "description": "0: the user's draft; 1…: the model's drafts."},
        "by": {"enum": ["user", "model"]},
        "step": {"type": "string", "description": "The model call that wrote the draft (or 'draft', the input)."},
        "failed_before": {**_IDS, "description": "Blocking checks the previous round failed."},
        "failed": {**_IDS, "description": "Blocking checks this round fails."},
        "fixed": {**_IDS, "description": "Failed before, pass now."},
        "new": {**_IDS, "description": "Passed before, fail now."},
        "passed": {"type": "boolean"},
        "scores": {"type": "object"},
    },
}
OUTCOME_PROPERTIES: dict[str, Any] = {
    "rounds": {"type": "array", "items": ROUND_SCHEMA},
    "final_round": {"type": ["integer", "null"], "description": "The round whose draft is shown (the best one)."},
    "stopped": {"enum": [*STOPS, "measured"], "description": "Why the rounds ended ('measured': the user's "
                "draft passed as it was)."},
    "stopped_reason": {"type": "string"},
    "written_by": {"enum": ["model", "user", None], "description": "Whose text the shown draft is."},
    "needs_model": {**_IDS, "description": "What only a model can do here (output fields), when none could."},
    "summary": {"type": "string"},
}  # fmt: skip
FOUNDATION_INPUT: dict[str, Any] = {
    **{k: v for k, v in FOUNDATION_SCHEMA.items() if k not in ("$schema", "title")},
    "description": "The company (its foundation). Defaults to the workspace's foundation when left out.",
}


def closed_object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    """An object schema with every property required and no others (what strict structured output wants)."""
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }
    return {**schema, "description": description} if description else schema


@dataclass
class Round:
    """One draft and what its check step measured."""

    number: int
    by: str
    step: str
    draft: dict[str, Any]
    measured: dict[str, Any]

    @property
    def failed(self) -> list[str]:
        return list(self.measured["failed"])


@dataclass
class Outcome:
    rounds: list[Round] = field(default_factory=list)
    stopped: str = "passed"
    reason: str = ""

    @property
    def best(self) -> Round | None:
        if not self.rounds:
            return None
        return min(self.rounds, key=lambda r: (len(r.failed), -r.number))


# A writer: ``write(previous)`` returns (draft, step name) — the first draft when ``previous`` is None, else a
# revision of ``previous`` — and ``measure(draft)`` runs the check skill (one step) and returns its output.
Write = Callable[[Round | None], tuple[dict[str, Any], str]]
Measure = Callable[[dict[str, Any]], dict[str, Any]]


def write_and_revise(
    ctx: AgentContext, write: Write, measure: Measure, *, max_rounds: int, user_draft: dict[str, Any] | None
) -> Outcome:
    """Rounds until the checks pass, the round limit, the budget or the lack of a model stops them."""
    outcome = Outcome()
    if user_draft is not None:
        _add(ctx, outcome, Round(0, "user", "draft", user_draft, measure(user_draft)))
        if outcome.rounds[-1].measured["passed"]:
            return outcome
    for number in range(1, max_rounds + 1):
        previous = outcome.rounds[-1] if outcome.rounds else None
        try:
            draft, step = write(previous)
        except ModelUnavailable as exc:
            return _stop(outcome, "no_model", exc.message)
        except RunAborted as exc:
            if exc.status != RunStatus.BUDGET_EXCEEDED or not outcome.rounds:
                raise
            return _stop(outcome, "budget_exceeded", exc.message)
        _add(ctx, outcome, Round(number, "model", step, draft, measure(draft)))
        if outcome.rounds[-1].measured["passed"]:
            return outcome
    return _stop(outcome, "round_limit", f"{max_rounds} drafts were written and the last still fails a check.")


def _stop(outcome: Outcome, stopped: str, reason: str) -> Outcome:
    outcome.stopped, outcome.reason = stopped, reason
    return outcome


def _add(ctx: AgentContext, outcome: Outcome, current: Round) -> None:
    before = outcome.rounds[-1].failed if outcome.rounds else []
    outcome.rounds.append(current)
    record = round_record(current, before)
    state = "passes every check" if record["passed"] else f"fails {', '.join(record['failed'])}"
    ctx.progress(
        f"Round {current.number} ({current.by}'s draft) {state}",
        round=current.number,
        by=current.by,
        failed=record["failed"],
        fixed=record["fixed"],
        new=record["new"],
        scores=record["scores"],
    )


def round_record(current: Round, before: list[str]) -> dict[str, Any]:
    """What a round changed: the failing checks before and after, and its scores."""
    after = current.failed
    return {
        "round": current.number,
        "by": current.by,
        "step": current.step,
        "failed_before": before,
        "failed": after,
        "fixed": [c for c in before if c not in after],
        "new": [c for c in after if c not in before],
        "passed": not after,
        "scores": current.measured["scores"],
    }


def round_records(outcome: Outcome) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    before: list[str] = []
    for current in outcome.rounds:
        records.append(round_record(current, before))
        before = current.failed
    return records


def failures_prompt(measured: dict[str, Any]) -> str:
    """The failing blocking checks of a round, as the lines a revision prompt sends back to the model."""
    lines = [f"- {c['id']}: {c['message']} Fix: {c['fix']}" for c in measured["checks"]
             if not c["passed"] and c["blocking"]]  # fmt: skip
    return "\n".join(lines)


def passing_prompt(measured: dict[str, Any]) -> str:
    """The checks that pass, named, so a revision keeps them passing."""
    return ", ".join(c["id"] for c in measured["checks"] if c["passed"] and c["blocking"]) or "none"


# --- the company, and asking for what is missing ----------------------------------------------------------------


def company_of(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """The input's foundation, else the workspace's, keeping only the fields a foundation may have."""
    source = data["foundation"] if "foundation" in data else (getattr(ctx, "foundation", None) or {})
    return {k: v for k, v in source.items() if k in FOUNDATION_SCHEMA["properties"]}


_TEXT_ANSWER = {"type": "string", "minLength": 2, "maxLength": 1000}
QUESTIONS: dict[str, dict[str, Any]] = {
    "company": {"prompt": "What is the company called, as the copy should name it?",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
    "offering": {"prompt": "What do you sell, and what does it do for your customers? One or two sentences in your "
                 "own words: the copy will use them, and invent nothing beyond them.", "schema": _TEXT_ANSWER},
    "audience": {"prompt": "Who is this for? Name the people (their role or situation) the copy speaks to.",
                 "schema": _TEXT_ANSWER},
}  # fmt: skip


def missing_essentials(company: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """What no draft can be specific without: the company's name, what it sells, and who the copy is for."""
    missing = []
    if not str(company.get("company") or "").strip():
        missing.append("company")
    if not any(str(company.get(k) or "").strip() for k in ("product", "description")):
        missing.append("offering")
    if not str(data.get("audience") or company.get("audience") or "").strip():
        missing.append("audience")
    return missing


def ask_essentials(ctx: AgentContext, company: dict[str, Any], data: dict[str, Any]) -> tuple[dict, dict]:
    """Asks for the missing essentials (the run waits for the answers); returns the company and input with them."""
    missing = missing_essentials(company, data)
    if not missing:
        return company, data
    answers = ctx.ask([{"key": key, **QUESTIONS[key]} for key in missing])
    company, data = dict(company), dict(data)
    if str(answers.get("company") or "").strip():
        company["company"] = str(answers["company"]).strip()
    if str(answers.get("offering") or "").strip():
        company["product"] = str(answers["offering"]).strip()
    if str(answers.get("audience") or "").strip():
        data["audience"] = str(answers["audience"]).strip()
    return company, data


def company_brief(company: dict[str, Any]) -> str:
    """The company's own words, one line per field, for a prompt (the model is told to invent nothing else)."""
    lines = []
    for key in ("company", "industry", "description", "product", "audience"):
        if str(company.get(key) or "").strip():
            lines.append(f"{key}: {' '.join(str(company[key]).split())}")
    for key in ("competitors", "goals"):
        if company.get(key):
            lines.append(f"{key}: {'; '.join(company[key])}")
    voice = company.get("brand_voice") or {}
    if voice.get("tone"):
        lines.append(f"brand voice: {voice['tone']}")
    if voice.get("do"):
        lines.append(f"the brand uses: {'; '.join(voice['do'])}")
    if voice.get("dont"):
        lines.append(f"the brand never uses: {'; '.join(voice['dont'])}")
    return "\n".join(lines) or "(nothing stated)"


def avoided(company: dict[str, Any]) -> list[str]:
    return [w[:500] for w in (company.get("brand_voice") or {}).get("dont", [])][:50]


def name_of(company: dict[str, Any]) -> str:
    return str(company.get("company") or "").strip() or "the company"
