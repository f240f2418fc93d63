"""Claim verdicts: does what the sources say back a claim, contradict it, or neither?

A claim's figures are read like the sources' (``evidence_facts``). A source figure **bears on** a claim's figure
when it is of the same kind and about the same subject: the facts the model lists for the claim or, without a
model, the shared-words rule of ``evidence.same_subject``. It **agrees** when each is within the other's rounding.

**Verdicts**, the rules code decides by (and caps a model's verdict at):

* *contested*: a source figure bearing on the claim differs from it, or two sources contradict each other about a
  figure that agrees with it. A claim its own sources contradict is never verified nor partly verified.
* *verified*: agreeing figures (or, for a claim without figures, quotes found verbatim in the sources) from at
  least two independent sources (registrable domains), at least one of them graded A–C. This is the Admiralty
  system's "confirmed by other sources" (see ``evidence_sources``): one source, however good, does not confirm.
* *partly_verified*: one source graded A–C agrees, or two or more independent ones graded D–F do.
* *unverified*: no source agrees, or only one graded D–F.
* *undecided* (offline only): the claim states no figure; whether text supports it needs a model.

With a model, the facts bearing on a claim are those it lists plus, for facts it was not shown
(``model_scope``), those the shared-words rule finds. Named sources (``claims[].sources``) limit which sources
may *support* a claim; any source may contradict it.

**Checks on the model's verdicts.** Fact ids that do not exist, or are not figures of a kind the claim states, are
dropped; a fact listed as agreeing that differs from the claim's figure counts as contradicting (and the other way
round); a quote not found in its source is dropped. The verdict is then capped by the rules above: a model's
"verified" on a contradicted claim becomes "contested", on a single source "partly_verified", each with the
reason. A more cautious verdict than code's stands (the model may know the figure is about another population).
"""

from __future__ import annotations

import re
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .evidence import COMPARED, exact, read, shared_subject, stems_of
from .evidence_facts import HARD_TYPES
from .evidence_facts import extract as extract_facts
from .evidence_sources import GOOD_GRADES, GRADES
from .figures import agree

LADDER = ("unverified", "partly_verified", "verified")
VERDICTS = (*LADDER, "contested", "undecided")


def claim_figures(text: str) -> list[dict[str, Any]]:
    """The figures a claim states, read as the sources' are."""
    return [f for f in extract_facts(text, -1) if f["type"] in HARD_TYPES and exact(f) is not None]


def _kind(fact: dict[str, Any]) -> tuple[str, str]:
    return fact["type"], fact.get("unit", "")


def _agrees(fact: dict[str, Any], figures: list[dict[str, Any]]) -> bool:
    return any(_kind(x) == _kind(fact) and agree(*read(x), *read(fact)) for x in figures)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


