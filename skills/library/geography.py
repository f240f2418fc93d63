"""Geography: countries, US states and named regions, resolved from free text or a list, each place once.

- **Countries**: ISO 3166-1, from ``pycountry`` (its name, official and common names), plus the everyday names
  it lacks (``ALIASES``: "USA", "UK", "Russia", "Holland"…). Upper-case codes count only as list items or in
  upper case in text ("US" is the United States, "us" is a pronoun).
- **US states**: ISO 3166-2:US subdivisions (states and the District of Columbia), from ``pycountry``. A state
  named together with its own country is dropped: the country already contains it (said in ``notes``). A name
  that is both a country and a state ("Georgia") is the state when the same text names the United States or
  another state, else the country (said in ``notes``).
- **Regions** are explicit country lists, each with its source (``REGIONS``); "United States and Canada" is
  two countries, never a region factor.
- **The world** ("global", "worldwide") is one place, ``WORLD``: no shipped dataset counts it, so its accounts
  come from the user or a labelled estimate.
- Words that name nothing are returned as ``unresolved``, so the agent can say what it did not understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pycountry

from skills.choices import SkillCategory
from skills.registry import skill

from .industries import normalize, word_set

M49 = "UN Statistics Division, Standard country or area codes for statistical use (M49), geographic regions"
EU27 = sorted(word_set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"))


@dataclass(frozen=True)
class Region:
    name: str
    countries: tuple[str, ...]
    source: str


def _region(name: str, codes: str | list[str], source: str) -> Region:
    return Region(name, tuple(codes.split() if isinstance(codes, str) else codes), source)


REGIONS: dict[str, Region] = {
    "eu": _region("European Union", EU27, "EU member states since 1 February 2020 (european-union.europa.eu)"),
    "eea": _region("European Economic Area", [*EU27, "IS", "LI", "NO"], "EEA Agreement: the EU plus IS, LI, NO"),
    "dach": _region("DACH", "DE AT CH", "the German-speaking markets: Germany (D), Austria (A), Switzerland (CH)"),
    "benelux": _region("Benelux", "BE NL LU", "Benelux Union treaty members"),
    "nordics": _region("Nordic countries", "DK FI IS NO SE", "Nordic Council member states"),
    "baltics": _region("Baltic states", "EE LV LT", "the three Baltic states"),
    "iberia": _region("Iberian Peninsula", "ES PT", "the two states of the Iberian Peninsula"),
    "north_america": _region("North America", "US CA MX", "parties to the USMCA/CUSMA/T-MEC agreement"),
    "europe": _region(
        "Europe",
        "BY BG CZ HU PL MD RO RU SK UA AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB "
        "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES AT BE FR DE LI LU MC NL CH",
        f"{M49}: Eastern, Northern, Southern and Western Europe",
    ),
}
REGION_NAMES: dict[str, str] = {
    "european union": "eu", "eu": "eu", "european economic area": "eea", "eea": "eea", "dach": "dach",
    "d-a-ch": "dach", "benelux": "benelux", "nordics": "nordics", "nordic countries": "nordics",
    "scandinavia and finland": "nordics", "baltics": "baltics", "baltic states": "baltics", "iberia": "iberia",
    "north america": "north_america", "europe": "europe",
}  # fmt: skip
WORLD_NAMES = ("global", "globally", "worldwide", "world", "whole world", "everywhere", "international")
ALIASES = {
    "usa": "US", "u s a": "US", "united states of america": "US", "the states": "US", "uk": "GB",
    "great britain": "GB", "britain": "GB", "russia": "RU", "czech republic": "CZ", "turkey": "TR",
    "holland": "NL", "south korea": "KR", "north korea": "KP", "vatican": "VA", "ivory coast": "CI",
    "uae": "AE", "macedonia": "MK", "swaziland": "SZ", "burma": "MM", "cape verde": "CV", "east timor": "TL",
}  # fmt: skip
# Codes recognised in running text only as written (as list items, any case).
UPPER_CASE_ONLY = {"US": "US", "U.S.": "US", "U.S.A.": "US", "USA": "US", "UK": "GB", "U.K.": "GB", "EU": "eu"}
FILLER = word_set(
    "and or the in of plus both also all across within throughout sell selling sold we our to from first "
    "then later only mainly mostly primarily especially focus on at start starting with countries country "
    "states based state markets market region regions customers clients including parts part whole entire"
)


@dataclass(frozen=True)
class Name:
    kind: str  # country, state, region, world
    code: str


def _country_names(country: Any) -> set[str]:
    names = {country.name}
    for attribute in ("official_name", "common_name"):
        if getattr(country, attribute, None):
            names.add(getattr(country, attribute))
    return {normalize(name) for name in names}


@cache
def _names() -> dict[str, list[Name]]:
    """Every normalised name → what it may name (a list: "georgia" is a country and a state)."""
    found: dict[str, list[Name]] = {}
    for country in pycountry.countries:
        for name in _country_names(country):
            found.setdefault(name, []).append(Name("country", country.alpha_2))
    for alias, code in ALIASES.items():
        found.setdefault(alias, []).append(Name("country", code))
    for state in pycountry.subdivisions.get(country_code="US"):
        if state.type in {"State", "District"}:
            found.setdefault(normalize(state.name), []).append(Name("state", state.code))
    for name, key in REGION_NAMES.items():
        found.setdefault(name, []).append(Name("region", key))
    for name in WORLD_NAMES:
        found.setdefault(name, []).append(Name("world", "WORLD"))
    return found


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted(_names(), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(name) for name in names) + r")(?![a-z0-9])")


def _clean(text: str) -> str:
    """Normalised, with punctuation as spaces (so "U.S.-based" and "Zürich," still separate into words)."""
    return re.sub(r"[^a-z0-9]+", " ", normalize(text)).strip()


def place(code: str) -> dict[str, Any]:
    """A place as outputs show it: code, name, kind (and the country of a state)."""
    if code == "WORLD":
        return {"code": "WORLD", "name": "the world", "kind": "world"}
    if "-" in code:
        state = pycountry.subdivisions.get(code=code)
        return {"code": code, "name": getattr(state, "name", code), "kind": "state", "country": code.split("-")[0]}
    return {"code": code, "name": getattr(pycountry.countries.get(alpha_2=code), "name", code), "kind": "country"}


def _code_item(item: str) -> list[Name]:
    """A list item written as a code: ISO 3166-1 alpha-2/alpha-3, ISO 3166-2:US, or an upper-case alias."""
    raw = item.strip()
    if raw.upper() == "WORLD":
        return [Name("world", "WORLD")]
    if raw in UPPER_CASE_ONLY:
        code = UPPER_CASE_ONLY[raw]
        return [Name("region", code)] if code in REGIONS else [Name("country", code)]
    upper = raw.upper()
    if re.fullmatch(r"US-[A-Z]{2}", upper) and pycountry.subdivisions.get(code=upper):
        return [Name("state", upper)]
    country = pycountry.countries.get(alpha_2=upper) if len(upper) == 2 else None
    country = country or (pycountry.countries.get(alpha_3=upper) if len(upper) == 3 else None)
    return [Name("country", country.alpha_2)] if country else []


def _upper_case_hits(text: str) -> tuple[list[Name], str]:
    """Upper-case codes in running text ("US and Canada"), and the text without them."""
    hits = []
    for token, code in UPPER_CASE_ONLY.items():
        pattern = re.compile(rf"(?<![A-Za-z.]){re.escape(token)}(?![A-Za-z])")
        if pattern.search(text):
            hits.append(Name("region", code) if code in REGIONS else Name("country", code))
            text = pattern.sub(" ", text)
    return hits, text


def _scan(text: str) -> tuple[list[list[Name]], list[str]]:
    """The names found in a text (each a list of what it may name) and the words left over."""
    upper, rest = _upper_case_hits(text)
    cleaned = _clean(rest)
    found = [[hit] for hit in upper]
    names = _names()
    for match in _pattern().finditer(cleaned):
        found.append(names[match.group(1)])
    leftover = _pattern().sub(" ", cleaned).split()
    return found, [word for word in leftover if word not in FILLER]


def _choose(options: list[Name], context_is_us: bool) -> tuple[Name, str | None]:
    """One meaning of a name; when it has several (a country and a US state), say which was taken and why."""
    if len(options) == 1:
        return options[0], None
    state = next((o for o in options if o.kind == "state"), None)
    country = next((o for o in options if o.kind == "country"), options[0])
    chosen = state if (state and context_is_us) else country
    name = place(chosen.code)["name"]
    why = "the same text names the United States or a US state" if chosen is state else "no US context given"
    return chosen, f"'{name}' read as the {chosen.kind} {chosen.code}: {why}"


def _expand(chosen: list[Name]) -> tuple[list[str], list[dict[str, Any]]]:
    """Place codes in the order named (regions expanded to their countries), and the regions used."""
    codes: list[str] = []
    regions = []
    for name in chosen:
        if name.kind == "region":
            region = REGIONS[name.code]
            regions.append({"name": region.name, "countries": list(region.countries), "source": region.source})
            codes.extend(region.countries)
        else:
            codes.append(name.code)
    return list(dict.fromkeys(codes)), regions


def _drop_contained(codes: list[str]) -> tuple[list[str], list[str]]:
    """Each place once: a state whose country is also named is inside it; the world contains everything."""
    if "WORLD" in codes:
        dropped = [code for code in codes if code != "WORLD"]
        return ["WORLD"], [f"{place(c)['name']} is part of the world, named too: counted once" for c in dropped]
    kept = [code for code in codes if "-" not in code or code.split("-")[0] not in codes]
    notes = [
        f"{place(code)['name']} is inside {place(code.split('-')[0])['name']}, named too: counted once"
        for code in codes
        if code not in kept
    ]
    return kept, notes


def resolve(geography: str | list[str]) -> dict[str, Any]:
    """Countries, states, regions (expanded) or the world named in a text or list; each place once."""
    items = [geography] if isinstance(geography, str) else list(geography)
    options: list[list[Name]] = []
    unresolved: list[str] = []
    for item in items:
        as_code = _code_item(item) if not isinstance(geography, str) else []
        if as_code:
            options.append(as_code)
            continue
        found, leftover = _scan(item)
        options.extend(found)
        unresolved.extend(leftover)
    us_context = any(o.code == "US" or o.kind == "state" for opts in options for o in opts if len(opts) == 1)
    chosen, notes = [], []
    for opts in options:
        name, note = _choose(opts, us_context)
        chosen.append(name)
        notes += [note] if note else []
    codes, regions = _expand(chosen)
    codes, contained = _drop_contained(codes)
    return {
        "places": [place(code) for code in codes],
        "regions": regions,
        "unresolved": list(dict.fromkeys(unresolved)),
        "notes": notes + contained,
    }


PLACE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "name", "kind"],
    "properties": {
        "code": {"type": "string", "description": "ISO 3166-1 alpha-2, ISO 3166-2:US, or WORLD."},
        "name": {"type": "string"},
        "kind": {"enum": ["country", "state", "world"]},
        "country": {"type": "string"},
    },
}
GEOGRAPHY_INPUT: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "maxLength": 500},
        {"type": "array", "minItems": 1, "maxItems": 60, "items": {"type": "string", "minLength": 1, "maxLength": 100}},
    ],
    "description": "Countries, US states or regions, as text ('United States and Canada', 'DACH') or a list "
    "of names or ISO codes (['DE', 'AT', 'US-CA']).",
}
RESOLVED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["places", "regions", "unresolved", "notes"],
    "properties": {
        "places": {"type": "array", "items": PLACE_SCHEMA},
        "regions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "countries", "source"],
                "properties": {
                    "name": {"type": "string"},
                    "countries": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": "string"},
                },
            },
        },
        "unresolved": {"type": "array", "items": {"type": "string"}},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}


@skill(
    "geography.resolve",
    name="Resolve a geography",
    category=SkillCategory.RESEARCH,
    input_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["geography"],
        "properties": {"geography": GEOGRAPHY_INPUT},
    },
    output_schema=RESOLVED_SCHEMA,
)
def geography_resolve(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Countries, US states, regions (as their countries, with the list's source) or the world; each once."""
    return resolve(data["geography"])
