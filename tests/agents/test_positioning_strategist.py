"""Positioning strategist: frameworks filled from the company's own words offline, written by a model and checked
by code on the scripted provider (a schema repair, a revision of failing lines, questions answered through the API),
and a property test of what each input field may change.

Messaging rules and grammar checks have their own tests (tests/skills/test_messaging.py). The three companies are
in industries no code table names: urban beekeeping, marine salvage and community choirs.
"""

from __future__ import annotations

import copy
import inspect
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.models import InputRequest
from agents.registry import QUESTIONS_SCHEMA, ModelUnavailable
from agents.specialists import positioning_strategist as strategist
from skills.library import company_words, messaging, positioning
from tests.agents.conftest import ValidatingContext, call_skill, run_agent
from tests.agents.scripted_runs import (
    answer,
    api_writer,
    changed_paths,
    execute,
    numbers_in_strings,
    publish_scripted,
    sentences,
    steps,
)
from tests.agents.test_icp_architect import BRINEWATER, CANTABILE, HIVECRAFT

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it). Offline, the
# model call is refused (model_unavailable) and the frameworks are filled from the company's words.
TRACE = [
    ("skill", "positioning.ground"),
    ("llm", "positioning.write"),
    ("skill", "positioning.offline_statements"),
    ("skill", "positioning.check_all"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("unknown field", {"tone": "bold"}, "Additional properties are not allowed \\('tone' was unexpected\\)"),
    ("competitors not a list", {"competitors": "Float"}, "^competitors: 'Float' is not of type 'array'"),
]

DIFFERENTIATORS = {
    "hivecraft": ["A certified beekeeper inspects every colony each month", "Kits rent by the season"],
    "brinewater": ["Divers and a lifting barge on site within 24 hours", "Survey drones map the wreck before the "
                   "first dive"],
    "cantabile": ["Singers get their part's practice track on their phone", "Attendance takes one tap at the door"],
}  # fmt: skip
FOUNDATIONS = {"hivecraft": HIVECRAFT, "brinewater": BRINEWATER, "cantabile": CANTABILE}
INPUTS = {key: {"foundation": FOUNDATIONS[key], "differentiators": DIFFERENTIATORS[key]} for key in FOUNDATIONS}
# The rules' messages are the rule catalogue, not sentences written about a company.
NOT_WRITTEN = ("issues", "needs_model", "unfilled", "source", "failing")


class OfflineContext(ValidatingContext):
    """The test context with no model (as the offline provider) and questions recorded instead of asked."""

    def llm_json(self, prompt, *, schema, name="answer", system="", purpose=""):
        raise ModelUnavailable("offline: no structured output")

    def ask(self, questions):
        Draft202012Validator(QUESTIONS_SCHEMA).validate(questions)
        raise Asked(questions)


class Asked(Exception):
    def __init__(self, questions):
        super().__init__("asked")
        self.questions = questions


def offline(data: dict) -> dict:
    output = strategist.run(OfflineContext(), data)
    Draft202012Validator(strategist.OUTPUT_SCHEMA).validate(output)
    return output


def texts(output: dict) -> dict[str, str]:
    return {s["framework"]: s["text"] for s in output["statements"]} | {
        s["id"]: s["text"] for s in output["soundbites"]
    }


# --- the blanks, from the company's own words ---------------------------------------------------------------------


def test_each_blank_comes_from_the_companys_words_and_says_where():
    fields = call_skill("positioning.ground", {**INPUTS["hivecraft"], "competitors": []})["fields"]
    assert {k: (f["value"], f["source"]) for k, f in fields.items()} == {
        "product": ("Hivecraft", "foundation.company"),
        "audience": ("rooftop beekeepers, community gardens and restaurants with rooftop hives in Berlin and Hamburg",
                     "foundation.audience"),
        "need": ("want honey without losing a colony", "foundation.audience"),
        "category": ("hive rental and inspection service", "foundation.product"),
        "benefit": ("rents hive kits and books monthly inspections for people who keep bees on city roofs",
                    "foundation.description"),
        "alternative": ("Bienenbox", "foundation.competitors"),
        "differentiator": ("A certified beekeeper inspects every colony each month", "input.differentiators"),
    }  # fmt: skip


def test_explicit_fields_win_and_nothing_is_filled_with_a_default():
    grounded = call_skill("positioning.ground", {"need": "hate month-end", "category": "cash app"})
    values = {k: f["value"] for k, f in grounded["fields"].items()}
    assert values == {"product": "", "audience": "", "need": "hate month-end", "category": "cash app", "benefit": "",
                      "alternative": "", "differentiator": ""}  # fmt: skip
    assert grounded["missing_essentials"] == list(positioning.ESSENTIALS)
    assert "growing teams" not in json.dumps(grounded)


# --- offline golden: three companies ---------------------------------------------------------------------------------


def test_offline_statements_are_built_from_each_companys_own_words():
    out = {key: offline(data) for key, data in INPUTS.items()}
    assert texts(out["hivecraft"])["benefit_led"] == (
        "For rooftop beekeepers, community gardens and restaurants with rooftop hives in Berlin and Hamburg, "
        "Hivecraft rents hive kits and books monthly inspections for people who keep bees on city roofs."
    )
    assert texts(out["brinewater"])["challenger"] == (
        "Instead of SMIT Salvage or Ardent, harbour masters and port engineers at regional ports, marine insurers and "
        "offshore wind operators across the North Sea can choose Brinewater Salvage: divers and a lifting barge on "
        "site within 24 hours."
    )
    assert texts(out["cantabile"])["comparison"] == (
        "Compared with spreadsheets, Cantabile differs in two ways: singers get their part's practice track on their "
        "phone; attendance takes one tap at the door."
    )
    assert texts(out["cantabile"])["category_creator"] == (
        "Cantabile is a rehearsal planner for directors and volunteer organisers at community choirs, school choirs "
        "and church choirs in Ireland: it keeps amateur choirs organised, so directors stop wasting rehearsal time "
        "on admin."
    )
    # The audiences of Brinewater and Cantabile state no need ("who …"): their classic statement is left to a model.
    assert out["brinewater"]["unfilled"] == {"classic": ["need"]}
    assert out["brinewater"]["needs_model"] == ["statements.classic", "soundbites"]
    assert list(texts(out["hivecraft"]))[:5] == list(positioning.FRAMEWORKS)
    for output in out.values():
        assert output["summary"]["all_passed"], output["summary"]
        assert {s["written_by"] for s in output["statements"] + output["soundbites"]} == {"code"}


def test_offline_no_two_companies_share_a_sentence_the_agent_wrote():
    written = {key: sentences(offline(data), NOT_WRITTEN) for key, data in INPUTS.items()}
    keys = list(written)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            assert written[a] & written[b] == set(), (a, b)


@pytest.mark.parametrize("key", INPUTS)
def test_offline_every_figure_is_traced_to_the_input_or_computed_as_documented(key):
    output = offline(INPUTS[key])
    assert numbers_in_strings(output, ("issues", "id")) <= set(company_words.numbers_in(json.dumps(INPUTS[key])))
    for line in output["statements"] + output["soundbites"]:
        check = line["check"]
        counts = {s: sum(i["severity"] == s for i in check["issues"]) for s in messaging.SEVERITIES}
        assert check["counts"] == counts
        assert check["score"] == max(0, 100 - 20 * counts["error"] - 10 * counts["warning"] - 5 * counts["suggestion"])
    scores = [line["check"]["score"] for line in output["statements"] + output["soundbites"]]
    assert output["summary"]["mean_score"] == round(sum(scores) / len(scores), 1)
    assert output["summary"]["lowest_score"] == min(scores)


def test_the_positioning_modules_name_none_of_the_golden_industries():
    modules = (positioning, messaging, company_words, strategist)
    source = "".join(inspect.getsource(m) for m in modules).casefold()
    for word in ("beekeep", "salvage", "choir", "hive", "harbour"):
        assert word not in source


def test_an_empty_input_is_asked_about_never_answered_with_growing_teams():
    with pytest.raises(Asked) as asked:
        strategist.run(OfflineContext(), {})
    assert [q["key"] for q in asked.value.questions] == list(positioning.ESSENTIALS)


@pytest.mark.parametrize(
    ("remove", "keys"),
    [("competitors", ["competitors"]), ("differentiators", ["differentiators"]), ("audience", ["audience"])],
)
def test_no_competitors_no_differentiators_or_no_audience_is_asked_about(remove, keys):
    data = copy.deepcopy(INPUTS["cantabile"])
    if remove == "differentiators":
        data.pop("differentiators")
    else:
        data["foundation"].pop(remove)
    with pytest.raises(Asked) as asked:
        strategist.run(OfflineContext(), data)
    assert [q["key"] for q in asked.value.questions] == keys


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=from_schema(strategist.INPUT_SCHEMA))
def test_any_valid_input_gives_a_valid_output_or_valid_questions(data):
    try:
        output = strategist.run(OfflineContext(), data)
    except Asked as asked:
        Draft202012Validator(QUESTIONS_SCHEMA).validate(asked.questions)
        return
    Draft202012Validator(strategist.OUTPUT_SCHEMA).validate(output)
    json.dumps(output, allow_nan=False)


