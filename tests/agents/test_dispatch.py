"""/api/v1/dispatch: route free text to an agent (the model when one is configured, the lexical router as its
fallback and tiebreak), optionally run it, and honour Idempotency-Key as POST /runs does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agents import dispatcher
from agents.models import Run, WorkspaceSpend
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent
from raptorflow.llm import adapters
from raptorflow.llm.models import ModelPrice, Provider
from raptorflow.llm.scripted import register_script, rewind_script
from raptorflow.llm.types import Completion, CompletionRequest, Usage

UNIT_INPUT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
FAKE = "test-router-fake"


@pytest.fixture
def client_with(workspace, registry_synced, system_actor):
    def make(*scopes):
        _, plaintext = apikey_create(workspace=workspace, name="s", scopes=list(scopes), actor=system_actor)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        return client

    return make


def test_a_request_is_routed_with_confidence_runner_ups_and_reason(client_with):
    client = client_with("agents:read")
    decision = client.post("/api/v1/dispatch", {"text": "how big is the market for dental SaaS in Europe?"}).json()
    assert decision["agent"] == "market_sizer"
    assert 0.35 <= decision["confidence"] <= 1
    assert decision["runner_ups"] and decision["matched_terms"]
    assert (decision["decided_by"], decision["language"], decision["clarifying_question"]) == ("lexical", "en", "")
    assert not Run.objects.exists()


def test_vague_text_is_none_with_a_question_and_never_runs(client_with):
    client = client_with("agents:read", "runs:write")
    decision = client.post("/api/v1/dispatch", {"text": "help", "run": True, "input": {}}, format="json").json()
    assert (decision["agent"], decision["needs_clarification"], decision["out_of_scope"]) == (None, True, False)
    assert decision["clarifying_question"].startswith("Which do you need: the ")
    assert not Run.objects.exists()


def test_an_out_of_scope_ask_is_none_and_says_so(client_with):
    client = client_with("agents:read", "runs:write")
    body = {"text": "make our brand a new logo", "run": True, "input": {}}
    decision = client.post("/api/v1/dispatch", body, format="json").json()
    assert (decision["agent"], decision["out_of_scope"]) == (None, True)
    assert decision["clarifying_question"].startswith("None of the agents does that.")
    assert not Run.objects.exists()


def test_a_request_in_another_language_is_routed(client_with):
    client = client_with("agents:read")
    decision = client.post("/api/v1/dispatch", {"text": "Quelle est la taille du marché de l'assurance pour animaux ?"})
    assert (decision.json()["agent"], decision.json()["language"]) == ("market_sizer", "fr")


def test_dispatch_can_start_the_run_and_records_why(client_with):
    client = client_with("agents:read", "runs:write")
    body = {"text": "are our unit economics healthy? LTV to CAC please", "run": True, "input": UNIT_INPUT}
    response = client.post("/api/v1/dispatch", body, format="json")
    assert response.status_code == 201
    run = Run.objects.get(pk=response.json()["id"])
    assert run.agent_version.agent.slug == "unit_economics"
    assert run.routing["agent"] == "unit_economics" and run.routing["matched_terms"]


def test_starting_a_run_by_dispatch_needs_the_write_scope(client_with):
    client = client_with("agents:read")
    response = client.post("/api/v1/dispatch", {"text": "LTV to CAC", "run": True, "input": {}}, format="json")
    assert response.status_code == 403


# ---------------------------------------------------------------- Idempotency-Key


def _dispatch(client, body, key):
    return client.post("/api/v1/dispatch", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_return_the_same_run(client_with):
    client = client_with("agents:read", "runs:write")
    body = {"text": "LTV to CAC for our subscription box", "run": True, "input": UNIT_INPUT}
    first = _dispatch(client, body, "order-42")
    again = _dispatch(client, body, "order-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Run.objects.count() == 1
    assert Run.objects.get().idempotency_key == "order-42"


def test_the_same_key_with_another_body_is_a_conflict(client_with):
    client = client_with("agents:read", "runs:write")
    body = {"text": "LTV to CAC for our subscription box", "run": True, "input": UNIT_INPUT}
    assert _dispatch(client, body, "order-43").status_code == 201
    other_input = _dispatch(client, {**body, "input": {**UNIT_INPUT, "spend": 2000}}, "order-43")
    other_text = _dispatch(client, {**body, "text": "what is our CAC and payback?"}, "order-43")
    assert (other_input.status_code, other_text.status_code) == (409, 409)
    assert other_input.json()["code"] == "idempotency_conflict"
    assert Run.objects.count() == 1


def test_a_key_used_by_post_runs_is_a_conflict_for_dispatch(client_with):
    client = client_with("agents:read", "runs:write")
    created = client.post(
        "/api/v1/runs", {"agent": "unit_economics", "input": UNIT_INPUT}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert created.status_code == 201
    body = {"text": "LTV to CAC please", "run": True, "input": UNIT_INPUT}
    assert _dispatch(client, body, "k-1").status_code == 409


def test_keys_are_per_workspace_and_without_a_key_every_dispatch_runs(client_with):
    client = client_with("agents:read", "runs:write")
    body = {"text": "LTV to CAC for our subscription box", "run": True, "input": UNIT_INPUT}
    assert client.post("/api/v1/dispatch", body, format="json").status_code == 201
    assert client.post("/api/v1/dispatch", body, format="json").status_code == 201
    assert Run.objects.count() == 2


def test_an_overlong_key_is_refused(client_with):
    client = client_with("agents:read", "runs:write")
    body = {"text": "LTV to CAC", "run": True, "input": UNIT_INPUT}
    assert _dispatch(client, body, "k" * 256).status_code == 400


# ---------------------------------------------------------------- with a model configured


def _answer(agent, closest, confidence=0.9, out_of_scope=False, question="", reasons=("the request asks for it",)):
    return {
        "agent": agent,
        "closest": list(closest),
        "confidence": confidence,
        "out_of_scope": out_of_scope,
        "clarifying_question": question,
        "reasons": list(reasons),
    }


class FakeRouterModel:
    """Answers each classification with the next reply (a parsed JSON object) and keeps what it was asked."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.requests: list[CompletionRequest] = []

    def __call__(self, provider, request):
        self.requests.append(request)
        return Completion("", Usage(2000, 100), request.model, FAKE, 40, parsed=self.replies.pop(0))


