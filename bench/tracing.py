"""What tracing costs on POST /api/v1/runs: off (no OTEL_* variable) against on (OTLP to a local sink).

    .venv/bin/python bench/tracing.py            # make bench-tracing; about two minutes
    .venv/bin/python bench/tracing.py --rounds 9 --requests 300

Gunicorns of the same code, production settings (deploy/gunicorn.conf.py, DJANGO_ENV=production), side by
side on one database and one broker: "off" with no OTEL_* variable at all, "on" with
OTEL_EXPORTER_OTLP_ENDPOINT pointing at a dummy OTLP/HTTP receiver run by this script (it answers 200 and
counts what it receives, so the figures include the batch processor and the export, not only span creation),
and "on 10%" the same with OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1.
Rounds are **interleaved** (each side first in turn) so that the shared machine's drift hits every side; each
round sends the same number of POSTs (unique Idempotency-Key, the unit_economics agent) from a few client
threads, and the script prints each round's requests/s and median latency, the on/off ratios, and their median.

It also times, in a fresh process, the code that tracing adds to a request when it is off (``tracing.span()``,
``tracing.continued()``, ``tracing.run_trace_fields()``, the model call's span), per call.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and a Redis; it recreates the database
``raptorflow_bench_tracing`` and flushes the two Redis databases it uses (``--redis``, default DBs 4 and 5 of
redis://127.0.0.1:6379). Ports: ``--port`` (off), +1 (on), +3 (on, 10 % sampled), +2 (the OTLP sink);
8130-8133 by default. Bounded: every server is stopped at the end, also on errors; the run gives up after
``--deadline`` seconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PY = sys.executable
PG = "postgres://postgres@127.0.0.1:5432"
DB = "raptorflow_bench_tracing"
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
BODY = json.dumps({"agent": "unit_economics", "input": UNIT})


class Sink(BaseHTTPRequestHandler):
    """A dummy OTLP/HTTP receiver: 200 to every export, counting requests and bytes."""

    received = {"requests": 0, "bytes": 0}
    lock = threading.Lock()

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(size)
        with self.lock:
            self.received["requests"] += 1
            self.received["bytes"] += size
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def sh(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def app_env(args: argparse.Namespace, tmp: Path) -> dict[str, str]:
    """Production settings for this run, without the caller's app or OTEL_* configuration."""
    from cryptography.fernet import Fernet

    prefixes = ("DJANGO_", "DATABASE_", "CELERY_", "REDIS_", "RAPTORFLOW_", "API_", "SECURE_", "LOG_", "GUNICORN_")
    names = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PORT", "WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR"}
    env = {k: v for k, v in os.environ.items() if not k.startswith((*prefixes, "OTEL_")) and k not in names}
    redis = args.redis.rstrip("/")
    return env | {
        "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "raptorflow.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "RAPTORFLOW_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "RAPTORFLOW_AUDIT_KEYS": secrets.token_urlsafe(32),
        "RAPTORFLOW_AUDIT_CHECKPOINT_SINK": "file",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": f"{redis}/4",
        "CELERY_BROKER_URL": f"{redis}/5",
        "API_THROTTLE_USER": "100000000/min",
        "API_THROTTLE_ANON": "100000000/min",
        "RAPTORFLOW_VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(args.web_concurrency),
        "GUNICORN_CMD_ARGS": "--max-requests 0 --access-logfile /dev/null",
    }


