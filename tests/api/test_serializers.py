"""Output serializers that share their fields across instances render exactly what DRF's own fields render."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.api.serializers import RunDetailSerializer, RunSerializer
from agents.models import Approval, Run
from raptorflow.api.serializers import SharedFieldsMixin
from tests.factories import RunFactory, RunStepFactory, UserFactory


@pytest.fixture
def runs(workspace):
    plain = RunFactory(workspace=workspace, status="queued")
    rich = RunFactory(
        workspace=workspace,
        status="succeeded",
        output={"cac": 100.0, "notes": ["ünïcode ✓"]},
        cost=Decimal("0.016"),
        tokens_in=1000,
        flags=["injection"],
        routing={"agent": "x", "score": 0.9},
    )
    RunStepFactory(run=rich, sequence=1, output={"n": 1}, cost=Decimal("0.01"))
    RunStepFactory(run=rich, sequence=2, error="boom", status="failed")
    now = timezone.now()
    Approval.objects.create(
        run=rich,
        reason="gated",
        status="approved",
        expires_at=now + timedelta(days=1),
        decided_by=UserFactory(username="dana"),
        decided_at=now,
        comment="ok",
    )
    loaded = Run.objects.select_related("agent_version__agent").prefetch_related("steps", "approvals__decided_by")
    return [loaded.get(pk=run.pk) for run in (plain, rich)]


@pytest.mark.parametrize("serializer", [RunSerializer, RunDetailSerializer])
def test_shared_fields_render_what_drf_renders(runs, serializer, monkeypatch):
    shared = [serializer(run).data for run in runs]
    monkeypatch.setattr(SharedFieldsMixin, "share_fields", False)
    assert shared == [serializer(run).data for run in runs]
    assert shared[1] != shared[0]  # and the second instance did not reuse the first one's values


def test_many_runs_render_each_run(runs):
    data = RunSerializer(runs, many=True).data
    assert [row["id"] for row in data] == [str(run.pk) for run in runs]
    assert [row["status"] for row in data] == ["queued", "succeeded"]


def test_a_writable_field_cannot_be_shared():
    from rest_framework import serializers

    class Writable(SharedFieldsMixin, serializers.Serializer):
        name = serializers.CharField()

    with pytest.raises(TypeError, match="must be read-only"):
        Writable().fields  # noqa: B018 - the property raises
