"""Market sizing, bottom-up: accounts × annual price, narrowed once per filter, capped by what a team can sell.

- **TAM** = the potential customer accounts in the whole market's places × the annual price per account.
- **SAM** = the accounts the company can serve: the served places (a subset of the market's, each place
  counted once), then, when an employee range is served, each place's accounts × the share inside the range;
  every filter is applied exactly once and listed as a step.
- **SOM** = the fewest of: the serviceable accounts; the sales capacity (reps × deals per rep per year ×
  years, all from the input); the target share of the serviceable accounts (input, or a labelled estimate).
  It is the yearly revenue from the accounts won by the end of that horizon (churn not modelled).
- Counts are whole accounts, **floored once, on exact decimals** (a share of 0.29 of 100 accounts is 29, not
  the 28 that binary floating point gives); money is exact decimal arithmetic rounded half-up to the cent
  only at the end. A monthly price is × 12.
- Every quantity arrives with its source (input, answer, dataset row, labelled model estimate) and every
  result is returned as an assumption that states it in this company's words (its industry title, places,
  currency), so two companies never get the same sentence.

``market.projection`` compounds values at a growth rate that is an input or a labelled estimate; with
neither, the agent does not project.

The old top-down benchmarks and the five keyword lists that picked one (``market.detect_industry``) are gone:
industries are NAICS 2022 codes (skills/library/industries.py), see decision 0016.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .account_counts import SOURCE_SCHEMA

PROJECTION_YEARS = 5
CENT = Decimal("0.01")
STAGES = ("price", "tam", "sam", "som", "projection")
MAX_MONEY = 1e15
MAX_PROJECTABLE = 1e20  # above any market market.size returns, and exact in JSON (jsonb keeps it)
_MONEY = {"type": "number", "minimum": 0}
_GROWTH = {"type": "number", "minimum": -0.9, "maximum": 2}


def exact(value: float | int | str | Decimal) -> Decimal:
    """A JSON number as the decimal it was written as (0.29 is 0.29, not 0.28999999999999998)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def fmt_money(value: Decimal, currency: str) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,} {currency}"


