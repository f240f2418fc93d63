"""Raptorflow against the LangGraph API server, the peer a user would pick instead (issue #22, decision 0034).

    make bench-peers                     # installs the peer into bench/peers/.venv, then runs this (~15 minutes)
    .venv/bin/python bench/peers.py --rounds 1 --duration 3 --runs 200      # a quick look (~3 minutes)

Both sides run on this machine at once, against the local PostgreSQL and Redis (the databases and Redis DBs of
bench/run.py, recreated and flushed):

* **Raptorflow** as in production (bench/run.py's environment): gunicorn with deploy/gunicorn.conf.py (gthread,
  4 processes), its stream process (uvicorn, for the long-poll) and a Celery worker (``--concurrency 2``) that runs
  throughout, so runs execute while the API is measured, as the peer's do.
* **The peer**: ``langgraph dev --no-browser --no-reload`` (langgraph-cli[inmem], pinned in
  bench/peers/requirements.txt, in its own virtual environment) serving bench/peers/unit_economics_graph.py: one
  node doing a unit_economics run's work (the same input and output schema checks and Raptorflow's own arithmetic),
  no model. Its runtime keeps runs, threads and checkpoints in the memory of one process; nothing is written to a
  database, nothing survives a restart, and nothing is authenticated or audited.

Each round measures every scenario on both sides, back to back (which side goes first alternates per round), so
a shared machine's drift hits both; the figures are the medians of the per-round ratios (Raptorflow ÷ peer),
with their spread:

* ``post``: wrk, 8 connections: ``POST /api/v1/runs`` (a unique Idempotency-Key each) against ``POST /runs`` (a
  stateless background run, ``on_completion: keep`` so that it can be read back), req/s and p95.
* ``get``: ``GET /api/v1/runs/{id}`` of a finished run (its output and steps) against the peer's finished run
  record ``GET /threads/{t}/runs/{r}`` and, as ``get_state``, ``GET /threads/{t}/state`` (where its output is).
  ``floor``: Raptorflow's ``GET /api/v1/health`` (its middleware and DRF, no authentication, no I/O) against the
  same peer GET: the most any Raptorflow endpoint could reach here.
* ``e2e``: ``--runs`` runs submitted through each side's batch endpoint, 100 per request (``POST
  /api/v1/runs/batch``, ``POST /runs/batch``) by one client; completed runs/s = runs ÷ (the last one's end − the
  first request). Each side starts it with nothing queued (the post scenario's backlog drained first, timed).
* ``latency``: 8 clients, each in a loop for ``--duration`` seconds: submit a run, wait for its end the side's
  own way (Raptorflow: long-poll ``GET /api/v1/runs/{id}/events?wait=`` on the stream process until ``final``;
  the peer: ``GET /threads/{t}/runs/{r}/join``); p50 and p95 of submit → final.

Writes bench/results/peers.json (``--out``). Every process it starts is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

PEER_VENV = bench.BENCH / "peers" / ".venv"
PEER_PORT, RF_PORT, STREAM_PORT = 18090, bench.RF_PORT, bench.RF_STREAM_PORT
PEERS_DB = "raptorflow_bench_peers"
BATCH = 100
CLIENTS = 8
UNIT = bench.RUN_BODY["input"]
PEER_BODY = {"assistant_id": "unit_economics", "input": {"input": UNIT}, "on_completion": "keep"}


WRK_FIGURES = ("rf_post", "peer_post", "rf_get", "rf_floor", "peer_get", "peer_get_state")


class Client:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1:``port``, JSON in and out."""

    def __init__(self, port: int, headers: dict[str, str] | None = None, timeout: float = 60) -> None:
        self.port, self.headers, self.timeout = port, headers or {}, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **self.headers, **(headers or {})}
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: reconnect once
            try:
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
        return json.loads(payload) if payload else None

    def close(self) -> None:
        self.conn.close()


