"""Content creator: word targets, read time, readability, keyword density, SEO, engagement, platform limits, a run."""

from __future__ import annotations

import pytest
import textstat

from agents import registry as agents
from tests.agents.conftest import ValidatingContext, call_skill, run_agent

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [
    ("skill", "content.draft"),
    ("llm", "content.draft"),
    ("skill", "content.render"),
    ("skill", "content.text_stats"),
    ("skill", "content.readability"),
    ("skill", "content.seo_score"),
    ("skill", "content.technical"),
    ("skill", "content.engagement"),
    ("skill", "content.platform_check"),
]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [("unknown content type", {"topic": "x", "type": "podcast"}, "^type: 'podcast' is not one of")]


def filler(n: int, word: str = "word") -> list[str]:
    return [word] * n


# --- word targets and drafting ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "targets"),
    [
        ("blog", (300, 800, 1500)),
        ("social", (50, 150, 280)),
        ("email", (100, 200, 400)),
        ("ad_copy", (25, 50, 90)),
        ("newsletter", (300, 600, 1000)),
    ],
)
def test_word_targets_follow_the_domain_table(kind, targets, skill_ctx):
    for length, target in zip(("short", "medium", "long"), targets, strict=True):
        draft = call_skill("content.draft", {"type": kind, "topic": "Pricing pages", "length": length}, skill_ctx)
        assert draft["target_words"] == target


def test_a_blog_draft_gets_the_topic_as_its_title_and_a_social_post_does_not(skill_ctx):
    blog = call_skill("content.draft", {"type": "blog", "topic": "Cut churn with onboarding"}, skill_ctx)
    social = call_skill("content.draft", {"type": "social", "topic": "Cut churn with onboarding"}, skill_ctx)
    assert blog["text"].startswith("# Cut churn with onboarding\n\n[offline model]")
    assert social["text"].startswith("[offline model]")


# --- text statistics and read time ------------------------------------------------------------


def test_read_time_is_a_range_at_250_to_200_wpm_and_225_wpm_as_the_single_figure():
    stats = call_skill("content.text_stats", {"content": " ".join(filler(450)), "format": "plain"})
    assert stats["word_count"] == 450
    read = stats["read_time"]
    # 450 / 225 = 2.0 min; 450 / 250 = 1.8 min (fast); 450 / 200 = 2.25 min (slow) → shown as 2–3 min
    assert (read["minutes"], read["minutes_low"], read["minutes_high"]) == (2.0, 1.8, 2.25)
    assert read["label"] == "2–3 min read"


def test_markup_is_not_counted_as_words():
    text = "# Launch notes\n\n[Read the guide](https://example.com/a-very-long-path-with-many-parts) **now**."
    # "Launch notes" (2) + "Read the guide" (3) + "now" (1); the URL and the markers are not words
    assert call_skill("content.text_stats", {"content": text})["word_count"] == 6


def test_empty_text_has_zero_everything():
    stats = call_skill("content.text_stats", {"content": ""})
    assert (stats["word_count"], stats["sentence_count"], stats["read_time"]["minutes"]) == (0, 0, 0)
    assert stats["read_time"]["label"] == "0 min read"


# --- readability ------------------------------------------------------------------------------


def test_readability_uses_textstat_and_scores_against_a_target_of_60():
    text = "Our platform consolidates customer feedback, prioritises requests and informs roadmap decisions."
    result = call_skill("content.readability", {"content": text, "format": "plain"})
    ease = textstat.flesch_reading_ease(text)
    assert result["flesch_reading_ease"] == round(max(0, min(100, ease)), 2)
    assert result["flesch_kincaid_grade"] == round(max(0, textstat.flesch_kincaid_grade(text)), 2)
    # score = min(1, ease / 60) × 100
    assert result["score"] == round(min(1, max(0, ease) / 60) * 100, 2)
    assert result["findings"][0]["check"] == "readability"


def test_easy_text_scores_100_and_a_higher_target_lowers_the_score():
    text = "We ship fast. You get more done. Try it today."
    assert call_skill("content.readability", {"content": text})["score"] == 100.0
    ease = call_skill("content.readability", {"content": text})["flesch_reading_ease"]
    strict = call_skill("content.readability", {"content": text, "target_reading_ease": 100})
    assert strict["score"] == round(ease, 2)  # ease / 100 × 100


