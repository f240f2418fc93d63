"""Geography: countries, US states, regions as explicit country lists with their source, each place once."""

from __future__ import annotations

import pytest

from skills.library.geography import EU27, resolve
from tests.agents.conftest import call_skill


def codes(geography) -> list[str]:
    return [p["code"] for p in call_skill("geography.resolve", {"geography": geography})["places"]]


def test_united_states_and_canada_is_two_countries():
    resolved = call_skill("geography.resolve", {"geography": "United States and Canada"})
    assert resolved["places"] == [
        {"code": "US", "name": "United States", "kind": "country"},
        {"code": "CA", "name": "Canada", "kind": "country"},
    ]
    assert resolved["regions"] == [] and resolved["unresolved"] == []


@pytest.mark.parametrize(
    ("geography", "expected"),
    [
        ("US and Canada", ["US", "CA"]),
        ("Bosnia and Herzegovina", ["BA"]),  # "and" inside a country's name does not split it
        ("DACH", ["DE", "AT", "CH"]),
        ("Benelux plus the Nordics", ["BE", "NL", "LU", "DK", "FI", "IS", "NO", "SE"]),
        ("Texas, California", ["US-TX", "US-CA"]),
        (["DE", "AT", "US-CA"], ["DE", "AT", "US-CA"]),
        (["Deutschland"], []),
        ("worldwide", ["WORLD"]),
    ],
)
def test_places_are_resolved(geography, expected):
    assert codes(geography) == expected


def test_a_region_is_its_countries_with_the_list_source():
    resolved = resolve("the EU")
    assert [p["code"] for p in resolved["places"]] == EU27 and len(EU27) == 27
    assert resolved["regions"][0]["name"] == "European Union" and "2020" in resolved["regions"][0]["source"]


def test_each_place_counts_once():
    assert codes("Germany, DACH and Germany again") == ["DE", "AT", "CH"]
    resolved = resolve("California and the United States")
    assert [p["code"] for p in resolved["places"]] == ["US"]
    assert resolved["notes"] == ["California is inside United States, named too: counted once"]


def test_a_name_that_is_a_country_and_a_state_is_read_from_its_context():
    assert codes("Georgia") == ["GE"]
    assert codes("Georgia and Florida") == ["US-GA", "US-FL"]
    assert "no US context" in resolve("Georgia")["notes"][0]


def test_the_pronoun_us_is_not_the_united_states_and_unknown_words_are_reported():
    resolved = resolve("customers who call us in Zürich, Switzerland and on Mars")
    assert [p["code"] for p in resolved["places"]] == ["CH"]
    assert {"us", "zurich", "mars"} <= set(resolved["unresolved"])