class Raptorflow:
    name = "raptorflow"

    def __init__(self, auth: dict[str, str], db_url: str) -> None:
        self.auth, self.db_url = auth, db_url
        self._db: psycopg.Connection | None = None  # the polls' one connection, opened on first use

    def _query(self, query: str, params: tuple = ()) -> tuple:
        if self._db is None or self._db.closed:
            self._db = psycopg.connect(self.db_url, autocommit=True)
        return self._db.execute(query, params).fetchone()

    def seed_finished(self) -> str:
        """The path of a finished run's GET."""
        client = Client(RF_PORT, self.auth)
        run = client.call("POST", "/api/v1/runs", bench.RUN_BODY, {"Idempotency-Key": "peers-seed"})
        bench.run_until_final(f"http://127.0.0.1:{RF_PORT}", run["id"], self.auth)
        return f"/api/v1/runs/{run['id']}"

    def post_script(self) -> tuple[str, str]:
        return "/api/v1/runs", bench.lua_post("/api/v1/runs", bench.RUN_BODY, self.auth, idempotency=True)

    def pending(self) -> int:
        return self._query(f"SELECT count(*) FROM agents_run WHERE status NOT IN {bench.FINAL_STATES_SQL}")[0]  # noqa: S608

    def submit_batches(self, tag: str, runs: int) -> None:
        client = Client(RF_PORT, self.auth)
        for first in range(0, runs, BATCH):
            numbers = range(first, min(first + BATCH, runs))
            items = [{**bench.RUN_BODY, "idempotency_key": f"{tag}-{i}"} for i in numbers]
            answer = client.call("POST", "/api/v1/runs/batch", {"items": items})
            if answer["created"] != len(items):
                raise RuntimeError(f"batch: {answer['created']} of {len(items)} created: {answer['results'][:2]}")
        client.close()

    def ended(self, tag: str, runs: int) -> float | None:
        """The end of the last of the tagged runs (epoch seconds), once all are final; None before."""
        done, last = self._query(
            "SELECT count(*), extract(epoch FROM max(finished_at)) FROM agents_run "  # noqa: S608
            f"WHERE idempotency_key LIKE %s AND status IN {bench.FINAL_STATES_SQL}",
            (f"{tag}-%",),
        )
        return float(last) if done >= runs else None

    def one_run(self, api: Client, stream: Client) -> float:
        started = time.monotonic()
        run = api.call("POST", "/api/v1/runs", bench.RUN_BODY, {"Idempotency-Key": uuid.uuid4().hex})
        submitted = time.monotonic() - started
        after, final = 0, run["status"] in bench.FINAL_STATES
        while not final:
            page = stream.call("GET", f"/api/v1/runs/{run['id']}/events?after={after}&wait=20")
            after, final = page["next_after"], page["final"]
        return submitted

    def clients(self) -> tuple[Client, Client]:
        return Client(RF_PORT, self.auth), Client(STREAM_PORT, self.auth)


class Peer:
    name = "langgraph"

    def __init__(self) -> None:
        self._polls = Client(PEER_PORT)  # the polls' one keep-alive connection

    def seed_finished(self) -> tuple[str, str]:
        """The paths of a finished run's record and of its thread's state."""
        client = Client(PEER_PORT)
        run = client.call("POST", "/runs", PEER_BODY)
        client.call("GET", f"/threads/{run['thread_id']}/runs/{run['run_id']}/join")
        record = client.call("GET", f"/threads/{run['thread_id']}/runs/{run['run_id']}")
        if record["status"] != "success":
            raise RuntimeError(f"the peer's seed run ended {record['status']}")
        return f"/threads/{run['thread_id']}/runs/{run['run_id']}", f"/threads/{run['thread_id']}/state"

    def post_script(self) -> tuple[str, str]:
        return "/runs", bench.lua_post("/runs", PEER_BODY, {}, idempotency=False)

    def pending(self) -> int:
        return self._polls.call("POST", "/threads/count", {"status": "busy"})

    def submit_batches(self, tag: str, runs: int) -> None:
        client = Client(PEER_PORT)
        for first in range(0, runs, BATCH):
            items = [{**PEER_BODY, "metadata": {"tag": tag}} for _ in range(first, min(first + BATCH, runs))]
            created = client.call("POST", "/runs/batch", items)
            if len(created) != len(items):
                raise RuntimeError(f"batch: {len(created)} of {len(items)} created")
        client.close()

    def ended(self, tag: str, runs: int) -> float | None:
        client = self._polls
        done = client.call("POST", "/threads/count", {"status": "idle", "metadata": {"tag": tag}})
        if done < runs:
            return None
        last = client.call(
            "POST",
            "/threads/search",
            {"metadata": {"tag": tag}, "sort_by": "updated_at", "sort_order": "desc", "limit": 1},
        )
        return datetime.fromisoformat(last[0]["updated_at"]).timestamp()

    def one_run(self, api: Client, _: Client) -> float:
        started = time.monotonic()
        run = api.call("POST", "/runs", PEER_BODY)
        submitted = time.monotonic() - started
        api.call("GET", f"/threads/{run['thread_id']}/runs/{run['run_id']}/join")
        return submitted

    def clients(self) -> tuple[Client, Client]:
        client = Client(PEER_PORT)
        return client, client


