"""``quality.technical``: links, headings, images and markup — each check only where there is something to check.

**Links are read the same way in every syntax**: Markdown inline links ``[text](target "title")``, Markdown
reference links ``[text][label]`` with their ``[label]: target`` definitions, autolinks ``<https://…>``, HTML
anchors ``<a href="…">text</a>`` (in HTML and inside Markdown, which allows raw HTML) and bare URLs. Every link
must have **text** (after markup is removed; an image's alt text or an ``aria-label`` counts) and a **usable
target**: not empty, no whitespace, a safe scheme (http, https, mailto, tel, or a relative address:
``content_text.safe_url``), an http(s) address with a host, a mailto with an address, a tel with digits, and not a
bare "#", which goes nowhere. A reference to an undefined label has no target.

**Checks apply only when their subject exists** (a text with no links has no broken links, but that is not a
measurement of its links): ``links_valid`` when there are links, ``headings_not_empty`` and ``single_h1`` when
there are headings, ``heading_order`` with two or more, ``images_have_alt`` with images, ``markup`` when the text
uses markup (HTML tags; Markdown code fences or ``**``). Score = checks passed ÷ checks that apply; none apply:
not measured. Fixing a failed check gains 1 ÷ checks that apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from skills.choices import SkillCategory
from skills.registry import skill

from .content_text import (
    BARE_URL_RE,
    FORMAT_FIELD,
    HTML_TAG_RE,
    LONG_TEXT,
    MD_LINK_RE,
    Document,
    markdown_inline_to_plain,
    parse_document,
    safe_url,
)
from .quality import area, area_output, issue, not_measured, quoted

MD_REFERENCE_RE = re.compile(r"(?<![!\]])\[([^\]\n]{0,500})\]\[([^\]\n]{0,500})\]")
MD_DEFINITION_RE = re.compile(r"^ {0,3}\[([^\]\n]{1,500})\]:[ \t]*(\S{0,2000})", re.MULTILINE)
MD_AUTOLINK_RE = re.compile(r"<((?:https?|mailto|tel):[^<>\s]{0,2000})>", re.IGNORECASE)
MD_TITLE_RE = re.compile(r"\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\))\s*$")
HTML_ANCHOR_HINT = re.compile(r"<a[\s>]", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?"
CHECKS = ("links_valid", "headings_not_empty", "single_h1", "heading_order", "images_have_alt", "markup")
SHOWN = 5


@dataclass(frozen=True)
class Link:
    """A link as written: its syntax, text, target and the markup itself (for messages)."""

    syntax: str
    text: str
    target: str
    raw: str

    @property
    def problem(self) -> str:
        """Why the link is not usable ('' when it is)."""
        if not self.text.strip():
            return "no text"
        return "" if usable_target(self.target) else "no usable target"


def usable_target(target: str) -> bool:
    """A target a reader's click can follow (see the module docstring)."""
    if not safe_url(target) or target == "#":
        return False
    scheme = target.split(":", 1)[0].lower() if ":" in target else ""
    if scheme in ("http", "https"):
        return bool(urlsplit(target).hostname)
    if scheme == "mailto":
        return "@" in target
    if scheme == "tel":
        return any(ch.isdigit() for ch in target)
    return True


def find_links(content: str, fmt: str) -> list[Link]:
    """Every link in ``content`` written in ``fmt`` (both syntaxes in Markdown, which allows raw HTML)."""
    if fmt == "plain":
        return _bare_links(content)
    anchors = _html_links(content) if HTML_ANCHOR_HINT.search(content) else []
    if fmt == "html":
        return anchors
    rest = MD_LINK_RE.sub(" ", content)
    markdown = [_markdown_link(m) for m in MD_LINK_RE.finditer(content) if not m.group(1)]
    references = _reference_links(content)
    rest = MD_DEFINITION_RE.sub(" ", MD_REFERENCE_RE.sub(" ", rest))
    autolinks = [Link("markdown", m.group(1), m.group(1), m.group(0)) for m in MD_AUTOLINK_RE.finditer(rest)]
    rest = HTML_TAG_RE.sub(" ", MD_AUTOLINK_RE.sub(" ", rest))
    return markdown + references + autolinks + anchors + _bare_links(rest)


