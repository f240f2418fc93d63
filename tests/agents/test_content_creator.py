"""Content creator: the measuring skills (word targets, read time, readability, keyword density, SEO, technical,
engagement, platform limits, rendering), and the agent's write → measure → revise rounds: offline, on a test
context whose model answers from scripts, in-process on the scripted provider, and on a real worker."""

from __future__ import annotations

import inspect
import json
from decimal import Decimal

import pytest
import textstat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.models import Agent
from agents.runs.errors import RunAborted
from agents.runs.services import run_create
from agents.services import agentversion_create_draft, agentversion_publish
from agents.specialists import content_creator, content_plan, email_specialist, writing_rounds
from raptorflow.llm.models import Provider
from skills.library import (
    content,
    content_check,
    content_engagement,
    content_seo,
    content_text,
    email,
    email_check,
    writing,
)
from skills.library.content import target_words
from tests.agents.conftest import ValidatingContext, call_skill, run_agent
from tests.agents.writing_helpers import (
    BRASSMOOR,
    COMPANIES,
    FELLSIDE,
    GOLDEN_WORDS,
    SALTMARSH,
    WritingContext,
    answer_through_api,
    execute,
    numbers,
    publish_scripted,
    rounds_in_events,
    sentences,
    steps,
    untraced,
    written,
)
from tests.conftest import Asked
from tests.fixtures.processes import wait_for

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it): offline, the
# user's draft is measured, then the model is asked for a plan and cannot give one (nothing is drafted).
TRACE = [("skill", "content.check_draft"), ("llm", "content.plan")]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("unknown content type", {"topic": "x", "type": "podcast"}, "^type: 'podcast' is not one of"),
    ("too many rounds", {"topic": "x", "type": "blog", "max_rounds": 6}, "^max_rounds: 6 is greater than the maximum"),
    ("empty draft", {"topic": "x", "type": "blog", "draft": ""}, "^draft: '' should be non-empty"),
]


def filler(n: int, word: str = "word") -> list[str]:
    return [word] * n


# --- word targets -----------------------------------------------------------------------------------------------


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
def test_word_targets_follow_the_domain_table(kind, targets):
    assert tuple(target_words(kind, length) for length in ("short", "medium", "long")) == targets


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
    text = " ".join(filler(148)) + ". Sign up."  # a call to action opens its sentence (claims.find_calls_to_action)
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
    text = "Details are at https://example.com/?utm_source=news today"
    result = call_skill("content.engagement", {"content": text, "type": "ad_copy", "tone": "formal"})
    # 5 words (the URL is one) vs ad copy medium 50 → fit = 1 − 45/50 = 0.1 → 0.5 + 0.2 × 0.1 = 0.52;
    # the "?" of "?utm" is not a question
    assert (result["word_count"], result["length_fit"], result["estimate"]) == (5, 0.1, 0.52)
    assert result["has_question"] is False
    assert result["engaging_tone"] is None and result["calls_to_action"] == []


def test_engagement_finds_calls_to_action_with_the_shared_detector():
    # The old phrase list missed "Click here" and an opening "Visit"; claims.find_calls_to_action finds both.
    for text, found in (("Click here now!!!", ["Click here"]), ("Visit our workshop in May.", ["Visit"])):
        result = call_skill("content.engagement", {"content": text, "type": "ad_copy"})
        assert (result["calls_to_action"], result["parts"]["call_to_action"]) == (found, 0.1)


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


# --- the agent: texts the tests' model writes ----------------------------------------------------------------

X_INPUT = {"type": "social", "platform": "x", "topic": "Spinning your own herd's fleece into yarn",
           "keywords": ["alpaca yarn"], "foundation": FELLSIDE}  # fmt: skip
