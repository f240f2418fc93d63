"""Reads for webhooks, always within one workspace."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Delivery, Endpoint


def endpoint_list(workspace: Any) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(workspace=workspace)


def delivery_list(workspace: Any) -> QuerySet[Delivery]:
    return Delivery.objects.filter(endpoint__workspace=workspace).select_related("message", "endpoint")
