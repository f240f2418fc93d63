"""The base for every workspace endpoint: it owns scoping, so no subclass can forget it.

Subclasses declare `access` (action → Access) and implement
`get_workspace_queryset(workspace)`; they may not override `get_queryset`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from rest_framework import exceptions, permissions, viewsets

from raptorflow.audit.actors import Actor

from . import workspace as workspace_context
from .access import Access
from .permissions import WorkspaceAccess, actor_for

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


class WorkspaceScopedViewSet(viewsets.GenericViewSet):
    permission_classes = [WorkspaceAccess]
    access: dict[str, Access] = {}
    # Opt-in for rows staff may read across tenants (the audit trail): a staff session that names no
    # workspace then reads with workspace=None, and get_workspace_queryset must treat None as "all".
    staff_reads_all_workspaces: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must implement get_workspace_queryset, not get_queryset")

    def access_for(self, request) -> Access:
        # A method the route does not offer: 405, not a LookupError (500). OPTIONS routes to DRF's "metadata"
        # action, which no viewset declares access for and the API does not document: not offered either.
        if self.action in (None, "metadata"):
            raise exceptions.MethodNotAllowed(request.method)
        try:
            return self.access[self.action]
        except KeyError:
            raise LookupError(f"{type(self).__name__} declares no access for action {self.action!r}") from None

    @property
    def workspace_context(self) -> workspace_context.WorkspaceContext:
        return workspace_context.resolve(self.request)

    @property
    def workspace(self):
        return self.workspace_context.workspace

    @property
    def actor(self) -> Actor:
        return actor_for(self.request)

    @property
    def reads_all_workspaces(self) -> bool:
        """True for a staff session reading a `staff_reads_all_workspaces` view without naming a workspace."""
        if not self.staff_reads_all_workspaces or getattr(self, "swagger_fake_view", False):
            return False
        request = self.request
        return (
            request.method in permissions.SAFE_METHODS
            and request.auth is None  # a session, never an API key
            and bool(request.user and request.user.is_staff)
            and not (request.headers.get(workspace_context.HEADER) or request.query_params.get(workspace_context.QUERY))
        )

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        if self.reads_all_workspaces:
            return [permissions.IsAdminUser()]
        return super().get_permissions()

    def get_workspace_queryset(self, workspace) -> QuerySet:
        raise NotImplementedError

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Filters (?status=, ?agent=, ...) narrow lists. A detail lookup is by id within the workspace;
        # building the filter form for it would cost time and could turn a filtered-out id into a 404.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no workspace
            serializer_class: Any = self.get_serializer_class()  # a ModelSerializer on every workspace endpoint
            return serializer_class.Meta.model.objects.none()
        return self.get_workspace_queryset(None if self.reads_all_workspaces else self.workspace)
