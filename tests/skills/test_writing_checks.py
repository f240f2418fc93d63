"""The checks of the writing agents' revision rounds: the shared ones (skills/library/writing.py), a content draft's
(content.check_draft) and an email's with its A/B pair (email.check_draft)."""

from __future__ import annotations

import pytest

from skills.library.email_check import subject_words
from skills.library.writing import (
    avoid_check,
    claims_check,
    cta_check,
    failed,
    figures_check,
    keywords_check,
    length_check,
)
from tests.agents.conftest import call_skill

STATED = "company: Kilnworth Pottery\noffer: 20% off the first firing\naudience: schools with 3 to 12 kilns"


# --- the shared checks -------------------------------------------------------------------------------------------


def test_claims_need_proof_unless_the_company_stated_the_figure():
    assert claims_check("Your results are guaranteed and we are the #1 studio.", STATED)["actual"] == [
        "guaranteed",
        "#1",
    ]
    # "save 20%" is a result stated as a figure: fine when the offer says 20 %, a claim when nobody did
    assert claims_check("Save 20% on your first firing.", STATED)["passed"] is True
    assert claims_check("Save 35% on your first firing.", STATED)["actual"] == ["35%"]


def test_every_figure_must_be_one_somebody_stated():
    check = figures_check("Schools with 12 kilns fire 400 pots a week. See https://example.com/2024/kilns.", STATED)
    assert (check["passed"], check["actual"]) == (False, ["400"])  # 12 was stated; a number in a URL is no figure
    assert figures_check("Up to 20 % off.", STATED)["passed"] is True


def test_a_call_to_action_is_what_the_shared_detector_finds_and_a_miss_quotes_the_ending():
    assert cta_check("Kilns need care. Book a service visit.")["actual"] == ["Book"]
    missing = cta_check("Kilns need care. We service them every spring.")
    assert missing["message"] == "No call to action, and the text ends with 'We service them every spring.'."


def test_brand_words_to_avoid_match_whole_words_and_no_list_means_no_check():
    assert avoid_check("Our kilns are cheapest in town", ["cheap"])["passed"] is True  # "cheapest" is not "cheap"
    assert avoid_check("A cheap fix.", ["cheap"])["actual"] == ["cheap"]
    assert avoid_check("A cheap fix.", []) is None


@pytest.mark.parametrize(("count", "passed"), [(79, False), (80, True), (120, True), (121, False)])
def test_the_word_count_may_be_within_20_percent_of_the_target(count, passed):
    assert length_check(count, 100, 0.2)["passed"] is passed


def test_every_keyword_must_appear_as_whole_words():
    check = keywords_check("Glaze firing explained. Firing schedules vary.", ["glaze firing", "kiln"])
    assert (check["passed"], check["actual"]) == (False, {"glaze firing": 1, "kiln": 0})
    assert keywords_check("Anything", [" "]) is None


def test_failed_lists_blocking_checks_and_advice_separately():
    checks = [{"id": "a", "passed": False, "blocking": True}, {"id": "b", "passed": False, "blocking": False}]
    assert (failed(checks), failed(checks, blocking=False)) == (["a"], ["b"])


# --- content.check_draft -----------------------------------------------------------------------------------------


def content(text: str, **data) -> dict:
    base = {"text": text, "type": "social", "platform": "generic", "format": "markdown", "stated": STATED}
    return call_skill("content.check_draft", {**base, **data})


def ids(result: dict, *, passing: bool) -> list[str]:
    return [c["id"] for c in result["checks"] if c["passed"] is passing]


def test_on_x_the_character_limit_is_the_length_rule_and_no_word_target_is_checked():
    result = content("Kilns need care. Book a service visit. " * 8, platform="x", format="plain")
    assert result["target_words"] is None and "length.words" not in ids(result, passing=False)
    assert result["failed"] == ["platform.characters"] and result["scores"]["characters"] == 311


def test_a_generic_social_post_has_the_tables_word_target():
    result = content("Kilns need care. Book a service visit.", length="short")
    assert result["target_words"] == 50 and result["failed"] == ["length.words"]


def test_keyword_density_is_checked_for_long_form_from_100_words_only():
    text = "# Kiln care for schools\n\n## Why\n\n" + "Kilns need care every term. " * 24 + "Book a visit."
    blog = content(text, type="blog", keywords=["kilns"], target_words=120)
    density = next(c for c in blog["checks"] if c["id"] == "keywords.density")
    assert (density["passed"], density["actual"]) == (False, {"kilns": 18.75})  # 24 of 128 words: stuffing
    assert "use 'kilns' about 3 times (now 24)" in density["fix"]
    social = content(text, keywords=["kilns"], target_words=120)
    assert "keywords.density" not in [c["id"] for c in social["checks"]]


