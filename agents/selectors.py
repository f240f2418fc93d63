"""Reads for agents, versions and runs."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from raptorflow.accounts.models import Workspace

from .choices import VersionStatus
from .models import Agent, AgentVersion, Run


def agentversion_active(agent: Agent) -> AgentVersion | None:
    """The version new runs of ``agent`` use: its latest published one."""
    return agent.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


def workspace_month_spend(workspace: Workspace | int, *, now=None) -> Decimal:
    """What the workspace's runs have cost since the start of the current UTC month."""
    now = now or timezone.now()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    workspace_id = getattr(workspace, "pk", workspace)
    total = Run.objects.filter(workspace_id=workspace_id, created_at__gte=start).aggregate(total=Sum("cost"))["total"]
    return total or Decimal("0")


def run_list_for_workspace(workspace: Workspace) -> QuerySet[Run]:
    return Run.objects.filter(workspace=workspace).select_related("agent_version__agent")
