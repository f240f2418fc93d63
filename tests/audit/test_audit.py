"""The audit trail is append-only and hash-chained; tampering is found at the row it happened.

The anchoring (keys, checkpoints, each kind of tampering): test_anchoring.py.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from raptorflow import context
from raptorflow.audit.models import AuditEvent, AuditImmutableError
from raptorflow.audit.services import audit_log, audit_seal
from raptorflow.audit.tasks import audit_seal_task
from raptorflow.audit.verify import audit_verify


def _log(n: int, actor) -> list[AuditEvent]:
    return [audit_log(f"test.event{i}", actor=actor, changes={"i": [None, i]}) for i in range(n)]


def _sealed_count() -> int:
    """Events already in the chain (migrate itself audits the skill sync)."""
    audit_seal()
    return AuditEvent.objects.filter(seq__isnull=False).count()


def test_events_are_sealed_into_a_chain_in_order(db, system_actor):
    before = _sealed_count()
    events = _log(3, system_actor)
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in events], seq__isnull=True).count() == 3
    assert audit_seal() == 3
    sealed = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))
    assert [e.pk for e in sealed] == [e.pk for e in events]
    assert sealed[1].prev_hash == sealed[0].hash and sealed[2].prev_hash == sealed[1].hash
    assert [e.seq for e in sealed] == [before + 1, before + 2, before + 3]
    report = audit_verify()
    assert (report.checked, report.findings) == (before + 3, [])


def test_request_context_is_recorded(db, system_actor):
    with context.bind(request_id="req-123", ip="203.0.113.9", user_agent="curl/8"):
        event = audit_log("test.ctx", actor=system_actor)
    assert (event.request_id, event.ip, event.user_agent) == ("req-123", "203.0.113.9", "curl/8")


def test_the_model_refuses_update_and_delete(db, system_actor):
    event = audit_log("test.once", actor=system_actor)
    event.action = "test.rewritten"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


def test_verify_reports_the_first_row_changed_with_raw_sql(db, system_actor):
    before = _sealed_count()
    events = _log(5, system_actor)
    audit_seal()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["mallory", events[2].pk])
    report = audit_verify()
    assert report.checked == before + 5
    [finding] = report.findings
    assert (finding.kind, finding.event_id) == ("changed", events[2].pk)
    assert "content does not match" in finding.detail
    out = io.StringIO()
    with pytest.raises(SystemExit) as excinfo:
        call_command("audit_verify", stdout=out, stderr=out)
    assert excinfo.value.code == 1
    assert f"id {events[2].pk}" in out.getvalue()


def test_verify_command_passes_on_an_intact_chain_and_seals_nothing(db, system_actor):
    before = _sealed_count()
    _log(2, system_actor)
    audit_seal()
    audit_log("test.pending", actor=system_actor)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert f"Audit chain intact: {before + 2} events verified" in out.getvalue()
    assert "1 event(s) not sealed yet" in out.getvalue()
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 1


def test_beat_seals_the_trail_every_few_seconds(db, system_actor, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["seal-audit"]
    assert (entry["task"], entry["schedule"]) == ("audit.seal", 2.0)
    _sealed_count()
    _log(2, system_actor)
    assert audit_seal_task.apply().get() == 2
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
