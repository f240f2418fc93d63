"""Evidence analyst: fact extraction, source credibility, contradictions, claim verdicts, and a full run."""

from __future__ import annotations

from datetime import date

import pytest

from agents import registry as agents
from skills.library import evidence
from tests.agents.conftest import call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "evidence.extract_facts"),
    ("skill", "evidence.source_credibility"),
    ("skill", "evidence.find_contradictions"),
    ("skill", "evidence.verify_claims"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("no texts", {"texts": []}, "^texts: \\[\\] should be non-empty"),
    ("empty input", {}, "'texts' is a required property"),
    (
        "published not a date",
        {"texts": [{"published": "March 2024", "text": "x"}]},
        "^texts/0/published: 'March 2024' does not match",
    ),
    ("a source without text", {"texts": [{"url": "a.gov"}]}, "^texts/0: 'text' is a required property"),
]


# --- facts -----------------------------------------------------------------------------------------------


def test_each_fact_type_is_extracted_with_its_base_confidence():
    text = "Revenue hit $2.5M in 2023, up 40%, across 1,200 customers, according to Gartner."
    facts = call_skill("evidence.extract_facts", {"texts": [{"text": text}]})["facts"]
    found = {(f["type"], f["text"], f["value"], f["confidence"]) for f in facts}
    assert found == {
        ("currency", "$2.5M", 2_500_000.0, 0.75),  # 2.5 × 1,000,000
        ("date", "2023", None, 0.6),
        ("percentage", "40%", 40.0, 0.7),
        ("number", "1,200", 1200.0, 0.8),
        ("organisation", "Gartner", None, 0.5),
    }


def test_a_year_is_a_date_only_after_a_time_word_and_units_are_normalised():
    facts = evidence.extract("We had 2000 customers by 2021 and raised 3 million USD from Acme Partners.")
    assert [(f["type"], f["text"], f["value"], f["unit"]) for f in facts] == [
        ("number", "2000", 2000.0, ""),
        ("date", "2021", None, ""),
        ("currency", "3 million USD", 3_000_000.0, "USD"),
        ("organisation", "Acme Partners", None, ""),
    ]


def test_a_figure_is_categorised_by_the_nearest_keyword_and_a_sample_size_is_not():
    facts = evidence.extract("A survey of 400 founders: churn was 5%, and the market grew 12%.")
    assert [(f["text"], f["category"]) for f in facts] == [("400", None), ("5%", "churn"), ("12%", "growth")]


def test_empty_and_huge_numbers_do_not_break_extraction():
    assert evidence.extract("") == []
    facts = evidence.extract("9" * 400 + " trillion and 5%")  # too large for a float: skipped
    assert [f["text"] for f in facts] == ["5%"]


# --- source credibility ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "score"),
    [
        ("https://www.census.gov/data", 0.9),
        ("https://mit.edu/paper", 0.9),
        ("wikipedia.org", 0.9),
        ("https://example.com/post", 0.6),
        ("http://example.net", 0.6),
        ("https://startup.co", 0.6),
        ("https://blog.example.io/x", 0.4),
        ("https://www.gov.uk/stats", 0.9),  # .gov under a country code
        ("https://example.gov.uk/stats", 0.9),
        ("https://www.ox.ac.uk/research", 0.9),  # academic, like .edu
        ("https://www.bbc.co.uk/news", 0.6),  # .co under a country code
        ("https://example.uk", 0.4),
        ("https://DATA.GOV./x", 0.9),  # case and a trailing dot do not matter
        ("", 0.3),
        (None, 0.3),
        ("not a url", 0.3),
        ("http://[::1", 0.3),  # unparseable
    ],
)
def test_authority_by_top_level_domain(url, score):
    assert evidence.authority(url)[0] == score


