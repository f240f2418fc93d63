"""Ideal customer profiles: detect the company's market, build and score profiles, state confidence.

Rules (DOMAIN.md, "ICP architect"), and the choices made where it is silent:

* **Industry** (technology, healthcare, finance, retail, other) by whole-word, case-insensitive keywords
  (``INDUSTRY_KEYWORDS``). The foundation's ``industry`` field decides when it names one; otherwise the
  industry with most hits in description, product and audience wins (ties: order of ``INDUSTRIES``); no hit
  is ``other``, i.e. unknown.
* **Size** (small, medium, large) is the size of the *customers*, because that is what separates an enterprise
  ICP from an SMB one; detected the same way (``SIZE_KEYWORDS``) over industry, description, product and
  audience; no hit is ``unknown``. The company's own stage is not a size signal.
* **Types**: all six are scored and the ``count`` best by overall fit are kept, so the profiles always differ;
  ties follow the industry's natural order (``INDUSTRY_TYPE_ORDER``). The first (best) one is primary.
* **Fit scores** (0–1, 2 places) from the foundation only:
  pain intensity = type base + 0.05 per pain cue word (at most +0.2) + 0.1 in a regulated industry
  (healthcare, finance); willingness to pay = type base + industry adjustment + (B2B types) size adjustment;
  accessibility = type base + budget-level adjustment + (enterprise, government) a stage adjustment, since
  early-stage companies rarely land big accounts and late-stage ones have references;
  product fit = 0.4 + 0.3 × min(1, audience cue hits ÷ 2) + 0.2 when the detected size suits the type + 0.1
  when the type is one of the industry's two natural types. Overall = mean of the four (4 places).
* **Pain severity**: the i-th pain point (from 0) scores pain intensity − 0.15 × i; ≥ 0.7 high, ≥ 0.4 medium,
  else low. **Names** are unique against the existing names given (case-insensitive) via " (2)", " (3)"….
* **Confidence** = 0.3 if the industry is known + 0.2 if the size is known + 0.2 if a description exists +
  0.1 per ICP, at most 0.3.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from raptorflow.accounts.schemas import FOUNDATION_SCHEMA
from skills.choices import SkillCategory, SkillKind
from skills.registry import skill


def _kw(text: str) -> tuple[str, ...]:
    """A comma-separated keyword list, so long lists stay readable (and short) in this file."""
    return tuple(w.strip() for w in text.split(",") if w.strip())


# fmt: off
INDUSTRIES = ("technology", "healthcare", "finance", "retail")
INDUSTRY_KEYWORDS = {
    "technology": _kw("technology, tech, software, saas, ai, cloud, api, apis, developer tools, devops, "
                      "cybersecurity, martech, app, apps, it services, machine learning"),
    "healthcare": _kw("healthcare, health, healthtech, medical, clinic, clinics, hospital, hospitals, patient, "
                      "patients, dental, dentist, dentists, pharma, biotech, wellness"),
    "finance": _kw("finance, financial, fintech, bank, banks, banking, insurance, insurtech, payments, lending, "
                   "accounting, investing, investment, wealth, credit, tax"),
    "retail": _kw("retail, e-commerce, ecommerce, shop, shops, store, stores, shopper, shoppers, fashion, apparel, "
                  "consumer goods, d2c, dtc, grocery, merchants"),
}
SIZES = ("small", "medium", "large")
SIZE_KEYWORDS = {
    "small": _kw("small business, small businesses, smb, smbs, startup, startups, freelancers, solopreneurs, "
                 "small teams, local businesses, sole traders, micro businesses"),
    "medium": _kw("mid-market, midmarket, mid-sized, mid-size, medium-sized, sme, smes, scale-ups, scaleups"),
    "large": _kw("enterprise, enterprises, fortune 500, large companies, corporations, multinationals, global brands"),
}
ICP_TYPES = ("b2b_enterprise", "b2b_smb", "b2c_consumer", "b2c_professional", "nonprofit", "government")
PERSONALITIES = ("analytical", "driver", "amiable", "expressive")
TYPE_CUES = {
    "b2b_enterprise": _kw("enterprise, enterprises, fortune 500, large companies, corporations, cio, procurement"),
    "b2b_smb": _kw("small business, small businesses, smb, smbs, sme, smes, startup, startups, founders, agencies, "
                   "small teams, local businesses"),
    "b2c_consumer": _kw("consumers, consumer, shoppers, households, families, parents, individuals, students"),
    "b2c_professional": _kw("freelancers, freelancer, creators, consultants, coaches, designers, developers, "
                            "professionals, solopreneurs, contractors"),
    "nonprofit": _kw("nonprofit, nonprofits, non-profit, non-profits, charity, charities, ngo, ngos, volunteers"),
    "government": _kw("government, governments, public sector, municipal, municipalities, councils, federal"),
}
INDUSTRY_TYPE_ORDER = {
    "technology": ("b2b_smb", "b2b_enterprise", "b2c_professional", "b2c_consumer", "nonprofit", "government"),
    "healthcare": ("b2b_smb", "b2b_enterprise", "b2c_consumer", "government", "nonprofit", "b2c_professional"),
    "finance": ("b2b_smb", "b2c_consumer", "b2b_enterprise", "b2c_professional", "government", "nonprofit"),
    "retail": ("b2c_consumer", "b2b_smb", "b2c_professional", "b2b_enterprise", "nonprofit", "government"),
    "other": ("b2b_smb", "b2c_consumer", "b2c_professional", "b2b_enterprise", "nonprofit", "government"),
}
# (pain intensity, willingness to pay, accessibility) before adjustments: enterprises pay most and are hard to
# reach; small businesses and professionals feel the pain directly and are easy to reach; consumers and
# nonprofits pay least; governments pay but are the slowest to reach.
TYPE_BASE = {
    "b2b_enterprise": (0.6, 0.8, 0.3), "b2b_smb": (0.7, 0.5, 0.7), "b2c_consumer": (0.5, 0.3, 0.6),
    "b2c_professional": (0.6, 0.5, 0.7), "nonprofit": (0.5, 0.3, 0.5), "government": (0.5, 0.6, 0.2),
}
PAIN_CUES = _kw("manual, slow, costly, expensive, struggle, struggling, waste, error-prone, errors, frustrated, "
                "churn, compliance, spreadsheets, time-consuming")
PAIN_CUE_STEP, PAIN_CUE_CAP, REGULATED_PAIN_BONUS = 0.05, 0.2, 0.1
REGULATED_INDUSTRIES = ("healthcare", "finance")
INDUSTRY_WTP = {"finance": 0.1, "healthcare": 0.1, "technology": 0.05, "retail": -0.05, "other": 0.0}
SIZE_WTP = {"large": 0.1, "medium": 0.05, "small": -0.05, "unknown": 0.0}
BUDGET_ACCESS = {"low": -0.1, "medium": 0.0, "high": 0.1}
STAGE_ACCESS_BIG_ACCOUNTS = {"idea": -0.1, "pre_seed": -0.1, "seed": -0.1, "growth": 0.1, "enterprise": 0.1}
BIG_ACCOUNT_TYPES = ("b2b_enterprise", "government")
SIZE_SUITS = {"large": ("b2b_enterprise", "government"), "medium": ("b2b_smb", "b2b_enterprise"),
              "small": ("b2b_smb", "b2c_professional")}
FIT_BASE, FIT_CUE_WEIGHT, FIT_CUE_SATURATION, FIT_SIZE_BONUS, FIT_NATURAL_BONUS = 0.4, 0.3, 2, 0.2, 0.1
SEVERITY_STEP, SEVERITY_HIGH, SEVERITY_MEDIUM = 0.15, 0.7, 0.4
CONFIDENCE_INDUSTRY, CONFIDENCE_SIZE, CONFIDENCE_DESCRIPTION = 0.3, 0.2, 0.2
CONFIDENCE_PER_ICP, CONFIDENCE_ICP_CAP = 0.1, 0.3
CONFIDENCE_PARTS = ("industry", "size", "description", "icps")
MAX_ICPS, DEFAULT_ICPS = 5, 2

INDUSTRY_WORD = {"technology": "Tech", "healthcare": "Healthcare", "finance": "Finance", "retail": "Retail"}
INDUSTRY_PAIN = {
    "technology": "Tool sprawl and integrations that break as the stack grows",
    "healthcare": "Compliance and patient-data rules that slow every change",
    "finance": "Regulatory reporting and audit trails that eat up team time",
    "retail": "Thin margins squeezed by rising customer acquisition costs",
}
# Per type: the qualitative profile. Fields with several values are ";"-separated (split in _template).
_TEMPLATES: dict[str, dict[str, str]] = {
    "b2b_enterprise": dict(
        persona="Enterprise Buyer", roles="VP of Operations; Director of IT; Head of Procurement",
        seniority="director or above", decision="sponsor inside a buying committee", company_size="1,000+ employees",
        buying_process="committee with security and procurement review", personality="analytical",
        values="risk reduction; proven vendors; measurable return",
        motivations="Cut operating cost at scale; show results to the board",
        research="analyst reports; peer references; detailed demos", decision_speed="slow (3–9 months)",
        pains="Legacy systems that do not talk to each other; Change that needs sign-off from many teams",
        triggers="New executive hire; budget cycle opens; failed audit or incident",
        disqualifiers="Requires on-premise deployment the product does not offer",
        channels="account-based marketing; industry events; LinkedIn; analyst relations",
    ),
    "b2b_smb": dict(
        persona="Small-Business Owner", roles="Founder; Owner; Operations Manager",
        seniority="owner or first managers", decision="single decision maker", company_size="1–200 employees",
        buying_process="owner decides after a free trial", personality="driver",
        values="speed; simplicity; fair price", motivations="Grow revenue with a small team; save hours every week",
        research="Google search; peer recommendations; review sites", decision_speed="fast (days to weeks)",
        pains="Manual work that eats the owner's time; Tools too complex for a small team",
        triggers="First hires; a season of growth; a tool they rely on raises its price",
        disqualifiers="No budget for paid software", channels="search; email; communities; partnerships",
    ),
    "b2c_consumer": dict(
        persona="Everyday Consumer", roles="Individual buyer; Household decision maker", seniority="n/a (individual)",
        decision="buys for themselves or their household", company_size="n/a (individual buyer)",
        buying_process="impulse or short comparison", personality="amiable",
        values="convenience; trust; value for money",
        motivations="Make daily life easier; feel confident in the choice",
        research="social media; reviews and ratings; friends", decision_speed="fast (minutes to days)",
        pains="Too many options and no clear way to choose; Hidden costs that appear at checkout",
        triggers="Life event such as a move or a new job; seasonal need; a friend's recommendation",
        disqualifiers="Will not pay for something free alternatives cover",
        channels="paid social; organic social; influencers; email",
    ),
    "b2c_professional": dict(
        persona="Independent Professional", roles="Freelancer; Consultant; Creator", seniority="self-employed",
        decision="buys with their own money", company_size="1–10 people", buying_process="self-serve after trying it",
        personality="expressive", values="independence; craft; reputation",
        motivations="Win more clients; spend time on the work they love",
        research="communities; creator reviews; newsletters", decision_speed="fast (days)",
        pains="Admin work that is not billable; Uneven income from month to month",
        triggers="Landing a bigger client; going full-time independent; a busy season",
        disqualifiers="Only occasional need for the product",
        channels="communities; content; organic social; referrals",
    ),
    "nonprofit": dict(
        persona="Nonprofit Leader", roles="Executive Director; Development Manager; Programme Lead",
        seniority="director or manager", decision="needs board or budget-holder approval",
        company_size="5–500 staff and volunteers", buying_process="grant- or budget-cycle driven",
        personality="amiable", values="mission impact; transparency; stewardship of donations",
        motivations="Raise more funds; show donors their impact",
        research="peer organisations; sector associations; webinars", decision_speed="medium (1–3 months)",
        pains="Limited budget for tools; Volunteers who need simple tools",
        triggers="New grant awarded; annual planning; donor reporting deadline",
        disqualifiers="No nonprofit pricing available", channels="sector associations; email; webinars; partnerships",
    ),
    "government": dict(
        persona="Public-Sector Buyer", roles="Programme Manager; IT Director; Procurement Officer",
        seniority="manager or director", decision="follows a formal tender",
        company_size="agencies of 50–10,000 staff", buying_process="public tender with compliance checks",
        personality="analytical", values="compliance; accountability; long-term support",
        motivations="Deliver services citizens can rely on; stay within budget",
        research="tenders and frameworks; case studies from other agencies; trade shows",
        decision_speed="slow (6–18 months)",
        pains="Procurement rules that slow every purchase; Ageing systems with high upkeep",
        triggers="New policy or mandate; fiscal-year budget release; a public service failure",
        disqualifiers="Missing required certifications",
        channels="procurement frameworks; government events; partnerships; PR",
    ),
}
# fmt: on
_LIST_FIELDS = ("roles", "values", "motivations", "research", "pains", "triggers", "disqualifiers", "channels")

FOUNDATION_INPUT = {k: v for k, v in FOUNDATION_SCHEMA.items() if k not in ("$schema", "title")}
_INDUSTRY = {"enum": [*INDUSTRIES, "other"]}
_SIZE = {"enum": [*SIZES, "unknown"]}
_SCORE = {"type": "number", "minimum": 0, "maximum": 1}
_STRINGS = {"type": "array", "items": {"type": "string"}}


def _obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema whose properties are all required except ``optional``."""
    return {"type": "object", "required": [k for k in properties if k not in optional], "properties": properties}


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One whole-word, case-insensitive alternation; a space in a keyword matches any run of whitespace."""
    parts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def keyword_hits(text: str, words: tuple[str, ...]) -> list[str]:
    """Every whole-word occurrence of any of ``words`` in ``text``, lower-cased, in order."""
    return [" ".join(m.group().lower().split()) for m in _pattern(words).finditer(text or "")]


def _text(foundation: dict[str, Any], *fields: str) -> str:
    return "\n".join(str(foundation.get(f) or "") for f in fields)


def _best(text: str, table: dict[str, tuple[str, ...]], order: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """The key of ``table`` with the most hits in ``text`` (ties by ``order``), and its hits."""
    hits = {key: keyword_hits(text, table[key]) for key in order}
    best = max(order, key=lambda key: (len(hits[key]), -order.index(key)))
    return (best, hits[best]) if hits[best] else (None, [])


def detect(foundation: dict[str, Any]) -> dict[str, Any]:
    """Industry and customer size of a foundation, with the words that decided them."""
    industry, industry_hits = _best(_text(foundation, "industry"), INDUSTRY_KEYWORDS, INDUSTRIES)
    if industry is None:
        body = _text(foundation, "description", "product", "audience")
        industry, industry_hits = _best(body, INDUSTRY_KEYWORDS, INDUSTRIES)
    size, size_hits = _best(_text(foundation, "industry", "description", "product", "audience"), SIZE_KEYWORDS, SIZES)
    return {
        "industry": industry or "other",
        "size": size or "unknown",
        "industry_keywords": sorted(set(industry_hits)),
        "size_keywords": sorted(set(size_hits)),
        "has_description": bool(str(foundation.get("description") or "").strip()),
    }


@skill(
    "icp.detect_company",
    name="Detect industry and customer size",
    category=SkillCategory.RESEARCH,
    input_schema=_obj({"foundation": FOUNDATION_INPUT}),
    output_schema=_obj(
        {
            "industry": _INDUSTRY,
            "size": _SIZE,
            "industry_keywords": _STRINGS,
            "size_keywords": _STRINGS,
            "has_description": {"type": "boolean"},
        }
    ),
)
def detect_company(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Detects the industry and the customers' size from a foundation by whole-word keywords."""
    return detect(data["foundation"])


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 2)


