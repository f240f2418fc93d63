"""Evidence: facts in source texts, how credible each source is, where sources disagree, which claims hold.

Rules (DOMAIN.md, "Evidence analyst") and the choices made where it is silent:

* **Facts** are found by regular expressions, in this order, a later kind never overlapping an earlier one:
  currency (``$5M``, ``€1.2 billion``, ``300 USD``), percentage (``12%``, ``12 percent``), date (ISO
  ``2024-03-01``, ``March 2024``, ``March 3, 2024``, ``Q3 2024``, and a bare year only after in / since /
  by / from / until / during / through), number (``1,200``, ``3.5 million``; any other year is a number),
  organisation (capitalised words ending in Inc, Ltd, Group, Institute, University…, or the capitalised
  words after "according to"). Base confidence: number 0.8, percentage 0.7, currency 0.75, date 0.6,
  organisation 0.5. At most 200 facts per text (the first ones); a figure too large for a float is skipped.
* A fact's **category** is the nearest category keyword (``CATEGORY_KEYWORDS``: market size, growth, churn,
  CAC, LTV, conversion, revenue, price) before it in the same sentence within 80 characters, else the nearest
  after it; otherwise none. A plain number within 15 characters after a methodology cue ("survey of 400",
  "n = 400") is a sample size and gets no category.
* **Authority** from the URL's host: .gov .edu .org 0.9; .com .net .co 0.6; no usable URL 0.3; anything
  else 0.4. Under a two-letter country code the second level decides, so ``example.gov.uk`` is .gov (0.9),
  ``example.ac.uk`` is academic like .edu (0.9), ``example.co.uk`` is .co (0.6), ``example.uk`` is 0.4.
* **Recency** is the published date's age at the reference date (given, else the latest published date among
  the sources — never today, so the same input always gives the same answer): ≤ 1 year 1.0, ≤ 2 years 0.8,
  ≤ 3 years 0.6, ≤ 5 years 0.4, older 0.2; a date after the reference counts as age 0; no date 0.3.
* **Corroboration** = min(1, other sources stating a matching fact ÷ 2). Two facts match when both are hard
  (number, percentage, currency) of the same type, unit and category (or both uncategorised) and differ by
  at most 5 %.
* **Methodology** = min(1, distinct methodology cues ÷ 2); cues are whole words (``METHODOLOGY_CUES``).
* **Credibility** = 0.3 × authority + 0.2 × recency + 0.2 × corroboration + 0.3 × methodology;
  high ≥ 0.8, medium ≥ 0.6, low ≥ 0.4, else questionable.
* **Contradictions**: hard facts of the same category, type and unit from two different sources (figures
  within one source are often a time series, so they are not compared). Difference = |a − b| ÷ max(|a|, |b|)
  (0 when both are 0); for each pair of sources the widest pair of values is reported: > 0.5 critical,
  > 0.3 high, > 0.2 medium; 0.2 or less is no conflict.
* **Claims**: the supporting sources are those the claim names, else those stating a fact that matches one in
  the claim. Hard proof: a supporting source states a hard fact matching one of the claim's (any hard fact when
  the claim states no figure). Verified when the supporting sources' mean credibility ≥ 0.8 with hard proof;
  partly verified when it is ≥ 0.5; otherwise, or with no supporting source, unverified.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from datetime import date
from itertools import combinations
from typing import Any
from urllib.parse import urlsplit

from skills.choices import SkillCategory
from skills.registry import skill

BASE_CONFIDENCE = {"number": 0.8, "percentage": 0.7, "currency": 0.75, "date": 0.6, "organisation": 0.5}
FACT_TYPES = tuple(BASE_CONFIDENCE)
HARD_TYPES = ("number", "percentage", "currency")
MAX_FACTS_PER_TEXT = 200
AUTHORITY = {"gov": 0.9, "edu": 0.9, "org": 0.9, "com": 0.6, "net": 0.6, "co": 0.6}
AUTHORITY_SECOND_LEVEL = {**AUTHORITY, "ac": 0.9}
AUTHORITY_NO_URL, AUTHORITY_OTHER = 0.3, 0.4
RECENCY_BANDS = ((365, 1.0), (730, 0.8), (1095, 0.6), (1825, 0.4))
RECENCY_OLDER, RECENCY_UNKNOWN = 0.2, 0.3
CORROBORATION_SATURATION, MATCH_TOLERANCE, METHODOLOGY_SATURATION = 2, 0.05, 2
# fmt: off
METHODOLOGY_CUES = (
    r"survey of", r"surveyed", r"n\s*=\s*\d[\d,]*", r"samples?", r"stud(?:y|ies)", r"methodology", r"respondents",
    r"randomi[sz]ed", r"peer-reviewed", r"dataset", r"margin of error", r"confidence interval",
)
# fmt: on
WEIGHTS = {"authority": 0.3, "recency": 0.2, "corroboration": 0.2, "methodology": 0.3}
LEVELS = ((0.8, "high"), (0.6, "medium"), (0.4, "low"))
CONFLICT_BANDS = ((0.5, "critical"), (0.3, "high"), (0.2, "medium"))
VERIFIED_AT, PARTLY_AT = 0.8, 0.5
CATEGORY_WINDOW, SAMPLE_WINDOW = 80, 15
CATEGORY_KEYWORDS = {
    "market size": ("market size", "market", "tam", "total addressable market", "market value"),
    "growth": ("growth", "grow", "grows", "grew", "growing", "cagr", "increase", "increased"),
    "churn": ("churn", "churn rate", "attrition"),
    "cac": ("cac", "customer acquisition cost", "acquisition cost", "cost per acquisition"),
    "ltv": ("ltv", "clv", "lifetime value"),
    "conversion": ("conversion", "conversion rate", "converts", "converted"),
    "revenue": ("revenue", "arr", "mrr", "sales"),
    "price": ("price", "prices", "pricing", "priced"),
}
MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}
MULTIPLIERS["trillion"] = 1e12
CURRENCY_CODES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "usd": "USD", "eur": "EUR", "gbp": "GBP"}

_NUM = r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_MULT = r"(?:\s?(?:thousand|million|billion|trillion)\b|(?:bn|k|m|b)\b)?"
_CODE = r"\b(?:USD|EUR|GBP)\b"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ORG_SUFFIX = (
    r"(?:Inc|Ltd|LLC|Corp|Corporation|Group|Institute|University|Association|Agency|Foundation|Bank|Research"
    r"|Partners|Council|Bureau|Commission|Ministry|Department)"
)
_CAP = r"[A-Z][\w&'-]*"
# (type, pattern); a named group "f" marks the fact inside a larger match, "n"/"mult"/"cur" its parts.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("currency", re.compile(rf"(?P<cur>[$€£¥]|{_CODE})\s?(?P<n>{_NUM})(?P<mult>{_MULT})", re.I)),
    ("currency", re.compile(rf"(?P<n>{_NUM})(?P<mult>{_MULT})\s?(?P<cur>{_CODE})", re.I)),
    ("percentage", re.compile(rf"(?P<n>{_NUM})\s?(?:%|percent\b|per cent\b)", re.I)),
    ("date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b[QH][1-4]\s?\d{4}\b")),
    ("date", re.compile(rf"\b{_MONTH}\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?\s+\d{{4}}\b")),
    ("date", re.compile(r"\b(?:in|since|by|from|until|during|through)\s+(?P<f>(?:19|20)\d{2})\b", re.I)),
    ("number", re.compile(rf"(?P<n>{_NUM})(?P<mult>{_MULT})", re.I)),
    ("organisation", re.compile(rf"\b(?:{_CAP}\s+){{1,4}}{_ORG_SUFFIX}\b")),
    ("organisation", re.compile(rf"\b{_ORG_SUFFIX}\s+of\s+(?:the\s+)?{_CAP}(?:\s+{_CAP}){{0,3}}")),
    ("organisation", re.compile(rf"\baccording to\s+(?P<f>{_CAP}(?:\s+{_CAP}){{0,3}})")),
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation of ``words`` (longest first, so phrases win)."""
    parts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


