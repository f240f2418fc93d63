"""Unit economics: CAC, LTV, payback and margin from a company's own figures, in exact decimals.

Formulas (stated in every answer, with the company's figures put in):

* **customers won** = the ``customers`` given, else leads × conversion rate (an expected count, kept exact: CAC
  divides by it, so rounding it would move CAC);
* **CAC** = acquisition spend ÷ customers won;
* **gross margin** = 1 − cost of goods as a share of revenue, only when that share is given (never assumed);
* **LTV** = ARPU × gross margin ÷ monthly churn when cost of goods is given, else ARPU ÷ monthly churn, labelled
  as revenue LTV (it overstates what a customer is worth by the cost of serving them). Both are the standard
  steady-churn formula (expected lifetime 1 ÷ churn months), as in David Skok, "SaaS Metrics 2.0"
  (forEntrepreneurs.com, 2013);
* **payback** = CAC ÷ monthly gross profit per customer (ARPU × gross margin; ARPU when no margin is given);
* **sensitivity**: each of churn, ARPU and CAC moved by ± the step (20 % unless the input says otherwise, as
  issue 16 asks), one at a time, and what LTV/CAC and payback become. Churn does not enter payback: its rows
  show payback unchanged, which is the point.

**Verdict.** Two thresholds, the company's own when it gives them (``target_ltv_to_cac``,
``target_payback_months``), else the rules of thumb from the same Skok article: LTV/CAC above 3 and CAC
recovered in under 12 months. They are conventions for subscription businesses, not laws: the answer labels
which applies. Both met: healthy; one: mixed; neither: unhealthy; a figure undefined: insufficient data. The
verdict is decided on the figures as shown (two decimals), so the answer never contradicts what it displays.

**Exact decimals.** Every input is read as the decimal it was written as (``Decimal(repr(x))``: 0.1 is 0.1, not
0.1000000000000000055…) and every figure is computed in ``decimal.Decimal``; money is rounded half-up to the cent
only when shown. A figure too large for a JSON number is stated as undefined with a note, never as infinity.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

# The rules of thumb, with where they come from (used only when the company states no target of its own).
SKOK = 'David Skok, "SaaS Metrics 2.0" (forEntrepreneurs.com, 2013)'
RULES_OF_THUMB = {
    "ltv_to_cac": {"target": Decimal(3), "source": f"rule of thumb for subscription businesses: LTV > 3 × CAC, {SKOK}"},
    "payback_months": {
        "target": Decimal(12),
        "source": f"rule of thumb for subscription businesses: CAC recovered in < 12 months, {SKOK}",
    },
}
DEFAULT_STEP = Decimal("0.2")  # ± 20 %: the sensitivity issue 16 asks for
FLOAT_LIMIT = 308  # a decimal exponent past this is beyond a JSON number (an IEEE double)

_NUMBER = {"type": "number", "minimum": 0}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_MAYBE = {"type": ["number", "null"]}
# fmt: off
INPUT_PROPERTIES: dict[str, Any] = {
    "spend": {**_NUMBER, "description": "Acquisition spend (sales and marketing) in the period, in your currency."},
    "leads": {**_NUMBER, "description": "Leads in the same period (a count)."},
    "conversion_rate": {**_SHARE, "description": "Share of leads that became paying customers (0–1, e.g. 0.04)."},
    "customers": {**_NUMBER, "description": "New paying customers won in the period; replaces leads × conversion."},
    "arpu": {**_NUMBER, "description": "Average revenue per customer per month, in your currency."},
    "churn": {**_SHARE, "description": "Share of customers lost per month (0–1, e.g. 0.025 for 2.5 %)."},
    "cogs_share": {**_SHARE, "description": "Cost of goods (serving a customer) as a share of revenue (0–1)."},
    "target_ltv_to_cac": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000,
                          "description": "Your own LTV/CAC target; without it the rule of thumb (3) applies."},
    "target_payback_months": {"type": "number", "exclusiveMinimum": 0, "maximum": 600,
                              "description": "Your own payback target in months; without it the rule of thumb (12)."},
    "sensitivity_step": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.9,
                         "description": "How far each figure moves in the sensitivity table (0.2 = ± 20 %)."},
}
# fmt: on
_FORMULAS = ("customers", "cac", "gross_margin", "ltv", "ltv_to_cac", "payback_months")
_ROW = {
    "type": "object",
    "required": ["variable", "change", "value", "ltv", "ltv_to_cac", "payback_months", "verdict"],
    "properties": {
        "variable": {"enum": ["churn", "arpu", "cac"]},
        "change": {"type": "number", "description": "The move applied, as a share (−0.2 = 20 % lower)."},
        "value": {**_MAYBE, "description": "The moved figure."},
        "ltv": _MAYBE,
        "ltv_to_cac": _MAYBE,
        "payback_months": _MAYBE,
        "verdict": {"enum": ["healthy", "mixed", "unhealthy", "insufficient_data"]},
    },
}
_THRESHOLD = {
    "type": "object",
    "required": ["target", "source", "met"],
    "properties": {"target": {"type": "number"}, "source": {"type": "string"}, "met": {"type": ["boolean", "null"]}},
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "customers", "customers_basis", "cac", "ltv", "ltv_basis", "ltv_to_cac", "payback_months", "gross_margin",
        "formulas", "sensitivity", "thresholds", "verdict", "notes",
    ],
    "properties": {
        "customers": {"type": ["number", "null"], "minimum": 0,
                      "description": "Customers won (exact; may be fractional when derived)."},
        "customers_basis": {"enum": ["given", "leads × conversion_rate"]},
        "cac": {**_MAYBE, "description": "Customer acquisition cost, in the spend's currency, to the cent."},
        "ltv": {**_MAYBE, "description": "Lifetime value per customer, in the ARPU's currency, to the cent."},
        "ltv_basis": {"enum": ["gross margin", "revenue"]},
        "ltv_to_cac": {**_MAYBE, "description": "LTV ÷ CAC, two decimals."},
        "payback_months": {**_MAYBE, "description": "Months of gross profit to recover CAC, two decimals."},
        "gross_margin": {"type": ["number", "null"], "description": "1 − cost of goods share; null when not given."},
        "formulas": {"type": "object", "properties": {k: {"type": "string"} for k in _FORMULAS}},
        "sensitivity": {"type": "array", "items": _ROW},
        "thresholds": {"type": "object", "properties": {"ltv_to_cac": _THRESHOLD, "payback_months": _THRESHOLD}},
        "verdict": {"enum": ["healthy", "mixed", "unhealthy", "insufficient_data"]},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip
INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["spend", "arpu", "churn"],
    "anyOf": [{"required": ["customers"]}, {"required": ["leads", "conversion_rate"]}],
    "properties": INPUT_PROPERTIES,
}


def dec(value: float | int | str | Decimal) -> Decimal:
    """The decimal a JSON number was written as: ``repr`` of a float is the shortest text that reads back as it."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def shown(value: Decimal | None, places: int = 2) -> float | None:
    """``value`` rounded half-up to ``places`` decimals as a JSON number; None when too large for one."""
    if value is None or not value.is_finite() or value.adjusted() > FLOAT_LIMIT:
        return None
    precision = max(28, value.adjusted() + places + 2)
    rounded = float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=precision)))
    return rounded if math.isfinite(rounded) else None