# --- property: an input field changes what depends on it, and nothing else ----------------------------------------


def _keyed(output: dict) -> dict:
    """The output with statements and soundbites keyed by framework and id, so a missing one shifts nothing."""
    return {
        **output,
        "statements": {s["framework"]: s for s in output["statements"]},
        "soundbites": {s["id"]: s for s in output["soundbites"]},
    }


LINES_OF = {  # which statements each blank appears in
    "product": positioning.FRAMEWORKS,
    "audience": ("classic", "challenger", "category_creator", "benefit_led"),
    "need": ("classic",),
    "category": ("classic", "category_creator"),
    "benefit": ("classic", "category_creator", "benefit_led"),
    "alternative": ("classic", "challenger", "comparison"),
    "differentiator": ("classic", "challenger", "comparison"),
}
BLANKS_OF = {  # which blanks each foundation field (or input field) may fill
    "company": ("product", "benefit"),  # the benefit is the description sentence that starts with the name
    "audience": ("audience", "need"),
    "description": ("benefit",),
    "product": ("category", "benefit"),
    "competitors": ("alternative",),
    "differentiators": ("differentiator",),
    "goals": (),
    "industry": (),
    "stage": (),
    "budget_level": (),
}
FOLLOWERS = ("summary", "unfilled", "needs_model")  # sums and lists over the lines and blanks