def test_readability_of_no_text_is_null_not_a_formula_artefact():
    result = call_skill("content.readability", {"content": "  ### \n\n"})
    assert (result["flesch_reading_ease"], result["flesch_kincaid_grade"], result["score"]) == (None, None, 0.0)


# --- keyword density --------------------------------------------------------------------------


def density(keyword_times: int, total: int = 200, keywords=("churn",)) -> dict:
    text = " ".join(filler(keyword_times, "churn") + filler(total - keyword_times))
    return call_skill("content.keyword_density", {"content": text, "keywords": list(keywords), "format": "plain"})


def test_keyword_density_at_the_target_scores_100():
    row = density(5)["keywords"][0]
    # 5 / 200 words = 2.5 % → 100 − |2.5 − 2.5| × 20 = 100
    assert (row["occurrences"], row["density"], row["score"]) == (5, 2.5, 100.0)


def test_keyword_density_of_5_percent_scores_50():
    row = density(10)["keywords"][0]
    # 10 / 200 = 5 % → 100 − |5 − 2.5| × 20 = 50
    assert (row["density"], row["score"]) == (5.0, 50.0)


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        (0, 50.0),  # 0 % → 100 − 2.5 × 20 = 50
        (3, 80.0),  # 1.5 % → 100 − 1 × 20 = 80
        (7, 80.0),  # 3.5 % → 100 − 1 × 20 = 80
        (15, 0.0),  # 7.5 % → 100 − 5 × 20 = 0
        (20, 0.0),  # 10 % → 100 − 7.5 × 20 = −50 → floored at 0
    ],
)
def test_keyword_score_falls_20_points_per_percentage_point_off_target(times, expected):
    assert density(times)["keywords"][0]["score"] == expected


def test_keywords_match_whole_words_only_and_several_keywords_are_averaged():
    text = "Churned users and churning teams. Churn matters. " + " ".join(filler(93))
    result = call_skill(
        "content.keyword_density", {"content": text, "keywords": ["churn", "retention"], "format": "plain"}
    )
    churn, retention = result["keywords"]
    # 100 words; only "Churn" counts, not "Churned" or "churning": 1 % → 100 − 1.5 × 20 = 70
    assert (churn["occurrences"], churn["density"], churn["score"]) == (1, 1.0, 70.0)
    assert retention["score"] == 50.0  # 0 % → 50
    assert result["score"] == 60.0  # (70 + 50) / 2


def test_no_keywords_scores_zero_with_a_finding_to_add_some():
    result = call_skill("content.keyword_density", {"content": "Some text here.", "keywords": []})
    assert result["score"] == 0.0
    assert result["findings"][0]["check"] == "seo.keywords"


# --- SEO --------------------------------------------------------------------------------------


def seo_page() -> str:
    """Title of 6 words (36 characters) + one paragraph of 194 short words; "churn" 5 times in 200 words."""
    paragraph = "Churn hurts. " * 4 + "We fix it fast. " * 46 + "Call us."
    return "# Churn checklist for small SaaS teams\n\n" + paragraph


def test_seo_score_worked_example():
    result = call_skill("content.seo_score", {"content": seo_page(), "keywords": ["churn"]})
    parts = result["parts"]
    # structure: H1 20 + mean paragraph 194 words (50–200) 20 = 40 of 65 → 61.54
    assert result["structure"]["points"] == 40 and parts["structure"] == 61.54
    assert result["structure"]["mean_paragraph_words"] == 194
    # keywords: 5 / 200 = 2.5 % → 100; very easy text → readability 100; no broken markup → technical 100
    assert (parts["keywords"], parts["readability"], parts["technical"]) == (100.0, 100.0, 100.0)
    # on-page: title 36 chars ✓, keyword in title ✓, keyword in first paragraph ✓, no link ✗
    assert [parts[k] for k in ("title_length", "keyword_in_title", "keyword_in_introduction", "has_link")] == [
        100.0,
        100.0,
        100.0,
        0.0,
    ]
    # 0.15 × 61.538 + 0.25 × 100 + 0.20 × 100 + 0.20 × 100 + 3 × 0.05 × 100 + 0.05 × 0 = 89.23
    assert result["score"] == 89.23


