"""Email specialist: every spam rule with its points, ordinary words left alone, best practice, and the agent's
write → measure → revise rounds with an A/B pair of subjects: offline, on a test context whose model answers from
scripts, and in-process on the scripted provider."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.specialists import email_specialist
from skills.library.email import SPAM_TRIGGERS
from tests.agents.conftest import ValidatingContext, call_skill, run_agent
from tests.agents.writing_helpers import (
    BRASSMOOR,
    COMPANIES,
    FELLSIDE,
    SALTMARSH,
    WritingContext,
    answer_through_api,
    execute,
    numbers,
    publish_scripted,
    rounds_in_events,
    sentences,
    steps,
    untraced,
    written,
)
from tests.conftest import Asked

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it): offline, the
# user's email is measured, then the model is asked to revise it and cannot answer in JSON.
TRACE = [("skill", "email.check_draft"), ("llm", "email.revise")]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("no goal", {"audience": "founders"}, "'goal' is a required property"),
    ("draft without body", {"goal": "x", "draft": {"subject": "Hello team"}}, "'body' is a required property"),
    ("unknown dimension", {"goal": "x", "ab_dimension": "colour"}, "^ab_dimension: 'colour' is not one of"),
]


def spam(subject: str, body: str = "", preheader: str = "") -> dict:
    return call_skill("email.spam_score", {"subject": subject, "preheader": preheader, "body": body})


def fired(result: dict) -> list[tuple[str, float]]:
    return [(r["rule"], r["points"]) for r in result["rules_fired"]]


# --- spam score: one rule at a time -----------------------------------------------------------


def test_a_plain_subject_and_body_fire_nothing():
    result = spam("Your March product update", "We shipped two features this month.")
    assert (result["score"], result["risk"], result["rules_fired"]) == (0.0, "low", [])


@pytest.mark.parametrize(
    ("body", "rule", "points"),
    [
        ("You are this week's winner.", "trigger_word.high", 0.3),
        ("This is urgent, please read.", "trigger_word.medium", 0.2),
        ("Members get a discount on the annual plan.", "trigger_word.low", 0.1),
    ],
)
def test_each_trigger_tier_adds_its_points(body, rule, points):
    result = spam("Your March product update", body)
    assert fired(result) == [(rule, points)]
    assert result["score"] == points


def test_more_than_one_exclamation_mark_in_the_subject_adds_0_2():
    assert fired(spam("Big news for the team!!")) == [("subject_exclamations", 0.2)]
    assert spam("Big news for the team!")["rules_fired"] == []  # one is allowed


def test_an_all_caps_subject_adds_0_3():
    result = spam("QUARTERLY PRODUCT UPDATE")
    assert fired(result) == [("subject_all_caps", 0.3)]
    assert result["risk"] == "medium"  # 0.3 ≥ 0.3
    assert spam("Q3 OKR recap for the team")["rules_fired"] == []  # capitals inside a normal subject


def test_a_subject_under_10_characters_adds_0_2():
    assert fired(spam("Hi there")) == [("subject_too_short", 0.2)]  # 8 characters
    assert spam("Hello team")["rules_fired"] == []  # exactly 10 characters is fine
    assert fired(spam("")) == [("subject_too_short", 0.2)]


def test_rules_add_up_and_the_score_is_capped_at_1():
    result = spam("FREE MONEY!!")
    # "free money" high 0.3 + "!!" 0.2 + all caps 0.3 = 0.8 (12 characters, so not too short)
    assert fired(result) == [("trigger_word.high", 0.3), ("subject_exclamations", 0.2), ("subject_all_caps", 0.3)]
    assert (result["score"], result["risk"]) == (0.8, "high")
    # + "act now" in the body 0.3 = 1.1 → capped at 1
    assert spam("FREE MONEY!!", "Act now.")["score"] == 1.0


def test_a_longer_trigger_is_counted_once_and_not_again_as_its_shorter_part():
    result = spam("Try the new planner", "It is 100% free for teams.")
    # "100% free" (high 0.3); the "free" inside it is not counted again as low 0.1
    assert fired(result) == [("trigger_word.high", 0.3)]
    assert "'100% free'" in result["rules_fired"][0]["detail"]


def test_a_phrase_in_subject_and_body_counts_once_where_it_first_appears():
    result = spam("Urgent: update your billing", "This is urgent.")
    assert fired(result) == [("trigger_word.medium", 0.2)]
    assert result["rules_fired"][0]["detail"].endswith("in the subject")


def test_each_rule_that_fired_has_a_fix():
    result = spam("WINNER!!", "Limited time deal.")
    # winner, "!!", all caps, 8 characters; limited time, deal
    assert len(result["findings"]) == len(result["rules_fired"]) == 6
    assert all(f["fix"] for f in result["findings"])


# --- ordinary marketing language --------------------------------------------------------------


def test_ordinary_marketing_words_are_not_flagged_as_spam():
    body = (
        "Our authors wrote a new guide. Extract facts from this deck. Validate our pricing. "
        "Write key messages. Enjoy the freedom to plan, offering teams a clearer saleable story."
    )
    result = spam("Write key messages with our authors", body, "Extract facts, validate pricing")
    assert result["rules_fired"] == [] and result["score"] == 0.0


def test_trigger_phrases_are_whole_words_only():
    assert spam("Notes for the team", "freedom, freebies, discounted")["rules_fired"] == []
    assert fired(spam("Notes for the team", "It's free.")) == [("trigger_word.low", 0.1)]


def test_every_trigger_tier_is_a_documented_non_empty_list():
    assert set(SPAM_TRIGGERS) == {"high", "medium", "low"}
    assert all(SPAM_TRIGGERS[tier] for tier in SPAM_TRIGGERS)


# --- best practice ----------------------------------------------------------------------------


def practice(**data) -> dict:
    base = {"subject": "Your March product update", "body": "See what's new. [Read more](https://example.com)"}
    return call_skill("email.best_practice_check", {**base, **data})


def check(result: dict, name: str) -> bool:
    return next(c["passed"] for c in result["checks"] if c["check"] == name)


def test_preheader_length_must_be_40_to_130_characters():
    assert check(practice(preheader="p" * 39), "preheader_length") is False
    assert check(practice(preheader="p" * 40), "preheader_length") is True
    assert check(practice(preheader="p" * 130), "preheader_length") is True
    assert check(practice(preheader="p" * 131), "preheader_length") is False


def test_subject_over_60_characters_is_flagged():
    assert check(practice(subject="s" * 60), "subject_length") is True
    assert check(practice(subject="s" * 61), "subject_length") is False


def test_merge_tags_used_and_unused_are_reported():
    result = practice(body="Hi {{ first_name }}, book a demo.", personalisation_fields=["first_name", "company"])
    assert (result["merge_tags_used"], result["merge_tags_unused"]) == (["first_name"], ["company"])
    assert check(result, "personalisation") is False


def test_a_call_to_action_is_a_cta_phrase_or_a_link():
    assert check(practice(body="Book a demo this week."), "call_to_action") is True
    assert check(practice(body="Details at https://example.com/pricing"), "call_to_action") is True
    assert check(practice(body="Thanks for reading."), "call_to_action") is False


def test_a_preheader_repeating_the_subject_is_flagged():
    assert check(practice(preheader="Your March product update"), "preheader_differs") is False


# --- the agent: emails the tests' model writes ------------------------------------------------------------------

FELLSIDE_INPUT = {"goal": "Invite breeders to book a spring spinning slot", "personalisation_fields": ["first_name"],
                  "ab_dimension": "length"}  # fmt: skip
FELLSIDE_BODY = """Hi {{first_name}},

