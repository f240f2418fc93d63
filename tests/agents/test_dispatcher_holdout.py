"""The router on requests it was never tuned on (agents/routing_holdout.tsv): each overall figure at least 0.90."""

from pathlib import Path

import pytest

from agents.management.commands.route_eval import CATEGORIES, evaluate, load_routing_set

HOLDOUT = Path(__file__).resolve().parents[2] / "agents" / "routing_holdout.tsv"
BAR = 0.90


@pytest.fixture(scope="module")
def result():
    return evaluate(load_routing_set(HOLDOUT))


def _misses(result) -> list[str]:
    return [f"{case.expected} → {got}: {case.text[:90]}" for case, got in result.confusions()]


def test_the_held_out_accuracy_is_at_least_0_9(result):
    assert result.accuracy >= BAR, _misses(result)


def test_the_held_out_none_precision_is_at_least_0_9(result):
    assert result.none_precision >= BAR, _misses(result)


def test_the_held_out_none_recall_is_at_least_0_9(result):
    assert result.none_recall >= BAR, _misses(result)


def test_the_held_out_set_covers_every_category_and_language():
    cases = load_routing_set(HOLDOUT)
    counts = {tag: sum(tag in case.tags for case in cases) for tag in CATEGORIES}
    assert len(cases) >= 150
    assert all(counts[tag] >= 5 for tag in ("oos", "typo", "de", "fr", "es", "pt", "it", "indirect", "near-miss")), (
        counts
    )
    assert counts["long"] >= 5 and sum(case.expected == "none" for case in cases) >= 30, counts


def test_no_held_out_request_is_also_in_the_tuning_set():
    tuning = {case.text for case in load_routing_set(HOLDOUT.with_name("routing_set.tsv"))}
    assert not tuning & {case.text for case in load_routing_set(HOLDOUT)}
