"""Quality checker: grades what it measured, offline and on the scripted provider (a schema repair, a revision of
what code could not confirm), asks for keywords through the API, and its findings follow the text.

The golden texts come from companies in industries no code names (a bell foundry, a falconry bird-control service,
a seaweed farm; a test greps the modules for them), written here. The skills have their own tests
(tests/skills/test_quality.py, tests/skills/test_quality_links.py).
"""

from __future__ import annotations

import copy
import inspect
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from agents import registry as agents
from agents.models import InputRequest
from agents.specialists import quality_checker, quality_judgement
from skills.library import quality, quality_claims, quality_grade, quality_links, quality_measures
from skills.library.quality import AREAS
from tests.agents.conftest import ValidatingContext, run_agent
from tests.agents.scripted_runs import answer, api_writer, execute, publish_scripted, steps
from tests.conftest import Asked

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it). Offline the model
# call is refused (model_unavailable) and only what code measures is graded.
TRACE = [
    ("skill", "quality.substance"),
    ("llm", "quality.judge"),
    ("skill", "quality.mechanics"),
    ("skill", "quality.readability"),
    ("skill", "quality.seo"),
    ("skill", "quality.brand_voice"),
    ("skill", "quality.engagement"),
    ("skill", "quality.technical"),
    ("skill", "quality.claims"),
    ("skill", "quality.grade"),
]
MEASURE_STEPS = [name for kind, name in TRACE[2:]]
# Inputs refused as invalid_input: (what, input, a pattern one of the errors must match).
INVALID_INPUTS = [
    ("unknown type", {"content": "Hello", "type": "podcast"}, "^type: 'podcast' is not one of"),
    ("no content", {"type": "blog"}, "'content' is a required property"),
    ("unknown field", {"content": "Hello", "type": "blog", "voice": "calm"}, "Additional properties are not allowed"),
    ("weight over 1", {"content": "Hello", "type": "blog", "weights": {"seo": 2}}, "^weights.seo: 2 is greater"),
]

# --- golden texts ------------------------------------------------------------------------------------------------

BELLWORKS = {  # a bell foundry that retunes church bells
    "company": "Harrow Bellworks",
    "industry": "Bell founding and restoration",
    "audience": "Parish councils and bell-ringing societies in England",
    "brand_voice": {"tone": "plain and patient", "do": ["explain every step before its cost"], "dont": ["cheap"]},
}
BELL_POST = """# How we retune a peal of church bells without recasting them

Most parish bells that sound wrong are not broken. Over a century the metal wears where the clapper strikes, and \
the bell drifts away from the notes of its neighbours. A ringing society hears it first: the rounds stop sounding \
like a scale. Recasting melts the old bell and its history with it, so we tune the bell we already have.

## Measure each bell before anyone touches it

We hang the bell on our lathe and strike it with a soft hammer. A microphone records five partial tones, and we \
compare each one with the note the bell should give. The report shows the parish council which bells are out of \
tune, by how much, and what a full retune of the peal involves. Nothing is cut until the council has read it.

## Cut a little metal from the inside

Bell restoration is slow work. The lathe turns the bell while a tool takes thin shavings from the inner wall, a \
fraction of a millimetre at a time. After every pass we strike and measure again, because metal taken off cannot \
be put back. A typical bell needs between ten and thirty passes. A recast of a tenor bell costs about £30,000; our \
retune of the same bell costs about £12,000. Retuning saves 60% of the cost of recasting.

## Rehang the bells and ring them in

New bearings, clappers and fittings go in before the bells return to the tower. The ringers ring a full peal on \
the first Sunday, and we come back after three months to check that nothing has moved.

Does your tower have a bell that sounds out of place? [Download the restoration guide](https://bellworks.example/\
guide) and send us a recording of your rounds.
"""
BELL_INPUT = {"content": BELL_POST, "type": "blog", "keywords": ["bell restoration", "retune"]}

