"""Client addresses and user agents are pseudonymised after the retention, and the chain still verifies."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone

from raptorflow import context
from raptorflow.audit.chain import LEGACY_ATTESTATION, field_digest, legacy_link
from raptorflow.audit.choices import Tamper
from raptorflow.audit.keys import keyring
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.redaction import audit_pseudonymise_clients
from raptorflow.audit.services import audit_checkpoint, audit_log, audit_seal
from raptorflow.audit.tasks import audit_pseudonymise_task
from raptorflow.audit.verify import audit_verify

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def _event(actor, *, days_ago: int, ip: str = "203.0.113.7", user_agent: str = UA, **extra) -> AuditEvent:
    """An event from a client, dated days_ago (before it is sealed: the date is part of what the chain covers)."""
    with context.bind(ip=ip, user_agent=user_agent, request_id="req-1"):
        event = audit_log(extra.pop("action", "test.client"), actor=actor, **extra)
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), created_at=timezone.now() - timedelta(days_ago))
    return event


def _fresh(event: AuditEvent) -> AuditEvent:
    return AuditEvent.objects.get(pk=event.pk)


def test_old_addresses_and_user_agents_are_cleared_and_the_chain_still_verifies(system_actor, checkpoint_file):
    old, recent = _event(system_actor, days_ago=100), _event(system_actor, days_ago=10)
    audit_seal()
    audit_checkpoint()  # the anchor written before the retention still matches after it
    assert audit_pseudonymise_clients(older_than_days=90) == 1
    old, recent = _fresh(old), _fresh(recent)
    assert (old.ip, old.user_agent, old.pseudonymised) == (None, "", ["ip", "user_agent"])
    assert (recent.ip, recent.user_agent, recent.redacted) == ("203.0.113.7", UA, {})
    key = keyring().get(old.key_id)
    assert old.redacted["ip"] == field_digest(key, "ip", "203.0.113.7")  # a keyed hash, never the address
    assert "203.0.113.7" not in str(old.redacted)
    assert (old.request_id, old.hash) == ("req-1", _fresh(old).hash)  # nothing else changes, the link stays
    report = audit_verify()
    assert report.intact and report.checkpoints == 1


def test_the_same_address_keeps_one_pseudonym_so_patterns_stay_visible(system_actor):
    first, second = _event(system_actor, days_ago=100), _event(system_actor, days_ago=95)
    other = _event(system_actor, days_ago=95, ip="198.51.100.1")
    audit_seal()
    audit_pseudonymise_clients(older_than_days=90)
    digests = [_fresh(e).redacted["ip"] for e in (first, second, other)]
    assert digests[0] == digests[1] != digests[2]


def test_retention_is_idempotent_and_audited_once_per_run_as_the_system(system_actor, monkeypatch):
    from raptorflow.audit import redaction

    monkeypatch.setattr(redaction, "BATCH", 2)  # several batches
    for days in (91, 92, 93, 94, 95):
        _event(system_actor, days_ago=days)
    audit_seal()
    assert audit_pseudonymise_clients(older_than_days=90) == 5
    assert audit_pseudonymise_clients(older_than_days=90) == 0
    runs = AuditEvent.objects.filter(action="audit.pseudonymise").order_by("id")
    assert [e.changes["events"] for e in runs] == [[None, 5], [None, 0]]
    assert {(e.actor_type, e.actor_label) for e in runs} == {("system", "retention")}
    audit_seal()
    assert audit_verify().intact


def test_unsealed_events_wait_for_the_sealer(system_actor):
    event = _event(system_actor, days_ago=100)
    assert audit_pseudonymise_clients(older_than_days=90) == 0
    assert _fresh(event).ip == "203.0.113.7"
    audit_seal()
    assert audit_pseudonymise_clients(older_than_days=90) == 1


def test_an_old_lockout_loses_the_address_kept_in_its_changes_too(system_actor):
    lockout = _event(
        system_actor,
        days_ago=100,
        action="auth.lockout",
        changes={"username": [None, "alice"], "ip": [None, "203.0.113.7"]},  # how lockouts were recorded before
    )
    audit_seal()
    audit_pseudonymise_clients(older_than_days=90)
    lockout = _fresh(lockout)
    assert (lockout.changes, lockout.pseudonymised) == ({}, ["changes", "ip", "user_agent"])
    assert audit_verify().intact


def test_writing_an_address_back_after_the_retention_is_named(system_actor):
    event = _event(system_actor, days_ago=100)
    audit_seal()
    audit_pseudonymise_clients(older_than_days=90)
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), ip="198.51.100.66")
    finding = audit_verify().first(Tamper.CHANGED)
    assert (finding.event_id, finding.detail) == (event.pk, "its pseudonymised ip holds a value again")


def test_a_redaction_forged_without_the_key_is_named(system_actor):
    event = _event(system_actor, days_ago=1)
    audit_seal()
    forged = {"actor_label": "0" * 64}  # to hide who did it, an attacker must guess the keyed digest
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), actor_label="erased user", redacted=forged)
    finding = audit_verify().first(Tamper.CHANGED)
    assert finding is not None and finding.event_id == event.pk
    assert "does not match its signature" in finding.detail


def _seal_the_old_way() -> None:
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    seq, prev = (last.seq or 0, last.hash) if last else (0, "")
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id"):
        seq += 1
        event.seq = seq
        digest = legacy_link(event, prev)
        models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), seq=seq, prev_hash=prev, hash=digest)
        prev = digest


def test_events_sealed_before_the_keys_are_pseudonymised_under_a_keyed_attestation(system_actor):
    old = _event(system_actor, days_ago=400)
    tampered = _event(system_actor, days_ago=300)
    _seal_the_old_way()
    _event(system_actor, days_ago=1)
    audit_seal()  # the keyed part of the chain begins
    models.QuerySet.update(AuditEvent.objects.filter(pk=tampered.pk), action="test.rewritten")
    assert audit_pseudonymise_clients(older_than_days=90) == 2
    old, tampered = _fresh(old), _fresh(tampered)
    assert old.key_id == "" and old.ip is None
    assert old.redacted[LEGACY_ATTESTATION]["key"] == keyring().newest.id
    assert LEGACY_ATTESTATION not in tampered.redacted  # never vouch for a row already changed
    report = audit_verify()
    assert [(f.kind, f.event_id) for f in report.findings] == [(Tamper.CHANGED, tampered.pk)]

    models.QuerySet.update(AuditEvent.objects.filter(pk=old.pk), action="test.rewritten")  # after attestation
    assert audit_verify().first(Tamper.CHANGED).event_id == old.pk


def test_sign_in_records_older_than_the_retention_are_deleted(system_actor):
    now = timezone.now()
    for days in (100, 1):
        log = AccessLog.objects.create(username="alice", ip_address="203.0.113.7", user_agent=UA)
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - timedelta(days=days))
    AccessAttempt.objects.create(username="bob", ip_address="203.0.113.8", user_agent=UA, failures_since_start=1)
    AccessAttempt.objects.update(attempt_time=now - timedelta(days=100))
    audit_pseudonymise_clients(older_than_days=90)
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["alice"]
    assert not AccessAttempt.objects.exists()
    run = AuditEvent.objects.get(action="audit.pseudonymise")
    assert run.changes["sign_in_records_deleted"] == [None, 2]


def test_the_task_applies_the_retention_setting_and_zero_keeps_everything(system_actor, settings):
    event = _event(system_actor, days_ago=40)
    audit_seal()
    settings.RAPTORFLOW_AUDIT_IP_RETENTION_DAYS = 0
    assert audit_pseudonymise_task() is None
    assert _fresh(event).ip == "203.0.113.7"
    settings.RAPTORFLOW_AUDIT_IP_RETENTION_DAYS = 30
    assert audit_pseudonymise_task() == 1
    assert _fresh(event).ip is None


def test_beat_runs_the_retention_daily_on_the_maintenance_queue(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["pseudonymise-audit"]
    expected = ("audit.pseudonymise", 86400.0, "maintenance")
    assert (entry["task"], entry["schedule"], entry["options"]["queue"]) == expected


def test_the_command_pseudonymises_with_the_given_retention(system_actor, settings):
    event = _event(system_actor, days_ago=8)
    audit_seal()
    out = io.StringIO()
    call_command("audit_pseudonymise", "--days", "7", stdout=out)
    assert "of 1 event(s) older than 7 day(s)" in out.getvalue()
    assert _fresh(event).ip is None
    with pytest.raises(CommandError, match="at least 1"):
        call_command("audit_pseudonymise", "--days", "0", stdout=io.StringIO())
    settings.RAPTORFLOW_AUDIT_IP_RETENTION_DAYS = 0
    call_command("audit_pseudonymise", stdout=out)
    assert "nothing to do" in out.getvalue()
