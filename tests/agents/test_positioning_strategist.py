"""Positioning strategist: framework statements, soundbites, the messaging rules, and a full run."""

from __future__ import annotations

import pytest

from agents import registry as agents
from skills.library import positioning
from tests.agents.conftest import call_skill, run_agent
from tests.conftest import OfflineSkillContext

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "positioning.statements"),
    ("skill", "positioning.soundbites"),
    ("llm", "positioning.soundbite"),
    ("llm", "positioning.soundbite"),
    ("llm", "positioning.soundbite"),
    ("skill", "positioning.check_messaging"),
    ("skill", "positioning.check_messaging"),
    ("skill", "positioning.check_messaging"),
    ("skill", "positioning.check_messaging"),
    ("skill", "positioning.check_messaging"),
    ("skill", "positioning.check_messaging"),
    ("skill", "positioning.check_messaging"),
    ("skill", "positioning.check_messaging"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("unknown field", {"tone": "bold"}, "Additional properties are not allowed \\('tone' was unexpected\\)")
]


def _check(text: str, competitors: list[str] | None = None, **extra) -> dict:
    return call_skill("positioning.check_messaging", {"text": text, "competitors": competitors or [], **extra})


# --- the messaging rules do not flag ordinary marketing language ------------------------------------------

ORDINARY = [
    "authors",
    "Our authors write for founders.",
    "Extract facts from this deck",
    "Validate our pricing",
    "Write key messages",
    "Acme helps small teams forecast cash flow.",
    "Book a demo to see your numbers update hourly.",
    "Read our guide to onboarding best practices.",
    "Our team is based in Berlin.",
    "Fewer manual steps, leading to fewer errors.",
    "We are a seed-stage company.",
    "Unlike spreadsheets, Acme updates every hour.",
    "Authenticate with SSO and invite your team.",
    "Our competitors charge per seat; we charge per company.",
    "We need your feedback on the new dashboard.",
    "Try it free for 14 days, no card needed.",
    "Our study of 400 teams found a 20% drop in admin time.",
    "Compare plans and pick the one that fits your team.",
    "Solve invoicing in an afternoon.",  # "solve" is not "solution"
    "Guard your margins with weekly forecasts.",  # "guard" is not "guarantee"
    "Bestow trust with clear audit trails.",  # "bestow" is not "best"
    "The leadership team reviews cash every Monday.",  # "leadership" is not "leading"
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_marketing_language_is_not_flagged(text):
    out = _check(text, ["CompetitorX", "Float"])
    assert (out["score"], out["issues"]) == (100, [])


# --- and does flag the bad ones ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rules", "score"),
    [
        # two errors: "guarantee" and "100%" → 100 − 2 × 20
        ("We guarantee 100% results", ["guarantee_language", "guarantee_language"], 60),
        ("the best platform in the world", ["unverified_superlative"], 90),
        ("Unlike CompetitorX's garbage product", ["competitor_bashing"], 80),
        ("CompetitorX is a joke.", ["competitor_bashing"], 80),
        ("Our rivals ship bloated software", ["competitor_bashing"], 80),
        ("We will crush the competition", ["aggressive_language"], 90),
        ("We are #1 and the leading tool", ["unverified_superlative", "unverified_superlative"], 80),
        # 4 suggestions: world-class, solutions (vague); leverage, synergy (jargon) → 100 − 4 × 5
        ("Our world-class solutions leverage synergy", ["vague_claim", "vague_claim", "jargon", "jargon"], 80),
        ("The report was written by our team.", ["passive_voice"], 95),
        # "are guaranteed" is also passive: 100 − 2 × 20 − 5
        ("Results are guaranteed, risk-free.", ["guarantee_language", "guarantee_language", "passive_voice"], 55),
    ],
)
def test_bad_messaging_is_flagged(text, rules, score):
    out = _check(text, ["CompetitorX"])
    assert sorted(i["rule"] for i in out["issues"]) == sorted(rules)
    assert out["score"] == score