_CATEGORIES = tuple((name, _words(words)) for name, words in CATEGORY_KEYWORDS.items())
_CUES = tuple(re.compile(rf"\b{cue}\b", re.IGNORECASE) for cue in METHODOLOGY_CUES)


# --- facts ------------------------------------------------------------------------------------------------


def _value(match: re.Match[str]) -> float | None:
    """The number a hard-fact match states, with its multiplier; None when it does not fit a float."""
    value = float(match.group("n").replace(",", ""))
    mult = (match.groupdict().get("mult") or "").strip().lower()
    value *= MULTIPLIERS.get(mult, 1)
    return value if math.isfinite(value) else None


def _category(text: str, start: int, end: int) -> str | None:
    """The category keyword nearest the fact in its sentence within CATEGORY_WINDOW characters, preferring one
    before the fact (English usually names the metric first: "churn was 5%"), else one after ("5% churn")."""
    left = _SENTENCE_END.split(text[max(0, start - CATEGORY_WINDOW) : start])[-1]
    right = _SENTENCE_END.split(text[end : end + CATEGORY_WINDOW])[0]
    before = [(len(left) - m.end(), rank) for rank, (_, p) in enumerate(_CATEGORIES) for m in p.finditer(left)]
    after = [(m.start(), rank) for rank, (_, p) in enumerate(_CATEGORIES) for m in p.finditer(right)]
    nearest = min(before or after, default=None)
    return _CATEGORIES[nearest[1]][0] if nearest else None


