"""Data rights: export a workspace whole, and delete it whole; export what concerns one person, and erase them.

Services behind "give me my data" and "forget me", all audited. The platform
knows only its own tables (workspace, members, keys, audit trail); every app
that keeps workspace data adds its part in its ``AppConfig.ready()`` through
``export_section_register`` and ``cascade_register`` (the agents app: runs
with their steps, events and approvals; analytics: daily rollups), and what it
keeps about a person through ``person_section_register`` (the agents app: the
runs they started). The export walks tables in bounded pieces, so a workspace
with millions of steps never fills the memory of the process. Purging old run
details, a retention rule about runs, is the runs package's
(agents/runs/retention.py); pseudonymising old client addresses in the audit
trail is the audit app's (raptorflow/audit/redaction.py). A person's erasure
is in raptorflow/accounts/erasure.py.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.services import audit_log

from .models import APIKey, Membership, User, Workspace

EXPORT_FORMAT = "raptorflow.workspace-export"
PERSON_EXPORT_FORMAT = "raptorflow.person-export"
# Bump when a field is renamed or removed (adding one is compatible); readers check it.
EXPORT_VERSION = 1
EXPORT_ROW_CHUNK = 2000
# The streamed export is handed out in pieces of about this many characters.
STREAM_PIECE = 64 * 1024

WORKSPACE_FIELDS = ("name", "slug", "monthly_budget", "foundation", "created_at", "updated_at")
ACCOUNT_FIELDS = ("username", "email", "first_name", "last_name", "date_joined", "last_login", "is_active", "is_staff")
APIKEY_FIELDS = ("name", "prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at")  # never the hash
AUDIT_FIELDS = (
    "id", "seq", "created_at", "actor_type", "actor_label", "action", "target_type", "target_id", "target_repr",
    "changes", "ip", "user_agent", "request_id", "outcome", "hash",
)  # fmt: skip


# --- what each app contributes ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportSection:
    """A list in the export document: ``rows(workspace)`` yields its JSON-safe rows lazily."""

    name: str
    rows: Callable[[Workspace], Iterator[dict[str, Any]]]
    order: int


@dataclass(frozen=True, slots=True)
class Cascade:
    """Rows a workspace deletion takes with it: ``model`` rows whose ``lookup`` leads to the workspace."""

    name: str
    model: type[models.Model]
    lookup: str
    order: int


@dataclass(frozen=True, slots=True)
class PersonSection:
    """A list in a person's export: ``rows(user)`` yields, lazily, the JSON-safe rows an app keeps about them."""

    name: str
    rows: Callable[[User], Iterator[dict[str, Any]]]
    order: int


_SECTIONS: dict[str, ExportSection] = {}
_CASCADES: dict[str, Cascade] = {}
_PERSON_SECTIONS: dict[str, PersonSection] = {}


def export_section_register(name: str, rows: Callable[[Workspace], Iterator[dict[str, Any]]], *, order: int) -> None:
    """Add a list to every workspace export (the platform's own: memberships 10, api_keys 20, audit_events 90)."""
    _SECTIONS[name] = ExportSection(name, rows, order)


def cascade_register(name: str, model: type[models.Model], lookup: str, *, order: int) -> None:
    """Count ``model`` rows in a workspace deletion's audit record (the database cascade deletes them)."""
    _CASCADES[name] = Cascade(name, model, lookup, order)


def person_section_register(name: str, rows: Callable[[User], Iterator[dict[str, Any]]], *, order: int) -> None:
    """Add a list to every person's export (the platform's own: memberships 10, api_keys 20, audit_events 90)."""
    _PERSON_SECTIONS[name] = PersonSection(name, rows, order)


def person_sections() -> list[PersonSection]:
    return sorted(_PERSON_SECTIONS.values(), key=lambda section: section.order)


def export_sections() -> list[ExportSection]:
    return sorted(_SECTIONS.values(), key=lambda section: section.order)


