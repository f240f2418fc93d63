"""Model layer v2, usage: prompt-cache tokens (read and written) recorded per step and per run, priced at their own
rates, and shown wherever usage is shown (the API's runs and steps, /usage, the admin); and the agent version's
model tools, tool-loop limit and streaming switch, editable on drafts and validated in the API and the admin."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import Agent, AgentVersion, Run
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.services import agentversion_create_draft
from raptorflow.accounts.rights import workspace_export
from raptorflow.audit.models import AuditEvent
from raptorflow.llm import adapters
from raptorflow.llm.models import ModelPrice, Provider
from raptorflow.llm.types import Completion, CompletionRequest, Usage
from skills import tools
from tests.factories import ModelPriceFactory, RunFactory, RunStepFactory
from tests.fixtures.api import API

FAKE = "test-v2-usage"
# Each call: 10,000 input tokens, of which 6,000 read from the prompt cache and 2,000 written to it; 1,000 out.
CALL_USAGE = Usage(input_tokens=10_000, output_tokens=1_000, cached_input_tokens=6_000, cache_write_tokens=2_000)
# 2,000 × $3 + 6,000 × $0.30 + 2,000 × $3.75 + 1,000 × $15, per million tokens.
CALL_COST = Decimal("0.030300")


def _cached_answer(provider: Provider, request: CompletionRequest) -> Completion:
    return Completion("Forecasts you can bank on.", CALL_USAGE, request.model, FAKE, 5)


@pytest.fixture
def cached_model(db, monkeypatch) -> Provider:
    """A provider (its adapter in-process) that answers every call with prompt-cache usage, and its price."""
    monkeypatch.setitem(adapters.ADAPTERS, FAKE, _cached_answer)
    provider = Provider.objects.create(name=FAKE, kind=FAKE)
    ModelPrice.objects.create(
        provider=provider,
        model="fake-1",
        input_per_million=Decimal("3"),
        cached_input_per_million=Decimal("0.30"),
        cache_write_per_million=Decimal("3.75"),
        output_per_million=Decimal("15"),
        effective_from=timezone.now() - timezone.timedelta(days=1),
    )
    return provider


def _two_calls(ctx, data):
    return {"first": ctx.llm("Write a tagline.", purpose="tagline"), "second": ctx.llm("Again.", purpose="again")}


@pytest.fixture
def cached_run(make_agent, cached_model, workspace, system_actor) -> Run:
    """A run of two model calls, each with CALL_USAGE."""
    agent = make_agent(
        "test-cache-tokens", _two_calls, chain=[{"provider": FAKE, "model": "fake-1"}], cache_responses=False
    )
    run, _ = run_create(workspace=workspace, agent=agent, input={}, actor=system_actor)
    run_execute(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    return run


# --- recorded and priced ---------------------------------------------------------------------------------------


def test_each_call_records_its_cache_tokens_and_is_priced_at_the_four_rates(cached_run):
    steps = list(cached_run.steps.order_by("sequence"))
    assert [(s.tokens_in, s.cached_tokens_in, s.cache_write_tokens, s.tokens_out) for s in steps] == [
        (10_000, 6_000, 2_000, 1_000)
    ] * 2
    assert [s.cost for s in steps] == [CALL_COST] * 2
    run = cached_run
    assert (run.tokens_in, run.cached_tokens_in, run.cache_write_tokens) == (20_000, 12_000, 4_000)
    assert (run.tokens_out, run.cost) == (2_000, 2 * CALL_COST)


# --- the API ----------------------------------------------------------------------------------------------------


def test_a_run_and_its_steps_show_their_cache_tokens_in_the_api(as_user, owner, cached_run):
    body = as_user(owner).get(f"{API}/runs/{cached_run.pk}").json()

    assert (body["tokens_in"], body["cached_tokens_in"], body["cache_write_tokens"]) == (20_000, 12_000, 4_000)
    assert [(s["cached_tokens_in"], s["cache_write_tokens"]) for s in body["steps"]] == [(6_000, 2_000)] * 2
    assert [Decimal(s["cost"]) for s in body["steps"]] == [CALL_COST] * 2
    [listed] = as_user(owner).get(f"{API}/runs").json()["results"]
    assert (listed["cached_tokens_in"], listed["cache_write_tokens"]) == (12_000, 4_000)


def test_a_stranger_sees_no_cache_tokens_of_another_workspaces_run(as_user, stranger, cached_run):
    assert as_user(stranger).get(f"{API}/runs/{cached_run.pk}").status_code == 404


def test_usage_totals_and_each_agent_show_cached_and_cache_write_tokens(as_user, viewer, workspace, cached_run):
    RunFactory(workspace=workspace, tokens_in=500, cached_tokens_in=100, cache_write_tokens=50, tokens_out=5)

    body = as_user(viewer).get(f"{API}/usage").json()

    assert (body["tokens_in"], body["cached_tokens_in"], body["cache_write_tokens"]) == (20_500, 12_100, 4_050)
    by_agent = {row["agent"]: row for row in body["by_agent"]}
    assert (by_agent["test-cache-tokens"]["cached_tokens_in"], by_agent["test-cache-tokens"]["cache_write_tokens"]) == (
        12_000,
        4_000,
    )


def test_a_workspaces_export_holds_each_run_and_steps_cache_tokens(workspace, cached_run, system_actor):
    [run] = workspace_export(workspace=workspace, actor=system_actor)["runs"]

    assert (run["cached_tokens_in"], run["cache_write_tokens"]) == (12_000, 4_000)
    assert [(s["cached_tokens_in"], s["cache_write_tokens"]) for s in run["steps"]] == [(6_000, 2_000)] * 2


# --- the admin --------------------------------------------------------------------------------------------------


def test_the_run_list_and_run_page_show_cache_tokens(admin_client, cached_run):
    listing = admin_client.get(reverse("admin:agents_run_changelist")).content.decode()
    assert "Cached in / cache writes" in listing and "12000 / 4000" in listing

    page = admin_client.get(reverse("admin:agents_run_change", args=[cached_run.pk])).content.decode()
    assert '<dd id="run-cache-tokens">12000 / 4000</dd>' in page
    assert ">Cached in</th>" in page and ">Cache writes</th>" in page
    assert "Cached tokens in" in page and "Cache write tokens" in page  # the read-only record's fields


def test_the_live_run_state_gives_each_steps_cache_tokens(admin_client, cached_run):
    state = admin_client.get(reverse("admin:agents_run_events", args=[cached_run.pk])).json()

    assert (state["cached_tokens_in"], state["cache_write_tokens"]) == (12_000, 4_000)
    assert [(s["cached_tokens_in"], s["cache_write_tokens"]) for s in state["steps"]] == [(6_000, 2_000)] * 2


def test_the_step_list_shows_cache_tokens(admin_client, db):
    RunStepFactory(kind="llm", tokens_in=900, cached_tokens_in=321, cache_write_tokens=123)

    listing = admin_client.get(reverse("admin:agents_runstep_changelist")).content.decode()

    assert "Cached tokens in" in listing and "Cache write tokens" in listing
    assert ">321<" in listing and ">123<" in listing


def test_the_price_list_shows_each_prices_provider_and_cache_write_rate(admin_client, db):
    ModelPriceFactory(model="claude-x", cache_write_per_million=Decimal("3.7500"))

    listing = admin_client.get(reverse("admin:llm_modelprice_changelist")).content.decode()

    assert "Cache write per million" in listing and '<td class="field-cache_write_per_million">3.7500</td>' in listing
    assert re.search(r'<th class="field-provider[^"]*"><a href="[^"]+">openai</a></th>', listing)


def test_a_price_is_added_in_the_admin_for_one_provider(admin_client, db):
    openai = Provider.objects.create(name="openai", kind="openai_compatible")
    openrouter = Provider.objects.create(name="openrouter", kind="openai_compatible")
    form = admin_client.get(reverse("admin:llm_modelprice_add")).content.decode()
    assert 'name="provider"' in form and 'name="cache_write_per_million"' in form
    data = {
        "provider": openrouter.pk, "model": "gpt-4o-mini", "input_per_million": "0.20", "output_per_million": "0.80",
        "cached_input_per_million": "0.10", "cache_write_per_million": "0", "effective_from_0": "2025-01-01",
        "effective_from_1": "00:00:00",
    }  # fmt: skip

    response = admin_client.post(reverse("admin:llm_modelprice_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    price = ModelPrice.objects.get()
    assert (price.provider, price.input_per_million) == (openrouter, Decimal("0.20"))
    assert not openai.prices.exists()
    without = admin_client.post(reverse("admin:llm_modelprice_add"), {**data, "provider": ""})
    assert without.status_code == 200 and "This field is required." in without.content.decode()


# --- the version's model tools, tool-loop limit and streaming ---------------------------------------------------


@pytest.fixture
def staff_api(superuser) -> APIClient:
    client = APIClient()
    client.force_login(superuser)
    return client


@pytest.fixture
def draft(registry_synced, system_actor) -> AgentVersion:
    return agentversion_create_draft(agent=Agent.objects.get(slug="unit_economics"), actor=system_actor)


def _version_url(version: AgentVersion) -> str:
    return f"{API}/agents/{version.agent.slug}/versions/{version.number}"


@pytest.fixture
def code_only_tool(monkeypatch) -> str:
    """A declared tool without an input schema: code may call it, a model may not."""
    tools.names()  # load the declared tools first, so this one is added beside them
    monkeypatch.setitem(tools._TOOLS, "test.code_only", tools.ToolSpec("test.code_only", "", lambda data, ctx: {}))
    return "test.code_only"


def test_the_api_shows_a_versions_model_tools_loop_limit_and_streaming(staff_api, draft):
    body = staff_api.get(_version_url(draft)).json()

    assert (body["model_tools"], body["max_tool_iterations"], body["stream"]) == ([], 8, True)


def test_a_draft_takes_skills_and_schema_tools_as_model_tools_through_the_api(staff_api, draft):
    change = {"model_tools": ["finance.unit_economics", "text.stats"], "max_tool_iterations": 3, "stream": False}

    response = staff_api.patch(_version_url(draft), change, format="json")

    assert response.status_code == 200, response.content
    assert {name: response.json()[name] for name in change} == change
    draft.refresh_from_db()
    assert (draft.model_tools, draft.max_tool_iterations, draft.stream) == (change["model_tools"], 3, False)
    event = AuditEvent.objects.filter(action="agentversion.update").latest("id")
    assert event.changes["model_tools"] == [[], ["finance.unit_economics", "text.stats"]]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (["finance.unit_economics", "no.such.thing"], "'no.such.thing' is neither a skill nor a tool."),
        (["text.stats", "text.stats"], "'text.stats' is listed twice."),
    ],
)
def test_a_bad_model_tool_is_a_400_naming_the_entry(staff_api, draft, entries, message):
    response = staff_api.patch(_version_url(draft), {"model_tools": entries}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "message": "The request is not valid; see errors.",
        "errors": {"model_tools": [message]},
    }
    draft.refresh_from_db()
    assert draft.model_tools == []


def test_a_tool_without_an_input_schema_is_refused_as_a_model_tool(staff_api, draft, code_only_tool):
    response = staff_api.patch(_version_url(draft), {"model_tools": [code_only_tool]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "model_tools": ["'test.code_only' is a tool without an input schema: a model cannot call it."]
    }


def test_model_tools_must_be_a_list_of_names_and_the_loop_limit_in_range(staff_api, draft):
    not_a_list = staff_api.patch(_version_url(draft), {"model_tools": "text.stats"}, format="json")
    no_turns = staff_api.patch(_version_url(draft), {"max_tool_iterations": 0}, format="json")

    assert not_a_list.status_code == 400 and set(not_a_list.json()["errors"]) == {"model_tools"}
    assert no_turns.status_code == 400 and set(no_turns.json()["errors"]) == {"max_tool_iterations"}


def test_a_new_draft_with_a_bad_model_tool_is_not_created(staff_api, draft):
    before = AgentVersion.objects.filter(agent=draft.agent).count()

    response = staff_api.post(f"{API}/agents/unit_economics/versions", {"model_tools": ["nope"]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"model_tools": ["'nope' is neither a skill nor a tool."]}
    assert AgentVersion.objects.filter(agent=draft.agent).count() == before


def _admin_form(version: AgentVersion, **changes: str) -> dict[str, object]:
    return {
        "agent": version.agent_id, "system_prompt": version.system_prompt, "model_chain": "[]",
        "temperature": version.temperature, "max_tokens": version.max_tokens, "input_schema": "{}",
        "output_schema": "{}", "routing_examples": "[]", "run_budget": "1.00", "timeout_seconds": 300, "notes": "",
        "cache_responses": "on", "model_tools": "[]", "max_tool_iterations": 8, "stream": "on", **changes,
    }  # fmt: skip


def test_the_admin_edits_a_drafts_model_tools_loop_limit_and_streaming(admin_client, draft):
    data = _admin_form(draft, model_tools='["text.stats", "finance.unit_economics"]', max_tool_iterations="4")
    del data["stream"]  # an unticked box

    response = admin_client.post(reverse("admin:agents_agentversion_change", args=[draft.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert (draft.model_tools, draft.max_tool_iterations, draft.stream) == (
        ["text.stats", "finance.unit_economics"],
        4,
        False,
    )


def test_a_bad_model_tool_is_a_form_error_in_the_admin(admin_client, draft, code_only_tool):
    data = _admin_form(draft, model_tools='["text.stats", "nope", "test.code_only"]')

    response = admin_client.post(reverse("admin:agents_agentversion_change", args=[draft.pk]), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["model_tools"] == [
        "'nope' is neither a skill nor a tool.",
        "'test.code_only' is a tool without an input schema: a model cannot call it.",
    ]
    draft.refresh_from_db()
    assert draft.model_tools == []


def test_the_admin_form_explains_the_new_fields(admin_client, draft):
    page = admin_client.get(reverse("admin:agents_agentversion_change", args=[draft.pk])).content.decode()

    assert "Skills (by slug) and tools (by name) the model may call itself" in page
    assert "fails with tool_loop_limit" in page
    assert "Stream the model's text into the run's events" in page  # the admin shows help texts as written


def test_a_published_versions_new_fields_are_read_only_in_the_admin(admin_client, registry_synced):
    published = Agent.objects.get(slug="unit_economics").versions.get()
    page = admin_client.get(reverse("admin:agents_agentversion_change", args=[published.pk])).content.decode()

    assert 'name="model_tools"' not in page and 'name="max_tool_iterations"' not in page
    assert 'name="stream"' not in page
    assert "Model tools" in page and "Max tool iterations" in page