def drain(side: Raptorflow | Peer, timeout: float) -> float:
    """Seconds until ``side`` has nothing queued or running; raises after ``timeout``."""
    started = time.monotonic()
    while side.pending():
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"{side.name}: {side.pending()} runs still pending after {timeout:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - started


def e2e(side: Raptorflow | Peer, tag: str, runs: int, timeout: float) -> dict:
    started = time.time()
    side.submit_batches(tag, runs)
    submitted = time.time()
    while (last := side.ended(tag, runs)) is None:
        if time.time() - started > timeout:
            raise RuntimeError(f"{side.name}: the {runs} runs of {tag} were not all final after {timeout:.0f} s")
        time.sleep(0.2)
    seconds = last - started
    return {"runs": runs, "submit_s": submitted - started, "seconds": seconds, "runs_per_s": runs / seconds}


def latency(side: Raptorflow | Peer, duration: float) -> dict:
    """CLIENTS threads, each submitting a run and waiting for its end, in a loop for ``duration`` seconds."""
    samples: list[float] = []
    submits: list[float] = []  # of each sample, how long the submission took (its answer)
    errors: list[str] = []
    lock = threading.Lock()
    until = time.monotonic() + duration

    def loop() -> None:
        api, stream = side.clients()
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                submitted = side.one_run(api, stream)
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc)[:200])
                continue
            with lock:
                samples.append(time.monotonic() - started)
                submits.append(submitted)
        api.close()
        stream.close()

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 120)
    samples.sort()
    return {
        "runs": len(samples),
        "errors": len(errors),
        "error_samples": errors[:3],
        "p50_ms": statistics.median(samples) * 1000 if samples else None,
        "p95_ms": samples[int(0.95 * (len(samples) - 1))] * 1000 if samples else None,
        "submit_p50_ms": statistics.median(submits) * 1000 if submits else None,
    }


# Issue #22's targets, and those decision 0034 proposes instead from what this bench measured (Raptorflow ÷ peer,
# except get_rps_vs_floor: a finished run's read ÷ Raptorflow's own no-I/O endpoint in the same round).
TARGETS = {
    "issue #22": {"post_rps": (">=", 1.0), "e2e_runs_per_s": (">=", 1.0), "get_rps": (">=", 0.5),
                  "latency_p95": ("<=", 0.2)},
    "0034": {"e2e_runs_per_s": (">=", 1.0), "get_rps_vs_floor": (">=", 0.5), "get_rps_vs_state": (">=", 1.0),
             "latency_p95": ("<=", 1.0)},
}  # fmt: skip


def _met(value: float, op: str, bound: float) -> bool:
    return value >= bound if op == ">=" else value <= bound


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "rounds": values, "spread": [min(values), max(values)]}


