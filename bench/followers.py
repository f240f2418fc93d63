"""Clients that follow runs, for bench/run.py's `followers` part.

``Followers`` runs N clients, each long-polling one run's events on the stream process in a loop
(``GET /api/v1/runs/{id}/events?after=…&wait=…``, one thread and one keep-alive connection each), and
optionally a ticker that appends a progress event to one of those runs at a fixed rate, the way a worker
would (the same ``UPDATE … RETURNING`` of the run's event counter, with its ``pg_notify``, and ``INSERT`` of the
event, in one statement). It counts the answers, the events received and how long after its insert each event arrived.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import statistics
import threading
import time
from datetime import datetime
from pathlib import Path

import psycopg

APPEND_EVENT = """
WITH bumped AS (
    UPDATE agents_run SET last_event_seq = last_event_seq + 1 WHERE id = %s
    RETURNING id, last_event_seq, pg_notify('raptorflow_run_events', concat_ws(' ', id::text, pipeline_run_id::text))
)
INSERT INTO agents_runevent (run_id, sequence, type, data, created_at)
SELECT id, last_event_seq, 'progress', '{"bench": true}', now() FROM bumped
"""


class Followers:
    """Clients following ``run_ids`` on the stream process at ``port``; start() and stop() between phases."""

    def __init__(self, port: int, run_ids: list[str], headers: dict[str, str], db_url: str, *, wait: float) -> None:
        self.port, self.run_ids, self.headers, self.db_url, self.wait = port, run_ids, headers, db_url, wait
        self.after = dict.fromkeys(run_ids, 0)  # kept across phases: a follower resumes where it stopped
        self.requests = self.errors = self.appended = 0
        self.latencies: list[float] = []  # seconds from an event's insert to its arrival at a follower
        self.error_samples: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._connections: list[http.client.HTTPConnection] = []

    def start(self, *, events_per_s: float = 0.0) -> None:
        self._stop.clear()
        self._connections = [http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.wait + 30)
                             for _ in self.run_ids]  # fmt: skip
        self._threads = [
            threading.Thread(target=self._follow, args=(run_id, conn), daemon=True)
            for run_id, conn in zip(self.run_ids, self._connections, strict=True)
        ]
        if events_per_s:
            self._threads.append(threading.Thread(target=self._tick, args=(events_per_s,), daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop at once: a follower blocked in a long-poll is cut off (the server sees the client go)."""
        self._stop.set()
        for conn in self._connections:
            with contextlib.suppress(OSError, AttributeError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=10)
        for conn in self._connections:
            conn.close()

    def _follow(self, run_id: str, conn: http.client.HTTPConnection) -> None:
        while not self._stop.is_set():
            path = f"/api/v1/runs/{run_id}/events?after={self.after[run_id]}&wait={self.wait:g}"
            try:
                conn.request("GET", path, headers=self.headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                if not self._stop.is_set():
                    self._error(f"{run_id}: {exc!r}")
                    conn.close()  # reconnects at the next request
                    time.sleep(0.5)
                continue
            self._answer(run_id, response.status, body)

    def _answer(self, run_id: str, status: int, body: bytes) -> None:
        if status != 200:
            self._error(f"{run_id}: {status} {body[:200]!r}")
            time.sleep(0.5)
            return
        arrived, page = time.time(), json.loads(body)
        self.after[run_id] = page["next_after"]
        delays = [arrived - datetime.fromisoformat(e["created_at"]).timestamp()
                  for e in page["events"] if e["data"].get("bench")]  # fmt: skip
        with self._lock:
            self.requests += 1
            self.latencies.extend(delays)

    def _error(self, what: str) -> None:
        with self._lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(what)

    def _tick(self, events_per_s: float) -> None:
        """Append an event to each followed run in turn, ``events_per_s`` in all."""
        with psycopg.connect(self.db_url, autocommit=True) as db:
            next_at, i = time.monotonic(), 0
            while not self._stop.is_set():
                db.execute(APPEND_EVENT, (self.run_ids[i % len(self.run_ids)],))
                self.appended, i = self.appended + 1, i + 1
                next_at += 1 / events_per_s
                self._stop.wait(max(next_at - time.monotonic(), 0))

    def summary(self) -> dict:
        latencies = sorted(self.latencies)
        p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else None
        return {
            "followers": len(self.run_ids),
            "wait_s": self.wait,
            "answers": self.requests,
            "follower_errors": self.errors,
            "error_samples": self.error_samples,
            "events_appended": self.appended,
            "events_received": len(latencies),
            "delivery_ms": {
                "p50": statistics.median(latencies) * 1000 if latencies else None,
                "p95": p95 * 1000 if p95 is not None else None,
            },
        }


def database_counters(db_url: str, database: str) -> tuple[int, int]:
    """Committed transactions (each autocommit query is one) and sessions opened so far, from pg_stat_database."""
    with psycopg.connect(db_url, autocommit=True) as db:
        query = "SELECT xact_commit, sessions FROM pg_stat_database WHERE datname = %s"
        xacts, sessions = db.execute(query, (database,)).fetchone()
    return int(xacts), int(sessions)


def connections(db_url: str, database: str, application: str) -> int:
    """Open connections to ``database`` of one application (its PGAPPNAME)."""
    with psycopg.connect(db_url, autocommit=True) as db:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s"
        return int(db.execute(query, (database, application)).fetchone()[0])


def process_status(pid: int) -> dict:
    """Threads and resident memory of a process, from /proc."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return {"threads": int(fields["Threads"]), "rss_kb": int(fields["VmRSS"].split()[0])}