def _markdown_link(match: re.Match[str]) -> Link:
    return Link("markdown", markdown_inline_to_plain(match.group(2)), _markdown_target(match.group(3)), match.group(0))


def _markdown_target(target: str) -> str:
    target = target.strip()
    if target.startswith("<") and ">" in target:
        return target[1 : target.index(">")].strip()
    return MD_TITLE_RE.sub("", target).strip()


def _reference_links(content: str) -> list[Link]:
    definitions = {" ".join(label.split()).casefold(): url for label, url in MD_DEFINITION_RE.findall(content)}
    links = []
    for match in MD_REFERENCE_RE.finditer(content):
        label = " ".join((match.group(2) or match.group(1)).split()).casefold()
        text = markdown_inline_to_plain(match.group(1))
        links.append(Link("markdown", text, _markdown_target(definitions.get(label, "")), match.group(0)))
    return links


def _bare_links(text: str) -> list[Link]:
    urls = (match.group().rstrip(TRAILING_PUNCTUATION) for match in BARE_URL_RE.finditer(text))
    return [Link("bare", url, url, url) for url in urls]


class _AnchorCollector(HTMLParser):
    """Collects ``<a>`` elements: href, aria-label, and the text inside (an image's alt counts as text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.open: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "a":
            self._close()
            href = values.get("href", "").strip()
            self.open = {"href": href, "text": [values.get("aria-label", "")], "raw": self.get_starttag_text() or ""}
        elif tag == "img" and self.open is not None:
            self.open["text"].append(values.get("alt", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close()

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.open["text"].append(data)

    def _close(self) -> None:
        if self.open is not None:
            text = " ".join(" ".join(self.open["text"]).split())
            self.links.append(Link("html", text, self.open["href"], f"{self.open['raw']}{text}</a>"))
            self.open = None


def _html_links(content: str) -> list[Link]:
    collector = _AnchorCollector()
    collector.feed(content)
    collector.close()
    collector._close()
    return collector.links


# --- the skill -----------------------------------------------------------------------------------------------------

_LINK_OUT = {
    "type": "object",
    "required": ["syntax", "text", "target", "usable", "problem"],
    "properties": {
        "syntax": {"enum": ["markdown", "html", "bare"]},
        "text": {"type": "string"},
        "target": {"type": "string"},
        "usable": {"type": "boolean"},
        "problem": {"type": "string"},
    },
}
_CHECK_OUT = {
    "type": "object",
    "required": ["check", "applies", "passed", "detail"],
    "properties": {
        "check": {"enum": list(CHECKS)},
        "applies": {"type": "boolean"},
        "passed": {"type": ["boolean", "null"], "description": "null when the check does not apply."},
        "detail": {"type": "string"},
    },
}


@skill(
    "quality.technical",
    name="Links, headings, images and markup",
    category=SkillCategory.TECHNICAL,
    input_schema={
        "type": "object",
        "required": ["content"],
        "properties": {"content": LONG_TEXT, "format": FORMAT_FIELD},
    },
    output_schema=area_output(
        {"links": {"type": "array", "items": _LINK_OUT}, "checks": {"type": "array", "items": _CHECK_OUT}},
        ("links", "checks"),
    ),
)
def technical(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Links (HTML and Markdown alike) with text and a usable target, headings, image alt text, balanced markup."""
    content, fmt = data["content"], data.get("format", "markdown")
    doc = parse_document(content, fmt)
    links = find_links(content, fmt)
    problems = _problems(content, fmt, doc, links)
    checks = [
        {"check": name, "applies": found is not None, "passed": None if found is None else not found,
         "detail": "does not apply" if found is None else ("ok" if not found else "; ".join(found[:SHOWN]))}
        for name, found in problems.items()
    ]  # fmt: skip
    shown = [{"syntax": k.syntax, "text": k.text, "target": k.target, "usable": not k.problem, "problem": k.problem}
             for k in links]  # fmt: skip
    applying = [c for c in checks if c["applies"]]
    if not applying:
        return not_measured(
            "Nothing technical to check: no links, headings, images or markup.", links=[], checks=checks
        )
    passed = sum(1 for c in applying if c["passed"])
    findings = [_finding(name, found, doc, 1 / len(applying)) for name, found in problems.items() if found]
    reason = f"Checks passed ÷ checks that apply ({len(applying)} of {len(CHECKS)})."
    return area(passed / len(applying), reason, findings, links=shown, checks=checks)


