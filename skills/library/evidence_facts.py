"""Facts stated in a text: figures, dates and organisations, where they are, and what each figure is about.

**Types**, found in this order (a later kind never overlaps an earlier one):

* *currency*: ``$5M``, ``€1.2 billion``, ``300 USD``, ``USD 300`` (``$`` is read as USD, though other dollars use it);
* *percentage*: ``12%``, ``12 percent``, ``12 per cent``;
* *date*: ISO ``2024-03-01``, ``Q3 2024``, ``H1 2024``, ``March 2024``, ``March 3, 2024``, and **a year on its own**
  (1900–2099, four digits, no separator): "2022" is a date, not a number (issue 16), unless a plural noun follows
  it directly, which makes it a count ("2000 customers"); period words (results, figures, sales, levels…) do not;
* *number*: ``1,200``, ``3.5 million``, ``400``; digits glued to letters (``1st``, ``3x``, ``4G``) are not figures;
* *organisation*: capitalised words ending in Inc, Ltd, Group, Institute, University…, "<Agency> of the …", or the
  capitalised words after "according to".

**Confidence** says how sure the *pattern* is that the words are a fact of that type, not whether the fact is
true: *high* for explicit notation (a % sign or word, a currency symbol or code, a full date), *medium* where
context decides (a year on its own, a plain number, a number with a multiplier word), *low* for organisations
found by capitalisation. (The original system's numeric base confidences, 0.8 for a number and 0.6 for a date,
measured nothing.)

**Values** are exact decimals with the precision they were written to (``skills.library.figures``).

**Subject** (for matching figures across sources without a model): the content words of the clause on each side
of a figure (clauses end at , ; : ( ) — and at and / but / while / whereas; a figure's clause never reaches past a
neighbouring figure; the clause before is used when the one just before has no content word), at most six on
each side, lower-cased, without function words, figures, month names or unit words; they are compared after a
light suffix rule (``stem``: owners → owner, practices → practice, booked → book). **Period**: the years stated
as dates in the figure's sentence. A number that sizes a study ("survey of 2,400", "n = 1,200") has no subject:
it is about the method, and comparing it with the subject's figures would invent contradictions.
"""

from __future__ import annotations

import re
from typing import Any

from .figures import MULTIPLIER, NUMBER, read_number

MAX_FACTS_PER_TEXT = 200
SUBJECT_TERMS = 6  # content words taken from each side of a figure
SENTENCE_CHARS = 240  # of a fact's sentence, kept for the model's prompt
# fmt: off
CURRENCY_CODES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "usd": "USD", "eur": "EUR", "gbp": "GBP",
                  "jpy": "JPY", "chf": "CHF", "cad": "CAD", "aud": "AUD"}
PERIOD_WORDS = frozenset(("results", "figures", "numbers", "estimates", "sales", "earnings", "levels", "prices",
                          "rates", "forecasts", "projections", "accounts", "statistics", "reports", "filings",
                          "returns", "totals", "elections", "olympics", "games", "series", "awards", "models"))
