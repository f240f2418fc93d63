"""Messaging rules (skills/library/messaging.py): claims through the shared detector, the rules kept from the
original system, whole words only, and the grammar checks of a positioning line."""

from __future__ import annotations

import pytest

from skills.library.claims import find_claims
from skills.library.messaging import check, grammar_issues
from tests.agents.conftest import call_skill


def _check(text: str, competitors: list[str] | None = None, **extra) -> dict:
    return call_skill("positioning.check_messaging", {"text": text, "competitors": competitors or [], **extra})


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
    "Our study of 400 teams found a 20% drop in admin time, according to our 2024 survey.",
    "Compare plans and pick the one that fits your team.",
    "Solve invoicing in an afternoon.",  # "solve" is not "solution"
    "Guard your margins with weekly forecasts.",  # "guard" is not "guarantee"
    "Bestow trust with clear audit trails.",  # "bestow" is not "best"
    "The leadership team reviews cash every Monday.",  # "leadership" is not "leading"
    "The plan costs $49 a month.",  # a price, not a claimed result
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_marketing_language_is_not_flagged(text):
    out = _check(text, ["CompetitorX", "Float"])
    assert (out["score"], out["issues"]) == (100, [])


@pytest.mark.parametrize(
    ("text", "rules", "score"),
    [
        # two errors (guarantee, 100%); the 100% is reported once, as a guarantee, not also as a figure
        ("We guarantee 100% results", ["guarantee_language", "guarantee_language"], 60),
        ("the best platform in the world", ["unverified_superlative"], 90),
        ("Unlike CompetitorX's garbage product", ["competitor_bashing"], 80),
        ("CompetitorX is a joke.", ["competitor_bashing"], 80),
        ("Our rivals ship bloated software", ["competitor_bashing"], 80),
        ("We will crush the competition", ["aggressive_language"], 90),
        ("We are #1 and the leading tool", ["unverified_superlative", "unverified_superlative"], 80),
        ("Results arrive overnight for everyone", ["absolute_claim", "absolute_claim"], 80),
        ("Teams save 40% of their reporting time.", ["unverified_figure"], 90),
        # 4 suggestions: world-class, solutions (vague); leverage, synergy (jargon) → 100 − 4 × 5
        ("Our world-class solutions leverage synergy", ["vague_claim", "vague_claim", "jargon", "jargon"], 80),
        ("The report was written by our team.", ["passive_voice"], 95),
        ("Results are guaranteed, risk-free.", ["guarantee_language", "guarantee_language", "passive_voice"], 55),
    ],
)
def test_bad_messaging_is_flagged(text, rules, score):
    out = _check(text, ["CompetitorX"])
    assert sorted(i["rule"] for i in out["issues"]) == sorted(rules)
    assert out["score"] == score


@pytest.mark.parametrize(
    "text",
    ["Double your revenue, guaranteed. We are the #1 tool and results come overnight.", "The fastest, unmatched app."],
)
def test_every_claim_the_shared_detector_finds_is_a_messaging_issue(text):
    claims = [(c.start, c.end) for c in find_claims(text)]
    issues = [(i["start"], i["end"]) for i in check(text)["issues"]]
    assert claims == issues


def test_a_figure_the_company_states_itself_is_a_suggestion_not_a_warning():
    text = "Teams save 40% of their reporting time."
    assert [i["severity"] for i in _check(text)["issues"]] == ["warning"]
    own = _check(text, own_text="Customers told us they save 40% of reporting time.")
    assert [(i["rule"], i["severity"]) for i in own["issues"]] == [("unverified_figure", "suggestion")]
    assert own["passed"] and own["score"] == 95


def test_a_superlative_that_cites_a_source_is_not_flagged():
    assert _check("The best tool for small shops, according to G2.")["issues"] == []
    assert [i["rule"] for i in _check("The best tool. According to G2, fast.")["issues"]] == ["unverified_superlative"]


def test_a_line_passes_only_without_errors_and_warnings():
    assert _check("Our seamless app.")["passed"]  # a suggestion only
    assert not _check("The best app.")["passed"]  # a warning
    assert not _check("Guaranteed.")["passed"]  # an error


def test_score_arithmetic_floor_and_tuned_penalties():
    # 1 error (guarantee) + 1 warning (best) + 1 suggestion (innovative) = 100 − 20 − 10 − 5
    assert _check("We guarantee the best innovative app")["score"] == 65
    assert _check("guarantee " * 6)["score"] == 0
    assert _check("We guarantee the best innovative app", penalties={"error": 50, "warning": 0})["score"] == 45


def test_a_negative_word_far_from_any_competitor_is_not_bashing():
    text = "CompetitorX charges per seat and per report and per export. Our old spreadsheets were garbage."
    assert [i["rule"] for i in _check(text, ["CompetitorX"])["issues"]] == []


# --- grammar ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("for cooks, Acme plans menus.", "statement", "Start with a capital letter."),
        ("Acme plans menus", "statement", "End with a full stop, ! or ?."),
        ("Acme plans the the menus.", "statement", "Repeated word 'the'."),
        ("For [audience], Acme plans menus.", "statement", "An unfilled placeholder."),
        ("Acme is a app for cooks.", "statement", "'an', not 'a', before a vowel."),
        ("Acme is an menu app.", "statement", "'a', not 'an', before a consonant."),
        ("Acme plans menus (weekly.", "statement", "Unbalanced ()."),
        ("Acme plans menus , weekly.", "statement", "An empty clause."),
        ("Plans menus for cooks.", "statement", "Does not name Acme: it could be anyone's statement."),
        (" ".join(["word"] * 15) + " more.", "soundbite", "Longer than 15 words."),
    ],
)
def test_grammar_problems_are_found(text, kind, message):
    assert message in [i["message"] for i in grammar_issues(text, kind, "Acme")]


@pytest.mark.parametrize(
    "text",
    [
        "Acme is an app for cooks.",
        "Acme is a one-stop menu for an hour of planning.",
        "Acme gives an SEO team a URL per menu.",
        "For cooks in the EU, Acme plans menus (weekly).",
    ],
)
def test_ordinary_sentences_have_no_grammar_problem(text):
    assert grammar_issues(text, "statement", "Acme") == []


def test_a_lowercase_product_name_may_start_a_line():
    assert grammar_issues("iPlanner plans menus.", "statement", "iPlanner") == []
