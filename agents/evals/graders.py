"""Graders: what a case expects of an output, and the deterministic ones that check it.

A case's ``graders`` is a list of objects, each with a ``kind`` and, except for the judge, a ``path`` into the
output: dotted keys and list indexes (``tam.value``, ``icps.0.name``); ``""`` is the whole output. Each may
have a ``name`` (shown in results; default ``"<kind> <path>"``).

| kind | fields | passes when the value at ``path`` … |
|---|---|---|
| ``equals`` | ``value``, ``tolerance``? | equals ``value``; numbers within ``tolerance`` (absolute, default 0) |
| ``range`` | ``min``? ``max``? | is a number with ``min ≤ value ≤ max`` |
| ``regex`` | ``pattern``, ``ignore_case``? | is text in which the pattern is found |
| ``contains`` / ``not_contains`` | ``value``, ``ignore_case``? | text: has (or lacks) the substring; list: the item; |
|  |  | object: the key |
| ``json_schema`` | ``schema`` | matches the JSON Schema |
| ``length`` | ``min``? ``max``? ``unit``? | has a length in bounds: characters (or ``words``) of text, items, keys |
| ``same_as_reference`` | ``tolerance``? | equals the value at the same path of the case's reference output |
| ``judge`` | ``rubric``? | an LLM judge says the output meets the rubric (the grader's, else the case's) |

A path that is missing fails its grader (``not_contains`` too: a check that cannot look is not a pass). A case
passes when every grader passes; one failure fails it; otherwise one "not graded" (a judge that could not
judge) leaves it not graded, never passed. A case without graders passes when its run succeeded (its output
matched the version's output schema).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from raptorflow.jsonschema import schema_errors, validator_for

from .choices import GraderKind, Outcome

MAX_GRADERS = 50
MAX_PATTERN_CHARS = 300
MAX_SEARCHED_CHARS = 50_000  # a regex runs over at most this much text: bounded work on the worker
MAX_RUBRIC_CHARS = 4000

_PATH = {"type": "string", "maxLength": 300, "pattern": r"^$|^[^.\s][^\s]*$"}
_NUMBER = {"type": "number"}
_COMMON = {"kind": {"type": "string"}, "name": {"type": "string", "maxLength": 100}}
_BOUNDS = {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}


def _kind(required: list[str], properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", *required],
        "properties": {**_COMMON, **properties},
        **extra,
    }


GRADER_SCHEMAS: dict[str, dict[str, Any]] = {
    GraderKind.EQUALS: _kind(["path", "value"], {"path": _PATH, "value": {}, "tolerance": {**_NUMBER, "minimum": 0}}),
    GraderKind.RANGE: _kind(["path"], {"path": _PATH, "min": _NUMBER, "max": _NUMBER}, **_BOUNDS),
    GraderKind.REGEX: _kind(
        ["path", "pattern"],
        {
            "path": _PATH,
            "pattern": {"type": "string", "minLength": 1, "maxLength": MAX_PATTERN_CHARS},
            "ignore_case": {"type": "boolean"},
        },
    ),
    GraderKind.CONTAINS: _kind(["path", "value"], {"path": _PATH, "value": {}, "ignore_case": {"type": "boolean"}}),
    GraderKind.NOT_CONTAINS: _kind(["path", "value"], {"path": _PATH, "value": {}, "ignore_case": {"type": "boolean"}}),
    GraderKind.JSON_SCHEMA: _kind(["path", "schema"], {"path": _PATH, "schema": {"type": "object"}}),
    GraderKind.LENGTH: _kind(
        ["path"],
        {
            "path": _PATH,
            "min": {"type": "integer", "minimum": 0},
            "max": {"type": "integer", "minimum": 0},
            "unit": {"enum": ["chars", "words", "items"]},
        },
        **_BOUNDS,
    ),
    GraderKind.SAME_AS_REFERENCE: _kind(["path"], {"path": _PATH, "tolerance": {**_NUMBER, "minimum": 0}}),
    GraderKind.JUDGE: _kind([], {"rubric": {"type": "string", "minLength": 1, "maxLength": MAX_RUBRIC_CHARS}}),
}


# --- Checking a list of graders ------------------------------------------------------------------------------


def grader_errors(graders: Any) -> list[str]:
    """What is wrong with a list of graders, each problem prefixed with the grader's position."""
    if not isinstance(graders, list):
        return ["graders must be a list of objects"]
    if len(graders) > MAX_GRADERS:
        return [f"at most {MAX_GRADERS} graders"]
    errors: list[str] = []
    for position, grader in enumerate(graders):
        errors += [f"{position}: {problem}" for problem in _grader_problems(grader)]
    return errors


