"""Writes for workspaces, memberships and API keys. Each one is atomic and audited."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.errors import ServiceError, UnprocessableError

from .choices import Role, Scope
from .models import APIKey, Membership, User, Workspace, hash_api_key
from .selectors import apikey_cache_forget
from .timezones import known_timezones


class ScopeError(ServiceError, ValueError):
    """An API key was asked for a scope that does not exist."""

    default_code = "invalid_input"

    def __init__(self, message: str):
        super().__init__(message=message, errors={"scopes": [message]})


class LastOwnerError(ServiceError):
    """The change would leave a workspace without an owner."""

    http_status = 409
    default_code = "last_owner"
    default_message = "The workspace's last owner cannot be removed or demoted; make another owner first."


class WorkspaceConflictError(ServiceError):
    """A workspace with this slug exists already, or the person already owns as many as they may."""

    http_status = 409
    default_code = "slug_taken"


def workspace_create_owned(*, name: str, owner: User, actor: Actor, slug: str = "", **fields: Any) -> Workspace:
    """A person makes a workspace of their own: they become its owner. At most ``RAPTORFLOW_MAX_OWNED_WORKSPACES``
    per person, staff excepted (a signed-in account must not mint workspaces without end); a slug already taken is a
    conflict, not a validation error, so the caller can pick another."""
    slug = slug or slugify(name)[:80]
    if not slug:
        raise UnprocessableError("slug_needed", "The name has no letter or digit to make a slug from; give a slug.")
    taken = WorkspaceConflictError(message=f"The slug {slug!r} is taken; choose another.")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner.pk).first()  # one creation per person at a time
        owned = Membership.objects.filter(user=owner, role=Role.OWNER).count()
        if owned >= settings.RAPTORFLOW_MAX_OWNED_WORKSPACES and not owner.is_staff:
            raise WorkspaceConflictError(
                "workspace_limit", f"You own {owned} workspaces, the most one person may; delete one or ask staff."
            )
        if Workspace.objects.filter(slug=slug).exists():
            raise taken
        try:
            with transaction.atomic():  # a savepoint: another request may take the slug between check and insert
                return workspace_create(name=name, slug=slug, owner=owner, actor=actor, **fields)
        except IntegrityError:
            raise taken from None


def _ensure_another_owner(membership: Membership) -> None:
    """Refuse to take away the last owner. Owner rows are locked so that two owners
    demoting each other at once take turns, and the second sees it would leave none."""
    owners = list(
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [membership.pk]:
        raise LastOwnerError()


@transaction.atomic
def workspace_create(
    *,
    name: str,
    actor: Actor,
    owner: User | None = None,
    slug: str = "",
    foundation: dict[str, Any] | None = None,
    monthly_budget: Decimal | None = None,
) -> Workspace:
    workspace = Workspace(name=name, slug=slug or slugify(name)[:80], foundation=foundation or {})
    if monthly_budget is not None:
        workspace.monthly_budget = monthly_budget
    workspace.full_clean()
    workspace.save()
    audit_log("workspace.create", actor=actor, workspace=workspace, target=workspace, changes={"name": [None, name]})
    if owner is not None:
        membership_set(workspace=workspace, user=owner, role=Role.OWNER, actor=actor)
    return workspace


@transaction.atomic
def workspace_update_foundation(*, workspace: Workspace, foundation: dict[str, Any], actor: Actor) -> Workspace:
    before = workspace.foundation
    workspace.foundation = foundation
    workspace.full_clean()
    workspace.save(update_fields=["foundation", "updated_at"])
    audit_log(
        "workspace.foundation_update",
        actor=actor,
        workspace=workspace,
        target=workspace,
        changes={"foundation": [before, foundation]},
    )
    return workspace


# What workspace_update may change; the foundation has its own service (it is validated and audited whole).
WORKSPACE_UPDATABLE_FIELDS = frozenset({"name", "monthly_budget", "timezone"})


@transaction.atomic
def workspace_update(*, workspace: Workspace, actor: Actor, **fields: Any) -> Workspace:
    """Change a workspace's name, monthly budget or time zone; audits only the fields that really changed.

    Unknown fields are a programming error (TypeError), so a typo cannot pass silently.
    """
    unknown = set(fields) - WORKSPACE_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"workspace_update cannot change {', '.join(sorted(unknown))}")
    if "timezone" in fields and fields["timezone"] not in known_timezones():
        message = f"{fields['timezone']!r} is not an IANA time zone name (for example Europe/Paris or UTC)."
        raise UnprocessableError("invalid_timezone", message, {"timezone": [message]})
    changes = {name: [getattr(workspace, name), value] for name, value in fields.items()}
    changes = {name: pair for name, pair in changes.items() if pair[0] != pair[1]}
    if not changes:
        return workspace
    for name, (_before, after) in changes.items():
        setattr(workspace, name, after)
    workspace.full_clean()
    workspace.save(update_fields=[*changes, "updated_at"])
    audit_log("workspace.update", actor=actor, workspace=workspace, target=workspace, changes=changes)
    return workspace


@transaction.atomic
def membership_set(*, workspace: Workspace, user: User, role: str, actor: Actor) -> Membership:
    """Add a user to a workspace, or change their role there."""
    membership, created = Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})
    if created:
        audit_log(
            "membership.create", actor=actor, workspace=workspace, target=membership, changes={"role": [None, role]}
        )
    elif membership.role != role:
        if membership.role == Role.OWNER:
            _ensure_another_owner(membership)
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_log(
            "membership.update", actor=actor, workspace=workspace, target=membership, changes={"role": [before, role]}
        )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    audit_log(
        "membership.delete",
        actor=actor,
        workspace=membership.workspace_id,
        target=membership,
        changes={"role": [membership.role, None]},
    )
    membership.delete()


def _validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ScopeError(f"Unknown scope(s): {', '.join(unknown)}. Known: {', '.join(Scope.values)}.")
    return sorted(set(scopes))


@transaction.atomic
def apikey_create(
    *,
    workspace: Workspace,
    name: str,
    scopes: list[str],
    actor: Actor,
    expires_at: datetime | None = None,
) -> tuple[APIKey, str]:
    """Create a key. Returns the key and its plaintext, which is not stored and cannot be shown again."""
    prefix = secrets.token_hex(6)
    plaintext = f"{APIKey.PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = APIKey.objects.create(
        workspace=workspace,
        name=name,
        prefix=prefix,
        secret_hash=hash_api_key(plaintext),
        scopes=_validate_scopes(scopes),
        created_by=actor.user,
        expires_at=expires_at,
    )
    audit_log(
        "apikey.create",
        actor=actor,
        workspace=workspace,
        target=key,
        changes={"scopes": [None, key.scopes], "expires_at": [None, expires_at]},
    )
    return key, plaintext


@transaction.atomic
def apikey_revoke(*, key: APIKey, actor: Actor) -> bool:
    """Revoke a key. Returns False when it was already revoked (nothing changes then)."""
    now = timezone.now()
    if not APIKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    key.revoked_at = now
    apikey_cache_forget([key.prefix])
    audit_log("apikey.revoke", actor=actor, workspace=key.workspace_id, target=key, changes={"revoked_at": [None, now]})
    return True
