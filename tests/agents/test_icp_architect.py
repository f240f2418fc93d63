"""ICP architect: detection, fit scores, unique names, confidence, and a full run."""

from __future__ import annotations

import pytest

from agents import registry as agents
from skills.library import icp
from tests.agents.conftest import call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "icp.detect_company"),
    ("skill", "icp.build_profiles"),
    ("skill", "icp.confidence"),
    ("skill", "icp.synthesis"),
    ("llm", "icp.synthesis"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("count 0", {"count": 0}, "^count: 0 is less than the minimum of 1"),
    ("count 6", {"count": 6}, "^count: 6 is greater than the maximum of 5"),
]


# Detected as technology ("saas") and small ("small businesses"); founded at seed stage with a low budget.
FOUNDATION = {
    "company": "Ledgerly",
    "industry": "SaaS",
    "stage": "seed",
    "description": "Manual spreadsheets slow down small businesses.",
    "audience": "founders",
    "budget_level": "low",
}


# --- detection -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("foundation", "industry"),
    [
        ({"industry": "Fintech"}, "finance"),
        ({"industry": "Dental clinics"}, "healthcare"),
        ({"industry": "E-commerce"}, "retail"),
        ({"industry": "B2B SaaS"}, "technology"),
        # The industry field names nothing, so the description decides (2 finance hits beat 1 technology hit).
        ({"industry": "Services", "description": "Banking and insurance software"}, "finance"),
        # Whole words only: "Maintenance" contains "ai", "Appliance" contains "app", "Retailored" contains "retail".
        ({"industry": "Maintenance", "description": "Appliance repair, Retailored suits"}, "other"),
        ({}, "other"),
    ],
)
def test_industry_is_detected_by_whole_word_keywords(foundation, industry):
    assert call_skill("icp.detect_company", {"foundation": foundation})["industry"] == industry


@pytest.mark.parametrize(
    ("audience", "size"),
    [
        ("Startups and small businesses", "small"),
        ("Mid-market retailers", "medium"),
        ("Fortune 500 enterprises", "large"),
        ("People who like coffee", "unknown"),
        ("Smbolic artists", "unknown"),  # "smb" inside a word is not a match
    ],
)
def test_customer_size_is_detected_by_whole_word_keywords(audience, size):
    assert call_skill("icp.detect_company", {"foundation": {"audience": audience}})["size"] == size


# --- fit scores ------------------------------------------------------------------------------------------


def test_fit_scores_follow_the_documented_rules_for_a_small_business_icp():
    scores = icp.fit_scores(FOUNDATION, "b2b_smb", "technology", "small")
    # pain: 0.7 base + 3 pain cues (manual, spreadsheets, slow) × 0.05 = 0.85; technology is not regulated
    assert scores["pain_intensity"] == 0.85
    # willingness to pay: 0.5 base + 0.05 technology − 0.05 small (B2B) = 0.5
    assert scores["willingness_to_pay"] == 0.5
    # accessibility: 0.7 base − 0.1 low budget = 0.6 (the stage only moves enterprise and government)
    assert scores["accessibility"] == 0.6
    # product fit: 0.4 + 0.3 × min(1, 2 cues ÷ 2) + 0.2 size suits + 0.1 natural type for technology = 1.0
    assert scores["product_fit"] == 1.0
    assert scores["overall"] == 0.7375  # (0.85 + 0.5 + 0.6 + 1.0) ÷ 4


def test_fit_scores_penalise_enterprise_for_an_early_low_budget_company():
    scores = icp.fit_scores(FOUNDATION, "b2b_enterprise", "technology", "small")
    assert scores["pain_intensity"] == 0.75  # 0.6 + 0.15
    assert scores["willingness_to_pay"] == 0.8  # 0.8 + 0.05 − 0.05
    assert scores["accessibility"] == 0.1  # 0.3 − 0.1 low budget − 0.1 seed stage
    assert scores["product_fit"] == 0.5  # 0.4 + 0 cues + 0 size + 0.1 natural
    assert scores["overall"] == 0.5375  # (0.75 + 0.8 + 0.1 + 0.5) ÷ 4


