"""Launch readiness: the checklist, category means, the ready rule, blockers, estimates, and a full run."""

from __future__ import annotations

import pytest

from agents import registry as agents
from skills.library.readiness import CATEGORIES, CHECKLIST
from tests.agents.conftest import call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [("skill", "readiness.assess")]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    (
        "unknown item",
        {"answers": {"vibes": 90}},
        "^answers: Additional properties are not allowed \\('vibes' was unexpected\\)",
    ),
    ("score over 100", {"answers": {"pricing": 101}}, "^answers/pricing: 101 is greater than the maximum of 100"),
    ("negative score", {"answers": {"pricing": -1}}, "^answers/pricing: -1 is less than the minimum of 0"),
]


CRITICAL = [key for key, (_, _, critical) in CHECKLIST.items() if critical]


def assess(answers: dict, **options) -> dict:
    """Call readiness.assess as the runtime does: input and output checked against its schemas."""
    return call_skill("readiness.assess", {"answers": answers, **options})


def every(score: float, **overrides: float) -> dict:
    return {**dict.fromkeys(CHECKLIST, score), **overrides}


def test_the_checklist_has_eighteen_items_in_seven_categories():
    assert len(CHECKLIST) == 18
    assert {category for category, _, _ in CHECKLIST.values()} == set(CATEGORIES)
    assert len(CATEGORIES) == 7
    assert CRITICAL == [
        "core_features", "qa_passed", "website", "pricing", "support_channel", "terms_privacy", "billing", "tracking",
    ]  # fmt: skip


def test_example_checklist_golden():
    result = assess(agents.get("launch_readiness").example_input["answers"])
    # 90+75+60+80+85+50+65+40+20+70+100+60+80+90+70+30+80+50 = 1195; 1195 ÷ 18 = 66.39
    assert result["overall"] == 66.39
    assert result["categories"] == {
        "product": 75.0,  # (90 + 75 + 60) ÷ 3
        "marketing": 71.67,  # (80 + 85 + 50) ÷ 3
        "sales": 52.5,  # (65 + 40) ÷ 2
        "support": 45.0,  # (20 + 70) ÷ 2
        "legal": 80.0,  # (100 + 60 + 80) ÷ 3
        "operations": 63.33,  # (90 + 70 + 30) ÷ 3
        "analytics": 65.0,  # (80 + 50) ÷ 2
    }
    assert result["ready"] is False
    assert [b["item"] for b in result["blockers"]] == ["pricing"]  # the only critical item under 70
    assert [w["item"] for w in result["warnings"]] == ["help_docs"]  # 20 < 30; incident plan's 30 is not under
    assert result["estimate"] == "1–2 weeks"  # mean 66.39 ≥ 50


def test_everything_at_seventy_is_ready():
    result = assess(every(70))
    assert (result["ready"], result["estimate"], result["blockers"]) == (True, "ready", [])


def test_a_critical_item_under_seventy_blocks_a_high_mean():
    result = assess(every(80, billing=69))
    # (17 × 80 + 69) ÷ 18 = 79.39 ≥ 70, but billing is critical and under 70
    assert result["overall"] == 79.39
    assert (result["ready"], result["estimate"]) == (False, "1–2 weeks")
    assert [b["item"] for b in result["blockers"]] == ["billing"]


def test_a_low_non_critical_item_warns_but_does_not_block():
    result = assess(every(90, trademark=0))
    # (17 × 90 + 0) ÷ 18 = 85
    assert (result["overall"], result["ready"], result["blockers"]) == (85, True, [])
    assert [w["item"] for w in result["warnings"]] == ["trademark"]


@pytest.mark.parametrize(
    ("score", "estimate"),
    [
        (69.99, "1–2 weeks"),
        (50, "1–2 weeks"),
        (49.99, "3–4 weeks"),
        (30, "3–4 weeks"),
        (29.99, "4+ weeks"),
        (0, "4+ weeks"),
    ],
)
def test_time_estimate_by_mean(score, estimate):
    assert assess(every(score))["estimate"] == estimate


def test_missing_answers_count_as_zero_and_are_listed():
    result = assess({"core_features": 90})
    assert result["overall"] == 5  # 90 ÷ 18
    assert result["categories"]["product"] == 30  # (90 + 0 + 0) ÷ 3
    assert len(result["unanswered"]) == 17
    assert len(result["blockers"]) == 7  # every critical item but core features
    assert result["estimate"] == "4+ weeks"


def test_an_empty_checklist_is_not_ready():
    result = assess({})
    assert (result["overall"], result["ready"], len(result["blockers"])) == (0, False, 8)


def test_the_ready_score_can_be_tuned():
    result = assess(every(65), ready_score=60)
    assert (result["ready"], result["estimate"]) == (True, "ready")


def test_the_example_run_gives_the_same_golden_figures(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "launch_readiness", agents.get("launch_readiness").example_input)
    assert run.status == "succeeded", run.error_message
    assert (run.output["overall"], run.output["estimate"]) == (66.39, "1–2 weeks")
