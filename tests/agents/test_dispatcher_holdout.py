"""The router on requests it was never tuned on (agents/routing_holdout.tsv, written before the router)."""

from pathlib import Path

from agents.management.commands.route_eval import evaluate, load_routing_set

HOLDOUT = Path(__file__).resolve().parents[2] / "agents" / "routing_holdout.tsv"


def test_the_router_generalises_to_the_held_out_requests():
    result = evaluate(load_routing_set(HOLDOUT))
    assert result.accuracy >= 0.90, [f"{case.request!r}: got {got}" for case, got in result.confusions()]