KESTREL = {  # a falconry bird-control service
    "company": "Kestrel Watch",
    "industry": "Bird control with trained falcons",
    "audience": "Facilities managers at airports, landfill sites and food warehouses",
    "brand_voice": {"tone": "calm and factual"},
}
KESTREL_EMAIL = """<p>Hello,</p>
<p>Gulls nesting on a warehouse roof bring noise, mess and failed hygiene audits. Nets and spikes move the birds to \
the next roof. Our handlers fly a Harris hawk over the site twice a week, and within a season the gulls learn that \
your roof is not a safe place to nest.</p>
<p>Each visit is logged with the date, the handler, the bird flown and the number of gulls seen, so your auditor \
can see the work. The best results come in spring, before the first eggs are laid. We are the only falconers \
licensed in the county.</p>
<p>You can see a sample visit log here: <a href="https://kestrelwatch.example/log"></a></p>
<p>Book a site survey before March, and we will walk the roof with you.</p>
<p>Best wishes, Ruth Calder, Kestrel Watch</p>
"""
KESTREL_INPUT = {"content": KESTREL_EMAIL, "type": "email", "format": "html"}

TIDEWRACK = {  # a seaweed farm selling kelp to chefs
    "company": "Tidewrack",
    "industry": "Seaweed farming",
    "audience": "Chefs and restaurant buyers on the west coast of Scotland",
}
TIDEWRACK_POST = (
    "Our sugar kelp was hauled from the loch on Tuesday morning and dried on racks by the afternoon. Chefs in Oban "
    "and Fort William use it in broths, butters and pickles. This year's lines gave 3x more kelp than last year's. "
    "Which dish would you put it in first? Order a sample box at tidewrack.example."
)
TIDEWRACK_INPUT = {"content": TIDEWRACK_POST, "type": "social", "format": "plain"}

GOLDEN = {
    "bellworks": (BELLWORKS, BELL_INPUT),
    "kestrel": (KESTREL, KESTREL_INPUT),
    "tidewrack": (TIDEWRACK, TIDEWRACK_INPUT),
}
# The issue's example of junk graded B: 15 words promising to double revenue, guaranteed, with "Click here now!!!".
JUNK_POST = "Our app will double your revenue, guaranteed. The best tool ever made. Click here now!!!"

OUTPUT_SCHEMA = Draft202012Validator(agents.get("quality_checker").output_schema)


def check(data: dict, foundation: dict | None = None) -> dict:
    """The agent offline (no model), every skill call and the output checked against their schemas."""
    output = quality_checker.run(ValidatingContext(foundation), data)
    OUTPUT_SCHEMA.validate(output)
    return output


def golden(key: str) -> dict:
    foundation, data = GOLDEN[key]
    return check(data, foundation)


def checks(output: dict) -> list[str]:
    return [issue["check"] for issue in output["issues"]]


# --- the issue's cases: junk is an F -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind", "failed"),
    [
        ("", "blog", ["length", "substance"]),
        ("x", "blog", ["length", "substance"]),
        ("Buy now.", "ad_copy", ["length", "substance"]),
        (JUNK_POST, "social", ["length", "substance"]),
    ],
)
def test_empty_one_word_and_all_claims_texts_are_graded_f(content, kind, failed):
    output = check({"content": content, "type": kind, "keywords": []})
    assert output["grade"] == "F"
    assert [g["gate"] for g in output["gates"] if not g["passed"]] == failed
    assert output["grade_reason"] == "F because the text fails the length and substance gates."
    assert output["judged_by"] == "code" and output["needs_model"] == []  # a text that fails a gate is not judged


def test_all_claims_is_an_f_on_substance_alone_even_when_length_is_waived():
    output = check({"content": JUNK_POST, "type": "social", "min_words": 5})
    assert [(g["gate"], g["passed"], g["actual"], g["required"]) for g in output["gates"]] == [
        ("length", True, 15, 5),
        ("substance", False, 0, 2),  # no plain statement; two sentences make claims
    ]
    assert output["grade"] == "F"


