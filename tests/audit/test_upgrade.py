"""Upgrading a live install to the keyed chain (migration audit 0003, decision 0021 section 5).

The database is taken back to audit 0002, filled the way the old sealer left it (plain SHA-256 links, some
events still unsealed), then migrated forward: nothing is re-signed, the old part verifies under the old rule,
what is sealed afterwards is keyed and links to the old head, and tampering with the old part is still named.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from raptorflow.audit.chain import legacy_link
from raptorflow.audit.choices import Tamper
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.services import audit_checkpoint, audit_seal
from raptorflow.audit.verify import audit_verify

BEFORE = [("audit", "0002_ipblock")]
AFTER = [("audit", "0003_anchored_chain")]


def _migrate(targets) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before_the_keys(transactional_db) -> Iterator[Any]:
    """The historical models of audit 0002; the schema is migrated forward again whatever the test does."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate([key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "audit"])


def _fill_the_old_way(apps: Any, sealed: int, unsealed: int) -> list[int]:
    """Events as the old code wrote and sealed them: SHA-256 over raw fields, no key id (the column is absent)."""
    event_model = apps.get_model("audit", "AuditEvent")
    pks = [
        event_model.objects.create(
            created_at=timezone.now(),
            actor_type="user",
            actor_label=f"alice{i}",
            action="user.login",
            target_type="user",
            target_id=str(i),
            target_repr=f"alice{i}",
            changes={"n": [None, i]},
            ip="203.0.113.5",
            user_agent="Mozilla/5.0",
            request_id=f"req-{i}",
        ).pk
        for i in range(sealed + unsealed)
    ]
    last = event_model.objects.filter(seq__isnull=False).order_by("-seq").first()
    seq, prev = (last.seq, last.hash) if last else (0, "")
    for event in event_model.objects.filter(seq__isnull=True).exclude(pk__in=pks[sealed:]).order_by("id"):
        seq += 1
        event.seq = seq
        digest = legacy_link(event, prev)  # the old rule: AuditEvent.compute_hash of decision 0002
        models.QuerySet.update(event_model.objects.filter(pk=event.pk), seq=seq, prev_hash=prev, hash=digest)
        prev = digest
    return pks


def test_an_upgraded_chain_verifies_and_continues_under_the_key(before_the_keys, settings, tmp_path):
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_SINK = "file"
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    pks = _fill_the_old_way(before_the_keys, sealed=3, unsealed=2)

    _migrate(AFTER)
    old_sealed = list(AuditEvent.objects.filter(pk__in=pks[:3]).order_by("seq"))
    assert {(e.key_id, str(e.redacted)) for e in old_sealed} == {("", "{}")}  # nothing re-signed by the migration
    report = audit_verify()
    assert report.intact, [f.describe() for f in report.findings]
    assert report.checked == report.legacy == old_sealed[-1].seq
    assert AuditEvent.objects.filter(pk__in=pks[3:], seq__isnull=True).count() == 2  # left for the new sealer

    audit_seal()  # the events left unsealed at the upgrade are sealed under the key, after the old head
    joined = list(AuditEvent.objects.filter(pk__in=pks[3:]).order_by("seq"))
    head = AuditEvent.objects.filter(seq__lt=joined[0].seq).order_by("-seq").first()
    assert head is not None and head.pk == old_sealed[-1].pk and joined[0].prev_hash == head.hash
    assert all(e.key_id for e in AuditEvent.objects.filter(seq__gt=head.seq))
    checkpoint = audit_checkpoint()
    assert checkpoint is not None and checkpoint.legacy_until == head.seq
    report = audit_verify()
    assert report.intact, [f.describe() for f in report.findings]
    assert report.legacy == head.seq and report.checkpoints >= 1  # the sealer wrote one too (no transaction here)

    models.QuerySet.update(AuditEvent.objects.filter(pk=old_sealed[1].pk), actor_label="mallory")
    findings = audit_verify().findings
    assert [(f.kind, f.event_id) for f in findings] == [(Tamper.CHANGED, old_sealed[1].pk)]
