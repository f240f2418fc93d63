from celery import shared_task
from django.utils import timezone

from .models import Item


@shared_task(name="baseline.process_item")
def process_item(item_id: int) -> None:
    """Update one row: the baseline for a worker's per-task cost."""
    Item.objects.filter(pk=item_id).update(processed=True, processed_at=timezone.now())


@shared_task(name="baseline.process_run")
def process_run(run_id: str) -> None:
    """The equal-work run's task: mark it final (the worker comparison stays on process_item)."""
    from .models import Run

    Run.objects.filter(pk=run_id).update(status="succeeded", finished_at=timezone.now())
