"""The company's own words: phrases taken, never invented, from a foundation's free text.

Owned by the ICP architect and the positioning strategist (issue 16), which build their offline answers from
these and check a model's answers against them. Nothing here classifies a company into a fixed bucket: every
function returns words that occur in the text it was given (trimmed, split at list separators, first letter
lowered), or nothing.

- ``audience_segments``: the groups an audience names. "Founders and finance leads at small businesses and
  agencies in Portugal who want fewer surprises" gives two segments ("small businesses", "agencies") with the
  roles ("Founders", "finance leads"), the geography ("Portugal", a capitalised place after in / across /
  throughout) and the need ("want fewer surprises", after "who" / "that").
- ``audience_phrase``: the audience's first clause without its "who …" part, and that part.
- ``problem_phrases``: the problems the company says it removes, each from a cue ("tired of", "instead of",
  "struggle with", "waste"…) to the end of its clause.
- ``category_phrase``: the noun phrase a product sentence opens with ("A booking app that…" → "booking app").
- ``benefit_phrase``: a description sentence that starts with the company's name, without the name
  ("Ledgerly helps small teams…" → "helps small teams…").

Long texts are read only up to ``MAX_SENTENCES`` sentences of at most ``MAX_SENTENCE_CHARS`` characters: a
foundation states its audience in its first sentences, and the cap keeps every pattern linear in time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCES = 6
MAX_SENTENCE_CHARS = 400
MAX_SEGMENTS = 8
MAX_PHRASE_WORDS = 14

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_NEED = re.compile(r"\s+(?:who|that)\s+(?P<need>\S.*)$", re.IGNORECASE)
_PLACE_WORD = r"[A-Z][\w'’.-]*"
_GEOGRAPHY = re.compile(
    rf"\s+(?:in|across|throughout)\s+(?P<place>(?:the\s+)?{_PLACE_WORD}(?:(?:\s+|\s+and\s+|\s*,\s*){_PLACE_WORD}){{0,5}})"
    r"\s*$"
)
_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"(\s*,\s*(?:and|or)\s+|\s*[,;]\s*|\s+and\s+|\s+or\s+|\s+&\s+|\s*/\s*)", re.IGNORECASE)
_PROBLEM_CUE = re.compile(
    r"\b(?:tired of|fed up with|struggl(?:e|es|ing) (?:with|to)|frustrated (?:by|with)|instead of|rather than|"
    r"worried about|held back by|stuck with|drowning in|bogged down (?:by|in)|waste[sd]?|wasting|los(?:e|es|ing)|"
    r"miss(?:es|ed|ing)?|no more)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.,;:!?\n()]|\s+(?:so|but|while|because|and then)\s+", re.IGNORECASE)
_CATEGORY = re.compile(
    r"^(?:an?|the|our|their)\s+(?P<noun>[\w'’-]+(?:\s+[\w'’-]+){0,6}?)"
    r"(?=\s+(?:that|which|who|for|to|with|where|built|made|designed|connecting|used)\b|\s*[,.;:—–-]\s|\s*$)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Segment:
    """One group an audience names, with the words around it."""

    name: str
    roles: tuple[str, ...] = ()
    geography: str = ""
    need: str = ""


def clean(text: object) -> str:
    """The text with runs of whitespace collapsed to one space, trimmed."""
    return _SPACE.sub(" ", str(text or "")).strip()


def sentences(text: object) -> list[str]:
    """The first ``MAX_SENTENCES`` sentences (split after . ! ? ; and at line breaks), each capped in length."""
    parts = (clean(p) for p in _SENTENCE_END.split(str(text or "")[: MAX_SENTENCES * MAX_SENTENCE_CHARS * 2]))
    return [p[:MAX_SENTENCE_CHARS] for p in parts if p.strip(" .!?;")][:MAX_SENTENCES]


def strip_end(text: str) -> str:
    return text.strip().rstrip(".!?;:, ").strip()


def first_clause(text: object, limit: int = 200) -> str:
    """The first sentence without its closing punctuation, cut at ``limit`` characters on a word boundary."""
    first = strip_end(next(iter(sentences(text)), ""))
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0]


def lower_first(text: str) -> str:
    """ "Founders and leads" → "founders and leads"; "UK insurers" and "iOS developers" stay as written."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def split_list(text: str) -> list[str]:
    """The items of a list written in prose: "A, B and C" → [A, B, C]. A lone word that is not a plural noun
    joins the next item, so "small and mid-sized clinics" stays one item."""
    pieces = _LIST_SEPARATOR.split(text)
    items, separators = pieces[0::2], pieces[1::2]
    merged: list[str] = []
    carry = ""
    for index, raw in enumerate(items):
        item = strip_end(carry + raw)
        carry = ""
        lone = len(item.split()) == 1 and not item.lower().endswith("s")
        if lone and index + 1 < len(items) and len(items[index + 1].split()) > 1:
            carry = item + separators[index]
            continue
        if item:
            merged.append(item)
    return merged