def _grader_problems(grader: Any) -> list[str]:
    if not isinstance(grader, dict) or grader.get("kind") not in GRADER_SCHEMAS:
        return [f"kind must be one of {', '.join(GRADER_SCHEMAS)}"]
    problems = schema_errors(validator_for(GRADER_SCHEMAS[grader["kind"]]), grader)
    if problems:
        return problems
    if grader["kind"] == GraderKind.REGEX:
        try:
            re.compile(grader["pattern"])
        except re.error as exc:
            return [f"pattern is not a regular expression: {exc}"]
    if grader["kind"] == GraderKind.JSON_SCHEMA:
        return _schema_problems(grader["schema"])
    if "min" in grader and "max" in grader and grader["min"] > grader["max"]:
        return ["min is above max"]
    return []


def _schema_problems(schema: dict[str, Any]) -> list[str]:
    from jsonschema import Draft202012Validator, SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [f"schema is not a valid JSON Schema: {exc.message}"]
    return []


def validate_graders(value: Any) -> None:
    """A model-field validator: the admin shows the problems on the field, the API as a 400."""
    errors = grader_errors(value)
    if errors:
        raise ValidationError([ValidationError(error, code="invalid_grader") for error in errors])


def grader_label(grader: dict[str, Any]) -> str:
    """How a grader is named in results and summaries."""
    if grader.get("name"):
        return str(grader["name"])
    if grader["kind"] == GraderKind.JUDGE:
        return "judge"
    return f"{grader['kind']} {grader.get('path') or '(output)'}"


# --- Grading -----------------------------------------------------------------------------------------------------


@dataclass
class Grade:
    """One grader's verdict on one output."""

    grader: str
    kind: str
    outcome: str
    detail: str = ""
    reasons: list[str] = field(default_factory=list)
    call: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"grader": self.grader, "kind": self.kind, "outcome": self.outcome}
        data["detail"] = self.detail
        if self.reasons:
            data["reasons"] = self.reasons
        if self.call is not None:
            data["call"] = self.call
        return data


_MISSING = object()


def resolve(value: Any, path: str) -> Any:
    """The value at a dotted path (keys and list indexes), or ``_MISSING``."""
    if not path:
        return value
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _equal(actual: Any, expected: Any, tolerance: float) -> bool:
    if _is_number(actual) and _is_number(expected):
        return abs(actual - expected) <= tolerance
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(
            _equal(a, e, tolerance) for a, e in zip(actual, expected, strict=True)
        )
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(_equal(actual[k], expected[k], tolerance) for k in actual)
    return type(actual) is type(expected) and actual == expected


