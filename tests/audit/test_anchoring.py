"""The anchored audit trail: keyed links, checkpoints outside the database, and each kind of tampering named.

An attacker here can write any row of the database (raw SQL, past the model's guard). Without the audit key
they cannot sign; with it they can re-seal, and the checkpoints written before then catch it.
"""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from raptorflow.audit import services
from raptorflow.audit.chain import keyed_link, legacy_link
from raptorflow.audit.checkpoints import MARKER, SyslogSink, parse_checkpoints
from raptorflow.audit.choices import Tamper
from raptorflow.audit.keys import AuditKey, key_id, keyring
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.services import audit_checkpoint, audit_log, audit_seal
from raptorflow.audit.verify import audit_verify

pytestmark = pytest.mark.django_db

KEY_A = "a" * 20 + "-first-audit-key-0123456789"
KEY_B = "b" * 20 + "-second-audit-key-987654321"


def _sealed(n: int, actor) -> list[AuditEvent]:
    """n new events, sealed; returned in chain order (the chain also holds what migrate audited)."""
    pks = [audit_log(f"test.event{i}", actor=actor, changes={"i": [None, i]}).pk for i in range(n)]
    audit_seal()
    return list(AuditEvent.objects.filter(pk__in=pks).order_by("seq"))


def _write(event: AuditEvent, **fields) -> None:
    """What an attacker with database access does: an UPDATE past the model's guard."""
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), **fields)


def _delete(*events: AuditEvent) -> None:
    models.QuerySet.delete(AuditEvent.objects.filter(pk__in=[e.pk for e in events]))


def _only(report, kind: str):
    assert [f.kind for f in report.findings] == [kind], [f.describe() for f in report.findings]
    return report.findings[0]


# --- the keyed chain ------------------------------------------------------------------------------


def test_events_are_sealed_under_the_newest_key_whose_id_they_record(system_actor):
    events = _sealed(3, system_actor)
    key = keyring().newest
    assert {e.key_id for e in events} == {key.id}
    assert events[1].hash == keyed_link(events[1], key, events[0].hash)
    report = audit_verify()
    assert report.intact and report.checked == events[-1].seq


def test_the_key_is_not_in_the_database(settings, system_actor):
    _sealed(1, system_actor)
    secret = settings.RAPTORFLOW_AUDIT_KEYS[0]
    rows = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert secret not in rows
    assert keyring().newest.id in rows  # only its id


def test_a_changed_row_is_named(system_actor):
    events = _sealed(5, system_actor)
    _write(events[2], actor_label="mallory")
    finding = _only(audit_verify(), Tamper.CHANGED)
    assert (finding.seq, finding.event_id) == (events[2].seq, events[2].pk)
    assert "content does not match its signature" in finding.detail


def test_a_row_rechained_without_the_key_is_named_where_the_rewrite_starts(system_actor):
    events = _sealed(5, system_actor)
    guess = AuditKey(keyring().newest.id, b"what the attacker guesses the key is")
    _write(events[1], action="test.rewritten")
    prev = events[0].hash
    for event in events[1:]:  # re-chain every later row, as the sealer would, with the wrong key
        event.refresh_from_db()
        digest = keyed_link(event, guess, prev)
        _write(event, prev_hash=prev, hash=digest)
        prev = digest
    finding = _only(audit_verify(), Tamper.CHANGED)
    assert (finding.seq, finding.event_id) == (events[1].seq, events[1].pk)


def test_a_row_rechained_under_the_old_unkeyed_rule_is_named(system_actor):
    events = _sealed(3, system_actor)
    _write(events[2], action="test.rewritten", key_id="")
    events[2].refresh_from_db()
    _write(events[2], hash=legacy_link(events[2], events[1].hash))  # a perfect pre-key link: no key needed
    finding = _only(audit_verify(), Tamper.CHANGED)
    assert finding.event_id == events[2].pk and "carries no key" in finding.detail


def test_a_deleted_row_is_named(system_actor):
    events = _sealed(5, system_actor)
    _delete(events[2])
    finding = _only(audit_verify(), Tamper.DELETED)
    assert finding.seq == events[2].seq
    assert f"events seq {events[2].seq}–{events[2].seq} are missing" in finding.detail