def test_guarantee_language_and_bashing_are_errors_and_fail_the_check():
    out = _check("Guaranteed to beat CompetitorX's terrible app", ["CompetitorX"])
    assert {i["severity"] for i in out["issues"]} == {"error"}
    assert (out["counts"]["error"], out["passed"]) == (2, False)


def test_a_superlative_that_cites_a_source_is_not_flagged():
    assert _check("The best-rated tool in its class, according to G2.")["issues"] == []
    assert [i["rule"] for i in _check("The best tool. According to G2, fast.")["issues"]] == ["unverified_superlative"]


def test_score_arithmetic_and_floor():
    # 1 error (guarantee) + 1 warning (best) + 1 suggestion (innovative) = 100 − 20 − 10 − 5
    assert _check("We guarantee the best innovative app")["score"] == 65
    # six errors would be −120: floored at 0
    assert _check("guarantee " * 6)["score"] == 0


def test_penalties_can_be_tuned():
    out = _check("We guarantee the best innovative app", penalties={"error": 50, "warning": 0})
    assert out["score"] == 45  # 100 − 50 − 0 − 5 (the default suggestion penalty)


def test_a_negative_word_far_from_any_competitor_is_not_bashing():
    text = "CompetitorX charges per seat and per report and per export. Our old spreadsheets were garbage."
    assert [i["rule"] for i in _check(text, ["CompetitorX"])["issues"]] == []


# --- statements and soundbites ---------------------------------------------------------------------------


FOUNDATION = {
    "company": "Ledgerly",
    "industry": "Fintech",
    "description": "Ledgerly helps small businesses see their cash 13 weeks ahead.",
    "audience": "Founders at small businesses.",
    "goals": ["Stop cash surprises"],
    "competitors": ["Float"],
}


def test_the_classic_statement_is_filled_from_the_foundation():
    out = call_skill(
        "positioning.statements", {"foundation": FOUNDATION, "differentiators": ["Forecasts update hourly"]}
    )
    classic = out["statements"][0]
    assert classic == {
        "framework": "classic",
        "text": "For founders at small businesses who want to stop cash surprises, Ledgerly is the Fintech platform "
        "that helps small businesses see their cash 13 weeks ahead; unlike Float, forecasts update hourly.",
    }
    assert [s["framework"] for s in out["statements"]] == list(positioning.FRAMEWORKS)


def test_explicit_fields_win_and_missing_ones_have_plain_defaults():
    fields = positioning.fill({"need": "hate month-end", "category": "cash app"})
    assert fields["need"] == "hate month-end"
    assert fields["category"] == "cash app"
    assert (fields["product"], fields["audience"], fields["alternative"]) == (
        "Our product",
        "growing teams",
        "the usual workarounds",
    )


def test_soundbites_are_one_per_benefit_and_differentiator_polished_by_the_model():
    data = {"product": "Ledgerly", "benefit": "shows cash 13 weeks ahead", "differentiators": ["Hourly updates", ""]}
    out = call_skill("positioning.soundbites", data, OfflineSkillContext())
    assert [s["draft"] for s in out["soundbites"]] == [
        "Ledgerly shows cash 13 weeks ahead.",
        "Ledgerly: hourly updates.",
    ]
    assert all(s["text"].startswith("[offline model]") for s in out["soundbites"])


# --- end to end ------------------------------------------------------------------------------------------


def test_example_run_golden(registry_synced, workspace, system_actor):
    spec = agents.get("positioning_strategist")
    run = run_agent(workspace, system_actor, "positioning_strategist", spec.example_input)
    assert run.status == "succeeded", run.error_message
    assert run.output["fields"]["alternative"] == "Float"  # the foundation's first competitor
    assert run.output["summary"]["lowest_score"] == min(
        c["check"]["score"] for c in run.output["statements"] + run.output["soundbites"]
    )


def test_without_a_foundation_the_workspace_foundation_is_used(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "positioning_strategist", {"differentiators": ["Set up in ten minutes"]})
    assert run.status == "succeeded", run.error_message
    assert run.output["fields"]["product"] == "Acme"  # from the workspace factory's foundation
    assert run.output["fields"]["category"] == "SaaS platform"
