"""Profile one API request in-process (cProfile), against the database the benchmark left behind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raptorflow_bench REDIS_URL=redis://127.0.0.1:6379/10 \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/profile_request.py [get|post] [-n 200]

Runs with development settings (DEBUG off) and the Django test client, so it shows where Python time goes in
the view stack, not the server's. Prints the top functions by cumulative and by own time.
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
os.environ.setdefault("API_THROTTLE_USER", "100000000/min")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["get", "post"], nargs="?", default="get")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--time", action="store_true", help="time the requests (no profiler): mean and median ms")
    args = parser.parse_args()
    import django

    django.setup()
    from django.test import Client

    from raptorflow.accounts.models import Workspace
    from raptorflow.accounts.services import apikey_create
    from raptorflow.audit.actors import Actor

    _, key = apikey_create(
        workspace=Workspace.objects.get(slug="demo"), name="profile", scopes=["runs:read", "runs:write"],
        actor=Actor.system("profile"),
    )  # fmt: skip
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_HOST="127.0.0.1")
    body = {"agent": "unit_economics", "input": {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50,
                                                 "churn": 0.05}}  # fmt: skip
    run_id = client.post("/api/v1/runs", body, content_type="application/json").json()["id"]

    def once() -> None:
        if args.kind == "get":
            response = client.get(f"/api/v1/runs/{run_id}")
        else:
            response = client.post("/api/v1/runs", body, content_type="application/json",
                                   HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)  # fmt: skip
        assert response.status_code < 300, response.content

    for _ in range(20):
        once()
    if args.time:
        import statistics
        import time

        samples = []
        cpu = time.process_time()
        for _ in range(args.n):
            t = time.perf_counter()
            once()
            samples.append((time.perf_counter() - t) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / args.n
        print(
            f"{args.kind}: wall mean {statistics.mean(samples):.2f} ms, median {statistics.median(samples):.2f} ms; "
            f"this process's CPU {cpu_ms:.2f} ms per request"
        )
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        once()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{args.kind}: {stats.total_tt / args.n * 1000:.2f} ms per request (profiled)")
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
