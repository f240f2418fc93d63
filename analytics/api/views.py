"""A workspace's usage for one calendar month (spend against budget, runs and tokens, per agent), and its
analytics over a range of days: the admin dashboard's figures for its own workspace."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from agents.choices import RunStatus
from agents.models import Run
from analytics.models import DailyRollup
from analytics.selectors import dashboard_data
from analytics.services import rollup_today_if_stale
from raptorflow.accounts.models import Workspace
from raptorflow.api.access import READ_WORKSPACE
from raptorflow.api.schema import ERRORS, UNPROCESSABLE, WORKSPACE_PARAMS
from raptorflow.api.viewsets import WorkspaceScopedViewSet

from .serializers import AnalyticsQuerySerializer, AnalyticsSerializer, UsageQuerySerializer, UsageSerializer

FAILED_STATES = (RunStatus.FAILED, RunStatus.TIMED_OUT, RunStatus.BUDGET_EXCEEDED)
_TOKENS = ("tokens_in", "tokens_out", "cached_tokens_in", "cache_write_tokens")
_TOTALS = ("runs", *_TOKENS, "cost")


class UsageViewSet(WorkspaceScopedViewSet):
    """One GET: `retrieve` without an id, so the schema shows one object rather than a list."""

    access = {"retrieve": READ_WORKSPACE}
    serializer_class = UsageSerializer
    pagination_class = None

    def get_workspace_queryset(self, workspace: Workspace) -> QuerySet[Run]:
        return Run.objects.filter(workspace=workspace, evaluation=False)  # experiments' cases are not usage

    @extend_schema(
        summary="Usage and spend for a month",
        parameters=[*WORKSPACE_PARAMS, UsageQuerySerializer],
        responses={200: UsageSerializer, **ERRORS},
        description="Runs created in the month (UTC), their tokens (input, of which read from and written to a "
        "prompt cache, and output) and cost, against the monthly budget, in total and per agent.",
    )
    def retrieve(self, request, *args: Any, **kwargs: Any) -> Response:
        query = UsageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.month_start()
        by_agent = usage_by_agent(self.get_queryset(), start=start, end=_next_month(start))
        return Response(UsageSerializer(_usage(self.workspace, start, by_agent)).data)


class AnalyticsViewSet(WorkspaceScopedViewSet):
    """One GET: the dashboard figures for the caller's workspace only (the base class resolves and checks it)."""

    access = {"retrieve": READ_WORKSPACE}
    serializer_class = AnalyticsSerializer
    pagination_class = None

    def get_workspace_queryset(self, workspace: Workspace) -> QuerySet[DailyRollup]:
        return DailyRollup.objects.filter(workspace=workspace)

    @extend_schema(
        summary="Analytics for a range of days",
        parameters=[*WORKSPACE_PARAMS, AnalyticsQuerySerializer],
        responses={200: AnalyticsSerializer, **ERRORS, **UNPROCESSABLE},
        description="The workspace's runs that finished in the UTC days start … end (at most 366; the last 30 by "
        "default): per day and in total the runs, success rate, duration and queue-wait percentiles "
        "(nearest rank), tokens (input, of which read from and written to a prompt cache, and output), cost, "
        "LLM cache hit rate, provider errors and fallbacks; cost by agent; the most frequent error codes. "
        "Counts come from rollups refreshed every 10 minutes, and today's at most a minute old when the range "
        "includes it.",
    )
    def retrieve(self, request, *args: Any, **kwargs: Any) -> Response:
        query = AnalyticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rollup_today_if_stale(end=query.validated_data["end"], workspace=self.workspace)
        data = dashboard_data(**query.validated_data, workspace=self.workspace)
        return Response(AnalyticsSerializer(data).data)


def usage_by_agent(runs: QuerySet[Run], *, start: datetime, end: datetime) -> list[Mapping[str, Any]]:
    """One grouped query: per agent, the runs created in [start, end) with their outcomes, tokens and cost."""
    rows = (
        runs.filter(created_at__gte=start, created_at__lt=end)
        .values(agent=F("agent_version__agent__slug"))
        .annotate(
            runs=Count("id"),
            succeeded=Count("id", filter=Q(status=RunStatus.SUCCEEDED)),
            failed=Count("id", filter=Q(status__in=FAILED_STATES)),
            **{name: Sum(name) for name in _TOKENS},
            cost=Sum("cost"),
        )
        .order_by("agent")
    )
    return list(rows)


def _usage(workspace: Workspace, start: datetime, by_agent: list[Mapping[str, Any]]) -> dict[str, Any]:
    totals = {name: sum((row[name] for row in by_agent), Decimal(0) if name == "cost" else 0) for name in _TOTALS}
    return {
        "month": f"{start:%Y-%m}",
        "monthly_budget": workspace.monthly_budget,
        "spent": totals["cost"],
        "remaining": max(workspace.monthly_budget - totals["cost"], Decimal(0)),
        "runs": totals["runs"],
        **{name: totals[name] for name in _TOKENS},
        "by_agent": by_agent,
    }


def _next_month(start: datetime) -> datetime:
    return start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
