"""The dispatcher routes free text to an agent or answers none with a question, explains why, reads six
languages, corrects only words that are not real words, and demotes failing agents."""

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
from agents.dispatcher import NONE, route, route_request
from agents.management.commands.route_eval import CATEGORIES, evaluate, load_routing_set
from agents.models import Agent
from agents.routing import compile as routing_compile
from agents.routing import language
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


def _names_two_agents(question: str) -> list[str]:
    index = dispatcher.get_index()
    return [slug for slug, card in index.cards.items() if card.name in question]


# ---------------------------------------------------------------- the labelled set (tuning part)


def test_the_router_meets_every_bar_on_the_tuning_set():
    result = evaluate(CASES)
    assert result.problems() == [], [f"{c.expected} → {got}: {c.text}" for c, got in result.confusions()]


def test_none_requests_are_answered_none_and_none_is_rarely_wrong():
    result = evaluate(CASES)
    _, recall, support = result.precision_recall(NONE)
    assert support >= 40
    assert recall >= 0.9 and result.none_precision >= 0.9


@pytest.mark.parametrize("tag", CATEGORIES)
def test_every_category_is_labelled_and_routed_well(tag):
    part = evaluate(CASES).category(tag)
    assert len(part.results) >= 4, tag
    assert part.accuracy >= 0.85, [f"{c.expected} → {got}: {c.text}" for c, got in part.confusions()]


def test_the_labelled_set_covers_every_registered_agent_and_language():
    counts = {slug: sum(case.expected == slug for case in CASES) for slug in dispatcher.get_index().slugs}
    assert len(CASES) >= 350
    assert min(counts.values()) >= 20, counts
    assert {case.expected for case in CASES} == {*CATALOGUE, NONE}
    for lang in ("de", "fr", "es", "pt", "it"):
        assert sum(lang in case.tags for case in CASES) >= 15, lang


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
    assert (decision.agent, decision.confidence, decision.explicit, decision.decided_by) == (
        "unit_economics", 1.0, True, "explicit"
    )  # fmt: skip


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


# ---------------------------------------------------------------- none: out of scope, vague, odd or hostile input


@pytest.mark.parametrize(
    "text",
    [
        "make our brand a new logo",
        "write code that copies our CRM contacts into a spreadsheet",
        "post these tweets for me every morning",
    ],
)
def test_out_of_scope_asks_are_none_with_a_question_naming_two_agents(text):
    decision = route(text)
    assert (decision.agent, decision.label, decision.out_of_scope, decision.needs_clarification) == (
        None, NONE, True, True
    )  # fmt: skip
    assert decision.reason.startswith("out of scope: matched")
    assert len(_names_two_agents(decision.clarifying_question)) == 2, decision.clarifying_question


def test_the_action_decides_not_only_the_topic():
    assert route("post these tweets for me every morning").agent is None
    assert route("write five tweets about our new feature").agent == "content_creator"
    assert route("we post on instagram every day and get zero customers, where else should we be").agent == (
        "channel_strategist"
    )
    assert route("send this email to our 5,000 subscribers now").agent is None
    assert route("write a welcome email for new trial users").agent == "email_specialist"


@pytest.mark.parametrize("text", ["", "   ", "asdf qwer zxcv", "🙂🙂🙂", "help", "what should I do next?", "x" * 50000])
def test_vague_or_meaningless_text_is_none_with_a_question(text):
    decision = route(text)
    assert decision.needs_clarification and decision.agent is None and not decision.out_of_scope
    assert decision.label == NONE
    assert len(_names_two_agents(decision.clarifying_question)) == 2


def test_a_clarification_offers_the_best_candidates(two_agents):
    decision = route("CAC", min_confidence=0.99)
    assert decision.needs_clarification
    assert decision.runner_ups[0][0] == "unit_economics"
    assert "below the threshold" in decision.reason
    assert decision.clarifying_question.index("unit economics") < decision.clarifying_question.index("campaign")


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
    assert decision.label in {*dispatcher.get_index().slugs, NONE}
    assert all(0.0 <= confidence <= 1.0 for _, confidence in decision.runner_ups)
    assert decision.language in language.SUPPORTED
    assert (decision.agent is None) == bool(decision.clarifying_question)
    assert decision == route(text)