def prepare(env: dict[str, str]) -> str:
    """A fresh database, migrated and seeded, and an API key for it."""
    for cmd in (["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB],
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", DB]):  # fmt: skip
        subprocess.run(cmd, check=True, timeout=60)
    sh([PY, "-c", "import redis,sys; [redis.Redis.from_url(u).flushdb() for u in sys.argv[1:]]",
        env["REDIS_URL"], env["CELERY_BROKER_URL"]], env)  # fmt: skip
    sh([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    sh([PY, "manage.py", "seed_demo", "--no-experiments"], env)
    return sh([PY, "manage.py", "create_api_key", "--name", "bench-tracing"], env).strip().splitlines()[-1]


class Server:
    def __init__(self, name: str, port: int, env: dict[str, str], logdir: Path):
        self.name, self.port = name, port
        self.log = open(logdir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        cmd = [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "raptorflow.wsgi:application"]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env | {"PORT": str(port)}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited: see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health/live")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer on {self.port}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def post_runs(port: int, key: str, count: int, clients: int) -> tuple[float, float, int]:
    """``count`` POST /api/v1/runs from ``clients`` threads: (requests/s, median ms, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    todo = iter(range(count))

    def client() -> None:
        while True:
            with lock:
                if next(todo, None) is None:
                    return
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json",
                       "Idempotency-Key": uuid.uuid4().hex}  # fmt: skip
            started = time.perf_counter()
            conn.request("POST", "/api/v1/runs", BODY, headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            conn.close()
            with lock:
                latencies.append(elapsed)
                errors[0] += response.status != 201

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started), statistics.median(latencies), errors[0]


def off_path_costs(env: dict[str, str]) -> dict[str, float]:
    """Nanoseconds per call of what tracing adds to a request while it is off, timed in a fresh process."""
    code = r"""
import json, os, time, django
django.setup()
from raptorflow import tracing
from raptorflow.llm import telemetry
from raptorflow.llm.models import Provider
from raptorflow.llm.types import CompletionRequest, Message
assert not tracing.active()
provider = Provider(name="p", kind="offline")
request = CompletionRequest(messages=(Message("user", "hi"),), model="m")
parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
def per_call(fn, n=200_000):
    started = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - started) / n
def span():
    with tracing.span("x", {"a": "b"}):
        pass
def continued():
    with tracing.continued("x", parent, {"a": "b"}):
        pass
def model_span():
    with telemetry.call_span(provider, request):
        pass
print(json.dumps({"span": per_call(span), "continued": per_call(continued),
                  "run_trace_fields": per_call(tracing.run_trace_fields), "model_call_span": per_call(model_span),
                  "empty_loop": per_call(lambda: None)}))
"""
    return json.loads(sh([PY, "-c", code], env).strip().splitlines()[-1])


def _deadline(*_: object) -> None:
    raise SystemExit("deadline reached")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per side (default 7)")
    parser.add_argument("--requests", type=int, default=200, help="POSTs per side and round (default 200)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--web-concurrency", type=int, default=2, help="gunicorn workers per side (default 2)")
    parser.add_argument("--port", type=int, default=8130, help="off side's port; +1 on, +3 on 10%%, +2 the sink")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server (DBs 4 and 5 are used)")
    parser.add_argument("--deadline", type=float, default=900, help="give up after this many seconds")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _deadline)
    signal.alarm(int(args.deadline))

    tmp = Path(tempfile.mkdtemp(prefix="bench-tracing-"))
    (tmp / "var").mkdir()
    env = app_env(args, tmp)
    print(f"bench-tracing: logs in {tmp}", flush=True)
    key = prepare(env)
    sink = ThreadingHTTPServer(("127.0.0.1", args.port + 2), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    otlp = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{args.port + 2}", "OTEL_SERVICE_NAME": "raptorflow-bench"}
    sides = {
        "off": env,  # no OTEL_* variable
        "on": env | otlp,  # every trace recorded and exported
        "on 10%": env | otlp | {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"},
    }
    servers = {name: Server(f"side{i}", args.port + (3 if i == 2 else i), side_env, tmp)
               for i, (name, side_env) in enumerate(sides.items())}  # fmt: skip
    figures: dict[str, list[tuple[float, float, int]]] = {name: [] for name in servers}
    try:
        for server in servers.values():
            server.wait_ready()
        for server in servers.values():  # warm-up: imports, connections, caches
            post_runs(server.port, key, 40, args.clients)
        names = list(servers)
        for number in range(args.rounds):
            order = names[number % len(names) :] + names[: number % len(names)]  # each side first in turn
            for side in order:
                figures[side].append(post_runs(servers[side].port, key, args.requests, args.clients))
            row = []
            for side in names:
                rps, ms, _ = figures[side][-1]
                ratio = "" if side == "off" else f" ({rps / figures['off'][-1][0]:.3f}x)"
                row.append(f"{side} {rps:.1f} rps{ratio}, median {ms:.1f} ms")
            print(f"round {number + 1}: " + " | ".join(row), flush=True)
    finally:
        for server in servers.values():
            server.stop()
        sink.shutdown()
        sh([PY, "-c", "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()", env["CELERY_BROKER_URL"]], env)
    for side in names[1:]:
        pairs = list(zip(figures["off"], figures[side], strict=True))
        rps = statistics.median(on[0] / off[0] for off, on in pairs)
        ms = statistics.median(on[1] / off[1] for off, on in pairs)
        print(f"median of the rounds' ratios, {side} / off: requests/s {rps:.3f}, median latency {ms:.3f}")
    errors = {side: sum(f[2] for f in rows) for side, rows in figures.items()}
    print(f"errors: {errors}; OTLP sink received {Sink.received['requests']} exports, {Sink.received['bytes']} bytes")
    costs = off_path_costs(env)
    print("tracing off, in-process, ns per call: " + ", ".join(f"{k} {v:.0f}" for k, v in costs.items()))
    if any(errors.values()) or not Sink.received["requests"]:
        raise SystemExit("errors, or the on side exported nothing")


if __name__ == "__main__":
    main()