class Claim:
    """One claim being judged: its figures, the facts bearing on it, and what code concludes from them."""

    def __init__(self, index: int, claim: dict[str, Any], data: dict[str, Any], stems: dict[str, dict[str, str]]):
        self.index, self.text = index, claim["text"]
        self.sources = data["sources"]
        self.allowed = {i for i in claim.get("sources", []) if 0 <= i < len(self.sources)} or set(
            range(len(self.sources))
        )
        self.figures = claim_figures(self.text)
        self.stems = stems  # each fact's subject stems, computed once for all claims
        self.facts = {f["id"]: f for f in data["facts"] if f["type"] in HARD_TYPES and exact(f) is not None}
        self.pairs = [tuple(p) for p in data.get("contradictions", [])]
        self.scope = set(data.get("model_scope", []))
        self.corrections: list[str] = []
        self.quotes: list[dict[str, Any]] = []

    def lexical(self) -> list[dict[str, Any]]:
        mine = [(_kind(x), stems_of(x["subject"])) for x in self.figures]
        return [
            f for f in self.facts.values()
            if any(kind == _kind(f) and shared_subject(words, self.stems[f["id"]]) for kind, words in mine)
        ]  # fmt: skip

    def listed(self, ids: list[str]) -> list[dict[str, Any]]:
        """The facts the model listed that can bear on this claim; the others dropped with a correction."""
        kinds = {_kind(x) for x in self.figures}
        kept = [self.facts[i] for i in dict.fromkeys(ids) if i in self.facts and _kind(self.facts[i]) in kinds]
        dropped = [i for i in ids if i not in {f["id"] for f in kept}]
        if dropped:
            self.corrections.append(f"{', '.join(dropped[:5])}: not figures of the kind this claim states, dropped")
        return kept

    def split(self, bearing: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Agreeing and contradicting facts: those bearing on the claim, and the peers contradicting agreeing ones."""
        agreeing = [f for f in bearing if _agrees(f, self.figures)]
        differing = [f for f in bearing if not _agrees(f, self.figures)]
        agreeing_ids = {f["id"] for f in agreeing}
        for a, b in self.pairs:
            for mine, other in ((a, b), (b, a)):
                if mine in agreeing_ids and other in self.facts and other not in {f["id"] for f in differing}:
                    differing.append(self.facts[other])
        return agreeing, differing

    def supporting(self, agreeing: list[dict[str, Any]]) -> list[int]:
        return sorted(
            {f["source"] for f in agreeing if f["source"] in self.allowed} | {q["source"] for q in self.quotes}
        )

    def ceiling(self, supporting: list[int], contested: bool) -> str:
        if contested:
            return "contested"
        domains = {self.sources[i].get("domain") or f"source {i}" for i in supporting}
        good = any(self.sources[i]["grade"] in GOOD_GRADES for i in supporting)
        if len(domains) >= 2 and good:
            return "verified"
        return "partly_verified" if good or len(domains) >= 2 else "unverified"

    def valid_quotes(self, quotes: list[dict[str, Any]]) -> None:
        for quote in quotes:
            i, words = quote["source"], _normal(quote["quote"])
            if 0 <= i < len(self.sources) and words and words in _normal(self.sources[i].get("text", "")):
                if i in self.allowed:
                    self.quotes.append({"source": i, "quote": quote["quote"]})
            else:
                self.corrections.append(f"quote “{quote['quote'][:60]}” is not in source {i}: dropped")


def _fact_list(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"fact": f["id"], "source": f["source"], "text": f.get("text", "")} for f in facts]


def _reason(claim: Claim, verdict: str, agreeing: list[dict[str, Any]], differing: list[dict[str, Any]]) -> str:
    """Why code reached its verdict, in the claim's own figures and the sources' words."""
    stated = ", ".join(x["text"] for x in claim.figures) or f"“{claim.text[:80]}”"
    if verdict == "contested":
        others = " and ".join(f"source {f['source']} states {f.get('text', '')}" for f in differing[:4])
        return f"The sources contradict the claim's {stated}, as {others}."
    if verdict == "undecided":
        return f"“{claim.text[:80]}” states no figure to compare, so whether the sources support it needs a model."
    backers = [f"source {i} ({claim.sources[i].get('domain') or 'no address'}, grade {claim.sources[i]['grade']})"
               for i in claim.supporting(agreeing)]  # fmt: skip
    if verdict == "verified":
        return f"{len(backers)} independent sources state the claim's {stated}: {', '.join(backers)}."
    if verdict == "partly_verified":
        return (
            f"Only {', '.join(backers)} states the claim's {stated}, and another independent source would confirm it."
        )
    if backers:
        return (
            f"Only {', '.join(backers)} states the claim's {stated}, and a grade D–F source cannot back a claim alone."
        )
    return f"No source states a figure matching the claim's {stated} about the same subject."


def judge_offline(claim: Claim) -> dict[str, Any]:
    if not claim.figures:
        return _verdict(claim, "undecided", [], [], "code", None)
    agreeing, differing = claim.split(claim.lexical())
    verdict = claim.ceiling(claim.supporting(agreeing), bool(differing))
    return _verdict(claim, verdict, agreeing, differing, "code", None)


def judge_with_model(claim: Claim, answer: dict[str, Any]) -> dict[str, Any]:
    claim.valid_quotes(answer.get("quotes", []))
    listed = claim.listed(answer["agreeing"] + answer["contradicting"]) if claim.figures else []
    unseen = [f for f in claim.lexical() if f["id"] not in claim.scope]  # facts the model was not shown
    agreeing, differing = claim.split(listed + unseen)
    for f in agreeing:
        if f["id"] in answer["contradicting"]:
            claim.corrections.append(f"{f['id']} ({f.get('text', '')}) agrees with the claim: counted as agreeing")
    for f in differing:
        if f["id"] in answer["agreeing"]:
            claim.corrections.append(
                f"{f['id']} ({f.get('text', '')}) differs from the claim: counted as contradicting"
            )
    ceiling = claim.ceiling(claim.supporting(agreeing), bool(differing))
    said = answer["verdict"]
    if said == "contested" and ceiling != "contested" and claim.quotes:
        final = "contested"  # a contradiction in words, shown by the quotes: the model may see what code cannot
    elif said == "contested" or ceiling == "contested":
        final = ceiling
    else:
        final = LADDER[min(LADDER.index(said), LADDER.index(ceiling))]
    if final != said:
        claim.corrections.append(f"the model said {said}; {_reason(claim, final, agreeing, differing)}")
    return _verdict(claim, final, agreeing, differing, "model", answer)


def _verdict(claim: Claim, verdict: str, agreeing: list, differing: list, by: str, answer: dict | None) -> dict:
    corrected = bool(answer) and verdict != answer["verdict"]  # type: ignore[index]
    reason = answer["reason"] if answer and not corrected else _reason(claim, verdict, agreeing, differing)
    # fmt: off
    return {"claim": claim.index, "text": claim.text, "verdict": verdict,
            "decided_by": "model, corrected by code" if corrected else by,
            "model_verdict": answer["verdict"] if answer else None, "figures": [x["text"] for x in claim.figures],
            "agreeing": _fact_list(agreeing), "contradicting": _fact_list(differing), "quotes": claim.quotes,
            "supporting_sources": claim.supporting(agreeing), "reason": reason, "corrections": claim.corrections}
    # fmt: on


def verify(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A verdict for each claim: the model's, checked and capped, where it gave one; otherwise code's."""
    answers: dict[int, dict[str, Any]] = {}
    for answer in data.get("model_verdicts", []):
        answers.setdefault(answer["claim"], answer)
    stems = {f["id"]: stems_of(f.get("subject", [])) for f in data["facts"]}
    verdicts = []
    for i, item in enumerate(data["claims"]):
        claim = Claim(i, item, data, stems)
        answer = answers.get(i)
        if answer is None and "model_verdicts" in data:
            claim.corrections.append("the model gave no verdict on this claim: code's rules decide")
        verdicts.append(judge_with_model(claim, answer) if answer else judge_offline(claim))
    return verdicts


# fmt: off
_STR = {"type": "string"}
_ID = {"type": "string", "maxLength": 20}
_IDS = {"type": "array", "items": _ID, "maxItems": 50}
CLAIMS = {"type": "array", "maxItems": 50, "items": {
    "type": "object", "required": ["text"], "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 2000, "description": "The claim, as you state it."},
        "sources": {"type": "array", "maxItems": 20, "items": {"type": "integer", "minimum": 0, "maximum": 1000},
                    "description": "The sources (by position) meant to back it; any source may contradict it."}}}}