def test_the_issues_example_flags_the_guarantee_the_superlative_the_figure_and_sees_its_call_to_action():
    output = check({"content": JUNK_POST, "type": "social"})
    assert [(c["kind"], c["text"], c["severity"]) for c in output["claims"]] == [
        ("unverified_figure", "double", "warning"),
        ("guarantee", "guaranteed", "error"),
        ("superlative", "best", "warning"),
    ]
    assert output["calls_to_action"] == ["Click here"]
    assert "engagement.call_to_action" not in checks(output)
    assert "grammar.repeated_punctuation" in checks(output)


def test_an_empty_text_measures_nothing_and_has_no_score():
    output = check({"content": "", "type": "newsletter", "keywords": ["kelp"]})
    assert (output["score"], output["weights"], output["grade"]) == (None, {}, "F")
    assert [row["area"] for row in output["not_measured"]] == list(AREAS)


# --- weights, areas not measured, the fixes -------------------------------------------------------------------------


@pytest.mark.parametrize("key", GOLDEN)
def test_weights_sum_to_one_over_the_measured_areas_and_the_score_is_their_weighted_mean(key):
    output = golden(key)
    measured = [area for area, view in output["areas"].items() if view["measured"]]
    assert list(output["weights"]) == measured
    assert round(sum(output["weights"].values()), 10) == 1
    for area, view in output["areas"].items():
        assert (view["score"] is None) == (not view["measured"]) == (view["weight"] == 0), area
    unrounded = {a: 1 / len(measured) for a in measured}  # equal weights by default
    expected = sum(unrounded[a] * output["areas"][a]["score"] for a in measured)
    assert output["score"] == round(expected, 4)
    assert output["contributions"] == {a: round(unrounded[a] * output["areas"][a]["score"], 4) for a in measured}


def test_an_area_that_cannot_be_measured_is_left_out_never_counted_perfect():
    output = golden("tidewrack")
    assert {row["area"]: row["reason"] for row in output["not_measured"]} == {
        "readability": "56 words: Flesch's formula is read on samples of 100 words or more (the figures shown are "
        "indicative).",
        "seo": "A social post is read where it is delivered, not found through search; SEO is measured for blog posts "
        "and newsletters.",
        "brand_voice": "There are no brand voice rules (words to use or avoid) and no guidelines.",
        "technical": "Nothing technical to check: no links, headings, images or markup.",
    }
    assert set(output["weights"]) == {"grammar", "engagement", "claims"}
    # grammar 1, engagement 1 (length in range, a call to action, a question), claims 4 of 5 sentences clean
    assert (output["areas"]["claims"]["score"], output["score"], output["grade"]) == (0.8, 0.9333, "A")


def test_a_weight_given_for_an_area_not_measured_is_dropped_and_the_rest_renormalised():
    data = {**TIDEWRACK_INPUT, "weights": {"seo": 1.0, "grammar": 0.5, "claims": 0.5, "engagement": 0.0}}
    output = check(data, TIDEWRACK)
    assert output["weights"] == {"grammar": 0.5, "engagement": 0.0, "claims": 0.5}
    assert output["score"] == 0.9  # 0.5 × 1 + 0.5 × 0.8


@pytest.mark.parametrize("key", GOLDEN)
def test_the_top_fixes_are_the_three_issues_that_raise_the_score_most(key):
    output = golden(key)
    weights = {a: 1 / len(output["weights"]) for a in output["weights"]}
    scores = {a: output["areas"][a]["score"] for a in weights}

    def after(issue: dict) -> float:
        raised = {**scores, issue["area"]: min(1.0, scores[issue["area"]] + issue["gain"])}
        return round(sum(weights[a] * raised[a] for a in weights), 4)

    candidates = sorted((after(i) for i in output["issues"] if i["area"] in weights), reverse=True)
    shown = [fix["score_after"] for fix in output["top_fixes"]]
    assert shown == [s for s in candidates if s > output["score"]][:3]
    for fix in output["top_fixes"]:
        assert fix["gain"] == round(fix["score_after"] - output["score"], 4)
        assert fix["grade_after"] == quality_grade.grade_for(fix["score_after"])


