"""Ideal customer profiles: what the company's own words give, profiles built from them, and the checks every
profile passes whoever wrote it (a model, or code offline).

* ``icp.ground`` reads the foundation: the segments its audience names (``company_words.audience_segments``),
  the problems it states, its product in one clause, its competitors and goals; which of the eight fields the
  profiles draw on (``GROUNDING_FIELDS``) are filled, and whether the essentials are missing (no audience and
  no product: then the agent asks). **Confidence** = the share of ``GROUNDING_FIELDS`` the input filled, each
  counting once: it measures how much of the company the profiles could draw on, not how good a model is.
* ``icp.offline_profiles`` builds one profile per segment the audience names (up to the count), from those words
  only: name and tagline from the segment and the product, roles, geography, the stated need as motivation, the
  stated problems as pains, the competitors as current alternatives. What only a model can judge (type, fit,
  severity, triggers, disqualifiers, channels, psychographic values, research habits) stays empty and is listed
  in ``needs_model``; no fixed profile fills it.
* ``icp.check`` validates profiles (``PROBLEM_RULES``): the requested count; names unique among themselves and
  against the existing ICPs, case-insensitively; exactly one primary; fit scores within 0–1; grounded (every
  ``grounded_in`` phrase occurs in the foundation, at least one in its audience, product or description); no
  claim that needs proof (``skills/library/claims.py``: guarantees, superlatives, absolutes, unverified figures)
  and no number outside the input in the prose, since market figures belong in ``estimates``, each a range with
  its basis (low ≤ high). It computes each profile's overall fit: the mean of the four scores, rounded half up
  to 2 places on exact decimals.
"""

from __future__ import annotations

from typing import Any

from raptorflow.accounts.schemas import FOUNDATION_SCHEMA
from skills.choices import SkillCategory
from skills.registry import skill

from . import company_words as words

MAX_ICPS, DEFAULT_ICPS = 5, 2
NAME_CHARS = 120
ICP_TYPES = ("b2b_enterprise", "b2b_smb", "b2c_consumer", "b2c_professional", "nonprofit", "government")
SEVERITIES = ("high", "medium", "low")
FIT_PARTS = ("pain_intensity", "willingness_to_pay", "accessibility", "product_fit")
# The foundation fields a profile draws on; confidence is the share of them the input filled.
GROUNDING_FIELDS = ("audience", "product", "description", "competitors", "goals", "industry", "stage", "budget_level")
# Where a profile must find at least one of its quotes: the fields that say who buys and what they buy.
CORE_FIELDS = ("audience", "product", "description")
# What offline profiles leave to a model (paths in an ICP), in the order of the output.
MODEL_ONLY = (
    "icps[].type",
    "icps[].demographics.seniority",
    "icps[].demographics.decision_role",
    "icps[].firmographics.organisation",
    "icps[].firmographics.size",
    "icps[].firmographics.industry",
    "icps[].psychographics.values",
    "icps[].behaviour.research",
    "icps[].behaviour.buying_process",
    "icps[].behaviour.decision_speed",
    "icps[].pain_points[].severity",
    "icps[].trigger_events",
    "icps[].disqualifiers",
    "icps[].preferred_channels",
    "icps[].fit_scores",
    "icps[].estimates",
    "synthesis",
)
PROBLEM_RULES = {
    "count": "the number of profiles is not the number requested",
    "name_collision": "the name is taken by an existing ICP or another profile (case-insensitive)",
    "primary": "exactly one profile must be primary",
    "score_range": "a fit score is outside 0–1",
    "not_grounded": "no quoted phrase comes from the audience, product or description",
    "quote_not_found": "a quoted phrase does not occur in the foundation",
    "claim": "a claim that needs proof (guarantee, superlative, absolute or unverified figure)",
    "untraced_figure": "a number that is neither in the input nor labelled as an estimate",
    "estimate_range": "an estimate's low is above its high",
}

# --- schemas ---------------------------------------------------------------------------------------------------

FOUNDATION_INPUT: dict[str, Any] = {
    **{k: v for k, v in FOUNDATION_SCHEMA.items() if k not in ("$schema", "title")},
    "description": "The company (its foundation). Defaults to the workspace's foundation when left out.",
}
COUNT = {"type": "integer", "minimum": 1, "maximum": MAX_ICPS, "default": DEFAULT_ICPS,
         "description": f"How many ICPs to build (default {DEFAULT_ICPS}, at most {MAX_ICPS})."}  # fmt: skip