_STOPWORDS_TEXT = """
a about above according after again against all almost also although am among an and another any are around as at
be because been before being below between both but by can could did do does during each either else ever every
few for from further had has have having he her here hers him his how however i if in into is it its itself just
last least less like many may me more most much must my near nearly next no nor not now of off on once one only or
other our ours out over own per percent cent rather same she should since so some such than that the their them
then there these they this those though through to too under until up upon us very was we were what when where
which while who whom why will with within without would yet you your approximately roughly around some estimated
thousand million billion trillion bn mn tn k m b usd eur gbp jpy chf cad aud year years month months quarter
january february march april may june july august september october november december jan feb mar apr jun jul aug
sep sept oct nov dec number total amount level figure
"""
# fmt: on
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_CODE = r"\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\b"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ORG_SUFFIX = (
    r"(?:Inc|Ltd|LLC|Corp|Corporation|Group|Institute|University|Association|Agency|Foundation|Bank|Research"
    r"|Partners|Council|Bureau|Commission|Ministry|Department|Office|Authority)"
)
_CAP = r"[A-Z][\w&'-]*"
_YEAR = r"(?<![\w.,$€£¥-])(?:19|20)\d{2}(?![\w%-]|[.,]\d|\s?(?:%|per\s?cent\b|percent\b))"
# (type, confidence, rule, pattern); a named group "f" marks the fact inside a larger match.
PATTERNS: tuple[tuple[str, str, str, re.Pattern[str]], ...] = (
    ("currency", "high", "currency symbol or code",
     re.compile(rf"(?P<cur>[$€£¥]|{_CODE})\s?(?P<n>{NUMBER})(?P<mult>{MULTIPLIER})?", re.I)),
    ("currency", "high", "currency code after the amount",
     re.compile(rf"(?P<n>{NUMBER})(?P<mult>{MULTIPLIER})?\s?(?P<cur>{_CODE})", re.I)),
    ("percentage", "high", "percent sign or word",
     re.compile(rf"(?P<n>{NUMBER})\s?(?:%|per\s?cent\b|percent\b)", re.I)),
    ("date", "high", "full date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b[QH][1-4]\s?\d{4}\b")),
    ("date", "high", "month and year", re.compile(rf"\b{_MONTH}\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?\s+\d{{4}}\b")),
    ("date", "medium", "a year on its own", re.compile(_YEAR)),
    ("number", "medium", "plain number", re.compile(rf"(?P<n>{NUMBER})(?P<mult>{MULTIPLIER})?(?![A-Za-z])", re.I)),
    ("organisation", "low", "capitalised name with an organisation word",
     re.compile(rf"\b(?:{_CAP}\s+){{1,4}}{_ORG_SUFFIX}\b")),
    ("organisation", "low", "organisation word with 'of'",
     re.compile(rf"\b{_ORG_SUFFIX}\s+of\s+(?:the\s+)?{_CAP}(?:\s+{_CAP}){{0,3}}")),
    ("organisation", "low", "capitalised words after 'according to'",
     re.compile(rf"\baccording to\s+(?P<f>{_CAP}(?:\s+{_CAP}){{0,3}})")),
)  # fmt: skip
HARD_TYPES = ("number", "percentage", "currency")
FACT_TYPES = ("number", "percentage", "currency", "date", "organisation")
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")
_SAMPLE_BEFORE = re.compile(r"(?:\b(?:survey|sample|poll|study|panel)\s+of|\bn\s*=)\s*$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]|\b(?:and|but|while|whereas)\b", re.IGNORECASE)


def stem(word: str) -> str:
    """A light suffix rule, enough to match owners/owner, practices/practice, booked/booking/book, pricing/price
    (not a linguistic stemmer): strip a possessive, then one of -ies (→ y), -es after s/x/z/ch/sh, -s (not -ss),
    -ing, -ed, then a final -e."""
    w = word.lower().replace("’", "'").strip("'-").removesuffix("'s")
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif re.search(r"(?:s|x|z|ch|sh)es$", w) and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        w = w[:-1]
    elif w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    return w[:-1] if w.endswith("e") and len(w) > 4 else w


def _year_is_count(text: str, end: int) -> bool:
    """A year-like number followed directly by a plural noun is a count ("2000 customers")."""
    match = _NEXT_WORD.match(text, end)
    return bool(match and match.group(1).endswith("s") and match.group(1) not in PERIOD_WORDS)


def _fact(kind: str, confidence: str, rule: str, match: re.Match[str], start: int, end: int) -> dict[str, Any] | None:
    fact: dict[str, Any] = {"type": kind, "text": match.string[start:end], "start": start, "end": end,
                            "confidence": confidence, "rule": rule, "value": None, "exact": None,
                            "half_unit": None, "unit": ""}  # fmt: skip
    if kind in HARD_TYPES:
        read = read_number(match.group("n"), match.groupdict().get("mult") or "")
        if read is None:
            return None
        fact["exact"], fact["half_unit"] = str(read[0]), str(read[1])
        fact["value"] = float(read[0])
        if kind == "percentage":
            fact["unit"] = "%"
        elif kind == "currency":
            fact["unit"] = CURRENCY_CODES.get(match.group("cur").lower(), match.group("cur").upper())
        if kind == "number" and (match.groupdict().get("mult") or "").strip():
            fact["rule"] = "number with a multiplier"
    return fact


