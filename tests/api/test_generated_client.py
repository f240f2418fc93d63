"""The typed client in clients/python/ drives a real run: the schema is a contract a script can use.

`make schema` generates that package from docs/openapi.yaml with openapi-python-client (and `make
schema-check`, in CI, fails when it drifts from a fresh generation); this test imports the committed package.
Against a live server and a real worker, and with nothing but that package, it starts a run with an
Idempotency-Key, long-polls its events until the run is final, and reads the run's output. A schema that lies
about a parameter, a body or a response shape breaks this test.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from raptorflow.accounts.services import apikey_create

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CLIENT_DIR = Path(__file__).resolve().parents[2] / "clients" / "python"
PACKAGE = "raptorflow_client"  # package_name_override in clients/openapi-client-config.yaml
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
FOLLOW_TIMEOUT_SECONDS = 90


@pytest.fixture(scope="module")
def generated_client() -> Iterator[ModuleType]:
    """The committed package, importable for this module's tests only."""
    sys.path.insert(0, str(CLIENT_DIR))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(CLIENT_DIR))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _api(package: ModuleType, operation: str) -> Any:
    """One generated operation module, e.g. runs_create (named after the schema's operationId), in its
    resource's subpackage (the operation's tag: api/runs/, api/agents/, ...)."""
    [module] = (Path(package.__file__).parent / "api").glob(f"*/{operation}.py")
    return importlib.import_module(f"{package.__name__}.api.{module.parent.name}.{operation}")


def _follow(package: ModuleType, client: Any, run_id: Any) -> list[Any]:
    """Every event of a run, long-polling with after=next_after until the page says final."""
    events_api = _api(package, "runs_events_retrieve")
    events, after = [], 0
    deadline = time.monotonic() + FOLLOW_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        page = events_api.sync(run_id, client=client, after=after, wait=2)
        assert isinstance(page, package.models.RunEventPage), page
        events += page.events
        after = page.next_after
        if page.final:
            return events
    raise AssertionError(f"run {run_id} not final after {FOLLOW_TIMEOUT_SECONDS}s; events so far: {events}")


def test_a_generated_client_starts_a_run_follows_its_events_and_reads_its_output(
    generated_client, live_server, registry_synced, workspace, system_actor, start_worker
):
    rf = generated_client
    _key, plaintext = apikey_create(
        workspace=workspace, name="generated", scopes=["runs:read", "runs:write", "agents:read"], actor=system_actor
    )
    worker = start_worker()
    client = rf.AuthenticatedClient(
        base_url=live_server.url,
        token=plaintext,
        prefix="Api-Key",  # the ApiKeyAuth scheme: `Authorization: Api-Key <key>`
        raise_on_unexpected_status=True,  # a status the schema does not document fails here
        timeout=httpx.Timeout(30),  # above the long-poll wait
    )
    create = _api(rf, "runs_create")
    body = rf.models.RunCreateRequest.from_dict({"agent": "unit_economics", "input": UNIT})

    created = create.sync_detailed(client=client, body=body, idempotency_key="generated-client-1")
    assert created.status_code == 201, created.content
    run = created.parsed
    assert isinstance(run, rf.models.Run) and run.agent == "unit_economics"
    replay = create.sync_detailed(client=client, body=body, idempotency_key="generated-client-1")
    assert (replay.status_code, replay.parsed.id) == (200, run.id)

    events = _follow(rf, client, run.id)
    statuses = [event.data["status"] for event in events if event.type_ == "status"]  # `type` is a builtin: type_
    assert statuses == ["queued", "running", "succeeded"], f"{statuses}\n{worker.log()}"
    assert [event.sequence for event in events] == sorted({event.sequence for event in events})

    detail = _api(rf, "runs_retrieve").sync(run.id, client=client)
    assert isinstance(detail, rf.models.RunDetail)
    assert detail.status == rf.models.RunStatusEnum.SUCCEEDED
    # 100 leads × 10% conversion = 10 customers; CAC = $1,000 ÷ 10; LTV = $50 ÷ 5% churn.
    assert (detail.output["customers"], detail.output["cac"], detail.output["ltv"]) == (10, 100, 1000)
    assert detail.output["verdict"] == "healthy"
    assert [step.status for step in detail.steps] and all(step.status == "succeeded" for step in detail.steps)