X_PLAN = {
    "angle": "A small herd's fleece can come back as the farm's own yarn instead of sitting in a shed.",
    "key_message": "Each farm gets its own yarn back.",
    "title": None,
    "sections": [],
    "company_facts": ["in batches of 12 kilos", "returns each farm its own yarn"],
    "call_to_action": "Book a spinning slot for this spring",
    "hashtags": [],
}
# 292 characters, no "alpaca yarn", and "Send us a bag" is no call to action the shared detector knows.
X_TOO_LONG = (
    "Your herd grows a fleece every spring. Most of it ends up in a shed, because big mills want tonnes, not bags. "
    "We spin it in batches of 12 kilos at our mill in the fells, and every farm gets back its own yarn, from its "
    "own animals, with the farm's name on the label. Send us a bag this spring."
)
X_REVISED = (
    "Your herd's fleece can come back as your own alpaca yarn. We spin batches of 12 kilos, and each farm gets "
    "its own yarn back. Book a spinning slot for this spring."
)
X_NO_KEYWORD = X_REVISED.replace("your own alpaca yarn", "your own yarn")

BLOG_INPUT = {"type": "blog", "topic": "When a church bell needs restoring", "keywords": ["bell restoration"],
              "target_words": 120}  # fmt: skip
BLOG_PLAN = {
    "angle": "Tower bells wear slowly, and restoring them is planned work.",
    "key_message": "A bell that drifts out of tune can be retuned and rehung.",
    "title": "Bell restoration for parish towers",
    "sections": ["What we do", "Keep them ringing"],
    "company_facts": ["retunes old ones", "a yearly care contract"],
    "call_to_action": "Book a tower visit",
    "hashtags": [],
}
BLOG = """# Bell restoration for parish towers

Your tower bells ring for weddings, funerals and Sunday service. Over the years the fittings wear, and a bell can \
drift out of tune. Bell restoration puts that right.

## What we do

Brassmoor retunes old bells and casts new ones when a bell cannot be saved. We take the bell down, check the \
metal, and tune it to sit with the rest of the ring. Then we hang it again.

## Keep them ringing

A yearly care contract means we visit each year and fix small faults early. Bell restoration is slow work, so plan \
it a season ahead.

Book a tower visit with our team this spring."""

LINKEDIN_INPUT = {"type": "social", "platform": "linkedin", "topic": "Winter sail repair", "keywords": ["sail repair"]}
LINKEDIN_PLAN = {
    "angle": "The winter lay-up is the time to mend sails.",
    "key_message": "Repair now, rig a sound sail in spring.",
    "title": None,
    "sections": [],
    "company_facts": ["repairs old canvas over the winter lay-up"],
    "call_to_action": "Book a winter sail repair slot today",
    "hashtags": ["#classicboats"],
}
LINKEDIN = (
    "Winter is when old canvas gets a second life. Over the lay-up we take in tired sails from classic wooden boats, "
    "patch the worn panels and restitch the seams by hand. A sail repair now means you rig a sound sail in spring, "
    "not a torn one. Book a winter sail repair slot today."
)


def model_rounds(output: dict) -> list[tuple[int, list[str]]]:
    return [(r["round"], r["failed"]) for r in output["rounds"]]


# --- the agent: write, measure, revise --------------------------------------------------------------------------


