"""Pipelines and pipeline runs over REST, and a run's follow-ups and thread (docs/decisions/0033-pipelines.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from agents.choices import VersionStatus
from agents.models import Pipeline, PipelineEvent, PipelineRun, PipelineVersion
from agents.pipelines.definition import DEFINITION_SCHEMA
from agents.pipelines.selectors import pipeline_event_page, step_rows
from agents.pipelines.services import (
    pipeline_cancel,
    pipeline_decide,
    pipeline_define,
    pipeline_publish,
    pipeline_run_start,
)
from raptorflow.api.access import APPROVE_RUNS, READ_AGENTS, READ_RUNS, WRITE_RUNS
from raptorflow.api.pagination import CreatedCursorPagination
from raptorflow.api.schema import BUDGET, CONFLICT, ERRORS, IDEMPOTENCY_KEY, UNPROCESSABLE, WORKSPACE_PARAMS
from raptorflow.api.serializers import (
    SharedFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    StrictSlugField,
)
from raptorflow.api.viewsets import WorkspaceScopedViewSet
from raptorflow.errors import ConflictError, UnprocessableError

from .views import EventQuerySerializer

# Defining a pipeline is starting runs in a new shape: a member's (or a key with runs:write) (decision 0033).
DEFINE_PIPELINES = WRITE_RUNS

GTM_EXAMPLE = {
    "pipeline": "go-to-market-plan",
    "input": {
        "industry": "practice management software for dental clinics",
        "naics_codes": ["621210"],
        "geography": "Germany",
        "price": {"amount": 149, "period": "month", "currency": "EUR"},
        "monthly_budget": 3000,
        "team_size": 2,
        "objective": "lead_generation",
        "campaign_budget": 10000,
        "start_date": "2027-03-01",
    },
}


# --- Serializers ---------------------------------------------------------------------------------------------


class PipelineVersionSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = PipelineVersion
        fields = ["number", "status", "input_schema", "steps", "budget", "notes", "created_at", "published_at"]
        read_only_fields = fields


class PipelineSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    owner = serializers.SerializerMethodField(help_text="platform (shipped or staff's) or workspace (its own).")
    live_version = serializers.SerializerMethodField(help_text="The version new runs use; null before a publish.")
    versions = serializers.SerializerMethodField(help_text="Every version, newest first: number, status, date.")

    class Meta:
        model = Pipeline
        fields = ["slug", "name", "description", "owner", "live_version", "versions", "created_at"]
        read_only_fields = fields

    def get_owner(self, pipeline: Pipeline) -> str:
        return "platform" if pipeline.workspace_id is None else "workspace"

    def get_live_version(self, pipeline: Pipeline) -> dict[str, Any] | None:
        live = next((v for v in _versions(pipeline) if v.status == VersionStatus.PUBLISHED), None)
        return PipelineVersionSerializer(live).data if live else None

    def get_versions(self, pipeline: Pipeline) -> list[dict[str, Any]]:
        return [{"number": v.number, "status": v.status, "published_at": v.published_at} for v in _versions(pipeline)]


def _versions(pipeline: Pipeline) -> list[PipelineVersion]:
    return sorted(pipeline.versions.all(), key=lambda v: -v.number)


class PipelineDefineSerializer(serializers.Serializer):
    slug = StrictSlugField(max_length=100)
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")
    input_schema = serializers.DictField(required=False, help_text="JSON Schema of the pipeline's input.")
    steps = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=DEFINITION_SCHEMA["maxItems"],
        help_text="The steps: {key, agent, input: {field: {from: pointer} | {const: value}}, after?, on_failure?, "
        "approval?, revise?}. Checked against the agents' schemas when saved (422 invalid_pipeline).",
    )
    budget = StrictDecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, help_text="USD per run, at most."
    )
    notes = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")
    publish = StrictBooleanField(default=False, help_text="Publish the new version at once.")


class PipelinePublishSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The draft's number.")


class PipelineStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    agent = serializers.CharField()
    status = serializers.CharField()
    on_failure = serializers.CharField()
    run = serializers.UUIDField(allow_null=True, help_text="The child run doing (or that did) the step's work.")
    run_status = serializers.CharField(allow_null=True)
    runs = serializers.ListField(child=serializers.UUIDField(), help_text="Every child run of the step, first first.")
    revisions = serializers.IntegerField()
    error_code = serializers.CharField()
    error_message = serializers.CharField()
    cost = serializers.DecimalField(max_digits=12, decimal_places=6, help_text="USD, every run of the step.")
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    duration_seconds = serializers.FloatField(
        allow_null=True, help_text="Working time of the step's runs (waits for people excluded)."
    )
    output = serializers.JSONField(allow_null=True, help_text="The step's output (detail only).", required=False)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class PipelineTotalsSerializer(serializers.Serializer):
    cost = serializers.DecimalField(max_digits=12, decimal_places=6, help_text="USD: the cost of the deliverable.")
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    duration_seconds = serializers.FloatField(allow_null=True, help_text="From start to the end (or now).")


class PipelineRunSerializer(serializers.Serializer):
    class Meta:  # what the workspace base view asks of its serializer when the schema is generated
        model = PipelineRun

    id = serializers.UUIDField()
    pipeline = serializers.CharField(source="version.pipeline.slug")
    pipeline_version = serializers.IntegerField(source="version.number")
    status = serializers.CharField()
    input = serializers.JSONField()
    error_code = serializers.CharField()
    error_message = serializers.CharField()
    budget = serializers.DecimalField(max_digits=12, decimal_places=6)
    spent = serializers.DecimalField(max_digits=12, decimal_places=6)
    reserved = serializers.DecimalField(max_digits=12, decimal_places=6)
    idempotency_key = serializers.CharField()
    steps = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    last_event_seq = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(PipelineStepSerializer(many=True))
    def get_steps(self, run: PipelineRun) -> Any:
        return PipelineStepSerializer(step_rows(run, outputs=self.context.get("outputs", False)), many=True).data

    @extend_schema_field(PipelineTotalsSerializer)
    def get_totals(self, run: PipelineRun) -> Any:
        rows = step_rows(run, outputs=False)
        end = run.finished_at or timezone.now()
        return PipelineTotalsSerializer(
            {
                "cost": sum((Decimal(str(r["cost"])) for r in rows), Decimal("0")),
                "tokens_in": sum(r["tokens_in"] for r in rows),
                "tokens_out": sum(r["tokens_out"] for r in rows),
                "duration_seconds": round((end - run.created_at).total_seconds(), 3),
            }
        ).data


class PipelineRunCreateSerializer(serializers.Serializer):
    pipeline = StrictSlugField(max_length=100)
    input = serializers.DictField(help_text="Must match the pipeline's input schema (GET /api/v1/pipelines/{slug}).")
    budget = StrictDecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False,
        help_text="USD all steps together may spend; at most (and by default) the version's budget.",
    )  # fmt: skip


class PipelineEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = PipelineEvent
        fields = ["sequence", "type", "data", "created_at"]
        read_only_fields = fields


class PipelineEventPageSerializer(serializers.Serializer):
    pipeline_run = serializers.UUIDField()
    status = serializers.CharField()
    final = serializers.BooleanField()
    events = PipelineEventSerializer(many=True)
    next_after = serializers.IntegerField()


# --- Views ---------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List pipelines",
        description="The platform's pipelines and the workspace's own, each with its live version.",
        parameters=WORKSPACE_PARAMS,
        responses={200: PipelineSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a pipeline", parameters=WORKSPACE_PARAMS, responses={200: PipelineSerializer, **ERRORS}
    ),
)
class PipelineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """Named, versioned graphs of agent steps: the platform's, and the workspace's own."""

    access = {"list": READ_AGENTS, "retrieve": READ_AGENTS, "create": DEFINE_PIPELINES, "publish": DEFINE_PIPELINES}
    serializer_class = PipelineSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    pagination_class = None

    def get_workspace_queryset(self, workspace):
        return (
            Pipeline.objects.filter(Q(workspace=None) | Q(workspace=workspace))
            .prefetch_related("versions")
            .order_by("slug", "workspace_id")
        )

    def get_object(self) -> Pipeline:
        # The workspace's own pipeline of a slug, else the platform's (a workspace cannot take a platform slug).
        found = self.get_queryset().filter(slug=self.kwargs["slug"]).order_by("workspace_id").first()
        if found is None:
            raise NotFound()
        return found

    @extend_schema(
        summary="Define a pipeline (a new draft version)",
        description="Creates the workspace's pipeline on first use, else its next version. The definition is "
        "checked against the agents' published schemas (422 invalid_pipeline with the problems by step). "
        "`publish: true` publishes it at once; published versions never change.",
        parameters=WORKSPACE_PARAMS,
        request=PipelineDefineSerializer,
        responses={201: PipelineSerializer, **ERRORS, **UNPROCESSABLE, **CONFLICT},
        examples=[
            OpenApiExample(
                "Post, then a check",
                request_only=True,
                value={
                    "slug": "checked-post",
                    "name": "Checked post",
                    "input_schema": {
                        "type": "object",
                        "required": ["topic"],
                        "properties": {"topic": {"type": "string", "maxLength": 300}},
                    },
                    "steps": [
                        {
                            "key": "draft",
                            "agent": "content_creator",
                            "input": {"type": {"const": "blog"}, "topic": {"from": "/input/topic"}},
                        },
                        {
                            "key": "check",
                            "agent": "quality_checker",
                            "input": {"content": {"from": "/steps/draft/output/content"}, "type": {"const": "blog"}},
                        },
                    ],
                    "publish": True,
                },
            )
        ],
    )  # fmt: skip
    def create(self, request, *args, **kwargs):
        body = PipelineDefineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if Pipeline.objects.filter(workspace=None, slug=data["slug"]).exists():
            raise ConflictError("slug_taken", f"'{data['slug']}' is a platform pipeline's slug; choose another.")
        version = pipeline_define(
            workspace=self.workspace, slug=data["slug"], name=data["name"], description=data["description"],
            input_schema=data.get("input_schema"), steps=data["steps"], budget=data.get("budget"),
            notes=data["notes"], actor=self.actor,
        )  # fmt: skip
        if data["publish"]:
            pipeline_publish(version=version, actor=self.actor)
        pipeline = self.get_queryset().get(pk=version.pipeline_id)
        return Response(PipelineSerializer(pipeline).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Publish a draft version",
        description="Checks the draft again and publishes it; new runs use it. Only the workspace's own pipelines "
        "(platform pipelines are published by staff in the admin).",
        parameters=WORKSPACE_PARAMS,
        request=PipelinePublishSerializer,
        responses={200: PipelineSerializer, **ERRORS, **UNPROCESSABLE, **CONFLICT},
        examples=[OpenApiExample("Version 2", request_only=True, value={"version": 2})],
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        pipeline = self.get_object()
        body = PipelinePublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if pipeline.workspace_id is None:
            raise NotFound()  # not the workspace's to publish
        version = pipeline.versions.filter(number=body.validated_data["version"]).first()
        if version is None:
            raise ValidationError({"version": ["No such version."]})
        pipeline_publish(version=version, actor=self.actor)
        return Response(PipelineSerializer(self.get_queryset().get(pk=pipeline.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="List pipeline runs", parameters=WORKSPACE_PARAMS, responses={200: PipelineRunSerializer, **ERRORS}
    ),
    retrieve=extend_schema(
        summary="Get a pipeline run with its steps, their outputs and costs",
        parameters=WORKSPACE_PARAMS,
        responses={200: PipelineRunSerializer, **ERRORS},
    ),
)
class PipelineRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """Start pipeline runs, follow them, cancel them and decide on steps held for approval."""

    access = {
        "list": READ_RUNS, "retrieve": READ_RUNS, "events": READ_RUNS, "create": WRITE_RUNS, "cancel": WRITE_RUNS,
        "approve": APPROVE_RUNS, "reject": APPROVE_RUNS,
    }  # fmt: skip
    serializer_class = PipelineRunSerializer
    pagination_class = CreatedCursorPagination

    def get_workspace_queryset(self, workspace):
        return (
            PipelineRun.objects.filter(workspace=workspace)
            .select_related("version__pipeline")
            .prefetch_related("steps")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "outputs": self.action == "retrieve"}

    @extend_schema(
        summary="Start a pipeline run",
        description="201 with the new run; 200 with the earlier one for a repeated Idempotency-Key. The steps "
        "start as their inputs are ready (steps that need nothing of each other run in parallel); follow them "
        "with …/events, …/stream or GET. Every step's paid model calls are held against the run's budget first.",
        parameters=[*WORKSPACE_PARAMS, IDEMPOTENCY_KEY],
        request=PipelineRunCreateSerializer,
        responses={201: PipelineRunSerializer, 200: PipelineRunSerializer, **ERRORS, **UNPROCESSABLE, **BUDGET},
        examples=[OpenApiExample("Go-to-market plan", request_only=True, value=GTM_EXAMPLE)],
    )
    def create(self, request, *args, **kwargs):
        body = PipelineRunCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": ["At most 255 characters."]})
        slug = body.validated_data["pipeline"]
        pipeline = (
            Pipeline.objects.filter(Q(workspace=None) | Q(workspace=self.workspace), slug=slug)
            .order_by("workspace_id")
            .first()
        )
        if pipeline is None:
            raise UnprocessableError(
                "pipeline_not_found", f"No pipeline '{slug}'.", {"pipeline": ["No such pipeline."]}
            )
        run, created = pipeline_run_start(
            workspace=self.workspace, pipeline=pipeline, input=body.validated_data["input"], actor=self.actor,
            budget=body.validated_data.get("budget"), idempotency_key=key,
        )  # fmt: skip
        run = self.get_queryset().get(pk=run.pk)
        location = reverse("api:pipeline-run-detail", kwargs={"pk": run.pk, "version": request.version})
        return Response(
            PipelineRunSerializer(run, context={"outputs": False}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": location},
        )

    @extend_schema(
        summary="Cancel a pipeline run",
        description="Cancels every step still running (a running step stops before its next step) or waiting.",
        parameters=WORKSPACE_PARAMS,
        request=None,
        responses={202: PipelineRunSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        run = pipeline_cancel(run=self.get_object(), actor=self.actor, reason="Cancelled through the API.")
        return Response(PipelineRunSerializer(self.get_queryset().get(pk=run.pk)).data, status=202)

    @extend_schema(
        summary="Approve the step held for approval",
        description="Never by the person or key that started the pipeline run (403 self_approval).",
        parameters=WORKSPACE_PARAMS,
        request=None,
        responses={200: PipelineRunSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decide(approve=True)

    @extend_schema(
        summary="Reject the step held for approval",
        parameters=WORKSPACE_PARAMS,
        request=None,
        responses={200: PipelineRunSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        return self._decide(approve=False)

    def _decide(self, *, approve: bool) -> Response:
        run = pipeline_decide(run=self.get_object(), actor=self.actor, approve=approve)
        return Response(PipelineRunSerializer(self.get_queryset().get(pk=run.pk)).data)

    @extend_schema(
        summary="Follow a pipeline run's events",
        description="The pipeline's stream: its status changes, step markers (`step`: key, status, run) and "
        "every child run's events (`run`: step, run, run_sequence, type, data), in one sequence. Loop with "
        "`after=next_after` until `final`. `wait` holds the request on the stream process (as for runs).",
        parameters=[*WORKSPACE_PARAMS, EventQuerySerializer],
        responses={200: PipelineEventPageSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def events(self, request, *args, **kwargs):
        run = self.get_object()
        query = EventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = pipeline_event_page(run.pk, run.status, **query.validated_data)
        return Response({**page, "events": PipelineEventSerializer(page["events"], many=True).data})
