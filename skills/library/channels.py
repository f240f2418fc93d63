"""Channels: the twelve marketing channels, the rules a budget and a team impose on them, and what to measure.

How well a channel fits a company is a judgement (the channel strategist asks a model, from the foundation). What
a budget and a team allow is arithmetic on stated figures, here:

* **Kinds.** Paid search and paid social buy delivery: they need media spend. The other ten run on people's time
  (SEO, content, email, events, partnerships, referrals, PR, outbound, communities, organic social); no minimum
  spend is claimed for them, so none of them is ever "funded" by these rules.
* **Minimum effective monthly spend of a paid channel** = the conversions its bidding needs a month to learn ×
  the cost per conversion (a lead). The conversions come from ``PAID_RULES``, each a platform's published rule
  (with its source, address and year) or a labelled estimate (with its range and basis); the cost per lead comes
  from the caller (the input, an answer or a labelled model estimate). Below that spend the platform keeps
  "learning" and the channel's results cannot be read. Products are exact and rounded up to the cent.
* **Active channels at most the team can run**: one owner per active channel, and at most three at once: the
  Bullseye framework (Weinberg & Mares, *Traction*, 2015) tests the three most promising channels in parallel
  and then focuses on the one that works. An explicit ``max_active_channels`` in the input replaces the rule.
* **Picks in order** (the model's, or the user's shortlist offline): a pick becomes active while there is
  capacity; a paid pick only if its cost per lead is known and what is left of the budget covers the low end of
  its minimum spend (which is then reserved for it). So a $0 budget never makes a paid channel primary. The first
  active channel is primary, the other active ones secondary, the rest future.
* **Budget**: each active paid channel gets its reserved minimum; what is left is shared among them by fit (the
  model's) or equally when no fit is known, to the cent by largest remainder. With no active paid channel the
  budget stays unallocated. Shares are of the whole budget and add up to exactly 1 with the unallocated part.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .money import apportion, dec, money, shares, to_cents

CHANNEL_LABELS = {
    "seo": "SEO", "content": "Content", "paid_search": "Paid search", "paid_social": "Paid social",
    "organic_social": "Organic social", "email": "Email", "events": "Events", "partnerships": "Partnerships",
    "referrals": "Referrals", "pr": "PR", "outbound_sales": "Outbound sales", "communities": "Communities",
}  # fmt: skip
CHANNELS = tuple(CHANNEL_LABELS)
PAID = ("paid_search", "paid_social")
MAX_PARALLEL_CHANNELS = 3  # Bullseye: three channels tested at once (see the module docstring)
DAYS_PER_MONTH = Fraction(36525, 1200)  # 365.25 ÷ 12 = 30.4375

# What a paid channel's bidding needs to learn, with where it comes from (see the module docstring).
PAID_RULES: dict[str, dict[str, Any]] = {
    "paid_search": {
        "kind": "estimate",
        "per": {"low": 15, "high": 50, "days": 30},
        "rule": "Automated bidding learns from conversion volume; Google publishes no fixed minimum.",
        "basis": "Google's help on bid strategy statuses says calibration takes about 2–3 conversion cycles and "
        "depends on how many conversions the campaigns get; the 15 to 50 conversions in 30 days are the thresholds "
        "practitioners cite (15 from Google's older Target CPA guidance, 50 for Target ROAS).",
        "source": "Search Ads 360 Help, 'About bid strategy statuses' (Learning)",
        "url": "https://support.google.com/sa360/answer/9916910",
        "year": 2025,
    },
    "paid_social": {
        "kind": "platform_rule",
        "per": {"low": 50, "high": 50, "days": 7},
        "rule": "An ad set needs about 50 optimisation events within 7 days to leave the learning phase.",
        "source": "Meta Business Help Center, 'About the learning phase'",
        "url": "https://www.facebook.com/business/help/112167992830700",
        "year": 2025,
    },
}
CAPACITY_RULE = {
    "rule": "One owner per active channel, and at most three at once.",
    "cited": "Gabriel Weinberg and Justin Mares, Traction (Portfolio, 2015), the Bullseye framework",
    "year": 2015,
}

# What to measure, for the twelve channels and the campaign-only ones; aliases find them in free text.
CHANNEL_KPIS: dict[str, tuple[str, ...]] = {
    "seo": ("organic sessions", "keyword rankings", "organic sign-ups"),
    "content": ("sessions", "time on page", "sign-ups from content"),
    "paid_search": ("click-through rate", "cost per click", "conversion rate"),
    "paid_social": ("cost per thousand impressions", "click-through rate", "cost per lead"),
    "organic_social": ("followers", "engagement rate", "profile visits"),
    "social": ("reach", "engagement rate", "click-through rate"),
    "email": ("open rate", "click rate", "unsubscribe rate"),
    "events": ("registrations", "attendance rate", "meetings booked"),
    "partnerships": ("partner-sourced leads", "partner-influenced revenue", "active partners"),
    "referrals": ("referral invites sent", "referral conversion rate", "customers from referrals"),
    "pr": ("media mentions", "share of voice", "referral traffic"),
    "outbound_sales": ("reply rate", "meetings booked", "pipeline created"),
    "communities": ("active members", "posts and replies", "sign-ups from community"),
    "display": ("impressions", "viewability", "cost per thousand impressions"),
    "retargeting": ("click-through rate", "conversion rate", "cost per acquisition"),
    "landing_pages": ("conversion rate", "bounce rate"),
}
CHANNEL_ALIASES: dict[str, tuple[str, ...]] = {
    "seo": ("search engine optimisation", "search engine optimization", "organic search"),
    "content": ("content marketing", "blog", "blogging", "articles"),
    "paid_search": ("ppc", "google ads", "search ads", "sem", "adwords"),
    "paid_social": ("facebook ads", "meta ads", "linkedin ads", "tiktok ads", "social ads"),
    "organic_social": ("social media", "instagram", "linkedin", "tiktok", "twitter"),
    "email": ("e-mail", "newsletter", "newsletters", "email marketing"),
    "events": ("event", "webinar", "webinars", "conference", "conferences", "meetups", "trade shows"),
    "partnerships": ("partnership", "partners", "affiliate", "affiliates", "co-marketing"),
    "referrals": ("referral", "word of mouth", "referral program"),
    "pr": ("press", "public relations", "media relations"),
    "outbound_sales": ("outbound", "cold email", "cold outreach", "cold calling", "sdr", "sales"),
    "communities": ("community", "slack", "discord", "forum", "forums"),
    "display": ("banner ads", "banners", "programmatic"),
    "retargeting": ("remarketing",),
    "landing_pages": ("landing page", "website"),
}
_MONEY = {"type": "number", "minimum": 0, "maximum": 1e12}
_UNIT = {"type": "number", "minimum": 0, "maximum": 1}
_CPL = {"type": "number", "minimum": 0.01, "maximum": 1e6}


@cache
def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(word).replace(r"\ ", r"[\s-]+") + r"(?![\w-])", re.IGNORECASE)


def match_channel(text: str) -> str | None:
    """The channel named in ``text``: its key, its key in words, or an alias, as whole words; the longest wins."""
    best: tuple[int, str] | None = None
    for channel in CHANNEL_KPIS:
        for name in (channel, channel.replace("_", " "), *CHANNEL_ALIASES.get(channel, ())):
            if _pattern(name).search(text) and (best is None or len(name) > best[0]):
                best = (len(name), channel)
    return best[1] if best else None


@skill(
    "channels.kpis",
    name="Channel KPIs",
    category=SkillCategory.ANALYTICS,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["channels"],
        "properties": {"channels": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 200}}},
    },
    output_schema={
        "type": "object",
        "required": ["channels"],
        "properties": {
            "channels": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "channel", "kpis"],
                    "properties": {
                        "name": {"type": "string"},
                        "channel": {"enum": [*CHANNEL_KPIS, None]},
                        "kpis": {"type": "array", "items": {"type": "string"}},
                    },
                },
            }
        },
    },
)
def channel_kpis(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """What to measure on each named channel; a channel we do not know gets attributed leads and engagement."""
    rows = []
    for name in data["channels"]:
        channel = match_channel(name)
        label = name.strip()[:80] or "unnamed channel"
        kpis = list(CHANNEL_KPIS[channel]) if channel else [f"leads attributed to {label}", f"{label} engagement"]
        rows.append({"name": name, "channel": channel, "kpis": kpis})
    return {"channels": rows}


# --- what a budget and a team allow ------------------------------------------------------------------------


def conversions_per_month(channel: str) -> dict[str, int]:
    """The paid channel's learning requirement per month (30.4375 days), rounded up: fewer falls short."""
    per = PAID_RULES[channel]["per"]
    return {end: math.ceil(per[end] * DAYS_PER_MONTH / per["days"]) for end in ("low", "high")}