def test_a_post_over_the_x_limit_without_its_keyword_is_revised_until_both_pass():
    ctx = WritingContext(json=[X_PLAN], texts=[X_TOO_LONG, X_REVISED])
    output = content_creator.run(ctx, X_INPUT)
    first, second = output["rounds"]
    assert first["failed"] == ["platform.characters", "keywords.used", "call_to_action"]
    assert first["scores"]["characters"] == 292 and first["scores"]["words"] == 61
    assert (second["failed"], second["fixed"], second["new"]) == ([], first["failed"], [])
    assert (output["stopped"], output["final_round"], output["written_by"]) == ("passed", 2, "model")
    assert output["content"] == X_REVISED and output["character_count"] == 162
    assert [s["check"] for s in output["suggestions"]] == ["question"]  # advice: not revised for
    # The revision prompt sent back exactly what failed, with the measured numbers, and the draft itself.
    purpose, prompt = ctx.prompts[-1]
    assert purpose == "content.revise"
    assert "- platform.characters: 292 characters on x, whose limit is 280. Fix: Cut the characters by 12." in prompt
    assert "- keywords.used: The text never uses 'alpaca yarn'" in prompt and X_TOO_LONG in prompt
    # Each round is one check step and one progress event a follower sees.
    assert ctx.skills == ["content.check_draft", "content.check_draft"]
    reported = [data for _, data in ctx.events if "round" in data]
    assert [(e["round"], e["failed"], e["fixed"]) for e in reported] == [
        (1, first["failed"], []), (2, [], first["failed"])
    ]  # fmt: skip


def test_the_draft_prompt_states_every_rule_the_checks_measure():
    ctx = WritingContext(json=[X_PLAN], texts=[X_REVISED])
    content_creator.run(ctx, X_INPUT)
    prompt = dict(ctx.prompts)["content.draft"]
    for rule in (
        "At most 280 characters in all", "At most 2 hashtags.", "'alpaca yarn'", "Flesch reading ease 60 or more",
        "no figure except these stated ones: 12, 5, 60.", "Never use: luxury.", "Call to action: Book a spinning slot",
    ):  # fmt: skip
        assert rule in prompt, rule
    assert "Fellside spins alpaca fleece from small farms" in prompt  # the company's own words


def test_the_round_limit_stops_the_rounds_and_the_output_says_what_still_fails():
    ctx = WritingContext(json=[X_PLAN], texts=[X_TOO_LONG, X_TOO_LONG])
    output = content_creator.run(ctx, {**X_INPUT, "max_rounds": 2})
    assert (output["stopped"], output["final_round"]) == ("round_limit", 2)  # a tie goes to the later round
    assert [r["failed"] for r in output["rounds"]] == [output["rounds"][0]["failed"]] * 2
    assert [s["check"] for s in output["suggestions"][:3]] == ["platform.characters", "keywords.used",
                                                               "call_to_action"]  # fmt: skip
    assert "2 drafts were written and the last still fails a check" in output["summary"]


def test_a_revision_that_makes_things_worse_does_not_replace_the_better_draft():
    ctx = WritingContext(json=[X_PLAN], texts=[X_NO_KEYWORD, X_TOO_LONG])
    output = content_creator.run(ctx, {**X_INPUT, "max_rounds": 2})
    assert model_rounds(output) == [(1, ["keywords.used"]),
                                    (2, ["platform.characters", "keywords.used", "call_to_action"])]  # fmt: skip
    assert output["rounds"][1]["new"] == ["platform.characters", "call_to_action"]
    assert (output["final_round"], output["content"]) == (1, X_NO_KEYWORD)


def test_when_the_budget_refuses_a_revision_the_best_draft_so_far_is_returned_with_the_reason():
    ctx = WritingContext(json=[X_PLAN], texts=[X_TOO_LONG], refuse_at=3)  # plan, draft, then the revision
    output = content_creator.run(ctx, X_INPUT)
    assert (output["stopped"], output["final_round"], output["content"]) == ("budget_exceeded", 1, X_TOO_LONG)
    assert output["stopped_reason"].startswith("The next call could cost up to $0.1250")
    assert "The rounds stopped (budget exceeded)" in output["summary"]


def test_when_the_budget_refuses_the_first_call_there_is_no_draft_and_the_run_ends_over_budget():
    with pytest.raises(RunAborted) as refused:
        content_creator.run(WritingContext(json=[X_PLAN], refuse_at=1), X_INPUT)
    assert refused.value.status == "budget_exceeded"