def _allowed(path: str, field: str) -> bool:
    blanks = BLANKS_OF[field]
    if not blanks:
        return False
    lines = {fw for blank in blanks for fw in LINES_OF[blank]}
    if path.startswith("fields."):
        return path.split(".")[1] in blanks
    if path.startswith("statements."):
        return path.split(".")[1].split("#")[0] in lines
    if path.startswith("soundbites"):
        return field in ("company", "differentiators")
    return path.startswith(FOLLOWERS)


_WORDS = st.sampled_from(["amber", "river", "quiet", "lantern", "copper", "meadow", "orbit", "velvet", "granite"])


def _with(data: dict, field: str, phrase: str) -> dict:
    data = copy.deepcopy(data)
    if field == "differentiators":
        data["differentiators"] = [phrase.capitalize()]
    elif field in ("competitors", "goals"):
        data["foundation"][field] = [phrase.title()]
    elif field in ("stage", "budget_level"):
        data["foundation"][field] = {"stage": "series_a", "budget_level": "high"}[field]
    elif field == "company":
        data["foundation"][field] = phrase.title()
    elif field == "description":
        data["foundation"][field] = f"{data['foundation']['company']} {phrase}s every week."
    elif field == "product":
        data["foundation"][field] = f"A {phrase} kit for every season."
    else:
        data["foundation"][field] = f"{phrase.capitalize()} owners in Dublin who need {phrase}."
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(company=st.sampled_from(list(INPUTS)), field=st.sampled_from(list(BLANKS_OF)),
       phrase=st.lists(_WORDS, min_size=2, max_size=4).map(" ".join))  # fmt: skip