def test_full_structure_scores_100_on_the_65_point_scale():
    para = " ".join(filler(60))
    text = f"# Title\n\n{para}\n\n## Section\n\n{para}\n\n### Detail\n\n{para}"
    result = call_skill("content.seo_score", {"content": text, "keywords": ["word"]})
    # H1 20 + H2 15 + H3 10 + mean paragraph 60 words 20 = 65 of 65 → 100
    assert result["structure"]["points"] == 65 and result["parts"]["structure"] == 100.0


def test_seo_reads_html_headings_and_links():
    text = "<h1>Churn checklist for small SaaS teams</h1><p>Read <a href='https://example.com'>our guide</a>.</p>"
    result = call_skill("content.seo_score", {"content": text, "format": "html", "keywords": ["churn"]})
    assert result["structure"]["h1"] is True
    assert result["on_page"]["has_link"] is True


# --- technical --------------------------------------------------------------------------------


def test_technical_checks_find_each_problem():
    text = (
        "# One\n\n# Two\n\n### Skipped a level\n\n## \n\n"
        "[no target]() and [](https://example.com) and [bad](javascript:alert(1))\n\n![](chart.png)\n\n```\ncode"
    )
    result = call_skill("content.technical", {"content": text})
    failed = {c["check"] for c in result["checks"] if not c["passed"]}
    assert failed == {"links_valid", "headings_not_empty", "single_h1", "heading_order", "images_have_alt", "markup"}
    assert result["score"] == 0.0


def test_clean_markup_passes_and_one_failure_costs_a_sixth():
    assert (
        call_skill("content.technical", {"content": "# Title\n\n## Part\n\nSee [the docs](/docs)."})["score"] == 100.0
    )
    # 5 of 6 checks pass → 83.33
    assert call_skill("content.technical", {"content": "# Title\n\n![](x.png)"})["score"] == 83.33


def test_html_paragraphs_may_stay_open_but_other_tags_may_not():
    assert call_skill("content.technical", {"content": "<p>One<p>Two", "format": "html"})["score"] == 100.0
    result = call_skill("content.technical", {"content": "<div><strong>Two</div>", "format": "html"})
    assert [c["detail"] for c in result["checks"] if c["check"] == "markup"] == ["<strong> is not closed"]


# --- engagement -------------------------------------------------------------------------------


def test_engagement_worked_example():
    text = " ".join(filler(148)) + " Sign up."
    result = call_skill("content.engagement", {"content": text, "type": "blog", "length": "short", "tone": "friendly"})
    # 150 words vs target 300 → fit = 1 − 150/300 = 0.5 → 0.2 × 0.5 = 0.1
    # 0.5 + 0.1 + 0.2 (friendly) + 0.1 ("sign up") + 0 (no question) = 0.9
    assert result["length_fit"] == 0.5
    assert result["parts"] == {"base": 0.5, "length": 0.1, "tone": 0.2, "call_to_action": 0.1, "question": 0.0}
    assert result["estimate"] == 0.9


def test_engagement_is_capped_at_1():
    text = " ".join(filler(290)) + " Want fewer churned users? Book a demo today."
    result = call_skill(
        "content.engagement", {"content": text, "type": "blog", "length": "short", "tone": "conversational"}
    )
    # 298 words → fit 1 − 2/300 = 0.9933; 0.5 + 0.1987 + 0.2 + 0.1 + 0.1 = 1.0987 → capped at 1
    assert result["estimate"] == 1.0


def test_engagement_floor_and_what_does_not_count():
    text = "Visit https://example.com/?utm_source=news for details"
    result = call_skill("content.engagement", {"content": text, "type": "ad_copy", "tone": "formal"})
    # 4 words (the URL is one) vs ad copy medium 50 → fit = 1 − 46/50 = 0.08 → 0.5 + 0.2 × 0.08 = 0.516;
    # the "?" of "?utm" is not a question
    assert (result["word_count"], result["length_fit"], result["estimate"]) == (4, 0.08, 0.516)
    assert result["has_question"] is False
    assert result["engaging_tone"] is None and result["calls_to_action"] == []


def test_twice_the_target_has_no_length_fit():
    result = call_skill("content.engagement", {"content": " ".join(filler(100)), "type": "ad_copy"})
    assert result["length_fit"] == 0.0  # 1 − |100 − 50| / 50 = 0


