"""Audit fixtures: checkpoints in a file of the test's own, and a clean slate for the per-process boundary memo."""

from __future__ import annotations

from pathlib import Path

import pytest

from raptorflow.audit import services


@pytest.fixture(autouse=True)
def _forget_legacy_boundary():
    """The pre-key boundary is remembered per process; each test's chain starts from nothing."""
    services._known_boundary.clear()
    yield
    services._known_boundary.clear()


@pytest.fixture
def checkpoint_file(settings, tmp_path) -> Path:
    """Checkpoints on: a file sink in the test's own directory (the test settings turn them off)."""
    path = tmp_path / "audit-checkpoints.jsonl"
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_SINK = "file"
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_FILE = path
    return path