def cascades() -> list[Cascade]:
    return sorted(_CASCADES.values(), key=lambda cascade: cascade.order)


# --- export -----------------------------------------------------------------------------------


def workspace_export(*, workspace: Workspace, actor: Actor) -> dict[str, Any]:
    """Everything of one workspace as one JSON-safe dict. Audited as ``workspace.export``.

    Holds the whole document in memory: right for tests, the admin and small
    workspaces. The API and the command use ``workspace_export_stream``.
    """
    _audit_export(workspace, actor)
    return {name: list(value) if isinstance(value, Iterator) else value for name, value in _sections(workspace)}


def workspace_export_stream(*, workspace: Workspace, actor: Actor) -> Iterator[str]:
    """The same document as JSON text in pieces, for a streamed download of any size.

    The export is audited here, before the first byte: the record of who took
    the data must not depend on the client reading the download to its end.
    """
    _audit_export(workspace, actor)
    return _pieces(_json_text(_sections(workspace)))


def export_filename(workspace: Workspace) -> str:
    """The download's name: whose data, and from which day (UTC)."""
    return f"{workspace.slug}-export-{timezone.now():%Y-%m-%d}.json"


def _audit_export(workspace: Workspace, actor: Actor) -> None:
    changes = {"format_version": [None, EXPORT_VERSION]}
    audit_log("workspace.export", actor=actor, workspace=workspace, target=workspace, changes=changes)


def _sections(workspace: Workspace) -> Iterator[tuple[str, Any]]:
    """(name, value) in document order; lists are lazy iterators of rows, so nothing is read before it is needed."""
    yield "format", EXPORT_FORMAT
    yield "format_version", EXPORT_VERSION
    yield "exported_at", timezone.now().isoformat()
    yield "workspace", export_row(workspace, WORKSPACE_FIELDS)
    for section in export_sections():
        yield section.name, section.rows(workspace)


