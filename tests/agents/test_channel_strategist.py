"""Channel strategist: fit by component, priority, roles with deterministic ties, budget shares, and a full run."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from agents import registry as agents
from skills.library.channels import CHANNEL_PROFILES, match_channel, priority
from tests.agents.conftest import call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "market.detect_industry"),
    ("skill", "channels.fit"),
    ("skill", "planning.allocate_budget"),
    ("skill", "channels.kpis"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    (
        "unknown business model",
        {"budget": 10, "business_model": "lemonade stand", "team_size": 1},
        "^business_model: 'lemonade stand' is not one of",
    )
]


# B2B SaaS, $1,000 a month, one marketer, results wanted within a month (short), SaaS industry.
SMALL_SAAS = {"business_model": "b2b_saas", "budget": 1000, "team_size": 1, "timeline": "short", "industry": "saas"}


def test_there_are_twelve_channels():
    assert list(CHANNEL_PROFILES) == [
        "seo", "content", "paid_search", "paid_social", "organic_social", "email", "events", "partnerships",
        "referrals", "pr", "outbound_sales", "communities",
    ]  # fmt: skip


def test_fit_golden_small_saas():
    fits = {c["channel"]: (c["fit"], c["priority"]) for c in call_skill("channels.fit", SMALL_SAAS)["channels"]}
    assert fits == {
        # model + budget + team + timeline + industry
        "email": (1.0, "high"),  # 0.4 + 0.2 (1000 ≥ 100) + 0.2 + 0.1 (1 month ≥ 1) + 0.1 (any industry)
        "referrals": (0.95, "high"),  # 0.4 + 0.2 + 0.2 + 0.1 × 1/2 + 0.1
        "paid_social": (0.9333, "high"),  # 0.4 + 0.2 × 1000/1500 + 0.2 + 0.1 + 0.1
        "content": (0.925, "high"),  # 0.4 + 0.2 + 0.2 + 0.1 × 1/4 + 0.1
        "seo": (0.9167, "high"),  # 0.4 + 0.2 + 0.2 + 0.1 × 1/6 + 0.1
        "partnerships": (0.9167, "high"),  # same as SEO
        "communities": (0.9167, "high"),  # 0.4 + 0.2 (no minimum) + 0.2 + 0.1 × 1/6 + 0.1
        "paid_search": (0.9, "high"),  # 0.4 + 0.2 × 1000/2000 + 0.2 + 0.1 + 0.1
        "outbound_sales": (0.75, "medium"),  # 0.4 + 0.2 × 1/2 + 0.2 × 1/2 (team of 2) + 0.1 × 1/2 + 0.1
        "organic_social": (0.5333, "low"),  # 0 (consumer model) + 0.2 + 0.2 + 0.1 × 1/3 + 0.1
        "pr": (0.4, "low"),  # 0 + 0.2 × 1000/3000 + 0.2 + 0.1 × 1/3 + 0.1
        "events": (0.2733, "experimental"),  # 0 + 0.2 × 1000/5000 + 0.2 × 1/2 + 0.1 × 1/3 + 0.1
    }


def test_roles_are_top_three_next_three_rest_with_ties_in_catalogue_order():
    roles = [(c["channel"], c["role"]) for c in call_skill("channels.fit", SMALL_SAAS)["channels"]]
    # SEO, partnerships and communities tie at 0.9167: catalogue order puts communities seventh, so future
    assert roles == [
        ("email", "primary"),
        ("referrals", "primary"),
        ("paid_social", "primary"),
        ("content", "secondary"),
        ("seo", "secondary"),
        ("partnerships", "secondary"),
        ("communities", "future"),
        ("paid_search", "future"),
        ("outbound_sales", "future"),
        ("organic_social", "future"),
        ("pr", "future"),
        ("events", "future"),
    ]


@pytest.mark.parametrize(
    ("fit", "label"),
    [(1.0, "high"), (0.8, "high"), (0.7999, "medium"), (0.6, "medium"), (0.4, "low"), (0.3999, "experimental")],
)
def test_priority_thresholds(fit, label):
    assert priority(fit) == label


def test_nothing_to_spend_and_no_team_leaves_only_model_timeline_and_industry():
    channels = call_skill("channels.fit", {**SMALL_SAAS, "budget": 0, "team_size": 0})["channels"]
    email = next(c for c in channels if c["channel"] == "email")
    # 0.4 model + 0 budget (needs $100) + 0 team + 0.1 timeline + 0.1 industry
    assert email["fit"] == 0.6
    communities = next(c for c in channels if c["channel"] == "communities")
    assert communities["components"]["budget"] == 0.2  # no minimum budget


def test_an_unknown_industry_only_suits_industry_agnostic_channels():
    channels = {c["channel"]: c for c in call_skill("channels.fit", {**SMALL_SAAS, "industry": "other"})["channels"]}
    assert channels["email"]["components"]["industry"] == 0.1
    assert channels["content"]["components"]["industry"] == 0


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("LinkedIn ads", "paid_social"),  # longer than "linkedin"
        ("cold email", "outbound_sales"),  # longer than "email"
        ("our weekly newsletter", "email"),
        ("Paid Search", "paid_search"),
        ("salesforce integration", None),  # "salesforce" is not the word "sales"
        ("", None),
    ],
)
def test_channels_in_free_text_match_whole_words_longest_first(text, channel):
    assert match_channel(text) == channel


# --- the agent ---------------------------------------------------------------------------------------


def test_budget_is_shared_by_fit_among_primary_and_secondary(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "channel_strategist", {**SMALL_SAAS, "industry": "dental SaaS"})
    assert run.status == "succeeded", run.error_message
    out = run.output
    Draft202012Validator(agents.get("channel_strategist").output_schema).validate(out)
    amounts = {c["channel"]: c["budget_amount"] for c in out["channels"]}
    # fits 1 + 0.95 + 0.9333 + 0.925 + 0.9167 + 0.9167 = 5.6417; email 1000 × 1 / 5.6417 = 177.25;
    # in cents the 4 spare cents go to the largest remainders (referrals .97, paid social .88, content .76, SEO .65)
    assert amounts == {
        "email": 177.25,
        "referrals": 168.39,
        "paid_social": 165.43,
        "content": 163.96,
        "seo": 162.49,
        "partnerships": 162.48,
        **{c: 0 for c in ("communities", "paid_search", "outbound_sales", "organic_social", "pr", "events")},
    }
    assert sum(c["budget_share"] for c in out["channels"]) == pytest.approx(1)
    assert (out["primary"], out["secondary"]) == (
        ["email", "referrals", "paid_social"],
        ["content", "seo", "partnerships"],
    )
    assert out["industry"] == {"benchmark": "saas", "matched": ["saas"]}


def test_the_example_run_ranks_all_twelve_channels_and_spends_the_whole_budget(
    registry_synced, workspace, system_actor
):
    run = run_agent(workspace, system_actor, "channel_strategist", agents.get("channel_strategist").example_input)
    assert run.status == "succeeded", run.error_message
    assert len(run.output["channels"]) == 12
    assert sum(c["budget_amount"] for c in run.output["channels"]) == pytest.approx(6000)