def test_changing_one_field_changes_only_what_depends_on_it(company, field, phrase):
    before, after = offline(INPUTS[company]), offline(_with(INPUTS[company], field, phrase))
    paths = changed_paths(_keyed(before), _keyed(after))
    assert all(_allowed(p, field) for p in paths), sorted(p for p in paths if not _allowed(p, field))


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("competitors", {"fields.alternative.value", "statements.classic.text", "statements.challenger.text",
                         "statements.comparison.text"}),
        ("differentiators", {"fields.differentiator.value", "soundbites.soundbite_1.text", "statements.classic.text"}),
        ("description", {"fields.benefit.value", "statements.benefit_led.text", "statements.category_creator.text"}),
        ("company", {"fields.product.value", "statements.comparison.text", "soundbites.soundbite_2.text"}),
    ],
)  # fmt: skip
def test_changing_a_field_does_change_what_depends_on_it(field, changes):
    before, after = offline(INPUTS["hivecraft"]), offline(_with(INPUTS["hivecraft"], field, "copper lantern"))
    assert changes <= changed_paths(_keyed(before), _keyed(after))


# --- the example run and asking, through the runtime (offline provider) ------------------------------------------


def test_example_run_golden(registry_synced, workspace, system_actor):
    spec = agents.get("positioning_strategist")
    run = run_agent(workspace, system_actor, "positioning_strategist", spec.example_input)
    assert run.status == "succeeded", run.error_message
    assert run.output["fields"]["alternative"] == {"value": "Float", "source": "foundation.competitors"}
    assert [s["framework"] for s in run.output["statements"]] == list(positioning.FRAMEWORKS)
    assert run.output["summary"]["all_passed"] and run.output["needs_model"] == ["soundbites"]


def test_the_workspace_foundation_is_used_and_what_it_lacks_is_asked_for(registry_synced, workspace, system_actor):
    # The workspace factory's foundation: {"company": "Acme", "industry": "SaaS", "stage": "seed"}.
    run = run_agent(workspace, system_actor, "positioning_strategist", {"differentiators": ["Set up in ten minutes"]})
    assert run.status == "awaiting_input"
    keys = [q["key"] for q in InputRequest.objects.get(run=run).questions]
    assert keys == ["what_it_does", "audience", "competitors"]  # the name (Acme) and a differentiator are given
    answers = {"what_it_does": "counts stock across every till", "audience": "Independent grocers in Leeds",
               "competitors": ["paper stock sheets"]}  # fmt: skip
    run = answer(api_writer(workspace, system_actor), run, answers)
    assert run.status == "succeeded", run.error_message
    assert texts(run.output)["benefit_led"] == "For independent grocers in Leeds, Acme counts stock across every till."


# --- the model path, on the scripted provider (recorded structured replies) -------------------------------------

