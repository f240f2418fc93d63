"""The shared detectors of claims and calls to action, on ordinary marketing language as well as on hype."""

from __future__ import annotations

import pytest

from skills.library.claims import find_calls_to_action, find_claims


def kinds(text: str) -> list[tuple[str, str]]:
    return [(found.kind, found.text) for found in find_claims(text)]


def test_hype_is_found_with_its_kind_and_words():
    text = "Double your revenue, guaranteed. We are the #1 tool and results come overnight."
    assert kinds(text) == [
        ("unverified_figure", "Double"),
        ("guarantee", "guaranteed"),
        ("superlative", "#1"),
        ("absolute", "overnight"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Follow these best practices when you plan a launch.",
        "Best wishes, Ruth. Best regards from the whole team.",
        "Slow onboarding is leading to churn in month two.",
        "Our authors explain how the forecast works.",
        "We grew from 12 to 40 customers last year, according to our billing data.",
        "Revenue grew 40 % in 2024 [1].",
        "Extract facts from the interview notes and validate them.",
    ],
)
def test_ordinary_language_is_not_a_claim(text):
    assert find_claims(text) == []


def test_a_figure_is_unverified_only_when_it_claims_a_result_without_a_source():
    assert kinds("Teams save 40% of their reporting time.") == [("unverified_figure", "40%")]
    assert kinds("Teams save 40% of their reporting time, according to our 2024 survey.") == []
    assert kinds("The plan costs $49 a month.") == []  # a price, not a claimed result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Click here now!!!", ["Click here"]),
        ("Forecasts you can trust. Book a demo today.", ["Book a demo"]),
        ("Want numbers you can trust? Start your free trial.", ["Start your free trial"]),
        ("Read the guide — learn more at acme.io", ["learn more"]),
        ("Sign up: it takes two minutes.", ["Sign up"]),
    ],
)
def test_calls_to_action_are_found(text, expected):
    assert [found.text for found in find_calls_to_action(text)] == expected


@pytest.mark.parametrize(
    "text",
    ["We were trying new channels.", "Their signature dish sold out.", "Start with the data you already have."],
)
def test_ordinary_sentences_are_not_calls_to_action(text):
    assert find_calls_to_action(text) == []
