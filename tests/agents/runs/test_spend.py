"""The workspace spend ledger: the running monthly total that budgets are checked against."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from django.apps import apps

from agents.models import Run, WorkspaceSpend
from agents.runs.lifecycle import run_charge
from agents.selectors import month_start, workspace_month_spend
from tests.factories import RunFactory


def _run_created(workspace, at: datetime, cost: str = "0") -> Run:
    run = RunFactory(workspace=workspace, status="succeeded", cost=Decimal(cost))
    Run.objects.filter(pk=run.pk).update(created_at=at)
    run.refresh_from_db()
    return run


def test_charges_add_up_on_the_run_and_in_the_month(workspace, other_workspace):
    run = RunFactory(workspace=workspace)
    run_charge(run, cost=Decimal("0.25"), tokens_in=100, tokens_out=10)
    run_charge(run, cost=Decimal("0.05"), tokens_in=20, tokens_out=2)
    run.refresh_from_db()
    assert (run.cost, run.tokens_in, run.tokens_out) == (Decimal("0.30"), 120, 12)
    assert workspace_month_spend(workspace) == Decimal("0.30")
    assert workspace_month_spend(other_workspace) == 0


def test_a_free_call_counts_tokens_without_opening_a_ledger_row(workspace):
    run = RunFactory(workspace=workspace)
    run_charge(run, cost=Decimal("0"), tokens_in=100, tokens_out=10)
    assert not WorkspaceSpend.objects.filter(workspace=workspace).exists()
    assert workspace_month_spend(workspace) == 0


def test_a_run_started_last_month_is_charged_to_last_month(workspace):
    """As in the usage report: a run's cost belongs to the month it was started in."""
    this_month = month_start(datetime.now(UTC))
    last_month_run = _run_created(
        workspace, datetime.combine(this_month, datetime.min.time(), UTC) - timedelta(hours=1)
    )
    run_charge(last_month_run, cost=Decimal("2"))
    assert workspace_month_spend(workspace) == 0
    previous = (this_month - timedelta(days=1)).replace(day=1)
    assert WorkspaceSpend.objects.get(workspace=workspace).month == previous
    assert workspace_month_spend(workspace, now=datetime.combine(previous, datetime.min.time(), UTC)) == Decimal("2")


def test_month_start_is_the_utc_month():
    plus_two = timezone(timedelta(hours=2))
    assert month_start(datetime(2026, 3, 1, 0, 30, tzinfo=plus_two)) == date(2026, 2, 1)  # 22:30 on 28 Feb UTC
    assert month_start(datetime(2026, 3, 1, 0, 30, tzinfo=UTC)) == date(2026, 3, 1)


def test_the_migration_opens_the_ledger_from_existing_runs(workspace, other_workspace):
    now = datetime.now(UTC)
    previous = month_start(now) - timedelta(days=1)
    _run_created(workspace, now, "0.10")
    _run_created(workspace, now, "0.15")
    _run_created(workspace, datetime.combine(previous, datetime.min.time(), UTC), "9")
    _run_created(other_workspace, now, "7")
    _run_created(other_workspace, now, "0")
    WorkspaceSpend.objects.all().delete()

    importlib.import_module("agents.migrations.0002_workspace_spend").backfill(apps, None)

    ledger = {(row.workspace_id, row.month): row.amount for row in WorkspaceSpend.objects.all()}
    assert ledger == {
        (workspace.pk, month_start(now)): Decimal("0.25"),
        (workspace.pk, previous.replace(day=1)): Decimal("9"),
        (other_workspace.pk, month_start(now)): Decimal("7"),
    }