Every spring your herd grows a new fleece. Too often it sits in a bag in the shed, because big mills want tonnes, \
not a few bags.

We work the other way. We spin alpaca fleece in batches of 12 kilos, and each farm gets back its own yarn, from its \
own animals. You can knit it, sell it at the farm gate, or give it to friends.

Slots fill up as shearing starts. Tell us how many bags you have and we will plan your batch.

Book a spinning slot: https://fellside.example/slots

Thanks,
The Fellside team"""
FELLSIDE_EMAIL = {
    "subject_a": "Your fleece, spun into your own yarn",
    "subject_b": "Spring slots are open to turn your herd's fleece into yarn",
    "dimension": "length",
    "side_a": "short: fits a phone's preview",
    "side_b": "long: says what the slot is for",
    "preheader": "We spin batches of 12 kilos and return each farm its own yarn.",
    "body": FELLSIDE_BODY,
}

BRASSMOOR_INPUT = {"goal": "Remind churchwardens to book the yearly bell check before Easter",
                   "personalisation_fields": ["first_name", "church"]}  # fmt: skip
BRASSMOOR_BODY = """Dear {{first_name}},

Easter is a busy time for your ringers, and a good time to know your bells are sound. Our yearly care contract \
includes a visit to {{church}} to check the fittings, the clappers and the frame.

