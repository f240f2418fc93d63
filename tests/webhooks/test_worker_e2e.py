"""Webhooks end to end: runs on a real Celery worker, a receiver on loopback that verifies every signature and
answers 500 twice before a 200, and a replay from the admin (issue 19's "done when")."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from standardwebhooks import Webhook, WebhookVerificationError

from agents.models import Agent
from agents.runs.services import run_create
from raptorflow.webhooks import services
from raptorflow.webhooks.models import Delivery
from tests.fixtures.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PORTS = range(8140, 8150)  # this test's receiver takes the first free one
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


class Receiver:
    """An HTTP receiver that verifies each request with the endpoint's secret and fails each message twice."""

    def __init__(self) -> None:
        self.secret = ""
        self.requests: list[dict] = []  # every request: webhook-id, verified, type, status answered
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.handle(body, {k: v for k, v in self.headers.items()}, self)

            def log_message(self, *args) -> None:
                pass

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("no free port in 8140-8149")
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, body: bytes, headers: dict[str, str], handler: BaseHTTPRequestHandler) -> None:
        try:
            payload = Webhook(self.secret).verify(body, headers)
            verified = True
        except WebhookVerificationError:
            payload, verified = json.loads(body), False
        with self.lock:
            seen = sum(1 for r in self.requests if r["id"] == headers["webhook-id"])
            status = 500 if seen < 2 else 200
            self.requests.append(
                {"id": headers["webhook-id"], "verified": verified, "type": payload["type"], "status": status}
            )
        handler.send_response(status)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    def answered(self, status: int) -> Counter:
        with self.lock:
            return Counter(r["id"] for r in self.requests if r["status"] == status)


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def test_a_receiver_gets_every_event_once_after_two_failures_and_sees_the_admin_replay(
    registry_synced, workspace, system_actor, worker_env, start_worker, receiver, settings, admin_client
):
    settings.RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK = True
    worker_env |= {"RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK": "1", "RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE": "1,1,1"}
    endpoint, receiver.secret = services.endpoint_create(
        workspace=workspace, url=receiver.url, event_types=["run.succeeded", "run.failed"], actor=system_actor
    )
    worker = start_worker()
    agent = Agent.objects.get(slug="unit_economics")
    runs = [run_create(workspace=workspace, agent=agent, input=UNIT, actor=system_actor)[0] for _ in range(2)]

    def all_delivered() -> bool:
        return Delivery.objects.filter(endpoint=endpoint, status="succeeded").count() == 2

    wait_for(all_delivered, timeout=90, message=f"two deliveries to succeed\n{worker.log()}")
    deliveries = list(Delivery.objects.filter(endpoint=endpoint).select_related("message"))
    ids = {d.message.webhook_id for d in deliveries}
    assert {json.loads(d.message.body)["data"]["run_id"] for d in deliveries} == {str(run.pk) for run in runs}
    assert all(d.attempts == 3 and [a["status"] for a in d.log] == [500, 500, 200] for d in deliveries)
    # Nothing more arrives once each message was answered with a 200: the retries stop.
    threading.Event().wait(3)
    assert receiver.answered(200) == dict.fromkeys(ids, 1)
    assert receiver.answered(500) == dict.fromkeys(ids, 2)
    assert all(r["verified"] and r["type"] == "run.succeeded" for r in receiver.requests)

    first = deliveries[0]
    response = admin_client.post(
        reverse("admin:webhooks_delivery_changelist"), {"action": "replay", "_selected_action": [first.pk]}
    )
    assert response.status_code == 302
    wait_for(
        lambda: receiver.answered(200)[first.message.webhook_id] == 2, timeout=30, message=f"the replay\n{worker.log()}"
    )
    replay = Delivery.objects.get(replay_of=first)
    assert (replay.status, replay.attempts, replay.response_status) == ("succeeded", 1, 200)
    assert len(receiver.requests) == 7 and all(r["verified"] for r in receiver.requests)
