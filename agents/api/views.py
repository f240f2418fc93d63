"""Runs, run events, agents, agent versions and the dispatcher over REST."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from agents.choices import VersionStatus
from agents.evals.datasets import feedback_set
from agents.models import Agent, AgentVersion, Run
from agents.runs.events import EventPage, run_events_after
from agents.runs.lifecycle import RunId
from agents.runs.services import (
    BATCH_MAX,
    BatchItem,
    run_answer,
    run_approve,
    run_cancel,
    run_create,
    run_create_batch,
    run_follow_up,
    run_reject,
)
from agents.selectors import (
    agent_cache_key,
    agent_get_for_run,
    run_attach_approvals,
    run_attach_input_request,
    run_attach_versions,
    run_body_cache_keys,
    run_body_cacheable,
    run_body_cached,
    run_body_store,
    run_thread,
)
from agents.services import agentversion_create_draft, agentversion_publish, agentversion_update
from raptorflow.api.access import APPROVE_RUNS, READ_AGENTS, READ_RUNS, WRITE_RUNS
from raptorflow.api.errors import error_body
from raptorflow.api.pagination import CreatedCursorPagination
from raptorflow.api.permissions import StaffOrReadOnly, actor_for
from raptorflow.api.prefetch import prefetched
from raptorflow.api.schema import (
    BUDGET,
    CONFLICT,
    ERRORS,
    IDEMPOTENCY_KEY,
    TOO_LARGE,
    UNPROCESSABLE,
    WORKSPACE_PARAMS,
    ErrorSerializer,
    request_example,
)
from raptorflow.api.serializers import QuerySerializer
from raptorflow.api.viewsets import WorkspaceScopedViewSet
from raptorflow.errors import ConflictError, UnprocessableError

from . import serializers as s
from .filtersets import RunFilterSet

LONG_POLL_MAX_SECONDS = 25

PUBLISH_REFUSED = {
    409: OpenApiResponse(
        ErrorSerializer,
        description="Refused by the publish gate",
        examples=[
            OpenApiExample(
                "eval_regression",
                {
                    "code": "eval_regression",
                    "message": "v3 passes 3 of 5 (60 %) of gate: worse than v2 …",
                    "errors": {"regressed_cases": ["big-spend", "huge-spend"]},
                },
            )
        ],
    )
}


class EventQuerySerializer(QuerySerializer):
    after = serializers.IntegerField(min_value=0, default=0, help_text="Return events with a higher sequence.")
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)
    wait = serializers.FloatField(
        min_value=0,
        max_value=LONG_POLL_MAX_SECONDS,
        default=0,
        help_text="Seconds to wait for a new event. Only the stream process waits; the API process answers at once.",
    )


def _uuid_or_none(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


PEEK_MAX_BYTES = 262_144


def _peek_agent_slugs(request) -> list[str]:
    """The agents a small JSON body names (a run request's, or a batch's items'), read before DRF parses it (for
    the round trip before the view). Anything unusual is left to the parser and the serializer: none."""
    django_request = request._request
    if django_request.content_type != "application/json":
        return []
    try:
        length = int(django_request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return []
    if not 0 < length <= PEEK_MAX_BYTES:
        return []
    try:
        data = json.loads(django_request.body)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit: the parser's 400 to give
        return []
    if not isinstance(data, dict):
        return []
    named = [data] if "items" not in data else data["items"] if isinstance(data["items"], list) else []
    slugs = [item.get("agent") for item in named[:BATCH_MAX] if isinstance(item, dict)]
    return list(dict.fromkeys(slug for slug in slugs if isinstance(slug, str) and s.is_agent_slug(slug)))


def body_etag(body: bytes) -> str:
    """A strong ETag for a response body: its digest."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for If-None-Match) or is `*`."""
    if not if_none_match:
        return False
    wanted = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
    return "*" in wanted or etag in wanted


def event_page_body(run_id: RunId, page: EventPage) -> dict[str, Any]:
    """The answer of GET …/events, whichever process serves it (this action, or agents/api/stream.py)."""
    return {
        "run": run_id,
        "status": page.status,
        "final": page.final,
        "events": s.RunEventSerializer(page.events, many=True).data,
        "next_after": page.next_after,
    }