def test_the_users_draft_is_round_0_and_the_model_revises_it():
    ctx = WritingContext(json=[X_PLAN], texts=[X_REVISED])
    output = content_creator.run(ctx, {**X_INPUT, "draft": X_TOO_LONG})
    assert [(r["round"], r["by"], r["step"]) for r in output["rounds"]] == [
        (0, "user", "draft"), (1, "model", "content.revise")
    ]  # fmt: skip
    assert output["written_by"] == "model" and output["content"] == X_REVISED
    plan_prompt = dict(ctx.prompts)["content.plan"]
    assert X_TOO_LONG in plan_prompt  # the plan is made for the draft it will revise


def test_the_plan_is_checked_facts_not_in_the_companys_words_dropped_and_hashtags_cut_to_the_limit():
    plan = {**X_PLAN, "company_facts": ["returns each farm its own yarn", "spinning since 1972"],
            "hashtags": ["alpaca", "#yarn", "#farm"], "call_to_action": "A spring slot awaits"}  # fmt: skip
    ctx = WritingContext(json=[plan], texts=[X_REVISED])
    checked = content_creator.run(ctx, X_INPUT)["plan"]
    assert checked["company_facts"] == ["returns each farm its own yarn"]
    assert checked["hashtags"] == ["#alpaca", "#yarn"]  # X allows two
    assert checked["checked"] == {"facts_dropped": ["spinning since 1972"], "hashtags_dropped": ["#farm"],
                                  "call_to_action_recognised": False}  # fmt: skip
    assert "spinning since 1972" not in dict(ctx.prompts)["content.draft"]


# --- the agent: offline, and asking -------------------------------------------------------------------------------


def test_offline_nothing_is_drafted_and_the_output_says_drafting_needs_a_model():
    output = content_creator.run(ValidatingContext(FELLSIDE), {k: v for k, v in X_INPUT.items() if k != "foundation"})
    assert output["content"] is None and output["rounds"] == [] and output["checks"] == []
    assert (output["stopped"], output["needs_model"]) == ("no_model", ["plan", "content", "rounds"])
    assert output["summary"].startswith("Nothing was drafted for Fellside Fleece Mill's social on")
    assert "[offline model]" not in json.dumps(output)


def test_offline_a_supplied_draft_gets_every_check_and_its_fixes():
    output = content_creator.run(ValidatingContext(), {**X_INPUT, "draft": X_TOO_LONG})
    assert (output["stopped"], output["written_by"], output["needs_model"]) == ("no_model", "user",
                                                                                ["plan", "revisions"])  # fmt: skip
    assert output["content"] == X_TOO_LONG and output["final_round"] == 0
    ids = [c["id"] for c in output["checks"]]
    assert ids == ["platform.characters", "platform.hashtags", "keywords.used", "readability", "claims", "figures",
                   "call_to_action", "brand_voice.avoid", "technical", "question"]  # fmt: skip
    assert [s["check"] for s in output["suggestions"]] == ["platform.characters", "keywords.used", "call_to_action",
                                                           "question"]  # fmt: skip
    assert output["suggestions"][0] == {"check": "platform.characters", "severity": "error",
                                        "message": "292 characters on x, whose limit is 280.",
                                        "fix": "Cut the characters by 12."}  # fmt: skip


def test_offline_a_draft_that_passes_is_reported_as_measured_and_needs_nothing():
    output = content_creator.run(ValidatingContext(), {**X_INPUT, "draft": X_REVISED})
    assert (output["stopped"], output["needs_model"]) == ("measured", [])
    assert output["suggestions"] == [
        {"check": "question", "severity": "info", "fix": "Ask the reader one question.",
         "message": "Asks the reader nothing, and ends with 'Book a spinning slot for this spring.'."}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("foundation", "extra", "asked"),
    [
        ({}, {}, ["company", "offering", "audience"]),
        ({"company": "Saltmarsh Sail Loft"}, {"audience": "Classic boat owners"}, ["offering"]),
        ({"company": "Saltmarsh Sail Loft", "description": "We cut sails."}, {}, ["audience"]),
    ],
)
def test_without_the_company_what_it_sells_or_the_audience_the_agent_asks(foundation, extra, asked):
    with pytest.raises(Asked) as questions:
        content_creator.run(ValidatingContext(foundation), {**LINKEDIN_INPUT, **extra})
    assert [q["key"] for q in questions.value.questions] == asked