def test_pain_severity_decays_by_rank_from_pain_intensity():
    profile = icp.build_profile(FOUNDATION, "b2b_smb", "technology", "small")
    # 0.85 → high; 0.85 − 0.15 = 0.70 → high (≥ 0.7); 0.85 − 0.30 = 0.55 → medium
    assert [p["severity"] for p in profile["pain_points"]] == ["high", "high", "medium"]


def test_scores_stay_within_zero_and_one_at_the_extremes():
    loud = {**FOUNDATION, "description": "manual " * 50, "industry": "fintech", "budget_level": "high"}
    for icp_type in icp.ICP_TYPES:
        scores = icp.fit_scores(loud, icp_type, "finance", "large")
        assert all(0 <= v <= 1 for v in scores.values())


# --- profiles --------------------------------------------------------------------------------------------


def test_profiles_are_the_best_fitting_distinct_types_with_exactly_one_primary():
    out = call_skill("icp.build_profiles", {"foundation": FOUNDATION, "count": 5})
    types = [p["type"] for p in out["icps"]]
    assert len(types) == 5 == len(set(types))
    assert [p["primary"] for p in out["icps"]] == [True, False, False, False, False]
    overall = [p["fit_scores"]["overall"] for p in out["icps"]]
    assert overall == sorted(overall, reverse=True)
    assert types[0] == "b2b_smb"  # 0.7375 is the best overall for this foundation


def test_count_defaults_to_two():
    assert len(call_skill("icp.build_profiles", {"foundation": FOUNDATION})["icps"]) == 2


def test_names_do_not_collide_with_existing_icps_case_insensitively():
    existing = ["tech small-business owner", "Tech Small-Business Owner (2)"]
    out = call_skill("icp.build_profiles", {"foundation": FOUNDATION, "count": 2, "existing_icps": existing})
    assert out["icps"][0]["name"] == "Tech Small-Business Owner (3)"
    assert out["icps"][1]["name"] == "Tech Independent Professional"


def test_an_early_low_budget_company_is_warned_off_enterprise_buyers():
    profile = icp.build_profile(FOUNDATION | {"stage": "idea"}, "b2b_enterprise", "technology", "small")
    assert len(profile["disqualifiers"]) == 3  # the type's own + low budget + idea stage


# --- confidence ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("industry", "size", "description", "count", "expected"),
    [
        ("technology", "small", True, 2, 0.9),  # 0.3 + 0.2 + 0.2 + 2 × 0.1
        ("technology", "small", True, 5, 1.0),  # 0.3 + 0.2 + 0.2 + min(0.3, 0.5)
        ("other", "unknown", False, 0, 0.0),
        ("finance", "unknown", False, 1, 0.4),  # 0.3 + 0.1
        ("other", "large", True, 3, 0.7),  # 0.2 + 0.2 + 0.3
    ],
)
def test_confidence_formula(industry, size, description, count, expected):
    data = {"industry": industry, "size": size, "has_description": description, "icp_count": count}
    assert call_skill("icp.confidence", data)["confidence"] == expected


# --- end to end ------------------------------------------------------------------------------------------


def test_example_run_golden(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "icp_architect", agents.get("icp_architect").example_input)
    assert run.status == "succeeded", run.error_message
    assert run.output["industry"] == "finance"  # "Fintech"
    assert run.output["icps"][0]["name"] == "Finance Small-Business Owner (2)"  # the existing name is taken
    assert len(run.output["icps"]) == 3
    # industry + size (small businesses) + description + 3 ICPs = 0.3 + 0.2 + 0.2 + 0.3
    assert run.output["confidence"] == 1.0
    assert run.output["synthesis"].startswith("[offline model]")


def test_without_a_foundation_the_workspace_foundation_is_used(registry_synced, workspace, system_actor):
    # The workspace factory's foundation: {"company": "Acme", "industry": "SaaS", "stage": "seed"}.
    run = run_agent(workspace, system_actor, "icp_architect", {})
    assert run.status == "succeeded", run.error_message
    assert (run.output["industry"], run.output["size"]) == ("technology", "unknown")
    assert run.output["confidence"] == 0.5  # 0.3 industry + 0.2 for the 2 default ICPs
    assert "Acme" in run.steps.get(kind="llm").input["prompt"]