@pytest.mark.parametrize(
    ("age_days", "score"),
    [(0, 1.0), (365, 1.0), (366, 0.8), (730, 0.8), (731, 0.6), (1095, 0.6), (1825, 0.4), (1826, 0.2), (-30, 1.0)],
)
def test_recency_bands(age_days, score):
    reference = date(2030, 1, 1)
    published = date.fromordinal(reference.toordinal() - age_days)
    assert evidence.recency(published, reference) == (score, max(0, age_days))


def test_recency_without_a_date_is_unknown():
    assert evidence.recency(None, date(2024, 1, 1)) == (0.3, None)
    assert evidence.parse_date("2024-13-45") is None


def test_credibility_arithmetic_and_levels():
    texts = [
        {
            "text": "A survey of 500 teams (n = 500) found churn of 5%.",
            "url": "https://stats.example.gov/churn",
            "published": "2024-01-01",
        },
        {"text": "Churn sits at 5% for most teams.", "published": "2021-10-23"},
    ]
    out = call_skill("evidence.source_credibility", {"texts": texts, "reference_date": "2024-01-01"})
    first, second = out["sources"]
    # .gov 0.9; age 0 → 1.0; one other source states churn 5% → 1 ÷ 2 = 0.5; 2 cues ("survey of", "n = 500") → 1.0
    assert (first["authority"], first["recency"], first["corroboration"], first["methodology"]) == (0.9, 1.0, 0.5, 1.0)
    assert first["credibility"] == 0.87  # 0.3 × 0.9 + 0.2 × 1.0 + 0.2 × 0.5 + 0.3 × 1.0 = 0.27 + 0.2 + 0.1 + 0.3
    assert first["level"] == "high"
    # no URL 0.3; 800 days old → 0.6; corroborated by the first → 0.5; no methodology cue → 0
    assert (second["authority"], second["recency"], second["corroboration"], second["methodology"]) == (
        0.3,
        0.6,
        0.5,
        0,
    )
    assert second["credibility"] == 0.31  # 0.09 + 0.12 + 0.1 + 0
    assert second["level"] == "questionable"
    assert (first["corroborating_sources"], second["corroborating_sources"]) == ([1], [0])


def test_the_reference_date_defaults_to_the_newest_published_date_not_today():
    texts = [{"text": "a", "published": "2020-01-01"}, {"text": "b", "published": "2022-01-01"}]
    out = call_skill("evidence.source_credibility", {"texts": texts})
    assert out["reference_date"] == "2022-01-01"
    assert [s["age_days"] for s in out["sources"]] == [731, 0]  # 2020 was a leap year


@pytest.mark.parametrize(
    ("credibility", "level"),
    [(0.8, "high"), (0.7999, "medium"), (0.6, "medium"), (0.5999, "low"), (0.4, "low"), (0.3999, "questionable")],
)
def test_credibility_levels(credibility, level):
    assert evidence.level(credibility) == level


# --- contradictions ----------------------------------------------------------------------------------------


def _churn(source: int, value: float) -> dict:
    return {"source": source, "type": "percentage", "value": value, "unit": "%", "category": "churn"}


@pytest.mark.parametrize(
    ("a", "b", "severity"),
    [
        (100, 81, None),  # |100 − 81| ÷ 100 = 0.19
        (100, 80, None),  # 0.20 exactly is not "more than 20 %"
        (100, 75, "medium"),  # 0.25
        (100, 70, "medium"),  # 0.30 exactly is not "over 30 %"
        (100, 65, "high"),  # 0.35
        (100, 50, "high"),  # 0.50 exactly is not "over 50 %"
        (100, 40, "critical"),  # 0.60 — divided by the larger value, not the smaller (which would give 1.5)
        (0, 0, None),
    ],
)
def test_contradiction_bands(a, b, severity):
    found = call_skill("evidence.find_contradictions", {"facts": [_churn(0, a), _churn(1, b)]})["contradictions"]
    assert [c["severity"] for c in found] == ([severity] if severity else [])