def test_the_answers_go_into_the_prompts_and_a_draft_is_measured_without_asking():
    answers = {"offering": SALTMARSH["product"], "audience": SALTMARSH["audience"]}
    ctx = WritingContext({"company": "Saltmarsh Sail Loft"}, json=[LINKEDIN_PLAN], texts=[LINKEDIN],
                         answers=[answers])  # fmt: skip
    output = content_creator.run(ctx, LINKEDIN_INPUT)
    assert output["stopped"] == "passed"
    assert SALTMARSH["product"] in dict(ctx.prompts)["content.draft"]
    measured = content_creator.run(ValidatingContext({}), {**LINKEDIN_INPUT, "draft": LINKEDIN})
    assert measured["stopped"] == "measured"  # nothing to write, so nothing to ask


# --- three companies, offline -----------------------------------------------------------------------------------

GOLDEN_DRAFTS = {
    "brassmoor": ("Why your tower needs a bell check", ["bells"],
                  "Our bells are the best in England. Every bell we cast rings true for 200 years, guaranteed. "
                  "Call the foundry."),
    "fellside": ("Your herd, your yarn", ["yarn"],
                 "Luxury yarn from your own herd. We spin 12 kilos at a time and send it back with your farm's name "
                 "on it. Ask us about spring slots."),
    "saltmarsh": ("Sails for the new season", ["new sails"],
                  "Sails wear out. Classic boats on the east coast come to our loft for new sails, and you will "
                  "feel the difference instantly. Book a fitting."),
}  # fmt: skip


def golden_offline(key: str) -> tuple[dict, dict]:
    topic, keywords, draft = GOLDEN_DRAFTS[key]
    data = {"type": "social", "platform": "linkedin", "topic": topic, "keywords": keywords, "draft": draft,
            "foundation": COMPANIES[key]}  # fmt: skip
    output = content_creator.run(ValidatingContext(), data)
    Draft202012Validator(agents.get("content_creator").output_schema).validate(output)
    return data, output


def test_offline_three_companies_share_no_sentence_and_every_figure_is_traced():
    said = {}
    for key in COMPANIES:
        data, output = golden_offline(key)
        assert output["stopped"] == "no_model" and output["rounds"][0]["failed"]
        assert COMPANIES[key]["company"] in output["summary"]
        said[key] = sentences(written(output))
        counts = {Decimal(len(output["rounds"][0]["failed"])), Decimal(sum(c["blocking"] for c in output["checks"]))}
        assert untraced(written(output), set(numbers(data)) | set(numbers(output)) | counts) == [], key
    for a, b in [("brassmoor", "fellside"), ("brassmoor", "saltmarsh"), ("fellside", "saltmarsh")]:
        assert not said[a] & said[b], (a, b, said[a] & said[b])


def test_offline_each_company_is_told_what_its_own_draft_breaks():
    failed = {key: golden_offline(key)[1]["rounds"][0]["failed"] for key in COMPANIES}
    assert failed == {
        "brassmoor": ["claims", "call_to_action"],  # "best", "guaranteed"; "Call the foundry" asks nothing
        "fellside": ["call_to_action", "brand_voice.avoid"],  # "Ask us about…"; "Luxury" is on its never-use list
        "saltmarsh": ["claims"],  # "instantly"
    }


def test_the_writing_code_names_none_of_the_golden_industries():
    modules = (content, content_check, content_engagement, content_seo, content_text, email, email_check, writing,
               content_creator, content_plan, writing_rounds, email_specialist)  # fmt: skip
    source = "".join(inspect.getsource(m) for m in modules).casefold()
    assert [word for word in GOLDEN_WORDS if word in source] == []