def _names(places: list[dict[str, Any]]) -> str:
    names = [p["name"] for p in places]
    if len(names) < 2:
        return names[0] if names else "no place"
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _once(market: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each place once (the first row for it): a place named twice must not count twice."""
    first: dict[str, dict[str, Any]] = {}
    for row in market:
        first.setdefault(row["place"], row)
    return list(first.values())


def _employees(size: dict[str, Any]) -> str:
    low, high = size.get("employees_min", 0), size.get("employees_max")
    return f"{low} or more" if high is None else f"{low} to {high}"


def _note(applies_to: str, statement: str, value: float | int, unit: str, source: dict[str, Any]) -> dict[str, Any]:
    return {"applies_to": applies_to, "statement": statement, "value": value, "unit": unit, "source": source}


def _price(data: dict[str, Any]) -> tuple[Decimal, dict[str, Any]]:
    price, currency, title = data["price"], data["currency"], data["industry"]["title"]
    amount = exact(price["amount"])
    annual = amount * 12 if price["period"] == "month" else amount
    statement = f"One {title} account pays {fmt_money(amount, currency)} a {price['period']}"
    if price["period"] == "month":
        statement += f": {fmt_money(annual, currency)} a year"
    return annual, _note("price", statement, money(annual), f"{currency} a year", price["source"])


def _accounts_notes(data: dict[str, Any]) -> list[dict[str, Any]]:
    title = data["industry"]["title"]
    return [
        _note("tam", f"{row['count']:,} {title} accounts in {row['name']}", row["count"], "accounts", row["source"])
        for row in data["market"]
    ]


def _serviceable(data: dict[str, Any]) -> tuple[Decimal, list[dict[str, Any]]]:
    """Accounts in the served places, each × its share inside the employee range (exact, not yet floored)."""
    title, served = data["industry"]["title"], set(data["served"])
    size = data.get("size")
    shares = {s["place"]: s for s in (size or {}).get("shares", [])}
    total, notes = Decimal(0), []
    for row in data["market"]:
        if row["place"] not in served:
            continue
        if size is None:
            total += row["count"]
            continue
        share = shares.get(row["place"])
        if share is None:  # no share for this place: it cannot be sized inside the range, so it is left out
            notes.append(
                _note(
                    "sam",
                    f"No share of {title} accounts in {row['name']} has {_employees(size)} "
                    "employees: left out of the SAM",
                    0,
                    "share of accounts",
                    {"kind": "derived"},
                )
            )
            continue
        total += row["count"] * exact(share["value"])
        statement = f"{share['value']:.1%} of {title} accounts in {row['name']} have {_employees(size)} employees"
        notes.append(_note("sam", statement, share["value"], "share of accounts", share["source"]))
    return total, notes


def _som(data: dict[str, Any], sam_accounts: int) -> tuple[int | None, list[str], list[dict[str, Any]]]:
    """The obtainable accounts: the fewest of the serviceable, the capacity and the target share."""
    title, limits, notes = data["industry"]["title"], {"serviceable accounts": sam_accounts}, []
    capacity = data.get("capacity")
    if capacity:
        can = floor(capacity["reps"] * exact(capacity["deals_per_rep_per_year"]) * capacity["years"])
        limits["sales capacity"] = can
        statement = (
            f"{capacity['reps']} reps × {capacity['deals_per_rep_per_year']} {title} deals per rep a year × "
            f"{capacity['years']} years = at most {can:,} accounts won"
        )
        notes.append(_note("som", statement, can, "accounts", capacity["source"]))
    target = data.get("target_share")
    if target:
        won = floor(exact(target["value"]) * sam_accounts)
        limits["target share"] = won
        statement = f"{target['value']:.1%} of the {sam_accounts:,} serviceable {title} accounts = {won:,} accounts"
        notes.append(_note("som", statement, target["value"], "share of serviceable accounts", target["source"]))
    if len(limits) == 1:
        return None, [], notes
    fewest = min(limits.values())
    return fewest, [name for name, value in limits.items() if value == fewest], notes


def _stage(accounts: int, annual: Decimal) -> dict[str, Any]:
    return {"accounts": accounts, "value": money(accounts * annual)}


_PLACE_COUNT = {
    "type": "object",
    "required": ["place", "name", "count", "source"],
    "properties": {
        "place": {"type": "string"},
        "name": {"type": "string"},
        "count": {"type": "integer", "minimum": 0, "maximum": 10**9},
        "source": SOURCE_SCHEMA,
    },
}
_VALUE: dict[str, Any] = {
    "type": "object",
    "required": ["value", "source"],
    "properties": {"value": {"type": "number", "minimum": 0, "maximum": 1}, "source": SOURCE_SCHEMA},
}
STAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["accounts", "value"],
    "properties": {
        "accounts": {"type": "integer", "minimum": 0, "description": "Potential customer accounts."},
        "value": {**_MONEY, "description": "Accounts × the annual price, in the price's currency, per year."},
    },
}
ASSUMPTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["applies_to", "statement", "value", "unit", "source"],
    "properties": {
        "applies_to": {"enum": list(STAGES)},
        "statement": {"type": "string"},
        "value": {"type": "number"},
        "unit": {"type": "string"},
        "source": SOURCE_SCHEMA,
    },
}


@skill(
    "market.size",
    name="TAM, SAM and SOM, bottom-up",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["industry", "currency", "price", "market", "served"],
        "properties": {
            "industry": {
                "type": "object",
                "required": ["title"],
                "properties": {"title": {"type": "string"}, "codes": {"type": "array", "items": {"type": "string"}}},
            },
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "price": {
                "type": "object",
                "required": ["amount", "period", "source"],
                "properties": {
                    "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e9},
                    "period": {"enum": ["month", "year"]},
                    "source": SOURCE_SCHEMA,
                },
            },
            "market": {"type": "array", "minItems": 1, "items": _PLACE_COUNT},
            "served": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "size": {
                "type": "object",
                "required": ["shares"],
                "properties": {
                    "employees_min": {"type": "integer", "minimum": 0},
                    "employees_max": {"type": ["integer", "null"], "minimum": 0},
                    "shares": {
                        "type": "array",
                        "items": {
                            **_VALUE,
                            "required": ["place", "value", "source"],
                            "properties": {**_VALUE["properties"], "place": {"type": "string"}},
                        },
                    },
                },
            },
            "capacity": {
                "type": "object",
                "required": ["reps", "deals_per_rep_per_year", "years", "source"],
                "properties": {
                    "reps": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
                    "deals_per_rep_per_year": {"type": "number", "minimum": 0, "maximum": 100_000},
                    "years": {"type": "integer", "minimum": 1, "maximum": 10},
                    "source": SOURCE_SCHEMA,
                },
            },
            "target_share": _VALUE,
        },
    },
    output_schema={
        "type": "object",
        "required": ["annual_price", "tam", "sam", "som", "assumptions"],
        "properties": {
            "annual_price": _MONEY,
            "tam": STAGE_SCHEMA,
            "sam": STAGE_SCHEMA,
            "som": {
                "anyOf": [
                    {"type": "null"},
                    {
                        **STAGE_SCHEMA,
                        "required": ["accounts", "value", "limited_by"],
                        "properties": {
                            **STAGE_SCHEMA["properties"],
                            "limited_by": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                ]
            },
            "assumptions": {"type": "array", "items": ASSUMPTION_SCHEMA},
        },
    },
)
def market_size(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """TAM, SAM and SOM from accounts and the annual price (see the module docstring), each step an assumption."""
    data = {**data, "market": _once(data["market"])}
    title, currency = data["industry"]["title"], data["currency"]
    annual, price_note = _price(data)
    notes = [price_note, *_accounts_notes(data)]
    tam_accounts = sum(row["count"] for row in data["market"])
    tam_names = _names(data["market"])
    notes.append(
        _derived("tam", f"TAM: {tam_accounts:,} {title} accounts in {tam_names}", tam_accounts, annual, currency)
    )
    exact_sam, size_notes = _serviceable(data)
    sam_accounts = min(floor(exact_sam), tam_accounts)
    served = _names([row for row in data["market"] if row["place"] in set(data["served"])])
    size = data.get("size")
    scope = f"{sam_accounts:,} {title} accounts in {served}" + (f" with {_employees(size)} employees" if size else "")
    notes += [*size_notes, _derived("sam", f"SAM: {scope}", sam_accounts, annual, currency)]
    som_accounts, limited_by, som_notes = _som(data, sam_accounts)
    notes += som_notes
    som = None
    if som_accounts is not None:
        som = {**_stage(som_accounts, annual), "limited_by": limited_by}
        limits = f", limited by the {' and the '.join(limited_by)}"
        notes.append(_derived("som", f"SOM: {som_accounts:,} {title} accounts", som_accounts, annual, currency, limits))
    return {
        "annual_price": money(annual),
        "tam": _stage(tam_accounts, annual),
        "sam": _stage(sam_accounts, annual),
        "som": som,
        "assumptions": notes,
    }


def _derived(stage: str, scope: str, accounts: int, annual: Decimal, currency: str, suffix: str = "") -> dict[str, Any]:
    value = accounts * annual
    statement = f"{scope} × {fmt_money(annual, currency)} a year = {fmt_money(value, currency)} a year{suffix}"
    return _note(stage, statement, money(value), f"{currency} a year", {"kind": "derived"})


@skill(
    "market.projection",
    name="Growth projection",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["values", "growth_rate"],
        "properties": {
            "values": {
                "type": "object",
                "maxProperties": 10,
                "propertyNames": {"maxLength": 100},
                "additionalProperties": {**_MONEY, "maximum": MAX_PROJECTABLE},
            },
            "growth_rate": _GROWTH,
            "years": {"type": "integer", "minimum": 1, "maximum": 10},
        },
    },
    output_schema={
        "type": "object",
        "required": ["growth_rate", "rows"],
        "properties": {
            "growth_rate": _GROWTH,
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "values"],
                    "properties": {
                        "year": {"type": "integer", "minimum": 1},
                        "values": {"type": "object", "additionalProperties": _MONEY},
                    },
                },
            },
        },
    },
)
def projection(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Compound each value at the growth rate, exactly: value × (1 + growth) ^ year, years 1 to N (default 5)."""
    growth, years = exact(data["growth_rate"]), data.get("years", PROJECTION_YEARS)
    values = {name: exact(value) for name, value in data["values"].items()}
    rows = [
        {"year": year, "values": {name: money(v * (1 + growth) ** year) for name, v in values.items()}}
        for year in range(1, years + 1)
    ]
    return {"growth_rate": data["growth_rate"], "rows": rows}