def fit_scores(foundation: dict[str, Any], icp_type: str, industry: str, size: str) -> dict[str, float]:
    """The four fit scores and their mean for one ICP type (rules in the module docstring)."""
    pain_base, wtp_base, access_base = TYPE_BASE[icp_type]
    body = _text(foundation, "description", "product", "audience")
    pain = pain_base + min(PAIN_CUE_CAP, PAIN_CUE_STEP * len(keyword_hits(body, PAIN_CUES)))
    pain += REGULATED_PAIN_BONUS if industry in REGULATED_INDUSTRIES else 0
    wtp = wtp_base + INDUSTRY_WTP[industry] + (SIZE_WTP[size] if icp_type.startswith("b2b") else 0)
    access = access_base + BUDGET_ACCESS.get(foundation.get("budget_level") or "medium", 0)
    if icp_type in BIG_ACCOUNT_TYPES:
        access += STAGE_ACCESS_BIG_ACCOUNTS.get(foundation.get("stage") or "", 0)
    cues = len(keyword_hits(body, TYPE_CUES[icp_type]))
    fit = FIT_BASE + FIT_CUE_WEIGHT * min(1, cues / FIT_CUE_SATURATION)
    fit += FIT_SIZE_BONUS if icp_type in SIZE_SUITS.get(size, ()) else 0
    fit += FIT_NATURAL_BONUS if icp_type in INDUSTRY_TYPE_ORDER[industry][:2] else 0
    scores = {
        "pain_intensity": _clamp(pain),
        "willingness_to_pay": _clamp(wtp),
        "accessibility": _clamp(access),
        "product_fit": _clamp(fit),
    }
    scores["overall"] = round(sum(scores.values()) / 4, 4)
    return scores