def test_an_html_link_with_no_text_fails_and_so_does_the_same_link_in_markdown():
    html = check(KESTREL_INPUT, KESTREL)
    markdown_email = KESTREL_EMAIL.replace('<a href="https://kestrelwatch.example/log"></a>',
                                           "[](https://kestrelwatch.example/log)")  # fmt: skip
    markdown = check({**KESTREL_INPUT, "content": re.sub(r"</?p>", "", markdown_email), "format": "markdown"})
    for output in (html, markdown):
        links = output["details"]["technical"]["links"]
        assert [(k["target"], k["usable"], k["problem"]) for k in links] == [
            ("https://kestrelwatch.example/log", False, "no text")
        ]
        (issue,) = [i for i in output["issues"] if i["check"] == "technical.links_valid"]
        assert issue["severity"] == "error"
    assert html["top_fixes"][0]["check"] == "technical.links_valid"


# --- golden, offline ------------------------------------------------------------------------------------------------


def test_bellworks_offline():
    output = golden("bellworks")
    assert (output["grade"], output["score"]) == ("A+", 0.9541)
    assert [(g["gate"], g["actual"], g["required"]) for g in output["gates"]] == [
        ("length", 299, 240),
        ("substance", 20, 1),
    ]
    assert [(c["kind"], c["text"]) for c in output["claims"]] == [("unverified_figure", "60%")]
    assert output["calls_to_action"] == ["Download"]
    # the foundation's "don't" word is a literal rule, obeyed; its tone and advice are left to a model
    assert output["details"]["brand_voice"]["obeyed"] == ["cheap"]
    assert output["areas"]["brand_voice"]["basis"] == "measured"
    density = [i["message"] for i in output["issues"] if i["check"] == "seo.keyword_density"]
    assert density == [
        "'bell restoration' appears 1 time in 299 words (0.33 per 100 words; the target is 2.5).",
        "'retune' appears 3 times in 299 words (1.00 per 100 words; the target is 2.5).",
    ]
    assert output["needs_model"] == [
        "Brand voice: whether the text follows “plain and patient”; “explain every step before its cost”; "
        "“avoid cheap”.",
        "Engagement: whether the tone of “How we retune a peal of church bells without recasting them” and what "
        "follows engages its reader.",
        "Claims: whether the text itself backs its claim ('60%').",
    ]


def test_kestrel_offline():
    output = golden("kestrel")
    assert (output["grade"], output["score"]) == ("B", 0.81)
    assert [(c["kind"], c["text"]) for c in output["claims"]] == [("superlative", "best"), ("superlative", "the only")]
    assert output["calls_to_action"] == ["Book"]  # "Best wishes" is a sign-off, not a claim
    assert [row["area"] for row in output["not_measured"]] == ["seo", "brand_voice"]
    assert checks(output) == ["technical.links_valid", "claims.unproven", "claims.unproven", "engagement.question"]
    assert output["needs_model"][0] == "Brand voice: whether the text follows “calm and factual”."


def test_tidewrack_offline():
    output = golden("tidewrack")
    (issue,) = output["issues"]
    assert issue["message"] == "“This year's lines gave 3x more kelp than last year's.” claims '3x' (unverified " \
        "figure) without proof in the text."  # fmt: skip
    assert [(f["check"], f["score_after"], f["grade_after"]) for f in output["top_fixes"]] == [
        ("claims.unproven", 1.0, "A+")
    ]


@pytest.mark.parametrize("key", GOLDEN)
def test_every_issue_points_at_words_of_its_own_text(key):
    data = GOLDEN[key][1]
    source = " ".join(" ".join([data["content"], *data.get("keywords", [])]).split()).casefold()
    for issue in golden(key)["issues"]:
        quotes = re.findall(r"“([^”]+)”|'([^']+)'", issue["message"] + " " + issue["fix"])
        fragments = [(a or b).rstrip("…").casefold() for a, b in quotes]
        assert any(fragment in source for fragment in fragments), issue


def test_the_quality_modules_name_none_of_the_golden_industries():
    modules = (quality, quality_claims, quality_grade, quality_links, quality_measures, quality_checker,
               quality_judgement)  # fmt: skip
    source = "".join(inspect.getsource(m) for m in modules).casefold()
    for word in ("foundry", "falcon", "hawk", "kelp", "seaweed", "gull", "clapper"):
        assert word not in source


