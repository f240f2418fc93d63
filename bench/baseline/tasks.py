import json
import os
import sys
from pathlib import Path

from celery import shared_task
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Item

# Raptorflow's own arithmetic: the equal-work run computes what its unit_economics run computes.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


@shared_task(name="baseline.process_item")
def process_item(item_id: int) -> None:
    """Update one row: the baseline for a worker's per-task cost."""
    Item.objects.filter(pk=item_id).update(processed=True, processed_at=timezone.now())


_validators = None


def _schemas():
    global _validators
    if _validators is None:
        from jsonschema import Draft202012Validator

        with open(os.environ["BASELINE_SCHEMAS"]) as file:  # Raptorflow's unit_economics schemas, from the bench
            schemas = json.load(file)
        _validators = Draft202012Validator(schemas["input"]), Draft202012Validator(schemas["output"])
    return _validators


def _next_event(run_id: str, status: str | None = None, output: dict | None = None) -> int:
    """Bump the run's event counter (and move it to ``status`` with ``output``), returning the number: one
    UPDATE … RETURNING, as Raptorflow's lifecycle does."""
    with connection.cursor() as cursor:
        if status is None:
            cursor.execute(
                "UPDATE baseline_run SET last_event_seq = last_event_seq + 1 WHERE id = %s RETURNING last_event_seq",
                [run_id],
            )
        else:
            cursor.execute(
                "UPDATE baseline_run SET last_event_seq = last_event_seq + 1, status = %s, output = %s, "
                "finished_at = now() WHERE id = %s RETURNING last_event_seq",
                [status, json.dumps(output), run_id],
            )
        return cursor.fetchone()[0]


@shared_task(name="baseline.process_run", acks_late=True)
def process_run(run_id: str) -> None:
    """The equal-work run (decision 0031): what Raptorflow's worker does for a compute-only unit_economics run.

    Claim it (queued → running, the attempt and heartbeat set, a status event) in one transaction; check the
    input against the agent's schema, compute the figures with Raptorflow's own function, check the output; record
    the step and its event in a second transaction; succeed (the output, a status event and an audit row) in a
    third. No heartbeat thread, metrics, tracing, budget settlement, webhooks or memoised versions: what
    Raptorflow's worker spends beyond this is what those and its framework cost.
    """
    from skills.library.finance import unit_economics

    from .models import AuditRow, Run, RunEvent, RunStep

    now = timezone.now()
    with transaction.atomic():
        claimed = Run.objects.filter(pk=run_id, status="queued").update(
            status="running", attempt=F("attempt") + 1, started_at=now, heartbeat_at=now
        )
        if not claimed:
            return
        run = Run.objects.get(pk=run_id)
        RunEvent.objects.create(run=run, sequence=_next_event(run_id), type="status", data={"status": "running"})
    check_input, check_output = _schemas()
    check_input.validate(run.input)
    figures = {k: v for k, v in run.input.items() if k != "judgement"}
    output = {**unit_economics(figures), "judgement": None, "needs_model": []}
    check_output.validate(output)
    with transaction.atomic():
        RunStep.objects.create(run=run, sequence=1, name="finance.unit_economics", output=output)
        RunEvent.objects.create(run=run, sequence=_next_event(run_id), type="step", data={"sequence": 1})
    with transaction.atomic():
        number = _next_event(run_id, status="succeeded", output=output)
        RunEvent.objects.create(run=run, sequence=number, type="status", data={"status": "succeeded"})
        AuditRow.objects.create(
            action="run.succeed", actor="system:worker", workspace_id=run.workspace_id, target=str(run.pk),
            changes={"status": ["running", "succeeded"]},
        )  # fmt: skip