def test_the_same_request_always_gets_the_same_decision():
    first = [route(case.text) for case in CASES]
    dispatcher.reset()
    assert [route(case.text) for case in CASES] == first


# ---------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("text", "lang", "agent"),
    [
        ("Schreib einen LinkedIn-Beitrag über unsere Finanzierungsrunde", "de", "content_creator"),
        ("Wie groß ist der Markt für Tierversicherungen in Deutschland?", "de", "market_sizer"),
        ("Wie heben wir uns von HubSpot ab?", "de", "positioning_strategist"),
        ("Quels canaux marketing devrions-nous prioriser avec un petit budget ?", "fr", "channel_strategist"),
        ("Peux-tu relire ce texte et corriger les fautes ?", "fr", "quality_checker"),
        ("¿Cuál es nuestro costo de adquisición de clientes y el LTV con un churn del 3%?", "es", "unit_economics"),
        ("¿Estamos listos para el lanzamiento la próxima semana?", "es", "launch_readiness"),
        ("Quem é o nosso cliente ideal? Vendemos software de faturação para freelancers.", "pt", "icp_architect"),
        ("Planeje uma campanha de geração de leads com orçamento de R$ 20.000", "pt", "campaign_planner"),
        ("Questa statistica è affidabile? La fonte è un blog.", "it", "evidence_analyst"),
        ("Scrivi una email di benvenuto per i nuovi utenti in prova", "it", "email_specialist"),
    ],
)
def test_requests_in_five_languages_are_read_and_routed(text, lang, agent):
    decision = route(text)
    assert (decision.language, decision.agent) == (lang, agent), decision.reason


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Entwirf ein neues Logo für unsere Marke", "de"),
        ("Publie ces tweets pour moi tous les matins", "fr"),
        ("escribe código que copie los contactos del CRM a una hoja de cálculo", "es"),
        ("publique esses tweets para mim toda manhã", "pt"),
        ("Crea un nuovo logo per il nostro marchio", "it"),
    ],
)
def test_out_of_scope_asks_are_recognised_in_five_languages(text, lang):
    decision = route(text)
    assert (decision.language, decision.agent, decision.out_of_scope) == (lang, None, True), decision.reason


def test_a_word_is_read_as_its_lemma_and_german_compounds_as_their_parts():
    index = dispatcher.get_index()
    assert index.readers["fr"].terms("canaux") == ["canal"]
    assert index.readers["es"].terms("campañas") == ["campaña"]
    assert index.readers["es"].terms("campanas") == ["campaña"]  # typed without the tilde
    assert index.readers["de"].terms("Marketingbudget") == ["marketing", "budget"]
    assert index.readers["de"].terms("Werbekampagnen") == ["kampagne"]
    assert index.readers["de"].terms("Marketingkanäle") == ["marketing", "kanal"]
    assert index.readers["en"].terms("we acquired customers") == ["acquire", "customer"]


def test_english_function_words_decide_english_before_the_identifier():
    assert language.detect("reset my password") == language.Detected("en", 1.0)
    assert language.detect("Wie groß ist der Markt für Tierversicherungen?").language == "de"
    assert language.detect("ok").language == "en"


# ---------------------------------------------------------------- spelling


@pytest.mark.parametrize(
    ("text", "agent", "real_word"),
    [
        ("add some context to this paragraph and check the grammar", "quality_checker", "context"),
        ("export our leads to excel", None, "export"),
        ("we need a lawyer to review our terms of service", None, "lawyer"),
    ],
)
def test_real_words_are_never_corrected_into_router_words(text, agent, real_word):
    decision = route(text)
    assert decision.agent == agent
    assert f"{real_word}→" not in decision.reason
    reader = dispatcher.get_index().readers["en"]
    assert reader.read(real_word)[1] == ""


def test_the_protected_words_are_the_real_words_one_edit_from_a_router_word():
    readers = dispatcher.get_index().readers
    assert "context" in readers["en"].protected  # one edit from "content"
    assert readers["en"].candidate("context") == "content"  # what the protection prevents
    assert "campain" not in readers["en"].protected


