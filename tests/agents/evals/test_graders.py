"""Deterministic graders on output paths, and how a case's outcome follows from its graders'."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from agents.evals.graders import case_outcome, grade_deterministic, grader_errors, resolve, validate_graders

OUTPUT = {
    "tam": {"value": 1_250_000.0},
    "verdict": "healthy",
    "notes": ["LTV/CAC is 5.33; healthy means above 3."],
    "icps": [{"name": "Ops leads"}, {"name": "Finance teams"}],
    "summary": "Acquisition pays for itself within eight months.",
}


def _outcome(grader: dict, output=OUTPUT, reference=None) -> str:
    return grade_deterministic(grader, output, reference).outcome


def test_paths_reach_into_objects_and_lists_and_a_missing_path_is_missing():
    assert resolve(OUTPUT, "icps.1.name") == "Finance teams"
    assert resolve(OUTPUT, "icps.-1.name") == "Finance teams"
    assert resolve(OUTPUT, "") is OUTPUT
    missing = grade_deterministic({"kind": "equals", "path": "icps.5.name", "value": "x"}, OUTPUT, None)
    assert (missing.outcome, missing.detail) == ("failed", "icps.5.name is not in the output")


@pytest.mark.parametrize(
    ("grader", "expected"),
    [
        ({"kind": "equals", "path": "tam.value", "value": 1_250_000}, "passed"),
        ({"kind": "equals", "path": "tam.value", "value": 1_250_100, "tolerance": 100}, "passed"),
        ({"kind": "equals", "path": "tam.value", "value": 1_250_101, "tolerance": 100}, "failed"),
        ({"kind": "equals", "path": "verdict", "value": "healthy"}, "passed"),
        ({"kind": "equals", "path": "verdict", "value": True}, "failed"),
        ({"kind": "range", "path": "tam.value", "min": 1_000_000, "max": 2_000_000}, "passed"),
        ({"kind": "range", "path": "tam.value", "max": 1_000_000}, "failed"),
        ({"kind": "range", "path": "verdict", "min": 0}, "failed"),  # text is not a number
        ({"kind": "regex", "path": "summary", "pattern": r"within \w+ months"}, "passed"),
        ({"kind": "regex", "path": "summary", "pattern": "WEEKS", "ignore_case": True}, "failed"),
        ({"kind": "contains", "path": "summary", "value": "pays for itself"}, "passed"),
        ({"kind": "contains", "path": "verdict", "value": "HEALTHY", "ignore_case": True}, "passed"),
        ({"kind": "contains", "path": "notes", "value": "LTV/CAC is 5.33; healthy means above 3."}, "passed"),
        ({"kind": "not_contains", "path": "summary", "value": "guaranteed"}, "passed"),
        ({"kind": "not_contains", "path": "summary", "value": "eight"}, "failed"),
        ({"kind": "not_contains", "path": "absent", "value": "x"}, "failed"),  # cannot look: not a pass
        ({"kind": "json_schema", "path": "icps", "schema": {"type": "array", "minItems": 2}}, "passed"),
        ({"kind": "json_schema", "path": "icps", "schema": {"type": "array", "maxItems": 1}}, "failed"),
        ({"kind": "length", "path": "summary", "min": 3, "max": 8, "unit": "words"}, "passed"),
        ({"kind": "length", "path": "icps", "min": 3}, "failed"),
        ({"kind": "length", "path": "summary", "max": 10}, "failed"),  # 49 characters
    ],
)
def test_each_deterministic_grader_passes_and_fails_on_what_it_checks(grader, expected):
    assert _outcome(grader) == expected


def test_same_as_reference_compares_the_same_path_of_the_reference_output():
    reference = {"tam": {"value": 1_249_990.0}, "verdict": "unhealthy"}
    assert (
        _outcome({"kind": "same_as_reference", "path": "tam.value", "tolerance": 10}, reference=reference) == "passed"
    )
    assert _outcome({"kind": "same_as_reference", "path": "verdict"}, reference=reference) == "failed"
    assert _outcome({"kind": "same_as_reference", "path": "verdict"}, reference=None) == "failed"


def test_a_grade_says_why_and_names_its_grader():
    grade = grade_deterministic({"kind": "range", "path": "tam.value", "max": 10, "name": "small market"}, OUTPUT, None)
    assert grade.as_dict() == {
        "grader": "small market",
        "kind": "range",
        "outcome": "failed",
        "detail": "1250000.0 not in [−∞, 10]",
    }


def test_a_case_fails_on_one_failure_and_is_never_passed_with_an_ungraded_judge():
    assert case_outcome([{"outcome": "passed"}, {"outcome": "passed"}]) == "passed"
    assert case_outcome([{"outcome": "passed"}, {"outcome": "not_graded"}]) == "not_graded"
    assert case_outcome([{"outcome": "not_graded"}, {"outcome": "failed"}]) == "failed"


def test_bad_graders_are_refused_with_their_position():
    errors = grader_errors(
        [
            {"kind": "equals", "path": "a"},  # no value
            {"kind": "regex", "path": "a", "pattern": "("},
            {"kind": "range", "path": "a", "min": 5, "max": 1},
            {"kind": "json_schema", "path": "a", "schema": {"type": "nothing"}},
            {"kind": "teleport"},
            {"kind": "length", "path": "a"},  # no bound
        ]
    )
    assert [error.split(":")[0] for error in errors] == ["0", "1", "2", "3", "4", "5"]
    assert "not a regular expression" in errors[1] and "min is above max" in errors[2]
    with pytest.raises(ValidationError):
        validate_graders([{"kind": "contains", "path": "a"}])
    validate_graders([{"kind": "judge", "rubric": "Names the company."}, {"kind": "contains", "path": "", "value": 1}])
