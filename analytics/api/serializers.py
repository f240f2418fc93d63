from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils import timezone
from rest_framework import serializers

_MONEY = {"max_digits": 14, "decimal_places": 6}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class UsageQuerySerializer(serializers.Serializer):
    month = serializers.CharField(
        required=False, help_text="Calendar month in UTC as YYYY-MM; the current month when left out."
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
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost = serializers.DecimalField(**_MONEY)


class UsageSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM (UTC).")
    monthly_budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    spent = serializers.DecimalField(**_MONEY, help_text="Cost of the month's runs.")
    remaining = serializers.DecimalField(**_MONEY, help_text="Budget minus spent, never below zero.")
    runs = serializers.IntegerField()
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    by_agent = AgentUsageSerializer(many=True)
