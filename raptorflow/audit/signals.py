"""Sign-in events into the audit trail: success, failure and lockout (django-axes)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .actors import Actor
from .choices import Outcome
from .services import audit_log

ANONYMOUS = Actor.system("anonymous")


def _username(credentials: dict | None) -> str:
    # Django has already masked the password in `credentials`; only the username is kept.
    return str((credentials or {}).get("username", ""))[:150]


@receiver(user_logged_in, dispatch_uid="audit.login")
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_log("auth.login", actor=Actor.for_user(user), target=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    audit_log(
        "auth.login_failed",
        actor=ANONYMOUS,
        changes={"username": [None, _username(credentials)]},
        outcome=Outcome.FAILURE,
    )


@receiver(user_locked_out, dispatch_uid="audit.lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit_log(
        "auth.lockout",
        actor=ANONYMOUS,
        # The address is the event's own (pseudonymised after the retention); not repeated in the changes.
        changes={"username": [None, str(username or "")[:150]]},
        outcome=Outcome.DENIED,
    )
