"""A workspace's schedules through the API: list, create, read, change, delete, pause and resume them. Each
answer shows the next five fire times in the workspace's time zone. Scoped by the base viewset to the caller's
workspace; reading needs schedules:read (viewer), writing schedules:write (member). Decision 0030."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from agents.api.evals import EnabledAgentField
from agents.models import Agent, Pipeline, Schedule
from raptorflow.api.access import READ_SCHEDULES, WRITE_SCHEDULES
from raptorflow.api.schema import ERRORS, UNPROCESSABLE, WORKSPACE_PARAMS
from raptorflow.api.serializers import StrictCharField, StrictChoiceField, StrictModelSerializer, StrictSlugField
from raptorflow.api.viewsets import WorkspaceScopedViewSet

from .choices import MissedFirePolicy, ScheduleTarget
from .selectors import UPCOMING, schedule_list, schedule_upcoming
from .services import (
    ScheduleError,
    schedule_create,
    schedule_delete,
    schedule_pause,
    schedule_resume,
    schedule_update,
)

CRON_HELP = (
    "Five fields — minute hour day-of-month month day-of-week — evaluated in the workspace's time zone, e.g. "
    "`0 9 * * MON-FRI` (09:00 on weekdays) or `*/15 * * * *`."
)
POLICY_HELP = (
    "Fire times that passed while nothing was ticking (beat down): `skip` drops them, `run_once` starts one run for "
    "all of them. A fire time reached within RAPTORFLOW_SCHEDULE_GRACE_SECONDS (120) is on time either way."
)


class ScheduleSerializer(StrictModelSerializer):
    agent = EnabledAgentField(
        slug_field="slug",
        queryset=Agent.objects.filter(enabled=True),
        required=False,
        allow_null=True,
        help_text="The agent's slug (target kind agent).",
    )
    pipeline = StrictSlugField(
        source="pipeline.slug",
        required=False,
        allow_null=True,
        help_text="The pipeline's slug, the workspace's own or the platform's (target kind pipeline).",
    )
    input = serializers.DictField(
        help_text="The fixed input of every run; must match the agent's (or the pipeline's) input schema."
    )
    # Checked by the service: an expression the schema cannot describe is a 422 invalid_cron (decision 0025).
    cron = StrictCharField(max_length=200, help_text=CRON_HELP)
    missed_fire_policy = StrictChoiceField(
        choices=MissedFirePolicy.choices, default=MissedFirePolicy.SKIP, help_text=POLICY_HELP
    )
    target_kind = StrictChoiceField(
        choices=ScheduleTarget.choices, default=ScheduleTarget.AGENT, help_text="What the schedule starts."
    )
    timezone = serializers.CharField(source="workspace.timezone", read_only=True, help_text="The workspace's zone.")
    next_fire_times = serializers.SerializerMethodField(
        help_text=f"The next {UPCOMING} fire times, in the workspace's time zone; empty while paused."
    )

    class Meta:
        model = Schedule
        fields = [
            "id", "name", "target_kind", "agent", "pipeline", "input", "cron", "timezone", "paused",
            "missed_fire_policy", "next_fire_at", "next_fire_times", "last_fired_at", "last_run", "last_pipeline_run",
            "last_error", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "timezone", "next_fire_at", "next_fire_times", "last_fired_at", "last_run", "last_pipeline_run",
            "last_error", "created_at", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {"paused": {"help_text": "Create it paused; afterwards use …/pause and …/resume."}}

    @extend_schema_field(serializers.ListField(child=serializers.DateTimeField()))
    def get_next_fire_times(self, schedule: Schedule) -> list[str]:
        return [moment.isoformat() for moment in schedule_upcoming(schedule)]


class ScheduleUpdateSerializer(ScheduleSerializer):
    """What PATCH may change: pausing has its own actions, and the target kind stays."""

    class Meta(ScheduleSerializer.Meta):
        read_only_fields = [*ScheduleSerializer.Meta.read_only_fields, "paused", "target_kind"]


EXAMPLE = OpenApiExample(
    "Weekly unit economics",
    request_only=True,
    value={
        "name": "Monday unit economics",
        "agent": "unit_economics",
        "input": {"spend": 12000, "leads": 600, "conversion_rate": 0.04, "arpu": 99, "churn": 0.025},
        "cron": "0 9 * * MON",
        "missed_fire_policy": "run_once",
    },
)
SCHEDULE_422 = (
    "422 when the rules refuse it: `agent_not_found`, `agent_unavailable`, `invalid_input` (the input does not "
    "match the agent's input schema; the problems under `errors.input`), `invalid_cron`, `name_taken`, "
    "`schedule_limit`."
)


@extend_schema(parameters=WORKSPACE_PARAMS)
@extend_schema_view(
    list=extend_schema(
        summary="List the workspace's schedules",
        description="Every schedule of the workspace with its next five fire times.",
        responses={200: ScheduleSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="Get a schedule", responses={200: ScheduleSerializer, **ERRORS}),
    destroy=extend_schema(
        summary="Delete a schedule",
        description="The runs it started stay; their `schedule` link is cleared.",
        responses={204: None, **ERRORS},
    ),
)
class ScheduleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, WorkspaceScopedViewSet
):
    """Schedules run an agent's published version with a fixed input on a cron, in the workspace's time zone.
    Each fire time starts one run (its idempotency key is the schedule and the fire time), started by the system
    on the schedule's behalf; the run's `schedule` names it."""

    access = {
        "list": READ_SCHEDULES, "retrieve": READ_SCHEDULES,
        "create": WRITE_SCHEDULES, "partial_update": WRITE_SCHEDULES, "destroy": WRITE_SCHEDULES,
        "pause": WRITE_SCHEDULES, "resume": WRITE_SCHEDULES,
    }  # fmt: skip
    serializer_class = ScheduleSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_workspace_queryset(self, workspace):
        return schedule_list(workspace)

    @extend_schema(
        summary="Create a schedule",
        request=ScheduleSerializer,
        responses={201: ScheduleSerializer, **ERRORS, **UNPROCESSABLE},
        examples=[EXAMPLE],
        description="The input is checked against the agent's published version now, and again at every fire "
        "time (a firing that cannot start its run records why in `last_error`). " + SCHEDULE_422,
    )
    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        body = ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        schedule = schedule_create(workspace=self.workspace, actor=self.actor, **self._target(body.validated_data))
        return Response(ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a schedule",
        request=ScheduleUpdateSerializer,
        responses={200: ScheduleSerializer, **ERRORS, **UNPROCESSABLE},
        examples=[OpenApiExample("Every weekday at 08:30", request_only=True, value={"cron": "30 8 * * 1-5"})],
        description="Name, agent, input, cron or missed-fire policy. A new cron is planned from now. " + SCHEDULE_422,
    )
    def partial_update(self, request, *args: Any, **kwargs: Any) -> Response:
        schedule = self.get_object()
        body = ScheduleUpdateSerializer(schedule, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        schedule = schedule_update(schedule=schedule, actor=self.actor, **self._target(body.validated_data))
        return Response(ScheduleSerializer(schedule).data)

    def _target(self, data: dict[str, Any]) -> dict[str, Any]:
        """The pipeline named by slug: the workspace's own, else the platform's (422 pipeline_not_found)."""
        if "pipeline" not in data:
            return data
        named = (data.pop("pipeline") or {}).get("slug")
        found = None
        if named:
            found = (
                Pipeline.objects.filter(Q(workspace=None) | Q(workspace=self.workspace), slug=named)
                .order_by("workspace_id")
                .first()
            )
            if found is None:
                raise ScheduleError(
                    "pipeline_not_found", f"No pipeline '{named}'.", {"pipeline": ["No such pipeline."]}
                )
        return {**data, "pipeline": found}

    def perform_destroy(self, instance: Schedule) -> None:
        schedule_delete(schedule=instance, actor=self.actor)

    @extend_schema(
        summary="Pause a schedule",
        request=None,
        responses={200: ScheduleSerializer, **ERRORS},
        description="It fires no more until resumed. Pausing a paused schedule changes nothing.",
    )
    @action(detail=True, methods=["post"])
    def pause(self, request, *args: Any, **kwargs: Any) -> Response:
        schedule = schedule_pause(schedule=self.get_object(), actor=self.actor)
        return Response(ScheduleSerializer(schedule).data)

    @extend_schema(
        summary="Resume a paused schedule",
        request=None,
        responses={200: ScheduleSerializer, **ERRORS},
        description="It fires again from its next fire time after now: fire times passed while paused are not "
        "made up (the missed-fire policy is for time lost to an outage, not to a pause).",
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, *args: Any, **kwargs: Any) -> Response:
        schedule = schedule_resume(schedule=self.get_object(), actor=self.actor)
        return Response(ScheduleSerializer(schedule).data)