def _shown(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _contains(actual: Any, wanted: Any, ignore_case: bool) -> bool | None:
    """Whether ``actual`` contains ``wanted``; None when it is not something that can contain anything."""
    if isinstance(actual, str):
        if not isinstance(wanted, str):
            return None
        return wanted.casefold() in actual.casefold() if ignore_case else wanted in actual
    if isinstance(actual, list):
        if ignore_case and isinstance(wanted, str):
            return any(isinstance(item, str) and item.casefold() == wanted.casefold() for item in actual)
        return any(_equal(item, wanted, 0) for item in actual)
    if isinstance(actual, dict):
        return isinstance(wanted, str) and wanted in actual
    return None


def _length(actual: Any, unit: str) -> int | None:
    if isinstance(actual, str):
        return len(actual.split()) if unit == "words" else len(actual)
    if isinstance(actual, list | dict):
        return len(actual)
    return None


def _in_bounds(number: float, grader: dict[str, Any]) -> bool:
    return grader.get("min", -math.inf) <= number <= grader.get("max", math.inf)


def _bounds(grader: dict[str, Any]) -> str:
    return f"[{grader.get('min', '−∞')}, {grader.get('max', '∞')}]"


def check(grader: dict[str, Any], actual: Any, reference: Any) -> tuple[bool, str]:
    """(passed, why) for a deterministic grader and the value at its path (never ``_MISSING``)."""
    kind = grader["kind"]
    if kind == GraderKind.EQUALS:
        ok = _equal(actual, grader["value"], grader.get("tolerance", 0))
        return ok, f"{_shown(actual)} {'=' if ok else '≠'} {_shown(grader['value'])}"
    if kind == GraderKind.SAME_AS_REFERENCE:
        ok = _equal(actual, reference, grader.get("tolerance", 0))
        return ok, f"{_shown(actual)} {'=' if ok else '≠'} reference {_shown(reference)}"
    if kind == GraderKind.RANGE:
        ok = _is_number(actual) and _in_bounds(actual, grader)
        return ok, f"{_shown(actual)} {'in' if ok else 'not in'} {_bounds(grader)}"
    if kind == GraderKind.REGEX:
        return _regex(grader, actual)
    if kind in (GraderKind.CONTAINS, GraderKind.NOT_CONTAINS):
        return _containment(grader, actual)
    if kind == GraderKind.JSON_SCHEMA:
        errors = schema_errors(validator_for(grader["schema"]), actual)
        return not errors, "matches the schema" if not errors else "; ".join(errors[:5])
    if kind == GraderKind.LENGTH:
        length = _length(actual, grader.get("unit", "chars"))
        ok = length is not None and _in_bounds(length, grader)
        return ok, f"length {length if length is not None else '(none)'} {'in' if ok else 'not in'} {_bounds(grader)}"
    raise ValueError(f"not a deterministic grader: {kind}")


def _regex(grader: dict[str, Any], actual: Any) -> tuple[bool, str]:
    if not isinstance(actual, str):
        return False, f"{_shown(actual)} is not text"
    flags = re.IGNORECASE if grader.get("ignore_case") else 0
    found = re.search(grader["pattern"], actual[:MAX_SEARCHED_CHARS], flags)
    return found is not None, f"/{grader['pattern']}/ {'found' if found else 'not found'}"


def _containment(grader: dict[str, Any], actual: Any) -> tuple[bool, str]:
    has = _contains(actual, grader["value"], bool(grader.get("ignore_case")))
    if has is None:
        return False, f"{_shown(actual)} cannot contain {_shown(grader['value'])}"
    wanted = grader["kind"] == GraderKind.CONTAINS
    return has == wanted, f"{'contains' if has else 'does not contain'} {_shown(grader['value'])}"


def grade_deterministic(grader: dict[str, Any], output: Any, reference: Any) -> Grade:
    """A deterministic grader's verdict on ``output`` (``reference``: the case's reference output)."""
    label, path = grader_label(grader), grader.get("path", "")
    actual = resolve(output, path)
    if actual is _MISSING:
        return Grade(label, grader["kind"], Outcome.FAILED, f"{path or '(output)'} is not in the output")
    expected = None
    if grader["kind"] == GraderKind.SAME_AS_REFERENCE:
        expected = resolve(reference, path) if reference is not None else _MISSING
        if expected is _MISSING:
            return Grade(label, grader["kind"], Outcome.FAILED, f"the reference output has no {path or 'value'}")
    passed, why = check(grader, actual, expected)
    return Grade(label, grader["kind"], Outcome.PASSED if passed else Outcome.FAILED, why)


def case_outcome(grades: list[dict[str, Any]]) -> str:
    """A case's outcome from its graders' (see the module docstring)."""
    outcomes = {grade["outcome"] for grade in grades}
    if Outcome.FAILED in outcomes:
        return Outcome.FAILED
    if Outcome.NOT_GRADED in outcomes:
        return Outcome.NOT_GRADED
    return Outcome.PASSED