def _memberships(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = Membership.objects.filter(workspace=workspace).select_related("user").order_by("created_at", "pk")
    for membership in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        user = membership.user
        yield {
            "username": user.get_username(),
            "email": user.email,
            "role": membership.role,
            "created_at": _plain(membership.created_at),
        }


def _api_keys(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = APIKey.objects.filter(workspace=workspace).select_related("created_by").order_by("created_at", "pk")
    for key in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield {**export_row(key, APIKEY_FIELDS), "created_by": export_username(key.created_by)}


def _audit_events(workspace: Workspace) -> Iterator[dict[str, Any]]:
    rows = AuditEvent.objects.filter(workspace_id=workspace.pk).order_by("id")
    for event in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield export_row(event, AUDIT_FIELDS)


def export_row(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a row, JSON-safe (for export sections)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value: Any) -> Any:
    """Dates, decimals and UUIDs as strings; JSON fields are JSON already."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def export_username(user: Any) -> str | None:
    """How an export names a person: by username (never the user id)."""
    return user.get_username() if user is not None else None


def _json_text(sections: Iterator[tuple[str, Any]]) -> Iterator[str]:
    """Write the document as it is read: an object whose list members are written row by row."""
    yield "{"
    for index, (name, value) in enumerate(sections):
        yield ("," if index else "") + _dumps(name) + ":"
        if isinstance(value, Iterator):
            yield "["
            for position, row in enumerate(value):
                yield ("," if position else "") + _dumps(row)
            yield "]"
        else:
            yield _dumps(value)
    yield "}\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _pieces(texts: Iterator[str]) -> Iterator[str]:
    """Join many small strings into pieces of about STREAM_PIECE: one socket write per piece, not per row."""
    buffer: list[str] = []
    size = 0
    for text in texts:
        buffer.append(text)
        size += len(text)
        if size >= STREAM_PIECE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


# --- a person's export (GDPR Article 15) -------------------------------------------------------


def user_export_stream(*, user: User, actor: Actor) -> Iterator[str]:
    """What Raptorflow holds about one person, as JSON text in pieces: their account, memberships, the keys
    they created (never a hash or secret), what the apps register (their runs) and the audit events they are
    the actor of. Audited as ``user.export`` before the first byte."""
    changes = {"format_version": [None, EXPORT_VERSION]}
    audit_log("user.export", actor=actor, target=user, changes=changes)
    return _pieces(_json_text(_person_document(user)))


def user_export_filename(user: User) -> str:
    return f"{user.get_username()}-personal-data-{timezone.now():%Y-%m-%d}.json"


def _person_document(user: User) -> Iterator[tuple[str, Any]]:
    yield "format", PERSON_EXPORT_FORMAT
    yield "format_version", EXPORT_VERSION
    yield "exported_at", timezone.now().isoformat()
    yield "account", export_row(user, ACCOUNT_FIELDS)
    for section in person_sections():
        yield section.name, section.rows(user)


def _person_memberships(user: User) -> Iterator[dict[str, Any]]:
    rows = Membership.objects.filter(user=user).select_related("workspace").order_by("created_at", "pk")
    for membership in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        workspace = membership.workspace
        yield {
            "workspace": workspace.slug,
            "workspace_name": workspace.name,
            "role": membership.role,
            "created_at": _plain(membership.created_at),
        }


def _person_api_keys(user: User) -> Iterator[dict[str, Any]]:
    rows = APIKey.objects.filter(created_by=user).select_related("workspace").order_by("created_at", "pk")
    for key in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield {"workspace": key.workspace.slug, **export_row(key, APIKEY_FIELDS)}


def _person_audit_events(user: User) -> Iterator[dict[str, Any]]:
    rows = AuditEvent.objects.filter(actor_user_id=user.pk).select_related("workspace").order_by("id")
    for event in rows.iterator(chunk_size=EXPORT_ROW_CHUNK):
        yield {**export_row(event, AUDIT_FIELDS), "workspace": event.workspace.slug if event.workspace else None}


# --- delete -----------------------------------------------------------------------------------


def workspace_contents(workspace: Workspace) -> dict[str, int]:
    """How many rows of each kind a deletion of the workspace takes with it (for the audit and the admin)."""
    return {c.name: c.model._default_manager.filter(**{c.lookup: workspace}).count() for c in cascades()}


@transaction.atomic
def workspace_delete(*, workspace: Workspace, actor: Actor) -> dict[str, int]:
    """Delete a workspace with its runs, steps, events, approvals, members, keys and rollups, in one transaction.

    Audited as ``workspace.delete`` with the count of each kind. Audit events
    about the workspace stay: their foreign keys carry no database constraint
    and never cascade, so the trail (and its hash chain) outlives the data.
    Returns the counts.
    """
    # The row lock makes a second deletion wait, then find nothing (and audit nothing); on PostgreSQL it also
    # holds back new runs, whose foreign key needs a share lock on this row, so the counts are exact.
    if not Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk", flat=True):
        return {cascade.name: 0 for cascade in cascades()}
    counts = workspace_contents(workspace)
    target = copy.copy(workspace)  # delete() clears the pk of the instance it is given; the audit needs it
    audit_log(
        "workspace.delete",
        actor=actor,
        workspace=workspace.pk,
        target=target,
        changes={"name": [workspace.name, None], "slug": [workspace.slug, None]}
        | {name: [count, 0] for name, count in counts.items()},
    )
    workspace.delete()
    return counts


# The platform's own parts of every export and deletion; the apps add theirs in ready().
export_section_register("memberships", _memberships, order=10)
export_section_register("api_keys", _api_keys, order=20)
export_section_register("audit_events", _audit_events, order=90)
person_section_register("memberships", _person_memberships, order=10)
person_section_register("api_keys", _person_api_keys, order=20)
person_section_register("audit_events", _person_audit_events, order=90)
cascade_register("memberships", Membership, "workspace", order=50)
cascade_register("api_keys", APIKey, "workspace", order=60)
