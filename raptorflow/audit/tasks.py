from celery import shared_task

from .services import audit_seal


@shared_task(name="audit.seal", ignore_result=True)
def audit_seal_task() -> int:
    """Link the events committed since the last run into the hash chain (scheduled by beat)."""
    return audit_seal()
