"""A person's erasure (GDPR Article 17), audited, in one transaction.

Their account is anonymised in place (``erased-user-<id>``, no email or name,
an unusable password, inactive, no staff rights), their API keys revoked, their
memberships ended (never a workspace's last owner: accounts' last-owner rule),
their sessions and sign-in records deleted, and the audit trail pseudonymised
(raptorflow/audit/redaction.py) without breaking its chain.

The account row stays on purpose: runs they started, approvals they decided,
versions they published and keys they created point at it, so all of that
stays in its workspace, attributed to the erased user.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import reduce
from importlib import import_module
from operator import or_

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from raptorflow import context
from raptorflow.audit.actors import Actor
from raptorflow.audit.choices import Outcome
from raptorflow.audit.redaction import audit_forget_person
from raptorflow.audit.services import audit_log

from .models import APIKey, Membership, User
from .services import LastOwnerError, apikey_revoke, membership_remove

ERASED_PREFIX = "erased-user-"
# What a person types to confirm their own erasure through the API.
CONFIRMATION = "erase my account"
COUNTS = ("api_keys_revoked", "memberships_ended", "sessions_ended", "sign_in_records_deleted", "audit_events")


def erased_username(user: User) -> str:
    return f"{ERASED_PREFIX}{user.pk}"


def user_is_erased(user: User) -> bool:
    return user.get_username() == erased_username(user) and not user.has_usable_password()


def user_erase(*, user: User, actor: Actor) -> dict[str, int]:
    """Erase one person. Returns what was done, by count; erasing an erased person again does nothing.

    Refused with LastOwnerError (nothing changes) while they are the last owner
    of a workspace; the refusal is audited too. When people erase themselves,
    the events of their erasure carry neither their old name nor their address.
    """
    try:
        with transaction.atomic():
            return _erase(user, actor)
    except LastOwnerError as refused:
        changes = {"refused": [None, refused.code]}
        audit_log("user.erase", actor=actor, target=user, changes=changes, outcome=Outcome.DENIED)
        raise


def _erase(user: User, actor: Actor) -> dict[str, int]:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user_is_erased(user):
        return dict.fromkeys(COUNTS, 0)
    names = [user.get_username(), user.email]
    myself = actor.user is not None and actor.user.pk == user.pk
    _anonymise(user)
    if myself:
        actor = Actor.for_user(user)  # the label of every event below is the new name
    with context.bind(ip=None, user_agent="") if myself else nullcontext():
        counts = {
            "api_keys_revoked": sum(apikey_revoke(key=key, actor=actor) for key in _active_keys(user)),
            "memberships_ended": _leave_workspaces(user, actor),
            "sessions_ended": _end_sessions(user),
            "sign_in_records_deleted": _forget_sign_ins(names),
            "audit_events": audit_forget_person(user_id=user.pk, names=names),
        }
        audit_log("user.erase", actor=actor, target=user, changes={name: [None, n] for name, n in counts.items()})
    return counts


def _anonymise(user: User) -> None:
    user.username = erased_username(user)
    user.email = user.first_name = user.last_name = ""
    user.set_unusable_password()  # also voids every session: their auth hash derives from the password
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _active_keys(user: User) -> list[APIKey]:
    return list(APIKey.objects.filter(created_by=user, revoked_at__isnull=True).order_by("pk"))


def _leave_workspaces(user: User, actor: Actor) -> int:
    memberships = list(Membership.objects.filter(user=user).select_related("workspace").order_by("pk"))
    for membership in memberships:
        try:
            membership_remove(membership=membership, actor=actor)
        except LastOwnerError:
            message = (
                f"This person is the last owner of the workspace '{membership.workspace.slug}': make another "
                "member an owner there (or delete the workspace) first."
            )
            raise LastOwnerError(message=message) from None
    return len(memberships)


def _end_sessions(user: User) -> int:
    """Delete their stored sessions (database-backed engines); others are void anyway (see _anonymise)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store, "get_model_class", None)
    if get_model_class is None:
        return 0
    model = get_model_class()
    live = model.objects.filter(expire_date__gt=timezone.now())
    ended = [s.pk for s in live.iterator() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    model.objects.filter(pk__in=ended).delete()
    return len(ended)


def _forget_sign_ins(names: list[str]) -> int:
    """django-axes keeps sign-in attempts and successes by username, address and user agent."""
    typed = [Q(username__iexact=name) for name in names if name]
    if not typed:
        return 0
    query = reduce(or_, typed)
    return sum(model.objects.filter(query).delete()[0] for model in (AccessAttempt, AccessFailureLog, AccessLog))
