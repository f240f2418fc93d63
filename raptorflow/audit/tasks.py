from celery import shared_task
from django.conf import settings

from .redaction import audit_pseudonymise_clients
from .services import audit_seal


@shared_task(name="audit.seal", ignore_result=True)
def audit_seal_task() -> int:
    """Link the events committed since the last run into the hash chain (scheduled by beat); checkpoint when due."""
    return audit_seal()


@shared_task(name="audit.pseudonymise", ignore_result=True, expires=3600, soft_time_limit=1800, time_limit=1900)
def audit_pseudonymise_task() -> int | None:
    """Apply the client-address retention (RAPTORFLOW_AUDIT_IP_RETENTION_DAYS; 0 keeps everything). Idempotent:
    each batch is committed, so a run cut short by the time limit loses nothing and the next one finishes it."""
    days = settings.RAPTORFLOW_AUDIT_IP_RETENTION_DAYS
    return audit_pseudonymise_clients(older_than_days=days) if days > 0 else None
