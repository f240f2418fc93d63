"""Helpers for running a real specialist agent in-process on the scripted provider (tests of issue 16's ICP
architect and positioning strategist): publish a version whose chain names a script, run it, answer its questions
through the API, and read the words and figures of an output."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rest_framework.test import APIClient

from agents.models import Agent, Run
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.services import agentversion_create_draft, agentversion_publish
from raptorflow.accounts.models import Workspace
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.actors import Actor
from raptorflow.llm.models import Provider
from raptorflow.llm.scripted import register_script, unregister_script


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


def answer(writer: APIClient, run: Run, answers: dict[str, Any]) -> Run:
    """Answer the run's questions through ``POST /api/v1/runs/{id}/input``, then let the worker take it."""
    response = writer.post(f"/api/v1/runs/{run.pk}/input", {"answers": answers}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "queued"), response.content
    run_execute(str(run.pk))
    run.refresh_from_db()
    return run


def steps(run: Run) -> list[tuple[str, str, str]]:
    return list(run.steps.order_by("sequence").values_list("kind", "name", "status"))


# --- reading an output -------------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?;:])\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every scalar in a JSON value; list indexes are written ``[]``."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for child in value:
            yield from leaves(child, f"{path}[]")
    else:
        yield path, value


def sentences(output: dict[str, Any], skip: tuple[str, ...]) -> set[str]:
    """The sentences (three words or more) of every string in ``output``, except under the ``skip`` keys."""
    found = set()
    for path, value in leaves(output):
        if isinstance(value, str) and not any(f".{key}" in f".{path}" for key in skip):
            found |= {" ".join(s.split()).casefold() for s in _SENTENCE.split(value) if len(s.split()) >= 3}
    return found


def numbers_in_strings(output: dict[str, Any], skip: tuple[str, ...]) -> set[str]:
    return {
        number
        for path, value in leaves(output)
        if isinstance(value, str) and not any(f".{key}" in f".{path}" for key in skip)
        for number in _NUMBER.findall(value)
    }


def flat(output: dict[str, Any]) -> dict[str, Any]:
    """Every leaf by its full path, list positions included (for comparing two outputs)."""

    def walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
        if isinstance(value, dict):
            for key, child in value.items():
                yield from walk(child, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            yield f"{path}#len", len(value)
            for index, child in enumerate(value):
                yield from walk(child, f"{path}[{index}]")
        else:
            yield path, value

    return dict(walk(output, ""))


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    a, b = flat(before), flat(after)
    return {path for path in a.keys() | b.keys() if a.get(path, "<absent>") != b.get(path, "<absent>")}
