"""The audit trail over REST: read-only, newest first, filterable."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from raptorflow.accounts.models import Workspace
from raptorflow.api.access import READ_AUDIT
from raptorflow.api.pagination import IdCursorPagination
from raptorflow.api.schema import ERRORS, WORKSPACE_PARAMS
from raptorflow.api.viewsets import WorkspaceScopedViewSet
from raptorflow.audit.models import AuditEvent

from .filtersets import AuditEventFilterSet
from .serializers import AuditEventSerializer

_STAFF_NOTE = (
    "Needs the admin role (or a key with `audit:read`). A staff session that names no workspace "
    "(no X-Workspace, no ?workspace=) reads the events of every workspace and of the platform."
)


@extend_schema_view(
    list=extend_schema(
        summary="List audit events",
        description=_STAFF_NOTE,
        parameters=WORKSPACE_PARAMS,
        responses={200: AuditEventSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get an audit event",
        description=_STAFF_NOTE,
        parameters=WORKSPACE_PARAMS,
        responses={200: AuditEventSerializer, **ERRORS},
    ),
)
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """Who did what in the workspace. Append-only, so this endpoint only reads (writes are 405)."""

    access = {"list": READ_AUDIT, "retrieve": READ_AUDIT}
    staff_reads_all_workspaces = True
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    pagination_class = IdCursorPagination
    lookup_value_regex = r"\d+"

    def get_workspace_queryset(self, workspace: Workspace | None) -> QuerySet[AuditEvent]:
        events = AuditEvent.objects.select_related("workspace")
        return events if workspace is None else events.filter(workspace=workspace)