def _spend_cents(conversions: int, cost_per_lead: Any) -> int:
    """conversions × cost per lead in cents, exactly, rounded up to the cent (it is a minimum)."""
    cents = Decimal(conversions) * dec(cost_per_lead) * 100
    return int(cents.to_integral_value(rounding=ROUND_CEILING))


def minimum_spend(channel: str, cost_per_lead: dict[str, Any]) -> dict[str, int]:
    """The minimum effective monthly spend in cents: conversions needed × cost per lead, low and high ends."""
    needed = conversions_per_month(channel)
    low, high = sorted((cost_per_lead["low"], cost_per_lead["high"]))
    return {"low": _spend_cents(needed["low"], low), "high": _spend_cents(needed["high"], high)}


def capacity(team_size: int, max_active: int | None) -> dict[str, Any]:
    """How many channels the team can run at once: the input's figure, else one per person up to three."""
    if max_active is not None:
        return {"active_channels": max_active, "source": "input"}
    return {"active_channels": min(team_size, MAX_PARALLEL_CHANNELS), "source": "rule", **CAPACITY_RULE}


_PAID_CPL_IN = {"type": "object", "additionalProperties": False, "properties": {c: _CPL for c in PAID}}
_CPL_RANGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["low", "high"],
    "properties": {"low": _CPL, "high": _CPL},
}
_CENTS_RANGE = {
    "type": ["object", "null"],
    "required": ["low", "high"],
    "properties": {"low": _MONEY, "high": _MONEY},
}


