"""The dispatcher routes free text to an agent, explains why, asks when unsure, and demotes failing agents."""

from __future__ import annotations

import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from agents import dispatcher
from agents.choices import RunStatus
from agents.dispatcher import NEEDS_CLARIFICATION, route, route_request
from agents.management.commands.route_eval import evaluate, load_routing_set
from agents.models import Agent
from tests.factories import RunFactory

CASES = load_routing_set()
CATALOGUE = {
    "icp_architect", "content_creator", "email_specialist", "quality_checker", "move_strategist", "campaign_planner",
    "market_sizer", "channel_strategist", "evidence_analyst", "positioning_strategist", "unit_economics",
    "launch_readiness",
}  # fmt: skip


def _stub(*slugs: str) -> list[SimpleNamespace]:
    """Specs with a real slug and no examples: routing then rests on the lexicon alone."""
    return [
        SimpleNamespace(slug=s, name=s.replace("_", " "), category="analytics", description="", routing_examples=())
        for s in slugs
    ]


@pytest.fixture
def two_agents(monkeypatch):
    """A router that knows only unit_economics and campaign_planner, whatever specs exist."""
    index = dispatcher.build_index(_stub("unit_economics", "campaign_planner"))
    monkeypatch.setattr(dispatcher, "get_index", lambda: index)
    return index


# ---------------------------------------------------------------- the labelled set


def test_the_router_meets_the_bar_on_the_labelled_set():
    result = evaluate(CASES)
    assert result.problems() == [], [f"{c.expected} → {got}: {c.text}" for c, got in result.confusions()]


def test_vague_requests_are_mostly_answered_with_needs_clarification():
    _, recall, support = evaluate(CASES).precision_recall(NEEDS_CLARIFICATION)
    assert support >= 15
    assert recall >= 0.8


def test_the_labelled_set_covers_every_registered_agent():
    counts = {slug: sum(case.expected == slug for case in CASES) for slug in dispatcher.get_index().slugs}
    assert len(CASES) >= 180
    assert min(counts.values()) >= 12, counts
    assert {case.expected for case in CASES} == {*CATALOGUE, NEEDS_CLARIFICATION}


def test_test_agents_are_not_routed_to():
    assert not any(slug.startswith("it-") for slug in dispatcher.get_index().slugs)


# ---------------------------------------------------------------- explicit agents


@pytest.mark.parametrize(
    "text",
    [
        "@unit_economics write a LinkedIn post about our launch",
        "agent: unit_economics — write a LinkedIn post about our launch",
        "use the unit economics agent to write a LinkedIn post about our launch",
        "Unit economics: write a LinkedIn post about our launch",
        "write a LinkedIn post about our launch (unit_economics)",
    ],
)
def test_an_agent_named_in_the_request_wins(text):
    decision = route(text)
    assert (decision.agent, decision.confidence, decision.explicit) == ("unit_economics", 1.0, True)


def test_every_agent_can_be_named_by_its_slug_or_its_name():
    from agents.registry import all_specs

    for spec in (s for s in all_specs() if s.category != "test"):
        assert route(f"@{spec.slug} write a LinkedIn post").agent == spec.slug
        assert route(f"use the {spec.name} for this: what is our CAC?").agent == spec.slug


def test_an_explicit_agent_wins_even_when_demoted():
    decision = route("@unit_economics hello", demoted={"unit_economics"})
    assert (decision.agent, decision.explicit) == ("unit_economics", True)


def test_mentioning_a_topic_is_not_naming_an_agent():
    assert not route("are our unit economics healthy with 3% churn?").explicit


# ---------------------------------------------------------------- unsure, odd or hostile input


@pytest.mark.parametrize("text", ["", "   ", "asdf qwer zxcv", "🙂🙂🙂", "help", "what should I do next?", "x" * 50000])
def test_vague_or_meaningless_text_needs_clarification(text):
    decision = route(text)
    assert decision.needs_clarification and decision.agent is None
    assert decision.label == NEEDS_CLARIFICATION


def test_a_clarification_offers_the_best_candidates(two_agents):
    decision = route("CAC", min_confidence=0.99)
    assert decision.needs_clarification
    assert decision.runner_ups[0][0] == "unit_economics"
    assert "below the threshold" in decision.reason


def test_the_threshold_is_a_setting(settings):
    text = "what's our CAC?"
    settings.RAPTORFLOW_ROUTER_THRESHOLD = 0.0
    assert not route(text).needs_clarification
    settings.RAPTORFLOW_ROUTER_THRESHOLD = 1.0
    assert route(text).needs_clarification


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_text_gets_a_decision_with_a_confidence_between_0_and_1(text):
    decision = route(text)
    assert 0.0 <= decision.confidence <= 1.0
    assert decision.label in {*dispatcher.get_index().slugs, NEEDS_CLARIFICATION}
    assert all(0.0 <= confidence <= 1.0 for _, confidence in decision.runner_ups)
    assert decision == route(text)


def test_the_same_request_always_gets_the_same_decision():
    first = [route(case.text) for case in CASES]
    dispatcher.reset()
    assert [route(case.text) for case in CASES] == first


