from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TypedDict

from django.utils import timezone
from rest_framework import serializers

from analytics.selectors import default_range, default_start, range_problem
from raptorflow.api.serializers import QuerySerializer
from raptorflow.errors import UnprocessableError


class _MoneyOptions(TypedDict):
    max_digits: int
    decimal_places: int


_MONEY: _MoneyOptions = {"max_digits": 14, "decimal_places": 6}
_MONTH = re.compile(r"^([1-9]\d{3})-(0[1-9]|1[0-2])$")
_TOKENS_IN = "Input tokens, including those read from and written to a prompt cache."
_CACHED = "Of tokens_in, those read from a provider's prompt cache (priced at the cached-input rate)."
_CACHE_WRITES = "Of tokens_in, those written to a provider's prompt cache (priced at the cache-write rate)."


class UsageQuerySerializer(QuerySerializer):
    month = serializers.RegexField(
        _MONTH,
        required=False,
        help_text="Calendar month in UTC as YYYY-MM; the current month when left out.",
        error_messages={"invalid": "Use YYYY-MM, e.g. 2025-03."},
    )

    def validate_month(self, value: str) -> datetime:
        match = _MONTH.match(value)
        if match is None:
            raise serializers.ValidationError("Use YYYY-MM, e.g. 2025-03.")
        return datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)

    def month_start(self) -> datetime:
        """The first instant of the requested month (UTC)."""
        default = timezone.now().astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        return self.validated_data.get("month", default)


class AgentUsageSerializer(serializers.Serializer):
    agent = serializers.CharField(help_text="Agent slug.")
    runs = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Runs that ended failed, timed out or over budget.")
    tokens_in = serializers.IntegerField(help_text=_TOKENS_IN)
    tokens_out = serializers.IntegerField()
    cached_tokens_in = serializers.IntegerField(help_text=_CACHED)
    cache_write_tokens = serializers.IntegerField(help_text=_CACHE_WRITES)
    cost = serializers.DecimalField(**_MONEY)


class UsageSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM (UTC).")
    monthly_budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    spent = serializers.DecimalField(**_MONEY, help_text="Cost of the month's runs.")
    remaining = serializers.DecimalField(**_MONEY, help_text="Budget minus spent, never below zero.")
    runs = serializers.IntegerField()
    tokens_in = serializers.IntegerField(help_text=_TOKENS_IN)
    tokens_out = serializers.IntegerField()
    cached_tokens_in = serializers.IntegerField(help_text=_CACHED)
    cache_write_tokens = serializers.IntegerField(help_text=_CACHE_WRITES)
    by_agent = AgentUsageSerializer(many=True)


class AnalyticsQuerySerializer(QuerySerializer):
    start = serializers.DateField(
        required=False, help_text="First UTC day, YYYY-MM-DD; 29 days before `end` when left out."
    )
    end = serializers.DateField(required=False, help_text="Last UTC day (inclusive), YYYY-MM-DD; today when left out.")

    def validate(self, attrs: dict) -> dict:
        end = attrs.get("end") or default_range()[1]
        start = attrs.get("start") or default_start(end)
        if problem := range_problem(start, end):
            # Schema-valid dates the dashboard does not serve (before or after the dates it knows, start after end,
            # longer than MAX_RANGE_DAYS): a 422 with its own code, not a malformed request (decision 0025).
            raise UnprocessableError("invalid_range", problem, {"start": [problem]})
        return {"start": start, "end": end}


class AnalyticsFiguresSerializer(serializers.Serializer):
    """Sums from the daily rollups, rates recomputed from them, percentiles recomputed from the runs."""

    runs = serializers.IntegerField(help_text="Runs that finished (any final state).")
    succeeded = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True, help_text="succeeded / runs, 0–1; null with no runs.")
    cost = serializers.DecimalField(**_MONEY)
    tokens_in = serializers.IntegerField(help_text=_TOKENS_IN)
    tokens_out = serializers.IntegerField()
    cached_tokens_in = serializers.IntegerField(help_text=_CACHED)
    cache_write_tokens = serializers.IntegerField(help_text=_CACHE_WRITES)
    llm_calls = serializers.IntegerField()
    cache_hits = serializers.IntegerField()
    cache_hit_rate = serializers.FloatField(allow_null=True, help_text="cache_hits / llm_calls, 0–1.")
    provider_errors = serializers.IntegerField(help_text="Failed LLM calls (a provider gave up after retries).")
    fallbacks = serializers.IntegerField(help_text="LLM calls answered by the next provider after one failed.")
    duration_p50_ms = serializers.IntegerField(allow_null=True, help_text="Nearest-rank percentile.")
    duration_p95_ms = serializers.IntegerField(allow_null=True)
    duration_p99_ms = serializers.IntegerField(allow_null=True)
    queue_wait_p50_ms = serializers.IntegerField(allow_null=True)
    queue_wait_p95_ms = serializers.IntegerField(allow_null=True)


class AnalyticsDaySerializer(AnalyticsFiguresSerializer):
    day = serializers.DateField(help_text="UTC day the runs finished on.")


class AgentCostSerializer(serializers.Serializer):
    agent = serializers.CharField(help_text="Agent slug.")
    name = serializers.CharField()
    runs = serializers.IntegerField()
    cost = serializers.DecimalField(**_MONEY)


class WorkspaceCostSerializer(serializers.Serializer):
    workspace = serializers.CharField(help_text="Workspace slug.")
    name = serializers.CharField()
    runs = serializers.IntegerField()
    cost = serializers.DecimalField(**_MONEY)


class ErrorCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The run's error code.")
    count = serializers.IntegerField()


class VersionRatingsSerializer(serializers.Serializer):
    agent = serializers.CharField(help_text="Agent slug.")
    version = serializers.IntegerField(help_text="The agent version's number.")
    up = serializers.IntegerField(help_text="Thumbs up on its runs' outputs.")
    down = serializers.IntegerField(help_text="Thumbs down.")


class AnalyticsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    workspace = serializers.CharField(help_text="Workspace slug.")
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the newest rollup in the range was computed (they refresh every 10 min)."
    )
    totals = AnalyticsFiguresSerializer()
    daily = AnalyticsDaySerializer(many=True, help_text="Every day of the range, days without runs included.")
    cost_by_agent = AgentCostSerializer(many=True)
    cost_by_workspace = WorkspaceCostSerializer(many=True)
    top_errors = ErrorCountSerializer(many=True, help_text="The ten most frequent error codes.")
    ratings_by_version = VersionRatingsSerializer(
        many=True, help_text="People's ratings of the period's finished runs, per agent version (POST …/feedback)."
    )