def test_a_deleted_row_hidden_by_renumbering_is_named(system_actor):
    events = _sealed(4, system_actor)
    _delete(events[1])
    for event in events[2:]:  # close the gap: every later row moves up one
        _write(event, seq=(event.seq or 0) - 1)
    finding = _only(audit_verify(), Tamper.DELETED)
    assert (finding.seq, finding.event_id) == (events[1].seq, events[2].pk)
    assert f"it was sealed as seq {events[2].seq}: the 1 event(s) before it were deleted" in finding.detail


def test_reordered_rows_are_named(system_actor):
    events = _sealed(5, system_actor)
    first, second = events[1], events[3]
    _write(first, seq=-1)
    _write(second, seq=first.seq)
    _write(first, seq=second.seq)
    report = audit_verify()
    finding = report.findings[0]
    assert (finding.kind, finding.seq, finding.event_id) == (Tamper.REORDERED, first.seq, second.pk)
    assert f"sealed as seq {second.seq}" in finding.detail
    assert {f.kind for f in report.findings} == {Tamper.REORDERED}


def test_verification_never_seals(system_actor):
    _sealed(2, system_actor)
    pending = audit_log("test.pending", actor=system_actor)
    report = audit_verify()
    pending.refresh_from_db()
    assert pending.seq is None and report.unsealed == 1
    assert report.intact and "1 event(s) not sealed yet" in report.summary()


def test_a_row_whose_chain_fields_were_cleared_is_not_relinked_by_verification(system_actor, checkpoint_file):
    events = _sealed(4, system_actor)
    audit_checkpoint()
    _write(events[2], action="test.rewritten", seq=None, prev_hash="", hash="", key_id="")
    _write(events[3], seq=None, prev_hash="", hash="", key_id="")
    report = audit_verify()
    finding = _only(report, Tamper.CUT_TAIL)
    assert (finding.seq, report.unsealed) == (events[2].seq, 2)
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2  # still: nothing was sealed


# --- checkpoints ------------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_and_names_the_head(system_actor, checkpoint_file):
    events = _sealed(3, system_actor)
    checkpoint = audit_checkpoint()
    assert checkpoint is not None
    [line] = checkpoint_file.read_text().splitlines()
    data = json.loads(line)
    assert (data["type"], data["seq"], data["hash"], data["event_id"]) == (
        MARKER,
        events[-1].seq,
        events[-1].hash,
        events[-1].pk,
    )
    assert data["key"] == keyring().newest.id and len(data["sig"]) == 64 and data["legacy_until"] == 0
    report = audit_verify()
    assert report.intact and report.checkpoints == 1
    assert f"1 checkpoint(s) match, the latest at seq {events[-1].seq}" in report.summary()


def test_a_cut_tail_is_named(system_actor, checkpoint_file):
    events = _sealed(5, system_actor)
    audit_checkpoint()
    _delete(events[3], events[4])  # the newest events: the keyed chain alone still verifies
    report = audit_verify(checkpoint_lines=[])
    assert report.intact
    finding = _only(audit_verify(), Tamper.CUT_TAIL)
    assert (finding.seq, finding.event_id) == (events[3].seq, None)
    assert f"events seq {events[3].seq}–{events[4].seq} were cut" in finding.detail


def test_a_chain_cleared_and_resealed_with_the_sealers_own_logic_is_named(system_actor, checkpoint_file):
    events = _sealed(6, system_actor)
    audit_checkpoint()
    events += _sealed(4, system_actor)
    audit_checkpoint()
    target = events[6]  # the first event after the first checkpoint
    _write(target, actor_label="mallory")
    for event in events[6:]:  # clear the chain fields from the changed row on; the sealer (with the key) re-seals
        _write(event, seq=None, prev_hash="", hash="", key_id="")
    assert audit_seal() == 4
    assert audit_verify(checkpoint_lines=[]).intact  # signed with the real key: only the anchor can tell
    report = audit_verify()
    finding = _only(report, Tamper.RESEALED)
    assert (finding.seq, finding.event_id) == (target.seq, target.pk)
    assert f"after seq {events[5].seq}, the last checkpoint it still matches" in finding.detail