# ---------------------------------------------------------------- explanations


def test_the_reason_lists_the_matched_terms():
    decision = route("what is our LTV to CAC ratio with 4% monthly churn?")
    assert decision.agent == "unit_economics"
    assert {"ltv", "cac", "churn"} <= set(decision.matched_terms)
    assert "'cac'" in decision.reason and "score" in decision.reason


def test_runner_ups_are_other_agents_ranked_by_confidence(two_agents):
    decision = route("CAC of our campaign")
    assert decision.agent == "unit_economics"
    assert [slug for slug, _ in decision.runner_ups] == ["campaign_planner"]
    assert decision.runner_ups[0][1] < decision.confidence


def test_quoted_text_is_the_payload_not_the_instruction(two_agents):
    assert route('what is the CAC in this: "plan a campaign, budget split, daily cap"').agent == "unit_economics"


def test_a_misspelt_word_is_read_as_the_known_word_one_letter_away(two_agents):
    decision = route("campain budget split")
    assert decision.agent == "campaign_planner"
    assert "campain→campaign" in decision.reason


def test_the_decision_is_stored_as_json():
    data = route("what is our LTV to CAC ratio?").as_dict()
    assert data["agent"] == "unit_economics"
    assert isinstance(data["runner_ups"], list) and isinstance(data["confidence"], float)


# ---------------------------------------------------------------- demotion


def _finish(agent: Agent, *statuses: str) -> None:
    version = agent.versions.get(number=1)
    for status in statuses:
        RunFactory(agent_version=version, status=status)
    dispatcher.forget_health()


def test_a_demoted_agent_loses_a_close_call_but_keeps_a_clear_one(two_agents):
    assert route("CAC of our campaign").agent == "unit_economics"
    assert route("CAC of our campaign", demoted={"unit_economics"}).agent == "campaign_planner"
    assert route("LTV to CAC ratio and payback", demoted={"unit_economics"}).agent == "unit_economics"


def test_three_failures_in_a_row_demote_an_agent_until_it_succeeds(registry_synced):
    agent = Agent.objects.get(slug="unit_economics")
    _finish(agent, RunStatus.FAILED, RunStatus.TIMED_OUT)
    assert dispatcher.consecutive_failures()["unit_economics"] == 2
    assert route_request("what is our LTV to CAC ratio?").demoted == ()
    _finish(agent, RunStatus.FAILED)
    decision = route_request("what is our LTV to CAC ratio?")
    assert decision.demoted == ("unit_economics",)
    assert decision.confidence < route("what is our LTV to CAC ratio?").confidence
    _finish(agent, RunStatus.SUCCEEDED)
    assert dispatcher.consecutive_failures()["unit_economics"] == 0
    assert route_request("what is our LTV to CAC ratio?").demoted == ()


def test_cancelled_and_over_budget_runs_neither_count_nor_reset(registry_synced):
    agent = Agent.objects.get(slug="unit_economics")
    _finish(agent, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.FAILED, RunStatus.BUDGET_EXCEEDED)
    _finish(agent, RunStatus.FAILED, RunStatus.QUEUED)
    assert dispatcher.consecutive_failures()["unit_economics"] == 3


def test_failures_are_counted_for_every_agent_in_one_query(registry_synced, django_assert_num_queries):
    with django_assert_num_queries(1):
        failures = dispatcher.consecutive_failures()
    assert set(failures) >= {"unit_economics"}


def test_a_disabled_agent_is_not_chosen_from_text(registry_synced):
    Agent.objects.filter(slug="unit_economics").update(enabled=False)
    dispatcher.forget_health()
    assert route_request("what is our LTV to CAC ratio?").agent != "unit_economics"


# ---------------------------------------------------------------- commands


def test_route_prints_one_tab_separated_line_per_request(db):
    out = StringIO()
    call_command("route", stdin=StringIO("what is our LTV to CAC ratio?\n\nhello\n"), stdout=out)
    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    assert [len(columns) for columns in lines] == [3, 3]
    assert lines[0][0] == "unit_economics" and re.fullmatch(r"\d\.\d{3}", lines[0][1])
    assert lines[1][0] == NEEDS_CLARIFICATION


def test_route_eval_prints_accuracy_per_agent_figures_and_confusions():
    out = StringIO()
    call_command("route_eval", stdout=out)
    text = out.getvalue()
    assert re.search(r"accuracy: \d\.\d{3}", text)
    assert re.search(r"^unit_economics\s+\d\.\d{3}\s+\d\.\d{3}\s+\d+$", text, re.MULTILINE)
    assert "confusions:" in text and "OK:" in text


def test_route_eval_fails_when_the_router_misses_the_bar(tmp_path):
    labelled = tmp_path / "set.tsv"
    labelled.write_text("expected\trequest\nunit_economics\thello\nunit_economics\twhat is our CAC?\n")
    out = StringIO()
    with pytest.raises(CommandError, match="recall of unit_economics") as error:
        call_command("route_eval", file=str(labelled), stdout=out)
    assert error.value.returncode == 1
    assert "expected unit_economics" in out.getvalue() and "got needs_clarification" in out.getvalue()
