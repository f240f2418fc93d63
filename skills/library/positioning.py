"""Positioning: the blanks of five frameworks from the company's own words, statements built from them when no
model is available, and the check of every line (messaging rules and grammar, ``skills/library/messaging.py``).

* ``positioning.ground`` fills each blank (``BLANKS``) from an explicit input field, else from the foundation,
  and says where it came from: product = the company's name; audience = the audience's first clause without
  its "who …" part; need = that part; category = the noun phrase the product sentence opens with ("A booking app
  that…" → "booking app"); benefit = the description sentence that starts with the product's name, without it;
  alternative = the first competitor; differentiator = the first differentiator. A blank the words do not give
  stays empty: there is no default ("growing teams", "platform" and "the usual workarounds" are gone). It also
  lists the essentials that are missing, which the agent asks for: the product's name, what it does, the
  audience, the competitors (or whatever customers use instead), the differentiators.
* ``positioning.offline_statements`` fills each framework whose blanks are all given (``FRAMEWORK_BLANKS``) and
  lists the others as unfilled; soundbite drafts are the differentiators after the product's name.
* ``positioning.check_all`` checks every statement and soundbite: messaging rules, grammar, and the framework's
  shape (classic and comparison name an alternative); a line fails with any error or warning.
"""

from __future__ import annotations

from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from . import company_words as words
from .icp import FOUNDATION_INPUT, obj
from .messaging import CHECK, PENALTIES_INPUT, grammar_issues, issue, messaging_issues, score

FRAMEWORKS = ("classic", "challenger", "category_creator", "benefit_led", "comparison")
BLANKS = ("product", "audience", "need", "category", "benefit", "alternative", "differentiator")
FRAMEWORK_BLANKS = {
    "classic": BLANKS,
    "challenger": ("product", "audience", "alternative", "differentiator"),
    "category_creator": ("product", "audience", "category", "benefit"),
    "benefit_led": ("product", "benefit"),
    "comparison": ("product", "alternative", "differentiator"),
}
NAMES_ALTERNATIVE = ("classic", "comparison")
MAX_OFFLINE_SOUNDBITES = 3
ESSENTIALS = ("product_name", "what_it_does", "audience", "competitors", "differentiators")

_SHORT = {"type": "string", "maxLength": 500}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 600}
_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 500}, "maxItems": 50}
_PHRASES = {"type": "array", "items": _SHORT, "maxItems": 20}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_BUILT = {"type": "string", "minLength": 1, "description": "A sentence built by code from the company's words."}
STATEMENTS_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "foundation": FOUNDATION_INPUT,
        "competitors": {**_NAMES, "description": "Competitors or what customers use instead; default: the "
                        "foundation's competitors."},
        "differentiators": {**_PHRASES, "description": "What you do that the alternatives do not, one checkable "
                            "fact each."},
        "product": {**_SHORT, "description": "The product's name as statements should say it; default: the company."},
        "audience": {**_SHORT, "description": "Who it is for; default: the foundation's audience."},
        "need": {**_SHORT, "description": "What they need, as a verb phrase (\"need to …\")."},
        "category": {**_SHORT, "description": "The kind of product, as a noun phrase (\"booking app\")."},
        "benefit": {**_SHORT, "description": "What it does for them, as a verb phrase (\"books …\")."},
    },
}  # fmt: skip
FIELD = obj({"value": {"type": "string"}, "source": {"type": "string", "description": "Where the value came from: "
             "input.<field>, foundation.<field>, model, or empty when nothing gave it."}})  # fmt: skip
FIELDS = obj({blank: FIELD for blank in BLANKS}, "What fills each blank of the frameworks, and from where.")
GROUNDED = obj(
    {
        "fields": FIELDS,
        "competitors": _STRINGS,
        "differentiators": _STRINGS,
        "own_text": {"type": "string", "description": "The company's own words, for the figure rule."},
        "missing_essentials": {"type": "array", "items": {"enum": list(ESSENTIALS)}},
        "unfilled": {"type": "object", "additionalProperties": _STRINGS},
    }
)
LINE = obj(
    {
        "id": {"type": "string", "description": "The framework, or soundbite_<n>."},
        "kind": {"enum": ["statement", "soundbite"]},
        "text": {"type": "string", "maxLength": 2000},
    }
)


# --- blanks ----------------------------------------------------------------------------------------------------


def _field(value: str, source: str) -> dict[str, str]:
    value = words.strip_end(words.clean(value))
    return {"value": value, "source": source if value else ""}


def _first(*candidates: tuple[str, str]) -> dict[str, str]:
    """The first candidate (value, source) with a value."""
    return next((_field(v, s) for v, s in candidates if words.strip_end(words.clean(v))), _field("", ""))


