"""Links are checked alike in Markdown and HTML: a link with no text or no usable target fails in either syntax;
technical checks apply only where there is something to check."""

from __future__ import annotations

import pytest

from skills.library.quality_links import find_links, usable_target
from tests.agents.conftest import call_skill

# (what, Markdown, HTML, the problem both must report: '' for a usable link)
PAIRS = [
    ("a good link", "[Book a fitting](https://loft.example/fit)",
     '<a href="https://loft.example/fit">Book a fitting</a>', ""),
    ("no text", "[](https://loft.example/fit)", '<a href="https://loft.example/fit"></a>', "no text"),
    ("only spaces as text", "[   ](https://loft.example/fit)", '<a href="https://loft.example/fit">   </a>', "no text"),
    ("an empty target", "[Book a fitting]()", '<a href="">Book a fitting</a>', "no usable target"),
    ("a bare #", "[Book a fitting](#)", '<a href="#">Book a fitting</a>', "no usable target"),
    ("a scheme with no host", "[Book a fitting](https://)", '<a href="https://">Book a fitting</a>',
     "no usable target"),
    ("a javascript target", "[Book a fitting](javascript:void)", '<a href="javascript:void">Book a fitting</a>',
     "no usable target"),
    ("a space in the target", "[Book a fitting](sail plan.html)", '<a href="sail plan.html">Book a fitting</a>',
     "no usable target"),
    ("a mailto with no address", "[Write to us](mailto:)", '<a href="mailto:">Write to us</a>', "no usable target"),
    ("a relative page", "[Our prices](/prices)", '<a href="/prices">Our prices</a>', ""),
    ("a section of the page", "[Care guide](#care)", '<a href="#care">Care guide</a>', ""),
    ("a title after the target", '[Our prices](/prices "Prices")', '<a href="/prices" title="Prices">Our prices</a>',
     ""),
]  # fmt: skip


@pytest.mark.parametrize(("what", "markdown", "html", "problem"), PAIRS, ids=[p[0] for p in PAIRS])
def test_markdown_and_html_links_are_judged_alike(what, markdown, html, problem):
    (md_link,) = find_links(f"Read this: {markdown}.", "markdown")
    (html_link,) = find_links(f"<p>Read this: {html}.</p>", "html")
    assert (md_link.syntax, html_link.syntax) == ("markdown", "html")
    assert md_link.problem == html_link.problem == problem


@pytest.mark.parametrize(("what", "markdown", "html", "problem"), PAIRS, ids=[p[0] for p in PAIRS])
def test_the_technical_check_fails_a_bad_link_in_either_syntax(what, markdown, html, problem):
    for content, fmt in ((f"Read this: {markdown}.", "markdown"), (f"<p>Read this: {html}.</p>", "html")):
        result = call_skill("quality.technical", {"content": content, "format": fmt})
        links = next(c for c in result["checks"] if c["check"] == "links_valid")
        assert links["applies"] and links["passed"] == (not problem), (fmt, links)
        assert result["score"] == (1.0 if not problem else 0.5 if fmt == "html" else 0.0), (fmt, result["checks"])


def test_html_inside_markdown_is_read_as_html():
    links = find_links('We mended the mainsail. Read <a href="">the repair notes</a> and [the log](/log).', "markdown")
    assert [(k.syntax, k.text, k.problem) for k in links] == [
        ("markdown", "the log", ""),
        ("html", "the repair notes", "no usable target"),
    ]


def test_an_images_alt_text_or_an_aria_label_is_a_links_text():
    html = '<a href="/roundels"><img src="r.jpg" alt="Victorian roundels"></a> <a href="/care" aria-label="Care"></a>'
    assert [k.problem for k in find_links(html, "html")] == ["", ""]


def test_reference_links_need_a_definition():
    text = "See [the loft][loft] and [the yard][yard].\n\n[loft]: https://loft.example\n"
    assert [(k.text, k.target, k.problem) for k in find_links(text, "markdown")] == [
        ("the loft", "https://loft.example", ""),
        ("the yard", "", "no usable target"),
    ]


def test_autolinks_and_bare_urls_are_links_with_their_address_as_text():
    text = "Visit <https://loft.example/a> or https://loft.example/b."
    assert [(k.text, k.problem) for k in find_links(text, "markdown")] == [
        ("https://loft.example/a", ""),
        ("https://loft.example/b", ""),
    ]


@pytest.mark.parametrize("target", ["https://loft.example", "mailto:sails@loft.example", "tel:+441326000000", "/x"])
def test_usable_targets(target):
    assert usable_target(target)


@pytest.mark.parametrize("target", ["", "#", "http://", "mailto:", "tel:", "data:text/html,x", "java\tscript:x"])
def test_unusable_targets(target):
    assert not usable_target(target)


def test_a_text_with_nothing_technical_is_not_measured_rather_than_perfect():
    result = call_skill("quality.technical", {"content": "We recut fourteen mainsails this winter.", "format": "plain"})
    assert (result["measured"], result["score"], result["basis"]) == (False, None, "not measured")
    assert not any(c["applies"] for c in result["checks"])


def test_each_check_applies_only_where_its_subject_exists():
    text = "# Winter repairs\n\n### Leech lines\n\nWe recut the sails. ![](leech.jpg) **Bold"
    result = call_skill("quality.technical", {"content": text, "format": "markdown"})
    checks = {c["check"]: c["passed"] for c in result["checks"]}
    assert checks == {"links_valid": None, "headings_not_empty": True, "single_h1": True, "heading_order": False,
                      "images_have_alt": False, "markup": False}  # fmt: skip
    assert result["score"] == 0.4  # 2 of the 5 checks that apply
    assert {f["check"]: f["gain"] for f in result["findings"]} == {
        "technical.heading_order": 0.2,
        "technical.images_have_alt": 0.2,
        "technical.markup": 0.2,
    }