def _matches(text: str) -> list[dict[str, Any]]:
    taken = bytearray(len(text))
    facts = []
    for kind, confidence, rule, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("f") if match.groupdict().get("f") is not None else match.span()
            if any(taken[start:end]):
                continue
            if rule == "a year on its own" and _year_is_count(text, end):
                continue
            fact = _fact(kind, confidence, rule, match, start, end)
            if fact is not None:
                taken[start:end] = b"\x01" * (end - start)
                facts.append(fact)
    return sorted(facts, key=lambda f: f["start"])[:MAX_FACTS_PER_TEXT]


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def subject_terms(words: list[str]) -> list[str]:
    """Content words as written (lower-cased), in order, without repeats: the subject of a figure or a claim."""
    kept = (w.lower().replace("’", "'").strip("'-") for w in words)
    return list(dict.fromkeys(w for w in kept if len(w) > 1 and w not in STOPWORDS and stem(w) not in STOPWORDS))


def _clause_terms(region: str, side: str) -> list[str]:
    """The subject terms of the clause next to a figure: the last clause of the text before it (or the one before
    that, when the last has no content word: "Churn, at 5 %"), or the first clause after it."""
    clauses = _CLAUSE_BREAK.split(region)
    if side == "right":
        return subject_terms(_WORD.findall(clauses[0]))[:SUBJECT_TERMS]
    for clause in reversed(clauses[-2:]):
        terms = subject_terms(_WORD.findall(clause))
        if terms:
            return terms[-SUBJECT_TERMS:]
    return []


def _is_sample_size(text: str, fact: dict[str, Any]) -> bool:
    """A number that sizes a study ("survey of 2,400", "n = 1,200", "sample of 400") describes the method, not the
    subject: it is never compared with other figures."""
    return fact["type"] == "number" and bool(_SAMPLE_BEFORE.search(text[max(0, fact["start"] - 30) : fact["start"]]))


def _annotate(text: str, facts: list[dict[str, Any]]) -> None:
    """Each fact's sentence; each hard fact's subject terms and period (the years stated in its sentence)."""
    for s_start, s_end in _sentences(text):
        inside = [f for f in facts if s_start <= f["start"] < s_end]
        years = sorted({f["text"][-4:] for f in inside if f["type"] == "date" and f["text"][-4:].isdigit()})
        hard = [f for f in inside if f["type"] in HARD_TYPES]
        for f in inside:
            f["sentence"] = text[s_start:s_end].strip()[:SENTENCE_CHARS]
        for i, f in enumerate(hard):
            left_edge = hard[i - 1]["end"] if i > 0 else s_start
            right_edge = hard[i + 1]["start"] if i + 1 < len(hard) else s_end
            left = _clause_terms(text[left_edge : f["start"]], "left")
            right = _clause_terms(text[f["end"] : right_edge], "right")
            f["subject"] = list(dict.fromkeys(left + right))
            f["period"] = years
            if _is_sample_size(text, f):
                f["subject"], f["rule"] = [], "sample size of a study (not compared)"


def extract(text: str, source: int = 0) -> list[dict[str, Any]]:
    """Every fact in ``text`` with its type, span, value, confidence and (figures) subject and period."""
    facts = _matches(text)
    _annotate(text, facts)
    for n, f in enumerate(facts):
        f["source"] = source
        f["id"] = f"S{source}.F{n + 1}" if source >= 0 else f"C.F{n + 1}"
        f.setdefault("subject", [])
        f.setdefault("period", [])
        f.setdefault("sentence", "")
    return facts
