"""Helpers for the planning agents' tests (channel strategist, campaign planner, move strategist).

- ``PlanContext``: the offline test context with no model (``llm_json`` raises ModelUnavailable, or returns
  recorded structured replies, each checked against the schema it was asked for) and questions answered from a
  dict (or ``Asked`` raised, carrying them).
- The golden checks: ``sentences`` (every sentence the agent wrote, for "no two companies share one") and
  ``untraced`` (every number in those sentences must be a figure of the input or of the output's structured
  data, where each figure carries its source).
- ``scripted``: publish a version of an agent whose model is a named script of the scripted provider.
"""

from __future__ import annotations

import fnmatch
import re
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator

from agents.models import Agent
from agents.registry import QUESTIONS_SCHEMA, ModelUnavailable
from agents.services import agentversion_create_draft, agentversion_publish
from raptorflow.llm.models import Provider
from raptorflow.llm.scripted import register_script
from tests.agents.conftest import ValidatingContext

# Not sentences the agent wrote: citations and labelled bases (a dataset's words, shared by every company that
# uses them), metric names from the KPI catalogue, and echoes of the company's or the user's own words (its
# description, the objective, the names of its phases).
CITATION_KEYS = {"rule", "basis", "source", "url", "cited", "kpis", "metric", "company", "objective", "name"}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_DATE = re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


class Asked(Exception):
    """The agent asked questions the test did not answer."""

    def __init__(self, questions: list[dict[str, Any]]):
        super().__init__(questions)
        self.questions = questions


class PlanContext(ValidatingContext):
    """No model unless ``replies`` are given; questions answered from ``answers`` (``Asked`` is raised when they
    leave a required question unanswered, or are None)."""

    def __init__(self, foundation=None, answers=None, replies=None):
        super().__init__(foundation)
        self.answers = answers
        self.replies = list(replies or [])
        self.asked: list[list[dict[str, Any]]] = []
        self.prompts: list[tuple[str, str]] = []

    def llm_json(self, prompt, *, schema, name="answer", system="", purpose=""):
        self.prompts.append((purpose, prompt))
        if not self.replies:
            raise ModelUnavailable("no model in this test")
        reply = self.replies.pop(0)
        Draft202012Validator(schema).validate(reply)
        return reply

    def llm_loop(self, prompt, *, system="", purpose="", schema=None):
        raise ModelUnavailable("no model in this test")

    def ask(self, questions):
        Draft202012Validator(QUESTIONS_SCHEMA).validate(questions)
        assert len({q["key"] for q in questions}) == len(questions)
        self.asked.append(questions)
        required = {q["key"] for q in questions if q.get("required", True)}
        if self.answers is None or not required <= set(self.answers):  # the runtime never returns fewer
            raise Asked(questions)
        return {q["key"]: self.answers[q["key"]] for q in questions if q["key"] in self.answers}


def run_plan(spec, data: dict[str, Any], ctx: PlanContext) -> dict[str, Any]:
    """Run the agent in-process; its output must match its schema and be storable as JSON."""
    Draft202012Validator(spec.input_schema).validate(data)
    output = spec.run(ctx, data)
    Draft202012Validator(spec.output_schema).validate(output)
    return output


def _texts(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in CITATION_KEYS for t in _texts(v, k)]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item, key)]
    return [value] if isinstance(value, str) and len(value.split()) >= 4 else []


def sentences(output: dict[str, Any]) -> set[str]:
    """Every sentence of four words or more the agent wrote (citations and labelled bases left out)."""
    return {" ".join(s.split()) for text in _texts(output) for s in _SENTENCE.split(text) if len(s.split()) >= 4}


def _numbers(value: Any) -> set[Decimal]:
    """Every number in a JSON value: numeric leaves, and the numbers written in its strings."""
    if isinstance(value, dict):
        return {n for v in value.values() for n in _numbers(v)}
    if isinstance(value, list):  # a list's length is a figure too ("across 2 channels")
        return {n for v in value for n in _numbers(v)} | {Decimal(len(value))}
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, int | float):
        return {Decimal(str(value)).normalize()}
    return {Decimal(n.replace(",", "")).normalize() for n in _NUMBER.findall(_DATE.sub(" ", str(value)))}


