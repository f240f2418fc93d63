"""Helpers for the writing agents' tests (content creator, email specialist): three companies in industries no
code table names, a test context whose model answers from scripts, runs on the scripted provider, questions
answered through the API, and readers of what an output wrote."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from agents.choices import RunStatus
from agents.models import Agent, Run
from agents.registry import QUESTIONS_SCHEMA
from agents.runs.errors import RunAborted
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.services import agentversion_create_draft, agentversion_publish
from raptorflow.accounts.models import Workspace
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.actors import Actor
from raptorflow.llm.models import Provider
from raptorflow.llm.scripted import register_script, unregister_script
from skills.library.figures import find_figures
from tests.agents.conftest import ValidatingContext
from tests.conftest import Asked

# Bell founding, alpaca fibre spinning and sailmaking: no table in the writing code names them (a test checks).
BRASSMOOR = {
    "company": "Brassmoor Bell Foundry",
    "industry": "Bell founding and bell restoration",
    "description": "Brassmoor casts new church bells and retunes old ones, and keeps tower bells ringing on a "
    "yearly care contract.",
    "product": "Bell casting, retuning and a yearly care contract for tower bells.",
    "audience": "Churchwardens and tower captains of parish churches in England.",
    "brand_voice": {"tone": "warm and exact", "dont": ["cheap", "awesome"]},
}
FELLSIDE = {
    "company": "Fellside Fleece Mill",
    "industry": "Alpaca fibre spinning",
    "description": "Fellside spins alpaca fleece from small farms into yarn, in batches of 12 kilos, and returns "
    "each farm its own yarn.",
    "product": "Mini-mill spinning of alpaca fleece into knitting yarn, batch by batch.",
    "audience": "Alpaca breeders with herds of 5 to 60 animals.",
    "brand_voice": {"tone": "friendly", "dont": ["luxury"]},
}
SALTMARSH = {
    "company": "Saltmarsh Sail Loft",
    "industry": "Traditional sailmaking",
    "description": "Saltmarsh cuts and hand-finishes sails for wooden boats and repairs old canvas over the winter "
    "lay-up.",
    "product": "Made-to-measure sails for classic boats and a winter repair service.",
    "audience": "Owners of classic wooden boats on the east coast.",
}
COMPANIES = {"brassmoor": BRASSMOOR, "fellside": FELLSIDE, "saltmarsh": SALTMARSH}
GOLDEN_WORDS = ("foundry", "bell", "alpaca", "fleece", "sail", "yarn", "churchwarden")


class WritingContext(ValidatingContext):
    """Skills are schema-checked as the runtime checks them; the model answers ``json`` replies (checked against
    the schema asked for) and ``texts`` in order; questions are checked against QUESTIONS_SCHEMA and answered
    from ``answers`` (else ``Asked``); the ``refuse_at``-th model call is refused as over budget."""

    def __init__(self, foundation=None, *, json=(), texts=(), answers=(), refuse_at=None):
        super().__init__(foundation)
        self.json, self.texts, self.answers = list(json), list(texts), list(answers)
        self.refuse_at, self.calls = refuse_at, 0
        self.prompts: list[tuple[str, str]] = []
        self.events: list[tuple[str, dict]] = []
        self.skills: list[str] = []

    def _call(self, purpose: str, prompt: str) -> None:
        self.calls += 1
        if self.calls == self.refuse_at:
            raise RunAborted(RunStatus.BUDGET_EXCEEDED, "run_budget_exceeded", "The next call could cost up to "
                             "$0.1250; the run has spent $0.1800 of its $0.2500 budget.")  # fmt: skip
        self.prompts.append((purpose, prompt))

    def llm_json(self, prompt, *, schema, name="answer", system="", purpose=""):
        if not self.json:
            return super().llm_json(prompt, schema=schema, name=name, system=system, purpose=purpose)
        self._call(purpose, prompt)
        reply = self.json.pop(0)
        Draft202012Validator(schema).validate(reply)
        return reply

    def llm(self, prompt, *, system="", purpose=""):
        self._call(purpose, prompt)
        return self.texts.pop(0)

    def skill(self, slug, data):
        self.skills.append(slug)
        return super().skill(slug, data)

    def progress(self, message, **data):
        self.events.append((message, data))

    def ask(self, questions):
        Draft202012Validator(QUESTIONS_SCHEMA).validate(questions)
        if not self.answers:
            raise Asked(questions)
        return self.answers.pop(0)


# --- runs on the scripted provider ------------------------------------------------------------------------------


def publish_scripted(slug: str, script: str, replies: list[dict[str, Any]], actor: Actor, **fields) -> Agent:
    """Register ``replies`` as ``script`` and publish a version of ``slug`` whose model chain is that script."""
    unregister_script(script)
    register_script(script, replies)
    Provider.objects.get_or_create(name="scripted", defaults={"kind": "scripted"})
    agent = Agent.objects.get(slug=slug)
    chain = [{"provider": "scripted", "model": script}]
    draft = agentversion_create_draft(agent=agent, actor=actor, model_chain=chain, cache_responses=False, **fields)
    agentversion_publish(version=draft, actor=actor)
    return agent


def execute(agent: Agent, workspace: Workspace, actor: Actor, data: dict[str, Any]) -> Run:
    run, _ = run_create(workspace=workspace, agent=agent, input=data, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def answer_through_api(workspace: Workspace, actor: Actor, run: Run, answers: dict[str, Any]) -> Run:
    """Answer the run's questions with ``POST /api/v1/runs/{id}/input``, then let a worker take it (here)."""
    _, key = apikey_create(workspace=workspace, name="writer", scopes=["runs:read", "runs:write"], actor=actor)
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = client.post(f"/api/v1/runs/{run.pk}/input", {"answers": answers}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "queued"), response.content
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def steps(run: Run) -> list[tuple[str, str, str]]:
    return list(run.steps.order_by("sequence").values_list("kind", "name", "status"))


def rounds_in_events(run: Run) -> list[dict[str, Any]]:
    """The progress events that report a round, in order."""
    return [e.data for e in run.events.filter(type="progress").order_by("sequence") if "round" in e.data]


# --- what an output wrote ----------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?;:])\s+")


def written(output: dict[str, Any]) -> list[str]:
    """The text the agent wrote about this draft: its summary and the message of every failing check (not
    ``stopped_reason``, which quotes the runtime: why no model could answer, or why the budget refused)."""
    failing = [c["message"] for c in output["checks"] if not c["passed"]]
    return [output["summary"], *failing]


def sentences(texts: list[str]) -> set[str]:
    return {" ".join(s.split()).casefold() for t in texts for s in _SENTENCE.split(t) if len(s.split()) >= 3}


def numbers(value: Any) -> Iterator[Decimal]:
    """Every number in a JSON value: numbers as they are, and the figures written in its strings."""
    if isinstance(value, dict):
        for child in value.values():
            yield from numbers(child)
    elif isinstance(value, list):
        for child in value:
            yield from numbers(child)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        yield from (f.value for f in find_figures(value))


def untraced(texts: list[str], known: set[Decimal]) -> list[str]:
    """Figures written in ``texts`` that are not among ``known`` (compared as written, rounded or not)."""
    found = []
    for text in texts:
        for figure in find_figures(text):
            if not any(abs(figure.value - k) <= figure.half_unit for k in known):
                found.append(figure.text)
    return found