def _requirement(channel: str, cost_per_lead: dict[str, Any] | None) -> dict[str, Any]:
    spend = minimum_spend(channel, cost_per_lead) if cost_per_lead else None
    return {
        "channel": channel,
        "conversions_per_month": conversions_per_month(channel),
        "minimum_monthly_spend": {k: money(v) for k, v in spend.items()} if spend else None,
        **{k: v for k, v in PAID_RULES[channel].items() if k != "per"},
    }


@skill(
    "channels.rules",
    name="Channel rules for a budget and a team",
    category=SkillCategory.STRATEGY,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["budget", "team_size"],
        "properties": {
            "budget": _MONEY,
            "team_size": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
            "max_active_channels": {"type": "integer", "minimum": 0, "maximum": len(CHANNELS)},
            "cost_per_lead": _PAID_CPL_IN,
        },
    },
    output_schema={
        "type": "object",
        "required": ["capacity", "paid", "time_led"],
        "properties": {
            "capacity": {
                "type": "object",
                "required": ["active_channels", "source"],
                "properties": {
                    "active_channels": {"type": "integer", "minimum": 0},
                    "source": {"enum": ["input", "rule"]},
                },
            },
            "paid": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["channel", "conversions_per_month", "minimum_monthly_spend", "kind"],
                    "properties": {
                        "channel": {"enum": list(PAID)},
                        "minimum_monthly_spend": _CENTS_RANGE,
                        "kind": {"enum": ["platform_rule", "estimate"]},
                    },
                },
            },
            "time_led": {"type": "array", "items": {"enum": list(CHANNELS)}},
        },
    },
)
def channel_rules(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """What the budget and team allow before anyone judges fit: how many channels the team can run, and each paid
    channel's learning requirement with its source, and its minimum effective monthly spend when its cost per
    lead is given."""
    costs = data.get("cost_per_lead", {})
    paid = [_requirement(c, {"low": costs[c], "high": costs[c]} if c in costs else None) for c in PAID]
    return {
        "capacity": capacity(data["team_size"], data.get("max_active_channels")),
        "paid": paid,
        "time_led": [c for c in CHANNELS if c not in PAID],
    }


# --- a plan from picks ---------------------------------------------------------------------------------------


def _admit(channel: str, state: dict[str, Any], costs: dict[str, Any]) -> str:
    """Whether a pick becomes active, and if not why: over_capacity, cost_unknown or over_budget."""
    if len(state["active"]) >= state["capacity"]:
        return "over_capacity"
    if channel in PAID:
        state["left_at"][channel] = state["left"]
        if channel not in costs:
            return "cost_unknown"
        need = minimum_spend(channel, costs[channel])["low"]
        if need > state["left"]:
            return "over_budget"
        state["left"] -= need
        state["reserved"][channel] = need
    state["active"].append(channel)
    return "active"


def _amounts(state: dict[str, Any], fit: dict[str, float]) -> tuple[dict[str, int], str]:
    """Cents per active paid channel: its reserved minimum plus its part of what is left (by fit, else equal)."""
    funded = list(state["reserved"])
    if not funded:
        return {}, "none"
    basis = "fit" if all(c in fit for c in funded) else "equal"
    weights = [fit[c] for c in funded] if basis == "fit" else [1] * len(funded)
    extra = apportion(state["left"], weights)
    return {c: state["reserved"][c] + e for c, e in zip(funded, extra, strict=True)}, basis


def _order(picks: list[str], fit: dict[str, float]) -> list[str]:
    """Priority order: the picks as given, then the others by fit (ties in catalogue order) when fit is known."""
    rest = [c for c in CHANNELS if c not in picks and c in fit]
    return picks + sorted(rest, key=lambda c: (-fit[c], CHANNELS.index(c)))


def _role(channel: str, status: str, active: list[str], any_picks: bool) -> str | None:
    """Primary (the first active), secondary (the other active ones), future (the rest once anything was
    picked); None while nothing is picked (no model, no shortlist: undecided)."""
    if status == "active":
        return "primary" if active[0] == channel else "secondary"
    return "future" if any_picks else None


@skill(
    "channels.plan",
    name="Channel plan within budget and team",
    category=SkillCategory.STRATEGY,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["budget", "active_channels", "picks"],
        "properties": {
            "budget": _MONEY,
            "active_channels": {"type": "integer", "minimum": 0, "maximum": len(CHANNELS)},
            "picks": {
                "type": "array",
                "maxItems": len(CHANNELS),
                "uniqueItems": True,
                "items": {"enum": list(CHANNELS)},
            },
            "fit": {"type": "object", "additionalProperties": False, "properties": {c: _UNIT for c in CHANNELS}},
            "cost_per_lead": {
                "type": "object",
                "additionalProperties": False,
                "properties": {c: _CPL_RANGE for c in PAID},
            },
        },
    },
    output_schema={
        "type": "object",
        "required": ["channels", "unallocated", "split_basis"],
        "properties": {
            "channels": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "channel",
                        "kind",
                        "status",
                        "role",
                        "priority",
                        "minimum_monthly_spend",
                        "budget_amount",
                        "budget_share",
                    ],
                    "properties": {
                        "channel": {"enum": list(CHANNELS)},
                        "kind": {"enum": ["paid", "time"]},
                        "status": {"enum": ["active", "over_capacity", "over_budget", "cost_unknown", "not_picked"]},
                        "role": {"enum": ["primary", "secondary", "future", None]},
                        "priority": {"type": ["integer", "null"], "minimum": 1},
                        "minimum_monthly_spend": _CENTS_RANGE,
                        "budget_amount": _MONEY,
                        "budget_share": _UNIT,
                        "budget_left_when_picked": {"type": ["number", "null"], "minimum": 0},
                    },
                },
            },
            "unallocated": {
                "type": "object",
                "required": ["amount", "share"],
                "properties": {"amount": _MONEY, "share": _UNIT},
            },
            "split_basis": {"enum": ["fit", "equal", "none"]},
        },
    },
)
def channel_plan(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Roles, priorities and the budget from picks in order, within the team's capacity and each paid channel's
    minimum effective spend (see the module docstring); every channel is listed, in catalogue order."""
    costs, fit, picks = data.get("cost_per_lead", {}), data.get("fit", {}), data["picks"]
    total = to_cents(data["budget"])
    state: dict[str, Any] = {
        "capacity": data["active_channels"], "left": total, "active": [], "reserved": {}, "left_at": {}
    }  # fmt: skip
    status = {c: _admit(c, state, costs) for c in picks}
    amounts, basis = _amounts(state, fit)
    order = _order(picks, fit)
    cents = [amounts.get(c, 0) for c in CHANNELS]
    unallocated = total - sum(cents)
    split = shares([*cents, unallocated])

    def left_at(channel: str) -> float | None:
        return money(state["left_at"][channel]) if channel in state["left_at"] else None

    rows = [
        _row(channel, status.get(channel, "not_picked"), state["active"], bool(picks), order, costs)
        | {"budget_amount": money(cents[i]), "budget_share": split[i], "budget_left_when_picked": left_at(channel)}
        for i, channel in enumerate(CHANNELS)
    ]
    return {"channels": rows, "unallocated": {"amount": money(unallocated), "share": split[-1]}, "split_basis": basis}


def _row(
    channel: str, status: str, active: list[str], any_picks: bool, order: list[str], costs: dict[str, Any]
) -> dict[str, Any]:
    spend = minimum_spend(channel, costs[channel]) if channel in costs else None
    return {
        "channel": channel,
        "kind": "paid" if channel in PAID else "time",
        "status": status,
        "role": _role(channel, status, active, any_picks),
        "priority": order.index(channel) + 1 if channel in order else None,
        "minimum_monthly_spend": {k: money(v) for k, v in spend.items()} if spend else None,
    }