def _is_sample_size(text: str, start: int, end: int) -> bool:
    """A plain number right after a methodology cue ("survey of 400", "n = 400") describes the study itself."""
    window = text[max(0, start - SAMPLE_WINDOW) : end]
    return any(cue.search(window) for cue in _CUES)


def _fact(fact_type: str, match: re.Match[str], text: str, source: int) -> dict[str, Any] | None:
    start, end = match.span("f") if match.groupdict().get("f") is not None else match.span()
    value, unit = None, ""
    if fact_type in HARD_TYPES:
        value = _value(match)
        if value is None:
            return None
        unit = "%" if fact_type == "percentage" else ""
        if fact_type == "currency":
            unit = CURRENCY_CODES.get(match.group("cur").lower(), match.group("cur").upper())
    # The category is filled in by extract() once the facts are capped: it is the costly part.
    # fmt: off
    return {"source": source, "type": fact_type, "text": text[start:end], "value": value, "unit": unit,
            "category": None, "confidence": BASE_CONFIDENCE[fact_type], "start": start}
    # fmt: on


def extract(text: str, source: int = 0) -> list[dict[str, Any]]:
    """Every fact in ``text`` (see the module docstring), in reading order, at most MAX_FACTS_PER_TEXT."""
    taken = bytearray(len(text))
    facts = []
    for fact_type, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("f") if match.groupdict().get("f") is not None else match.span()
            if any(taken[start:end]):
                continue
            fact = _fact(fact_type, match, text, source)
            if fact is not None:
                taken[start:end] = b"\x01" * (end - start)
                facts.append(fact)
    kept = sorted(facts, key=lambda f: f["start"])[:MAX_FACTS_PER_TEXT]
    for f in kept:
        start, end = f["start"], f["start"] + len(f["text"])
        if f["type"] in HARD_TYPES and not (f["type"] == "number" and _is_sample_size(text, start, end)):
            f["category"] = _category(text, start, end)
    return kept


def difference(a: float, b: float) -> float:
    """|a − b| ÷ max(|a|, |b|): 0 for equal values, 1 when one of them is 0 and the other is not."""
    largest = max(abs(a), abs(b))
    return 0.0 if largest == 0 else abs(a - b) / largest


def facts_match(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Do two facts state the same figure (same hard type, unit and category, within 5 %)?"""
    if a["type"] not in HARD_TYPES or a["type"] != b["type"] or a.get("unit", "") != b.get("unit", ""):
        return False
    if a.get("category") != b.get("category") or a.get("value") is None or b.get("value") is None:
        return False
    return difference(a["value"], b["value"]) <= MATCH_TOLERANCE


# --- sources ----------------------------------------------------------------------------------------------


def authority(url: str | None) -> tuple[float, str]:
    """The authority score of a source's URL and the host it was read from (see the module docstring)."""
    url = (url or "").strip()
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "") if url else ""
    except ValueError:
        host = ""
    host = host.rstrip(".").lower()
    if not re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", host):
        return AUTHORITY_NO_URL, ""
    labels = host.split(".")
    if len(labels[-1]) == 2 and labels[-2] in AUTHORITY_SECOND_LEVEL:
        return AUTHORITY_SECOND_LEVEL[labels[-2]], host
    return AUTHORITY.get(labels[-1], AUTHORITY_OTHER), host


