"""Text helpers shared by the content, email and quality skills (no skills are declared here).

One word tokenizer, one whole-word phrase matcher and one document parser are
used by every content skill, so that a word count, a keyword density and a
paragraph length always agree with each other.

- A *word* is a run of letters or digits, optionally joined by an apostrophe or
  a hyphen ("don't", "risk-free" and "e-mail" are one word each), and a bare
  URL is one word, which is how word processors count them.
- A *phrase* matches case-insensitively and only as whole words: "free" does not
  match "freedom", "auth" does not match "authors"; whitespace between the words
  of a phrase may be any run of spaces or line breaks.
- A *document* is parsed from Markdown (ATX headings, paragraphs separated by a
  blank line, ``[text](url)`` links, ``![alt](src)`` images), HTML (with the
  standard library's tolerant parser) or plain text (paragraphs only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
BARE_URL_RE = re.compile(r"https?://[^\s<>()\[\]]+", re.IGNORECASE)
# A URL is one word, as word processors count it; otherwise "example", "com"... would pad every count.
WORD_OR_URL_RE = re.compile(rf"{BARE_URL_RE.pattern}|{WORD_RE.pattern}", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w&#])#[^\W_][\w]*")
# Bounded repeats keep these linear on hostile input (a 50,000-character line of "[").
MD_LINK_RE = re.compile(r"(!?)\[([^\]\n]{0,500})\]\(([^)\n]{0,2000})\)")
MD_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
MD_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
# Underscores only count as emphasis at a word's edge, so merge tags like {{first_name}} survive.
MD_EMPHASIS_RE = re.compile(r"\*{1,3}|`+|~~|(?<!\w)_{1,3}|_{1,3}(?!\w)")
URL_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
HTML_TAG_RE = re.compile(r"<[a-zA-Z][^<>]{0,500}>")

BLOCK_TAGS = frozenset({"p", "li", "blockquote", "div", "td", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"})
# HTML lets these end without a closing tag, so an open one is not an error.
OPTIONAL_CLOSE_TAGS = frozenset(
    {"p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody", "tfoot", "option", "html", "head", "body"}
)
FORMATS = ("markdown", "html", "plain")
SEVERITIES = ("error", "warning", "info")

# Schema pieces every content skill shares (limits from the common brief: short ≤ 500, long ≤ 50,000).
SHORT_TEXT: dict[str, Any] = {"type": "string", "maxLength": 500}
LONG_TEXT: dict[str, Any] = {"type": "string", "maxLength": 50000}
FORMAT_FIELD: dict[str, Any] = {"enum": list(FORMATS), "default": "markdown"}
KEYWORDS_FIELD: dict[str, Any] = {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 100}}
FINDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["check", "severity", "message", "fix"],
    "properties": {
        "check": {"type": "string"},
        "severity": {"enum": list(SEVERITIES)},
        "message": {"type": "string"},
        "fix": {"type": "string"},
    },
}
FINDINGS_FIELD: dict[str, Any] = {"type": "array", "items": FINDING_SCHEMA}


def finding(check: str, severity: str, message: str, fix: str) -> dict[str, str]:
    """One failed check, in the shape suggestions and quality issues share."""
    return {"check": check, "severity": severity, "message": message, "fix": fix}


def by_severity(findings: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Findings without duplicates, errors first (stable within a severity)."""
    unique = {(f["check"], f["message"]): f for f in findings}
    return sorted(unique.values(), key=lambda f: SEVERITIES.index(f["severity"]))


def words(text: str) -> list[str]:
    """The words of ``text`` (see the module docstring for what counts as one; a URL is one word)."""
    return WORD_OR_URL_RE.findall(text)


def normalise_phrase(phrase: str) -> str:
    """The form a phrase is compared in: casefolded, single-spaced."""
    return " ".join(phrase.split()).casefold()


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``phrases`` as whole words, longest first (None when there are none).

    Longest first means "100% free" is found as itself and the "free" inside it is
    not counted a second time.
    """
    keys = sorted({normalise_phrase(p) for p in phrases if p.strip()}, key=len, reverse=True)
    if not keys:
        return None
    body = "|".join(r"\s+".join(re.escape(part) for part in key.split(" ")) for key in keys)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def find_phrases(text: str, phrases: Iterable[str]) -> dict[str, int]:
    """How often each phrase occurs in ``text`` as whole words, keyed by the phrase as given."""
    given = {normalise_phrase(p): p for p in phrases if p.strip()}
    pattern = phrase_pattern(given)
    counts: dict[str, int] = {}
    if pattern is None:
        return counts
    for match in pattern.finditer(text):
        key = normalise_phrase(match.group())
        name = given.get(key, key)
        counts[name] = counts.get(name, 0) + 1
    return counts


def count_phrase(text: str, phrase: str) -> int:
    """Whole-word, case-insensitive occurrences of one phrase."""
    pattern = phrase_pattern([phrase])
    return len(pattern.findall(text)) if pattern else 0


def hashtags(text: str) -> list[str]:
    """Hashtags such as ``#launch`` (not Markdown headings, not HTML entities like ``&#39;``)."""
    return HASHTAG_RE.findall(text)