EXISTING_ICPS = {
    "type": "array",
    "items": {"type": "string", "minLength": 1, "maxLength": 200},
    "maxItems": 100,
    "description": "Names of the workspace's existing ICPs; new names never repeat them (case-insensitive).",
}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 600}
_LIST = {"type": "array", "items": _TEXT, "maxItems": 10}
_OPTIONAL_TEXT = {"type": ["string", "null"], "maxLength": 600}
_NAMES = {"type": "array", "items": {"type": "string"}}


def obj(properties: dict[str, Any], description: str = "", *, closed: bool = True) -> dict[str, Any]:
    """An object schema whose properties are all required (closed: no others, as strict structured output wants)."""
    schema: dict[str, Any] = {"type": "object", "required": list(properties), "properties": properties}
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


PROBLEM = obj(
    {
        "icp": {"type": ["integer", "null"], "minimum": 0, "description": "Index of the profile; null: all."},
        "rule": {"enum": list(PROBLEM_RULES)},
        "field": {"type": "string"},
        "words": {"type": "string", "description": "The words or figures that broke the rule."},
    }
)


def _described(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description}


def _score(what: str) -> dict[str, Any]:
    return obj(
        {
            "score": {"type": "number", "minimum": 0, "maximum": 1, "description": f"{what}, 0 (none) to 1 (most)."},
            "reason": _described(_TEXT, "Why, from the foundation's words."),
        }
    )


def _estimate() -> dict[str, Any]:
    return obj(
        {
            "claim": _described(_TEXT, "What is estimated, e.g. the number of such organisations in the region."),
            "low": {"type": "number", "minimum": 0, "description": "Low end of the range, in `unit`."},
            "high": {"type": "number", "minimum": 0, "description": "High end of the range, in `unit`."},
            "unit": _described(_TEXT, "Unit of low and high (organisations, USD per year, people…)."),
            "basis": _described(_TEXT, "What the estimate rests on: a named source and year, or the reasoning."),
        },
        "A market claim, labelled as an estimate with a range and its basis.",
    )


def _name_limit(*, for_model: bool, checked: bool) -> int:
    """A model writes short names; a checked profile may carry the " (n)" suffix code adds to a taken name."""
    return 80 if for_model else 220 if checked else 200


def icp_schema(*, for_model: bool, checked: bool = True) -> dict[str, Any]:
    """One ICP: as the model must write it (every field filled) or as the output holds it (offline, code leaves
    to a model what only a model can judge: those fields are null or empty). Before ``icp.check`` has run
    (``checked=False``) a profile has no overall fit and no issues yet."""
    text = _TEXT if for_model else _OPTIONAL_TEXT
    score_parts: dict[str, Any] = {part: _score(part.replace("_", " ")) for part in FIT_PARTS}
    fit = obj(score_parts, "Fit scores, each 0–1 with its reason.")
    if not for_model and checked:
        fit["properties"]["overall"] = {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 1,
            "description": "Mean of the four scores (computed by code), 2 places.",
        }
        fit["required"].append("overall")  # fmt: skip
    pain_props: dict[str, Any] = {
        "pain": _TEXT,
        "severity": {"enum": list(SEVERITIES)} if for_model else {"enum": [*SEVERITIES, None]},
        "why": text,
    }
    if not for_model:
        pain_props["source"] = _described(_TEXT, "Who stated it: `model`, or the foundation field it was taken from.")
    properties: dict[str, Any] = {
        # pattern: more than blanks; settle() compares and suffixes names stripped, and a blank one would be empty.
        "name": {"type": "string", "minLength": 1, "pattern": r"\S",
                 "maxLength": _name_limit(for_model=for_model, checked=checked),
                 "description": "A short name, unique among the workspace's ICPs."},
        "tagline": {"type": "string", "minLength": 1, "maxLength": 300 if for_model else 2000,
                    "description": "One line: who, and why."},
        "type": {"enum": list(ICP_TYPES)} if for_model else {"enum": [*ICP_TYPES, None]},
        "primary": {"type": "boolean", "description": "The one segment to go after first."},
        "segment": _described(_TEXT, "The group as the company's foundation names it."),
        "grounded_in": {
            "type": "array", "items": _TEXT, "minItems": 1, "maxItems": 8,
            "description": "Exact phrases from the foundation this profile is built on.",
        },
        "demographics": obj({"roles": _LIST, "seniority": text, "decision_role": text}),
        "firmographics": obj({"organisation": text, "size": text, "geography": text, "industry": text}),
        "psychographics": obj({"values": _LIST, "motivations": _LIST}),
        "behaviour": obj({"research": _LIST, "buying_process": text, "decision_speed": text,
                          "current_alternatives": _LIST}),
        "pain_points": {"type": "array", "items": obj(pain_props), "maxItems": 10},
        "trigger_events": _LIST,
        "disqualifiers": _LIST,
        "preferred_channels": {"type": "array", "items": obj({"channel": _TEXT, "why": text}), "maxItems": 10},
        "fit_scores": fit if for_model else {"anyOf": [fit, {"type": "null"}]},
        "estimates": {"type": "array", "items": _estimate(), "maxItems": 10,
                      "description": "Every market claim, as an estimate with its range and basis."},
    }  # fmt: skip
    if not for_model:
        properties["written_by"] = {"enum": ["model", "code"], "description": "Who wrote the profile."}
        properties["issues"] = {"type": "array", "items": PROBLEM,
                                "description": "What the checks found in this profile after any revision."}  # fmt: skip
    schema = obj(properties)
    if not checked:
        schema["required"] = [k for k in schema["required"] if k != "issues"]
    return schema