def test_a_cut_tail_refilled_with_new_events_is_named_as_rewritten(system_actor, checkpoint_file):
    events = _sealed(2, system_actor)
    audit_checkpoint()
    events += _sealed(2, system_actor)
    audit_checkpoint()
    _delete(events[2], events[3])
    new = _sealed(3, system_actor)  # new events take the cut seqs
    finding = _only(audit_verify(), Tamper.RESEALED)
    assert (finding.seq, finding.event_id) == (events[2].seq, new[0].pk)
    assert f"seq {events[3].seq} no longer holds what the checkpoint" in finding.detail


def test_a_forged_or_altered_checkpoint_is_named(system_actor, checkpoint_file):
    _sealed(2, system_actor)
    audit_checkpoint()
    data = json.loads(checkpoint_file.read_text())
    data["seq"] += 100  # an attacker trying to make the verifier cry wolf, or to hide a cut
    with checkpoint_file.open("a") as handle:
        handle.write(json.dumps(data) + "\n")
        handle.write(MARKER + " {not json\n")
    report = audit_verify()
    assert [f.kind for f in report.findings] == [Tamper.BAD_CHECKPOINT]
    assert report.findings[0].detail == "line 3 is not a checkpoint the verifier can read"
    assert report.checkpoints == 1  # the genuine one still counts


def test_checkpoints_and_events_verify_across_a_key_rotation(settings, system_actor, checkpoint_file):
    settings.RAPTORFLOW_AUDIT_KEYS = [KEY_A]
    before = _sealed(3, system_actor)
    audit_checkpoint()
    settings.RAPTORFLOW_AUDIT_KEYS = [KEY_B, KEY_A]  # rotate: the new key first, the old one kept
    after = _sealed(3, system_actor)
    audit_checkpoint()
    signed_by = [line["key"] for line in map(json.loads, checkpoint_file.read_text().splitlines())]
    assert signed_by == [key_id(KEY_A), key_id(KEY_B)]
    assert (before[-1].key_id, after[0].key_id) == (key_id(KEY_A), key_id(KEY_B))
    assert after[0].prev_hash == before[-1].hash  # one chain across the rotation
    report = audit_verify()
    assert report.intact and report.checkpoints == 2

    settings.RAPTORFLOW_AUDIT_KEYS = [KEY_B]  # the old key dropped too early: named, not silently trusted
    report = audit_verify()
    assert {f.kind for f in report.findings} == {Tamper.UNKNOWN_KEY, Tamper.BAD_CHECKPOINT}
    unknown = report.first(Tamper.UNKNOWN_KEY)
    assert AuditEvent.objects.get(pk=unknown.event_id).key_id == key_id(KEY_A)
    assert key_id(KEY_A) in unknown.detail and KEY_A not in unknown.detail


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_the_sealer_writes_a_checkpoint_when_one_is_due(system_actor, checkpoint_file, settings):
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_SECONDS = 3600
    _sealed(1, system_actor)
    assert _lines(checkpoint_file) == []  # the seal's transaction (the test's) never committed: no checkpoint
    for _ in range(3):
        audit_log("test.more", actor=system_actor)
        audit_seal()
        services._checkpoint_if_due()  # what on_commit runs after a real seal's commit
    assert len(_lines(checkpoint_file)) == 1  # one per window, however many seals
    cache.delete(services._CHECKPOINT_DUE)  # the window passed
    services._checkpoint_if_due()
    assert len(_lines(checkpoint_file)) == 2  # the head moved since the first
    cache.delete(services._CHECKPOINT_DUE)
    services._checkpoint_if_due()
    assert len(_lines(checkpoint_file)) == 2  # it did not move since the second: nothing new to anchor
    assert audit_verify().intact


def test_the_sealer_checkpoints_after_its_commit(system_actor, checkpoint_file, django_capture_on_commit_callbacks):
    audit_log("test.event", actor=system_actor)
    with django_capture_on_commit_callbacks(execute=True):
        audit_seal()
    assert len(checkpoint_file.read_text().splitlines()) == 1


