"""Two experiments on the same dataset side by side: per case, which graders flipped and how the outputs differ;
overall, the deltas of pass rate, cost and latency."""

from __future__ import annotations

import difflib
import json
from typing import Any

from .choices import Outcome
from .errors import EvalError
from .models import Experiment, ExperimentResult

MAX_DIFF_LINES = 400


def _shown(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str).splitlines()


def output_diff(before: Any, after: Any, labels: tuple[str, str]) -> list[dict[str, str]]:
    """A unified diff of two outputs (pretty JSON), as lines with a kind for colour: add, del, hunk, same."""
    lines = list(difflib.unified_diff(_shown(before), _shown(after), *labels, lineterm=""))[2:]
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    rows = [{"text": line, "kind": kinds.get(line[:1], "same")} for line in lines[:MAX_DIFF_LINES]]
    if len(lines) > MAX_DIFF_LINES:
        rows.append({"text": f"… {len(lines) - MAX_DIFF_LINES} more lines", "kind": "hunk"})
    return rows


def _grades(result: ExperimentResult | None) -> dict[str, str]:
    return {grade["grader"]: grade["outcome"] for grade in (result.grades if result else [])}


def _case_row(name: str, a: ExperimentResult | None, b: ExperimentResult | None, labels: tuple[str, str]) -> dict:
    before, after = _grades(a), _grades(b)
    flips = [
        {"grader": grader, "a": before.get(grader, ""), "b": after.get(grader, "")}
        for grader in sorted(before.keys() | after.keys())
        if before.get(grader) != after.get(grader)
    ]
    outcome_a, outcome_b = (a.outcome if a else ""), (b.outcome if b else "")
    if outcome_a == outcome_b:
        change = "same"
    elif outcome_b == Outcome.PASSED:
        change = "fixed"
    elif outcome_a == Outcome.PASSED:
        change = "regressed"
    else:
        change = "changed"
    same_case = a is not None and b is not None and a.case_digest == b.case_digest
    diff = output_diff(a.output, b.output, labels) if a is not None and b is not None else []
    return {"case": name, "a": outcome_a, "b": outcome_b, "change": change, "flips": flips,
            "same_case": same_case, "diff": diff, "a_result": a, "b_result": b}  # fmt: skip


def _delta(a: Any, b: Any) -> Any:
    return None if a is None or b is None else b - a


def experiment_compare(a: Experiment, b: Experiment) -> dict[str, Any]:
    """Compare ``b`` with ``a`` (the baseline): cases (flips, output diff) and the overall deltas."""
    if a.dataset_id != b.dataset_id:
        raise EvalError("not_comparable", "Only experiments on the same dataset can be compared.", {"with": ["?"]})
    labels = (f"#{a.pk} v{a.version.number}", f"#{b.pk} v{b.version.number}")
    ours = {r.case_name: r for r in a.results.all()}
    theirs = {r.case_name: r for r in b.results.all()}
    cases = [_case_row(name, ours.get(name), theirs.get(name), labels) for name in sorted(ours.keys() | theirs.keys())]
    return {
        "a": a,
        "b": b,
        "cases": cases,
        "fixed": sum(c["change"] == "fixed" for c in cases),
        "regressed": sum(c["change"] == "regressed" for c in cases),
        "deltas": {
            "pass_rate": _delta(a.pass_rate, b.pass_rate),
            "passed": b.passed - a.passed,
            "cost": b.spent - a.spent,
            "latency_p50_ms": _delta(a.latency_p50_ms, b.latency_p50_ms),
            "latency_p95_ms": _delta(a.latency_p95_ms, b.latency_p95_ms),
            "tokens": (b.tokens_in + b.tokens_out + b.judge_tokens_in + b.judge_tokens_out)
            - (a.tokens_in + a.tokens_out + a.judge_tokens_in + a.judge_tokens_out),
        },
    }


def compare_for_api(a: Experiment, b: Experiment) -> dict[str, Any]:
    """The comparison as plain data (no model instances)."""
    data = experiment_compare(a, b)
    for row in data["cases"]:
        row.pop("a_result")
        row.pop("b_result")
    return {**data, "a": a.pk, "b": b.pk}