On the visit we look for worn bearings, loose bolts and cracks in the headstocks. Small faults fixed early keep the \
bells ringing and save a larger repair later.

Book your visit before Easter and we will send a date within the week. If a bell has drifted out of tune, we can \
listen on the same day.

Book a tower visit: https://brassmoor.example/visit

With good wishes,
Brassmoor Bell Foundry"""
BRASSMOOR_EMAIL = {
    "subject_a": "Book your yearly bell check before Easter",
    "subject_b": "What is that hum in your tower?",
    "dimension": "benefit_vs_curiosity",
    "side_a": "benefit: a check before the busiest week",
    "side_b": "curiosity: a sound the reader may have heard",
    "preheader": "One visit checks the fittings, clappers and frame of every bell.",
    "body": BRASSMOOR_BODY,
}
LABELLED = {**BRASSMOOR_EMAIL, "subject_a": "A: Book your yearly bell check before Easter",
            "subject_b": "B: Book your yearly bell check before Easter"}  # fmt: skip

SALTMARSH_INPUT = {"goal": "Fill the winter sail repair slots", "personalisation_fields": ["first_name"]}
SALTMARSH_BODY = """Hello {{first_name}},

The lay-up is the quiet part of the year for your boat, and a good time to look at her sails. Salt, sun and a long \
season wear the stitching, and small tears grow in the first blow of spring.

Over the winter we take in sails from classic wooden boats, patch the worn panels and restitch the seams by hand. \
Your sails come back ready to bend on before launch.

Tell us what you sail and we will give you a date for the loft.

Book a winter repair slot: https://saltmarsh.example/winter

