"""What every specialist agent must do, tested once from one table instead of once per agent.

Each agent's declared example input is its sample: it must run end to end through the
runtime to a schema-valid output, taking exactly the steps its test module lists in TRACE.
Any input its schema accepts must give an output its schema accepts, and the inputs in the
module's INVALID_INPUTS must be refused with the field named. Hand-worked numbers and domain
rules stay in tests/agents/test_<agent>.py, beside its TRACE.
"""

from __future__ import annotations

import importlib
import json
import re
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.models import Agent
from agents.runs.errors import RunInputError
from agents.runs.services import run_create
from tests.agents.conftest import ValidatingContext, run_agent
from tests.conftest import Asked

SPECIALISTS = [spec for spec in agents.all_specs() if spec.category != "test"]


def _module(slug: str) -> ModuleType:
    """The agent's own test module: it declares TRACE, and INVALID_INPUTS when it has any."""
    return importlib.import_module(f"tests.agents.test_{slug}")


# Every step of each agent's example run, (kind, name) in order: each module's TRACE.
TRACES: dict[str, list[tuple[str, str]]] = {spec.slug: _module(spec.slug).TRACE for spec in SPECIALISTS}

# The router learns each agent from its routing examples; twelve is the bar, unit_economics has ten.
MIN_ROUTING_EXAMPLES = dict.fromkeys(TRACES, 12) | {"unit_economics": 10}

# (agent, input, a pattern one of the errors must match); every one is refused as invalid_input.
INVALID_INPUTS = [
    pytest.param(spec.slug, data, pattern, id=f"{spec.slug}-{what}")
    for spec in SPECIALISTS
    for what, data, pattern in getattr(_module(spec.slug), "INVALID_INPUTS", ())
]


def test_the_catalogue_lists_every_registered_agent():
    assert set(TRACES) == {spec.slug for spec in SPECIALISTS}


@pytest.mark.parametrize("slug", TRACES)
def test_each_agent_declares_the_skills_its_example_run_uses_in_order(slug):
    used = [name for kind, name in TRACES[slug] if kind == "skill"]
    assert agents.get(slug).skills == tuple(dict.fromkeys(used))


@pytest.mark.parametrize("slug", TRACES)
def test_each_agent_has_an_example_input_and_enough_routing_examples(slug):
    spec = agents.get(slug)
    assert spec.example_input
    assert len(spec.routing_examples) >= MIN_ROUTING_EXAMPLES[slug]


@pytest.mark.parametrize("slug", TRACES)
def test_each_input_field_says_what_it_is(slug):
    """The API docs and the admin show these: a field with no description (and so no unit) is a guess for users."""
    properties = agents.get(slug).input_schema.get("properties", {})
    assert properties, f"{slug} documents no input fields"
    assert [name for name, field in properties.items() if not field.get("description")] == []


@pytest.mark.parametrize("slug", TRACES)
def test_the_example_input_runs_end_to_end_to_a_valid_output(slug, registry_synced, workspace, system_actor):
    spec = agents.get(slug)
    run = run_agent(workspace, system_actor, slug, spec.example_input)
    assert run.status == "succeeded", run.error_message
    Draft202012Validator(spec.output_schema).validate(run.output)
    steps = list(run.steps.order_by("sequence").values_list("kind", "name", "status", "error"))
    assert [(kind, name) for kind, name, *_ in steps] == TRACES[slug]
    for kind, name, status, error in steps:
        # Offline, a structured or tool-calling model call is refused (model_unavailable) and recorded as such;
        # the agent then takes its offline path. Any other step must succeed.
        assert status == "succeeded" or (kind == "llm" and error.startswith("model_unavailable")), (name, error)


@pytest.mark.parametrize("slug", TRACES)
def test_any_schema_valid_input_gives_a_schema_valid_output_or_asks(slug):
    spec = agents.get(slug)
    validator = Draft202012Validator(spec.output_schema)

    questions = Draft202012Validator(agents.QUESTIONS_SCHEMA)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=from_schema(spec.input_schema))
    def check(data):
        try:
            output = spec.run(ValidatingContext(), data)
        except Asked as asked:  # a valid answer too: the agent asks for what it lacks (the run waits for input)
            questions.validate(asked.questions)
            return
        validator.validate(output)
        json.dumps(output, allow_nan=False)  # a run's output is stored as JSON: no NaN or infinity

    check()


@pytest.mark.parametrize(("slug", "data", "error"), INVALID_INPUTS)
def test_invalid_input_is_refused_naming_the_field(slug, data, error, registry_synced, workspace, system_actor):
    with pytest.raises(RunInputError) as excinfo:
        run_create(workspace=workspace, agent=Agent.objects.get(slug=slug), input=data, actor=system_actor)
    assert excinfo.value.code == "invalid_input"
    assert any(re.search(error, e) for e in excinfo.value.errors), excinfo.value.errors
