"""Webhooks' part of a workspace export and deletion (raptorflow/accounts/rights.py): endpoints, never secrets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from raptorflow.accounts.models import Workspace
from raptorflow.accounts.rights import EXPORT_ROW_CHUNK, cascade_register, export_row, export_section_register

from .models import Delivery, Endpoint, Message

ENDPOINT_FIELDS = (
    "id", "url", "description", "event_types", "active", "disabled_reason", "disabled_at", "created_at",
)  # fmt: skip


def _endpoints(workspace: Workspace) -> Iterator[dict[str, Any]]:
    for endpoint in Endpoint.objects.filter(workspace=workspace).order_by("pk").iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield export_row(endpoint, ENDPOINT_FIELDS)


def register_data_rights() -> None:
    export_section_register("webhook_endpoints", _endpoints, order=50)
    cascade_register("webhook_endpoints", Endpoint, "workspace", order=80)
    cascade_register("webhook_messages", Message, "workspace", order=81)
    cascade_register("webhook_deliveries", Delivery, "endpoint__workspace", order=82)