@pytest.fixture
def router_model(db, settings, monkeypatch):
    """A priced provider (USD 10 / 30 per million tokens) whose adapter is a FakeRouterModel, as the router's chain."""
    provider = Provider.objects.create(name=FAKE, kind=FAKE)
    ModelPrice.objects.create(
        provider=provider, model="router-1", input_per_million=Decimal("10"), output_per_million=Decimal("30"),
        effective_from=timezone.now() - timezone.timedelta(days=1),
    )  # fmt: skip
    settings.RAPTORFLOW_ROUTER_MODEL_CHAIN = [{"provider": FAKE, "model": "router-1"}]

    def make(*replies):
        model = FakeRouterModel(replies)
        monkeypatch.setitem(adapters.ADAPTERS, FAKE, model)
        return model

    return make


def test_the_model_decides_and_both_decisions_are_recorded(client_with, router_model, workspace):
    model = router_model(_answer("channel_strategist", ["channel_strategist", "campaign_planner"], 0.8))
    client = client_with("agents:read")
    decision = client.post("/api/v1/dispatch", {"text": "we need more people to find us"}).json()
    assert (decision["agent"], decision["decided_by"], decision["confidence"]) == ("channel_strategist", "model", 0.8)
    assert decision["model"]["closest"] == ["channel_strategist", "campaign_planner"]
    assert decision["lexical"]["agent"] != "channel_strategist"  # the lexical router alone would not have known
    assert "lexical chose" in decision["reason"]
    schema = model.requests[0].output.schema
    assert set(schema["properties"]["agent"]["enum"]) == {*dispatcher.get_index().slugs, "none"}


def test_a_classification_is_budget_checked_charged_and_recorded(client_with, router_model, workspace):
    router_model(_answer("market_sizer", ["market_sizer", "icp_architect"]))
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "is this a big opportunity?"}).json()
    call = decision["model"]["call"]
    # 2,000 input tokens at $10 and 100 output tokens at $30 per million
    assert (call["tokens_in"], call["tokens_out"], Decimal(call["cost"])) == (2000, 100, Decimal("0.023"))
    assert WorkspaceSpend.objects.get(workspace=workspace).amount == Decimal("0.023")
    event = AuditEvent.objects.get(action="dispatch.classify")
    assert (event.workspace_id, event.changes["agent"]) == (workspace.pk, "market_sizer")
    assert Decimal(event.changes["cost"]) == Decimal("0.023")


def test_a_run_started_from_the_model_keeps_its_call_in_the_routing(client_with, router_model):
    router_model(_answer("unit_economics", ["unit_economics", "campaign_planner"]))
    client = client_with("agents:read", "runs:write")
    response = client.post("/api/v1/dispatch", {"text": "are we making money?", "run": True, "input": UNIT_INPUT},
                           format="json")  # fmt: skip
    run = Run.objects.get(pk=response.json()["id"])
    assert run.routing["decided_by"] == "model" and Decimal(run.routing["model"]["call"]["cost"]) == Decimal("0.023")


def test_the_lexical_router_breaks_the_tie_of_an_unsure_model(client_with, router_model):
    router_model(_answer("campaign_planner", ["campaign_planner", "unit_economics"], confidence=0.2))
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "what is our LTV to CAC ratio?"}).json()
    assert (decision["agent"], decision["decided_by"]) == ("unit_economics", "model+lexical")


def test_an_unsure_model_and_a_lexical_router_that_disagrees_give_none(client_with, router_model):
    router_model(_answer("campaign_planner", ["campaign_planner", "channel_strategist"], confidence=0.2))
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "what is our LTV to CAC ratio?"}).json()
    assert decision["agent"] is None
    assert (
        "Campaign planner" in decision["clarifying_question"]
        and "Channel strategist" in decision["clarifying_question"]
    )