# --- asking ----------------------------------------------------------------------------------------------------------


def test_a_blog_post_without_keywords_asks_for_them_and_none_is_an_answer():
    data = {k: v for k, v in BELL_INPUT.items() if k != "keywords"}
    with pytest.raises(Asked) as asked:
        check(data, BELLWORKS)
    (question,) = asked.value.questions
    assert question["key"] == "keywords"
    assert question["prompt"].startswith("Which search phrases should Harrow Bellworks's blog post “How we retune")
    no_keywords = check({**data, "keywords": []}, BELLWORKS)
    # content.seo_score's weights without the keyword parts (structure 0.15, title length and a link 0.05 each)
    assert no_keywords["details"]["seo"]["weights"] == {"structure": 0.6, "title_length": 0.2, "has_link": 0.2}
    assert set(no_keywords["details"]["seo"]["parts"]) == {"structure", "title_length", "has_link"}


def test_no_keywords_are_asked_for_a_social_post_or_a_text_that_fails_a_gate():
    assert check({**TIDEWRACK_INPUT}, TIDEWRACK)["grade"] == "A"
    assert check({"content": "Bell restoration.", "type": "blog"}, BELLWORKS)["grade"] == "F"


def test_the_keywords_question_is_answered_through_the_api(registry_synced, workspace, system_actor):
    workspace.foundation = BELLWORKS
    workspace.save()
    data = {k: v for k, v in BELL_INPUT.items() if k != "keywords"}
    run = run_agent(workspace, system_actor, "quality_checker", data)
    assert run.status == "awaiting_input"
    assert [q["key"] for q in InputRequest.objects.get(run=run).questions] == ["keywords"]
    run = answer(api_writer(workspace, system_actor), run, {"keywords": ["bell restoration", "retune"]})
    assert run.status == "succeeded", run.error_message
    assert (run.output["grade"], run.output["score"]) == ("A+", 0.9541)  # as with the keywords given at once


# --- the example run, through the runtime (offline provider) ------------------------------------------------------


def test_example_run_golden(registry_synced, workspace, system_actor):
    run = run_agent(workspace, system_actor, "quality_checker", agents.get("quality_checker").example_input)
    assert run.status == "succeeded", run.error_message
    assert run.steps.get(name="quality.judge").error.startswith("model_unavailable")
    assert run.output["judged_by"] == "code" and not run.output["not_measured"]
    assert run.output["areas"]["brand_voice"]["score"] == 1.0  # uses "customers"; no synergy, cheap, revolutionary
    assert round(sum(run.output["weights"].values()), 10) == 1


# --- property: the findings follow the text -----------------------------------------------------------------------

BASE = BELL_POST.split("\n\nDoes your tower")[0].replace(" Retuning saves 60% of the cost of recasting.", "")
ADDED = {  # a sentence of each kind, with what it adds to the findings
    "statement": ("The tower captain signs off each bell before it leaves the lathe.", None),
    "guarantee": ("Every retune is guaranteed for fifty years.", "guarantee"),
    "superlative": ("Our lathe is the fastest in the trade.", "superlative"),
    "absolute": ("Ringers hear the difference instantly.", "absolute"),
    "figure": ("Retuned peals draw 30% more ringers to practice night.", "unverified_figure"),
    "call": ("Book a tower visit.", None),
    "question": ("Which bell would you retune first?", None),
}


def _with(added: list[str]) -> dict:
    content = BASE + "\n\n" + " ".join(ADDED[kind][0] for kind in added) if added else BASE
    return check({**BELL_INPUT, "content": content}, BELLWORKS)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(added=st.lists(st.sampled_from(list(ADDED)), unique=True, max_size=5))