# --- platform limits --------------------------------------------------------------------------


def platform(content: str, name: str, fmt: str = "plain") -> dict:
    return call_skill("content.platform_check", {"content": content, "platform": name, "format": fmt})


def test_a_linkedin_post_of_1301_characters_fails_and_1300_passes():
    assert platform("a" * 1300, "linkedin")["passed"] is True
    result = platform("a" * 1301, "linkedin")
    assert result["passed"] is False
    assert result["checks"][0] == {"check": "characters", "passed": False, "actual": 1301, "limit": 1300}
    assert result["findings"][0]["check"] == "platform.characters"


def test_linkedin_allows_3_hashtags_not_4():
    assert platform("Launch day #saas #growth #b2b", "linkedin")["passed"] is True
    result = platform("Launch day #saas #growth #b2b #startups", "linkedin")
    assert (result["passed"], result["hashtag_count"]) == (False, 4)


def test_x_allows_280_characters_and_2_hashtags():
    assert platform("x" * 280, "x")["passed"] is True
    assert platform("x" * 281, "x")["passed"] is False
    assert platform("New #saas #pricing", "x")["passed"] is True
    assert platform("New #saas #pricing #b2b", "x")["passed"] is False


def test_headings_and_html_entities_are_not_hashtags():
    assert platform("# Title\n\nIt&#39;s here #launch", "x", "markdown")["hashtag_count"] == 1


def test_email_must_be_html():
    assert platform("Hello there", "email", "markdown")["passed"] is False
    assert platform("<p>Hello there</p>", "email", "html")["passed"] is True


def test_generic_platforms_have_no_limits():
    result = platform("x" * 5000 + " #a #b #c #d #e", "generic")
    assert result["passed"] is True and result["checks"] == []


# --- rendering --------------------------------------------------------------------------------


def test_render_to_html_escapes_text_and_drops_unsafe_links():
    text = "# Hi <script>\n\n**Bold** and [safe](https://example.com) and [bad](javascript:alert(1))\n\n- one\n- two"
    html = call_skill("content.render", {"text": text, "format": "html"})["content"]
    assert "<h1>Hi &lt;script&gt;</h1>" in html
    assert '<strong>Bold</strong> and <a href="https://example.com">safe</a> and bad' in html
    assert "<ul><li>one</li><li>two</li></ul>" in html
    assert "javascript" not in html


def test_a_closing_run_of_hashes_goes_but_a_trailing_hash_in_a_word_stays():
    html = call_skill("content.render", {"text": "## Learn C# ##\n\nWe love C#", "format": "html"})["content"]
    assert html == "<h2>Learn C#</h2>\n<p>We love C#</p>"


def test_render_to_plain_strips_markup():
    text = "# Title\n\nRead [the guide](https://example.com) **today**.\n\n* item"
    assert call_skill("content.render", {"text": text, "format": "plain"})["content"] == (
        "Title\n\nRead the guide today.\n\n- item"
    )


# --- the agent --------------------------------------------------------------------------------


def test_an_email_defaults_to_the_email_platform_and_html():
    spec = agents.get("content_creator")
    output = spec.run(ValidatingContext(), {"type": "email", "topic": "Our new pricing"})
    assert (output["platform"], output["format"]) == ("email", "html")
    assert output["content"].startswith("<p>") and output["platform_checks"]["passed"] is True


def test_suggestions_come_from_the_failed_checks_errors_first():
    spec = agents.get("content_creator")
    output = spec.run(ValidatingContext(), {"type": "social", "topic": "Launch", "platform": "x"})
    checks = [s["check"] for s in output["suggestions"]]
    assert "platform.characters" in checks  # the offline draft is longer than 280 characters
    assert output["suggestions"][0]["severity"] == "error"
    assert "call_to_action" in checks  # the offline draft has none


def test_the_example_run_scores_the_text_it_wrote(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "content_creator", agents.get("content_creator").example_input)
    assert run.status == "succeeded", run.error_message
    # the scores describe the text actually written: every measure counted the same words
    output = run.output
    assert output["word_count"] == output["engagement"]["word_count"] > 0
    assert output["content"].startswith("# How onboarding emails cut churn for B2B SaaS")
