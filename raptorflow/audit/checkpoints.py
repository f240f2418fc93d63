"""Signed checkpoints of the chain's head, written outside the database (docs/decisions/0021).

A checkpoint says "at this time the chain's event ``seq`` had hash ``hash``",
signed with the newest audit key. Whoever can rewrite the database cannot take
back what went to the sink, so verification finds a cut tail (the head a
checkpoint names is gone) and a chain re-sealed even with the key (the event a
checkpoint names has another hash now).

Sinks: ``file`` appends JSON lines (development); ``syslog`` sends each
checkpoint to a syslog daemon that forwards it to a log host (production),
whose copy verification reads from ``RAPTORFLOW_AUDIT_CHECKPOINT_COPY`` or
``audit_verify --checkpoints``. A line in either place holds the same JSON
object, after any syslog prefix.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from .keys import AuditKey, KeyRing

MARKER = "raptorflow.audit.checkpoint"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    event_id: int
    legacy_until: int  # the last seq sealed before the keys (0: none); a rewrite below it shows here
    at: str  # ISO 8601, UTC
    key: str  # the id of the key that signed it
    sig: str = ""

    def _payload(self) -> bytes:
        body = {name: value for name, value in asdict(self).items() if name != "sig"}
        return json.dumps({"type": MARKER, "v": VERSION, **body}, sort_keys=True, separators=(",", ":")).encode()

    def signed(self, key: AuditKey) -> Checkpoint:
        unsigned = replace(self, key=key.id, sig="")
        return replace(unsigned, sig=key.mac(b"checkpoint", unsigned._payload()))

    def signature_ok(self, ring: KeyRing) -> bool:
        key = ring.get(self.key)
        return key is not None and key.mac(b"checkpoint", replace(self, sig="")._payload()) == self.sig

    def line(self) -> str:
        return json.dumps({"type": MARKER, "v": VERSION, **asdict(self)}, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class UnreadableCheckpoint:
    line_number: int
    reason: str


def parse_checkpoints(lines: Iterable[str]) -> tuple[list[Checkpoint], list[UnreadableCheckpoint]]:
    """Checkpoints from sink lines (JSON lines, or syslog lines with the JSON after a prefix); skips other lines."""
    found: list[Checkpoint] = []
    unreadable: list[UnreadableCheckpoint] = []
    for number, line in enumerate(lines, start=1):
        if MARKER not in line:
            continue
        try:
            # Syslog over TCP or to some daemons ends a message with NUL; the JSON is whatever follows the prefix.
            found.append(_checkpoint(json.loads(line[line.index("{") :].strip().rstrip("\x00"))))
        except (ValueError, TypeError, KeyError):
            unreadable.append(UnreadableCheckpoint(number, "not a checkpoint the verifier can read"))
    return found, unreadable


def _checkpoint(data: dict[str, Any]) -> Checkpoint:
    if data.get("type") != MARKER or data.get("v") != VERSION:
        raise ValueError("not a checkpoint")
    return Checkpoint(
        seq=int(data["seq"]),
        hash=str(data["hash"]),
        event_id=int(data["event_id"]),
        legacy_until=int(data["legacy_until"]),
        at=str(data["at"]),
        key=str(data["key"]),
        sig=str(data["sig"]),
    )


# --- sinks ----------------------------------------------------------------------------------------


class CheckpointSink(Protocol):
    description: str

    def write(self, line: str) -> None: ...

    def lines(self) -> Iterator[str]: ...


class FileSink:
    """Appends one JSON line per checkpoint (O_APPEND, fsynced); development's sink, and any readable copy."""

    def __init__(self, path: Path):
        self.path = path
        self.description = f"file {path}"

    def write(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def lines(self) -> Iterator[str]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            yield from handle


class _RaisingSysLogHandler(logging.handlers.SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        # Called inside emit's except block: re-raise, so the sealer knows the checkpoint was not written
        # (the default prints the error and carries on).
        raise


class SyslogSink:
    """Sends each checkpoint to syslog (production). Reading needs a copy of the log host's file."""

    def __init__(self, address: str, facility: str, copy: Path | None):
        self.address = address
        self.facility = facility
        self.copy = copy
        self.description = f"syslog {address} ({facility})" + (f", read from {copy}" if copy else "")

    def write(self, line: str) -> None:
        address, socktype = _syslog_address(self.address)
        handler = _RaisingSysLogHandler(address=address, facility=self.facility, socktype=socktype)
        handler.ident = "raptorflow-audit: "
        try:
            handler.emit(logging.LogRecord("raptorflow.audit", logging.INFO, __file__, 0, line, None, None))
        finally:
            handler.close()

    def lines(self) -> Iterator[str]:
        return FileSink(self.copy).lines() if self.copy else iter(())


def _syslog_address(value: str) -> tuple[str | tuple[str, int], socket.SocketKind]:
    """``/dev/log`` (a Unix socket), ``host:port`` or ``udp://host:port`` (UDP), ``tcp://host:port`` (TCP).

    The settings refuse any other spelling at start-up (raptorflow/settings/security.py).
    """
    if value.startswith("/"):
        return value, socket.SOCK_DGRAM
    scheme, _, rest = value.rpartition("://")
    host, _, port = rest.rpartition(":")
    socktype = socket.SOCK_STREAM if scheme == "tcp" else socket.SOCK_DGRAM
    return ((host or rest).strip("[]"), int(port or 514)), socktype  # [2001:db8::1]:514 names an IPv6 host


def configured_sink() -> CheckpointSink | None:
    """The sink of RAPTORFLOW_AUDIT_CHECKPOINT_SINK, or None when checkpoints are off (tests only)."""
    kind = settings.RAPTORFLOW_AUDIT_CHECKPOINT_SINK
    if kind == "file":
        return FileSink(settings.RAPTORFLOW_AUDIT_CHECKPOINT_FILE)
    if kind == "syslog":
        return SyslogSink(
            settings.RAPTORFLOW_AUDIT_SYSLOG_ADDRESS,
            settings.RAPTORFLOW_AUDIT_SYSLOG_FACILITY,
            settings.RAPTORFLOW_AUDIT_CHECKPOINT_COPY,
        )
    return None