@dataclass
class Document:
    """The parts of a piece of content that the checks look at."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    plain: str = ""
    unclosed_tags: list[str] = field(default_factory=list)


def parse_document(text: str, fmt: str) -> Document:
    """Parse ``text`` written in ``fmt`` (markdown, html or plain)."""
    if fmt == "html":
        return _parse_html(text)
    if fmt == "plain":
        blocks = _blocks(text.splitlines())
        paragraphs = [" ".join(b) for b in blocks]
        links = [(url, url) for url in BARE_URL_RE.findall(text)]
        return Document(paragraphs=paragraphs, links=links, plain="\n\n".join(paragraphs))
    return _parse_markdown(text)


def _blocks(lines: list[str]) -> list[list[str]]:
    """Groups of consecutive non-blank lines."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _parse_markdown(text: str) -> Document:
    doc = Document()
    prose: list[str] = []
    for line in text.splitlines():
        heading = MD_HEADING_RE.match(line)
        if heading:
            title = strip_closing_hashes(heading.group(2) or "")
            doc.headings.append((len(heading.group(1)), title))
            prose += ["", markdown_inline_to_plain(title), ""]
        else:
            prose.append(markdown_inline_to_plain(MD_LIST_RE.sub("", line).lstrip("> ")))
    for bang, label, target in MD_LINK_RE.findall(text):
        target = target.strip().split(' "')[0]  # drop an optional "title"
        (doc.images if bang else doc.links).append((label, target))
    linked = {url for _, url in doc.links}
    doc.links += [(url, url) for url in BARE_URL_RE.findall(MD_LINK_RE.sub(" ", text)) if url not in linked]
    heading_texts = {markdown_inline_to_plain(h) for _, h in doc.headings}
    blocks = [" ".join(b) for b in _blocks(prose)]
    doc.paragraphs = [b for b in blocks if b not in heading_texts]
    doc.plain = "\n\n".join(blocks)
    return doc


def strip_closing_hashes(title: str) -> str:
    """Drop an optional closing run of "#": "Title ##" → "Title", but "Learn C#" keeps its "#".

    CommonMark only treats the run as closing when a space comes before it.
    """
    title = title.strip()
    bare = title.rstrip("#")
    if bare != title and (not bare or bare[-1] in " \t"):
        title = bare.rstrip()
    return title


def markdown_inline_to_plain(line: str) -> str:
    """Inline Markdown to text: links and images become their text, emphasis markers go."""
    line = MD_LINK_RE.sub(lambda m: m.group(2), line)
    return MD_EMPHASIS_RE.sub("", line).strip()


class _HTMLCollector(HTMLParser):
    """Collects headings, blocks, links, images and still-open tags from HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Document()
        self.stack: list[str] = []
        self.block: list[str] = []
        self.blocks: list[tuple[str, str]] = []
        self.block_tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a":
            href = values.get("href", "").strip()
            self.doc.links.append((href, href))  # a link's own text is not needed by any check
        elif tag == "img":
            self.doc.images.append((values.get("alt", "").strip(), values.get("src", "").strip()))
        if tag in BLOCK_TAGS:
            self._flush()
            self.block_tag = tag
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()
        if tag in self.stack:
            index = len(self.stack) - 1 - self.stack[::-1].index(tag)
            del self.stack[index]

    def handle_data(self, data: str) -> None:
        self.block.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.block).split())
        if text or self.block_tag[:1] == "h":
            self.blocks.append((self.block_tag, text))
        self.block, self.block_tag = [], ""


def _parse_html(text: str) -> Document:
    collector = _HTMLCollector()
    collector.feed(text)
    collector.close()
    collector._flush()
    doc = collector.doc
    for tag, content in collector.blocks:
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            doc.headings.append((int(tag[1]), content))
        elif content:
            doc.paragraphs.append(content)
    doc.plain = "\n\n".join(content for _, content in collector.blocks if content)
    doc.unclosed_tags = [tag for tag in collector.stack if tag not in OPTIONAL_CLOSE_TAGS]
    return doc


def safe_url(url: str) -> bool:
    """A non-empty target that is relative or uses http(s), mailto or tel (never javascript: or data:).

    Whitespace and control characters are refused outright: browsers drop them, so
    "java\tscript:" would otherwise slip past the scheme check.
    """
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    scheme = URL_SCHEME_RE.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def first_sentence(text: str, limit: int) -> str:
    """The first sentence of ``text``, cut at a word boundary to at most ``limit`` characters."""
    flat = " ".join(text.split())
    sentence = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]
    return cut_at_word(sentence, limit)


def cut_at_word(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, at a word boundary when there is one."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    if " " in cut and not flat[limit].isspace():
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-")
