"""How many potential customer accounts an industry has in a place: the user's figure, else a shipped dataset.

Order (DOMAIN.md: every figure from the input, a named dataset, or a labelled estimate):

1. the user's own count for the place (``given``);
2. a row of ``skills/data/account_counts.csv``, built by ``skills/data/build_account_counts.py`` from the
   official files (US Census County Business Patterns establishments; Eurostat SBS enterprises), each row
   naming its dataset, publisher, year and source row; the same rows' employment size classes give the share
   of accounts inside an employee range, bands wholly inside the range only (a band the range cuts is left
   out and named, so the share is never padded);
3. otherwise the place is ``missing``: the agent asks a model for a labelled estimate, or asks the user.

Codes are summed per place only when none contains another (the agent passes codes that do not nest).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from skills.choices import SkillCategory
from skills.registry import skill

from .industries import TAXONOMY, canonical

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "account_counts.csv"

SOURCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {
            "enum": ["input", "answer", "dataset", "model_estimate", "derived"],
            "description": "input: your request; answer: your answer to a question; dataset: a shipped official "
            "dataset row; model_estimate: a model's estimate (with low, high and basis); derived: computed here.",
        },
        "detail": {"type": "string", "description": "A citation: the dataset, its publisher and year, or the field."},
        "dataset": {"type": "string"},
        "publisher": {"type": "string"},
        "year": {"type": "integer"},
        "rows": {"type": "array", "items": {"type": "string"}},
        "low": {"type": "number"},
        "high": {"type": "number"},
        "basis": {"type": "string"},
    },
}


def band(label: str) -> tuple[int, int | None]:
    """An employment size class as (lowest, highest or None): "1-4" → (1, 4), "250+" → (250, None)."""
    if label.endswith("+"):
        return int(label[:-1]), None
    low, high = label.split("-")
    return int(low), int(high)


def band_within(label: str, low: int, high: int | None) -> bool:
    lowest, highest = band(label)
    if lowest < low:
        return False
    return high is None or (highest is not None and highest <= high)


@cache
def _load(path: str) -> tuple[dict[str, str], ...]:
    with open(path, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines))


def rows(path: Path | None = None) -> tuple[dict[str, str], ...]:
    """The shipped rows (the file is read once per process)."""
    return _load(str(path or DATA_PATH))


def _matching(codes: list[str], place: str) -> list[dict[str, str]]:
    wanted = {canonical(code) for code in codes}
    return [r for r in rows() if r["classification"] == TAXONOMY and r["code"] in wanted and r["place"] == place]


def _dataset_source(found: list[dict[str, str]]) -> dict[str, Any]:
    first = found[0]
    return {
        "kind": "dataset",
        "detail": f"{first['dataset']} ({first['publisher']}, {first['year']}), {first['unit']}",
        "dataset": first["dataset"],
        "publisher": first["publisher"],
        "year": int(first["year"]),
        "rows": [r["row"] for r in found],
    }


def _size_share(found: list[dict[str, str]], low: int, high: int | None) -> dict[str, Any] | None:
    """The share of accounts in [low, high] employees from the rows' size classes, or None when they have none."""
    bands = [r for r in found if r["size_band"] != "all"]
    total = sum(int(r["count"]) for r in found if r["size_band"] == "all")
    if not bands or not total:
        return None
    inside = [r for r in bands if band_within(r["size_band"], low, high)]
    cut = sorted({r["size_band"] for r in bands if r not in inside and _overlaps(r["size_band"], low, high)})
    share = Decimal(sum(int(r["count"]) for r in inside)) / Decimal(total)
    source = _dataset_source(inside or bands)
    source["detail"] += f"; size classes inside the range: {', '.join(sorted({r['size_band'] for r in inside}))}"
    if cut:
        source["detail"] += f"; left out, cut by the range: {', '.join(cut)}"
    return {"value": float(share), "source": source}


def _overlaps(label: str, low: int, high: int | None) -> bool:
    lowest, highest = band(label)
    return (highest is None or highest >= low) and (high is None or lowest <= high)


def count_for(codes: list[str], place: str, employees: tuple[int, int | None] | None) -> dict[str, Any] | None:
    """The dataset's accounts for the codes at a place (summed), with the size share when a range is given."""
    found = _matching(codes, place)
    totals = [r for r in found if r["size_band"] == "all"]
    if not totals:
        return None
    result: dict[str, Any] = {
        "place": place,
        "count": sum(int(r["count"]) for r in totals),
        "source": _dataset_source(totals),
        "size_share": None,
    }
    if employees is not None:
        result["size_share"] = _size_share(found, *employees)
    return result


_SHARE = {
    "type": ["object", "null"],
    "required": ["value", "source"],
    "properties": {"value": {"type": "number", "minimum": 0, "maximum": 1}, "source": SOURCE_SCHEMA},
}


@skill(
    "market.account_counts",
    name="Potential customer accounts by place",
    category=SkillCategory.RESEARCH,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["codes", "places"],
        "properties": {
            "codes": {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "string"}},
            "places": {"type": "array", "maxItems": 300, "items": {"type": "string"}},
            "given": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["place", "count"],
                    "properties": {"place": {"type": "string"}, "count": {"type": "integer", "minimum": 0}},
                },
            },
            "employees_min": {"type": "integer", "minimum": 0},
            "employees_max": {"type": ["integer", "null"], "minimum": 0},
        },
    },
    output_schema={
        "type": "object",
        "required": ["counts", "missing"],
        "properties": {
            "counts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["place", "count", "source", "size_share"],
                    "properties": {
                        "place": {"type": "string"},
                        "count": {"type": "integer", "minimum": 0},
                        "source": SOURCE_SCHEMA,
                        "size_share": _SHARE,
                    },
                },
            },
            "missing": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def account_counts(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Each place's accounts: the user's count first, then the shipped dataset; the places with neither."""
    given = {item["place"]: item["count"] for item in data.get("given", [])}
    employees = None
    if "employees_min" in data or data.get("employees_max") is not None:
        employees = (data.get("employees_min", 0), data.get("employees_max"))
    counts, missing = [], []
    for place in data["places"]:
        if place in given:
            source = {"kind": "input", "detail": "accounts"}
            counts.append({"place": place, "count": given[place], "source": source, "size_share": None})
            continue
        found = count_for(data["codes"], place, employees)
        if found is None:
            missing.append(place)
        else:
            counts.append(found)
    return {"counts": counts, "missing": missing}