def _text(value: Decimal) -> str:
    """A figure as a formula shows it: exact, without exponent or trailing zeros."""
    if abs(value.adjusted()) > 15:
        return f"{value.normalize():E}"
    return f"{value.normalize():f}"


class Figures:
    """One set of unit economics, computed exactly; ``moved`` gives the same with one figure changed."""

    def __init__(self, customers: Decimal, spend: Decimal, arpu: Decimal, churn: Decimal, margin: Decimal | None):
        self.customers, self.spend, self.arpu, self.churn, self.margin = customers, spend, arpu, churn, margin
        self.cac = spend / customers if customers > 0 else None
        self.monthly_profit = arpu * (margin if margin is not None else 1)
        self.ltv = self.monthly_profit / churn if churn > 0 else None
        self.ratio = self.ltv / self.cac if self.ltv is not None and self.cac else None
        self.payback = self.cac / self.monthly_profit if self.cac is not None and self.monthly_profit > 0 else None

    def with_cac(self, cac: Decimal | None) -> Figures:
        """The same figures with another CAC (as if spend moved by the same share)."""
        moved = Figures(self.customers, self.spend, self.arpu, self.churn, self.margin)
        moved.cac = cac
        moved.ratio = moved.ltv / cac if moved.ltv is not None and cac else None
        moved.payback = cac / moved.monthly_profit if cac is not None and moved.monthly_profit > 0 else None
        return moved


