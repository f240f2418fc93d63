"""Reads for agents, versions and runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from raptorflow.accounts.models import Workspace

from .choices import VersionStatus
from .models import Agent, AgentVersion, Run, WorkspaceSpend


def agentversion_active(agent: Agent) -> AgentVersion | None:
    """The version new runs of ``agent`` use: its latest published one."""
    return agent.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


def month_start(at: datetime) -> date:
    """The first day of ``at``'s UTC month: the key of the spend ledger."""
    return at.astimezone(UTC).date().replace(day=1)


def workspace_month_spend(workspace: Workspace | int, *, now: datetime | None = None) -> Decimal:
    """What the workspace's runs started this UTC month have cost, from the running total."""
    workspace_id = getattr(workspace, "pk", workspace)
    month = month_start(now or timezone.now())
    amount = WorkspaceSpend.objects.filter(workspace_id=workspace_id, month=month).values_list("amount", flat=True)
    return amount.first() or Decimal("0")


def run_list_for_workspace(workspace: Workspace) -> QuerySet[Run]:
    return Run.objects.filter(workspace=workspace).select_related("agent_version__agent")
