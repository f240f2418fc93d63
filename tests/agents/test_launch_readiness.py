"""Launch readiness: the checklist and why it holds, the ready rule (every critical item done), blockers, the time
estimate from the team's own figures (or labelled model estimates), asking for what is missing, the model's
review checked by code, three companies offline and on the scripted provider (one repair, one awaiting_input round
trip through the API), and a property test."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.specialists import launch_readiness
from skills.library.readiness import CATEGORIES, CHECKLIST
from tests.agents.conftest import call_skill, run_agent
from tests.agents.judged_runs import (
    COMPANIES,
    KESTREL,
    QUILLWORKS,
    STILLWATER,
    AnsweringContext,
    Asked,
    OfflineContext,
    ScriptedContext,
    answer_through_api,
    api_writer,
    execute,
    numbers,
    publish_scripted,
    sentences,
    steps,
    untraced_figures,
)

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it). Offline, the model's
# review is refused (model_unavailable) and the estimate uses the team's figures only.
TRACE = [("skill", "readiness.assess"), ("llm", "launch_readiness:review"), ("skill", "readiness.timeline")]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    (
        "unknown item",
        {"answers": {"vibes": 90}},
        "^answers: Additional properties are not allowed \\('vibes' was unexpected\\)",
    ),
    ("score over 100", {"answers": {"pricing": 101}}, "^answers/pricing: 101 is greater than the maximum of 100"),
    ("negative score", {"answers": {"pricing": -1}}, "^answers/pricing: -1 is less than the minimum of 0"),
    ("nobody on the team", {"answers": {}, "team": {"people": 0, "focus_days_per_week": 3}}, "^team/people: 0 is less"),
]

CRITICAL = [key for key, (_, _, critical, _) in CHECKLIST.items() if critical]


def every(score: float, **overrides: float) -> dict:
    return {**dict.fromkeys(CHECKLIST, score), **overrides}


# Quillworks: every must-have done, two nice-to-haves open, sales decks not used.
QUILLWORKS_INPUT = {"answers": every(100, trademark=50, dashboard=20), "not_applicable": ["sales_materials"]}
# Kestrel: pricing 80 % and support 50 % (critical), help docs 40 %, dashboard 0 %; the team's own figures.
KESTREL_INPUT = {
    "answers": every(100, pricing=80, support_channel=50, help_docs=40, dashboard=0),
    "remaining_days": {"pricing": 2, "support_channel": 3, "help_docs": 4, "dashboard": 1.5},
    "team": {"people": 2, "focus_days_per_week": 2.5},
    "as_of": "2025-05-05",
}
# Stillwater: billing 60 % with no figure for the work left, website 90 % with one.
STILLWATER_INPUT = {
    "answers": every(100, billing=60, website=90),
    "remaining_days": {"website": 1},
    "team": {"people": 1, "focus_days_per_week": 3},
    "as_of": "2025-06-02",
}
INPUTS = {"quillworks": QUILLWORKS_INPUT, "kestrel": KESTREL_INPUT, "stillwater": STILLWATER_INPUT}
WRITTEN = ("summary", "needs_model", "prompt", "reason", "basis")


def offline(foundation: dict, data: dict, **kwargs) -> dict:
    """The agent offline; Stillwater's question about billing's work left is answered "don't know" (empty)."""
    if data is STILLWATER_INPUT and "answers" not in kwargs:
        kwargs["answers"] = [{}]
    output = launch_readiness.run(OfflineContext(foundation, **kwargs), data)
    Draft202012Validator(launch_readiness.OUTPUT_SCHEMA).validate(output)
    return output


def assess(data: dict) -> dict:
    return call_skill("readiness.assess", data)


# --- the checklist and the ready rule ---------------------------------------------------------------------------


def test_the_checklist_has_eighteen_items_in_seven_categories_each_saying_why():
    assert len(CHECKLIST) == 18 and len(CATEGORIES) == 7
    assert {category for category, *_ in CHECKLIST.values()} == set(CATEGORIES)
    assert all(why for *_, why in CHECKLIST.values())
    assert CRITICAL == [
        "core_features", "qa_passed", "website", "pricing", "support_channel", "terms_privacy", "billing", "tracking",
    ]  # fmt: skip


def test_the_example_checklist_golden():
    result = assess({"answers": agents.get("launch_readiness").example_input["answers"]})
    # 90+75+60+80+85+50+65+40+20+70+100+60+80+90+70+30+80+50 = 1195; 1195 ÷ 18 = 66.39 (a description, not a gate)
    assert result["overall"] == 66.39
    assert result["categories"] == {
        "product": 75.0, "marketing": 71.67, "sales": 52.5, "support": 45.0, "legal": 80.0, "operations": 63.33,
        "analytics": 65.0,
    }  # fmt: skip
    assert result["ready"] is False
    # every critical item not finished, least finished first (ties by key): terms and privacy is the only one done
    assert [b["item"] for b in result["blockers"]] == [
        "pricing", "support_channel", "qa_passed", "tracking", "website", "billing", "core_features",
    ]  # fmt: skip
    assert [w["item"] for w in result["warnings"]][:2] == ["help_docs", "incident_plan"]


def test_ready_when_every_critical_item_is_done_whatever_the_mean():
    result = assess({"answers": every(0, **dict.fromkeys(CRITICAL, 100))})
    assert (result["ready"], result["overall"]) == (True, 44.44)  # 8 × 100 ÷ 18
    high_but_blocked = assess({"answers": every(100, billing=99)})
    assert (high_but_blocked["ready"], [b["item"] for b in high_but_blocked["blockers"]]) == (False, ["billing"])


def test_the_team_adapts_the_checklist():
    free_launch = assess({"answers": every(100, billing=0), "not_applicable": ["billing"]})
    assert free_launch["ready"] is True and free_launch["overall"] == 100  # billing left out of the mean too
    relaxed = assess({"answers": every(100, tracking=10), "critical_overrides": {"tracking": False}})
    assert relaxed["ready"] is True and [w["item"] for w in relaxed["warnings"]] == ["tracking"]
    custom = {"key": "dive_permit", "label": "Harbour permit", "category": "legal", "critical": True, "score": 40}
    own = assess({"answers": every(100), "custom_items": [custom]})
    assert [b["item"] for b in own["blockers"]] == ["dive_permit"]
    assert own["done_score"] == 100 and assess({"answers": every(95), "done_score": 90})["ready"] is True


def test_unanswered_items_count_as_not_started_and_are_listed():
    result = assess({"answers": {"core_features": 90}})
    assert result["overall"] == 5  # 90 ÷ 18
    assert len(result["unanswered"]) == 17 and len(result["blockers"]) == 8


# --- time, from stated inputs --------------------------------------------------------------------------------------


def test_the_example_estimate_is_the_teams_person_days_over_its_capacity():
    out = offline({}, agents.get("launch_readiness").example_input)
    estimate = out["estimate"]
    # critical work left: 6 + 4 + 2 + 3 + 2.5 + 1.5 + 1 = 20 person-days; 3 people × 4 days = 12 a week;
    # 20 ÷ 12 = 1.67 → 1.7 weeks (rounded up); 1.67 × 7 = 11.7 → 12 days after 2025-03-03.
    assert estimate["capacity_per_week"] == 12
    assert (estimate["to_ready"]["person_days"], estimate["to_ready"]["weeks"]) == ([20, 20], [1.7, 1.7])
    assert estimate["to_ready"]["dates"] == ["2025-03-15", "2025-03-15"] and estimate["to_ready"]["complete"]
    # everything given a figure: 20 + help docs 5 = 25 → 2.08 → 2.1 weeks; the other nine open items have none
    assert estimate["to_finish_all"]["weeks"] == [2.1, 2.1] and len(estimate["to_finish_all"]["missing"]) == 9
    assert "3 people × 4 days a week" in estimate["formula"]
    assert out["summary"].startswith(
        "The product is not ready to launch: 7 must-have items unfinished, least of all "
        "“Pricing and packaging final” (65 %)."
    )  # no company in the foundation


def test_without_a_figure_for_a_blocker_the_estimate_is_partial_and_names_it():
    out = offline(STILLWATER, STILLWATER_INPUT)
    span = out["estimate"]["to_ready"]
    assert (span["person_days"], span["weeks"], span["complete"], span["missing"]) == ([1, 1], [0.4, 0.4], False,
                                                                                        ["billing"])  # fmt: skip
    assert out["summary"].endswith(
        "It leaves out “Billing and payments tested”, which Stillwater Paddle Co has no figure for."
    )
    assert out["needs_model"] == [
        "items Stillwater Paddle Co’s launch needs beyond this checklist",
        "estimates of the work left on “Billing and payments tested”",
    ]


@pytest.mark.parametrize("name", COMPANIES)
def test_each_company_gets_its_hand_worked_answer(name):
    out = offline(COMPANIES[name], INPUTS[name])
    expected = {
        "quillworks": "Quillworks Bindery is ready to launch: all 8 must-have items are done; 2 others are "
        "unfinished, least of all “KPI dashboard set up” (20 %).",
        # 2 + 3 = 5 person-days ÷ (2 × 2.5) = 1 week → 2025-05-12
        "kestrel": "Kestrel Hawking is not ready to launch: 2 must-have items unfinished, least of all “Support "
        "channel staffed” (50 %). With 2 people giving 2.5 days a week, the must-have work left takes 1 week, to "
        "2025-05-12.",
        # website 1 person-day ÷ 3 = 0.33 → 0.4 weeks → 3 days after 2025-06-02; billing (60 %) has no figure
        "stillwater": "Stillwater Paddle Co is not ready to launch: 2 must-have items unfinished, least of all "
        "“Billing and payments tested” (60 %). With 1 person giving 3 days a week, the must-have work known takes "
        "0.4 weeks, to 2025-06-05. It leaves out “Billing and payments tested”, which Stillwater Paddle Co has no "
        "figure for.",
    }[name]
    assert out["summary"] == expected
    if name == "kestrel":  # all open work has a figure: 2 + 3 + 4 + 1.5 = 10.5 ÷ 5 = 2.1 weeks → 15 days
        assert (out["estimate"]["to_finish_all"]["weeks"], out["estimate"]["to_finish_all"]["dates"]) == (
            [2.1, 2.1], ["2025-05-20", "2025-05-20"])  # fmt: skip
        assert out["overall"] == 87.22  # (14 × 100 + 80 + 50 + 40 + 0) ÷ 18


# --- asking ------------------------------------------------------------------------------------------------------


def test_it_asks_for_unanswered_items_then_for_capacity_and_the_blockers_work():
    ctx = OfflineContext(KESTREL, answers=[{"billing": 100}, {"team": {"people": 2, "focus_days_per_week": 2}}])
    data = {"answers": every(100, pricing=80) | {"billing": None}}
    del data["answers"]["billing"]
    out = launch_readiness.run(ctx, data)
    first, second = ctx.asked
    assert [q["key"] for q in first] == ["billing"] and first[0]["required"] is False
    assert "Kestrel Hawking" in first[0]["prompt"]
    assert [q["key"] for q in second] == ["team", "days_pricing"] and second[1]["required"] is False
    assert out["estimate"]["to_ready"]["missing"] == ["pricing"]  # no figure given for it, and no model offline


def test_a_ready_launch_asks_for_nothing():
    ctx = OfflineContext(QUILLWORKS)
    launch_readiness.run(ctx, QUILLWORKS_INPUT)
    assert ctx.asked == []


# --- the model's review, checked by code ---------------------------------------------------------------------------


def test_code_keeps_only_new_items_and_estimates_where_the_team_gave_none():
    assessed = assess({"answers": KESTREL_INPUT["answers"]})
    review = {
        "missing_items": [
            {"label": "KPI dashboard set-up", "category": "analytics", "critical": False, "why": "repeat"},
            {"label": "Airside access passes for handlers", "category": "legal", "critical": True,
             "why": "Kestrel Hawking's falconers cannot work on an airfield without them."},
        ],
        "estimates": [
            {"item": "pricing", "low_days": 5, "high_days": 8, "basis": "a guess"},
            {"item": "terms_privacy", "low_days": 1, "high_days": 2, "basis": "already done"},
            {"item": "help_docs", "low_days": 6, "high_days": 3, "basis": "backwards"},
            {"item": "dashboard", "low_days": 1, "high_days": 2, "basis": "two charts from the tracking data"},
        ],
    }  # fmt: skip
    checked = launch_readiness.check_review(review, assessed, {"pricing": 2})
    assert [s["label"] for s in checked["suggested"]] == ["Airside access passes for handlers"]
    assert checked["suggested"][0]["source"] == "model_suggestion"
    assert list(checked["estimates"]) == ["dashboard"]
    assert [r["reason"] for r in checked["refused"]] == [
        "already on the checklist",
        "the team's own figure (2 person-days) stands",
        "not an unfinished item of this checklist",
        "its low end is above its high end",
    ]


def test_model_estimates_enter_the_timeline_labelled_with_their_range():
    review = {"missing_items": [], "estimates": [{"item": "billing", "low_days": 2, "high_days": 4,
                                                  "basis": "Stripe checkout is half built"}]}  # fmt: skip
    out = launch_readiness.run(ScriptedContext(STILLWATER, replies=[review], answers=[{}]), STILLWATER_INPUT)
    span = out["estimate"]["to_ready"]
    # website 1 (team) + billing 2–4 (model) = 3–5 person-days ÷ 3 a week = 1.0–1.7 weeks
    assert (span["person_days"], span["weeks"], span["complete"]) == ([3, 5], [1.0, 1.7], True)
    assert out["estimate"]["sources"] == {"billing": "model_estimate: Stripe checkout is half built", "website": "team"}
    assert "takes 1–1.7 weeks" in out["summary"]


# --- three companies, offline ---------------------------------------------------------------------------------------


def test_offline_no_two_companies_share_a_sentence_and_every_figure_is_traced():
    written = {}
    for name, foundation in COMPANIES.items():
        out = offline(foundation, INPUTS[name])
        with pytest.raises(Asked) as asked:
            offline(foundation, {"answers": every(50)})
        written[name] = sentences(out, WRITTEN) | sentences(asked.value.questions, WRITTEN)
        counts = [len(out[k]) for k in ("blockers", "warnings", "unanswered")]
        counts.append(sum(i["critical"] and i["status"] == "done" for i in out["items"]))
        known = numbers(out) + numbers(INPUTS[name]) + numbers(counts)
        dates = [d for d in ((out["estimate"] or {}).get("to_ready") or {}).get("dates", []) if d]
        texts = [out["summary"], *out["needs_model"]]
        for day in dates:  # a date the estimate computed is a traced figure: read the rest
            texts = [t.replace(day, "") for t in texts]
        assert untraced_figures(texts, known) == [], name
    for a, b in [("quillworks", "kestrel"), ("quillworks", "stillwater"), ("kestrel", "stillwater")]:
        assert not written[a] & written[b], (a, b, written[a] & written[b])


# --- the scripted provider --------------------------------------------------------------------------------------


def _review(name: str) -> dict:
    company = COMPANIES[name]["company"]
    suggestion = {"quillworks": "Conservation materials stocked", "kestrel": "Airside access passes for handlers",
                  "stillwater": "Coastguard safety briefing signed off"}[name]  # fmt: skip
    estimates = [{"item": "billing", "low_days": 2, "high_days": 4, "basis": f"{company} has checkout half built"}]
    return {
        "missing_items": [{"label": suggestion, "category": "legal", "critical": True, "why": f"{company} needs it."}],
        "estimates": estimates if name == "stillwater" else [],
    }


@pytest.mark.parametrize("name", COMPANIES)
def test_on_the_scripted_provider_the_review_is_repaired_once_and_checked(
    name, registry_synced, workspace, system_actor
):
    workspace.foundation = COMPANIES[name]
    workspace.save()
    broken = {**_review(name), "missing_items": [{**_review(name)["missing_items"][0], "category": "finance"}]}
    agent = publish_scripted("launch_readiness", f"lr-{name}", [{"json": broken}, {"json": _review(name)}],
                             system_actor)  # fmt: skip
    run = execute(agent, workspace, system_actor, INPUTS[name])
    expected = [("skill", "readiness.assess", "succeeded")]
    if name == "stillwater":  # billing has no figure: asked (optional), answered "don't know" through the API
        assert run.status == "awaiting_input"
        run = answer_through_api(api_writer(workspace, system_actor), run, {})
        expected.append(("input", "ask", "succeeded"))
    assert run.status == "succeeded", run.error_message
    expected += [
        ("llm", "launch_readiness:review", "succeeded"),
        ("llm", "launch_readiness:review:repair", "succeeded"),  # "finance" is not a category: repaired once
    ]
    if name != "quillworks":  # Quillworks gave no team capacity: no timeline
        expected.append(("skill", "readiness.timeline", "succeeded"))
    assert steps(run) == expected
    assert [s["label"] for s in run.output["suggested_items"]] == [_review(name)["missing_items"][0]["label"]]
    assert run.output["needs_model"] == []
    if name == "stillwater":
        assert run.output["estimate"]["to_ready"]["weeks"] == [1.0, 1.7]


def test_missing_capacity_is_asked_through_the_api_and_the_run_continues(registry_synced, workspace, system_actor):
    workspace.foundation = STILLWATER
    workspace.save()
    agent = publish_scripted("launch_readiness", "lr-ask", [{"json": _review("stillwater")}], system_actor)
    data = {k: v for k, v in STILLWATER_INPUT.items() if k != "team"}
    run = execute(agent, workspace, system_actor, data)
    assert run.status == "awaiting_input"
    writer = api_writer(workspace, system_actor)
    questions = writer.get(f"/api/v1/runs/{run.pk}").json()["input_request"]["questions"]
    assert [q["key"] for q in questions] == ["team", "days_billing"]
    assert "Stillwater Paddle Co’s launch" in questions[0]["prompt"]
    run = answer_through_api(writer, run, {"team": {"people": 2, "focus_days_per_week": 3}, "days_billing": 3})
    assert run.status == "succeeded", run.error_message
    assert [s[:2] for s in steps(run)] == [
        ("skill", "readiness.assess"),
        ("input", "ask"),
        ("llm", "launch_readiness:review"),
        ("skill", "readiness.timeline"),
    ]
    # website 1 + billing 3 (the team's answer; the model's 2–4 is refused) = 4 ÷ (2 × 3) = 0.67 → 0.7 weeks
    assert run.output["estimate"]["to_ready"]["weeks"] == [0.7, 0.7]
    assert [r["reason"] for r in run.output["refused"]] == ["the team's own figure (3 person-days) stands"]


def test_the_example_run_offline_names_what_needs_a_model(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "launch_readiness", agents.get("launch_readiness").example_input)
    assert run.status == "succeeded", run.error_message
    assert (run.output["overall"], run.output["estimate"]["to_ready"]["weeks"]) == (66.39, [1.7, 1.7])
    company = workspace.foundation["company"]
    assert run.output["needs_model"][0] == f"items {company}’s launch needs beyond this checklist"


# --- property: an input field changes what depends on it, and nothing else ------------------------------------------

# What each change may move; every other output must stay exactly as it was.
CHANGES = {
    "answers.help_docs": {"overall", "categories", "warnings", "items"},
    "remaining_days.pricing": {"estimate", "summary"},
    "remaining_days.help_docs": {"estimate"},
    "team.focus_days_per_week": {"estimate", "summary"},
    "as_of": {"estimate", "summary"},
}

# The output each change must move when the value is a new one.
MOVES = {
    "answers.help_docs": "items", "remaining_days.pricing": "estimate", "remaining_days.help_docs": "estimate",
    "team.focus_days_per_week": "estimate", "as_of": "estimate",
}  # fmt: skip


def _set(data: dict, path: str, value) -> dict:
    changed = copy.deepcopy(data)
    head, _, tail = path.partition(".")
    if tail:
        changed[head][tail] = value
    else:
        changed[head] = value
    return changed


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    path=st.sampled_from(sorted(CHANGES)),
    number=st.integers(min_value=1, max_value=99),
)
def test_changing_one_input_changes_only_the_outputs_that_depend_on_it(path, number):
    value = {"as_of": f"2025-05-{number % 28 + 1:02d}", "team.focus_days_per_week": (number % 70 + 1) / 10}.get(
        path, number
    )
    before = offline(KESTREL, KESTREL_INPUT)
    after = offline(KESTREL, _set(KESTREL_INPUT, path, value))
    moved = {k for k in before if before[k] != after[k]}
    assert moved <= CHANGES[path], (path, moved - CHANGES[path])
    head, _, tail = path.partition(".")
    if (KESTREL_INPUT[head][tail] if tail else KESTREL_INPUT[head]) != value:  # a new value moves what depends on it
        assert MOVES[path] in moved, path
    if path.startswith("team"):  # capacity moves the weeks, never the work
        assert after["estimate"]["to_ready"]["person_days"] == before["estimate"]["to_ready"]["person_days"]


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=from_schema(launch_readiness.INPUT_SCHEMA))
def test_any_schema_valid_input_ends_in_a_valid_output_after_valid_questions(data):
    """What the catalogue checks, with questions answered (the smallest valid answers) instead of failing."""
    output = launch_readiness.run(AnsweringContext(), data)
    Draft202012Validator(launch_readiness.OUTPUT_SCHEMA).validate(output)
    json.dumps(output, allow_nan=False)  # stored as JSON: no NaN or infinity
