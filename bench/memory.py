"""Resident memory of each Raptorflow role under load: the figures behind the requests in deploy/kubernetes/.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:<port>/0 \
    CELERY_BROKER_URL=redis://127.0.0.1:<port>/1 .venv/bin/python bench/memory.py [--port 8110] [--requests 2000]

Unlike bench/run.py this uses the caller's database and Redis (it migrates the database and seeds the demo into
it) and ports PORT..PORT+1. It starts, with production settings and secrets generated for the run:
- gunicorn (deploy/gunicorn.conf.py, WEB_CONCURRENCY=2, no recycling),
- the stream process (uvicorn raptorflow.asgi, as docker-compose's ``stream``),
- a Celery worker on the ``runs`` queue (prefork, --concurrency=2) and beat;
then sends ``--requests`` POST /api/v1/runs (unit_economics, compute only) and as many GET /api/v1/runs/{id} from
4 threads, follows 20 runs on the stream, waits for the worker to drain the runs, and reads each process's
VmRSS and PSS (/proc/<pid>/smaps_rollup: shared pages divided among the processes sharing them, which is what
forked workers really add). Everything it starts runs in its own process group and is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUN_BODY = {
    "agent": "unit_economics",
    "input": {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05},
}


def memory(pid: int) -> dict[str, float]:
    """VmRSS and PSS of one process, in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return {"rss_mib": round(rss / 1024, 1), "pss_mib": round(pss / 1024, 1)}


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except (TimeoutError, urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def call(url: str, *, key: str, body: dict | None = None, idem: str = "") -> dict:
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json", "Host": "127.0.0.1"}
    if idem:
        headers["Idempotency-Key"] = idem
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=30) as response:
        return json.loads(response.read() or b"{}")


def main() -> None:  # noqa: C901 - one linear script
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    tmp = Path(tempfile.mkdtemp(prefix="rf-memory-"))
    (tmp / "prometheus").mkdir()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "raptorflow.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "RAPTORFLOW_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "RAPTORFLOW_AUDIT_KEYS": secrets.token_urlsafe(32),
        "RAPTORFLOW_AUDIT_CHECKPOINT_SINK": "file",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_USER": "100000000/min",
        "RAPTORFLOW_VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_CMD_ARGS": "--max-requests 0",
        "PORT": str(args.port),
    }
    py = str(BIN / "python")
    quiet = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], **quiet)
    subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], **quiet)
    subprocess.run([py, "manage.py", "seed_demo", "--no-experiments"], **quiet)
    key = subprocess.run([py, "manage.py", "create_api_key", "--name", "memory"], **quiet).stdout.split()[-1]

    stream_env = {**env, "DB_CONN_MAX_AGE": "0", "DB_POOL_MAX_SIZE": "8"}
    stream_env.pop("WEB_CONCURRENCY")  # uvicorn would take it as its worker count
    commands = {
        "web": ([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "raptorflow.wsgi:application"], env),
        "stream": (
            [
                str(BIN / "uvicorn"),
                "raptorflow.asgi:application",
                "--host=127.0.0.1",
                f"--port={args.port + 1}",
                "--lifespan=off",
                "--log-level=warning",
            ],
            stream_env,
        ),
        "worker": (
            [
                str(BIN / "celery"),
                "--app=raptorflow",
                "worker",
                "--loglevel=WARNING",
                "--queues=runs",
                "--concurrency=2",
                "--hostname=memory@%h",
            ],
            env,
        ),
        "beat": (
            [
                str(BIN / "celery"),
                "--app=raptorflow",
                "beat",
                "--loglevel=WARNING",
                f"--schedule={tmp / 'beat-schedule'}",
            ],
            env,
        ),
    }
    logs = {name: open(tmp / f"{name}.log", "w") for name in commands}  # noqa: SIM115 - closed in finally
    procs = {
        name: subprocess.Popen(
            cmd, env=e, cwd=ROOT, stdout=logs[name], stderr=subprocess.STDOUT, start_new_session=True
        )
        for name, (cmd, e) in commands.items()
    }
    try:
        web, stream = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
        wait_http(f"{web}/health/live")
        wait_http(f"{stream}/health/live")
        time.sleep(3)
        idle = {name: memory(proc.pid) for name, proc in procs.items()}
        ids: list[str] = []
        lock = threading.Lock()

        def load(thread: int) -> None:
            for n in range(args.requests // 4):
                run = call(
                    f"{web}/api/v1/runs", key=key, body=RUN_BODY, idem=f"mem-{thread}-{n}-{secrets.token_hex(4)}"
                )
                call(f"{web}/api/v1/runs/{run['id']}", key=key)
                with lock:
                    ids.append(run["id"])

        started = time.monotonic()
        threads = [threading.Thread(target=load, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        for run_id in ids[:20]:  # the stream process answers a run's events (long-poll with wait, as followers do)
            call(f"{stream}/api/v1/runs/{run_id}/events?wait=1", key=key)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if call(f"{web}/api/v1/runs/{ids[-1]}", key=key)["status"] in {"succeeded", "failed"}:
                break
            time.sleep(1)
        loaded = {}
        for name, proc in procs.items():
            kids = children(proc.pid)
            loaded[name] = {"main": memory(proc.pid), "children": [memory(pid) for pid in kids]}
        print(json.dumps({
            "date": time.strftime("%Y-%m-%d", time.gmtime()), "cpus": os.cpu_count(), "requests": len(ids) * 2,
            "load_seconds": round(elapsed, 1), "idle": idle, "after_load": loaded,
        }, indent=2))  # fmt: skip
    finally:
        for proc in procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        for log in logs.values():
            log.close()
        print(f"logs in {tmp}", file=sys.stderr)


if __name__ == "__main__":
    main()
