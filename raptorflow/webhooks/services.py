"""Writes for webhooks: emitting events, endpoints (with their secrets), deliveries and their attempts.

The domain apps call ``emit``; it records one Delivery per subscribed active endpoint in the caller's transaction
and sends them once it commits. Every attempt is claimed with one conditional UPDATE, so a task sent twice (by
the sweep, or a broker that redelivers) sends once. Retry schedule and disabling rule: decision 0029.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.db import cache_forget, update_returning
from raptorflow.errors import UnprocessableError
from raptorflow.llm.crypto import SecretDecryptionError
from raptorflow.queues import QueueName

from .choices import DeliveryStatus, EventType
from .models import Delivery, Endpoint, Message
from .sending import Attempt, attempt_send, url_problem
from .signing import secret_generate

logger = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.deliver"
# Longer waits are not handed to the broker as a countdown (Redis redelivers unacknowledged messages after its
# visibility timeout): the sweep sends them when due.
COUNTDOWN_MAX_SECONDS = 600
WEBHOOKS_ACTOR = Actor.system("webhooks")
_BATCH = 500


class WebhookRefused(UnprocessableError):
    """A webhook request the rules refuse (422)."""


# --- Emitting --------------------------------------------------------------------------------------

# The event types a workspace's active endpoints subscribe to, in the shared cache: most runs end in workspaces
# with no endpoint, and a run's end should not cost them a query. Forgotten by every write to an endpoint, now and
# at its commit (raptorflow.db.cache_forget); a read racing a write can keep an old answer until the timeout.
SUBSCRIBED_KEY = "webhook-subscribed:v1:{}"
SUBSCRIBED_TIMEOUT = 60


def subscribed(workspace_id: int, event_type: str) -> bool:
    """Whether an active endpoint of the workspace subscribes to ``event_type`` (from the cache when it can)."""
    key = SUBSCRIBED_KEY.format(workspace_id)
    types = cache.get(key)
    if types is None:
        rows = Endpoint.objects.filter(workspace_id=workspace_id, active=True).values_list("event_types", flat=True)
        types = sorted({event for events in rows for event in events})
        cache.set(key, types, SUBSCRIBED_TIMEOUT)
    return event_type in types


def _subscriptions_changed(workspace_id: int) -> None:
    cache_forget([SUBSCRIBED_KEY.format(workspace_id)])


def emit(
    workspace_id: int,
    event_type: str,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    *,
    once_key: str | None = None,
) -> Message | None:
    """Record ``event_type`` for every active endpoint of the workspace that subscribes to it, in the caller's
    transaction; the deliveries are sent once it commits. Returns the message, or None when nobody subscribes.

    With ``once_key`` the event happens at most once per workspace and key, subscribers or not (a second call
    returns None); the key is recorded even when nobody subscribes, so an endpoint added later does not receive
    an old event. ``data`` may be a function, called only when the event is recorded."""
    event_type = EventType(event_type)
    if once_key is None and not subscribed(workspace_id, event_type):
        return None
    if once_key is not None and Message.objects.filter(workspace_id=workspace_id, once_key=once_key).exists():
        return None
    endpoints = [
        e for e in Endpoint.objects.filter(workspace_id=workspace_id, active=True) if e.subscribes_to(event_type)
    ]
    if not endpoints and once_key is None:
        return None
    now = timezone.now()
    payload = data() if callable(data) else data
    body = {"type": event_type.value, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": payload}
    try:
        with transaction.atomic():  # a savepoint: a key taken already must not fail the caller's transaction
            message = Message.objects.create(
                workspace_id=workspace_id,
                event_type=event_type,
                body=json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":")),
                once_key=once_key,
            )
    except IntegrityError:
        return None
    deliveries = Delivery.objects.bulk_create(
        [Delivery(message=message, endpoint=endpoint, next_attempt_at=now) for endpoint in endpoints]
    )
    _send_on_commit(deliveries)
    return message


def _send_on_commit(deliveries: list[Delivery], countdown: float = 0) -> None:
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: [delivery_enqueue(pk, countdown) for pk in ids])


def delivery_enqueue(delivery_id: int, countdown: float = 0) -> bool:
    """Send a delivery to a worker. A broker failure is logged, not raised: the sweep sends it again."""
    from raptorflow.celery import app

    try:
        app.send_task(DELIVER_TASK, args=[delivery_id], queue=QueueName.WEBHOOKS, countdown=countdown or None)
    except Exception:
        logger.warning("Could not enqueue webhook delivery %s; the sweep will retry", delivery_id, exc_info=True)
        return False
    return True


# --- Endpoints -------------------------------------------------------------------------------------


def _check_endpoint(url: str, event_types: list[str]) -> None:
    problems: dict[str, list[str]] = {}
    if problem := url_problem(url):
        problems["url"] = [problem]
    if not event_types:
        problems["event_types"] = ["Subscribe to at least one event type."]
    if problems:
        raise WebhookRefused("endpoint_refused", next(iter(problems.values()))[0], problems)


def endpoint_create(
    *, workspace: Any, url: str, event_types: list[str], actor: Actor, description: str = ""
) -> tuple[Endpoint, str]:
    """A new active endpoint with a new secret. Returns it and the secret, which is shown this once."""
    _check_endpoint(url, event_types)
    secret = secret_generate()
    endpoint = Endpoint(
        workspace=workspace,
        url=url,
        description=description,
        event_types=sorted(set(event_types)),
        created_by=actor.user,
    )
    endpoint.set_secret(secret)
    with transaction.atomic():
        endpoint.save()
        _subscriptions_changed(endpoint.workspace_id)
        audit_log(
            "webhook_endpoint.create", actor=actor, workspace=workspace, target=endpoint, changes=_shown(endpoint)
        )
    return endpoint, secret


def _shown(endpoint: Endpoint) -> dict[str, Any]:
    return {"url": endpoint.url, "event_types": endpoint.event_types, "active": endpoint.active}


def endpoint_update(*, endpoint: Endpoint, actor: Actor, **changes: Any) -> Endpoint:
    """Change url, description, event types or the active flag. Turning an endpoint on again clears why it was
    disabled and its failure count."""
    _check_endpoint(changes.get("url", endpoint.url), changes.get("event_types", endpoint.event_types))
    if "event_types" in changes:
        changes["event_types"] = sorted(set(changes["event_types"]))
    before = _shown(endpoint) | {"description": endpoint.description}
    for name, value in changes.items():
        setattr(endpoint, name, value)
    if changes.get("active") is True:
        endpoint.disabled_reason, endpoint.disabled_at = "", None
        endpoint.failing_since, endpoint.consecutive_failures = None, 0
    after = _shown(endpoint) | {"description": endpoint.description}
    with transaction.atomic():
        endpoint.save()
        _subscriptions_changed(endpoint.workspace_id)
        diff = {key: [before[key], value] for key, value in after.items() if before[key] != value}
        audit_log(
            "webhook_endpoint.update", actor=actor, workspace=endpoint.workspace_id, target=endpoint, changes=diff
        )
    return endpoint


def endpoint_delete(*, endpoint: Endpoint, actor: Actor) -> None:
    """Delete an endpoint with its delivery log."""
    with transaction.atomic():
        audit_log(
            "webhook_endpoint.delete",
            actor=actor,
            workspace=endpoint.workspace_id,
            target=endpoint,
            changes=_shown(endpoint),
        )
        endpoint.delete()
        _subscriptions_changed(endpoint.workspace_id)


def endpoint_rotate_secret(*, endpoint: Endpoint, actor: Actor) -> tuple[Endpoint, str]:
    """A new secret, returned this once. The current one becomes the previous secret and keeps signing beside the
    new one for RAPTORFLOW_WEBHOOKS_SECRET_GRACE_HOURS (a previous secret still in its grace period is dropped)."""
    secret = secret_generate()
    grace = timedelta(hours=settings.RAPTORFLOW_WEBHOOKS_SECRET_GRACE_HOURS)
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.previous_secret_expires_at = timezone.now() + grace
        endpoint.set_secret(secret)
        endpoint.save()
        changes = {"previous_secret_expires_at": endpoint.previous_secret_expires_at}
        audit_log(
            "webhook_endpoint.rotate_secret",
            actor=actor,
            workspace=endpoint.workspace_id,
            target=endpoint,
            changes=changes,
        )
    return endpoint, secret


def endpoint_disable(*, endpoint_id: int, reason: str, actor: Actor = WEBHOOKS_ACTOR) -> bool:
    """Turn an active endpoint off, saying why. Returns whether it was active."""
    now = timezone.now()
    with transaction.atomic():
        if not Endpoint.objects.filter(pk=endpoint_id, active=True).update(
            active=False, disabled_reason=reason[:300], disabled_at=now
        ):
            return False
        endpoint = Endpoint.objects.get(pk=endpoint_id)
        _subscriptions_changed(endpoint.workspace_id)
        audit_log(
            "webhook_endpoint.disable",
            actor=actor,
            workspace=endpoint.workspace_id,
            target=endpoint,
            changes={"reason": reason},
        )
    return True


# --- Deliveries ------------------------------------------------------------------------------------


def retry_delays() -> list[float]:
    """Seconds to wait after each failed attempt; one attempt more than there are delays (decision 0029)."""
    return [float(delay) for delay in settings.RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE]


def max_attempts() -> int:
    return len(retry_delays()) + 1


def delivery_replay(*, delivery: Delivery, actor: Actor) -> Delivery:
    """Send a delivery's message to its endpoint again, as a new delivery with the full retry schedule and the same
    ``webhook-id`` (it is the same message: a receiver that drops duplicates drops it)."""
    endpoint = delivery.endpoint
    if not endpoint.active:
        raise WebhookRefused("endpoint_inactive", "The endpoint is disabled: turn it on before replaying to it.")
    with transaction.atomic():
        replay = Delivery.objects.create(
            message_id=delivery.message_id, endpoint=endpoint, replay_of=delivery, next_attempt_at=timezone.now()
        )
        changes = {"replay_of": delivery.pk, "message": delivery.message.webhook_id}
        audit_log(
            "webhook_delivery.replay", actor=actor, workspace=endpoint.workspace_id, target=replay, changes=changes
        )
        _send_on_commit([replay])
    return replay


def delivery_attempt(delivery_id: int) -> str:
    """Make the delivery's next attempt if it is due (the worker's side). Returns what happened."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.RAPTORFLOW_WEBHOOKS_TIMEOUT_SECONDS + 60)
    due = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now, attempts__lt=max_attempts()
    )
    # Claimed: a second copy of this task finds next_attempt_at in the future. A worker that dies mid-attempt
    # leaves the lease to expire, and the sweep sends the delivery again.
    claimed = update_returning(
        due, ("attempts",), attempts=F("attempts") + 1, next_attempt_at=lease, last_attempt_at=now
    )
    if not claimed:
        return _give_up_if_exhausted(delivery_id)
    number = int(claimed[0][0])
    delivery = Delivery.objects.select_related("message", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        return _finish(delivery, number, Attempt({}, error="the endpoint is disabled"), now, final=True)
    try:
        signing_secrets = endpoint.secrets()
    except SecretDecryptionError as exc:
        return _record(delivery, number, Attempt({}, error=str(exc)[:500]), now)
    attempt = attempt_send(endpoint.url, delivery.message.webhook_id, delivery.message.body, signing_secrets, now)
    return _record(delivery, number, attempt, now)


def _record(delivery: Delivery, number: int, attempt: Attempt, now: datetime) -> str:
    delays = retry_delays()
    with transaction.atomic():
        endpoint = Endpoint.objects.filter(pk=delivery.endpoint_id)
        if attempt.ok:
            endpoint.update(failing_since=None, consecutive_failures=0)
            return _finish(delivery, number, attempt, now, final=True)
        endpoint.update(
            consecutive_failures=F("consecutive_failures") + 1, failing_since=Coalesce("failing_since", now)
        )
        if number > len(delays):
            outcome = _finish(delivery, number, attempt, now, final=True)
            _disable_if_failing(delivery)
            return outcome
        delay = delays[number - 1]
        outcome = _finish(delivery, number, attempt, now, final=False, next_at=now + timedelta(seconds=delay))
        if delay <= COUNTDOWN_MAX_SECONDS:
            transaction.on_commit(lambda: delivery_enqueue(delivery.pk, countdown=delay))
        return outcome


def _finish(
    delivery: Delivery, number: int, attempt: Attempt, now: datetime, *, final: bool, next_at: datetime | None = None
) -> str:
    entry = {"attempt": number, "at": now.isoformat(), "status": attempt.status, "ms": attempt.duration_ms}
    if attempt.error:
        entry["error"] = attempt.error
    status = DeliveryStatus.SUCCEEDED if attempt.ok else (DeliveryStatus.FAILED if final else DeliveryStatus.PENDING)
    Delivery.objects.filter(pk=delivery.pk, attempts=number).update(
        status=status,
        next_attempt_at=next_at,
        first_attempt_at=Coalesce("first_attempt_at", now),
        request_headers=attempt.headers,
        response_status=attempt.status,
        response_body=attempt.body,
        duration_ms=attempt.duration_ms if attempt.headers else None,
        last_error=attempt.error[:500],
        log=[*delivery.log[-49:], entry],  # the delivery's own attempts are at most the schedule's length
        updated_at=now,
    )
    return f"{status}:{number}"


def _give_up_if_exhausted(delivery_id: int) -> str:
    """A delivery whose last attempt was claimed by a worker that died: nothing is left to try."""
    exhausted = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, attempts__gte=max_attempts(), next_attempt_at__lte=timezone.now()
    )
    if exhausted.update(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="no answer to the last attempt"):
        _disable_if_failing(Delivery.objects.get(pk=delivery_id))
        return "failed:exhausted"
    return "not_due"