def rank_types(foundation: dict[str, Any], industry: str, size: str) -> list[tuple[str, dict[str, float]]]:
    """All six types with their scores, best overall fit first; ties follow the industry's natural order."""
    order = INDUSTRY_TYPE_ORDER[industry]
    scored = [(t, fit_scores(foundation, t, industry, size)) for t in order]
    return sorted(scored, key=lambda pair: (-pair[1]["overall"], order.index(pair[0])))


def unique_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base (n)`` with the smallest n ≥ 2 not in ``taken`` (case-insensitive); records it."""
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base} ({n})", n + 1
    taken.add(name.casefold())
    return name


def _template(icp_type: str) -> dict[str, Any]:
    raw = _TEMPLATES[icp_type]
    split = {k: [p.strip() for p in raw[k].split(";")] for k in _LIST_FIELDS}
    return {**raw, **{k: [p[:1].upper() + p[1:] for p in v] for k, v in split.items()}}


def _severity(score: float) -> str:
    score = round(score, 4)
    return "high" if score >= SEVERITY_HIGH else "medium" if score >= SEVERITY_MEDIUM else "low"


def _disqualifiers(t: dict[str, Any], icp_type: str, foundation: dict[str, Any]) -> list[str]:
    """The type's disqualifiers, plus those that follow from the company's own budget and stage."""
    extra = []
    if icp_type in BIG_ACCOUNT_TYPES and foundation.get("budget_level") == "low":
        extra.append("Needs a long, costly sales cycle that a low marketing budget cannot fund yet")
    if icp_type in BIG_ACCOUNT_TYPES and foundation.get("stage") in ("idea", "pre_seed"):
        extra.append("Requires references or security reviews the company cannot provide yet")
    return [*t["disqualifiers"], *extra]


def build_profile(foundation: dict[str, Any], icp_type: str, industry: str, size: str) -> dict[str, Any]:
    """One ICP (its name not yet made unique, not yet flagged primary) from its template and the foundation."""
    t = _template(icp_type)
    scores = fit_scores(foundation, icp_type, industry, size)
    pains = [*t["pains"], *([INDUSTRY_PAIN[industry]] if industry in INDUSTRY_PAIN else [])]
    own_industry = str(foundation.get("industry") or "").strip()
    return {
        "name": " ".join(p for p in (INDUSTRY_WORD.get(industry, ""), t["persona"]) if p),
        "tagline": f"{t['motivations'][0]}, without {pains[0][:1].lower()}{pains[0][1:]}",
        "type": icp_type,
        "demographics": {"roles": t["roles"], "seniority": t["seniority"], "decision_role": t["decision"]},
        "firmographics": {
            "industry": industry if industry != "other" else own_industry or "any",
            "company_size": t["company_size"],
            "buying_process": t["buying_process"],
        },
        "psychographics": {"personality": t["personality"], "values": t["values"], "motivations": t["motivations"]},
        "behaviour": {"research_habits": t["research"], "decision_speed": t["decision_speed"]},
        "pain_points": [
            {"pain": p, "severity": _severity(scores["pain_intensity"] - SEVERITY_STEP * i)}
            for i, p in enumerate(pains)
        ],
        "trigger_events": t["triggers"],
        "disqualifiers": _disqualifiers(t, icp_type, foundation),
        "preferred_channels": t["channels"],
        "fit_scores": scores,
    }


_SCORES = _obj({k: _SCORE for k in ("pain_intensity", "willingness_to_pay", "accessibility", "product_fit", "overall")})
_PAIN = _obj({"pain": {"type": "string"}, "severity": {"enum": ["high", "medium", "low"]}})
_PROFILE = _obj(
    {
        "name": {"type": "string", "minLength": 1},
        "tagline": {"type": "string"},
        "type": {"enum": list(ICP_TYPES)},
        "primary": {"type": "boolean"},
        "demographics": {"type": "object"},
        "firmographics": {"type": "object"},
        "psychographics": _obj({"personality": {"enum": list(PERSONALITIES)}}),
        "behaviour": {"type": "object"},
        "pain_points": {"type": "array", "items": _PAIN},
        "trigger_events": _STRINGS,
        "disqualifiers": _STRINGS,
        "preferred_channels": _STRINGS,
        "fit_scores": _SCORES,
    }
)
PROFILES_OUTPUT = {"type": "array", "items": _PROFILE, "maxItems": MAX_ICPS}
COUNT = {"type": "integer", "minimum": 1, "maximum": MAX_ICPS, "default": DEFAULT_ICPS}
EXISTING_ICPS = {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 200}


@skill(
    "icp.build_profiles",
    name="Build ideal customer profiles",
    category=SkillCategory.STRATEGY,
    input_schema=_obj(
        {
            "foundation": FOUNDATION_INPUT,
            "count": COUNT,
            "existing_icps": EXISTING_ICPS,
            "industry": _INDUSTRY,
            "size": _SIZE,
        },
        optional=("count", "existing_icps", "industry", "size"),
    ),
    output_schema=_obj({"icps": PROFILES_OUTPUT, "industry": _INDUSTRY, "size": _SIZE}),
)
def build_profiles(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Scores all six ICP types against the foundation and profiles the best ``count``; the best is primary.

    ``industry`` and ``size`` default to what icp.detect_company finds in the foundation.
    """
    foundation = data["foundation"]
    detected = detect(foundation) if not (data.get("industry") and data.get("size")) else {}
    industry, size = data.get("industry") or detected["industry"], data.get("size") or detected["size"]
    taken = {name.strip().casefold() for name in data.get("existing_icps", [])}
    icps = []
    for rank, (icp_type, _) in enumerate(rank_types(foundation, industry, size)[: data.get("count", DEFAULT_ICPS)]):
        profile = build_profile(foundation, icp_type, industry, size)
        profile["name"] = unique_name(profile["name"], taken)
        icps.append({**profile, "primary": rank == 0})
    return {"icps": icps, "industry": industry, "size": size}