REPLIES = {
    "hivecraft": {
        "fields": {"product": "Hivecraft", "audience": "rooftop beekeepers and restaurants in Berlin and Hamburg",
                   "need": "want honey without losing a colony", "category": "hive rental and inspection service",
                   "benefit": "rents the hives and inspects them every month", "alternative": "Bienenbox",
                   "differentiator": "a certified beekeeper inspects every colony each month"},
        "statements": {
            "classic": "For rooftop beekeepers in Berlin and Hamburg who want honey without losing a colony, "
                       "Hivecraft is the hive rental service that inspects every colony each month; unlike "
                       "Bienenbox, a certified beekeeper does the inspection.",
            "challenger": "Keeping bees on a roof should not mean learning to keep them alive alone: Hivecraft sends "
                          "a certified beekeeper every month.",
            "category_creator": "Hivecraft rents rooftop hives as a service, with inspections included.",
            "benefit_led": "Hivecraft gives rooftops in Berlin and Hamburg their own honey, with a monthly "
                           "inspection by a certified beekeeper.",
            "comparison": "Compared with Bienenbox, Hivecraft includes a monthly inspection and rents kits by the "
                          "season.",
        },
        "soundbites": ["Your roof, your honey, our beekeeper.", "Hives by the season, inspections every month."],
    },
    "brinewater": {
        "fields": {"product": "Brinewater Salvage", "audience": "harbour masters at regional ports",
                   "need": "need blocked channels open again within days", "category": "wreck removal service",
                   "benefit": "removes wrecks and recovers cargo", "alternative": "SMIT Salvage",
                   "differentiator": "divers and a lifting barge on site within 24 hours"},
        "statements": {
            "classic": "For harbour masters at regional ports who need a blocked channel open again, Brinewater "
                       "Salvage is the wreck removal service that arrives with divers and a lifting barge within 24 "
                       "hours; unlike SMIT Salvage, survey drones map the wreck first.",
            "challenger": "A wreck should not close a port for weeks: Brinewater Salvage brings divers, a barge and "
                          "drones within 24 hours.",
            "category_creator": "Brinewater Salvage offers wreck removal on call for regional ports around the "
                                "North Sea.",
            "benefit_led": "Brinewater Salvage reopens blocked channels, starting with divers on site within 24 "
                           "hours.",
            "comparison": "Compared with SMIT Salvage and Ardent, Brinewater Salvage maps each wreck with survey "
                          "drones before the first dive.",
        },
        "soundbites": ["Divers on site within 24 hours.", "We map the wreck before we dive."],
    },
    "cantabile": {
        "fields": {"product": "Cantabile", "audience": "directors of community choirs in Ireland",
                   "need": "want rehearsals spent singing", "category": "rehearsal planner",
                   "benefit": "keeps attendance, parts and practice tracks in one place",
                   "alternative": "spreadsheets", "differentiator": "each singer gets their practice track on "
                   "their phone"},
        "statements": {
            "classic": "For directors of community choirs in Ireland who want rehearsals spent singing, Cantabile "
                       "is the rehearsal planner that keeps attendance and parts in one place; unlike spreadsheets, "
                       "it sends each singer their practice track.",
            "challenger": "Choir admin belongs before rehearsal, not in it: Cantabile takes attendance with one tap.",
            "category_creator": "Cantabile is a rehearsal planner made for amateur choirs.",
            "benefit_led": "Cantabile gives choir directors their rehearsal time back.",
            "comparison": "Compared with spreadsheets and WhatsApp groups, Cantabile puts each singer's part and "
                          "practice track on their phone.",
        },
        "soundbites": ["One tap at the door, then sing.", "Every part, on every phone."],
    },
}  # fmt: skip


def _reply(key: str, **overrides: str) -> dict:
    recorded = REPLIES[key]
    statements = recorded["statements"] | {k: v for k, v in overrides.items() if k in positioning.FRAMEWORKS}
    soundbites = list(recorded["soundbites"])
    for k, v in overrides.items():
        if k.startswith("soundbite_"):
            soundbites[int(k.split("_")[1]) - 1] = v
    return {"json": {"fields": recorded["fields"], "statements": [{"framework": f, "text": t}
            for f, t in statements.items()], "soundbites": [{"text": t} for t in soundbites]}}  # fmt: skip


@pytest.mark.parametrize("key", INPUTS)
def test_the_model_writes_the_statements_and_code_checks_every_line(key, registry_synced, workspace, system_actor):
    agent = publish_scripted("positioning_strategist", f"h3-pos-{key}", [_reply(key)], system_actor)
    run = execute(agent, workspace, system_actor, INPUTS[key])
    assert run.status == "succeeded", run.error_message
    assert steps(run) == [("skill", "positioning.ground", "succeeded"), ("llm", "positioning.write", "succeeded"),
                          ("skill", "positioning.check_all", "succeeded")]  # fmt: skip
    out = run.output
    assert texts(out) == REPLIES[key]["statements"] | {f"soundbite_{n}": t for n, t in
                                                       enumerate(REPLIES[key]["soundbites"], start=1)}  # fmt: skip
    assert out["summary"]["all_passed"], out["summary"]
    assert (out["revised"], out["needs_model"], out["fields"]["product"]["source"]) == (False, [], "model")
    assert {s["written_by"] for s in out["statements"]} == {"model"}


