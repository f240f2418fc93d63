"""The agent registry: each specialist is declared in code (agents/specialists/) as an AgentSpec.

``agent_sync`` mirrors the specs into Agent rows and creates version 1 of each
from code; later versions are made by staff in the admin, and a run always
uses a published version's stored configuration.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from jsonschema import Draft202012Validator

# What ``AgentContext.ask`` takes: a list of questions, each with a unique key, the question people read,
# and optionally a JSON Schema the answer must match (and whether it may be left out).
QUESTIONS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "maxItems": 20,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "prompt"],
        "properties": {
            "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
            "prompt": {"type": "string", "minLength": 1, "maxLength": 1000},
            "schema": {"type": "object"},
            "required": {"type": "boolean"},
        },
    },
}


class ModelUnavailable(Exception):
    """No configured model can do what was asked (structured output or tool calls: the offline provider cannot).

    Agents catch it to take their offline path: give what code can compute and say what needs a model.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ModelAnswer:
    """What a model's turn ended with: its text, the JSON object of a structured answer (already checked against
    the schema), and the calls it made on the way (name, input, output or error), in order."""

    text: str
    parsed: dict[str, Any] | None = None
    calls: tuple[dict[str, Any], ...] = ()


class AgentContext(Protocol):
    """What an agent's code may use while it runs. Implemented by the runtime (agents/runs/runtime.py).

    - ``skill`` / ``tool``: call one by name, each a recorded step.
    - ``llm``: free text from the version's model chain (streamed into the run's events when the version says).
    - ``llm_json``: a JSON object matching ``schema``; a reply that does not match is sent back once with the
      schema's errors for a repair, then the run fails with ``invalid_model_output``. Raises ModelUnavailable
      when no model can answer in JSON (offline).
    - ``llm_loop``: the model may call the version's ``model_tools`` (each call a step: schema-checked, budgeted,
      sensitive ones approved by a person first) until it answers, at most ``max_tool_iterations`` turns;
      with ``schema``, the answer is structured as in ``llm_json``. Raises ModelUnavailable offline.
    - ``ask``: when the agent lacks what it needs, it asks rather than inventing: ``questions`` is
      ``[{"key", "prompt", "schema"?, "required"?}]``; the run waits in ``awaiting_input`` until someone
      answers (``POST /api/v1/runs/{id}/input`` or the admin), then continues here with the answers by key.
    """

    foundation: dict[str, Any]

    def skill(self, slug: str, data: dict[str, Any]) -> dict[str, Any]: ...

    def llm(self, prompt: str, *, system: str = "", purpose: str = "") -> str: ...

    def llm_json(
        self, prompt: str, *, schema: dict[str, Any], name: str = "answer", system: str = "", purpose: str = ""
    ) -> dict[str, Any]: ...

    def llm_loop(
        self, prompt: str, *, system: str = "", purpose: str = "", schema: dict[str, Any] | None = None
    ) -> ModelAnswer: ...

    def tool(self, name: str, data: dict[str, Any]) -> dict[str, Any]: ...

    def ask(self, questions: list[dict[str, Any]]) -> dict[str, Any]: ...

    def progress(self, message: str, **data: Any) -> None: ...


AgentFunc = Callable[[AgentContext, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class AgentSpec:
    slug: str
    name: str
    category: str
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    skills: tuple[str, ...]
    routing_examples: tuple[str, ...]
    system_prompt: str
    run: AgentFunc = field(compare=False, repr=False)
    # A realistic valid input: documents the agent (API schema examples) and drives the end-to-end tests.
    example_input: dict[str, Any] = field(default_factory=dict, compare=False)
    temperature: float = 0.0
    max_tokens: int = 1024
    requires_approval: bool = False
    # Skills and tools the model may call itself (the version's model_tools), and how many turns it may take.
    model_tools: tuple[str, ...] = ()
    max_tool_iterations: int = 8

    def digest(self) -> str:
        """What identifies this spec's version: everything a version takes from code (agent_sync)."""
        owned = {
            "system_prompt": self.system_prompt, "input_schema": self.input_schema,
            "output_schema": self.output_schema, "skills": sorted(self.skills),
            "routing_examples": list(self.routing_examples), "temperature": self.temperature,
            "max_tokens": self.max_tokens, "requires_approval": self.requires_approval,
            "model_tools": list(self.model_tools), "max_tool_iterations": self.max_tool_iterations,
        }  # fmt: skip
        return hashlib.sha256(json.dumps(owned, sort_keys=True, default=str).encode()).hexdigest()

    def __post_init__(self) -> None:
        Draft202012Validator.check_schema(self.input_schema)
        Draft202012Validator.check_schema(self.output_schema)
        if self.example_input:
            Draft202012Validator(self.input_schema).validate(self.example_input)


_REGISTRY: dict[str, AgentSpec] = {}


def register(spec: AgentSpec) -> AgentSpec:
    if spec.slug in _REGISTRY and _REGISTRY[spec.slug] is not spec:
        raise ValueError(f"agent {spec.slug} is declared twice")
    _REGISTRY[spec.slug] = spec
    return spec


def load() -> None:
    """Import the built-in specialists and any RAPTORFLOW_AGENT_MODULES, so their specs register."""
    from django.conf import settings

    from . import specialists

    for module in pkgutil.iter_modules(specialists.__path__):
        importlib.import_module(f"{specialists.__name__}.{module.name}")
    for name in settings.RAPTORFLOW_AGENT_MODULES:
        importlib.import_module(name)


def get(slug: str) -> AgentSpec:
    load()
    return _REGISTRY[slug]


def all_specs() -> list[AgentSpec]:
    load()
    return sorted(_REGISTRY.values(), key=lambda spec: spec.slug)