@extend_schema_view(
    list=extend_schema(summary="List runs", parameters=WORKSPACE_PARAMS, responses={200: s.RunSerializer, **ERRORS}),
    retrieve=extend_schema(
        summary="Get a run with its steps",
        parameters=WORKSPACE_PARAMS,
        responses={
            200: s.RunDetailSerializer,
            304: OpenApiResponse(description="Not modified: the `If-None-Match` header named the run's current ETag."),
            **ERRORS,
        },
        description="Every answer carries an `ETag`; send it back in `If-None-Match` to get a 304 without a body "
        "while the run has not changed. A finished run's body is served from a cache (decision 0031).",
    ),
)
class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """Start runs, follow them, cancel them and decide on gated ones."""

    access = {
        "list": READ_RUNS, "retrieve": READ_RUNS, "events": READ_RUNS,
        "create": WRITE_RUNS, "cancel": WRITE_RUNS, "approve": APPROVE_RUNS, "reject": APPROVE_RUNS,
        "answer": WRITE_RUNS, "feedback": WRITE_RUNS, "follow_up": WRITE_RUNS, "thread": READ_RUNS,
        "batch": WRITE_RUNS,
    }  # fmt: skip
    filterset_class = RunFilterSet
    pagination_class = CreatedCursorPagination
    serializer_classes = {"retrieve": s.RunDetailSerializer, "create": s.RunCreateSerializer}

    def get_serializer_class(self):
        return self.serializer_classes.get(self.action, s.RunSerializer)

    def get_workspace_queryset(self, workspace):
        # No join for the version and agent: runs point at published versions, which each process memoises
        # (get_object and paginate_queryset attach them).
        runs = Run.objects.filter(workspace=workspace)
        if self.action == "retrieve":
            runs = runs.prefetch_related("steps")
        return runs

    def get_object(self) -> Run:
        run = run_attach_versions([super().get_object()])[0]
        return run_attach_input_request(run_attach_approvals(run)) if self.action == "retrieve" else run

    def prefetch_cache_keys(self, request) -> list[str]:
        """What this action reads from the cache first, fetched with the API key in one round trip (0031)."""
        if self.action == "retrieve":
            run_id = _uuid_or_none(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
            return run_body_cache_keys(run_id) if run_id is not None else []
        if self.action in ("create", "batch"):
            return [agent_cache_key(slug) for slug in _peek_agent_slugs(request)]
        return []

    def throttle_cost(self, request) -> int:
        """A batch counts against the rate limit as its items (at most the batch's maximum); anything else as one."""
        if self.action != "batch":
            return 1
        items = request.data.get("items") if isinstance(request.data, Mapping) else None
        return min(len(items), BATCH_MAX) if isinstance(items, list) and items else 1

    @extend_schema(
        summary="Start many runs",
        parameters=WORKSPACE_PARAMS,
        request=s.RunBatchSerializer,
        responses={200: s.RunBatchResponseSerializer, **ERRORS, **UNPROCESSABLE, **TOO_LARGE},
        examples=[
            OpenApiExample(
                "Two runs",
                request_only=True,
                value={
                    "items": [
                        {
                            "agent": "unit_economics",
                            "input": {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05},
                            "idempotency_key": "order-7-a",
                        },
                        {
                            "agent": "unit_economics",
                            "input": {"spend": 2000, "leads": 150, "conversion_rate": 0.2, "arpu": 40, "churn": 0.03},
                            "idempotency_key": "order-7-b",
                        },
                    ]
                },
            )
        ],
        description="Up to 100 run requests, each with its own `idempotency_key`. Each item is validated and "
        "budgeted as POST /runs would; the new runs are inserted in one transaction and sent to the workers in one "
        "publish. The answer is 200 whenever the request itself is valid, with one result per item, in order, whose "
        "`status` is what POST /runs would have answered for it alone: 201 (created), 200 (the earlier run of the "
        "same key and request: send a batch again safely), or a refusal (402, 409, 413, 422) with its `error`. "
        "Items are refused on their own, never the batch. A batch counts as its items against the rate limit. "
        "A request that breaks the schema (no items, more than 100, an item without a key) is a 400, and two items "
        "with one key a 422 `duplicate_idempotency_key` (a rule the schema cannot state); both start nothing "
        "(decision 0031).",
    )
    @action(detail=False, methods=["post"])
    def batch(self, request, *args, **kwargs):
        body = s.RunBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        keys = [item["idempotency_key"].strip() for item in body.validated_data["items"]]
        if len(set(keys)) != len(keys):
            repeated = sorted({key for key in keys if keys.count(key) > 1})
            raise UnprocessableError(
                "duplicate_idempotency_key",
                "Each item needs its own idempotency_key.",
                {"items": [f"Used by more than one item: {', '.join(repeated[:5])}."]},
            )
        earlier = prefetched(request)
        items = []
        for item in body.validated_data["items"]:
            slug = item["agent"]
            agent = None
            if s.is_agent_slug(slug):
                agent = agent_get_for_run(slug, cached=earlier.get(agent_cache_key(slug)))
            items.append(BatchItem(slug, agent, item["input"], item["idempotency_key"].strip()))
        results = run_create_batch(workspace=self.workspace, items=items, actor=self.actor)
        answers = []
        for index, result in enumerate(results):
            error = result.error
            answers.append(
                {
                    "index": index,
                    "status": result.status,
                    "run": s.RunSerializer(result.run).data if result.run is not None else None,
                    "error": error_body(error.code, error.message, error.error_fields()) if error else None,
                }
            )
        counts = {
            "created": sum(r.status == 201 for r in results),
            "existing": sum(r.status == 200 for r in results),
            "refused": sum(r.error is not None for r in results),
        }
        return Response({**counts, "results": answers})

    def retrieve(self, request, *args, **kwargs):
        # Authentication, the scope and the workspace were checked in initial(), on every request. A finished run's
        # body comes from the cache when it is there for this workspace (decision 0031); any other read goes
        # through the workspace's queryset, as before (another workspace's run is a 404).
        workspace_id = self.workspace.pk
        run_id = _uuid_or_none(kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        cached = None
        if run_id is not None:
            earlier = prefetched(request)  # read with the API key, when it was one (raptorflow/api/prefetch.py)
            found = earlier.values if earlier.asked.issuperset(run_body_cache_keys(run_id)) else None
            cached = run_body_cached(run_id, workspace_id, found=found)
        if cached is not None:
            etag, body = cached
        else:
            run = self.get_object()
            body = JSONRenderer().render(s.RunDetailSerializer(run).data)
            etag = body_etag(body)
            if run_body_cacheable(run):
                run_body_store(run, etag, body)
        if etag_matches(request.headers.get("If-None-Match", ""), etag):
            return HttpResponseNotModified(headers={"ETag": etag})
        return HttpResponse(body, content_type="application/json", headers={"ETag": etag})

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return run_attach_versions(page) if page is not None else None

    @extend_schema(
        summary="Start a run",
        parameters=[*WORKSPACE_PARAMS, IDEMPOTENCY_KEY],
        request=s.RunCreateSerializer,
        responses={
            201: s.RunSerializer,
            200: s.RunSerializer,
            **ERRORS,
            **UNPROCESSABLE,
            **CONFLICT,
            **BUDGET,
            **TOO_LARGE,
        },
        examples=[
            OpenApiExample(
                "Unit economics",
                request_only=True,
                value={
                    "agent": "unit_economics",
                    "input": {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05},
                },
            )
        ],
        description="201 with the new run; 200 with the earlier run when the same Idempotency-Key and body "
        "were sent before; 409 when the key was used with another body.",
    )
    def create(self, request, *args, **kwargs):
        body = s.RunCreateSerializer(data=request.data, context={"prefetched": prefetched(request)})
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": ["At most 255 characters."]})
        run, created = run_create(
            workspace=self.workspace,
            agent=body.validated_data["agent"],
            input=body.validated_data["input"],
            actor=self.actor,
            idempotency_key=key,
        )
        location = reverse("api:run-detail", kwargs={"pk": run.pk, "version": request.version})
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.RunSerializer(run).data, status=code, headers={"Location": location})

    @extend_schema(summary="Cancel a run", parameters=WORKSPACE_PARAMS, request=s.RunCancelSerializer,
                   examples=request_example("With a reason", {"reason": "Started with last quarter's numbers."}),
                   responses={202: s.RunSerializer, **ERRORS, **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        run = self.get_object()
        body = s.RunCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_cancel(run=run, actor=self.actor, reason=body.validated_data["reason"])
        return Response(s.RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="Approve a run awaiting approval", parameters=WORKSPACE_PARAMS,
                   request=s.RunDecisionSerializer, responses={200: s.RunSerializer, **ERRORS, **CONFLICT},
                   examples=request_example("With a comment", {"comment": "Checked against the CRM."}))  # fmt: skip
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decide(run_approve)

    @extend_schema(summary="Reject a run awaiting approval", parameters=WORKSPACE_PARAMS,
                   request=s.RunDecisionSerializer, responses={200: s.RunSerializer, **ERRORS, **CONFLICT},
                   examples=request_example("With a reason", {"comment": "Churn is monthly: rerun."}))  # fmt: skip
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        return self._decide(run_reject)

    @extend_schema(
        summary="Answer the questions a run waits on",
        parameters=WORKSPACE_PARAMS,
        request=s.RunAnswerSerializer,
        responses={200: s.RunSerializer, **ERRORS, **UNPROCESSABLE, **CONFLICT},
        examples=request_example("Answers by question key", {"answers": {"arpu": 99, "churn": 0.025}}),
        description="A run that lacks what it needs asks (status `awaiting_input`; its detail shows "
        "`input_request.questions`). Answer every required question by its key; each answer must match the "
        "question's schema (else 422 `invalid_answers` with the errors by key). The run then goes back to the "
        "queue and continues where it asked. 409 `not_awaiting_input` when it is not waiting.",
    )
    @action(detail=True, methods=["post"], url_path="input")
    def answer(self, request, *args, **kwargs):
        run = self.get_object()
        body = s.RunAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_answer(run=run, actor=self.actor, answers=body.validated_data["answers"])
        return Response(s.RunSerializer(run).data)

    @extend_schema(
        summary="Rate a run's output",
        parameters=WORKSPACE_PARAMS,
        request=s.RunFeedbackSerializer,
        responses={201: s.RunFeedbackSerializer, 200: s.RunFeedbackSerializer, **ERRORS, **UNPROCESSABLE},
        examples=request_example("Thumbs down", {"rating": "down", "comment": "The LTV ignores the 25 % COGS."}),
        description="Thumbs up or down on the output, with an optional comment. One rating per person (or API "
        "key) and run: rating again replaces it (200). Staff can turn a thumbs-down into an evaluation case.",
    )
    @action(detail=True, methods=["post"])
    def feedback(self, request, *args, **kwargs):
        run = self.get_object()
        body = s.RunFeedbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        feedback, created = feedback_set(run=run, actor=self.actor, **body.validated_data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.RunFeedbackSerializer(feedback).data, status=code)

    @extend_schema(
        summary="Follow up a run",
        parameters=[*WORKSPACE_PARAMS, IDEMPOTENCY_KEY],
        request=s.FollowUpSerializer,
        responses={201: s.RunSerializer, 200: s.RunSerializer, **ERRORS, **UNPROCESSABLE, **CONFLICT, **BUDGET},
        examples=[
            OpenApiExample(
                "Shorter, for LinkedIn",
                request_only=True,
                value={"instructions": "Make it shorter and end with a question.", "input": {"platform": "linkedin"}},
            )
        ],
        description="Starts a new run of the same agent version with the parent's input (and the given changes "
        "laid over it); the model sees the parent's input and output and the instructions. Only a run that "
        "succeeded can be followed up (409 not_succeeded). Without a model the instructions cannot be applied: "
        "the new run says so in a progress event (needs_model) and recomputes from the input alone.",
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, *args, **kwargs):
        parent = self.get_object()
        body = s.FollowUpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": ["At most 255 characters."]})
        run, created = run_follow_up(
            parent=parent,
            actor=self.actor,
            instructions=body.validated_data["instructions"],
            input_changes=body.validated_data["input"],
            idempotency_key=key,
        )
        run = run_attach_versions([run])[0]
        location = reverse("api:run-detail", kwargs={"pk": run.pk, "version": request.version})
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.RunSerializer(run).data, status=code, headers={"Location": location})

    @extend_schema(
        summary="A run's thread",
        parameters=WORKSPACE_PARAMS,
        responses={200: s.RunThreadSerializer, **ERRORS},
        description="The chain of follow-ups the run belongs to, from the first run on, oldest first.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def thread(self, request, *args, **kwargs):
        run = self.get_object()
        return Response({"runs": s.RunSerializer(run_attach_versions(run_thread(run)), many=True).data})

    def _decide(self, service):
        run = self.get_object()
        body = s.RunDecisionSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        service(run=run, actor=self.actor, comment=body.validated_data["comment"])
        return Response(s.RunSerializer(run).data)

    @extend_schema(
        summary="Follow a run's events",
        parameters=[*WORKSPACE_PARAMS, EventQuerySerializer],
        responses={200: s.RunEventPageSerializer, **ERRORS},
        description="Events after a sequence number, oldest first. Loop with `after=next_after` until `final` is "
        "true. With `wait`, the request is held until a new event arrives, the run finishes or the wait ends "
        "(long-poll). Waiting is served by the stream process (`uvicorn raptorflow.asgi:application`, to which "
        "the proxy routes `/api/v1/runs/*/events` and `/api/v1/runs/*/stream`); the API process never holds a "
        "request and answers at once, whatever `wait` says. The same stream is available as server-sent events "
        "at `…/stream`.",
    )
    @action(detail=True, methods=["get"])
    def events(self, request, *args, **kwargs):
        # Never waits: a sync worker held by one follower is a worker taken from every other request.
        # The stream process calls this action first and then does the waiting (agents/api/stream.py).
        run = self.get_object()
        query = EventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        # The status get_object() just read was read before the events: a final page still has the last event.
        page = run_events_after(run.pk, after=after, limit=limit, status=run.status)
        return Response(event_page_body(run.pk, page))


@extend_schema_view(
    list=extend_schema(summary="List agents", responses={200: s.AgentSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Get an agent", responses={200: s.AgentSerializer, **ERRORS}),
)
class AgentViewSet(viewsets.ReadOnlyModelViewSet):
    """The agent catalogue. Everybody signed in reads it (keys need agents:read)."""

    serializer_class = s.AgentSerializer
    permission_classes = [StaffOrReadOnly]
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"  # a slug, as agents/{agent_slug}/versions; anything else is a 404 at routing
    queryset = Agent.objects.order_by("slug").prefetch_related(
        Prefetch("versions", queryset=AgentVersion.objects.filter(status=VersionStatus.PUBLISHED))
    )
    pagination_class = None


@extend_schema_view(
    list=extend_schema(summary="List an agent's versions", responses={200: s.AgentVersionSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Get an agent version", responses={200: s.AgentVersionSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Edit a draft",
        responses={200: s.AgentVersionSerializer, **ERRORS, **CONFLICT},
        examples=request_example(
            "Another model chain",
            {
                "model_chain": [
                    {"provider": "openai", "model": "gpt-4o-mini"},
                    {"provider": "offline", "model": "offline-1"},
                ],
                "temperature": 0.2,
                "notes": "Try gpt-4o-mini first, offline as the fallback.",
            },
        ),
    ),
)
class AgentVersionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Versions of one agent. Staff create drafts from the latest version, edit them, and publish."""

    serializer_class = s.AgentVersionSerializer
    permission_classes = [StaffOrReadOnly]
    lookup_field = "number"
    lookup_value_regex = r"\d+"
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def list(self, request, *args, **kwargs):
        # An agent that does not exist has no versions to list: a 404, not an empty list (as for one version).
        slug = self.kwargs["agent_slug"]
        if not (s.is_agent_slug(slug) and Agent.objects.filter(slug=slug).exists()):
            raise NotFound()
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AgentVersion.objects.none()
        return (
            AgentVersion.objects.filter(agent__slug=self.kwargs["agent_slug"])
            .select_related("agent", "published_by")
            .prefetch_related("skills")
            .order_by("-number")
        )

    @extend_schema(summary="Create a draft from the latest version", request=s.AgentVersionSerializer,
                   responses={201: s.AgentVersionSerializer, **ERRORS},
                   examples=request_example("A draft with a note", {"notes": "Tighter system prompt.",
                                                                     "max_tokens": 2000}))  # fmt: skip
    def create(self, request, *args, **kwargs):
        agent = Agent.objects.filter(slug=self.kwargs["agent_slug"]).first()
        if agent is None:
            return Response({"code": "not_found", "message": "Not found."}, status=404)
        body = self.get_serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        draft = agentversion_create_draft(agent=agent, actor=actor_for(request), **body.validated_data)
        return Response(self.get_serializer(draft).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        if serializer.instance.status != VersionStatus.DRAFT:
            problem = "A published version cannot change; create a new draft."
            raise ConflictError("version_published", problem, {"status": [problem]})
        agentversion_update(version=serializer.instance, actor=actor_for(self.request), **serializer.validated_data)

    @extend_schema(
        summary="Publish a draft",
        description="Refused with 409 and a code when the version is not runnable (`version_not_runnable`) or the "
        "agent's gating dataset does not let it through (`eval_missing`, `eval_stale`, `eval_regression` with "
        "`errors.regressed_cases`). An owner may publish over the evaluation gate with `override_reason`.",
        request=s.AgentVersionPublishSerializer,
        responses={200: s.AgentVersionSerializer, **ERRORS, **PUBLISH_REFUSED},
        examples=request_example(
            "Owner override", {"override_reason": "big-spend fails on a rounding change we accept (ticket 812)."}
        ),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        version = self.get_object()
        body = s.AgentVersionPublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("override_reason", "")
        agentversion_publish(version=version, actor=actor_for(request), override_reason=reason)
        return Response(self.get_serializer(version).data)


class DispatchViewSet(WorkspaceScopedViewSet):
    """Route a free-text request to the right agent, and optionally start the run."""

    access = {"create": READ_AGENTS}
    serializer_class = s.DispatchSerializer

    def get_workspace_queryset(self, workspace):
        return Run.objects.none()

    def access_for(self, request):
        # Any JSON is parsed here, before validation: a body that is not an object (a list, a number) is the
        # serializer's 400 to report, not an AttributeError.
        data = getattr(request, "data", None)
        wants_run = isinstance(data, Mapping) and str(data.get("run", "")).lower() in {"true", "1"}
        return WRITE_RUNS if wants_run else READ_AGENTS

    @extend_schema(
        summary="Route a request (and optionally run it)",
        parameters=[*WORKSPACE_PARAMS, IDEMPOTENCY_KEY],
        request=s.DispatchSerializer,
        responses={
            200: s.RouteDecisionSerializer,
            201: s.RunSerializer,
            **ERRORS,
            **UNPROCESSABLE,
            **CONFLICT,
            **BUDGET,
            **TOO_LARGE,
        },
        examples=[
            OpenApiExample(
                "Route only", request_only=True, value={"text": "What are our CAC and LTV at 5% churn?", "run": False}
            )
        ],
        description="Returns the chosen agent, its confidence, the runner-ups and why. With `run: true` and an "
        "`input`, also starts a run of that agent (201). When no agent fits, `agent` is null with a "
        "`clarifying_question` that names the two closest agents, and nothing runs. With `run: true`, an "
        "`Idempotency-Key` works as for POST /runs: the same key and body return the earlier run (200, the run), "
        "another body with the same key is a 409.",
    )
    def create(self, request, *args, **kwargs):
        from agents.dispatcher import route_request
        from agents.runs.errors import IdempotencyConflictError

        body = s.DispatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 255:  # refused as the schema says, even when it is not used (run false)
            raise ValidationError({"Idempotency-Key": ["At most 255 characters."]})
        key = key if data["run"] else ""
        fingerprint = self._fingerprint(data) if key else ""
        if key and (earlier := self._dispatched_run(key, fingerprint)) is not None:
            return Response(s.RunSerializer(earlier).data, status=status.HTTP_200_OK)
        decision = route_request(data["text"], workspace=self.workspace, actor=self.actor)
        payload = decision.as_dict()
        if not data["run"] or decision.agent is None:
            return Response(s.RouteDecisionSerializer(payload).data)
        if key:
            payload["idempotency"] = {"request_sha256": fingerprint}
        try:
            run, created = run_create(
                workspace=self.workspace,
                agent=Agent.objects.get(slug=decision.agent),
                input=data.get("input", {}),
                actor=self.actor,
                idempotency_key=key,
                routing=payload,
            )
        except IdempotencyConflictError:
            # A request with the same key raced this one and was routed to another agent: the same body still
            # gets that run.
            earlier = self._dispatched_run(key, fingerprint)
            if earlier is None:
                raise
            run, created = earlier, False
        if not created and self._fingerprint_of(run) != fingerprint:
            raise IdempotencyConflictError("idempotency_conflict", self.CONFLICT)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.RunSerializer(run).data, status=code)

    CONFLICT = "This Idempotency-Key was already used with a different request; use a new key for a new run."

    @staticmethod
    def _fingerprint(data: Mapping[str, Any]) -> str:
        """The dispatch body a key stands for: its text and input (not the agent, which routing may choose anew)."""
        import hashlib
        import json

        canonical = json.dumps({"text": data["text"], "input": data.get("input", {})}, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @staticmethod
    def _fingerprint_of(run: Run) -> str:
        return str(((run.routing or {}).get("idempotency") or {}).get("request_sha256", ""))

    def _dispatched_run(self, key: str, fingerprint: str) -> Run | None:
        """The run an earlier dispatch with this key started, when the body is the same; a conflict when it is
        not (also when the key was used by POST /runs, whose body is another request)."""
        from agents.runs.errors import IdempotencyConflictError

        run = Run.objects.filter(workspace=self.workspace, idempotency_key=key).first()
        if run is not None and self._fingerprint_of(run) != fingerprint:
            raise IdempotencyConflictError("idempotency_conflict", self.CONFLICT)
        return run
