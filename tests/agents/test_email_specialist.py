"""Email specialist: every spam rule with its points, ordinary words left alone, best practice, subjects, a run."""

from __future__ import annotations

import pytest

from agents import registry as agents
from skills.library.email import SPAM_TRIGGERS, clean_line
from tests.agents.conftest import ValidatingContext, call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "email.subject_lines"),
    ("llm", "email.subject.A"),
    ("llm", "email.subject.B"),
    ("llm", "email.subject.C"),
    ("skill", "email.write_body"),
    ("llm", "email.body"),
    ("llm", "email.preheader"),
    ("skill", "content.render"),
    ("skill", "email.spam_score"),
    ("skill", "email.spam_score"),
    ("skill", "email.spam_score"),
    ("skill", "email.best_practice_check"),
    ("skill", "content.readability"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [("no goal", {"audience": "founders"}, "'goal' is a required property")]


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


# --- writing --------------------------------------------------------------------------------


def test_clean_line_removes_labels_quotes_and_cuts_at_a_word():
    assert clean_line('Subject: "Your March update"\nsecond line', 60) == "Your March update"
    assert clean_line("word " * 30, 22) == "word word word word"


def test_the_subject_and_two_distinct_variants_come_from_the_model(skill_ctx):
    result = call_skill("email.subject_lines", {"goal": "Invite customers to the spring webinar"}, skill_ctx)
    subjects = [result["subject"]] + [v["subject"] for v in result["variants"]]
    assert all(s.startswith("[offline model]") and len(s) <= 60 for s in subjects)
    assert len(set(subjects)) == 3
    assert [v["label"] for v in result["variants"]] == ["B", "C"]


def test_body_and_preheader_are_written_and_the_preheader_is_cut_to_100(skill_ctx):
    result = call_skill("email.write_body", {"goal": "Invite customers to the spring webinar"}, skill_ctx)
    assert "Invite customers to the spring webinar" in result["body"]
    assert 0 < len(result["preheader"]) <= 100


# --- the agent --------------------------------------------------------------------------------


def test_each_variant_carries_its_own_spam_score():
    spec = agents.get("email_specialist")
    output = spec.run(ValidatingContext(), {"goal": "Act now to renew", "offer": "a discount"})
    for variant in output["variants"]:
        expected = spam(variant["subject"], output["body"], output["preheader"])
        assert (variant["spam_score"], variant["spam_risk"]) == (expected["score"], expected["risk"])
    assert output["spam"]["score"] > 0  # the goal's "act now" reaches the offline body
    assert output["body_html"].startswith("<p>")


def test_the_example_run_reports_the_merge_tags_the_text_left_out(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "email_specialist", agents.get("email_specialist").example_input)
    assert run.status == "succeeded", run.error_message
    assert run.output["checks"]["merge_tags_unused"] == ["first_name", "company"]  # the offline text uses none