def test_the_findings_follow_the_sentences_added_and_nothing_else_moves(added):
    base, output = _with([]), _with(added)
    claimed = [ADDED[kind][1] for kind in added if ADDED[kind][1]]
    assert [c["kind"] for c in output["claims"]] == claimed
    assert checks(output).count("claims.unproven") == len(claimed)
    assert ("engagement.call_to_action" in checks(output)) == ("call" not in added)
    assert ("engagement.question" in checks(output)) == ("question" not in added)
    assert output["calls_to_action"] == (["Book"] if "call" in added else [])
    for area in ("brand_voice", "technical"):  # no sentence added touches a rule, a link or a heading
        assert output["areas"][area] == base["areas"][area]
        assert output["details"][area] == base["details"][area]


def test_a_changed_text_changes_its_findings_and_their_quotes():
    before = golden("kestrel")
    changed = copy.deepcopy(KESTREL_INPUT)
    changed["content"] = changed["content"].replace("We are the only falconers", "We are falconers")
    after = check(changed, KESTREL)
    assert [c["text"] for c in after["claims"]] == ["best"]
    assert checks(before).count("claims.unproven") - checks(after).count("claims.unproven") == 1
    assert after["areas"]["claims"]["score"] > before["areas"]["claims"]["score"]


# --- the model path, on the scripted provider (recorded structured replies) -------------------------------------

BELL_REPLY = {
    "voice": {
        "score": 0.75,
        "reasons": ["The post explains each step plainly, but gives the number of passes before what a pass involves "
                    "for the parish."],
        "breaches": [{"guideline": "explain every step before its cost",
                      "quote": "A typical bell needs between ten and thirty passes.",
                      "fix": "Say what one pass costs the parish before saying how many a bell needs."}],
    },
    "tone": {"engaging": True, "reason": "It speaks to ringers about a sound they already hear."},
    "claims": [{"claim": 0, "verdict": "supported_in_text", "reason": "The post gives both prices.",
                "quote": "our retune of the same bell costs about £12,000"}],
}  # fmt: skip
KESTREL_FIRST = {
    "voice": {"score": 0.7, "reasons": ["Factual, but one sentence sells instead of informing."],
              "breaches": [{"guideline": "calm and factual", "quote": "We are the only falconers in Britain.",
                            "fix": "Name the licence instead."}]},
    "tone": {"engaging": True, "reason": "It names the reader's problem in the first sentence."},
    "claims": [{"claim": 1, "verdict": "supported_in_text", "reason": "It says so.",
                "quote": "We are the only falconers licensed in the county."}],
}  # fmt: skip
KESTREL_REVISED = {
    "voice": {"score": 0.7, "reasons": ["Factual, but one sentence sells instead of informing."],
              "breaches": [{"guideline": "calm and factual",
                            "quote": "We are the only falconers licensed in the county.",
                            "fix": "Name the licence and what it allows instead."}]},
    "tone": {"engaging": True, "reason": "It names the reader's problem in the first sentence."},
    "claims": [
        {"claim": 0, "verdict": "needs_proof", "reason": "Spring is asserted, not shown.", "quote": ""},
        {"claim": 1, "verdict": "misleading", "reason": "A county licence is not held by one firm alone.",
         "quote": ""},
    ],
}  # fmt: skip
TIDE_REPLY = {
    "voice": None,
    "tone": {"engaging": True, "reason": "It asks the chef a question about their own menu."},
    "claims": [{"claim": 0, "verdict": "needs_proof", "reason": "Last year's yield is not given.", "quote": ""}],
}


def _scripted(script: str, replies: list[dict], system_actor):
    return publish_scripted("quality_checker", script, [{"json": reply} for reply in replies], system_actor)