# --- an input changes what depends on it, and nothing else ------------------------------------------------------

MEASURED = {**X_INPUT, "platform": "linkedin", "draft": X_TOO_LONG}


def by_check(output: dict) -> dict:
    return {c["id"]: c for c in output["checks"]}


def changed_checks(before: dict, after: dict) -> set[str]:
    a, b = by_check(before), by_check(after)
    return {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}


@pytest.mark.parametrize(
    ("change", "checks", "parts"),
    [
        ({"keywords": ["alpaca yarn", "herd"]}, {"keywords.used"}, {"seo"}),
        ({"target_reading_ease": 95}, {"readability"}, {"readability", "seo"}),
        ({"platform": "x"}, {"platform.characters", "platform.hashtags"}, {"platform_checks"}),
        ({"foundation": {**FELLSIDE, "brand_voice": {"dont": ["mill"]}}}, {"brand_voice.avoid"}, set()),
    ],
)
def test_changing_one_input_changes_only_the_checks_and_measures_that_read_it(change, checks, parts):
    before = content_creator.run(ValidatingContext(), MEASURED)
    after = content_creator.run(ValidatingContext(), {**MEASURED, **change})
    assert changed_checks(before, after) == checks
    measures = ("content", "readability", "seo", "technical", "engagement", "platform_checks", "word_count")
    assert {key for key in measures if before[key] != after[key]} == parts


# What each input may change, offline, in the checks and the measures of the user's draft: everything else must stay
# as it was. The stated words (topic, audience) can only make a figure traced or a claimed figure the company's own.
CONTENT_DEPENDS: dict[str, tuple[set[str], set[str]]] = {
    "keywords": ({"keywords.used", "keywords.density"}, {"seo"}),
    "target_reading_ease": ({"readability"}, {"readability", "seo"}),
    "target_density": ({"keywords.density"}, {"seo"}),
    "tone": (set(), {"engagement"}),
    "length": ({"length.words"}, {"engagement"}),
    "topic": ({"figures", "claims"}, set()),
    "audience": ({"figures", "claims"}, set()),
    "avoid": ({"brand_voice.avoid"}, set()),
}
_VOCABULARY = st.sampled_from(["yarn", "bells", "sails", "spring", "herd", "book", "river", "copper", "lantern"])
_PHRASE = st.lists(_VOCABULARY, min_size=1, max_size=4).map(" ".join)
_STATED = st.tuples(_PHRASE, st.sampled_from(["", " 12", " 200", " 40 %", " 3"])).map("".join)
CONTENT_VALUES = {
    "keywords": st.lists(_PHRASE, min_size=1, max_size=3),
    "target_reading_ease": st.integers(1, 100),
    "target_density": st.integers(0, 100),
    "tone": st.sampled_from(["bold", "conversational", "dry", "formal", "friendly and plain"]),
    "length": st.sampled_from(["short", "medium", "long"]),
    "topic": _STATED,
    "audience": _STATED,
    "avoid": st.lists(_PHRASE, min_size=1, max_size=3),
}


def _with(base: dict, field: str, value: object) -> dict:
    if field == "avoid":
        return {**base, "foundation": {**base["foundation"], "brand_voice": {"dont": value}}}
    return {**base, field: value}


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(company=st.sampled_from(list(COMPANIES)), platform=st.sampled_from(["linkedin", "generic"]),
       field_value=st.sampled_from(list(CONTENT_DEPENDS)).flatmap(
           lambda f: st.tuples(st.just(f), CONTENT_VALUES[f])))  # fmt: skip