def _disable_if_failing(delivery: Delivery) -> None:
    """The disabling rule (decision 0029): the endpoint has answered no attempt since this delivery's first one,
    and this delivery has used its whole schedule (about 24 hours)."""
    delivery.refresh_from_db(fields=["first_attempt_at", "attempts"])
    endpoint = Endpoint.objects.get(pk=delivery.endpoint_id)
    first = delivery.first_attempt_at
    if endpoint.failing_since is None or first is None or endpoint.failing_since > first:
        return
    hours = (timezone.now() - first).total_seconds() / 3600
    reason = (
        f"Every attempt failed for {hours:.1f} h ({endpoint.consecutive_failures} in a row; delivery "
        f"{delivery.pk} gave up after {delivery.attempts} attempts). Fix the receiver, then turn the endpoint on."
    )
    endpoint_disable(endpoint_id=endpoint.pk, reason=reason)


def deliveries_sweep() -> dict[str, int]:
    """Send again every pending delivery that is overdue and was not sent lately (its task was lost, its worker
    died, or its wait was too long for a countdown). The row is the source of truth; a duplicate is harmless."""
    now = timezone.now()
    late = now - timedelta(seconds=settings.RAPTORFLOW_WEBHOOKS_LOST_AFTER_SECONDS)
    overdue = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
        Q(next_attempt_at__lte=late, updated_at__lte=late) | Q(next_attempt_at__gt=F("updated_at") + _countdown_max())
    )
    ids = list(overdue.order_by("next_attempt_at").values_list("pk", flat=True)[:_BATCH])
    Delivery.objects.filter(pk__in=ids).update(updated_at=now)  # the next sweep waits a full interval
    sent = sum(delivery_enqueue(pk) for pk in ids)
    return {"deliveries_sent": sent, "deliveries_overdue": len(ids)}


def _countdown_max() -> timedelta:
    return timedelta(seconds=COUNTDOWN_MAX_SECONDS)
