"""Quality checker: grade boundaries, weights, mechanics heuristics, brand voice, ordinary words, a run."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from agents import registry as agents
from skills import registry as skills
from tests.agents.conftest import ValidatingContext, call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "quality.mechanics"),
    ("skill", "content.readability"),
    ("skill", "content.seo_score"),
    ("skill", "quality.brand_voice"),
    ("skill", "content.engagement"),
    ("skill", "content.technical"),
    ("skill", "quality.grade"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("unknown type", {"content": "Hello", "type": "podcast"}, "^type: 'podcast' is not one of"),
    ("empty content", {"content": "", "type": "blog"}, "^content: '' should be non-empty"),
    ("no content", {"type": "blog"}, "'content' is a required property"),
]


AREAS = ("grammar", "readability", "seo", "brand_voice", "engagement", "technical")


def grade(scores: dict, weights: dict | None = None) -> dict:
    return call_skill("quality.grade", {"scores": scores, **({"weights": weights} if weights is not None else {})})


def mechanics(text: str) -> dict:
    return call_skill("quality.mechanics", {"content": text, "format": "plain"})


# --- grade ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        (1.0, "A+"),
        (0.95, "A+"),
        (0.9499, "A"),
        (0.90, "A"),
        (0.8999, "B+"),
        (0.85, "B+"),
        (0.8499, "B"),
        (0.80, "B"),
        (0.7999, "C+"),
        (0.75, "C+"),
        (0.7499, "C"),
        (0.70, "C"),
        (0.6999, "D"),
        (0.60, "D"),
        (0.5999, "F"),
        (0.0, "F"),
    ],
)
def test_every_grade_boundary(value, letter):
    # every sub-score equal to `value` → the weighted score is `value` (weights sum to 1)
    result = grade(dict.fromkeys(AREAS, value))
    assert (result["score"], result["grade"]) == (value, letter)


def test_the_weighted_score_uses_the_domain_weights():
    scores = {"grammar": 1, "readability": 0.5, "seo": 0.8, "brand_voice": 1, "engagement": 0.6, "technical": 0}
    result = grade(scores)
    # 0.2 × 1 + 0.2 × 0.5 + 0.2 × 0.8 + 0.2 × 1 + 0.15 × 0.6 + 0.05 × 0 = 0.2 + 0.1 + 0.16 + 0.2 + 0.09 = 0.75
    assert (result["score"], result["grade"]) == (0.75, "C+")
    assert result["contributions"] == {
        "grammar": 0.2,
        "readability": 0.1,
        "seo": 0.16,
        "brand_voice": 0.2,
        "engagement": 0.09,
        "technical": 0.0,
    }


def test_custom_weights_are_normalised_and_all_zero_falls_back_to_the_defaults():
    scores = {"grammar": 1, "readability": 0.5, "seo": 0.8, "brand_voice": 1, "engagement": 0.6, "technical": 0}
    only_seo = dict.fromkeys(AREAS, 0.0) | {"seo": 0.5}
    assert grade(scores, only_seo)["score"] == 0.8  # 0.5 × 0.8 ÷ 0.5
    assert grade(scores, dict.fromkeys(AREAS, 0.0))["score"] == 0.75


def test_an_unknown_weight_is_refused_by_the_schema():
    spec = skills.get("quality.grade")
    data = {"scores": dict.fromkeys(AREAS, 1.0), "weights": {"tone": 0.5}}
    assert not Draft202012Validator(spec.input_schema).is_valid(data)


# --- mechanics --------------------------------------------------------------------------------


def test_clean_text_scores_1():
    result = mechanics("We shipped two features. Teams love them. Had had is fine, e.g. this one.")
    assert result["score"] == 1.0 and result["findings"] == []


@pytest.mark.parametrize(
    ("text", "rule", "score"),
    [
        ("We met the the team.", "doubled_word", 0.9),  # error: 1 − 0.1
        ("Pricing (annual plans is live.", "unbalanced_brackets", 0.9),  # error
        ("We shipped. it works.", "lowercase_sentence_start", 0.95),  # warning: 1 − 0.05
        ('He said "hello. Then left.', "unbalanced_quotes", 0.95),
        ("Wow!! Nice.", "repeated_punctuation", 0.95),
        ("Wait.. What now.", "repeated_punctuation", 0.95),
        ("We plan and ship " * 10 + "today.", "long_sentence", 0.95),  # 41 words > 40
    ],
)
def test_each_mechanics_rule_with_its_penalty(text, rule, score):
    result = mechanics(text)
    assert result["counts"][rule] == 1
    assert sum(result["counts"].values()) == 1
    assert result["score"] == score


def test_what_the_mechanics_rules_leave_alone():
    text = "Well... maybe. iPhone sales grew. The plan, i.e. this one, works. " + "We plan and ship " * 10 + "."
    assert mechanics(text)["counts"] == dict.fromkeys(
        ["doubled_word", "unbalanced_brackets", "lowercase_sentence_start", "unbalanced_quotes"], 0
    ) | {"long_sentence": 0, "repeated_punctuation": 0}


def test_mechanics_score_never_goes_below_zero():
    assert mechanics("the the. " * 20)["score"] == 0.0  # 20 errors + 20 warnings → 1 − 3 → 0


# --- brand voice ------------------------------------------------------------------------------


def voice(text: str, do=(), dont=()) -> dict:
    return call_skill("quality.brand_voice", {"content": text, "do": list(do), "dont": list(dont)})


def test_brand_voice_score_is_rules_obeyed_over_rules():
    result = voice(
        "Our customers ship faster. Synergy is overrated.", do=["customers", "you"], dont=["synergy", "cheap"]
    )
    # obeyed: customers (present), cheap (absent); violated: you (missing), synergy (present) → 2 / 4
    assert result["score"] == 0.5
    assert result["obeyed"] == ["customers", "cheap"]
    assert [(v["rule"], v["kind"]) for v in result["violated"]] == [("you", "do"), ("synergy", "dont")]
    severities = {f["check"]: f["severity"] for f in result["findings"]}
    assert severities == {"brand_voice.do": "warning", "brand_voice.dont": "error"}


def test_no_rules_means_nothing_to_break():
    assert voice("Anything at all.")["score"] == 1.0


def test_ordinary_marketing_words_do_not_break_brand_voice_rules():
    text = "Our authors: Extract facts from this deck. Validate our pricing. Write key messages. Enjoy the freedom."
    result = voice(text, dont=["auth", "free", "tract", "valid", "messag", "act", "pric"])
    assert result["violated"] == [] and result["score"] == 1.0


def test_brand_voice_phrases_match_whole_words_case_insensitively():
    result = voice("EXTRACT FACTS from this deck.", dont=["extract facts"])
    assert result["violated"] == [{"rule": "extract facts", "kind": "dont", "occurrences": 1}]


# --- the agent --------------------------------------------------------------------------------


def test_sub_scores_come_from_the_content_skills_on_a_0_to_1_scale():
    spec = agents.get("quality_checker")
    output = spec.run(ValidatingContext(), spec.example_input)
    details = output["details"]
    assert output["scores"]["readability"] == round(details["readability"]["score"] / 100, 4)
    assert output["scores"]["seo"] == round(details["seo"]["score"] / 100, 4)
    assert output["scores"]["technical"] == round(details["technical"]["score"] / 100, 4)
    assert output["scores"]["engagement"] == details["engagement"]["estimate"]
    assert output["score"] == grade(output["scores"])["score"]


def test_issues_carry_area_severity_and_fix_errors_first():
    spec = agents.get("quality_checker")
    content = "# Title\n\n# Another title\n\nwe sell the the cheap stuff!! [here]()"
    output = spec.run(ValidatingContext(), {"content": content, "type": "social", "brand_voice": {"dont": ["cheap"]}})
    areas = {i["area"] for i in output["issues"]}
    assert {"grammar", "brand_voice", "technical", "seo", "engagement"} <= areas
    order = ["error", "warning", "info"]
    assert [order.index(i["severity"]) for i in output["issues"]] == sorted(
        order.index(i["severity"]) for i in output["issues"]
    )
    assert all(i["fix"] for i in output["issues"])


def test_the_example_run_grades_text_that_keeps_the_default_brand_voice(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "quality_checker", agents.get("quality_checker").example_input)
    assert run.status == "succeeded", run.error_message
    assert run.output["grade"] in ("A+", "A", "B+", "B", "C+", "C", "D", "F")
    assert run.output["scores"]["brand_voice"] == 1.0  # uses "customers"; no synergy, cheap or revolutionary