MODEL_ICP = icp_schema(for_model=True)
OUTPUT_ICP = icp_schema(for_model=False)
ICPS_OUTPUT: dict[str, Any] = {"type": "array", "items": OUTPUT_ICP, "maxItems": MAX_ICPS}
ICPS_UNCHECKED: dict[str, Any] = {"type": "array", "items": icp_schema(for_model=False, checked=False),
                                  "maxItems": MAX_ICPS}  # fmt: skip
_PHRASE = {"type": "string", "maxLength": 400}
_WORDS = {"type": "array", "items": _TEXT, "maxItems": 50}
SEGMENT = obj({"name": _TEXT, "roles": _WORDS, "geography": _PHRASE, "need": _PHRASE})
GROUNDING = obj(
    {
        "company": {"type": "string", "maxLength": 200},
        "product": {
            "type": "string",
            "maxLength": 200,
            "description": "The product (else the description) in one clause.",
        },
        "segments": {"type": "array", "items": SEGMENT, "description": "The groups the audience names."},
        "problems": {"type": "array", "items": obj({"phrase": _TEXT, "field": {"enum": list(CORE_FIELDS)}})},
        "alternatives": _WORDS,
        "goals": _WORDS,
        "given": {"type": "array", "items": {"enum": list(GROUNDING_FIELDS)}},
        "missing": {"type": "array", "items": {"enum": list(GROUNDING_FIELDS)}},
        "missing_essentials": {"type": "array", "items": {"enum": ["audience", "product"]}},
        "confidence": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "Share of the grounding fields the input filled (given ÷ all).",
        },
    },
    "What the foundation's own words give the profiles.",
)


# --- grounding -------------------------------------------------------------------------------------------------


def _filled(value: Any) -> bool:
    return bool([v for v in value if str(v).strip()]) if isinstance(value, list) else bool(str(value or "").strip())


def ground(foundation: dict[str, Any]) -> dict[str, Any]:
    """What the foundation's own words give (see the module docstring)."""
    given = [f for f in GROUNDING_FIELDS if _filled(foundation.get(f))]
    problems = [
        {"phrase": phrase, "field": name}
        for name in ("description", "product", "audience")
        for phrase in words.problem_phrases(foundation.get(name))
    ]
    segments = words.audience_segments(foundation.get("audience"))
    return {
        "company": words.clean(foundation.get("company")),
        "product": words.first_clause(foundation.get("product")) or words.first_clause(foundation.get("description")),
        "segments": [
            {"name": s.name, "roles": list(s.roles[:10]), "geography": s.geography, "need": s.need} for s in segments
        ],
        "problems": problems,
        "alternatives": [words.clean(c) for c in foundation.get("competitors") or [] if words.clean(c)],
        "goals": [words.clean(g) for g in foundation.get("goals") or [] if words.clean(g)],
        "given": given,
        "missing": [f for f in GROUNDING_FIELDS if f not in given],
        "missing_essentials": [] if {"audience", "product"} & set(given) else ["audience", "product"],
        "confidence": round(len(given) / len(GROUNDING_FIELDS), 2),
    }