def untraced(data: dict[str, Any], output: dict[str, Any], foundation: dict[str, Any]) -> set[Decimal]:
    """Numbers in the agent's sentences that are neither in the input, the foundation, nor a structured figure
    of the output (whose own source is given next to it). Dates must be dates of the input or the output."""
    structured = _numbers({k: v for k, v in _strip_text(output).items()})
    known = structured | _numbers(data) | _numbers(foundation)
    written = {n for text in _texts(output) for n in _numbers(text)}
    return written - known


def _strip_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_text(v) for v in value]
    return None if isinstance(value, str) else value


def dates_written(output: dict[str, Any]) -> set[str]:
    return {d for text in _texts(output) for d in _DATE.findall(text)}


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """The JSON value as {path: leaf}, list indices as numbers (``channels.3.role``)."""
    if isinstance(value, dict):
        return {p: v for k, item in value.items() for p, v in leaves(item, f"{path}.{k}" if path else k).items()}
    if isinstance(value, list):
        found = {p: v for i, item in enumerate(value) for p, v in leaves(item, f"{path}.{i}").items()}
        return found or {path: []}
    return {path: value}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """The output fields that differ, as patterns: list indices become ``*`` (``channels.*.role``), and a list of
    plain values is named by itself (``primary``, ``channels.*.kpis``)."""
    a, b = leaves(before), leaves(after)
    paths = {p for p in a.keys() | b.keys() if a.get(p, "∅") != b.get(p, "∅")}
    return {re.sub(r"\.\*$", "", re.sub(r"\.\d+(?=\.|$)", ".*", p)) for p in paths}


def scripted(slug: str, script: str, replies: list[dict[str, Any]], actor) -> Agent:
    """Publish a version of ``slug`` whose model chain is the scripted provider playing ``replies``."""
    register_script(script, replies)
    Provider.objects.get_or_create(name="scripted", defaults={"kind": "scripted"})
    agent = Agent.objects.get(slug=slug)
    chain = [{"provider": "scripted", "model": script}]
    draft = agentversion_create_draft(agent=agent, actor=actor, model_chain=chain, cache_responses=False)
    agentversion_publish(version=draft, actor=actor)
    return agent


def unexpected(changed: set[str], patterns: set[str]) -> set[str]:
    """The changed fields no pattern allows (``fnmatch``: ``checks*`` allows everything under checks)."""
    return {path for path in changed if not any(fnmatch.fnmatchcase(path, p) for p in patterns)}


# Answers a person might give to each question these agents ask (optional ones left empty).
ANSWERS = {"offer": "Ship repair in Gdansk for coastal ferries", "objective": "Win three repair contracts",
           "cost_per_lead": 5, "audience_size": 100, "duration_days": 10, "channels": ["email"],
           "cost_per_lead_paid_search": 12, "cost_per_lead_paid_social": 4}  # fmt: skip


def valid_output_or_questions(spec, data: dict[str, Any], foundation: dict[str, Any]) -> dict[str, Any]:
    """Run offline; each time it asks, its questions must be well formed (PlanContext checks them) and every
    required one answerable; answered, the run must end in a schema-valid output."""
    answers: dict[str, Any] | None = None
    for _round in range(3):
        try:
            return run_plan(spec, data, PlanContext(foundation, answers=answers))
        except Asked as asked:
            required = {q["key"] for q in asked.questions if q.get("required", True)}
            assert required <= set(ANSWERS), required - set(ANSWERS)
            answers = {**(answers or {}), **{q["key"]: ANSWERS[q["key"]] for q in asked.questions
                                               if q["key"] in ANSWERS}}  # fmt: skip
    raise AssertionError(f"still asking after three rounds of answers: {answers}")
