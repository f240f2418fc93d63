"""A workspace's own evaluation datasets through the API (decision 0024): list, create, read and delete them,
import and export their cases as JSONL, and add a run of the workspace as a case. Scoped by the base viewset to
the caller's workspace; reading needs runs:read (viewer), writing runs:write (member)."""

from __future__ import annotations

import json

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from agents.api.serializers import agent_not_found, is_agent_slug
from agents.evals.datasets import case_from_run, dataset_create, dataset_delete, dataset_export_lines, dataset_import
from agents.evals.errors import EvalError
from agents.models import Agent, EvalCase, EvalDataset, Run
from raptorflow.api.access import READ_RUNS, WRITE_RUNS
from raptorflow.api.schema import ERRORS, UNPROCESSABLE, WORKSPACE_PARAMS, request_example
from raptorflow.api.serializers import StrictCharField, StrictModelSerializer
from raptorflow.api.viewsets import WorkspaceScopedViewSet

MAX_JSONL_CHARS = 2_000_000

IMPORT_EXAMPLE = "".join(
    json.dumps(case) + "\n"
    for case in [
        {
            "name": "saas-at-5pct-churn",
            "input": {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05},
            "graders": [{"kind": "equals", "path": "cac", "value": 100}],
        },
        {
            "name": "big-spend",
            "input": {"spend": 120000, "leads": 600, "conversion_rate": 0.04, "arpu": 99, "churn": 0.025},
            "graders": [{"kind": "equals", "path": "verdict", "value": "unhealthy"}],
        },
    ]
)


class EnabledAgentField(serializers.SlugRelatedField):
    """An enabled agent by slug: anything but a string is a 400, a string that names none a 422 (decision 0025)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        agent = Agent.objects.filter(enabled=True, slug=data).first() if is_agent_slug(data) else None
        if agent is None:
            raise agent_not_found(data)
        return agent


class EvalDatasetSerializer(StrictModelSerializer):
    agent = EnabledAgentField(slug_field="slug", queryset=Agent.objects.filter(enabled=True))
    case_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = EvalDataset
        fields = ["id", "agent", "name", "description", "revision", "case_count", "created_at", "updated_at"]
        read_only_fields = ["id", "revision", "case_count", "created_at", "updated_at"]


class EvalImportSerializer(serializers.Serializer):
    jsonl = StrictCharField(max_length=MAX_JSONL_CHARS, help_text="One case per line (name, input, …).")
    replace = serializers.BooleanField(default=False, help_text="Remove the cases the JSONL does not name.")


class EvalImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()


class EvalExportSerializer(serializers.Serializer):
    jsonl = serializers.CharField()


class EvalCaseFromRunSerializer(serializers.Serializer):
    run = serializers.UUIDField()
    name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    rubric = StrictCharField(max_length=4000, required=False, allow_blank=True, default="")


class EvalCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvalCase
        fields = ["id", "name", "input", "foundation", "graders", "rubric", "reference_output", "created_at"]
        read_only_fields = fields


@extend_schema(parameters=WORKSPACE_PARAMS)
@extend_schema_view(
    list=extend_schema(summary="List the workspace's datasets", responses={200: EvalDatasetSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Get a dataset", responses={200: EvalDatasetSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a dataset and its cases", responses={204: None, **ERRORS}),
)
class EvalDatasetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, WorkspaceScopedViewSet
):
    """The workspace's own evaluation datasets (platform datasets are staff's, in the admin)."""

    access = {
        "list": READ_RUNS, "retrieve": READ_RUNS, "export": READ_RUNS,
        "create": WRITE_RUNS, "destroy": WRITE_RUNS, "import_jsonl": WRITE_RUNS, "case_from_run": WRITE_RUNS,
    }  # fmt: skip
    serializer_class = EvalDatasetSerializer

    def get_workspace_queryset(self, workspace):
        datasets = EvalDataset.objects.filter(workspace=workspace).select_related("agent")
        return datasets.annotate(case_count=Count("cases")).order_by("agent__slug", "name")

    @extend_schema(
        summary="Create a dataset",
        request=EvalDatasetSerializer,
        responses={201: EvalDatasetSerializer, **ERRORS, **UNPROCESSABLE},
        examples=request_example(
            "Gate for unit economics",
            {"agent": "unit_economics", "name": "gate", "description": "Spends and churns we quote to customers."},
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        dataset = dataset_create(
            agent=data["agent"], name=data["name"], description=data.get("description", ""),
            workspace=self.workspace, actor=self.actor,
        )  # fmt: skip
        dataset.case_count = 0  # type: ignore[attr-defined]
        return Response(self.get_serializer(dataset).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        dataset_delete(dataset=instance, actor=self.actor)

    @extend_schema(summary="Import cases from JSONL", request=EvalImportSerializer,
                   responses={200: EvalImportResultSerializer, **ERRORS, **UNPROCESSABLE},
                   examples=request_example("Two cases", {"jsonl": IMPORT_EXAMPLE, "replace": False}))  # fmt: skip
    @action(detail=True, methods=["post"], url_path="import")
    def import_jsonl(self, request, *args, **kwargs):
        dataset = self.get_object()
        body = EvalImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        counts = dataset_import(dataset=dataset, actor=self.actor, text=body.validated_data["jsonl"],
                                replace=body.validated_data["replace"])  # fmt: skip
        return Response(EvalImportResultSerializer(counts).data)

    @extend_schema(summary="Export the cases as JSONL", responses={200: EvalExportSerializer, **ERRORS})
    @action(detail=True, methods=["get"])
    def export(self, request, *args, **kwargs):
        dataset = self.get_object()
        return Response({"jsonl": "".join(f"{line}\n" for line in dataset_export_lines(dataset))})

    @extend_schema(
        summary="Add a run of this workspace as a case (its output the reference)",
        request=EvalCaseFromRunSerializer,
        responses={201: EvalCaseSerializer, **ERRORS, **UNPROCESSABLE},
        examples=request_example(
            "A run worth keeping",
            {
                "run": "0b7f3c1e-5a52-4c1b-9d0e-6f1a2b3c4d5e",
                "name": "saas-at-5pct-churn",
                "rubric": "States CAC and LTV, and calls a ratio under 3 unhealthy.",
            },
        ),
    )
    @action(detail=True, methods=["post"], url_path="cases-from-run")
    def case_from_run(self, request, *args, **kwargs):
        dataset = self.get_object()
        body = EvalCaseFromRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = Run.objects.filter(pk=body.validated_data["run"], workspace=self.workspace).first()
        if run is None:  # another workspace's run is as unknown as a missing one
            raise EvalError("run_not_found", "No run of this workspace has that id.", {"run": ["not found"]})
        case = case_from_run(run=run, dataset=dataset, actor=self.actor, name=body.validated_data["name"],
                             rubric=body.validated_data["rubric"])  # fmt: skip
        return Response(EvalCaseSerializer(case).data, status=status.HTTP_201_CREATED)