def _segments_of(sentence: str) -> list[Segment]:
    text = strip_end(sentence)
    need = ""
    if match := _NEED.search(text):
        need, text = strip_end(match.group("need")), text[: match.start()]
    geography = ""
    if match := _GEOGRAPHY.search(text):
        geography, text = match.group("place"), text[: match.start()]
    roles: tuple[str, ...] = ()
    groups_text = text
    if match := _AT.search(text):
        roles, groups_text = tuple(split_list(text[: match.start()])), text[match.end() :]
    return [
        Segment(name=group, roles=roles, geography=geography, need=need)
        for group in split_list(groups_text)
        if len(group.split()) <= MAX_PHRASE_WORDS
    ]


def audience_segments(audience: object) -> list[Segment]:
    """The groups the audience text names, in the order it names them, each once (case-insensitive)."""
    found: list[Segment] = []
    seen: set[str] = set()
    for sentence in sentences(audience):
        for segment in _segments_of(sentence):
            key = segment.name.casefold()
            if key not in seen:
                seen.add(key)
                found.append(segment)
    return found[:MAX_SEGMENTS]


def audience_phrase(audience: object) -> tuple[str, str]:
    """The audience's first clause without its "who …" part, first letter lowered, and that part (the need)."""
    text = first_clause(audience)
    match = _NEED.search(text)
    if match is None:
        return lower_first(text), ""
    return lower_first(strip_end(text[: match.start()])), strip_end(match.group("need"))


def problem_phrases(text: object) -> list[str]:
    """Each problem the text names, from its cue to the end of the clause ("tired of manual spreadsheets")."""
    found: list[str] = []
    for sentence in sentences(text):
        covered = 0  # a cue inside a phrase already taken ("tired of losing colonies") starts no new one
        for match in _PROBLEM_CUE.finditer(sentence):
            if match.start() < covered:
                continue
            rest = sentence[match.start() :]
            end = _CLAUSE_END.search(rest, len(match.group()))
            phrase = strip_end(rest[: end.start()] if end else rest)
            covered = match.start() + len(phrase)
            words = phrase.split()
            if len(words) > 1 and phrase.casefold() not in {f.casefold() for f in found}:
                found.append(" ".join(words[:MAX_PHRASE_WORDS]))
    return found


def category_phrase(product: object) -> str:
    """The noun phrase a product sentence opens with: "A booking app that…" → "booking app"; else ""."""
    match = _CATEGORY.match(first_clause(product))
    return match.group("noun") if match else ""


def benefit_phrase(text: object, name: str) -> str:
    """The first sentence that starts with ``name``, without it ("Acme helps X" → "helps X"); else ""."""
    if not name.strip():
        return ""
    prefix = name.strip().casefold() + " "
    for sentence in sentences(text):
        if sentence.casefold().startswith(prefix):
            return strip_end(sentence[len(prefix) :])
    return ""


def normalised(text: object) -> str:
    """Lower case, whitespace collapsed, quotes straightened: how phrases are compared."""
    return clean(text).casefold().replace("’", "'")


def occurs_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` (case, spacing and closing punctuation ignored), as whole words."""
    needle = normalised(strip_end(phrase))
    if not needle:
        return False
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", normalised(text)) is not None


def numbers_in(text: object) -> list[str]:
    """The numbers written with digits in ``text``, as written ("13", "1,200", "4.5")."""
    return _NUMBER.findall(str(text or ""))


def joined(items: list[str], conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def article(noun: str) -> str:
    """ "a" or "an" for ``noun`` by its first letter, with the common exceptions ("an hour", "a user", "an SEO …")."""
    word = noun.strip()
    lowered = word.lower()
    if re.match(r"[A-Z]{2}", word):
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    if lowered.startswith(("hour", "honest", "honour", "honor", "heir")):
        return "an"
    if lowered.startswith(("uni", "use", "usu", "one", "once", "eu", "ewe")):
        return "a"
    return "an" if lowered[:1] in ("a", "e", "i", "o", "u") else "a"