Fair winds,
Saltmarsh Sail Loft"""
SALTMARSH_EMAIL = {
    "subject_a": "Winter is the time to mend your sails",
    "subject_b": "Is your mainsail ready for spring?",
    "dimension": "benefit_vs_curiosity",
    "side_a": "benefit: the right season for repairs",
    "side_b": "curiosity: a question about the reader's own sail",
    "preheader": "We patch worn panels and restitch seams by hand over the lay-up.",
    "body": SALTMARSH_BODY,
}
# Subject B is a high-risk spam trigger, and "the best time" is a superlative: both go back to the model.
SALTMARSH_RISKY = {**SALTMARSH_EMAIL, "subject_b": "Act now: winter repair slots",
                   "body": SALTMARSH_BODY.replace("a good time", "the best time")}  # fmt: skip


def subjects(output: dict) -> list[str]:
    return [v["subject"] for v in output["variants"]]


# --- the agent: write, measure, revise ----------------------------------------------------------------------------


def test_an_email_returns_two_subjects_that_differ_on_the_length_it_was_asked_to_test():
    ctx = WritingContext(json=[FELLSIDE_EMAIL])
    output = email_specialist.run(ctx, {**FELLSIDE_INPUT, "foundation": FELLSIDE})
    assert output["stopped"] == "passed" and output["rounds"][0]["failed"] == []
    assert subjects(output) == [FELLSIDE_EMAIL["subject_a"], FELLSIDE_EMAIL["subject_b"]]
    assert [(v["label"], v["side"], v["characters"], v["spam_risk"]) for v in output["variants"]] == [
        ("A", "short: fits a phone's preview", 36, "low"), ("B", "long: says what the slot is for", 58, "low")
    ]  # fmt: skip
    checks = {c["id"]: c["passed"] for c in output["ab_test"]["checks"]}
    assert (output["ab_test"]["dimension"], checks) == ("length", {"ab.differ": True, "ab.requested": True,
                                                                   "ab.dimension": True})  # fmt: skip
    assert output["subject"] == FELLSIDE_EMAIL["subject_a"] and output["body_html"].startswith("<p>Hi {{first_name}}")
    prompt = ctx.prompts[0][1]
    assert "The two subjects differ on length: one subject fits in 40 characters" in prompt
    assert "no figure except these stated ones: 12, 5, 60." in prompt and "Never use: luxury." in prompt


def test_subjects_that_differ_only_by_a_label_go_back_to_the_model_until_they_really_differ():
    ctx = WritingContext(json=[LABELLED, BRASSMOOR_EMAIL])
    output = email_specialist.run(ctx, {**BRASSMOOR_INPUT, "foundation": BRASSMOOR})
    assert [(r["round"], r["failed"], r["fixed"]) for r in output["rounds"]] == [
        (1, ["ab.differ"], []), (2, [], ["ab.differ"])
    ]  # fmt: skip
    assert subjects(output) == ["Book your yearly bell check before Easter", "What is that hum in your tower?"]
    purpose, prompt = ctx.prompts[1]
    assert purpose == "email.revise"
    assert (
        "are the same words, apart from case, punctuation or a label" in prompt and '"subject": "A: Book your' in prompt
    )
    assert [data["round"] for _, data in ctx.events if "round" in data] == [1, 2]


def test_a_spam_trigger_in_subject_b_and_a_superlative_are_revised_away():
    ctx = WritingContext(json=[SALTMARSH_RISKY, SALTMARSH_EMAIL])
    output = email_specialist.run(ctx, {**SALTMARSH_INPUT, "foundation": SALTMARSH})
    first, second = output["rounds"]
    assert first["failed"] == ["spam.subject_b", "claims"] and first["scores"]["spam_b"] == 0.3
    assert second["failed"] == [] and output["variants"][1]["spam_score"] == 0.0
    assert "'act now' (high-risk trigger) in the subject" in ctx.prompts[1][1]


def test_a_personalisation_test_needs_exactly_one_personalised_subject():
    both = {**BRASSMOOR_EMAIL, "dimension": "personalisation", "subject_a": "{{first_name}}, book your bell check",
            "subject_b": "{{first_name}}, what is that hum?"}  # fmt: skip
    ctx = WritingContext(json=[both, {**both, "subject_b": "What is that hum in your tower?"}])
    output = email_specialist.run(ctx, {**BRASSMOOR_INPUT, "foundation": BRASSMOOR})
    assert [r["failed"] for r in output["rounds"]] == [["ab.dimension"], []]
    assert output["ab_test"]["dimension"] == "personalisation"


def test_when_the_budget_refuses_the_revision_the_best_email_so_far_is_returned():
    ctx = WritingContext(json=[LABELLED, BRASSMOOR_EMAIL], refuse_at=2)
    output = email_specialist.run(ctx, {**BRASSMOOR_INPUT, "foundation": BRASSMOOR})
    assert (output["stopped"], output["final_round"]) == ("budget_exceeded", 1)
    assert subjects(output) == [LABELLED["subject_a"], LABELLED["subject_b"]]
    assert [s["check"] for s in output["suggestions"]] == ["ab.differ"]


def test_the_users_email_is_round_0_and_the_model_revises_it():
    draft = {"subject": LABELLED["subject_a"], "subject_b": LABELLED["subject_b"], "body": BRASSMOOR_BODY,
             "preheader": BRASSMOOR_EMAIL["preheader"], "dimension": "benefit_vs_curiosity"}  # fmt: skip
    ctx = WritingContext(json=[BRASSMOOR_EMAIL])
    output = email_specialist.run(ctx, {**BRASSMOOR_INPUT, "foundation": BRASSMOOR, "draft": draft})
    assert [(r["round"], r["by"], r["failed"]) for r in output["rounds"]] == [
        (0, "user", ["ab.differ"]), (1, "model", [])
    ]  # fmt: skip
    assert ctx.prompts[0][0] == "email.revise"


# --- the agent: offline, and asking -------------------------------------------------------------------------------


def test_offline_nothing_is_written_and_the_output_says_writing_needs_a_model():
    output = email_specialist.run(ValidatingContext(FELLSIDE), FELLSIDE_INPUT)
    assert output["subject"] is None and output["variants"] == [] and output["ab_test"] is None
    assert (output["stopped"], output["needs_model"]) == ("no_model", ["subject", "variants", "preheader", "body"])
    assert output["summary"].startswith("Nothing was written for Fellside Fleece Mill's email to")
    assert "[offline model]" not in json.dumps(output)


def test_offline_a_supplied_email_with_one_subject_is_measured_and_the_second_subject_needs_a_model():
    draft = {"subject": SALTMARSH_EMAIL["subject_a"], "body": SALTMARSH_BODY, "preheader": "Mend them now."}
    output = email_specialist.run(ValidatingContext(), {**SALTMARSH_INPUT, "draft": draft})
    assert subjects(output) == [SALTMARSH_EMAIL["subject_a"]] and output["ab_test"] is None
    assert output["rounds"][0]["failed"] == ["preheader.length"]
    assert output["needs_model"] == ["variants[1]", "revisions"]
    preheader = next(c for c in output["checks"] if c["id"] == "preheader.length")
    assert preheader["message"] == "The preheader 'Mend them now.' has 14 characters (40–130)."


def test_without_the_company_what_it_sells_or_the_audience_the_agent_asks():
    with pytest.raises(Asked) as asked:
        email_specialist.run(ValidatingContext({"company": "Saltmarsh Sail Loft"}), SALTMARSH_INPUT)
    assert [q["key"] for q in asked.value.questions] == ["offering", "audience"]


def test_the_example_run_measures_the_users_email_offline(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "email_specialist", agents.get("email_specialist").example_input)
    assert run.status == "succeeded", run.error_message
    output = run.output
    assert output["rounds"][0]["failed"] == ["length.words", "readability", "claims"]
    assert subjects(output) == ["Your Routewise trial ends soon", "{{first_name}}, your Routewise trial ends soon"]
    assert output["needs_model"] == ["revisions"]


# --- three companies, offline -----------------------------------------------------------------------------------

GOLDEN_EMAILS = {
    "brassmoor": ({"goal": "Book the yearly bell check"},
                  {"subject": "BELL CHECK TIME", "subject_b": "Bell check time!!", "preheader": "Bell check time",
                   "body": "Dear friend, your bells are overdue. Our cheap check is guaranteed. Call the foundry."}),
    "fellside": ({"goal": "Sell spring spinning slots", "personalisation_fields": ["first_name"]},
                 {"subject": "Spring spinning slots", "subject_b": "Spring spinning slots!",
                  "body": "Send your fleece in 40 kilo lots and get luxury yarn back. Reply to this email."}),
    "saltmarsh": ({"goal": "Sell winter repair slots"},
                  {"subject": "Winter repairs", "subject_b": "Free winter repair quote, limited time",
                   "dimension": "length", "preheader": "Classic boats, hand-finished sails, repaired over winter.",
                   "body": "Every sail we touch lasts forever. Book a winter slot at https://saltmarsh.example."}),
}  # fmt: skip


def golden_offline(key: str) -> tuple[dict, dict]:
    goal, draft = GOLDEN_EMAILS[key]
    data = {**goal, "draft": draft, "foundation": COMPANIES[key]}
    output = email_specialist.run(ValidatingContext(), data)
    Draft202012Validator(agents.get("email_specialist").output_schema).validate(output)
    return data, output


def test_offline_three_companies_share_no_sentence_and_every_figure_is_traced():
    said = {}
    for key in COMPANIES:
        data, output = golden_offline(key)
        assert COMPANIES[key]["company"] in output["summary"]
        said[key] = sentences(written(output))
        counts = {Decimal(len(output["rounds"][0]["failed"])), Decimal(sum(c["blocking"] for c in output["checks"]))}
        assert untraced(written(output), set(numbers(data)) | set(numbers(output)) | counts) == [], key
    for a, b in [("brassmoor", "fellside"), ("brassmoor", "saltmarsh"), ("fellside", "saltmarsh")]:
        assert not said[a] & said[b], (a, b, said[a] & said[b])


def test_offline_each_company_is_told_what_its_own_email_breaks():
    failed = {key: golden_offline(key)[1]["rounds"][0]["failed"] for key in COMPANIES}
    assert failed == {
        # subject A all capitals, B with "!!", a preheader under 40 characters that repeats A, no call to action,
        # far too short, "guaranteed", "cheap" (a spam word, and one the brand never uses), the same words twice
        "brassmoor": ["spam.subject_a", "spam.subject_b", "preheader.length", "preheader.differs", "call_to_action",
                      "length.words", "claims", "brand_voice.avoid", "ab.differ"],
        # no preheader, too short, "luxury", the subjects differ by a "!" only; 40 is the user's own figure
        "fellside": ["preheader.length", "length.words", "brand_voice.avoid", "ab.differ"],
        # "free" and "limited time" in subject B, hard to read, "forever", and both subjects fit a phone's 40
        # characters, so the pair tests no length
        "saltmarsh": ["spam.subject_b", "length.words", "readability", "claims", "ab.dimension"],
    }  # fmt: skip


# --- an input changes what depends on it, and nothing else ------------------------------------------------------

MEASURED = {**BRASSMOOR_INPUT, "foundation": BRASSMOOR, "draft": {
    "subject": BRASSMOOR_EMAIL["subject_a"], "subject_b": BRASSMOOR_EMAIL["subject_b"], "body": BRASSMOOR_BODY,
    "preheader": BRASSMOOR_EMAIL["preheader"], "dimension": "benefit_vs_curiosity"}}  # fmt: skip


def changed_checks(before: dict, after: dict) -> set[str]:
    a, b = ({c["id"]: c for c in out["checks"]} for out in (before, after))
    return {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}


@pytest.mark.parametrize(
    ("change", "checks", "parts"),
    [
        ({"personalisation_fields": ["first_name", "church", "tower"]}, {"personalisation"}, {"best_practice"}),
        ({"target_reading_ease": 95}, {"readability"}, {"readability"}),
        ({"length": "medium"}, {"length.words"}, set()),
        ({"ab_dimension": "length"}, {"ab.requested"}, set()),
    ],
)
def test_changing_one_input_changes_only_the_checks_and_measures_that_read_it(change, checks, parts):
    before = email_specialist.run(ValidatingContext(), MEASURED)
    after = email_specialist.run(ValidatingContext(), {**MEASURED, **change})
    assert changed_checks(before, after) == checks
    measures = ("subject", "preheader", "body", "body_html", "variants", "spam", "best_practice", "readability")
    assert {key for key in measures if before[key] != after[key]} == parts


# What each input may change, offline, in the checks and the measures of the user's email: everything else must stay
# as it was. The stated words (goal, audience, offer) can only make a figure traced or a claimed figure the company's.
EMAIL_DEPENDS: dict[str, tuple[set[str], set[str]]] = {
    "personalisation_fields": ({"personalisation"}, {"best_practice"}),
    "target_reading_ease": ({"readability"}, {"readability"}),
    "length": ({"length.words"}, set()),
    "target_words": ({"length.words"}, set()),
    "word_tolerance": ({"length.words"}, set()),
    "ab_dimension": ({"ab.requested"}, set()),
    "tone": (set(), set()),
    "goal": ({"figures", "claims"}, set()),
    "audience": ({"figures", "claims"}, set()),
    "offer": ({"figures", "claims"}, set()),
    "avoid": ({"brand_voice.avoid"}, set()),
}
_VOCABULARY = st.sampled_from(["bell", "check", "spring", "slots", "winter", "repair", "river", "copper", "lantern"])
_PHRASE = st.lists(_VOCABULARY, min_size=1, max_size=4).map(" ".join)
_STATED = st.tuples(_PHRASE, st.sampled_from(["", " 40", " 200", " 20 %", " 3"])).map("".join)
EMAIL_VALUES = {
    "personalisation_fields": st.lists(st.sampled_from(["first_name", "company", "farm", "boat"]), max_size=4),
    "target_reading_ease": st.integers(1, 100),
    "length": st.sampled_from(["short", "medium", "long"]),
    "target_words": st.integers(1, 5000),
    "word_tolerance": st.floats(0.05, 0.5),
    "ab_dimension": st.sampled_from(["benefit_vs_curiosity", "length", "personalisation"]),
    "tone": st.sampled_from(["bold", "warm", "dry", "formal"]),
    "goal": _STATED,
    "audience": _STATED,
    "offer": _STATED,
    "avoid": st.lists(_PHRASE, min_size=1, max_size=3),
}


def _with(base: dict, field: str, value: object) -> dict:
    if field == "avoid":
        return {**base, "foundation": {**base["foundation"], "brand_voice": {"dont": value}}}
    return {**base, field: value}


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(company=st.sampled_from(list(COMPANIES)), field_value=st.sampled_from(list(EMAIL_DEPENDS)).flatmap(
           lambda f: st.tuples(st.just(f), EMAIL_VALUES[f])))  # fmt: skip
def test_property_one_input_changes_only_the_checks_and_measures_that_depend_on_it(company, field_value):
    field, value = field_value
    goal, draft = GOLDEN_EMAILS[company]
    base = {**goal, "draft": draft, "foundation": {**COMPANIES[company], "brand_voice": {"dont": ["cheap"]}}}
    before = email_specialist.run(ValidatingContext(), base)
    after = email_specialist.run(ValidatingContext(), _with(base, field, value))
    checks, parts = EMAIL_DEPENDS[field]
    assert changed_checks(before, after) <= checks
    measures = ("subject", "preheader", "body", "body_html", "variants", "spam", "best_practice", "readability")
    assert {key for key in measures if before[key] != after[key]} <= parts


# --- in-process runs on the scripted provider ---------------------------------------------------------------------


@pytest.fixture
def company_workspace(workspace):
    def use(foundation: dict):
        workspace.foundation = foundation
        workspace.save(update_fields=["foundation"])
        return workspace

    return use


def test_scripted_fellside_email_returns_two_different_subjects(registry_synced, company_workspace, system_actor):
    agent = publish_scripted("email_specialist", "writing-fellside-email", [{"json": FELLSIDE_EMAIL}], system_actor)
    run = execute(agent, company_workspace(FELLSIDE), system_actor, FELLSIDE_INPUT)
    assert run.status == "succeeded", run.error_message
    assert steps(run) == [("llm", "email.draft", "succeeded"), ("skill", "email.check_draft", "succeeded")]
    first, second = subjects(run.output)
    assert first != second and run.output["ab_test"]["dimension"] == "length"


def test_scripted_brassmoor_email_is_repaired_once_then_revised_until_its_subjects_differ(
    registry_synced, company_workspace, system_actor
):
    broken = {k: v for k, v in LABELLED.items() if k != "side_b"}
    replies = [{"json": broken}, {"json": LABELLED}, {"json": BRASSMOOR_EMAIL}]
    agent = publish_scripted("email_specialist", "writing-brassmoor-email", replies, system_actor)
    run = execute(agent, company_workspace(BRASSMOOR), system_actor, BRASSMOOR_INPUT)
    assert run.status == "succeeded", run.error_message
    assert [name for _, name, _ in steps(run)] == ["email.draft", "email.draft:repair", "email.check_draft",
                                                   "email.revise", "email.check_draft"]  # fmt: skip
    assert [(e["round"], e["failed"]) for e in rounds_in_events(run)] == [(1, ["ab.differ"]), (2, [])]
    assert subjects(run.output) == [BRASSMOOR_EMAIL["subject_a"], BRASSMOOR_EMAIL["subject_b"]]


def test_scripted_saltmarsh_email_asks_what_it_sells_and_for_whom_through_the_api(
    registry_synced, company_workspace, system_actor
):
    replies = [{"json": SALTMARSH_RISKY}, {"json": SALTMARSH_EMAIL}]
    agent = publish_scripted("email_specialist", "writing-saltmarsh-email", replies, system_actor)
    workspace = company_workspace({"company": "Saltmarsh Sail Loft"})
    run = execute(agent, workspace, system_actor, SALTMARSH_INPUT)
    assert run.status == "awaiting_input"
    answers = {"offering": SALTMARSH["product"], "audience": SALTMARSH["audience"]}
    run = answer_through_api(workspace, system_actor, run, answers)
    assert run.status == "succeeded", run.error_message
    assert [r["failed"] for r in run.output["rounds"]] == [["spam.subject_b", "claims"], []]
    assert SALTMARSH["audience"] in run.steps.get(name="email.draft").input["prompt"]