def test_a_reply_missing_a_framework_is_repaired_once_by_the_schema(registry_synced, workspace, system_actor):
    broken = copy.deepcopy(_reply("cantabile"))
    broken["json"]["statements"].pop()  # four statements: the schema wants five
    agent = publish_scripted("positioning_strategist", "h3-pos-repair", [broken, _reply("cantabile")], system_actor)
    run = execute(agent, workspace, system_actor, INPUTS["cantabile"])
    assert run.status == "succeeded", run.error_message
    assert [name for _, name, _ in steps(run)] == [
        "positioning.ground", "positioning.write", "positioning.write:repair", "positioning.check_all"
    ]  # fmt: skip
    assert "is too short" in run.steps.get(name="positioning.write:repair").input["prompt"]


def test_lines_that_break_the_rules_go_back_once_and_the_fixed_ones_pass(registry_synced, workspace, system_actor):
    first = _reply("brinewater", challenger="Brinewater Salvage guarantees your channel reopens overnight.",
                   soundbite_2="The best salvage crew in the North Sea.")  # fmt: skip
    revision = {"json": {"revisions": [
        {"id": "challenger", "text": REPLIES["brinewater"]["statements"]["challenger"]},
        {"id": "soundbite_2", "text": "We map the wreck before we dive."},
        {"id": "classic", "text": "Ignored: this line did not fail."},
    ]}}  # fmt: skip
    agent = publish_scripted("positioning_strategist", "h3-pos-revise", [first, revision], system_actor)
    run = execute(agent, workspace, system_actor, INPUTS["brinewater"])
    assert run.status == "succeeded", run.error_message
    assert [name for _, name, _ in steps(run)] == [
        "positioning.ground", "positioning.write", "positioning.check_all", "positioning.revise",
        "positioning.check_all",
    ]  # fmt: skip
    prompt = run.steps.get(name="positioning.revise").input["prompt"]
    assert "challenger" in prompt and "guarantee_language ('guarantees')" in prompt
    assert "absolute_claim ('overnight')" in prompt and "unverified_superlative ('best')" in prompt
    out = run.output
    assert out["revised"] and out["summary"]["all_passed"]
    assert texts(out)["classic"] == REPLIES["brinewater"]["statements"]["classic"]


def test_lines_still_failing_after_the_revision_are_shown_as_failing(registry_synced, workspace, system_actor):
    first = _reply("hivecraft", comparison="Unlike Bienenbox's clunky kits, Hivecraft inspects monthly.")
    revision = {"json": {"revisions": [{"id": "comparison", "text": "Bienenbox is a joke next to Hivecraft."}]}}
    agent = publish_scripted("positioning_strategist", "h3-pos-still", [first, revision], system_actor)
    run = execute(agent, workspace, system_actor, INPUTS["hivecraft"])
    assert run.status == "succeeded", run.error_message
    assert run.output["summary"]["failing"] == ["comparison"] and not run.output["summary"]["all_passed"]
    comparison = next(s for s in run.output["statements"] if s["framework"] == "comparison")
    assert [i["rule"] for i in comparison["check"]["issues"]] == ["competitor_bashing"]


def test_missing_competitors_and_differentiators_are_asked_then_the_model_writes(
    registry_synced, workspace, system_actor
):
    agent = publish_scripted("positioning_strategist", "h3-pos-ask", [_reply("cantabile")], system_actor)
    foundation = {k: v for k, v in CANTABILE.items() if k != "competitors"}
    run = execute(agent, workspace, system_actor, {"foundation": foundation})
    assert run.status == "awaiting_input"
    writer = api_writer(workspace, system_actor)
    questions = writer.get(f"/api/v1/runs/{run.pk}").json()["input_request"]["questions"]
    assert [q["key"] for q in questions] == ["competitors", "differentiators"]
    refused = writer.post(f"/api/v1/runs/{run.pk}/input", {"answers": {"competitors": []}}, format="json")
    # an empty list is not an answer; differentiators is required (the run's own questions: a 422)
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_answers")
    run = answer(
        writer, run, {"competitors": CANTABILE["competitors"], "differentiators": DIFFERENTIATORS["cantabile"]}
    )
    assert run.status == "succeeded", run.error_message
    assert [kind for kind, _, _ in steps(run)] == ["skill", "input", "skill", "llm", "skill"]
    prompt = run.steps.get(name="positioning.write").input["prompt"]
    assert "Attendance takes one tap at the door" in prompt and "WhatsApp groups" in prompt
    assert run.output["summary"]["all_passed"]