def test_only_figures_from_different_sources_in_the_same_category_and_unit_are_compared():
    facts = [
        _churn(0, 5),
        _churn(0, 1),  # same source: a time series, not a contradiction
        {**_churn(1, 50), "category": "growth"},  # another category
        {**_churn(2, 50), "type": "number", "unit": ""},  # another type
        _churn(3, 4.5),
    ]
    found = call_skill("evidence.find_contradictions", {"facts": facts})["contradictions"]
    # sources 0 and 3: widest pair is 1 vs 4.5 → 3.5 ÷ 4.5 = 0.7778 → critical
    assert [(c["sources"], c["values"], c["difference"], c["severity"]) for c in found] == [
        ([0, 3], [1, 4.5], 0.7778, "critical")
    ]


# --- claims ------------------------------------------------------------------------------------------------


def _source(credibility: float, value: float | None = 12) -> dict:
    facts = [] if value is None else [{"source": 0, "type": "percentage", "value": value, "unit": "%",
                                       "category": "growth"}]  # fmt: skip
    return {"credibility": credibility, "facts": facts}


@pytest.mark.parametrize(
    ("sources", "verdict"),
    [
        ([_source(0.8)], "verified"),  # mean 0.8 with the figure → verified
        ([_source(0.9), _source(0.7)], "verified"),  # mean (0.9 + 0.7) ÷ 2 = 0.8
        ([_source(0.79)], "partly_verified"),
        ([_source(0.5)], "partly_verified"),
        ([_source(0.49)], "unverified"),
        ([_source(0.95, value=30)], "unverified"),  # 30 % does not match 12 %: no supporting source
        ([], "unverified"),
    ],
)
def test_verdict_thresholds(sources, verdict):
    out = call_skill("evidence.verify_claims", {"claims": [{"text": "Growth is 12% a year."}], "sources": sources})
    assert out["verdicts"][0]["verdict"] == verdict


def test_without_hard_proof_a_credible_source_only_partly_verifies():
    claims = [{"text": "Customers love the product.", "sources": [0]}]
    out = call_skill("evidence.verify_claims", {"claims": claims, "sources": [_source(0.95, value=None)]})
    verdict = out["verdicts"][0]
    assert (verdict["verdict"], verdict["hard_proof"], verdict["mean_credibility"]) == ("partly_verified", False, 0.95)


def test_a_named_source_out_of_range_is_ignored():
    claims = [{"text": "Growth is 12% a year.", "sources": [7]}]
    out = call_skill("evidence.verify_claims", {"claims": claims, "sources": [_source(0.9)]})
    assert out["verdicts"][0]["supporting_sources"] == [0]  # fell back to the sources stating 12 %


# --- end to end ------------------------------------------------------------------------------------------


def test_example_run_golden(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "evidence_analyst", agents.get("evidence_analyst").example_input)
    assert run.status == "succeeded", run.error_message
    conflicts = {c["category"]: (c["difference"], c["severity"]) for c in run.output["contradictions"]}
    # churn 5 % vs 3 %: 2 ÷ 5 = 0.4 → high; market size $5.2B vs $8B: 2.8 ÷ 8 = 0.35 → high; growth 12 vs 12.3 → none
    assert conflicts == {"churn": (0.4, "high"), "market size": (0.35, "high")}
    first, second = run.output["sources"]
    # first: .gov 0.9, 121 days → 1.0, growth 12 % matched by the second → 0.5, 2 cues → 1.0 = 0.87
    assert (first["credibility"], first["level"]) == (0.87, "high")
    # second: .io 0.4, 746 days → 0.6, corroborated → 0.5, "study" → 0.5 = 0.12 + 0.12 + 0.1 + 0.15 = 0.49
    assert (second["credibility"], second["level"]) == (0.49, "low")
    verdicts = [(v["verdict"], v["mean_credibility"]) for v in run.output["verdicts"]]
    # growth 12 %: both sources, mean (0.87 + 0.49) ÷ 2 = 0.68 → partly; churn 3 %: only the second, 0.49 → unverified
    assert verdicts == [("partly_verified", 0.68), ("unverified", 0.49)]
