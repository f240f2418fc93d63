from celery import shared_task

from .services import audit_seal


@shared_task(name="audit.seal", ignore_result=True, expires=55)
def audit_seal_task() -> int:
    """Seal events whose after-commit seal did not run (a process died between commit and seal)."""
    return audit_seal()