def test_property_one_input_changes_only_the_checks_and_measures_that_depend_on_it(company, platform, field_value):
    field, value = field_value
    topic, keywords, draft = GOLDEN_DRAFTS[company]
    base = {"type": "social", "platform": platform, "topic": topic, "keywords": keywords, "draft": draft,
            "foundation": {**COMPANIES[company], "brand_voice": {"dont": ["luxury"]}}}  # fmt: skip
    before = content_creator.run(ValidatingContext(), base)
    after = content_creator.run(ValidatingContext(), _with(base, field, value))
    checks, parts = CONTENT_DEPENDS[field]
    assert changed_checks(before, after) <= checks
    measures = ("content", "readability", "seo", "technical", "engagement", "platform_checks", "word_count")
    assert {key for key in measures if before[key] != after[key]} <= parts


# --- in-process runs on the scripted provider ---------------------------------------------------------------------


@pytest.fixture
def company_workspace(workspace):
    def use(foundation: dict):
        workspace.foundation = foundation
        workspace.save(update_fields=["foundation"])
        return workspace

    return use


def test_scripted_fellside_post_is_revised_to_fit_x_and_use_its_keyword(
    registry_synced, company_workspace, system_actor
):
    replies = [{"json": X_PLAN}, {"text": X_TOO_LONG}, {"text": X_REVISED}]
    agent = publish_scripted("content_creator", "writing-fellside-x", replies, system_actor)
    run = execute(agent, company_workspace(FELLSIDE), system_actor, {k: v for k, v in X_INPUT.items()
                                                                     if k != "foundation"})  # fmt: skip
    assert run.status == "succeeded", run.error_message
    assert steps(run) == [("llm", "content.plan", "succeeded"), ("llm", "content.draft", "succeeded"),
                          ("skill", "content.check_draft", "succeeded"), ("llm", "content.revise", "succeeded"),
                          ("skill", "content.check_draft", "succeeded")]  # fmt: skip
    assert run.output["content"] == "[scripted] " + X_REVISED  # the scripted provider labels its text
    assert [(e["round"], e["failed"]) for e in rounds_in_events(run)] == [
        (1, ["platform.characters", "keywords.used", "call_to_action"]), (2, [])
    ]  # fmt: skip


def test_scripted_brassmoor_blog_plan_is_repaired_once_and_the_first_draft_passes(
    registry_synced, company_workspace, system_actor
):
    broken = {k: v for k, v in BLOG_PLAN.items() if k != "hashtags"}
    replies = [{"json": broken}, {"json": BLOG_PLAN}, {"text": "\n" + BLOG}]  # the label goes on its own line
    agent = publish_scripted("content_creator", "writing-brassmoor-blog", replies, system_actor)
    run = execute(agent, company_workspace(BRASSMOOR), system_actor, BLOG_INPUT)
    assert run.status == "succeeded", run.error_message
    assert [name for _, name, _ in steps(run)] == ["content.plan", "content.plan:repair", "content.draft",
                                                   "content.check_draft"]  # fmt: skip
    output = run.output
    assert (output["stopped"], output["target_words"], output["word_count"]) == ("passed", 120, 113)
    assert output["plan"]["company_facts"] == ["retunes old ones", "a yearly care contract"]
    density = next(c for c in output["checks"] if c["id"] == "keywords.density")
    assert density["passed"] and density["actual"] == {"bell restoration": 2.65}  # 3 of 113 words


