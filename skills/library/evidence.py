"""Evidence: the facts in source texts, how reliable each source is, and where sources disagree.

Facts are found by ``evidence_facts`` (types, confidence, subject terms, periods), sources graded by
``evidence_sources`` (the kind of domain on the Admiralty scale), claims judged by ``evidence_claims``. This module
compares figures across sources:

* **Same subject.** Two figures can only disagree when they are about the same thing. With a model, the model
  says which facts are about the same subject (``groups``, for the facts it was shown: ``model_scope``); without
  one, or for facts outside that scope, code matches them **lexically**: two figures of the same kind share a
  subject when their subject words share at least two stems (one, when either has a single word) and those shared
  stems are at least a third of the smaller set (a claim's subject is usually wordier than a source's clause).
  The rule is a heuristic, not a validated method: it is what code can decide, and the answer says when it was
  used (``matching``, ``matched_by``) and lists the matches as needing a model.
* **Same kind.** Only figures of the same type and unit are compared (a percentage with a percentage, USD with USD;
  no currency conversion), and only across sources: figures within one source are usually a series.
* **Agree or differ.** Two figures agree when each is within the other's rounding (``figures.agree``: 12 % and
  12.3 % agree, 39,000 and 38,500 do not). Any other pair on the same subject is a **contradiction**, unless it is
  explained: the model called it no contradiction (with its reason), or, offline, both figures' sentences state
  years and the years differ (a change over time, not a disagreement).
* **Severity** orders contradictions for reading; it decides no verdict (a claim is contested by any
  contradiction). The bands are the original system's rule of thumb, kept for ordering and labelled as such:
  relative difference |a − b| ÷ max(|a|, |b|) up to 0.2 low, 0.3 medium, 0.5 high, above that critical; for
  percentages the difference in points is given too.
* **Corroboration** of a fact follows the Admiralty system's information credibility: *confirmed* when a source
  on another registrable domain states an agreeing figure on the same subject and none disagrees, *contradicted*
  when one disagrees, *single_source* otherwise (the scale's "cannot be judged" from the sources given).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import combinations
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from . import evidence_facts, evidence_sources
from .evidence_facts import FACT_TYPES, HARD_TYPES, stem
from .figures import agree, relative_difference

MAX_COMPARED_FACTS = 1000
MAX_LISTED = 500
SEVERITY_BANDS = ((Decimal("0.5"), "critical"), (Decimal("0.3"), "high"), (Decimal("0.2"), "medium"))
SEVERITY_RULE = (
    "rule of thumb kept from the original system to order contradictions: >0.2 medium, >0.3 high, >0.5 critical"
)
# fmt: off
METHODOLOGY_CUES = (
    r"survey of", r"surveyed", r"n\s*=\s*\d[\d,]*", r"samples?", r"stud(?:y|ies)", r"methodology", r"respondents",
    r"randomi[sz]ed", r"peer-reviewed", r"dataset", r"margin of error", r"confidence interval", r"census",
)
# fmt: on
_CUES = tuple(re.compile(rf"\b{cue}\b", re.IGNORECASE) for cue in METHODOLOGY_CUES)


# --- sources ----------------------------------------------------------------------------------------------------


def parse_date(value: str | None) -> date | None:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def methodology(text: str) -> list[str]:
    """The distinct methodology cues a text states ("survey of", "n = 400", "margin of error"…), as written."""
    return [m.group() for pattern in _CUES if (m := pattern.search(text))]


def assess(texts: list[dict[str, Any]], reference_date: str | None = None) -> dict[str, Any]:
    """Each source's address, kind of domain and grade, its age at the reference date (given, else the newest
    published date among the sources: never today, so the same input gives the same answer) and methodology cues."""
    published = [parse_date(t.get("published")) for t in texts]
    reference = parse_date(reference_date) or max((d for d in published if d), default=None)
    sources = []
    for i, item in enumerate(texts):
        when = published[i]
        age = max(0, (reference - when).days) if reference and when else None
        # fmt: off
        sources.append({"source": i, "url": item.get("url", ""), **evidence_sources.authority(item.get("url")),
                        "published": item.get("published"), "age_days": age,
                        "methodology_cues": methodology(item["text"])})
        # fmt: on
    return {"reference_date": reference.isoformat() if reference else None, "sources": sources}


# --- comparing figures ---------------------------------------------------------------------------------------------


def read(fact: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """The exact value and half-unit of a fact ``_comparable`` kept (which all read)."""
    return exact(fact) or (Decimal(0), Decimal(0))


def exact(fact: dict[str, Any]) -> tuple[Decimal, Decimal] | None:
    """A fact's exact value and half-unit, or None when it states none that reads as a decimal."""
    try:
        value, half = Decimal(fact["exact"]), Decimal(fact.get("half_unit") or "0")
    except (InvalidOperation, KeyError, TypeError):
        return None
    return (value, abs(half)) if value.is_finite() and half.is_finite() else None


