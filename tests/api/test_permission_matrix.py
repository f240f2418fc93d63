"""Every API operation × every kind of caller gives the expected status.

The operations come from the code, not from a list kept by hand (NetBox
`utilities/testing/api.py`): the OpenAPI schema generated live, plus the routes
under /api/v1/ that drf-spectacular does not see (the event stream, which a
schema hook documents, the schema and its docs), found by walking the URL resolver. OPERATIONS classifies each one
with its access rule and how to call it, and
`test_every_routed_operation_is_classified` fails on a route nobody classified
(and on a classified one that is no longer routed).

Callers: anonymous; viewer, member, admin and owner of the workspace (sessions);
a stranger who owns another workspace; an API key without the needed scope; a
revoked key and an expired key (both with every scope). The expected status
follows from the operation's access, the rules users rely on: no credentials →
401, a bad key → 401, another workspace → 404 (not for the catalogue, the
caller's own list and signing in or out), a role or scope too low → 403,
staff-only writes → 403 for everybody who is not staff, a person's own data
→ 2xx for every person and 403 for a key, public → 2xx (the
schema and its docs still refuse a bad key with a 401: PUBLIC_CHECKS_KEY).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from agents.choices import RunStatus
from agents.evals.datasets import dataset_create
from agents.models import (
    Agent,
    AgentVersion,
    EvalDataset,
    Pipeline,
    PipelineRun,
    PipelineStep,
    PipelineVersion,
    Schedule,
)
from agents.pipelines.builtin import pipeline_sync
from agents.pipelines.choices import PipelineStepStatus
from agents.pipelines.services import pipeline_define
from agents.schedules.services import schedule_create
from agents.services import agentversion_create_draft
from raptorflow.accounts.api.views import OWN_WORKSPACE
from raptorflow.accounts.choices import Role
from raptorflow.accounts.models import User, Workspace
from raptorflow.accounts.services import apikey_create, apikey_revoke
from raptorflow.api.access import (
    APPROVE_RUNS,
    MANAGE,
    READ_AGENTS,
    READ_AUDIT,
    READ_RUNS,
    READ_SCHEDULES,
    READ_WEBHOOKS,
    READ_WORKSPACE,
    WRITE_RUNS,
    WRITE_SCHEDULES,
    WRITE_WEBHOOKS,
    Access,
)
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from raptorflow.webhooks.models import Delivery, Endpoint, Message
from raptorflow.webhooks.services import endpoint_create
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    RunFactory,
    UserFactory,
    WorkspaceFactory,
    asking_run,
    gated_run,
)

API = "/api/v1"
AGENT = "unit_economics"
SKILL = "finance.unit_economics"
POST_PIPELINE = "publish-ready-post"
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
CALLERS = ["anonymous", "viewer", "member", "admin", "owner", "stranger", "key_without_scope", "revoked", "expired"]
ROLE_OF = {"viewer": Role.VIEWER, "member": Role.MEMBER, "admin": Role.ADMIN, "owner": Role.OWNER}


@dataclass(frozen=True)
class Rule:
    """An access rule that is not a role × scope Access."""

    name: str

    def __repr__(self) -> str:
        return self.name


PUBLIC = Rule("public")  # anybody, signed in or not, whatever credentials come with the request
# Public, but the view authenticates (drf-spectacular's views use DEFAULT_AUTHENTICATION_CLASSES): no credentials
# or valid ones read it; a revoked or expired key is refused with a 401, as everywhere else in the API. Encoded as
# right: a caller is told its key is bad rather than served as anonymous. (Health and login set
# authentication_classes = [], so any credentials are ignored there: PUBLIC.)
PUBLIC_CHECKS_KEY = Rule("public-checks-key")
SIGNED_IN = Rule("signed-in")  # any valid credentials, whatever the workspace, role or scope
PERSON = Rule("person")  # any signed-in person, for themselves; never an API key (403), whatever its scopes
STAFF_ONLY = Rule("staff-only")  # nobody in the matrix is staff, so it is 403 for every valid caller


# --- the world the callers act in --------------------------------------------------------------


@dataclass
class World:
    """A workspace with one person per role, a stranger from elsewhere, and keys (no scope, revoked, expired)."""

    workspace: Workspace
    users: dict[str, User]
    keys: dict[str, str]
    actor: Actor

    def client(self, caller: str) -> APIClient:
        client = APIClient()
        if caller in self.users:
            client.force_login(self.users[caller])
            client.credentials(HTTP_X_WORKSPACE=self.workspace.slug)
        elif caller in self.keys:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.keys[caller]}")
        return client


def build_world(actor: Actor) -> World:
    workspace = WorkspaceFactory()
    users = {name: MembershipFactory(workspace=workspace, role=role).user for name, role in ROLE_OF.items()}
    users["stranger"] = MembershipFactory(workspace=WorkspaceFactory(), role=Role.OWNER).user
    _, no_scope = apikey_create(workspace=workspace, name="none", scopes=[], actor=actor)
    revoked, revoked_plain = apikey_create(workspace=workspace, name="old", scopes=["admin"], actor=actor)
    apikey_revoke(key=revoked, actor=actor)
    _, expired_plain = apikey_create(
        workspace=workspace, name="exp", scopes=["admin"], actor=actor, expires_at=timezone.now() - timedelta(days=1)
    )
    keys = {"key_without_scope": no_scope, "revoked": revoked_plain, "expired": expired_plain}
    return World(workspace, users, keys, actor)


@pytest.fixture
def world(registry_synced, system_actor) -> World:
    return build_world(system_actor)


# --- what an operation's path parameters and body are made of; called once per caller -----------

Value = str | Callable[[World], Any]


def _published_version() -> AgentVersion:
    return Agent.objects.get(slug=AGENT).versions.get()


def workspace_slug(world: World) -> str:
    return world.workspace.slug


def finished_run(world: World) -> Any:
    """Reads use a finished run, so that its event stream ends by itself."""
    return RunFactory(workspace=world.workspace, agent_version=_published_version(), status=RunStatus.SUCCEEDED).pk


def live_run(world: World) -> Any:
    return RunFactory(workspace=world.workspace, agent_version=_published_version(), status=RunStatus.QUEUED).pk


def run_awaiting_approval(world: World) -> Any:
    return gated_run(output={"verdict": "ok"}, workspace=world.workspace, agent_version=_published_version()).pk


def run_awaiting_input(world: World) -> Any:
    questions = [{"key": "price", "prompt": "What do you charge a month?", "schema": {"type": "number"}}]
    return asking_run(questions=questions, workspace=world.workspace, agent_version=_published_version()).pk


def spare_key(world: World) -> int:
    return apikey_create(workspace=world.workspace, name="victim", scopes=[], actor=world.actor)[0].pk


def spare_member(world: World) -> int:
    """A viewer, so that changing or removing it needs no owner (the owner guard: tests/accounts/test_members.py)."""
    return MembershipFactory(workspace=world.workspace, role=Role.VIEWER).pk


def workspace_audit_event(world: World) -> int:
    return AuditEvent.objects.filter(workspace=world.workspace).latest("pk").pk


def published_version(world: World) -> int:
    return _published_version().number


def draft_version(world: World) -> int:
    return agentversion_create_draft(agent=Agent.objects.get(slug=AGENT), actor=world.actor).number


def own_dataset(world: World) -> int:
    agent = Agent.objects.get(slug=AGENT)
    name = f"set-{EvalDataset.objects.count() + 1}"
    return dataset_create(agent=agent, name=name, workspace=world.workspace, actor=world.actor).pk


def new_dataset(world: World) -> dict:
    return {"agent": AGENT, "name": f"new-{EvalDataset.objects.count() + 1}"}  # a new name each time


def new_schedule(world: World) -> dict:
    return {"name": f"new-{Schedule.objects.count() + 1}", "agent": AGENT, "input": UNIT, "cron": "0 9 * * 1"}


def own_schedule(world: World) -> int:
    name = f"sched-{Schedule.objects.count() + 1}"
    agent = Agent.objects.get(slug=AGENT)
    return schedule_create(
        workspace=world.workspace, actor=world.actor, name=name, cron="0 9 * * *", agent=agent, input=UNIT
    ).pk


def paused_schedule(world: World) -> int:
    pk = own_schedule(world)
    Schedule.objects.filter(pk=pk).update(paused=True, next_fire_at=None)
    return pk


def run_as_case(world: World) -> dict:
    return {"run": str(finished_run(world))}


def finished_unit_run(world: World) -> Any:
    """A run that succeeded with an input its agent takes (a follow-up starts from it)."""
    version = _published_version()
    return RunFactory(workspace=world.workspace, agent_version=version, input=UNIT, status=RunStatus.SUCCEEDED).pk


def _platform_pipeline() -> PipelineVersion:
    if not Pipeline.objects.filter(workspace=None, slug=POST_PIPELINE).exists():
        pipeline_sync(actor=Actor.system("tests"))
    return Pipeline.objects.get(workspace=None, slug=POST_PIPELINE).versions.get(status="published")


def _pipeline_run(world: World, status: str) -> PipelineRun:
    run = PipelineRun.objects.create(
        workspace=world.workspace, version=_platform_pipeline(), input={}, budget=Decimal("1"), status=status
    )
    held = PipelineStepStatus.AWAITING_APPROVAL if status == "awaiting_approval" else PipelineStepStatus.PENDING
    PipelineStep.objects.create(pipeline_run=run, key="draft", position=0, status=held)
    PipelineStep.objects.create(pipeline_run=run, key="check", position=1)
    return run


def finished_pipeline_run(world: World) -> Any:
    return _pipeline_run(world, "succeeded").pk


def live_pipeline_run(world: World) -> Any:
    return _pipeline_run(world, "running").pk


def pipeline_run_awaiting_approval(world: World) -> Any:
    return _pipeline_run(world, "awaiting_approval").pk


def platform_pipeline(world: World) -> str:
    return _platform_pipeline().pipeline.slug


UNIT_STEP = {"key": "ue", "agent": AGENT, "input": {name: {"const": value} for name, value in UNIT.items()}}


def new_pipeline(world: World) -> dict:
    return {"slug": f"own-{Pipeline.objects.count() + 1}", "name": "Unit economics", "steps": [UNIT_STEP]}


def own_pipeline_draft(world: World) -> str:
    slug = f"draft-{Pipeline.objects.count() + 1}"
    pipeline_define(workspace=world.workspace, slug=slug, name="Draft", steps=[UNIT_STEP], actor=world.actor)
    return slug


def start_pipeline(world: World) -> dict:
    _platform_pipeline()
    return {"pipeline": POST_PIPELINE, "input": {"type": "blog", "topic": "Cash-flow forecasts for small shops"}}


def newcomer(world: World) -> dict:
    return {"user": UserFactory().username, "role": "viewer"}  # a new person each time


def credentials(world: World) -> dict:
    return {"username": UserFactory().username, "password": PASSWORD}


def new_workspace(world: World) -> dict:
    return {"name": f"New {WorkspaceFactory.build().slug}"}  # a fresh slug per call: callers share the world


def erasure_confirmed(world: World) -> dict:
    """Every workspace gets a second owner first, so that the owner and the stranger are not last owners (their
    refusal, 409: tests/accounts/test_person_rights.py)."""
    for workspace in Workspace.objects.all():
        MembershipFactory(workspace=workspace, role=Role.OWNER)
    return {"confirm": "erase my account"}


HOOK_URL = "https://93.184.215.14/hook"  # a public address literal: no DNS lookup in the test


def webhook_endpoint(world: World) -> int:
    return endpoint_create(workspace=world.workspace, url=HOOK_URL, event_types=["run.succeeded"], actor=world.actor)[
        0
    ].pk


def webhook_delivery(world: World) -> int:
    endpoint = Endpoint.objects.get(pk=webhook_endpoint(world))
    message = Message.objects.create(workspace=world.workspace, event_type="run.succeeded", body="{}")
    return Delivery.objects.create(message=message, endpoint=endpoint, status="succeeded", attempts=1).pk


def _template(path: str) -> str:
    """One spelling for every source: no trailing slash, and {id} for a primary key as drf-spectacular says."""
    return path.rstrip("/").replace("{pk}", "{id}")


@dataclass(frozen=True)
class Operation:
    """One routed (method, path template), classified: who may call it and how to call it."""

    method: str
    path: str  # as called: /api/v1/…, {id} for a primary key; a trailing slash only where the route needs one
    access: Access | Rule
    params: dict[str, Value] = field(default_factory=dict)  # path parameter → value, or its builder
    body: dict | Callable[[World], dict] | None = None
    workspace_data: bool = True  # False: a stranger gets what a member gets (catalogue, own list, sign-in)
    fresh_world: bool = False  # the call destroys the world: each caller gets a new one

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, _template(self.path))

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, world: World) -> str:
        values = {name: value(world) if callable(value) else value for name, value in self.params.items()}
        return self.path.format(**values)

    def data(self, world: World) -> dict | None:
        return self.body(world) if callable(self.body) else self.body


Op = Operation
RUN, KEY, MEMBER = f"{API}/runs/{{id}}", f"{API}/api-keys/{{id}}", f"{API}/members/{{id}}"
DATASET = f"{API}/eval-datasets/{{id}}"
PIPE, PRUN = f"{API}/pipelines/{{slug}}", f"{API}/pipeline-runs/{{id}}"
SCHEDULE = f"{API}/schedules/{{id}}"
VERSIONS = f"{API}/agents/{{agent_slug}}/versions"
HOOK, DELIVERY = f"{API}/webhooks/endpoints/{{id}}", f"{API}/webhooks/deliveries/{{id}}"

OPERATIONS = [
    # Public: the up-check, the schema and its docs, signing in.
    Op("GET", f"{API}/health", PUBLIC),
    Op("GET", f"{API}/schema/", PUBLIC_CHECKS_KEY),  # these three are path()s: the trailing slash is required
    Op("GET", f"{API}/docs/", PUBLIC_CHECKS_KEY),
    Op("GET", f"{API}/redoc/", PUBLIC_CHECKS_KEY),
    Op("GET", f"{API}/redoc-dist/bundles/redoc.standalone.js", PUBLIC),
    Op("GET", f"{API}/auth/login", PUBLIC),
    Op("POST", f"{API}/auth/login", PUBLIC, body=credentials),
    Op("POST", f"{API}/auth/logout", SIGNED_IN, workspace_data=False),
    # Workspaces: named in the path, so X-Workspace plays no part.
    Op("GET", f"{API}/workspaces", READ_WORKSPACE, workspace_data=False),  # the caller's own list
    Op("POST", f"{API}/workspaces", PERSON, body=new_workspace, workspace_data=False),  # the caller becomes owner
    Op("GET", f"{API}/workspaces/{{slug}}", READ_WORKSPACE, {"slug": workspace_slug}),
    Op("PATCH", f"{API}/workspaces/{{slug}}", MANAGE, {"slug": workspace_slug}, {"name": "Renamed"}),
    # The owner's 204 deletes the workspace, hence a world per caller. That a key is refused even with the
    # `admin` scope is in tests/accounts/test_data_rights.py (no caller here holds a valid admin key).
    Op("DELETE", f"{API}/workspaces/{{slug}}", OWN_WORKSPACE, {"slug": workspace_slug}, fresh_world=True),
    Op("GET", f"{API}/workspaces/{{slug}}/export", MANAGE, {"slug": workspace_slug}),
    # A person's own data: any signed-in person, whatever the workspace; the 204 erases the caller, hence a world
    # per caller.
    Op("GET", f"{API}/me/export", PERSON, workspace_data=False),
    Op("POST", f"{API}/me/erase", PERSON, body=erasure_confirmed, workspace_data=False, fresh_world=True),
    # Members and API keys of the request's workspace.
    Op("GET", f"{API}/members", READ_WORKSPACE),
    Op("POST", f"{API}/members", MANAGE, body=newcomer),
    Op("PATCH", MEMBER, MANAGE, {"id": spare_member}, {"role": "member"}),
    Op("DELETE", MEMBER, MANAGE, {"id": spare_member}),
    Op("GET", f"{API}/api-keys", MANAGE),
    Op("POST", f"{API}/api-keys", MANAGE, body={"name": "ci", "scopes": ["runs:read"]}),
    Op("GET", KEY, MANAGE, {"id": spare_key}),
    Op("DELETE", KEY, MANAGE, {"id": spare_key}),
    Op("POST", f"{KEY}/revoke", MANAGE, {"id": spare_key}),
    # Usage, analytics, the audit trail.
    Op("GET", f"{API}/usage", READ_WORKSPACE),
    Op("GET", f"{API}/analytics", READ_WORKSPACE),
    Op("GET", f"{API}/audit-events", READ_AUDIT),
    Op("GET", f"{API}/audit-events/{{id}}", READ_AUDIT, {"id": workspace_audit_event}),
    # The agent and skill catalogue: not workspace data; staff write it.
    Op("GET", f"{API}/agents", READ_AGENTS, workspace_data=False),
    Op("GET", f"{API}/agents/{{slug}}", READ_AGENTS, {"slug": AGENT}, workspace_data=False),
    Op("GET", VERSIONS, READ_AGENTS, {"agent_slug": AGENT}, workspace_data=False),
    Op("POST", VERSIONS, STAFF_ONLY, {"agent_slug": AGENT}, {"notes": "draft"}),
    Op(
        "GET",
        f"{VERSIONS}/{{number}}",
        READ_AGENTS,
        {"agent_slug": AGENT, "number": published_version},
        workspace_data=False,
    ),
    Op(
        "PATCH",
        f"{VERSIONS}/{{number}}",
        STAFF_ONLY,
        {"agent_slug": AGENT, "number": draft_version},
        {"notes": "edited"},
    ),
    Op("POST", f"{VERSIONS}/{{number}}/publish", STAFF_ONLY, {"agent_slug": AGENT, "number": draft_version}),
    Op("GET", f"{API}/skills", READ_AGENTS, workspace_data=False),
    Op("GET", f"{API}/skills/{{slug}}", READ_AGENTS, {"slug": SKILL}, workspace_data=False),
    # Runs.
    Op("GET", f"{API}/runs", READ_RUNS),
    Op("POST", f"{API}/runs", WRITE_RUNS, body={"agent": AGENT, "input": UNIT}),
    Op(
        "POST",
        f"{API}/runs/batch",
        WRITE_RUNS,
        body={"items": [{"agent": AGENT, "input": UNIT, "idempotency_key": "b1"}]},
    ),
    Op("GET", RUN, READ_RUNS, {"id": finished_run}),
    Op("GET", f"{RUN}/events", READ_RUNS, {"id": finished_run}),
    Op("GET", f"{RUN}/stream", READ_RUNS, {"id": finished_run}),
    Op("POST", f"{RUN}/cancel", WRITE_RUNS, {"id": live_run}),
    Op("POST", f"{RUN}/approve", APPROVE_RUNS, {"id": run_awaiting_approval}),
    Op("POST", f"{RUN}/reject", APPROVE_RUNS, {"id": run_awaiting_approval}),
    Op("POST", f"{RUN}/input", WRITE_RUNS, {"id": run_awaiting_input}, body={"answers": {"price": 49}}),
    Op("POST", f"{RUN}/feedback", WRITE_RUNS, {"id": finished_run}, body={"rating": "down", "comment": "Vague."}),
    Op("POST", f"{RUN}/follow-up", WRITE_RUNS, {"id": finished_unit_run}, body={"instructions": "Shorter."}),
    Op("GET", f"{RUN}/thread", READ_RUNS, {"id": finished_run}),
    # Pipelines: the platform's and the workspace's own; defining one is a member's (decision 0033).
    Op("GET", f"{API}/pipelines", READ_AGENTS),
    Op("POST", f"{API}/pipelines", WRITE_RUNS, body=new_pipeline),
    Op("GET", PIPE, READ_AGENTS, {"slug": platform_pipeline}),
    Op("POST", f"{PIPE}/publish", WRITE_RUNS, {"slug": own_pipeline_draft}, body={"version": 1}),
    Op("GET", f"{API}/pipeline-runs", READ_RUNS),
    Op("POST", f"{API}/pipeline-runs", WRITE_RUNS, body=start_pipeline),
    Op("GET", PRUN, READ_RUNS, {"id": finished_pipeline_run}),
    Op("GET", f"{PRUN}/events", READ_RUNS, {"id": finished_pipeline_run}),
    Op("GET", f"{PRUN}/stream", READ_RUNS, {"id": finished_pipeline_run}),
    Op("POST", f"{PRUN}/cancel", WRITE_RUNS, {"id": live_pipeline_run}),
    Op("POST", f"{PRUN}/approve", APPROVE_RUNS, {"id": pipeline_run_awaiting_approval}),
    Op("POST", f"{PRUN}/reject", APPROVE_RUNS, {"id": pipeline_run_awaiting_approval}),
    # A workspace's own evaluation datasets (decision 0024).
    Op("GET", f"{API}/eval-datasets", READ_RUNS),
    Op("POST", f"{API}/eval-datasets", WRITE_RUNS, body=new_dataset),
    Op("GET", DATASET, READ_RUNS, {"id": own_dataset}),
    Op("DELETE", DATASET, WRITE_RUNS, {"id": own_dataset}),
    Op("GET", f"{DATASET}/export", READ_RUNS, {"id": own_dataset}),
    Op("POST", f"{DATASET}/import", WRITE_RUNS, {"id": own_dataset}, body={"jsonl": '{"name": "one"}\n'}),
    Op("POST", f"{DATASET}/cases-from-run", WRITE_RUNS, {"id": own_dataset}, body=run_as_case),
    # Schedules (decision 0030): their own scopes, since each starts runs on its own.
    Op("GET", f"{API}/schedules", READ_SCHEDULES),
    Op("POST", f"{API}/schedules", WRITE_SCHEDULES, body=new_schedule),
    Op("GET", SCHEDULE, READ_SCHEDULES, {"id": own_schedule}),
    Op("PATCH", SCHEDULE, WRITE_SCHEDULES, {"id": own_schedule}, {"cron": "30 8 * * 1-5"}),
    Op("DELETE", SCHEDULE, WRITE_SCHEDULES, {"id": own_schedule}),
    Op("POST", f"{SCHEDULE}/pause", WRITE_SCHEDULES, {"id": own_schedule}),
    Op("POST", f"{SCHEDULE}/resume", WRITE_SCHEDULES, {"id": paused_schedule}),
    # Webhooks (decision 0029): admins and owners, or keys with webhooks:read / webhooks:write.
    Op("GET", f"{API}/webhooks/endpoints", READ_WEBHOOKS),
    Op("POST", f"{API}/webhooks/endpoints", WRITE_WEBHOOKS, body={"url": HOOK_URL, "event_types": ["run.failed"]}),
    Op("GET", HOOK, READ_WEBHOOKS, {"id": webhook_endpoint}),
    Op("PATCH", HOOK, WRITE_WEBHOOKS, {"id": webhook_endpoint}, {"description": "CRM"}),
    Op("DELETE", HOOK, WRITE_WEBHOOKS, {"id": webhook_endpoint}),
    Op("POST", f"{HOOK}/rotate-secret", WRITE_WEBHOOKS, {"id": webhook_endpoint}),
    Op("GET", f"{API}/webhooks/deliveries", READ_WEBHOOKS),
    Op("GET", DELIVERY, READ_WEBHOOKS, {"id": webhook_delivery}),
    Op("POST", f"{DELIVERY}/replay", WRITE_WEBHOOKS, {"id": webhook_delivery}),
    # Routing free text reads the catalogue; with `run: true` it needs runs:write (tests/agents/test_dispatch.py).
    Op("POST", f"{API}/dispatch", READ_AGENTS, body={"text": "what is our LTV to CAC ratio"}),
]
CLASSIFIED = {op.key: op for op in OPERATIONS}


# --- what the code routes ----------------------------------------------------------------------

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}  # HEAD and OPTIONS are not operations of their own


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(m.upper(), _template(p)) for p, item in schema["paths"].items() for m in item if m in HTTP_METHODS}


def _route_template(route: str) -> str:
    """`^api/(?P<version>v1)/^runs/(?P<pk>[0-9a-f-]{36})/stream/?$` → `/api/v1/runs/{id}/stream`."""
    path = re.sub(r"\(\?P<version>(\w+)\)", r"\1", route)
    path = re.sub(r"\(\?P<(\w+)>[^()]*\)", r"{\1}", path)  # a regex group
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)  # a path() converter
    path = path.replace("/?", "/").replace("^", "").replace("$", "")
    assert not re.search(r"[()\[\]|?*+\\]", path), f"cannot read the route {route!r}: extend _route_template"
    return _template("/" + path)


# The API's catch-all (raptorflow/api/urls.py): every path nothing else routes is its JSON 404, not an operation
# (tests/api/test_error_shape.py).
NOT_FOUND_ROUTE = "not-found"


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, Callable]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name != NOT_FOUND_ROUTE:
            yield prefix + str(entry.pattern), entry.callback


def _methods(callback: Callable) -> set[str]:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:
        # A function view names no methods (and answers any): it is classified by the method it is for.
        return {"GET"}
    allowed = {m for m in view.http_method_names if m in HTTP_METHODS}
    actions = getattr(callback, "actions", None)  # a viewset route: method → action
    offered = actions.keys() if actions else [m for m in allowed if hasattr(view, m)]
    return {m.upper() for m in offered if m in allowed}


def routed_operations(urlconf: str | None = None) -> set[tuple[str, str]]:
    """Every (method, path) under /api/v1/ that the urlconf routes, DRF or not."""
    found = set()
    for route, callback in _walk(get_resolver(urlconf).url_patterns):
        path = _route_template(route)
        if path.startswith(f"{API}/"):
            found |= {(method, path) for method in _methods(callback)}
    return found


def test_every_routed_operation_is_classified():
    routed = schema_operations() | routed_operations(settings.ROOT_URLCONF)
    unclassified = [f"{m} {p}" for m, p in sorted(routed - CLASSIFIED.keys())]
    gone = [f"{m} {p}" for m, p in sorted(CLASSIFIED.keys() - routed)]
    assert not (unclassified or gone), (
        f"Routed but not classified: {unclassified}. Add an Op to OPERATIONS in tests/api/test_permission_matrix.py "
        "for each: the method; the path as called (a trailing slash only if the route requires one); its Access "
        "from raptorflow.api.access (or PUBLIC, PUBLIC_CHECKS_KEY, SIGNED_IN, STAFF_ONLY); params= a value or a "
        "builder per path parameter, making the state the target needs; body= what a valid call sends. "
        f"Classified but no longer routed: {gone}; remove them."
    )
    assert len(CLASSIFIED) == len(OPERATIONS), "an operation is classified twice"


# --- the matrix --------------------------------------------------------------------------------


def expected(op: Operation, caller: str) -> str:
    """'ok' (any 2xx), or the exact status."""
    if op.access is PUBLIC:
        return "ok"
    if caller in {"revoked", "expired"}:
        return "401"
    if op.access is PUBLIC_CHECKS_KEY:
        return "ok"
    if caller == "anonymous":
        return "401"
    if op.access is SIGNED_IN:
        return "ok"
    if op.access is PERSON:
        return "403" if caller == "key_without_scope" else "ok"
    if op.access is STAFF_ONLY or caller == "key_without_scope":
        return "403"
    if caller == "stranger":
        return "404" if op.workspace_data else "ok"
    return "ok" if op.access.allows_role(ROLE_OF[caller]) else "403"


def _drain(response) -> None:
    """Read a streamed body to its end, so that the stream's own code runs (and fails here if it fails)."""
    if not getattr(response, "streaming", False):
        return
    if not response.is_async:
        b"".join(response.streaming_content)
        return

    async def read() -> None:
        async for _ in response.streaming_content:
            pass

    async_to_sync(read)()


def call(op: Operation, world: World, caller: str) -> str:
    response = getattr(world.client(caller), op.method.lower())(op.url(world), op.data(world), format="json")
    _drain(response)
    return "ok" if 200 <= response.status_code < 300 else str(response.status_code)


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_permission_matrix(op: Operation, world: World, system_actor: Actor):
    results = {}
    for caller in CALLERS:
        here = build_world(system_actor) if op.fresh_world else world
        results[caller] = (expected(op, caller), call(op, here, caller))
    wrong = {caller: pair for caller, pair in results.items() if pair[0] != pair[1]}
    assert not wrong, f"{op}: caller → (expected, got): {wrong}"


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.access is STAFF_ONLY], ids=str)
def test_staff_only_operations_work_for_staff(op: Operation, world: World, superuser: User):
    """The 403s above come from the rule, not from a call that could not work: staff get a 2xx."""
    world.users["staff"] = superuser
    assert call(op, world, "staff") == "ok"
