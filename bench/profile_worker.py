"""Profile the worker's path of a compute-only run in-process (cProfile): claim, the agent's steps, final.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raptorflow_bench REDIS_URL=redis://127.0.0.1:6379/10 \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/profile_worker.py [-n 300] [--time]

Against a migrated and seeded database (the one bench/run.py or bench/peers.py left behind, or any with
``seed_demo``): creates ``n`` queued ``unit_economics`` runs of the demo workspace through the service (nothing is
sent to a broker), then calls ``agents.runs.runtime.run_execute`` on each, as the Celery task does, under
cProfile (or timed with ``--time``: wall and this process's CPU per run). Prints the top functions by cumulative
and by own time. Development settings with DEBUG off, so the figures show where the worker's Python time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")
os.environ.setdefault("DEBUG", "false")

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--time", action="store_true", help="time the runs (no profiler): mean and median ms")
    parser.add_argument("--dump", help="also write the profile to this file (pstats; snakeviz, gprof2dot read it)")
    args = parser.parse_args()
    import django

    django.setup()
    from unittest import mock

    from agents.models import Agent
    from agents.runs import runtime, services
    from raptorflow.accounts.models import Workspace
    from raptorflow.audit.actors import Actor

    workspace, agent = Workspace.objects.get(slug="demo"), Agent.objects.get(slug="unit_economics")

    def queued(count: int) -> list[str]:
        with mock.patch.object(services, "run_enqueue", return_value=True):  # executed here, not by a worker
            return [
                str(services.run_create(workspace=workspace, agent=agent, input=UNIT, actor=Actor.system("profile"),
                                        idempotency_key=f"profile-{uuid.uuid4().hex}")[0].pk)
                for _ in range(count)
            ]  # fmt: skip

    for run_id in queued(20):  # warm: imports, memoised versions, connections
        runtime.run_execute(run_id)
    run_ids = queued(args.n)
    if args.time:
        import statistics
        import time

        samples = []
        cpu = time.process_time()
        for run_id in run_ids:
            t = time.perf_counter()
            assert runtime.run_execute(run_id) == "succeeded"
            samples.append((time.perf_counter() - t) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / args.n
        print(f"run_execute: wall mean {statistics.mean(samples):.2f} ms, median {statistics.median(samples):.2f} ms; "
              f"this process's CPU {cpu_ms:.2f} ms per run")  # fmt: skip
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for run_id in run_ids:
        runtime.run_execute(run_id)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if args.dump:
        stats.dump_stats(args.dump)
    print(f"run_execute: {stats.total_tt / args.n * 1000:.2f} ms per run (profiled)")
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