def test_scripted_saltmarsh_run_asks_for_what_it_sells_and_who_it_is_for_through_the_api(
    registry_synced, company_workspace, system_actor
):
    replies = [{"json": LINKEDIN_PLAN}, {"text": LINKEDIN}]
    agent = publish_scripted("content_creator", "writing-saltmarsh-li", replies, system_actor)
    workspace = company_workspace({"company": "Saltmarsh Sail Loft", "industry": "Traditional sailmaking"})
    run = execute(agent, workspace, system_actor, LINKEDIN_INPUT)
    assert run.status == "awaiting_input"
    assert [q["key"] for q in run.input_requests.get().questions] == ["offering", "audience"]
    answers = {"offering": SALTMARSH["product"], "audience": SALTMARSH["audience"]}
    run = answer_through_api(workspace, system_actor, run, answers)
    assert run.status == "succeeded", run.error_message
    assert [(kind, name) for kind, name, _ in steps(run)] == [
        ("input", "ask"), ("llm", "content.plan"), ("llm", "content.draft"), ("skill", "content.check_draft")
    ]  # fmt: skip
    assert run.output["stopped"] == "passed" and run.output["format"] == "plain"
    plan_step = run.steps.get(name="content.plan")
    assert SALTMARSH["product"] in plan_step.input["prompt"]


def test_the_example_run_measures_the_users_draft_offline(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "content_creator", agents.get("content_creator").example_input)
    assert run.status == "succeeded", run.error_message
    output = run.output
    assert (output["stopped"], output["written_by"]) == ("no_model", "user")
    assert output["rounds"][0]["failed"] == ["claims", "call_to_action", "brand_voice.avoid"]
    assert steps(run)[-1] == ("llm", "content.plan", "failed")  # the offline provider cannot plan in JSON


# --- a real worker -------------------------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_the_rounds_of_a_revised_x_post_are_in_the_event_stream(
    registry_synced, workspace, system_actor, start_worker, worker_env, tmp_path
):
    # The worker reads the script from RAPTORFLOW_SCRIPTS_DIR (a file, read on every call): no test module
    # has to be loaded by the worker to register it.
    replies = [{"json": X_PLAN}, {"text": X_TOO_LONG, "stream": {"pieces": 4, "delay": 0.05}}, {"text": X_REVISED}]
    (tmp_path / "writing-worker-x.json").write_text(json.dumps(replies))
    worker_env["RAPTORFLOW_SCRIPTS_DIR"] = str(tmp_path)
    Provider.objects.get_or_create(name="scripted", defaults={"kind": "scripted"})
    agent = Agent.objects.get(slug="content_creator")
    chain = [{"provider": "scripted", "model": "writing-worker-x"}]
    version = agentversion_create_draft(agent=agent, actor=system_actor, model_chain=chain, cache_responses=False)
    agentversion_publish(version=version, actor=system_actor)
    workspace.foundation = FELLSIDE
    workspace.save(update_fields=["foundation"])
    worker = start_worker()
    data = {k: v for k, v in X_INPUT.items() if k != "foundation"}
    run, _ = run_create(workspace=workspace, agent=agent, input=data, actor=system_actor)

    def finished():
        run.refresh_from_db()
        return run.status in {"succeeded", "failed", "timed_out", "budget_exceeded", "cancelled"}

    wait_for(finished, timeout=60, interval=0.1, message="the content run to finish")
    assert run.status == "succeeded", f"{run.error_code}: {run.error_message}\n{worker.log()}"
    assert run.output["content"] == "[scripted] " + X_REVISED and run.output["stopped"] == "passed"
    events = list(run.events.order_by("sequence").values_list("type", "data"))
    rounds = [(d["round"], d["failed"], d["fixed"]) for t, d in events if t == "progress" and "round" in d]
    assert rounds == [(1, ["platform.characters", "keywords.used", "call_to_action"], []),
                      (2, [], ["platform.characters", "keywords.used", "call_to_action"])]  # fmt: skip
    checks = [d["name"] for t, d in events if t == "step" and d["kind"] == "skill"]
    assert checks == ["content.check_draft", "content.check_draft"]
    # Each round's progress event follows its check step in the stream, and the draft's step comes before both.
    order = [(t, d.get("name") or d.get("round")) for t, d in events if t in ("step", "progress")]
    assert order[-6:] == [("step", "content.draft"), ("step", "content.check_draft"), ("progress", 1),
                          ("step", "content.revise"), ("step", "content.check_draft"), ("progress", 2)]  # fmt: skip
