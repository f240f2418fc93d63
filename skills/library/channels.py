"""Channels: how well each of the twelve marketing channels fits a business, and what to measure on each.

Fit follows DOMAIN.md: 0.4 business model + 0.2 budget + 0.2 team + 0.1
timeline + 0.1 industry. Choices where DOMAIN.md is silent:

* **Partial credit** for the three quantities: budget scores 0.2 × min(1,
  monthly budget ÷ the channel's minimum), team 0.2 × min(1, people ÷ minimum
  team), timeline 0.1 × min(1, months the user can wait ÷ the channel's months
  to results). A channel with a zero minimum gets full credit. Business model
  and industry are yes/no; an industry-agnostic channel suits every industry,
  and an unrecognised industry ("other") only suits those.
* **Timeline** short = results wanted within 1 month, medium 3, long 12.
* **Profiles** below are rules of thumb to tune: minimum monthly budget in
  dollars, minimum team in people, typical months to first results.
* **Ranking**: by fit (rounded to 4 decimals), ties in catalogue order; the top
  3 are primary, the next 3 secondary, the rest future.
* **Channel names in free text** ("LinkedIn ads", "cold email") are matched by
  whole-word aliases; the longest alias found wins, so "cold email" is outbound
  sales and "paid social" is not organic social.
"""

from __future__ import annotations

from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .market import INDUSTRIES, keyword_hits

BUSINESS_MODELS = ("b2b_saas", "b2b_enterprise", "b2b_services", "b2c_ecommerce", "b2c_app", "marketplace")
ANY = "any"
_B2B_SOFTWARE = ("saas", "fintech", "martech", "healthcare")

# channel: (business models it suits, min monthly budget $, min team, months to results, industries it suits)
CHANNEL_PROFILES: dict[str, tuple[tuple[str, ...], float, int, float, tuple[str, ...]]] = {
    "seo": (("b2b_saas", "b2b_services", "b2c_ecommerce", "marketplace"), 1000, 1, 6, (ANY,)),
    "content": (("b2b_saas", "b2b_enterprise", "b2b_services", "b2c_app"), 500, 1, 4, _B2B_SOFTWARE),
    "paid_search": (("b2b_saas", "b2b_services", "b2c_ecommerce", "marketplace"), 2000, 1, 1, (ANY,)),
    "paid_social": (("b2c_ecommerce", "b2c_app", "marketplace", "b2b_saas"), 1500, 1, 1,
                    ("ecommerce", "saas", "martech", "fintech")),
    "organic_social": (("b2c_ecommerce", "b2c_app", "marketplace"), 0, 1, 3, ("ecommerce", "martech", "saas")),
    "email": (("b2b_saas", "b2b_services", "b2c_ecommerce", "b2c_app", "marketplace"), 100, 1, 1, (ANY,)),
    "events": (("b2b_enterprise", "b2b_services"), 5000, 2, 3, _B2B_SOFTWARE),
    "partnerships": (("b2b_saas", "b2b_enterprise", "marketplace"), 1000, 1, 6, _B2B_SOFTWARE),
    "referrals": (("b2c_app", "b2c_ecommerce", "marketplace", "b2b_saas"), 500, 1, 2, (ANY,)),
    "pr": (("b2b_enterprise", "b2c_app", "b2c_ecommerce"), 3000, 1, 3, ("fintech", "healthcare", "saas")),
    "outbound_sales": (("b2b_enterprise", "b2b_services", "b2b_saas"), 2000, 2, 2, _B2B_SOFTWARE),
    "communities": (("b2b_saas", "b2c_app", "marketplace"), 0, 1, 6, ("saas", "martech", "fintech")),
}  # fmt: skip
CHANNELS = tuple(CHANNEL_PROFILES)

WEIGHTS = {"model": 0.4, "budget": 0.2, "team": 0.2, "timeline": 0.1, "industry": 0.1}
TIMELINE_MONTHS = {"short": 1, "medium": 3, "long": 12}
PRIORITY_THRESHOLDS = ((0.8, "high"), (0.6, "medium"), (0.4, "low"))
PRIMARY_COUNT, SECONDARY_COUNT = 3, 3

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
_NUMBER = {"type": "number", "minimum": 0}
_UNIT = {"type": "number", "minimum": 0, "maximum": 1}


def match_channel(text: str) -> str | None:
    """The channel named in ``text``: its key, its key in words, or an alias; the longest match wins."""
    best: tuple[int, str] | None = None
    for channel in CHANNEL_KPIS:
        names = (channel, channel.replace("_", " "), *CHANNEL_ALIASES.get(channel, ()))
        for hit in keyword_hits(text, names):
            if best is None or len(hit) > best[0]:
                best = (len(hit), channel)
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


def _ratio(have: float, need: float) -> float:
    return 1.0 if need <= 0 else min(1.0, have / need)


def _components(channel: str, data: dict[str, Any]) -> dict[str, float]:
    models, min_budget, min_team, months, industries = CHANNEL_PROFILES[channel]
    suits_industry = ANY in industries or data.get("industry", "other") in industries
    return {
        "model": WEIGHTS["model"] * (data["business_model"] in models),
        "budget": round(WEIGHTS["budget"] * _ratio(data["budget"], min_budget), 4),
        "team": round(WEIGHTS["team"] * _ratio(data["team_size"], min_team), 4),
        "timeline": round(WEIGHTS["timeline"] * _ratio(TIMELINE_MONTHS[data.get("timeline", "medium")], months), 4),
        "industry": WEIGHTS["industry"] * suits_industry,
    }


def priority(fit: float) -> str:
    """≥ 0.8 high, ≥ 0.6 medium, ≥ 0.4 low, else experimental."""
    return next((name for threshold, name in PRIORITY_THRESHOLDS if fit >= threshold), "experimental")


def _role(rank: int) -> str:
    if rank < PRIMARY_COUNT:
        return "primary"
    return "secondary" if rank < PRIMARY_COUNT + SECONDARY_COUNT else "future"


@skill(
    "channels.fit",
    name="Channel fit",
    category=SkillCategory.STRATEGY,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["business_model", "budget", "team_size"],
        "properties": {
            "business_model": {"enum": list(BUSINESS_MODELS)},
            "budget": {**_NUMBER, "maximum": 1e12},
            "team_size": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
            "timeline": {"enum": list(TIMELINE_MONTHS)},
            "industry": {"enum": list(INDUSTRIES)},
        },
    },
    output_schema={
        "type": "object",
        "required": ["channels"],
        "properties": {
            "channels": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["channel", "fit", "priority", "role", "components"],
                    "properties": {
                        "channel": {"enum": list(CHANNELS)},
                        "fit": _UNIT,
                        "priority": {"enum": ["high", "medium", "low", "experimental"]},
                        "role": {"enum": ["primary", "secondary", "future"]},
                        "components": {"type": "object", "additionalProperties": _UNIT},
                    },
                },
            }
        },
    },
)
def channel_fit(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Score all twelve channels, rank them by fit (ties in catalogue order) and give each a priority and role."""
    scored = []
    for channel in CHANNELS:
        components = _components(channel, data)
        scored.append((round(sum(components.values()), 4), channel, components))
    scored.sort(key=lambda row: (-row[0], CHANNELS.index(row[1])))
    return {
        "channels": [
            {"channel": channel, "fit": fit, "priority": priority(fit), "role": _role(rank), "components": parts}
            for rank, (fit, channel, parts) in enumerate(scored)
        ]
    }
