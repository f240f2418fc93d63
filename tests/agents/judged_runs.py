"""Helpers for the tests of the evidence analyst, unit economics and launch readiness (issue 16): an offline test
context that records questions, a version on the scripted provider, runs answered through the API, and readers of
an output's sentences and figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from agents.models import Agent, Run
from agents.registry import QUESTIONS_SCHEMA, ModelUnavailable
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.services import agentversion_create_draft, agentversion_publish
from raptorflow.accounts.models import Workspace
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.actors import Actor
from raptorflow.llm.models import Provider
from raptorflow.llm.scripted import register_script, unregister_script
from skills.library.figures import find_figures, traces
from tests.agents.conftest import ValidatingContext

# Three companies in industries no code table names (bookbinding, falconry bird control, kayak tours): the
# golden tests of all three agents use them.
QUILLWORKS = {
    "company": "Quillworks Bindery",
    "industry": "Hand bookbinding and book restoration",
    "description": "Quillworks rebinds and restores rare books for libraries and collectors, and keeps archives in "
    "repair on a monthly care plan.",
    "audience": "Archivists at small libraries and private collectors of antiquarian books.",
}
KESTREL = {
    "company": "Kestrel Hawking",
    "industry": "Bird control with trained falcons",
    "description": "Kestrel Hawking keeps gulls and pigeons off airfields, landfills and stadium roofs with trained "
    "falcons and hawks, on monthly contracts.",
    "audience": "Airfield operations managers, landfill operators and stadium facility managers.",
}
STILLWATER = {
    "company": "Stillwater Paddle Co",
    "industry": "Guided kayak tours",
    "description": "Stillwater runs guided sea-kayak tours and sells a monthly paddling membership to locals.",
    "audience": "Weekend paddlers and visitors on the Cornish coast.",
}
COMPANIES = {"quillworks": QUILLWORKS, "kestrel": KESTREL, "stillwater": STILLWATER}


class Asked(Exception):
    """An offline test context was asked questions: the run would wait for answers here."""

    def __init__(self, questions: list[dict[str, Any]]):
        super().__init__("asked")
        self.questions = questions


class OfflineContext(ValidatingContext):
    """The offline provider's behaviour (no structured output) with schema-checked skills; questions are checked
    against QUESTIONS_SCHEMA and answered from ``answers`` (one dict per round), else raise ``Asked``."""

    def __init__(self, foundation: dict | None = None, answers: list[dict[str, Any]] | None = None):
        super().__init__(foundation)
        self.answers = list(answers or [])
        self.asked: list[list[dict[str, Any]]] = []

    def llm_json(self, prompt, *, schema, name="answer", system="", purpose=""):
        raise ModelUnavailable("offline: no structured output")

    def llm_loop(self, prompt, *, system="", purpose="", schema=None):
        raise ModelUnavailable("offline: no tool calls")

    def ask(self, questions):
        Draft202012Validator(QUESTIONS_SCHEMA).validate(questions)
        assert len({q["key"] for q in questions}) == len(questions)
        self.asked.append(questions)
        if not self.answers:
            raise Asked(questions)
        return self.answers.pop(0)


def sample_answer(schema: dict[str, Any]) -> Any:
    """The smallest answer a question's schema accepts (numbers at their minimum or 1, objects with their required
    keys, arrays empty)."""
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {key: sample_answer(props.get(key, {})) for key in schema.get("required", [])}
    if kind == "array":
        return []
    if kind in ("number", "integer"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return max(low, 1) if "maximum" not in schema else min(max(low, 1), schema["maximum"])
    return ""


class AnsweringContext(OfflineContext):
    """Offline, and every question is answered: the required ones with the smallest valid answer, the optional
    ones left empty, as a person who knows little would (for property tests: any input ends in an output)."""

    def ask(self, questions):
        Draft202012Validator(QUESTIONS_SCHEMA).validate(questions)
        self.asked.append(questions)
        answers = {q["key"]: sample_answer(q.get("schema", {})) for q in questions if q.get("required", True)}
        for q in questions:
            if q["key"] in answers:
                Draft202012Validator(q.get("schema", {})).validate(answers[q["key"]])
        return answers


class ScriptedContext(OfflineContext):
    """A test context whose model answers with the given JSON objects in order (schema-checked, as the runtime)."""

    def __init__(self, foundation: dict | None = None, replies: list[dict[str, Any]] | None = None, **kwargs):
        super().__init__(foundation, **kwargs)
        self.replies = list(replies or [])
        self.prompts: list[str] = []

    def llm_json(self, prompt, *, schema, name="answer", system="", purpose=""):
        self.prompts.append(prompt)
        reply = self.replies.pop(0)
        Draft202012Validator(schema).validate(reply)
        return reply


def publish_scripted(slug: str, script: str, replies: list[dict[str, Any]], actor: Actor) -> Agent:
    """Register ``replies`` as ``script`` and publish a version of ``slug`` whose model chain is that script."""
    unregister_script(script)
    register_script(script, replies)
    Provider.objects.get_or_create(name="scripted", defaults={"kind": "scripted"})
    agent = Agent.objects.get(slug=slug)
    chain = [{"provider": "scripted", "model": script}]
    draft = agentversion_create_draft(agent=agent, actor=actor, model_chain=chain, cache_responses=False)
    agentversion_publish(version=draft, actor=actor)
    return agent


def execute(agent: Agent, workspace: Workspace, actor: Actor, data: dict[str, Any]) -> Run:
    run, _ = run_create(workspace=workspace, agent=agent, input=data, actor=actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def api_writer(workspace: Workspace, actor: Actor) -> APIClient:
    _, key = apikey_create(workspace=workspace, name="writer", scopes=["runs:read", "runs:write"], actor=actor)
    return APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")


def answer_through_api(writer: APIClient, run: Run, answers: dict[str, Any]) -> Run:
    """Answer the run's questions with ``POST /api/v1/runs/{id}/input``, then let a worker take it (in-process)."""
    response = writer.post(f"/api/v1/runs/{run.pk}/input", {"answers": answers}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "queued"), response.content
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def steps(run: Run) -> list[tuple[str, str, str]]:
    return list(run.steps.order_by("sequence").values_list("kind", "name", "status"))


# --- reading an output ---------------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?;:])\s+")


def strings(value: Any, keys: tuple[str, ...], inside: bool = False) -> Iterator[str]:
    """Every string under the given keys (at any depth) of a JSON value."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from strings(child, keys, inside or key in keys)
    elif isinstance(value, list):
        for child in value:
            yield from strings(child, keys, inside)
    elif isinstance(value, str) and inside:
        yield value


def sentences(value: Any, keys: tuple[str, ...]) -> set[str]:
    """The sentences of three words or more in the strings under ``keys``: what the agent wrote."""
    found = set()
    for text in strings(value, keys):
        found |= {s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= 3}
    return found


def numbers(value: Any) -> list[Decimal]:
    """Every number in a JSON value, as a decimal: the figures an output or input states."""
    if isinstance(value, dict):
        return [n for child in value.values() for n in numbers(child)]
    if isinstance(value, list):
        return [n for child in value for n in numbers(child)]
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [Decimal(repr(value)) if isinstance(value, float) else Decimal(value)]
    return []


def untraced_figures(texts: list[str], known: list[Decimal]) -> list[str]:
    """The figures written in ``texts`` that none of the known values gives (rounded as written)."""
    known = known + [k * 100 for k in known] + [abs(k) for k in known]
    return [f.text for text in texts for f in find_figures(text) if not traces(f, known)]