def main() -> int:  # noqa: C901 - a linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--duration", type=int, default=8, help="seconds of each wrk and latency run (default 8)")
    parser.add_argument("--runs", type=int, default=2000, help="runs of each side's e2e batch (default 2000)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--out", default=str(bench.BENCH / "results" / "peers.json"), help="where to write the JSON")
    args = parser.parse_args()
    langgraph = PEER_VENV / "bin" / "langgraph"
    if not langgraph.exists():
        print("the peer is not installed: make bench-peers (it installs bench/peers/requirements.txt)", file=sys.stderr)
        return 2
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="raptorflow-peers-"))
    (tmp / "logs").mkdir()
    stack = bench.Stack(tmp / "logs")
    print(f"peers: logs in {tmp / 'logs'}", flush=True)
    base_env, rf_env = bench.app_environments(tmp, 4, db=PEERS_DB)
    db_url = f"{bench.PG}/{PEERS_DB}"
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "settings": {**vars(args), "clients": CLIENTS, "batch": BATCH, "web": "gunicorn gthread, 4 processes",
                     "worker": "celery prefork, concurrency 2", "peer": "langgraph dev --no-reload (1 process)"},
        "rounds": [],
    }  # fmt: skip
    try:
        print("peers: preparing Raptorflow", flush=True)
        auth = {"Authorization": f"Api-Key {bench.prepare_raptorflow(rf_env, PEERS_DB)}"}
        schemas = tmp / "schemas.json"
        exported = bench.sh([bench.PY, "manage.py", "shell", "-c", bench.SCHEMAS_SCRIPT], env=rf_env)
        schemas.write_text(exported.splitlines()[-1])
        stack.start("rf-web", bench.rf_web_cmd("gthread", RF_PORT, 4), env=rf_env, cwd=bench.ROOT)
        stream_env = {k: v for k, v in rf_env.items() if k not in {"WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR"}}
        stream_env |= {"DB_CONN_MAX_AGE": "0", "DB_POOL_MAX_SIZE": "8"}  # as docker-compose's `stream`
        stream = [bench.UVICORN, "raptorflow.asgi:application", "--host=127.0.0.1", f"--port={STREAM_PORT}",
                  "--lifespan=off", "--log-level=warning"]  # fmt: skip
        stack.start("rf-stream", stream, env=stream_env, cwd=bench.ROOT)
        worker = [bench.CELERY, "-A", "raptorflow", "worker", "--queues=runs", "--loglevel=WARNING",
                  "--concurrency=2", "--hostname=bench-peers@%h"]  # fmt: skip
        stack.start("rf-worker", worker, env=rf_env, cwd=bench.ROOT)
        # One process: the in-memory runtime keeps its runs in the process (uvicorn would start WEB_CONCURRENCY
        # processes, each with a store of its own, and a run would be found by one in four requests).
        peer_env = {k: v for k, v in base_env.items() if k != "WEB_CONCURRENCY"}
        peer_env |= {"PYTHONPATH": str(bench.ROOT), "BENCH_PEER_SCHEMAS": str(schemas),
                     "PATH": f"{PEER_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip
        peer_cmd = [str(langgraph), "dev", "--no-browser", "--no-reload", "--port", str(PEER_PORT),
                    "--host", "127.0.0.1", "--server-log-level", "WARNING"]  # fmt: skip
        stack.start("peer", peer_cmd, env=peer_env, cwd=bench.BENCH / "peers")
        bench.wait_http(f"http://127.0.0.1:{RF_PORT}/health/live")
        bench.wait_http(f"http://127.0.0.1:{STREAM_PORT}/health/live")
        bench.wait_http(f"http://127.0.0.1:{PEER_PORT}/ok", timeout=180)

        rf, peer = Raptorflow(auth, db_url), Peer()
        rf_get = rf.seed_finished()
        peer_get, peer_state = peer.seed_finished()
        scripts = {}
        for key, (port, (path, text)) in {
            "rf_post": (RF_PORT, rf.post_script()),
            "peer_post": (PEER_PORT, peer.post_script()),
            "rf_get": (RF_PORT, (rf_get, bench.lua_get(auth))),
            # Raptorflow's floor: its middleware and DRF with no authentication and no I/O (bench/run.py's api_floor).
            "rf_floor": (RF_PORT, ("/api/v1/health", bench.lua_get({}))),
            "peer_get": (PEER_PORT, (peer_get, bench.lua_get({}))),
            "peer_get_state": (PEER_PORT, (peer_state, bench.lua_get({}))),
        }.items():
            (tmp / f"{key}.lua").write_text(text)
            scripts[key] = (f"http://127.0.0.1:{port}{path}", tmp / f"{key}.lua")

        def drive(key: str, duration: int) -> dict:
            url, script = scripts[key]
            return bench.wrk(url, script, duration=duration, connections=args.connections, threads=1)

        print("peers: warming up", flush=True)
        for key in scripts:
            drive(key, 2)
        for side in (rf, peer):
            drain(side, 600)
            side.submit_batches(f"warm-{side.name}", BATCH)
            drain(side, 600)

        for number in range(args.rounds):
            sides = (rf, peer) if number % 2 == 0 else (peer, rf)
            figures: dict = {"first": sides[0].name}
            for side in sides:
                key = "rf" if side is rf else "peer"
                figures[f"{key}_post"] = drive(f"{key}_post", args.duration)
                figures[f"{key}_get"] = drive(f"{key}_get", args.duration)
                if side is rf:
                    figures["rf_floor"] = drive("rf_floor", args.duration)
                if side is peer:
                    figures["peer_get_state"] = drive("peer_get_state", args.duration)
            for side in sides:
                key = "rf" if side is rf else "peer"
                backlog = side.pending()
                seconds = drain(side, 900)
                # Both sides execute while the API is measured; what is left queued when it stops is drained here.
                figures[f"{key}_drain"] = {"backlog": backlog, "seconds": seconds}
            for side in sides:
                key = "rf" if side is rf else "peer"
                figures[f"{key}_e2e"] = e2e(side, f"e2e-{number}-{side.name}", args.runs, 900)
                drain(side, 600)
            for side in sides:
                key = "rf" if side is rf else "peer"
                figures[f"{key}_latency"] = latency(side, args.duration)
                drain(side, 600)
            results["rounds"].append(figures)
            f = figures
            print(
                f"  round {number + 1}: POST {f['rf_post']['rps']:.0f} vs {f['peer_post']['rps']:.0f} req/s; "
                f"GET {f['rf_get']['rps']:.0f} vs {f['peer_get']['rps']:.0f} (state {f['peer_get_state']['rps']:.0f}); "
                f"e2e {f['rf_e2e']['runs_per_s']:.1f} vs {f['peer_e2e']['runs_per_s']:.1f} runs/s; "
                f"submit→final p95 {f['rf_latency']['p95_ms']:.0f} vs {f['peer_latency']['p95_ms']:.0f} ms",
                flush=True,
            )
    finally:
        stack.close()

    rounds = results["rounds"]
    errors = [
        f"{key} round {i + 1}: {r[key]['errors']} errors {r[key].get('error_samples', '')}"
        for i, r in enumerate(rounds)
        for key in (*WRK_FIGURES, "rf_latency", "peer_latency")
        if r[key]["errors"]
    ]
    if rounds:
        results["ratios"] = {
            "post_rps": spread([r["rf_post"]["rps"] / r["peer_post"]["rps"] for r in rounds]),
            "post_p95": spread([r["rf_post"]["p95_ms"] / r["peer_post"]["p95_ms"] for r in rounds]),
            "get_rps": spread([r["rf_get"]["rps"] / r["peer_get"]["rps"] for r in rounds]),
            "floor_rps": spread([r["rf_floor"]["rps"] / r["peer_get"]["rps"] for r in rounds]),
            "get_rps_vs_floor": spread([r["rf_get"]["rps"] / r["rf_floor"]["rps"] for r in rounds]),
            "get_rps_vs_state": spread([r["rf_get"]["rps"] / r["peer_get_state"]["rps"] for r in rounds]),
            "e2e_runs_per_s": spread([r["rf_e2e"]["runs_per_s"] / r["peer_e2e"]["runs_per_s"] for r in rounds]),
            "latency_p95": spread([r["rf_latency"]["p95_ms"] / r["peer_latency"]["p95_ms"] for r in rounds]),
            "latency_p50": spread([r["rf_latency"]["p50_ms"] / r["peer_latency"]["p50_ms"] for r in rounds]),
        }
        ratios = results["ratios"]
        results["targets"] = [
            {"set": which, "ratio": name, "target": f"{op} {bound}", "met": _met(ratios[name]["median"], op, bound)}
            for which, targets in TARGETS.items()
            for name, (op, bound) in targets.items()
        ]
        print(f"\nRaptorflow ÷ LangGraph API server — {results['date']}, {os.cpu_count()} CPUs, {len(rounds)} rounds")
        for name, entry in results["ratios"].items():
            shown = " ".join(f"{value:.2f}" for value in entry["rounds"])
            marks = [f"{t['set']} {t['target']}: {'met' if t['met'] else 'MISSED'}"
                     for t in results["targets"] if t["ratio"] == name]  # fmt: skip
            print(f"  {name:<18} median {entry['median']:6.2f}  rounds {shown}" + "".join(f"  [{m}]" for m in marks))
    results["failures"] = errors
    for error in errors:
        print(f"  FAILURE: {error}")
    print(f"peers: wrote {bench.write_results(results, args.out, tmp)}")
    return 1 if errors or not rounds else 0


if __name__ == "__main__":
    sys.exit(main())