def parse_date(value: str | None) -> date | None:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def recency(published: date | None, reference: date | None) -> tuple[float, int | None]:
    """The recency score of a source and its age in days at the reference date (None when unknown)."""
    if published is None or reference is None:
        return RECENCY_UNKNOWN, None
    age = max(0, (reference - published).days)
    return next((score for days, score in RECENCY_BANDS if age <= days), RECENCY_OLDER), age


def methodology(text: str) -> tuple[float, list[str]]:
    """The methodology score of a text and the distinct cues found in it."""
    found = [m.group().lower() for pattern in _CUES if (m := pattern.search(text))]
    return min(1.0, len(found) / METHODOLOGY_SATURATION), found


def corroborators(facts: list[list[dict[str, Any]]]) -> list[list[int]]:
    """For each source, the other sources that state at least one matching hard fact."""
    index: dict[tuple[int, tuple[str, str, str | None]], list[float]] = {}
    for source, source_facts in enumerate(facts):
        for f in source_facts:
            if f["type"] in HARD_TYPES and f["value"] is not None:
                index.setdefault((source, (f["type"], f["unit"], f["category"])), []).append(f["value"])
    for values in index.values():
        values.sort()
    found: list[list[int]] = [[] for _ in facts]
    for (source, key), values in index.items():
        for other in range(len(facts)):
            if other != source and other not in found[source] and _any_close(values, index.get((other, key), [])):
                found[source].append(other)
    return [sorted(f) for f in found]


def _any_close(values: list[float], others: list[float]) -> bool:
    """Is some value within MATCH_TOLERANCE of some value in the sorted list ``others``?"""
    for v in values:
        lo, hi = v * (1 - MATCH_TOLERANCE) * (1 - 1e-9), v / (1 - MATCH_TOLERANCE) * (1 + 1e-9)
        candidates = others[bisect_left(others, lo) : bisect_right(others, hi)]
        if any(difference(v, o) <= MATCH_TOLERANCE for o in candidates):
            return True
    return False


def _assess_one(
    i: int, source: dict[str, Any], published: date | None, reference: date | None, backers: list[int]
) -> dict[str, Any]:
    auth, host = authority(source.get("url"))
    fresh, age = recency(published, reference)
    method, cues = methodology(source["text"])
    corroboration = min(1.0, len(backers) / CORROBORATION_SATURATION)
    parts = {"authority": auth, "recency": fresh, "corroboration": corroboration, "methodology": method}
    credibility = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 4)
    # fmt: off
    return {"source": i, "url": source.get("url", ""), "host": host, "age_days": age, **parts,
            "credibility": credibility, "level": level(credibility), "corroborating_sources": backers,
            "methodology_cues": cues}
    # fmt: on


def level(credibility: float) -> str:
    return next((name for at, name in LEVELS if round(credibility, 6) >= at), "questionable")


def assess(sources: list[dict[str, Any]], reference_date: str | None = None) -> dict[str, Any]:
    """Credibility of every source (formula and definitions in the module docstring)."""
    published = [parse_date(s.get("published")) for s in sources]
    reference = parse_date(reference_date) or max((d for d in published if d), default=None)
    backers = corroborators([extract(s["text"], i) for i, s in enumerate(sources)])
    assessed = [_assess_one(i, s, published[i], reference, backers[i]) for i, s in enumerate(sources)]
    return {"reference_date": reference.isoformat() if reference else None, "sources": assessed}


# --- contradictions and claims ----------------------------------------------------------------------------


def severity(diff: float) -> str | None:
    return next((name for above, name in CONFLICT_BANDS if round(diff, 6) > above), None)