def fill(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each blank's value and source (rules in the module docstring)."""
    foundation = data.get("foundation") or {}
    competitors, competitors_from = _competitors(data)
    differentiators = [d for d in (words.clean(x) for x in data.get("differentiators") or []) if d]
    audience, need = words.audience_phrase(foundation.get("audience"))
    product = _first((data.get("product", ""), "input.product"), (foundation.get("company", ""), "foundation.company"))
    name = product["value"]
    fields = {
        "product": product,
        "audience": _first((words.lower_first(words.clean(data.get("audience"))), "input.audience"),
                           (audience, "foundation.audience")),
        "need": _first((data.get("need", ""), "input.need"), (need, "foundation.audience")),
        "category": _first((data.get("category", ""), "input.category"),
                           (words.category_phrase(foundation.get("product")), "foundation.product")),
        "benefit": _first((data.get("benefit", ""), "input.benefit"),
                          (words.benefit_phrase(foundation.get("description"), name), "foundation.description"),
                          (words.benefit_phrase(foundation.get("product"), name), "foundation.product")),
        "alternative": _first((competitors[0] if competitors else "", competitors_from)),
        "differentiator": _first((differentiators[0] if differentiators else "", "input.differentiators")),
    }  # fmt: skip
    fields["benefit"]["value"] = words.lower_first(fields["benefit"]["value"])
    return fields


def _competitors(data: dict[str, Any]) -> tuple[list[str], str]:
    given = [c for c in (words.clean(x) for x in data.get("competitors") or []) if c]
    if given:
        return given, "input.competitors"
    stored = [c for c in (words.clean(x) for x in (data.get("foundation") or {}).get("competitors") or []) if c]
    return stored, "foundation.competitors"


def _missing_essentials(data: dict[str, Any], fields: dict[str, dict[str, str]]) -> list[str]:
    foundation = data.get("foundation") or {}
    says_what = fields["benefit"]["value"] or words.clean(foundation.get("description"))
    says_what = says_what or words.clean(foundation.get("product"))
    missing = {
        "product_name": not fields["product"]["value"],
        "what_it_does": not says_what,
        "audience": not fields["audience"]["value"],
        "competitors": not fields["alternative"]["value"],
        "differentiators": not fields["differentiator"]["value"],
    }
    return [key for key in ESSENTIALS if missing[key]]


def own_text(data: dict[str, Any]) -> str:
    """The company's own words: where a stated figure is theirs (messaging's figure rule)."""
    foundation = data.get("foundation") or {}
    parts = [foundation.get(k) for k in ("description", "product", "audience")]
    parts += [data.get(k) for k in ("benefit", "need", "audience", "category")]
    return "\n".join([*(str(p) for p in parts if p), *(str(d) for d in data.get("differentiators") or [])])


def ground(data: dict[str, Any]) -> dict[str, Any]:
    fields = fill(data)
    competitors, _ = _competitors(data)
    return {
        "fields": fields,
        "competitors": competitors,
        "differentiators": [d for d in (words.clean(x) for x in data.get("differentiators") or []) if d],
        "own_text": own_text(data)[:50000],
        "missing_essentials": _missing_essentials(data, fields),
        "unfilled": _unfilled(fields),
    }


def _unfilled(fields: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Per framework, the blanks the company's words left empty (frameworks with none are left out)."""
    empty = {blank for blank, f in fields.items() if not words.clean(f["value"])}
    return {fw: [b for b in blanks if b in empty] for fw, blanks in FRAMEWORK_BLANKS.items() if empty & set(blanks)}


@skill(
    "positioning.ground",
    name="Positioning blanks from the company's words",
    category=SkillCategory.STRATEGY,
    input_schema=STATEMENTS_INPUT,
    output_schema=GROUNDED,
)
def positioning_ground(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Fills the frameworks' blanks from the input and the foundation, says where each came from, and lists the
    essentials that are missing (product name, what it does, audience, competitors, differentiators)."""
    return ground(data)


# --- offline statements ---------------------------------------------------------------------------------------

_COUNT_WORDS = {1: "one way", 2: "two ways", 3: "three ways"}


def _statement(framework: str, v: dict[str, str], competitors: list[str], differentiators: list[str]) -> str:
    d = [words.lower_first(words.strip_end(x)) for x in differentiators[:3]]
    if framework == "classic":
        return (
            f"For {v['audience']} who {v['need']}, {v['product']} is the {v['category']} that {v['benefit']}. "
            f"It differs from {v['alternative']} in this: {d[0]}."
        )
    if framework == "challenger":
        return f"Instead of {words.joined(competitors[:3], 'or')}, {v['audience']} can choose {v['product']}: {d[0]}."
    if framework == "category_creator":
        category = v["category"]
        return f"{v['product']} is {words.article(category)} {category} for {v['audience']}: it {v['benefit']}."
    if framework == "benefit_led":
        lead = f"For {v['audience']}, " if v["audience"] else ""
        return f"{lead}{v['product']} {v['benefit']}."
    return f"Compared with {v['alternative']}, {v['product']} differs in {_COUNT_WORDS[len(d)]}: {'; '.join(d)}."


def offline_statements(grounded: dict[str, Any]) -> dict[str, Any]:
    """The frameworks the company's words fill, soundbite drafts, and what needs a model. What is filled is read
    from the blanks themselves, so the statements never outrun them."""
    values = {blank: words.clean(f["value"]) for blank, f in grounded["fields"].items()}
    unfilled = _unfilled(grounded["fields"])
    competitors = [c for c in map(words.clean, grounded["competitors"]) if c] or [values["alternative"]]
    differentiators = [d for d in map(words.clean, grounded["differentiators"]) if d] or [values["differentiator"]]
    statements = [
        {"framework": fw, "text": _statement(fw, values, competitors, differentiators)}
        for fw in FRAMEWORKS
        if fw not in unfilled
    ]
    product = values["product"]
    soundbites = [
        {"text": f"{product}: {words.lower_first(words.strip_end(d))}."}
        for d in differentiators
        if product and words.strip_end(d)
    ]
    needs_model = [f"statements.{fw}" for fw in FRAMEWORKS if fw in unfilled] + ["soundbites"]
    return {"statements": statements, "soundbites": soundbites[:MAX_OFFLINE_SOUNDBITES], "needs_model": needs_model}


@skill(
    "positioning.offline_statements",
    name="Positioning statements from the company's words",
    category=SkillCategory.STRATEGY,
    input_schema=obj({"grounded": GROUNDED}),
    output_schema=obj(
        {
            "statements": {"type": "array", "items": obj({"framework": {"enum": list(FRAMEWORKS)}, "text": _BUILT})},
            "soundbites": {"type": "array", "items": obj({"text": _BUILT})},
            "needs_model": _STRINGS,
        }
    ),
)
def positioning_offline_statements(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Each framework whose blanks the company's words fill, as a sentence; the others are left to a model."""
    return offline_statements(data["grounded"])


# --- checking every line ----------------------------------------------------------------------------------------


def _shape_issues(line: dict[str, Any], competitors: list[str]) -> list[dict[str, Any]]:
    text = line["text"]
    if line["id"] in NAMES_ALTERNATIVE and competitors and not any(words.occurs_in(c, text) for c in competitors):
        message = "This framework compares: name the alternative it is compared with."
        return [issue("framework_shape", "warning", text, 0, len(text), message)]
    return []


def check_line(line: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """One line's check: messaging rules, grammar and shape, scored."""
    competitors = data.get("competitors", [])
    found = messaging_issues(line["text"], tuple(competitors), data.get("own_text", ""))
    found += grammar_issues(line["text"], line["kind"], data.get("product", ""))
    found += _shape_issues(line, competitors)
    return score(found, data.get("penalties"))


def check_all(data: dict[str, Any]) -> dict[str, Any]:
    checked = [{"id": line["id"], "check": check_line(line, data)} for line in data["lines"]]
    scores = [c["check"]["score"] for c in checked]
    counts = {s: sum(c["check"]["counts"][s] for c in checked) for s in ("error", "warning", "suggestion")}
    failing = [c["id"] for c in checked if not c["check"]["passed"]]
    summary = {
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
        "lowest_score": min(scores, default=None),
        "errors": counts["error"],
        "warnings": counts["warning"],
        "suggestions": counts["suggestion"],
        "all_passed": not failing,
        "failing": failing,
    }
    return {"lines": checked, "failing": failing, "summary": summary}


SUMMARY = obj(
    {
        "mean_score": {"type": ["number", "null"], "minimum": 0, "maximum": 100,
                       "description": "Mean messaging score of the lines, 1 place; null when there is none."},
        "lowest_score": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
        "errors": {"type": "integer", "minimum": 0},
        "warnings": {"type": "integer", "minimum": 0},
        "suggestions": {"type": "integer", "minimum": 0},
        "all_passed": {"type": "boolean"},
        "failing": {**_STRINGS, "description": "Ids of the lines that still fail."},
    }
)  # fmt: skip


@skill(
    "positioning.check_all",
    name="Check positioning lines",
    category=SkillCategory.CONTENT,
    input_schema=obj(
        {
            "lines": {"type": "array", "items": LINE, "maxItems": 20},
            "competitors": _NAMES,
            "product": {"type": "string", "maxLength": 500},
            "own_text": {"type": "string", "maxLength": 50000},
            "penalties": PENALTIES_INPUT,
        },
        closed=False,
    )
    | {"required": ["lines", "competitors", "product", "own_text"]},
    output_schema=obj(
        {
            "lines": {"type": "array", "items": obj({"id": {"type": "string"}, "check": CHECK})},
            "failing": _STRINGS,
            "summary": SUMMARY,
        }
    ),
)
def positioning_check_all(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Checks each statement and soundbite against the messaging rules (shared claims detector), grammar and its
    framework's shape, and sums them up; a line with an error or a warning fails."""
    return check_all(data)
