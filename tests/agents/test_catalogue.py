"""What every specialist agent must do, tested once from one table instead of once per agent.

Each agent's declared example input is its sample: it must run end to end through the
runtime to a schema-valid output, taking exactly the steps listed in TRACES. Any input its
schema accepts must give an output its schema accepts, and the inputs in INVALID_INPUTS
must be refused with the field named. Hand-worked numbers and domain rules stay in
tests/agents/test_<agent>.py.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.models import Agent
from agents.runs.errors import RunInputError
from agents.runs.services import run_create
from tests.agents.conftest import ValidatingContext, run_agent

SPECIALISTS = [spec for spec in agents.all_specs() if spec.category != "test"]


def _skills(*names: str) -> list[tuple[str, str]]:
    return [("skill", name) for name in names]


# Every step of each agent's example run, (kind, name) in order.
TRACES: dict[str, list[tuple[str, str]]] = {
    "campaign_planner": _skills(
        "planning.campaign_template",
        "planning.allocate_budget",
        "planning.review_schedule",
        "planning.campaign_forecast",
        "channels.kpis",
    ),
    "channel_strategist": _skills(
        "market.detect_industry", "channels.fit", "planning.allocate_budget", "channels.kpis"
    ),
    "content_creator": [
        ("skill", "content.draft"),
        ("llm", "content.draft"),  # one model call writes the draft
        *_skills(
            "content.render",
            "content.text_stats",
            "content.readability",
            "content.seo_score",
            "content.technical",
            "content.engagement",
            "content.platform_check",
        ),
    ],
    "email_specialist": [
        ("skill", "email.subject_lines"),
        ("llm", "email.subject.A"),  # three subjects, then body and preheader: five model calls
        ("llm", "email.subject.B"),
        ("llm", "email.subject.C"),
        ("skill", "email.write_body"),
        ("llm", "email.body"),
        ("llm", "email.preheader"),
        ("skill", "content.render"),
        *_skills("email.spam_score") * 3,  # one spam score per subject variant
        ("skill", "email.best_practice_check"),
        ("skill", "content.readability"),
    ],
    "evidence_analyst": _skills(
        "evidence.extract_facts",
        "evidence.source_credibility",
        "evidence.find_contradictions",
        "evidence.verify_claims",
    ),
    "icp_architect": [
        *_skills("icp.detect_company", "icp.build_profiles", "icp.confidence", "icp.synthesis"),
        ("llm", "icp.synthesis"),
    ],
    "launch_readiness": _skills("readiness.assess"),
    "market_sizer": _skills("market.detect_industry", "market.size", "market.projection"),
    "move_strategist": [
        *_skills(
            "planning.move_estimate",
            "planning.schedule_phases",
            "planning.move_guidance",
            "channels.kpis",
            "planning.next_steps",
        ),
        ("llm", "next_steps"),
    ],
    # 1 benefit + 2 differentiators = 3 soundbites, each one model call; then 5 statements + 3 soundbites checked
    "positioning_strategist": [
        *_skills("positioning.statements", "positioning.soundbites"),
        *[("llm", "positioning.soundbite")] * 3,
        *_skills("positioning.check_messaging") * 8,
    ],
    # no model call: every number is computed
    "quality_checker": _skills(
        "quality.mechanics",
        "content.readability",
        "content.seo_score",
        "quality.brand_voice",
        "content.engagement",
        "content.technical",
        "quality.grade",
    ),
    "unit_economics": _skills("finance.unit_economics"),
}

# The router learns each agent from its routing examples; twelve is the bar, unit_economics has ten.
MIN_ROUTING_EXAMPLES = dict.fromkeys(TRACES, 12) | {"unit_economics": 10}

# (agent, input, a pattern one of the errors must match); every one is refused as invalid_input.
INVALID_INPUTS = [
    pytest.param(
        "campaign_planner",
        {"objective": "world_domination", "total_budget": 100, "start_date": "2025-01-01"},
        r"^objective: 'world_domination' is not one of \[.*'lead_generation'",
        id="campaign_planner-unknown objective",
    ),
    pytest.param(
        "campaign_planner",
        {"objective": "launch", "total_budget": 1},
        r"'start_date' is a required property",
        id="campaign_planner-no start date",
    ),
    pytest.param(
        "channel_strategist",
        {"business_model": "lemonade stand", "budget": 10, "team_size": 1},
        r"^business_model: 'lemonade stand' is not one of",
        id="channel_strategist-unknown business model",
    ),
    pytest.param(
        "content_creator",
        {"type": "podcast", "topic": "x"},
        r"^type: 'podcast' is not one of",
        id="content_creator-unknown content type",
    ),
    pytest.param(
        "email_specialist",
        {"audience": "founders"},
        r"'goal' is a required property",
        id="email_specialist-no goal",
    ),
    pytest.param(
        "evidence_analyst", {"texts": []}, r"^texts: \[\] should be non-empty", id="evidence_analyst-no texts"
    ),
    pytest.param("evidence_analyst", {}, r"'texts' is a required property", id="evidence_analyst-empty input"),
    pytest.param(
        "evidence_analyst",
        {"texts": [{"text": "x", "published": "March 2024"}]},
        r"^texts/0/published: 'March 2024' does not match",
        id="evidence_analyst-published not a date",
    ),
    pytest.param(
        "evidence_analyst",
        {"texts": [{"url": "a.gov"}]},
        r"^texts/0: 'text' is a required property",
        id="evidence_analyst-a source without text",
    ),
    pytest.param("icp_architect", {"count": 0}, r"^count: 0 is less than the minimum of 1", id="icp_architect-count 0"),
    pytest.param(
        "icp_architect", {"count": 6}, r"^count: 6 is greater than the maximum of 5", id="icp_architect-count 6"
    ),
    pytest.param(
        "launch_readiness",
        {"answers": {"vibes": 90}},
        r"^answers: Additional properties are not allowed \('vibes' was unexpected\)",
        id="launch_readiness-unknown item",
    ),
    pytest.param(
        "launch_readiness",
        {"answers": {"pricing": 101}},
        r"^answers/pricing: 101 is greater than the maximum of 100",
        id="launch_readiness-score over 100",
    ),
    pytest.param(
        "launch_readiness",
        {"answers": {"pricing": -1}},
        r"^answers/pricing: -1 is less than the minimum of 0",
        id="launch_readiness-negative score",
    ),
    pytest.param(
        "market_sizer",
        {"industry": "saas", "focus": "giant"},
        r"^focus: 'giant' is not one of",
        id="market_sizer-unknown focus",
    ),
    pytest.param(
        "move_strategist",
        {"move_type": "product", "objective": "x"},
        r"'start_date' is a required property",
        id="move_strategist-no start date",
    ),
    pytest.param(
        "move_strategist",
        {"move_type": "rebrand", "objective": "x", "start_date": "2025-01-01"},
        r"^move_type: 'rebrand' is not one of",
        id="move_strategist-unknown move type",
    ),
    pytest.param(
        "move_strategist",
        {"move_type": "product", "objective": "x", "start_date": "tomorrow"},
        r"^start_date: 'tomorrow' does not match",
        id="move_strategist-start date not a date",
    ),
    pytest.param(
        "positioning_strategist",
        {"tone": "bold"},
        r"Additional properties are not allowed \('tone' was unexpected\)",
        id="positioning_strategist-unknown field",
    ),
    pytest.param(
        "quality_checker",
        {"content": "Hello", "type": "podcast"},
        r"^type: 'podcast' is not one of",
        id="quality_checker-unknown type",
    ),
    pytest.param(
        "quality_checker",
        {"content": "", "type": "blog"},
        r"^content: '' should be non-empty",
        id="quality_checker-empty content",
    ),
    pytest.param(
        "quality_checker",
        {"type": "blog"},
        r"'content' is a required property",
        id="quality_checker-no content",
    ),
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
def test_the_example_input_runs_end_to_end_to_a_valid_output(slug, registry_synced, workspace, system_actor):
    spec = agents.get(slug)
    run = run_agent(workspace, system_actor, slug, spec.example_input)
    assert run.status == "succeeded", run.error_message
    Draft202012Validator(spec.output_schema).validate(run.output)
    steps = list(run.steps.order_by("sequence").values_list("kind", "name", "status"))
    assert [(kind, name) for kind, name, _ in steps] == TRACES[slug]
    assert {status for *_, status in steps} == {"succeeded"}


@pytest.mark.parametrize("slug", TRACES)
def test_any_schema_valid_input_gives_a_schema_valid_output(slug):
    spec = agents.get(slug)
    validator = Draft202012Validator(spec.output_schema)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=from_schema(spec.input_schema))
    def check(data):
        output = spec.run(ValidatingContext(), data)
        validator.validate(output)
        json.dumps(output, allow_nan=False)  # a run's output is stored as JSON: no NaN or infinity

    check()


@pytest.mark.parametrize(("slug", "data", "error"), INVALID_INPUTS)
def test_invalid_input_is_refused_naming_the_field(slug, data, error, registry_synced, workspace, system_actor):
    with pytest.raises(RunInputError) as excinfo:
        run_create(workspace=workspace, agent=Agent.objects.get(slug=slug), input=data, actor=system_actor)
    assert excinfo.value.code == "invalid_input"
    assert any(re.search(error, e) for e in excinfo.value.errors), excinfo.value.errors