def test_a_checkpoint_that_cannot_be_written_never_stops_sealing(system_actor, settings, tmp_path, caplog):
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_SINK = "syslog"
    settings.RAPTORFLOW_AUDIT_SYSLOG_ADDRESS = str(tmp_path / "no-such-socket")
    audit_log("test.event", actor=system_actor)
    assert audit_seal() >= 1
    services._checkpoint_if_due()
    assert "Could not write an audit checkpoint" in caplog.text
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()


@pytest.mark.parametrize("transport", ["udp", "unix"])
def test_checkpoints_go_to_syslog_and_verify_from_a_copy_of_its_log(system_actor, settings, tmp_path, transport):
    if transport == "udp":
        server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        server.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{server.getsockname()[1]}"
    else:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        address = str(tmp_path / "log.sock")
        server.bind(address)
    server.settimeout(5)
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_SINK = "syslog"
    settings.RAPTORFLOW_AUDIT_SYSLOG_ADDRESS = address
    events = _sealed(2, system_actor)
    with server:
        audit_checkpoint()
        message = server.recv(65536).decode()
    assert message.startswith("<")  # <priority>, then the ident
    assert "raptorflow-audit: " in message
    # What the log host writes: its own prefix, then the message. Verification reads that copy.
    copy = tmp_path / "auth.log"
    copy.write_text(f"Dec  5 12:00:00 app-1 {message.split('>', 1)[1]}\nDec  5 12:00:01 app-1 sshd[1]: unrelated\n")
    [checkpoint], unreadable = parse_checkpoints(copy.read_text().splitlines())
    assert (checkpoint.seq, unreadable) == (events[-1].seq, [])
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_COPY = copy
    assert SyslogSink(address, "authpriv", copy).description.endswith(f"read from {copy}")
    report = audit_verify()
    assert report.intact and report.checkpoints == 1


def test_without_a_copy_of_the_syslog_the_chain_is_checked_under_the_keys_only(system_actor, settings):
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_SINK = "syslog"
    settings.RAPTORFLOW_AUDIT_CHECKPOINT_COPY = None
    _sealed(1, system_actor)
    report = audit_verify()
    assert report.intact and report.checkpoints == 0
    assert "no checkpoints to check the tail against" in report.summary()


# --- events sealed before the keys ------------------------------------------------------------------


def _seal_the_old_way(actor, n: int) -> list[AuditEvent]:
    """What the sealer did before decision 0021: plain SHA-256 links over raw fields, no key."""
    made = [audit_log(f"old.event{i}", actor=actor).pk for i in range(n)]
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    seq, prev = (last.seq or 0, last.hash) if last else (0, "")
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id"):
        seq += 1
        event.seq = seq
        digest = legacy_link(event, prev)
        _write(event, seq=seq, prev_hash=prev, hash=digest)
        prev = digest
    return list(AuditEvent.objects.filter(pk__in=made).order_by("seq"))


def test_events_sealed_before_the_keys_verify_under_the_old_rule_up_to_the_boundary(system_actor, checkpoint_file):
    old = _seal_the_old_way(system_actor, 3)
    new = _sealed(2, system_actor)
    assert {e.key_id for e in old} == {""} and new[0].prev_hash == old[-1].hash  # one chain across the boundary
    checkpoint = audit_checkpoint()
    assert checkpoint is not None and checkpoint.legacy_until == old[-1].seq
    report = audit_verify()
    assert report.intact and report.legacy == old[-1].seq
    assert "sealed before the audit keys, under the old rule" in report.summary()

    _write(old[1], actor_label="mallory")  # the old rule still catches a changed row
    assert _only(audit_verify(), Tamper.CHANGED).event_id == old[1].pk


def test_rewriting_the_keyed_part_under_the_old_rule_moves_the_boundary_and_is_named(system_actor, checkpoint_file):
    old = _seal_the_old_way(system_actor, 2)
    new = _sealed(3, system_actor)
    audit_checkpoint()
    prev = old[-1].hash
    for event in new:  # "downgrade" every keyed event to a pre-key link the attacker can compute
        event.key_id = ""
        digest = legacy_link(event, prev)
        _write(event, key_id="", prev_hash=prev, hash=digest)
        prev = digest
    report = audit_verify()
    assert report.first(Tamper.RESEALED) is not None
    assert report.first(Tamper.RESEALED).seq == new[0].seq  # type: ignore[union-attr]


