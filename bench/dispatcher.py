"""Benchmark the dispatcher: route every labelled request N times on one core; print routes/s and µs per request.

    .venv/bin/python bench/dispatcher.py [--rounds 50]

Measures ``agents.dispatcher.route`` once the index is built (the index is built once per
process and reported separately). ``route_request`` adds one cache read for the agents'
health, which depends on the cache backend, not on the router. Target: ≥ 5,000 routes/s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

TARGET_ROUTES_PER_SECOND = 5_000


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="times every labelled request is routed")
    rounds = parser.parse_args().rounds
    _setup()
    from agents import dispatcher, registry
    from agents.management.commands.route_eval import load_routing_set

    registry.all_specs()  # import the specs first: the figure below is the index alone

    texts = [case.text for case in load_routing_set()]
    started = time.perf_counter()
    index = dispatcher.get_index()
    build_ms = (time.perf_counter() - started) * 1000
    per_round = []
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            dispatcher.route(text)
        per_round.append(time.perf_counter() - started)
    total, routed = sum(per_round), rounds * len(texts)
    best_us = min(per_round) / len(texts) * 1e6
    print(f"agents: {len(index.slugs)}   features: {len(index.weights)}   index built in {build_ms:.1f} ms")
    print(f"routed {routed} requests ({len(texts)} labelled × {rounds}) in {total:.3f} s on one core")
    print(f"{routed / total:,.0f} routes/s   mean {total / routed * 1e6:.1f} µs/request   best round {best_us:.1f} µs")
    print(f"median round {statistics.median(per_round) * 1000:.1f} ms   target ≥ {TARGET_ROUTES_PER_SECOND:,} routes/s")
    return 0 if routed / total >= TARGET_ROUTES_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())