@skill(
    "icp.ground",
    name="Ground ICPs in the company's words",
    category=SkillCategory.RESEARCH,
    input_schema=obj({"foundation": FOUNDATION_INPUT}),
    output_schema=GROUNDING,
)
def icp_ground(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Segments, problems, product, competitors and goals as the foundation states them; what is missing."""
    return ground(data["foundation"])


# --- offline profiles ------------------------------------------------------------------------------------------


def unique_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base (n)`` with the smallest n ≥ 2 not in ``taken`` (case-insensitive); records it."""
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base} ({n})", n + 1
    taken.add(name.casefold())
    return name


def _tagline(segment: dict[str, Any], product: str) -> str:
    who = words.lower_first(segment["name"])
    if product:
        return f"{words.upper_first(product)}, for {who}"
    where = f" in {segment['geography']}" if segment["geography"] else ""
    need = f" who {segment['need']}" if segment["need"] else ""
    return f"{words.upper_first(segment['name'])}{where}{need}"


def offline_profile(grounding: dict[str, Any], segment: dict[str, Any], name: str, primary: bool) -> dict[str, Any]:
    """One profile from the company's words about one segment; what needs a model is left empty."""
    quotes = [segment["name"], *([grounding["product"]] if grounding["product"] else [])]
    return {
        "name": name,
        "tagline": _tagline(segment, grounding["product"]),
        "type": None,
        "primary": primary,
        "segment": segment["name"],
        "grounded_in": quotes,
        "demographics": {"roles": segment["roles"][:10], "seniority": None, "decision_role": None},
        "firmographics": {
            "organisation": None,
            "size": None,
            "geography": segment["geography"] or None,
            "industry": None,
        },
        "psychographics": {"values": [], "motivations": [segment["need"]] if segment["need"] else []},
        "behaviour": {
            "research": [],
            "buying_process": None,
            "decision_speed": None,
            "current_alternatives": grounding["alternatives"][:10],
        },
        "pain_points": [
            {"pain": p["phrase"], "severity": None, "why": None, "source": p["field"]}
            for p in grounding["problems"][:10]
        ],
        "trigger_events": [],
        "disqualifiers": [],
        "preferred_channels": [],
        "fit_scores": None,
        "estimates": [],
        "written_by": "code",
        "issues": [],
    }


def _name_of(segment: dict[str, Any]) -> str:
    """The segment as a name: first letter capitalised, at most NAME_CHARS characters (cut at a word)."""
    name = words.upper_first(segment["name"])
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS].rsplit(" ", 1)[0]


def offline_profiles(grounding: dict[str, Any], count: int, existing: list[str]) -> dict[str, Any]:
    """One profile per segment the audience names, up to ``count``, and what needs a model."""
    taken = {name.casefold() for name in existing}
    segments = grounding["segments"][:count]
    icps = [
        offline_profile(grounding, segment, unique_name(_name_of(segment), taken), index == 0)
        for index, segment in enumerate(segments)
    ]
    needs_model = list(MODEL_ONLY) + [f"icps[{i}]" for i in range(len(icps), count)]
    if not grounding["problems"]:
        needs_model.insert(needs_model.index("icps[].pain_points[].severity"), "icps[].pain_points")
    return {"icps": icps, "needs_model": needs_model}


@skill(
    "icp.offline_profiles",
    name="ICPs from the company's words",
    category=SkillCategory.RESEARCH,
    input_schema=obj({"grounding": GROUNDING, "count": COUNT, "existing_icps": EXISTING_ICPS}),
    output_schema=obj({"icps": ICPS_OUTPUT, "needs_model": _NAMES}, closed=False),
)
def icp_offline_profiles(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Profiles built only from the segments, problems and competitors the foundation states (no model)."""
    return offline_profiles(data["grounding"], data["count"], data["existing_icps"])
