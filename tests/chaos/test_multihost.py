"""The multi-host failure test (make chaos; docs/chaos.md): web, worker and the database/broker as separate
hosts in network namespaces (tests/chaos/lab.py), production settings, real PostgreSQL, Redis, gunicorn, beat and
a Celery worker.

(a) While runs of a compute-only agent (unit_economics, offline provider) are being started and executed, and two
    runs of a slow test agent are in the middle of their steps, the worker host is cut off from the db host
    (PostgreSQL and the broker) for 30 s, then healed: every accepted run reaches a final state, with exactly one
    final status event, and none is lost.
(b) The web host is cut off from the broker only (PostgreSQL still reachable): POST /api/v1/runs keeps answering
    201 and, once healed, the sweeper sends the stranded runs again and they execute, each once.

Bounded: each phase has its own deadline, and the whole module takes about four minutes. Needs root, iproute2,
nftables, PostgreSQL's server binaries and redis-server; it fails (never skips) when one is missing.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx
import pytest

from .lab import Lab, missing_prerequisites, wait

pytestmark = pytest.mark.chaos

FINAL = "('succeeded','failed','timed_out','budget_exceeded','cancelled')"
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
PARTITION_S = 30
# Short recovery periods, so that a run stranded by the partition is found within seconds, not minutes.
RECOVERY = {
    "RAPTORFLOW_SWEEP_INTERVAL_SECONDS": "3",
    "RAPTORFLOW_QUEUED_STALE_SECONDS": "8",
    "RAPTORFLOW_HEARTBEAT_STALE_SECONDS": "10",
    # The tests' own agents, loaded the way an operator adds agents: it-slow-steps pauses between its steps, so a
    # run is certainly executing when the partition starts.
    "RAPTORFLOW_AGENT_MODULES": "tests.fixtures.sample_agents",
}
SLOW = {"agent": "it-slow-steps", "input": {"steps": 6, "pause": 1.0}}
RESULTS: dict[str, dict] = {}
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    problems = missing_prerequisites()
    if problems:
        pytest.fail("the multi-host test cannot run: " + "; ".join(problems))
    started = time.monotonic()
    lab = Lab(tmp_path_factory.mktemp("chaos"))
    try:
        lab.build_network()
        lab.start_db_host()
        env = lab.app_env(**RECOVERY)
        lab.manage(env, "migrate", "--noinput", "-v0")
        lab.manage(env, "seed_demo", "--no-experiments")
        lab.api_key = lab.manage(env, "create_api_key", "--name", "chaos").strip().splitlines()[-1]
        lab.start_app_hosts(env)
        warm_up(lab)
        RESULTS["setup_s"] = round(time.monotonic() - started, 1)
        yield lab
    finally:
        lab.close()
        RESULTS["total_s"] = round(time.monotonic() - started, 1)
        out = lab.workdir / "results.json"
        out.write_text(json.dumps(RESULTS, indent=2))
        print(f"\nchaos results ({out}):\n{json.dumps(RESULTS, indent=2)}")


@dataclass
class Client:
    """Starts runs through the web host, from the root namespace, and keeps every answer."""

    lab: Lab
    accepted: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    slowest_s: float = 0.0

    def post(self, http: httpx.Client, body: dict | None = None) -> None:
        started = time.monotonic()
        try:
            response = http.post(
                "/api/v1/runs",
                json=body or {"agent": "unit_economics", "input": UNIT},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
        except httpx.HTTPError as exc:
            self.refused.append((0, repr(exc)))
            return
        self.slowest_s = max(self.slowest_s, time.monotonic() - started)
        if response.status_code == 201:
            self.accepted.append(response.json()["id"])
        else:
            self.refused.append((response.status_code, response.text[:300]))

    def http(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.lab.web_url, headers={"Authorization": f"Api-Key {self.lab.api_key}"}, timeout=30
        )


def warm_up(lab: Lab) -> None:
    """A first run through every process (imports, connections, caches), so the measured phase starts warm."""
    client = Client(lab)
    with client.http() as http:
        for _ in range(2):
            client.post(http)
    assert len(client.accepted) == 2, client.refused
    wait(lambda: not_final(lab, client.accepted) == 0, 90, f"the warm-up runs\n{lab.tail('worker')}", interval=0.5)


def ids_sql(ids: list[str]) -> str:
    return ",".join(f"'{i}'" for i in ids)


def outcome(lab: Lab, ids: list[str]) -> dict:
    """What the database says about these runs: statuses, final status events per run, attempts."""
    within = f"id IN ({ids_sql(ids)})"
    counted = lab.psql(f"SELECT status, count(*) FROM agents_run WHERE {within} GROUP BY 1")
    statuses = dict(line.split("|") for line in counted.splitlines())
    finals = lab.psql(
        "SELECT n, count(*) FROM (SELECT r.id, count(e.id) AS n FROM agents_run r LEFT JOIN agents_runevent e "
        f"ON e.run_id = r.id AND e.type = 'status' AND e.data->>'status' IN {FINAL} WHERE r.{within} GROUP BY r.id) x "
        "GROUP BY n ORDER BY n"
    )
    attempts = lab.psql(f"SELECT attempt, count(*) FROM agents_run WHERE {within} GROUP BY 1 ORDER BY 1")
    return {
        "in_database": sum(int(n) for n in statuses.values()),
        "statuses": statuses,
        "final_status_events_per_run": dict(line.split("|") for line in finals.splitlines()),
        "attempts": dict(line.split("|") for line in attempts.splitlines()),
    }


def running(lab: Lab, ids: list[str]) -> int:
    return int(lab.psql(f"SELECT count(*) FROM agents_run WHERE id IN ({ids_sql(ids)}) AND status = 'running'"))


def not_final(lab: Lab, ids: list[str]) -> int:
    return int(lab.psql(f"SELECT count(*) FROM agents_run WHERE id IN ({ids_sql(ids)}) AND status NOT IN {FINAL}"))


def test_worker_cut_off_from_the_db_host_for_30_s_every_run_final_exactly_once(lab):
    client = Client(lab)
    stop = threading.Event()

    def drive() -> None:  # about 4 runs a second, before, during and a little after the partition
        with client.http() as http:
            while not stop.is_set():
                client.post(http)
                stop.wait(0.25)

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    time.sleep(6)
    slow = Client(lab)  # two runs that are executing when the cut comes
    with slow.http() as http:
        for _ in range(2):
            slow.post(http, SLOW)
    assert len(slow.accepted) == 2, slow.refused
    wait(lambda: running(lab, slow.accepted) == 2, 30, f"the slow runs to start\n{lab.tail('worker')}")
    before = len(client.accepted)
    cut_at = time.time()
    lab.cut("worker")
    time.sleep(PARTITION_S)
    lab.heal("worker")
    healed_at = time.time()
    time.sleep(5)
    stop.set()
    driver.join(30)
    ids = client.accepted + slow.accepted
    started = time.monotonic()
    wait(lambda: not_final(lab, ids) == 0, 150, f"every run to be final\n{lab.tail('worker')}", interval=1)
    drained_s = time.monotonic() - started
    final_after_heal_s = time.time() - healed_at

    result = outcome(lab, ids)
    finished = lab.psql(
        f"SELECT count(*) FILTER (WHERE finished_at < to_timestamp({cut_at})), "
        f"count(*) FILTER (WHERE finished_at > to_timestamp({cut_at + 3}) "
        f"AND finished_at < to_timestamp({healed_at})), "
        f"count(*) FILTER (WHERE finished_at >= to_timestamp({healed_at})), "
        f"count(*) FILTER (WHERE started_at < to_timestamp({cut_at}) AND finished_at > to_timestamp({cut_at})) "
        f"FROM agents_run WHERE id IN ({ids_sql(ids)})"
    ).split("|")
    RESULTS["worker_partition"] = {
        "partition_s": PARTITION_S,
        "accepted": len(ids),
        "slow_runs": len(slow.accepted),
        "accepted_before_cut": before,
        "refused": len(client.refused),
        "finished_before_cut": int(finished[0]),
        "finished_while_cut": int(finished[1]),
        "finished_after_heal": int(finished[2]),
        "running_when_cut": int(finished[3]),
        "all_final_after_heal_s": round(final_after_heal_s, 1),
        "drained_after_driver_stopped_s": round(drained_s, 1),
        **result,
    }
    assert not client.refused, client.refused[:5]  # the web host was never cut off
    assert before > 5 and len(ids) > before + 60, "runs were started before and during the partition"
    assert int(finished[0]) > 0 and int(finished[2]) > 0, finished
    assert int(finished[3]) >= 2, "the slow runs were executing when the worker was cut off"
    assert int(finished[1]) == 0, "a run finished while its worker was cut off from the database"
    assert result["in_database"] == len(ids)  # none lost
    assert result["final_status_events_per_run"] == {"1": str(len(ids))}, result  # final exactly once
    assert result["statuses"] == {"succeeded": str(len(ids))}, result


def test_web_cut_off_from_the_broker_still_accepts_runs_and_they_execute_after_healing(lab):
    client = Client(lab)
    lab.block_port("web", "db", 6390)
    try:
        with client.http() as http:
            for _ in range(10):
                client.post(http)
                time.sleep(1)
        partitioned = outcome(lab, client.accepted) if client.accepted else {}
    finally:
        lab.unblock("web")
    healed = time.monotonic()
    ids = client.accepted
    assert not client.refused, client.refused[:5]
    assert len(ids) == 10
    assert partitioned["statuses"] == {"queued": "10"}, partitioned  # nothing reached a worker meanwhile
    wait(lambda: not_final(lab, ids) == 0, 90, f"the stranded runs to execute\n{lab.tail('worker')}", interval=1)
    result = outcome(lab, ids)
    RESULTS["web_broker_partition"] = {
        "posted_while_cut": 10,
        "answered_201": len(ids),
        "slowest_post_s": round(client.slowest_s, 2),
        "all_final_after_heal_s": round(time.monotonic() - healed, 1),
        **result,
    }
    assert client.slowest_s < 5, f"POST /runs took {client.slowest_s:.1f} s with the broker unreachable"
    assert result["final_status_events_per_run"] == {"1": "10"}, result
    assert result["statuses"] == {"succeeded": "10"}, result