def same_subject(a: list[str], b: list[str]) -> list[str]:
    """The shared subject words (as ``a`` writes them) when two lists of subject words are about the same subject:
    rule in the module docstring, words compared by their stems (``evidence_facts.stem``)."""
    return shared_subject(stems_of(a), stems_of(b))


def stems_of(words: list[str]) -> dict[str, str]:
    """Each word's stem, mapped to the first word (as written) that has it, in order."""
    stems: dict[str, str] = {}
    for word in words:
        stems.setdefault(stem(word), word)
    return stems


def shared_subject(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """``same_subject`` on stems already computed (``stems_of``)."""
    shared = [word for s, word in a.items() if s in b]
    smaller = min(len(a), len(b))
    if smaller == 0 or len(shared) < min(2, smaller) or 3 * len(shared) < smaller:
        return []
    return shared


def severity(diff: Decimal) -> str:
    return next((name for above, name in SEVERITY_BANDS if diff > above), "low")


def _kind(fact: dict[str, Any]) -> tuple[str, str]:
    return fact["type"], fact.get("unit", "")


def _comparable(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in facts[:MAX_COMPARED_FACTS] if f["type"] in HARD_TYPES and exact(f) is not None]


def _lexical_pairs(facts: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """Pairs of figures (ids) from different sources, same kind, about the same subject by shared words. Only pairs
    sharing at least one stem are examined (an index by kind and stem), each once."""
    stems = [stems_of(f.get("subject", [])) for f in facts]
    index: dict[tuple[tuple[str, str], str], list[int]] = {}
    for n, f in enumerate(facts):
        for term in stems[n]:
            index.setdefault((_kind(f), term), []).append(n)
    seen: set[tuple[int, int]] = set()
    pairs: dict[tuple[str, str], str] = {}
    for members in index.values():
        for i, j in combinations(members, 2):
            if facts[i]["source"] == facts[j]["source"] or (i, j) in seen:
                continue
            seen.add((i, j))
            shared = shared_subject(stems[i], stems[j])
            if shared:
                pairs[(facts[i]["id"], facts[j]["id"])] = " ".join(shared)
    return pairs


def _model_pairs(facts: dict[str, dict[str, Any]], groups: list[dict[str, Any]], corrections: list[str]):
    """Pairs of figures (ids) the model put in one subject group; a group mixing kinds is split by kind."""
    pairs: dict[tuple[str, str], str] = {}
    for group in groups:
        members = [facts[i] for i in dict.fromkeys(group["facts"]) if i in facts]
        unknown = [i for i in group["facts"] if i not in facts]
        if unknown:
            corrections.append(f"group “{group['name']}”: {', '.join(unknown[:5])} are not figures of these sources")
        if len({_kind(f) for f in members}) > 1:
            corrections.append(f"group “{group['name']}” mixes kinds of figure: compared only within each kind")
        for a, b in combinations(sorted(members, key=_order), 2):
            if a["source"] != b["source"] and _kind(a) == _kind(b):
                pairs[(a["id"], b["id"])] = group["name"]
    return pairs


def _order(fact: dict[str, Any]) -> tuple[int, int]:
    return fact["source"], fact.get("start", 0)


def _pairs(facts: list[dict[str, Any]], data: dict[str, Any], corrections: list[str]) -> dict[tuple[str, str], Any]:
    """Every same-subject pair: the model's groups inside its scope, shared words outside it, (a, b) in order."""
    by_id = {f["id"]: f for f in facts}
    scope = set(data.get("model_scope", []))
    pairs = {k: (s, "lexical") for k, s in _lexical_pairs(facts).items() if not (k[0] in scope and k[1] in scope)}
    pairs |= {k: (s, "model") for k, s in _model_pairs(by_id, data.get("groups", []), corrections).items()}
    for call in data.get("calls", []):
        ids = call["facts"]
        a, b = by_id.get(ids[0]), by_id.get(ids[-1])
        if a is None or b is None or a["source"] == b["source"] or _kind(a) != _kind(b):
            corrections.append(f"call on {' and '.join(ids)}: not two figures of one kind from different sources")
            continue
        first, second = sorted((a, b), key=_order)
        pairs.setdefault((first["id"], second["id"]), ("", "model"))  # a call: the model took them as one subject
    return {_ordered(by_id, k): v for k, v in pairs.items()}


def _ordered(by_id: dict[str, dict[str, Any]], key: tuple[str, str]) -> tuple[str, str]:
    a, b = sorted(key, key=lambda i: _order(by_id[i]))
    return a, b


def _periods_differ(a: dict[str, Any], b: dict[str, Any]) -> bool:
    pa, pb = set(a.get("period", [])), set(b.get("period", []))
    return bool(pa and pb and not pa & pb)


def _entry(a: dict[str, Any], b: dict[str, Any], subject: str, method: str) -> dict[str, Any]:
    # fmt: off
    return {"facts": [a["id"], b["id"]], "sources": [a["source"], b["source"]],
            "texts": [a.get("text", ""), b.get("text", "")], "type": a["type"], "unit": a.get("unit", ""),
            "subject": subject, "matched_by": method}
    # fmt: on


def _contradiction(a: dict[str, Any], b: dict[str, Any], entry: dict[str, Any], reason: str, by: str) -> dict:
    va, vb = read(a)[0], read(b)[0]
    diff = relative_difference(va, vb)
    points = float(abs(va - vb)) if a["type"] == "percentage" else None
    # fmt: off
    return {**entry, "values": [float(va), float(vb)], "difference": round(float(diff), 4), "points": points,
            "severity": severity(diff), "called_by": by, "reason": reason}
    # fmt: on


def compare(data: dict[str, Any]) -> dict[str, Any]:
    """Agreements, contradictions (with severity) and explained differences between sources (module docstring)."""
    corrections: list[str] = []
    facts = _comparable(data["facts"])
    by_id = {f["id"]: f for f in facts}
    calls = {tuple(c["facts"]): c for c in data.get("calls", [])}
    found: dict[str, list[dict[str, Any]]] = {"agreements": [], "contradictions": [], "explained": []}
    for (ia, ib), (subject, method) in sorted(_pairs(facts, data, corrections).items()):
        a, b = by_id[ia], by_id[ib]
        entry = _entry(a, b, subject, method)
        call = calls.get((ia, ib)) or calls.get((ib, ia))
        if agree(*read(a), *read(b)):
            found["agreements"].append(entry)
            if call and call["contradiction"]:
                corrections.append(f"call on {ia} and {ib} refused: {a['text']} and {b['text']} agree within rounding")
        elif call:
            kind = "contradictions" if call["contradiction"] else "explained"
            item = _contradiction(a, b, entry, call["reason"], "model") if call["contradiction"] else entry
            found[kind].append({**item, "reason": call["reason"], "called_by": "model"})
        elif _periods_differ(a, b):
            reason = f"{a['text']} is for {', '.join(a['period'])} and {b['text']} for {', '.join(b['period'])}"
            found["explained"].append({**entry, "reason": reason, "called_by": "code"})
        else:
            reason = _reason(a, b, subject, method)
            found["contradictions"].append(_contradiction(a, b, entry, reason, "code"))
    rank = ["critical", "high", "medium", "low"]
    found["contradictions"].sort(key=lambda c: (rank.index(c["severity"]), -c["difference"], c["facts"]))
    return {**{k: v[:MAX_LISTED] for k, v in found.items()}, "status": _status(facts, found),
            "corrections": corrections, "severity_rule": SEVERITY_RULE}  # fmt: skip


def _reason(a: dict[str, Any], b: dict[str, Any], subject: str, method: str) -> str:
    about = f"“{subject}”" if subject else "one subject"
    how = "shared words" if method == "lexical" else "the model's grouping"
    return (f"Source {a['source']} states {a['text']} and source {b['source']} states {b['text']} about {about} "
            f"(matched by {how}), and the two differ beyond rounding.")  # fmt: skip


def _status(facts: list[dict[str, Any]], found: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Each compared figure: confirmed (another domain agrees, none disagrees), contradicted or single_source."""
    domain = {f["id"]: f.get("domain") or f"source {f['source']}" for f in facts}
    status = dict.fromkeys(domain, "single_source")
    for item in found["agreements"]:
        a, b = item["facts"]
        if domain[a] != domain[b]:
            status[a] = status[b] = "confirmed"
    for item in found["contradictions"]:
        for fact_id in item["facts"]:
            status[fact_id] = "contradicted"
    return status


# --- skills ----------------------------------------------------------------------------------------------------


def _obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema whose properties are all required except ``optional``."""
    return {"type": "object", "required": [k for k in properties if k not in optional], "properties": properties}


def _arr(items: dict[str, Any], max_items: int | None = None) -> dict[str, Any]:
    return {"type": "array", "items": items, **({"maxItems": max_items} if max_items else {})}


# fmt: off
_STR = {"type": "string"}
_ID = {"type": "string", "maxLength": 20}
_DECIMAL = {"type": ["string", "null"], "maxLength": 80}
_DATE = {"type": "string", "maxLength": 10, "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD."}
_YEAR = {"type": "string", "pattern": r"^\d{4}$"}
_TERMS = _arr({"type": "string", "maxLength": 60}, 24)
TEXTS = _arr(_obj({"text": {"type": "string", "maxLength": 50000, "description": "The source's words."},
                   "url": {"type": "string", "maxLength": 500, "description": "Where it was published."},
                   "published": {**_DATE, "description": "When it was published (YYYY-MM-DD)."}},
                  optional=("url", "published")), 20)
FACT = _obj({"id": _ID, "source": {"type": "integer", "minimum": -1}, "type": {"enum": list(FACT_TYPES)},
             "text": _STR, "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
             "value": {"type": ["number", "null"], "description": "The figure (percent for percentages)."},
             "exact": _DECIMAL, "half_unit": _DECIMAL, "unit": _STR,
             "confidence": {"enum": ["high", "medium", "low"], "description": "How sure the pattern is of the type."},
             "rule": _STR, "subject": _arr(_STR), "period": _arr(_STR), "sentence": _STR})
COMPARED = _obj({"id": _ID, "source": {"type": "integer", "minimum": 0, "maximum": 1000},
                 "type": {"enum": list(HARD_TYPES)}, "unit": {"type": "string", "maxLength": 10},
                 "exact": _DECIMAL, "half_unit": _DECIMAL, "subject": _TERMS, "period": _arr(_YEAR, 10),
                 "text": {"type": "string", "maxLength": 200}, "domain": {"type": "string", "maxLength": 300},
                 "start": {"type": "integer", "minimum": 0}},
                optional=("unit", "half_unit", "subject", "period", "text", "domain", "start"))
GROUPS = _arr(_obj({"name": {"type": "string", "maxLength": 120}, "facts": _arr(_ID, 200)}), 200)
CALLS = _arr(_obj({"facts": {**_arr(_ID), "minItems": 2, "maxItems": 2}, "contradiction": {"type": "boolean"},
                   "reason": {"type": "string", "maxLength": 500}}), 300)
SOURCE = _obj({"source": {"type": "integer", "minimum": 0}, "url": _STR, "host": _STR, "domain": _STR,
               "kind": {"enum": list(evidence_sources.KINDS)}, "grade": {"enum": list(evidence_sources.GRADES)},
               "grade_meaning": _STR, "rule": _STR, "published": {"type": ["string", "null"]},
               "age_days": {"type": ["integer", "null"], "minimum": 0}, "methodology_cues": _arr(_STR)})
PAIR = _obj({"facts": _arr(_STR), "sources": _arr({"type": "integer"}), "texts": _arr(_STR), "type": _STR,
             "unit": _STR, "subject": _STR, "matched_by": {"enum": ["lexical", "model"]}})
CONTRADICTION = _obj({**PAIR["properties"], "values": _arr({"type": "number"}),
                      "difference": {"type": "number", "minimum": 0, "maximum": 1,
                                     "description": "|a − b| ÷ max(|a|, |b|)."},
                      "points": {"type": ["number", "null"], "description": "Percentage points, for percentages."},
                      "severity": {"enum": ["low", "medium", "high", "critical"]},
                      "called_by": {"enum": ["code", "model"]}, "reason": _STR})
EXPLAINED = _obj({**PAIR["properties"], "called_by": {"enum": ["code", "model"]}, "reason": _STR})
COMPARE_OUTPUT = _obj({"agreements": _arr(PAIR), "contradictions": _arr(CONTRADICTION), "explained": _arr(EXPLAINED),
                       "status": {"type": "object", "additionalProperties": {
                           "enum": ["confirmed", "contradicted", "single_source"]}},
                       "corrections": _arr(_STR), "severity_rule": _STR})
# fmt: on


@skill(
    "evidence.extract_facts",
    name="Extract facts",
    category=SkillCategory.RESEARCH,
    version="2.0",
    input_schema=_obj({"texts": TEXTS}),
    output_schema=_obj(
        {"facts": _arr(FACT), "counts": _obj({t: {"type": "integer", "minimum": 0} for t in FACT_TYPES})}
    ),
)
def extract_facts(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Numbers, percentages, amounts, dates (a year on its own is a date) and organisations in each text, with
    their position, exact value, the pattern's confidence, and each figure's subject terms and period."""
    facts = [f for i, item in enumerate(data["texts"]) for f in evidence_facts.extract(item["text"], i)]
    return {"facts": facts, "counts": {t: sum(f["type"] == t for f in facts) for t in FACT_TYPES}}


@skill(
    "evidence.source_credibility",
    name="Source credibility",
    category=SkillCategory.RESEARCH,
    version="2.0",
    input_schema=_obj({"texts": TEXTS, "reference_date": _DATE}, optional=("reference_date",)),
    output_schema=_obj({"reference_date": {"type": ["string", "null"]}, "sources": _arr(SOURCE)}),
)
def source_credibility(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Each source's kind of domain and its Admiralty reliability grade (with the rule that gave it), its age at the
    reference date and the methodology it states."""
    return assess(data["texts"], data.get("reference_date"))


@skill(
    "evidence.find_contradictions",
    name="Find contradictions",
    category=SkillCategory.RESEARCH,
    version="2.0",
    input_schema=_obj(
        {
            "facts": _arr(COMPARED, MAX_COMPARED_FACTS),
            "groups": GROUPS,
            "calls": CALLS,
            "model_scope": _arr(_ID, MAX_COMPARED_FACTS),
        },
        optional=("groups", "calls", "model_scope"),
    ),
    output_schema=COMPARE_OUTPUT,
)
def find_contradictions(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Figures from different sources about the same subject (the model's groups, or shared words): which agree,
    which contradict (with severity) and which differences are explained (another period, or the model's reason)."""
    return compare(data)
