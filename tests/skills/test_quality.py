"""The quality skills one by one: the grade over measured areas, mechanics, brand voice, the gates and claims."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from skills import registry as skills
from skills.library.quality import AREAS
from skills.library.quality_grade import rounded_weights
from tests.agents.conftest import call_skill


def grade(scores: dict, weights: dict | None = None, **extra) -> dict:
    data = {"scores": scores, **({"weights": weights} if weights is not None else {}), **extra}
    return call_skill("quality.grade", data)


def mechanics(text: str) -> dict:
    return call_skill("quality.mechanics", {"content": text, "format": "plain"})


def voice(text: str, do=(), dont=(), guidelines=(), judgement=None) -> dict:
    data = {"content": text, "do": list(do), "dont": list(dont), "guidelines": list(guidelines)}
    return call_skill("quality.brand_voice", {**data, **({"judgement": judgement} if judgement else {})})


# --- grade ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "letter"),
    [(1.0, "A+"), (0.95, "A+"), (0.9499, "A"), (0.90, "A"), (0.8999, "B+"), (0.85, "B+"), (0.8499, "B"), (0.80, "B"),
     (0.7999, "C+"), (0.75, "C+"), (0.7499, "C"), (0.70, "C"), (0.6999, "D"), (0.60, "D"), (0.5999, "F"), (0.0, "F")],
)  # fmt: skip
def test_every_grade_boundary(value, letter):
    result = grade(dict.fromkeys(AREAS, value))
    assert (result["score"], result["grade"]) == (value, letter)


def test_areas_not_measured_are_left_out_of_the_score_and_of_the_weights():
    result = grade({"grammar": 1.0, "readability": None, "seo": 0.5, "claims": 0.0})
    assert result["weights"] == {"grammar": 0.3334, "seo": 0.3333, "claims": 0.3333}
    assert result["score"] == 0.5  # (1 + 0.5 + 0) / 3
    assert result["not_measured"] == ["readability", "brand_voice", "engagement", "technical"]
    assert result["contributions"] == {"grammar": 0.3333, "seo": 0.1667, "claims": 0.0}


def test_nothing_measured_is_an_f_with_no_score():
    result = grade({"grammar": None})
    assert (result["score"], result["grade"], result["weights"]) == (None, "F", {})
    assert result["grade_reason"] == "F because no area could be measured."


def test_custom_weights_are_renormalised_over_the_measured_areas_and_all_zero_means_equal():
    scores = {"grammar": 1.0, "seo": 0.5, "engagement": None}
    assert grade(scores, {"grammar": 0.6, "seo": 0.2, "engagement": 0.2})["weights"] == {"grammar": 0.75, "seo": 0.25}
    assert grade(scores, {"grammar": 0.6, "seo": 0.2})["score"] == 0.875  # 0.75 × 1 + 0.25 × 0.5
    assert grade(scores, {"grammar": 0.0, "seo": 0.0})["weights"] == {"grammar": 0.5, "seo": 0.5}


@pytest.mark.parametrize("count", range(1, len(AREAS) + 1))
def test_rounded_weights_still_sum_to_exactly_one(count):
    weights = dict.fromkeys(AREAS[:count], 1 / count)
    assert sum(round(w * 10_000) for w in rounded_weights(weights).values()) == 10_000


def test_a_failed_gate_is_an_f_whatever_the_score():
    result = grade(dict.fromkeys(AREAS, 1.0), gates=[{"gate": "length", "passed": False}])
    assert (result["score"], result["grade"], result["failed_gates"]) == (1.0, "F", ["length"])
    assert result["grade_reason"] == "F because the text fails the length gate."


def test_the_top_fixes_are_ranked_by_the_grade_and_score_they_would_give():
    scores = {"grammar": 0.9, "seo": 0.5, "claims": 0.6}
    fixes = [
        {"check": "a", "area": "grammar", "severity": "error", "message": "m", "fix": "f", "gain": 0.1},
        {"check": "b", "area": "seo", "severity": "info", "message": "m", "fix": "f", "gain": 0.3},
        {"check": "c", "area": "claims", "severity": "warning", "message": "m", "fix": "f", "gain": 0.2},
        {"check": "d", "area": "claims", "severity": "warning", "message": "m", "fix": "f", "gain": 0.0},
        {"check": "e", "area": "seo", "severity": "warning", "message": "m", "fix": "f", "gain": 0.05},
    ]
    result = grade(scores, fixes=fixes)
    assert result["score"] == 0.6667  # (0.9 + 0.5 + 0.6) / 3
    ranked = [(f["check"], f["gain"], f["score_after"], f["grade_after"]) for f in result["top_fixes"]]
    # each gain is score_after − score as shown, so that the two add up for a reader
    assert ranked == [("b", 0.1, 0.7667, "C+"), ("c", 0.0666, 0.7333, "C"), ("a", 0.0333, 0.7, "C")]


def test_an_unknown_area_weight_is_refused_by_the_schema():
    spec = skills.get("quality.grade")
    assert not Draft202012Validator(spec.input_schema).is_valid({"scores": {}, "weights": {"tone": 0.5}})


# --- mechanics -----------------------------------------------------------------------------------------------------


def test_clean_text_scores_1():
    result = mechanics("We shipped two features. Teams love them. Had had is fine, e.g. this one.")
    assert result["score"] == 1.0 and result["findings"] == []


@pytest.mark.parametrize(
    ("text", "rule", "score"),
    [
        ("We met the the team.", "doubled_word", 0.9),  # error: 1 − 0.1
        ("Pricing (annual plans is live.", "unbalanced_brackets", 0.9),
        ("We shipped. it works.", "lowercase_sentence_start", 0.95),  # warning: 1 − 0.05
        ('He said "hello. Then left.', "unbalanced_quotes", 0.95),
        ("Wow!! Nice.", "repeated_punctuation", 0.95),
        ("We plan and ship " * 10 + "today.", "long_sentence", 0.95),  # 41 words > 40
    ],
)
def test_each_mechanics_rule_with_its_penalty_and_the_exact_gain_of_fixing_it(text, rule, score):
    result = mechanics(text)
    assert (result["counts"][rule], sum(result["counts"].values()), result["score"]) == (1, 1, score)
    (finding,) = result["findings"]
    assert (finding["check"], finding["gain"]) == (f"grammar.{rule}", round(1 - score, 4))


def test_a_text_with_no_words_is_not_graded_on_mechanics():
    assert (mechanics("  ")["measured"], mechanics("...")["score"]) == (False, None)


# --- brand voice ---------------------------------------------------------------------------------------------------


def test_brand_voice_rules_score_obeyed_over_rules():
    result = voice("Our members rig faster. Synergy is overrated.", do=["members", "you"], dont=["synergy", "cheap"])
    assert (result["score"], result["basis"], result["parts"]) == (0.5, "measured", {"rules": 0.5, "guidelines": None})
    assert [(v["rule"], v["kind"]) for v in result["violated"]] == [("you", "do"), ("synergy", "dont")]
    assert {f["check"]: f["gain"] for f in result["findings"]} == {"brand_voice.do": 0.25, "brand_voice.dont": 0.25}


def test_no_rules_and_no_guidelines_is_not_measured_rather_than_perfect():
    result = voice("Anything at all.")
    assert (result["measured"], result["score"]) == (False, None)
    assert voice("Anything at all.", guidelines=["warm"])["reason"].endswith("the guidelines need a model.")


def test_ordinary_marketing_words_do_not_break_brand_voice_rules():
    text = "Our authors: Extract facts from this deck. Validate our pricing. Write key messages. Enjoy the freedom."
    result = voice(text, dont=["auth", "free", "tract", "valid", "messag", "act", "pric"])
    assert result["violated"] == [] and result["score"] == 1.0


def test_a_model_breach_is_kept_only_with_a_quote_from_the_text_and_a_guideline_given():
    judgement = {"score": 0.6, "reasons": ["Two sentences shout."], "breaches": [
        {"guideline": "calm", "quote": "ACT NOW", "fix": "Say when the offer ends."},
        {"guideline": "calm", "quote": "a sentence that is not there", "fix": "x"},
        {"guideline": "witty", "quote": "Our lofts", "fix": "x"},
    ]}  # fmt: skip
    result = voice("Our lofts open in May. ACT NOW.", guidelines=["calm"], judgement=judgement)
    assert (result["score"], result["basis"]) == (0.6, "model judgement")
    assert [(f["message"], f["gain"], f["source"]) for f in result["findings"]] == [
        ("Model judgement: “ACT NOW” breaks 'calm'.", 0.4, "model")
    ]
    assert result["corrections"] == [
        "Dropped a breach: “a sentence that is not there” is not in the text.",
        "Dropped a breach: 'witty' is not one of the guidelines given.",
    ]


# --- gates and claims ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind", "minimum"),
    [("", "blog", 240), ("x", "social", 40), ("Buy now.", "ad_copy", 20), ("Hello.", "email", 80),
     ("Hi.", "newsletter", 240)],
)  # fmt: skip
def test_the_length_gate_is_the_types_short_target_less_a_fifth(content, kind, minimum):
    result = call_skill("quality.substance", {"content": content, "type": kind})
    length = next(g for g in result["gates"] if g["gate"] == "length")
    assert (length["passed"], length["required"]) == (False, minimum)


def test_the_substance_gate_wants_a_plain_statement_and_no_more_claims_than_statements():
    def substance(text: str) -> tuple[bool, dict]:
        result = call_skill("quality.substance", {"content": text, "type": "social", "min_words": 1})
        return result["gates"][1]["passed"], result["sentences"]

    assert substance("Buy now. Click here!") == (False, {"total": 2, "claim": 0, "call_to_action": 2, "statement": 0,
                                                         "fragment": 0})  # fmt: skip
    assert substance("Guaranteed results. The best crew. Our divers work the Solent.")[0] is False  # 2 claims, 1
    assert substance("The best crew. Our divers work the Solent.")[0] is True


def test_a_guarantee_is_an_error_and_each_claim_sentence_is_one_issue():
    text = "Every hull is guaranteed dry. Our crew is the fastest on the coast. We haul boats out in October."
    result = call_skill("quality.claims", {"content": text, "format": "plain"})
    assert [(c["kind"], c["text"], c["severity"]) for c in result["claims"]] == [
        ("guarantee", "guaranteed", "error"),
        ("superlative", "fastest", "warning"),
    ]
    assert (result["score"], [f["gain"] for f in result["findings"]]) == (0.3333, [0.3333, 0.3333])


def test_a_claims_verdict_is_checked_before_it_clears_the_claim():
    text = "Every hull is guaranteed dry. Our crew is the fastest on the coast. We won the 2024 regional haul-out race."
    verdicts = [
        {"claim": 0, "verdict": "supported_in_text", "reason": "r", "quote": "We won the 2024 regional haul-out race"},
        {"claim": 1, "verdict": "supported_in_text", "reason": "The race.", "quote": "We won the 2024 regional"},
        {"claim": 7, "verdict": "misleading", "reason": "r", "quote": ""},
    ]
    result = call_skill("quality.claims", {"content": text, "format": "plain", "verdicts": verdicts})
    assert [c["verdict"] for c in result["claims"]] == ["needs_proof", "supported_in_text"]
    assert result["corrections"] == [
        "Kept 'guaranteed' as needing proof: a guarantee is a promise, and no sentence proves it.",
        "Ignored a verdict on claim 7: there are 2 claims.",
    ]
    assert (result["score"], result["claim_sentences"]) == (0.6667, 1)