def test_the_model_judges_voice_tone_and_claims_and_code_keeps_the_arithmetic(registry_synced, workspace,
                                                                              system_actor):  # fmt: skip
    workspace.foundation = BELLWORKS
    workspace.save()
    run = execute(_scripted("h17-qc-bell", [BELL_REPLY], system_actor), workspace, system_actor, BELL_INPUT)
    assert run.status == "succeeded", run.error_message
    assert [name for _, name, _ in steps(run)] == ["quality.substance", "quality.judge", *MEASURE_STEPS]
    prompt = run.steps.get(name="quality.judge").input["prompt"]
    assert '"explain every step before its cost"' in prompt and '"text": "60%"' in prompt
    out = run.output
    assert (out["judged_by"], out["revised"], out["corrections"], out["needs_model"]) == ("code and model", False,
                                                                                          [], [])  # fmt: skip
    voice = out["areas"]["brand_voice"]
    assert (voice["score"], voice["basis"]) == (0.875, "measured and model judgement")  # mean of rules 1, model 0.75
    (breach,) = [i for i in out["issues"] if i["check"] == "brand_voice.guidelines"]
    assert (breach["source"], breach["gain"]) == ("model", 0.125)  # the model's shortfall, half the area
    assert out["details"]["engagement"]["parts"]["tone"] == 1.0
    assert out["claims"][0]["verdict"] == "supported_in_text" and out["areas"]["claims"]["score"] == 1.0
    measured = [out["areas"][a]["score"] for a in AREAS]
    assert out["score"] == round(sum(measured) / len(measured), 4)


def test_a_reply_that_breaks_the_schema_is_repaired_once(registry_synced, workspace, system_actor):
    workspace.foundation = TIDEWRACK
    workspace.save()
    broken = {k: v for k, v in TIDE_REPLY.items() if k != "tone"}
    agent = _scripted("h17-qc-repair", [broken, TIDE_REPLY], system_actor)
    run = execute(agent, workspace, system_actor, TIDEWRACK_INPUT)
    assert run.status == "succeeded", run.error_message
    names = [name for _, name, _ in steps(run)]
    assert names == ["quality.substance", "quality.judge", "quality.judge:repair", *MEASURE_STEPS]
    assert "'tone' is a required property" in run.steps.get(name="quality.judge:repair").input["prompt"]
    assert run.output["claims"][0]["verdict"] == "needs_proof"
    assert run.output["areas"]["engagement"]["basis"] == "measured and model judgement"


def test_what_code_cannot_confirm_goes_back_once_and_the_revision_is_used(registry_synced, workspace, system_actor):
    workspace.foundation = KESTREL
    workspace.save()
    agent = _scripted("h17-qc-revise", [KESTREL_FIRST, KESTREL_REVISED], system_actor)
    run = execute(agent, workspace, system_actor, KESTREL_INPUT)
    assert run.status == "succeeded", run.error_message
    names = [name for _, name, _ in steps(run)]
    assert names == ["quality.substance", "quality.judge", "quality.revise", *MEASURE_STEPS]
    prompt = run.steps.get(name="quality.revise").input["prompt"]
    assert "“We are the only falconers in Britain.” is not in the text" in prompt
    assert "Kept 'the only' as needing proof: its support is quoted from its own sentence." in prompt
    assert "Claim 0 ('best') has no verdict." in prompt
    out = run.output
    assert (out["revised"], out["corrections"]) == (True, [])
    assert [(c["verdict"], c["severity"]) for c in out["claims"]] == [("needs_proof", "warning"),
                                                                      ("misleading", "error")]  # fmt: skip
    assert out["areas"]["brand_voice"]["score"] == 0.7 and out["areas"]["brand_voice"]["basis"] == "model judgement"


def test_what_still_fails_after_the_revision_is_dropped_and_reported(registry_synced, workspace, system_actor):
    workspace.foundation = KESTREL
    workspace.save()
    agent = _scripted("h17-qc-still", [KESTREL_FIRST, KESTREL_FIRST], system_actor)
    run = execute(agent, workspace, system_actor, KESTREL_INPUT)
    assert run.status == "succeeded", run.error_message
    out = run.output
    assert out["revised"] and out["corrections"] == [
        "Dropped a breach: “We are the only falconers in Britain.” is not in the text.",
        "Kept 'the only' as needing proof: its support is quoted from its own sentence.",
    ]
    assert "brand_voice.guidelines" in checks(out)  # the model's score stands, without the breach it made up
    assert all("Britain" not in issue["message"] for issue in out["issues"])
    assert [c["verdict"] for c in out["claims"]] == ["not_judged", "needs_proof"]