# --- the command and the admin's button -----------------------------------------------------------------


def test_the_command_names_each_finding_and_fails(system_actor, checkpoint_file):
    events = _sealed(5, system_actor)
    audit_checkpoint()
    _write(events[1], action="test.rewritten")
    _delete(events[4])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as excinfo:
        call_command("audit_verify", stdout=out, stderr=err)
    assert excinfo.value.code == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"Audit chain BROKEN at event seq {events[1].seq} (id {events[1].pk}): content")
    assert lines[0].endswith("— changed row.")
    assert lines[1].startswith(f"Audit chain BROKEN at seq {events[4].seq}: the chain ends at seq")
    assert lines[1].endswith("— cut tail.")


def test_the_command_reads_checkpoints_from_an_exported_log(system_actor, checkpoint_file, tmp_path: Path):
    events = _sealed(3, system_actor)
    audit_checkpoint()
    export = tmp_path / "export.log"
    export.write_text("".join(f"2026-12-05T12:00:00Z host raptorflow-audit: {line}" for line in checkpoint_file.open()))
    checkpoint_file.unlink()
    _delete(events[2])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("audit_verify", "--checkpoints", str(tmp_path / "nothing.log"), stdout=out, stderr=err)
    call_command("audit_verify", stdout=out, stderr=err)  # the configured file is gone: the keys alone pass it
    assert "no checkpoints to check the tail against" in out.getvalue()
    with pytest.raises(SystemExit):
        call_command("audit_verify", "--checkpoints", str(export), stdout=out, stderr=err)
    assert f"at seq {events[2].seq}: the chain ends at seq {events[1].seq}" in err.getvalue()


def test_the_admin_button_verifies_against_the_checkpoints_without_sealing(admin_client, system_actor, checkpoint_file):
    from django.urls import reverse

    events = _sealed(3, system_actor)
    audit_checkpoint()
    _delete(events[2])
    pending = audit_log("test.pending", actor=system_actor)
    response = admin_client.post(reverse("admin:audit_auditevent_verify"), follow=True)
    [text] = [str(m) for m in response.context["messages"]]
    assert text.startswith(f"Audit chain broken at seq {events[2].seq}: the chain ends at seq {events[1].seq}")
    assert text.endswith("were cut — cut tail.")
    pending.refresh_from_db()
    assert pending.seq is None
    check = AuditEvent.objects.get(action="audit.verify")
    assert (check.outcome, check.changes["findings"]) == ("failure", [Tamper.CUT_TAIL])


# --- configuration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"RAPTORFLOW_AUDIT_KEYS": ""}, "RAPTORFLOW_AUDIT_KEYS is required in production"),
        ({"RAPTORFLOW_AUDIT_KEYS": "short"}, "RAPTORFLOW_AUDIT_KEYS entry 1 is too short"),
        ({"RAPTORFLOW_AUDIT_KEYS": f"{KEY_A},{KEY_A}"}, "lists the same key twice"),
        ({"RAPTORFLOW_AUDIT_CHECKPOINT_SINK": "off"}, "RAPTORFLOW_AUDIT_CHECKPOINT_SINK=off is refused in production"),
        ({"RAPTORFLOW_AUDIT_SYSLOG_ADDRESS": "logs.example.com"}, "RAPTORFLOW_AUDIT_SYSLOG_ADDRESS must be"),
    ],
)
def test_production_refuses_a_missing_or_weak_audit_configuration(override, message):
    from tests.platform.test_settings import PRODUCTION, _check

    result = _check({**PRODUCTION, "RAPTORFLOW_AUDIT_KEYS": f"{KEY_B},{KEY_A}", **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_with_audit_keys_and_syslog_passes_the_deployment_checklist():
    from tests.platform.test_settings import PRODUCTION, _check

    env = {
        **PRODUCTION,
        "RAPTORFLOW_AUDIT_KEYS": f"{KEY_B},{KEY_A}",
        "RAPTORFLOW_AUDIT_SYSLOG_ADDRESS": "tcp://logs:601",
    }
    result = _check(env, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
