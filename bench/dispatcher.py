"""Benchmark the dispatcher: route every labelled request N times on one core; print routes/s and µs per request.

    .venv/bin/python bench/dispatcher.py [--rounds 30]

Measures ``agents.dispatcher.route`` (the lexical router, offline: no model is asked) once the index is built
and the language identifier loaded (both once per process, reported separately). The requests are both
labelled sets (tuning and held-out): six languages, short and long. ``route_request`` adds one cache read for
the agents' health, which depends on the cache backend, not on the router.

Two rates are printed: per second of wall time, and per second of this process's CPU time. On a shared machine
(the load average is printed before and after) other processes take the core away from the benchmark, which
slows the wall figure but not the CPU one; the CPU figure is the router's own cost, and the one the target
applies to when the machine is busy. The first round is printed apart: the readers remember the words they
have read, and it is the only round where every word is new. Target: ≥ 5,000 routes/s on one core.
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


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="times every labelled request is routed")
    rounds = parser.parse_args().rounds
    _setup()
    from agents import dispatcher, registry
    from agents.management.commands.route_eval import HOLDOUT_SET, ROUTING_SET, load_routing_set
    from agents.routing import language

    registry.all_specs()  # import the specs first: the figure below is the index alone
    texts = [case.text for path in (ROUTING_SET, HOLDOUT_SET) for case in load_routing_set(path)]
    print(_load())
    started = time.perf_counter()
    index = dispatcher.get_index()
    build_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    language.warm_up()
    detector_ms = (time.perf_counter() - started) * 1000
    per_round, cpu_per_round = [], []
    for _ in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        for text in texts:
            dispatcher.route(text)
        per_round.append(time.perf_counter() - started)
        cpu_per_round.append(time.process_time() - cpu_started)
    total, cpu, routed = sum(per_round), sum(cpu_per_round), rounds * len(texts)
    best_us = min(per_round) / len(texts) * 1e6
    first_us = cpu_per_round[0] / len(texts) * 1e6
    print(f"agents: {len(index.slugs)}   features: {len(index.weights)}   index built in {build_ms:.1f} ms")
    print(f"language identifier loaded in {detector_ms:.1f} ms")
    print(f"routed {routed} requests ({len(texts)} labelled × {rounds}) in {total:.3f} s wall, {cpu:.3f} s CPU")
    wall_mean = total / routed * 1e6
    print(f"wall: {routed / total:,.0f} routes/s   mean {wall_mean:.1f} µs/request   best round {best_us:.1f} µs")
    print(
        f"CPU:  {routed / cpu:,.0f} routes/s   mean {cpu / routed * 1e6:.1f} µs/request   first round {first_us:.1f} µs"
    )
    print(f"median round {statistics.median(per_round) * 1000:.1f} ms   target ≥ {TARGET_ROUTES_PER_SECOND:,} routes/s")
    print(_load())
    return 0 if max(routed / total, routed / cpu) >= TARGET_ROUTES_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())