QUOTE = {"type": "object", "additionalProperties": False, "required": ["source", "quote"], "properties": {
    "source": {"type": "integer", "minimum": 0, "maximum": 1000}, "quote": {"type": "string", "maxLength": 500}}}
MODEL_VERDICT = {"type": "object", "additionalProperties": False,
                 "required": ["claim", "verdict", "agreeing", "contradicting", "quotes", "reason"], "properties": {
                     "claim": {"type": "integer", "minimum": 0, "maximum": 1000},
                     "verdict": {"enum": [*LADDER, "contested"]},
                     "agreeing": _IDS, "contradicting": _IDS,
                     "quotes": {"type": "array", "items": QUOTE, "maxItems": 10},
                     "reason": {"type": "string", "minLength": 1, "maxLength": 800}}}
RATED = {"type": "object", "required": ["grade"], "properties": {
    "grade": {"enum": list(GRADES)}, "domain": {"type": "string", "maxLength": 300},
    "text": {"type": "string", "maxLength": 50000}}}
_FACT_REF = {"type": "object", "required": ["fact", "source", "text"], "properties": {
    "fact": _STR, "source": {"type": "integer"}, "text": _STR}}
VERDICT = {"type": "object", "required": [
    "claim", "text", "verdict", "decided_by", "model_verdict", "figures", "agreeing", "contradicting", "quotes",
    "supporting_sources", "reason", "corrections"], "properties": {
    "claim": {"type": "integer", "minimum": 0}, "text": _STR, "verdict": {"enum": list(VERDICTS)},
    "decided_by": {"enum": ["code", "model", "model, corrected by code"]},
    "model_verdict": {"type": ["string", "null"]}, "figures": {"type": "array", "items": _STR},
    "agreeing": {"type": "array", "items": _FACT_REF}, "contradicting": {"type": "array", "items": _FACT_REF},
    "quotes": {"type": "array", "items": QUOTE}, "supporting_sources": {"type": "array", "items": {"type": "integer"}},
    "reason": _STR, "corrections": {"type": "array", "items": _STR}}}
# fmt: on


@skill(
    "evidence.verify_claims",
    name="Verify claims",
    category=SkillCategory.RESEARCH,
    version="2.0",
    input_schema={
        "type": "object",
        "required": ["claims", "sources", "facts"],
        "properties": {
            "claims": CLAIMS,
            "sources": {"type": "array", "items": RATED, "maxItems": 20},
            "facts": {"type": "array", "items": COMPARED, "maxItems": 1000},
            "contradictions": {"type": "array", "items": {**_IDS, "minItems": 2, "maxItems": 2}, "maxItems": 500},
            "model_verdicts": {"type": "array", "items": MODEL_VERDICT, "maxItems": 50},
            "model_scope": {"type": "array", "items": _ID, "maxItems": 1000},
        },
    },
    output_schema={
        "type": "object",
        "required": ["verdicts"],
        "properties": {"verdicts": {"type": "array", "items": VERDICT}},
    },
)
def verify_claims(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Each claim's verdict — verified, partly verified, contested, unverified, or undecided without a model —
    from the figures bearing on it and the sources' grades; a model's verdict is checked and capped by the same
    rules, with the reason."""
    return {"verdicts": verify(data)}