def _figures(data: dict[str, Any]) -> tuple[Figures, str]:
    if "customers" in data:
        customers, basis = dec(data["customers"]), "given"
    else:
        customers, basis = dec(data["leads"]) * dec(data["conversion_rate"]), "leads × conversion_rate"
    margin = 1 - dec(data["cogs_share"]) if "cogs_share" in data else None
    return Figures(customers, dec(data["spend"]), dec(data["arpu"]), dec(data["churn"]), margin), basis


def _thresholds(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target with its source: the company's own, or the labelled rule of thumb."""
    out = {}
    for name, rule in RULES_OF_THUMB.items():
        own = data.get(f"target_{name}")
        out[name] = {"target": dec(own), "source": "your own target"} if own is not None else dict(rule)
    return out


def checks(ratio: float | None, payback: float | None, thresholds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Is each target met, on the figures as shown? None when LTV/CAC is undefined (nothing to judge); a payback
    that is undefined while LTV/CAC is defined means CAC is never recovered: not met."""
    if ratio is None:
        return {"ltv_to_cac": None, "payback_months": None}
    return {
        "ltv_to_cac": dec(ratio) > thresholds["ltv_to_cac"]["target"],
        "payback_months": payback is not None and dec(payback) < thresholds["payback_months"]["target"],
    }


def verdict(ratio: float | None, payback: float | None, thresholds: dict[str, dict[str, Any]]) -> str:
    """healthy (both targets met) / mixed (one) / unhealthy (neither); insufficient_data when LTV/CAC is undefined."""
    met = checks(ratio, payback, thresholds)
    if met["ltv_to_cac"] is None:
        return "insufficient_data"
    return "healthy" if all(met.values()) else "mixed" if any(met.values()) else "unhealthy"


def _formulas(f: Figures, basis: str, data: dict[str, Any]) -> dict[str, str]:
    spend, arpu, churn = _text(f.spend), _text(f.arpu), _text(f.churn)
    formulas = {
        "customers": f"given: {_text(f.customers)}"
        if basis == "given"
        else f"leads × conversion rate = {_text(dec(data['leads']))} × {_text(dec(data['conversion_rate']))}",
        "cac": f"spend ÷ customers won = {spend} ÷ {_text(f.customers)}",
        "ltv_to_cac": "LTV ÷ CAC",
    }
    if f.margin is not None:
        formulas["gross_margin"] = f"1 − cost of goods share = 1 − {_text(dec(data['cogs_share']))}"
        formulas["ltv"] = f"ARPU × gross margin ÷ monthly churn = {arpu} × {_text(f.margin)} ÷ {churn}"
        formulas["payback_months"] = f"CAC ÷ (ARPU × gross margin) = CAC ÷ ({arpu} × {_text(f.margin)})"
    else:
        formulas["ltv"] = f"ARPU ÷ monthly churn = {arpu} ÷ {churn} (revenue LTV: no cost of goods given)"
        formulas["payback_months"] = f"CAC ÷ ARPU = CAC ÷ {arpu} (no cost of goods given)"
    return formulas


def _sensitivity(f: Figures, step: Decimal, thresholds: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for variable in ("churn", "arpu", "cac"):
        for change in (-step, step):
            factor = 1 + change
            if variable == "cac":
                value = f.cac * factor if f.cac is not None else None
                moved = f.with_cac(value)
            else:
                churn = f.churn * factor if variable == "churn" else f.churn
                arpu = f.arpu * factor if variable == "arpu" else f.arpu
                moved = Figures(f.customers, f.spend, arpu, churn, f.margin).with_cac(f.cac)
                value = churn if variable == "churn" else arpu
            ratio, payback = shown(moved.ratio), shown(moved.payback)
            # fmt: off
            rows.append({"variable": variable, "change": float(change), "value": shown(value, 4),
                         "ltv": shown(moved.ltv), "ltv_to_cac": ratio, "payback_months": payback,
                         "verdict": verdict(ratio, payback, thresholds)})
            # fmt: on
    return rows


def _notes(f: Figures, shown_figures: dict[str, float | None]) -> list[str]:
    """What the figures cannot say, each note stating the company's own numbers."""
    notes = []
    for name, exact in (("CAC", f.cac), ("LTV", f.ltv), ("LTV/CAC", f.ratio), ("Payback", f.payback)):
        if exact is not None and shown(exact) is None:
            notes.append(f"{name} is too large to state: its divisor is too close to 0 for these figures.")
    if f.customers <= 0:
        notes.append(f"No customers were won from a spend of {_text(f.spend)}, so CAC is undefined.")
    if f.churn <= 0:
        notes.append(f"With churn at 0 the lifetime of a customer paying {_text(f.arpu)} a month is unbounded: "
                     "LTV needs an expected churn rate.")  # fmt: skip
    if f.margin is None:
        notes.append(f"No cost of goods given: LTV is revenue LTV ({_text(f.arpu)} a month ÷ churn), above what a "
                     "customer is worth after the cost of serving them.")  # fmt: skip
    elif f.monthly_profit <= 0:
        notes.append(f"Gross profit per customer is {_text(f.monthly_profit)} a month, so CAC is never paid back.")
    ratio, cac, ltv = shown_figures["ltv_to_cac"], shown_figures["cac"], shown_figures["ltv"]
    if ratio is not None and cac is not None and ltv is not None:
        notes.append(f"LTV/CAC is {ratio:.2f}: LTV {ltv:,.2f} over CAC {cac:,.2f}.")
    return notes


@skill(
    "finance.unit_economics",
    name="Unit economics",
    category=SkillCategory.ANALYTICS,
    version="2.0",
    input_schema=INPUT_SCHEMA,
    output_schema=OUTPUT_SCHEMA,
)
def unit_economics(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """CAC, LTV (on gross margin when cost of goods is given), LTV/CAC, payback and a ± sensitivity table, in exact
    decimals, with the formulas and the verdict's thresholds and their source."""
    f, basis = _figures(data)
    thresholds = _thresholds(data)
    figures = {"cac": shown(f.cac), "ltv": shown(f.ltv), "ltv_to_cac": shown(f.ratio)}
    figures["payback_months"] = shown(f.payback)
    met = checks(figures["ltv_to_cac"], figures["payback_months"], thresholds)
    step = dec(data.get("sensitivity_step", DEFAULT_STEP))
    return {
        "customers": shown(f.customers, 4),
        "customers_basis": basis,
        **figures,
        "ltv_basis": "gross margin" if f.margin is not None else "revenue",
        "gross_margin": shown(f.margin, 4),
        "formulas": _formulas(f, basis, data),
        "sensitivity": _sensitivity(f, step, thresholds),
        "thresholds": {
            name: {"target": float(t["target"]), "source": t["source"], "met": met[name]}
            for name, t in thresholds.items()
        },
        "verdict": verdict(figures["ltv_to_cac"], figures["payback_months"], thresholds),
        "notes": _notes(f, figures),
    }
