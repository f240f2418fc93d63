"""Verifying the audit trail: every sealed event's link, then the checkpoints kept outside the database.

Read-only: verification never seals. Sealing first (as it once did) would link
in again rows whose chain fields someone cleared, and call the result intact.

For each kind of tampering the report names the first bad event:

- ``changed``: a row's content no longer matches its signature;
- ``deleted``: a seq is missing, or a row's link names an event that is gone;
- ``reordered``: a row sits at another place than the one it was sealed at;
- ``cut_tail``: a checkpoint names a head seq the chain no longer reaches;
- ``resealed``: the event at a checkpointed seq has another hash, so the chain
  was rewritten and signed again (only the key can do that, and only the
  checkpoints can tell); named from the last checkpoint it still matches;
- ``unknown_key``: an event signed by a key that is not configured;
- ``bad_checkpoint``: a checkpoint line whose signature does not verify.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .chain import Problem, content_problem
from .checkpoints import Checkpoint, UnreadableCheckpoint, configured_sink, parse_checkpoints
from .choices import Tamper
from .keys import KeyRing, keyring
from .models import AuditEvent

# Diagnosing a broken link looks the predecessor up by hash (no index: a scan). Enough for any real finding,
# bounded for a table rewritten wholesale.
_DIAGNOSES = 50
# A deletion hidden by renumbering the rows after it: how many deleted rows the diagnosis tries to account for.
_MAX_RENUMBER = 32


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # a Tamper value
    seq: int | None
    event_id: int | None
    detail: str

    @property
    def label(self) -> str:
        return str(Tamper(self.kind).label)

    @property
    def where(self) -> str:
        if self.seq is None:
            return "the checkpoints"
        return f"event seq {self.seq} (id {self.event_id})" if self.event_id is not None else f"seq {self.seq}"

    def describe(self) -> str:
        return f"{self.where}: {self.detail} — {self.label}"


@dataclass
class ChainReport:
    checked: int = 0
    legacy: int = 0  # events verified under the rule from before the audit keys
    unsealed: int = 0
    checkpoints: int = 0
    latest_checkpoint: Checkpoint | None = None
    source: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings

    def first(self, kind: str) -> Finding | None:
        return next((finding for finding in self.findings if finding.kind == kind), None)

    def summary(self) -> str:
        if not self.intact:
            return f"Audit chain broken: {len(self.findings)} problem(s); {self.checked} events read."
        parts = [f"Audit chain intact: {self.checked} events verified"]
        if self.legacy:
            parts.append(f" ({self.legacy} sealed before the audit keys, under the old rule)")
        latest = self.latest_checkpoint
        if latest is not None:
            parts.append(f"; {self.checkpoints} checkpoint(s) match, the latest at seq {latest.seq} ({latest.at})")
        else:
            parts.append(f"; no checkpoints to check the tail against (source: {self.source or 'none'})")
        if self.unsealed:
            parts.append(f"; {self.unsealed} event(s) not sealed yet")
        return "".join(parts) + "."


def audit_verify(*, checkpoint_lines: Iterable[str] | None = None, source: str = "") -> ChainReport:
    """Check the whole chain and the checkpoints (from the configured sink, or the lines given). Never writes."""
    if checkpoint_lines is None:
        sink = configured_sink()
        checkpoint_lines = sink.lines() if sink is not None else ()
        source = sink.description if sink is not None else "checkpoints off"
    checkpoints, unreadable = parse_checkpoints(checkpoint_lines)
    walk = _Walk(keyring(), checkpoints, unreadable)
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        walk.visit(event)
    report = walk.finish()
    report.source = source
    report.unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    return report


class _Walk:
    """One pass over the chain in seq order, then the checkpoints against what it saw."""

    def __init__(self, ring: KeyRing, checkpoints: list[Checkpoint], unreadable: list[UnreadableCheckpoint]):
        self.ring = ring
        self.report = ChainReport()
        for bad in unreadable:
            self._add(Tamper.BAD_CHECKPOINT, None, None, f"line {bad.line_number} is {bad.reason}")
        self.checkpoints = [cp for cp in checkpoints if cp.signature_ok(ring)]
        for cp in checkpoints:
            if not cp.signature_ok(ring):
                detail = f"the checkpoint of seq {cp.seq} ({cp.at}) is not signed by a configured key"
                self._add(Tamper.BAD_CHECKPOINT, None, None, detail)
        self.by_seq: dict[int, list[Checkpoint]] = defaultdict(list)
        for cp in self.checkpoints:
            self.by_seq[cp.seq].append(cp)
        self.matched: list[int] = []
        self.mismatched: list[tuple[Checkpoint, AuditEvent]] = []
        self.expected_seq, self.prev_hash, self.last_seq = 1, "", 0
        self.keyed_from: int | None = None  # the first keyed seq
        self.diagnoses = _DIAGNOSES
        self.shift = 0  # rows were deleted and the later ones renumbered by this much (already reported)

    def _add(self, kind: str, seq: int | None, event_id: int | None, detail: str) -> None:
        if self.report.first(kind) is None:  # the first bad event of each kind
            self.report.findings.append(Finding(kind, seq, event_id, detail))

    # --- the chain ------------------------------------------------------------------------------

    def visit(self, event: AuditEvent) -> None:
        seq = event.seq or 0
        if seq != self.expected_seq:
            detail = f"events seq {self.expected_seq}–{seq - 1} are missing; the chain resumes at seq {seq}"
            self._add(Tamper.DELETED, self.expected_seq, None, detail)
            self._check_content(event)
        elif event.prev_hash != self.prev_hash:
            self._broken_link(event)
        else:
            self._check_content(event)
        if event.key_id and self.keyed_from is None:
            self.keyed_from = seq
        self.report.legacy += 0 if event.key_id else 1
        for cp in self.by_seq.get(seq, ()):
            if cp.hash == event.hash and cp.event_id == event.pk:
                self.matched.append(seq)
            else:
                self.mismatched.append((cp, event))
        self.prev_hash, self.expected_seq, self.last_seq = event.hash, seq + 1, seq
        self.report.checked += 1

    def _problem(self, event: AuditEvent) -> Problem | None:
        if not event.key_id and self.keyed_from is not None:
            return Tamper.CHANGED, f"it carries no key although the chain is keyed from seq {self.keyed_from}"
        return content_problem(event, self.ring)

    def _check_content(self, event: AuditEvent) -> None:
        problem = self._problem(event)
        if problem is None or (self.shift and self._verifies_at(event, (event.seq or 0) + self.shift)):
            return  # intact, or one more row of a renumbering already reported
        self._add(problem[0], event.seq, event.pk, problem[1])

    def _broken_link(self, event: AuditEvent) -> None:
        """The row does not link to the one before it: moved, its predecessor deleted, or changed."""
        problem = self._problem(event)
        predecessor = self._sealed_after(event)
        seq = event.seq or 0
        if problem is None:  # the row is intact: what changed is the row before it
            if predecessor is None:
                detail = "the event it was sealed after is gone (its link names a hash no longer in the chain)"
                self._add(Tamper.DELETED, seq, event.pk, detail)
            else:
                detail = f"it was sealed after seq {predecessor.seq} (id {predecessor.pk}), not after seq {seq - 1}"
                self._add(Tamper.REORDERED, seq, event.pk, detail)
            return
        original = (predecessor.seq or 0) + 1 if predecessor is not None else (1 if not event.prev_hash else None)
        if original is not None and original != seq and self._verifies_at(event, original):
            self._add(Tamper.REORDERED, seq, event.pk, f"it was sealed as seq {original} and moved here")
        elif predecessor is None and self._renumbered(event):
            detail = (
                f"it was sealed as seq {seq + self.shift}: the {self.shift} event(s) before it were deleted "
                "and the later ones renumbered to hide the gap"
            )
            self._add(Tamper.DELETED, seq, event.pk, detail)
        else:
            self._add(problem[0], seq, event.pk, problem[1])

    def _renumbered(self, event: AuditEvent) -> bool:
        """Whether the row verifies a few seqs further on: the rows before it were deleted and seqs closed up."""
        seq = event.seq or 0
        shift = next((n for n in range(1, _MAX_RENUMBER + 1) if self._verifies_at(event, seq + n)), 0)
        self.shift = shift
        return bool(shift)

    def _sealed_after(self, event: AuditEvent) -> AuditEvent | None:
        if not event.prev_hash or self.diagnoses <= 0:
            return None
        self.diagnoses -= 1
        return AuditEvent.objects.filter(hash=event.prev_hash).exclude(pk=event.pk).only("seq").first()

    def _verifies_at(self, event: AuditEvent, seq: int) -> bool:
        actual = event.seq
        event.seq = seq
        try:
            return self._problem(event) is None
        finally:
            event.seq = actual

    # --- the checkpoints ------------------------------------------------------------------------

    def finish(self) -> ChainReport:
        self._cut_tail()
        self._boundary()  # before _resealed: where the pre-key part ends pins a downgrade to its first row
        self._resealed()
        self.report.checkpoints = len(self.checkpoints)
        self.report.latest_checkpoint = max(self.checkpoints, key=lambda cp: cp.seq, default=None)
        return self.report

    def _cut_tail(self) -> None:
        beyond = [cp for cp in self.checkpoints if cp.seq > self.last_seq]
        if beyond:
            top = max(beyond, key=lambda cp: cp.seq)
            detail = (
                f"the chain ends at seq {self.last_seq}, but the checkpoint written {top.at} names seq {top.seq} "
                f"(id {top.event_id}): events seq {self.last_seq + 1}–{top.seq} were cut"
            )
            self._add(Tamper.CUT_TAIL, self.last_seq + 1, None, detail)

    def _resealed(self) -> None:
        if not self.mismatched:
            return
        cp, event = min(self.mismatched, key=lambda pair: pair[0].seq)
        anchor = max((seq for seq in self.matched if seq < cp.seq), default=0)
        first = AuditEvent.objects.filter(seq=anchor + 1).only("pk").first()
        since = f"after seq {anchor}, the last checkpoint it still matches" if anchor else "(no earlier checkpoint)"
        detail = (
            f"seq {cp.seq} no longer holds what the checkpoint written {cp.at} recorded (hash {cp.hash[:12]}…, "
            f"id {cp.event_id}; now {event.hash[:12]}…, id {event.pk}): the chain was rewritten and signed again "
            f"{since}"
        )
        self._add(Tamper.RESEALED, anchor + 1, first.pk if first else None, detail)

    def _boundary(self) -> None:
        """Every checkpoint recorded where the pre-key events end; a rewrite under the old rule moves it."""
        legacy_until = (self.keyed_from - 1) if self.keyed_from is not None else self.last_seq
        for cp in self.checkpoints:
            if cp.legacy_until != legacy_until and cp.seq <= self.last_seq:
                seq = min(cp.legacy_until, legacy_until) + 1
                first = AuditEvent.objects.filter(seq=seq).only("pk").first()
                detail = (
                    f"the checkpoint written {cp.at} says the events sealed before the audit keys end at seq "
                    f"{cp.legacy_until}; the chain now says seq {legacy_until}"
                )
                self._add(Tamper.RESEALED, seq, first.pk if first else None, detail)
                return