def test_a_blog_needs_a_title_and_sections_and_the_message_quotes_its_opening():
    result = content("Kilns need care every term. Book a visit.", type="blog", target_words=9)
    title = next(c for c in result["checks"] if c["id"] == "structure.title")
    assert (
        title["message"] == "There is no H1 title, and the text opens with 'Kilns need care every term. Book a visit.'."
    )
    assert {"structure.title", "structure.sections"} <= set(result["failed"])


def test_the_users_own_figures_pass_the_figures_check_but_are_no_source_for_a_claimed_result():
    text = "Our kilns cut firing costs by 40%. Book a visit."
    result = content(text, own_words=text)
    assert "figures" in ids(result, passing=True) and "claims" in result["failed"]
    assert "figures" in content(text)["failed"]  # a model's draft may not bring its own numbers


def test_advice_is_reported_but_never_blocks():
    result = content("Kilns need care every term, and ours get it. Book a visit.", target_words=12)
    assert result["passed"] is True and result["advice"] == ["question"]


# --- email.check_draft and the A/B pair --------------------------------------------------------------------------

BODY = (
    "Hi {{first_name}}, the new term starts soon and your kilns will be busy. We service school kilns and check "
    "the elements, the seals and the controller. A visit takes one morning, and we leave a short report for the "
    "art department. Book a service visit: https://example.com/visit"
)


def email(subject: str, subject_b: str | None = None, **data) -> dict:
    base = {"subject": subject, "body": BODY, "preheader": "One morning, a checked kiln and a report for your staff.",
            "personalisation_fields": ["first_name"], "target_words": 50, "stated": STATED}  # fmt: skip
    return call_skill("email.check_draft", {**base, **({"subject_b": subject_b} if subject_b else {}), **data})


@pytest.mark.parametrize(
    ("subject", "words"),
    [
        ("A: Kiln service before term", ["kiln", "service", "before", "term"]),
        ("[B] Kiln service before term", ["kiln", "service", "before", "term"]),
        ("Variant 2 - Kiln service before term", ["kiln", "service", "before", "term"]),
        ("5-minute kiln check", ["5-minute", "kiln", "check"]),  # a hyphenated word is not a label
        ("Q3: kiln dates", ["q3", "kiln", "dates"]),
    ],
)
def test_a_subjects_words_are_read_without_its_label(subject, words):
    assert subject_words(subject) == words


@pytest.mark.parametrize(
    ("a", "b", "passed"),
    [
        ("A: Kiln service before term", "B: Kiln service before term", False),
        ("Kiln service before term", "Kiln service before term!", False),
        ("Kiln service before term", "Is your kiln ready for term?", True),
    ],
)
def test_two_subjects_must_differ_in_their_words(a, b, passed):
    check = next(c for c in email(a, b)["checks"] if c["id"] == "ab.differ")
    assert check["passed"] is passed


@pytest.mark.parametrize(
    ("a", "b", "passed"),
    [
        ("Kiln service before term", "Book the kiln service your art room needs before term", True),  # 24 and 54
        ("Kiln service for the whole art department", "Book the kiln service your art room needs", False),  # 41, 41
        ("Kiln service, one morning", "Kiln service before the term", False),  # both fit a phone's 40
    ],
)
def test_a_length_test_has_one_subject_within_a_phones_40_characters_and_one_past_them(a, b, passed):
    check = next(c for c in email(a, b, dimension="length")["checks"] if c["id"] == "ab.dimension")
    assert check["passed"] is passed


def test_a_personalisation_test_has_exactly_one_subject_with_a_merge_tag():
    personal = email("Kiln service before term", "{{first_name}}, is your kiln ready?", dimension="personalisation")
    assert next(c for c in personal["checks"] if c["id"] == "ab.dimension")["passed"] is True
    none = email("Kiln service", "Kiln check", dimension="personalisation", personalisation_fields=[])
    check = next(c for c in none["checks"] if c["id"] == "ab.dimension")
    assert (check["passed"], check["message"]) == (False, "A personalisation test needs merge fields, and none were "
                                                          "given.")  # fmt: skip


def test_the_dimension_asked_for_is_the_one_the_pair_must_state():
    result = email("Kiln service before term", "Is your kiln ready?", dimension="length",
                   requested_dimension="personalisation")  # fmt: skip
    assert "ab.requested" in result["failed"]


def test_each_subject_must_stay_in_the_low_spam_band_with_no_subject_rule_fired():
    result = email("Kiln service before term", "Kilns!!")
    # "Kilns!!": 0.2 for "!!" and 0.2 for 7 characters = 0.4 (medium); even a low score fails on a subject rule
    assert result["failed"] == ["spam.subject_b"] and result["scores"]["spam_b"] == 0.4
    short = email("Kiln care", "Is your kiln ready for term?")
    assert short["scores"]["spam_a"] == 0.2 and "spam.subject_a" in short["failed"]  # low band, but too short