def contradictions(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Conflicting figures between sources (rules in the module docstring), most severe first."""
    buckets: dict[tuple[str, str, str], dict[int, list[dict[str, Any]]]] = {}
    for f in facts:
        if f["type"] in HARD_TYPES and f.get("category") and f.get("value") is not None:
            key = (f["category"], f["type"], f.get("unit", ""))
            buckets.setdefault(key, {}).setdefault(f["source"], []).append(f)
    found = []
    for (category, fact_type, unit), by_source in buckets.items():
        for s, t in combinations(sorted(by_source), 2):
            a, b = _widest(by_source[s], by_source[t])
            diff = difference(a["value"], b["value"])
            if band := severity(diff):
                # fmt: off
                found.append({"category": category, "type": fact_type, "unit": unit, "sources": [s, t],
                              "values": [a["value"], b["value"]], "texts": [a.get("text", ""), b.get("text", "")],
                              "difference": round(diff, 4), "severity": band})
                # fmt: on
    rank = [name for _, name in CONFLICT_BANDS]
    return sorted(found, key=lambda c: (rank.index(c["severity"]), -c["difference"], c["sources"]))


def _widest(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pair of facts, one from each list, whose values differ most (always a max/min pair)."""

    def by_value(f: dict[str, Any]) -> float:
        return f["value"]

    pairs = [(max(a, key=by_value), min(b, key=by_value)), (min(a, key=by_value), max(b, key=by_value))]
    return max(pairs, key=lambda p: difference(p[0]["value"], p[1]["value"]))


def verify(claim: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The verdict on one claim (rules in the module docstring)."""
    stated = [f for f in extract(claim["text"], -1) if f["type"] in HARD_TYPES]
    named = list(dict.fromkeys(i for i in claim.get("sources", []) if 0 <= i < len(sources)))
    matching = [i for i, s in enumerate(sources) if any(facts_match(c, f) for c in stated for f in s["facts"])]
    supporting = named or matching
    if stated:
        hard = any(facts_match(c, f) for i in supporting for c in stated for f in sources[i]["facts"])
    else:
        hard = any(f["type"] in HARD_TYPES for i in supporting for f in sources[i]["facts"])
    mean = sum(sources[i]["credibility"] for i in supporting) / len(supporting) if supporting else None
    if mean is not None and round(mean, 6) >= VERIFIED_AT and hard:
        verdict = "verified"
    elif mean is not None and round(mean, 6) >= PARTLY_AT:
        verdict = "partly_verified"
    else:
        verdict = "unverified"
    # fmt: off
    return {"claim": claim["text"], "verdict": verdict, "supporting_sources": supporting,
            "mean_credibility": None if mean is None else round(mean, 4), "hard_proof": hard,
            "reason": _reason(supporting, mean, hard)}
    # fmt: on


def _reason(supporting: list[int], mean: float | None, hard: bool) -> str:
    if mean is None:
        return "No source supports this claim."
    proof = "with" if hard else "without"
    return f"{len(supporting)} supporting source(s), mean credibility {mean:.2f}, {proof} a matching hard figure."


# --- skills -----------------------------------------------------------------------------------------------


def _obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema whose properties are all required except ``optional``."""
    return {"type": "object", "required": [k for k in properties if k not in optional], "properties": properties}


def _arr(items: dict[str, Any], max_items: int | None = None) -> dict[str, Any]:
    return {"type": "array", "items": items, **({"maxItems": max_items} if max_items else {})}


# fmt: off
_STR = {"type": "string"}
_DATE = {"type": "string", "maxLength": 10, "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_SCORE = {"type": "number", "minimum": 0, "maximum": 1}
_VALUE = {"type": ["number", "null"], "minimum": 0}
_INTS = _arr({"type": "integer", "minimum": 0})
_COUNT = {"type": "integer", "minimum": 0}
TEXTS = _arr(_obj({"text": {"type": "string", "maxLength": 50000}, "url": {"type": "string", "maxLength": 500},
                   "published": _DATE}, optional=("url", "published")), 20)
FACT = _obj({"source": {"type": "integer", "minimum": -1}, "type": {"enum": list(FACT_TYPES)}, "text": _STR,
             "value": _VALUE, "unit": _STR, "category": {"type": ["string", "null"]}, "confidence": _SCORE,
             "start": {"type": "integer", "minimum": 0}})
_FACT_IN = _obj({"source": {"type": "integer", "minimum": 0, "maximum": 1000}, "type": {"enum": list(FACT_TYPES)},
                 "value": _VALUE, "unit": {"type": "string", "maxLength": 20},
                 "category": {"type": ["string", "null"], "maxLength": 50},
                 "text": {"type": "string", "maxLength": 500}}, optional=("unit", "category", "text"))
SOURCE = _obj({"source": {"type": "integer", "minimum": 0}, "url": _STR, "host": _STR,
               "age_days": {"type": ["integer", "null"], "minimum": 0}, "authority": _SCORE, "recency": _SCORE,
               "corroboration": _SCORE, "methodology": _SCORE, "credibility": _SCORE,
               "corroborating_sources": _INTS, "methodology_cues": _arr(_STR),
               "level": {"enum": ["high", "medium", "low", "questionable"]}})
CONTRADICTION = _obj({"category": _STR, "type": {"enum": list(HARD_TYPES)}, "unit": _STR, "sources": _INTS,
                      "values": _arr({"type": "number", "minimum": 0}), "texts": _arr(_STR), "difference": _SCORE,
                      "severity": {"enum": ["medium", "high", "critical"]}})
CLAIMS = _arr(_obj({"text": {"type": "string", "maxLength": 2000},
                    "sources": _arr({"type": "integer", "minimum": 0, "maximum": 1000}, 20)},
                   optional=("sources",)), 50)
VERDICT = _obj({"claim": _STR, "verdict": {"enum": ["verified", "partly_verified", "unverified"]},
                "supporting_sources": _INTS, "hard_proof": {"type": "boolean"}, "reason": _STR,
                "mean_credibility": {"type": ["number", "null"], "minimum": 0, "maximum": 1}})
_RATED = _obj({"credibility": _SCORE, "facts": _arr(_FACT_IN, 500)})
_COUNTS = _obj({key: _COUNT for key in FACT_TYPES})
# fmt: on


@skill(
    "evidence.extract_facts",
    name="Extract facts",
    category=SkillCategory.RESEARCH,
    input_schema=_obj({"texts": TEXTS}),
    output_schema=_obj({"facts": _arr(FACT), "counts": _COUNTS}),
)
def extract_facts(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Numbers, percentages, amounts, dates and organisations stated in each text, with a base confidence."""
    facts = [f for i, item in enumerate(data["texts"]) for f in extract(item["text"], i)]
    return {"facts": facts, "counts": {t: sum(f["type"] == t for f in facts) for t in FACT_TYPES}}


@skill(
    "evidence.source_credibility",
    name="Source credibility",
    category=SkillCategory.RESEARCH,
    input_schema=_obj({"texts": TEXTS, "reference_date": _DATE}, optional=("reference_date",)),
    output_schema=_obj({"reference_date": {"type": ["string", "null"]}, "sources": _arr(SOURCE)}),
)
def source_credibility(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Scores each source on authority, recency, corroboration and methodology, and grades its credibility."""
    return assess(data["texts"], data.get("reference_date"))


@skill(
    "evidence.find_contradictions",
    name="Find contradictions",
    category=SkillCategory.RESEARCH,
    input_schema=_obj({"facts": _arr(_FACT_IN, 1000)}),
    output_schema=_obj({"contradictions": _arr(CONTRADICTION)}),
)
def find_contradictions(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Figures of the same category that two sources state differently by more than 20 %, with a severity."""
    return {"contradictions": contradictions(data["facts"])}


@skill(
    "evidence.verify_claims",
    name="Verify claims",
    category=SkillCategory.RESEARCH,
    input_schema=_obj({"claims": CLAIMS, "sources": _arr(_RATED, 20)}),
    output_schema=_obj({"verdicts": _arr(VERDICT)}),
)
def verify_claims(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Verdict for each claim: verified, partly verified or unverified, from its supporting sources' credibility."""
    return {"verdicts": [verify(claim, data["sources"]) for claim in data["claims"]]}