def test_the_model_can_answer_none_with_its_own_question(client_with, router_model):
    question = "Do you want the Content creator to write the posts, or the Channel strategist to pick channels?"
    router_model(_answer("none", ["content_creator", "channel_strategist"], 0.9, True, question))
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "post these for me daily"}).json()
    assert (decision["agent"], decision["out_of_scope"], decision["clarifying_question"]) == (None, True, question)


def test_a_question_that_does_not_name_both_closest_agents_is_replaced(client_with, router_model):
    router_model(_answer("none", ["content_creator", "channel_strategist"], 0.9, True, "What do you mean?"))
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "post these for me daily"}).json()
    question = decision["clarifying_question"]
    assert "Content creator" in question and "Channel strategist" in question
    assert decision["model"]["call"]["attempts"][-1]["question_rewritten"] is True


def test_an_answer_off_the_schema_is_repaired_once(client_with, router_model, settings):
    settings.RAPTORFLOW_ROUTER_MODEL_BUDGET = "0.2"  # two calls at this model's price
    model = router_model({"agent": "the market one"}, _answer("market_sizer", ["market_sizer", "icp_architect"]))
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "how big is it?"}).json()
    assert (decision["agent"], decision["decided_by"]) == ("market_sizer", "model")
    assert len(model.requests) == 2
    repair = model.requests[1].messages[-1].content
    assert repair.startswith("Your JSON does not match the required schema")


def test_an_answer_still_off_the_schema_falls_back_to_the_lexical_router(
    client_with, router_model, workspace, settings
):
    settings.RAPTORFLOW_ROUTER_MODEL_BUDGET = "0.2"
    router_model({"agent": "nope"}, {"agent": "still nope"})
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "what is our LTV to CAC ratio?"}).json()
    assert (decision["agent"], decision["decided_by"]) == ("unit_economics", "lexical")
    assert (decision["model"]["used"], decision["model"]["error"]) == (False, "invalid_model_output")
    assert WorkspaceSpend.objects.get(workspace=workspace).amount == Decimal("0.046")  # both calls were paid


def test_a_classification_over_its_budget_is_not_made(client_with, router_model, settings):
    model = router_model(_answer("market_sizer", ["market_sizer", "icp_architect"]))
    settings.RAPTORFLOW_ROUTER_MODEL_BUDGET = "0.000001"
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "what is our LTV to CAC ratio?"}).json()
    assert (decision["agent"], decision["model"]["error"]) == ("unit_economics", "run_budget_exceeded")
    assert model.requests == []


def test_a_repair_that_would_break_the_budget_is_not_made(client_with, router_model, workspace):
    model = router_model({"agent": "nope"}, _answer("market_sizer", ["market_sizer", "icp_architect"]))
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "what is our LTV to CAC ratio?"}).json()
    assert (decision["agent"], decision["model"]["error"]) == ("unit_economics", "run_budget_exceeded")
    assert len(model.requests) == 1
    assert WorkspaceSpend.objects.get(workspace=workspace).amount == Decimal("0.023")  # the first call was paid


def test_a_model_without_a_price_is_refused_and_the_lexical_router_answers(client_with, router_model):
    model = router_model(_answer("market_sizer", ["market_sizer", "icp_architect"]))
    ModelPrice.objects.all().delete()
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "what is our LTV to CAC ratio?"}).json()
    assert (decision["agent"], decision["model"]["error"]) == ("unit_economics", "price_missing")
    assert model.requests == []


def test_an_explicit_agent_never_asks_the_model(client_with, router_model):
    model = router_model()
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "@market_sizer dental SaaS"}).json()
    assert (decision["agent"], decision["decided_by"]) == ("market_sizer", "explicit")
    assert model.requests == [] and "model" not in decision


def test_the_offline_provider_cannot_classify_so_the_lexical_router_answers(client_with, settings):
    settings.RAPTORFLOW_ROUTER_MODEL_CHAIN = [{"provider": "offline", "model": "offline-1"}]
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "what is our LTV to CAC ratio?"}).json()
    assert (decision["agent"], decision["decided_by"]) == ("unit_economics", "lexical")
    assert decision["model"]["error"] == "model_unavailable"


def test_the_scripted_provider_classifies_for_free(client_with, settings, workspace):
    Provider.objects.create(name="scripted-router", kind="scripted")
    register_script("router-e2e", [{"json": _answer("evidence_analyst", ["evidence_analyst", "market_sizer"])}])
    rewind_script("router-e2e")
    settings.RAPTORFLOW_ROUTER_MODEL_CHAIN = [{"provider": "scripted-router", "model": "router-e2e"}]
    decision = client_with("agents:read").post("/api/v1/dispatch", {"text": "can we trust this number?"}).json()
    assert (decision["agent"], decision["decided_by"]) == ("evidence_analyst", "model")
    assert Decimal(decision["model"]["call"]["cost"]) == 0
    assert not WorkspaceSpend.objects.filter(workspace=workspace).exists()