def _problems(content: str, fmt: str, doc: Document, links: list[Link]) -> dict[str, list[str] | None]:
    """Per check: what fails (empty: passes), or None when the check does not apply."""
    levels = [level for level, _ in doc.headings]
    h1s = [text for level, text in doc.headings if level == 1]
    return {
        "links_valid": [f"{quoted(k.raw)} ({k.problem})" for k in links if k.problem] if links else None,
        "headings_not_empty": [f"an empty H{lvl}" for lvl, t in doc.headings if not t.strip()] if levels else None,
        "single_h1": ([f"{len(h1s)} H1 headings: " + ", ".join(quoted(t) for t in h1s)] if len(h1s) > 1 else [])
        if levels
        else None,
        "heading_order": _skipped_levels(doc) if len(levels) > 1 else None,
        "images_have_alt": [quoted(src or "(no source)") for alt, src in doc.images if not alt.strip()]
        if doc.images
        else None,
        "markup": _unbalanced_markup(content, fmt, doc),
    }


def _skipped_levels(doc: Document) -> list[str]:
    skipped, previous = [], (0, "")
    for level, text in doc.headings:
        if previous[0] and level > previous[0] + 1:
            skipped.append(f"H{previous[0]} {quoted(previous[1])} → H{level} {quoted(text)}")
        previous = (level, text)
    return skipped


def _unbalanced_markup(content: str, fmt: str, doc: Document) -> list[str] | None:
    if fmt == "html":
        return [f"<{tag}> is not closed" for tag in doc.unclosed_tags] if HTML_TAG_RE.search(content) else None
    if fmt == "markdown" and ("```" in content or "**" in content):
        found = ["a ``` code fence is not closed"] if content.count("```") % 2 else []
        return found + (["a ** bold marker is not closed"] if content.count("**") % 2 else [])
    return None


_LABELS = {
    "links_valid": ("error", "Links without usable text or target"),
    "headings_not_empty": ("error", "Empty headings"),
    "single_h1": ("warning", "More than one H1"),
    "heading_order": ("warning", "Heading levels skip"),
    "images_have_alt": ("warning", "Images without alt text"),
    "markup": ("error", "Unbalanced markup"),
}


def _finding(name: str, found: list[str], doc: Document, gain: float) -> dict[str, Any]:
    severity, label = _LABELS[name]
    more = f" (+{len(found) - SHOWN} more)" if len(found) > SHOWN else ""
    message = f"{label}: {'; '.join(found[:SHOWN])}{more}."
    return issue(f"technical.{name}", severity, message, _fix(name, found, doc), gain)


def _fix(name: str, found: list[str], doc: Document) -> str:
    first = found[0]
    if name == "links_valid":
        link, problem = first.rsplit(" (", 1)
        if problem.startswith("no text"):
            return f"Give {link} text a reader can see, or remove it."
        return f"Point {link} at a full address (https://…, mailto:…, or a page path), or remove it."
    if name == "single_h1":
        h1s = [text for level, text in doc.headings if level == 1]
        return f"Keep {quoted(h1s[0])} as the one H1 and make {quoted(h1s[1])} an H2."
    if name == "heading_order":
        return f"Go down one level at a time: {first} should step through every level between."
    if name == "images_have_alt":
        return f"Describe {first} in its alt text."
    if name == "headings_not_empty":
        return f"Give {first} its text, or remove it."
    return f"Close what is open: {first}."