@skill(
    "icp.confidence",
    name="ICP confidence",
    category=SkillCategory.ANALYTICS,
    input_schema=_obj(
        {
            "industry": _INDUSTRY,
            "size": _SIZE,
            "has_description": {"type": "boolean"},
            "icp_count": {"type": "integer", "minimum": 0, "maximum": 100},
        }
    ),
    output_schema=_obj({"confidence": _SCORE, "parts": _obj({k: _SCORE for k in CONFIDENCE_PARTS})}),
)
def confidence(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """How much the profiles rest on what the company told us: industry, size, description, number of ICPs."""
    parts = {
        "industry": CONFIDENCE_INDUSTRY if data["industry"] != "other" else 0.0,
        "size": CONFIDENCE_SIZE if data["size"] != "unknown" else 0.0,
        "description": CONFIDENCE_DESCRIPTION if data["has_description"] else 0.0,
        "icps": min(CONFIDENCE_ICP_CAP, round(CONFIDENCE_PER_ICP * data["icp_count"], 2)),
    }
    return {"confidence": round(min(1.0, sum(parts.values())), 2), "parts": parts}


_SUMMARY = _obj(
    {
        "name": {"type": "string", "maxLength": 300},
        "tagline": {"type": "string", "maxLength": 500},
        "primary": {"type": "boolean"},
    },
    optional=("primary",),
)
_SUMMARIES = {"type": "array", "items": _SUMMARY, "maxItems": MAX_ICPS}


@skill(
    "icp.synthesis",
    name="ICP synthesis",
    category=SkillCategory.STRATEGY,
    kind=SkillKind.LLM,
    input_schema=_obj({"company": {"type": "string", "maxLength": 200}, "icps": _SUMMARIES}, optional=("company",)),
    output_schema=_obj({"synthesis": {"type": "string"}}),
)
def synthesis(data: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """A short model-written summary of who to sell to first and why, from the profiles' names and taglines."""
    lines = [f"- {i['name']}{' (primary)' if i.get('primary') else ''}: {i['tagline']}" for i in data["icps"]]
    company = (data.get("company") or "").strip() or "the company"
    prompt = f"Summarise in three sentences who {company} should sell to first and why.\n" + (
        "\n".join(lines) if lines else "No profiles were produced."
    )
    text = ctx.llm(prompt, system="You write concise, factual ICP summaries.", purpose="icp.synthesis")
    return {"synthesis": text}