@pytest.mark.parametrize(
    ("text", "agent", "correction"),
    [
        ("campain plan pls: goal = signups, budget 15k, start june", "campaign_planner", "campain→campaign"),
        ("who is our ideal custmer? we make project management software", "icp_architect", "custmer→customer"),
        ("is this statisitc credibel?", "evidence_analyst", "credibel→credible"),
        ("schreib einen Blogartkel über nachhaltige Verpackungen", "content_creator", "blogartkel→blogartikel"),
    ],
)
def test_a_misspelt_word_is_read_as_the_router_word_one_edit_away(text, agent, correction):
    decision = route(text)
    assert decision.agent == agent
    assert correction in decision.reason


def test_a_misspelt_word_reads_in_a_two_agent_router(two_agents):
    decision = route("campain budget split")
    assert decision.agent == "campaign_planner"
    assert "campain→campaign" in decision.reason


def test_the_compiled_tables_are_current():
    """agents/routing/compiled.json was compiled from the lexicons and reading code as they are now
    (python -m agents.routing.compile)."""
    assert routing_compile.is_current()


# ---------------------------------------------------------------- needs stated as business problems


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("our plan is $30 a month but serving each user costs us $12", "unit_economics"),
        ("nobody opens our onboarding emails", "email_specialist"),
        ("prospects keep saying we look like every other tool", "positioning_strategist"),
        ("our sales team wastes weeks on leads that never buy", "icp_architect"),
    ],
)
def test_a_need_stated_as_a_business_problem_finds_its_agent(text, agent):
    assert route(text).agent == agent


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


def test_a_long_request_is_read_for_its_instruction():
    background = " ".join(
        f"Our email list has {n} thousand subscribers and our campaign last spring went well." for n in range(8)
    )
    decision = route(f"Please proofread this paragraph and grade it. {background} Thanks.")
    assert decision.agent == "quality_checker"


def test_the_decision_is_stored_as_json():
    data = route("what is our LTV to CAC ratio?").as_dict()
    assert data["agent"] == "unit_economics" and data["decided_by"] == "lexical" and data["language"] == "en"
    assert isinstance(data["runner_ups"], list) and isinstance(data["confidence"], float)
    assert "model" not in data


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
    decision = route_request("what is our LTV to CAC ratio?")
    assert decision.agent != "unit_economics"
    assert "Unit economics" not in decision.clarifying_question


# ---------------------------------------------------------------- commands


def test_route_prints_one_tab_separated_line_per_request(db):
    out = StringIO()
    call_command("route", stdin=StringIO("what is our LTV to CAC ratio?\n\nhello\n"), stdout=out)
    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    assert [len(columns) for columns in lines] == [3, 3]
    assert lines[0][0] == "unit_economics" and re.fullmatch(r"\d\.\d{3}", lines[0][1])
    assert lines[1][0] == NONE


def test_route_eval_reports_both_sets_overall_and_per_category():
    out = StringIO()
    call_command("route_eval", stdout=out)
    text = out.getvalue()
    assert "== routing_set.tsv" in text and "== routing_holdout.tsv" in text
    assert len(re.findall(r"accuracy: \d\.\d{3}   none-precision: \d\.\d{3}   none-recall: \d\.\d{3}", text)) == 2
    for tag in ("oos", "typo", "de", "fr", "es", "pt", "it", "indirect", "near-miss", "long"):
        assert re.search(rf"^{tag}\s+\d+\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+\d+$", text, re.MULTILINE), tag
    assert re.search(r"^unit_economics\s+\d\.\d{3}\s+\d\.\d{3}\s+\d+$", text, re.MULTILINE)
    assert "confusions:" in text and "OK:" in text


def test_route_eval_fails_when_the_router_misses_the_bar(tmp_path):
    labelled = tmp_path / "set.tsv"
    labelled.write_text(
        "expected\ttags\trequest\nunit_economics\ten\thello\nunit_economics\ten\twhat is our CAC?\n"
        "none\ten,oos\twhat is our CAC?\n"
    )
    out = StringIO()
    with pytest.raises(CommandError, match="recall of unit_economics") as error:
        call_command("route_eval", file=[str(labelled)], stdout=out)
    assert error.value.returncode == 1
    assert "none-recall 0.000 < 0.90" in str(error.value)
    assert "expected unit_economics" in out.getvalue() and "got none" in out.getvalue()
