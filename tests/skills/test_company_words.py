"""The company's own words (skills/library/company_words.py): phrases taken from a foundation, never invented."""

from __future__ import annotations

import pytest

from skills.library import company_words as words


@pytest.mark.parametrize(
    ("audience", "names", "roles", "geography", "need"),
    [
        ("Founders and finance leads at small businesses and agencies in Portugal who want fewer surprises.",
         ["small businesses", "agencies"], ("Founders", "finance leads"), "Portugal", "want fewer surprises"),
        ("Salvage masters, harbour authorities, and marine insurers", ["Salvage masters", "harbour authorities",
         "marine insurers"], (), "", ""),
        ("Adults relocating abroad who need to learn the local language quickly", ["Adults relocating abroad"], (),
         "", "need to learn the local language quickly"),
        # a lone adjective joins the next item: "small and mid-sized clinics" is one group
        ("small and mid-sized clinics; UK and Irish insurers", ["small and mid-sized clinics", "UK and Irish insurers"],
         (), "", ""),
        ("Vets across the United Kingdom", ["Vets"], (), "the United Kingdom", ""),
        # "in" before a lower-case word is not a place
        ("Buyers in charge of fleets", ["Buyers in charge of fleets"], (), "", ""),
        ("", [], (), "", ""),
    ],
)  # fmt: skip
def test_audience_segments_are_the_groups_the_text_names(audience, names, roles, geography, need):
    segments = words.audience_segments(audience)
    assert [s.name for s in segments] == names
    assert all((s.roles, s.geography, s.need) == (roles, geography, need) for s in segments)


def test_segments_are_named_once_and_capped():
    text = ", ".join(f"Groups{i}" for i in range(20)) + ". Groups1 and groups2."
    segments = words.audience_segments(text)
    assert len(segments) == words.MAX_SEGMENTS
    assert len({s.name.casefold() for s in segments}) == len(segments)


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Cash-flow forecasting for small businesses tired of manual spreadsheets.", ["tired of manual spreadsheets"]),
        ("Teams waste hours on reconciliations, instead of selling.",
         ["waste hours on reconciliations", "instead of selling"]),
        ("Clinics lose patients when reminders are missed.", ["lose patients when reminders are missed"]),
        ("We sell bread.", []),
        ("Lose", []),  # a cue alone names no problem
    ],
)  # fmt: skip
def test_problem_phrases_run_from_the_cue_to_the_end_of_the_clause(text, phrases):
    assert words.problem_phrases(text) == phrases


@pytest.mark.parametrize(
    ("product", "category"),
    [
        ("A forecasting app that connects to your bank.", "forecasting app"),
        ("An on-call repair service with two vans.", "on-call repair service"),
        ("The stock counter for grocers.", "stock counter"),
        ("Equipment rental and inspections", ""),  # no article: no noun phrase taken
        ("", ""),
    ],
)
def test_the_category_is_the_noun_phrase_a_product_sentence_opens_with(product, category):
    assert words.category_phrase(product) == category


def test_the_benefit_is_the_sentence_that_starts_with_the_name():
    text = "We are a team of six. Acme helps grocers count stock. Acme also sells scanners."
    assert words.benefit_phrase(text, "Acme") == "helps grocers count stock"
    assert words.benefit_phrase(text, "Other") == ""
    assert words.benefit_phrase(text, "  ") == ""


@pytest.mark.parametrize(
    ("noun", "article"),
    [("app", "an"), ("booking app", "a"), ("hour", "an"), ("user tool", "a"), ("SEO tool", "an"), ("UX kit", "a"),
     ("one-off", "a")],
)  # fmt: skip
def test_article(noun, article):
    assert words.article(noun) == article


def test_phrases_are_compared_as_whole_words_ignoring_case_and_spacing():
    assert words.occurs_in("Small  Businesses.", "for small businesses and agencies")
    assert not words.occurs_in("small business", "for small businesses")
    assert not words.occurs_in("", "anything")


def test_long_text_is_read_only_up_to_the_cap():
    text = "Florists in Leeds. " + "x " * 100_000
    assert [s.name for s in words.audience_segments(text)] == ["Florists"]
    assert len(words.sentences(text)) <= words.MAX_SENTENCES
