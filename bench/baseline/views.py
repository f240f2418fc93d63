import hashlib
import hmac
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions, serializers, status
from rest_framework.decorators import api_view, authentication_classes
from rest_framework.response import Response

from .models import ApiKey, AuditRow, Item, MonthSpend, Run, RunEvent
from .tasks import process_item, process_run


@api_view(["GET"])
def hello(request):
    """(a) A small JSON document, no database."""
    return Response({"id": "8f0c2a9e-4f7b-4b7e-9d61-3c1f2d5e6a7b", "status": "succeeded", "ok": True, "n": 42})


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    payload = serializers.DictField(required=False, default=dict)


@api_view(["POST"])
def create_item(request):
    """(b) Validate, insert one row and enqueue one Celery task after commit."""
    body = ItemSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    with transaction.atomic():
        item = Item.objects.create(**body.validated_data)
        transaction.on_commit(lambda: process_item.delay(item.pk))
    return Response({"id": item.pk, "name": item.name}, status=status.HTTP_201_CREATED)


# --- Equal work (decision 0031) ----------------------------------------------------------------------------------
# POST /runs: the API key authenticated as Raptorflow does (the row from the shared cache by prefix, the secret's
# HMAC compared), the body and the agent's input schema validated, the month's spend read, and the run, its first
# event and an audit row inserted in one transaction, the task sent on commit. GET /runs/{id}: the same
# authentication, then the run of the key's workspace and its steps. No rate limit, metrics, request ids, audit
# chain, flags or memoised versions: what is left of Raptorflow's gap to this is what those and its framework cost.


def _input_validator():
    import json
    import os

    from jsonschema import Draft202012Validator

    with open(os.environ["BASELINE_SCHEMAS"]) as file:  # Raptorflow's unit_economics schemas, from the bench
        return Draft202012Validator(json.load(file)["input"])


_validator = None


class KeyUser:
    is_authenticated = True


class KeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Api-Key "):
            raise exceptions.NotAuthenticated()
        plaintext = header[8:].strip()
        try:
            _marker, prefix, _secret = plaintext.split("_", 2)
        except ValueError:
            raise exceptions.AuthenticationFailed() from None
        key = cache.get(f"bl-key:{prefix}")
        if key is None:
            key = ApiKey.objects.select_related("workspace").filter(prefix=prefix).first()
            if key is None:
                raise exceptions.AuthenticationFailed()
            cache.set(f"bl-key:{prefix}", key, 300)
        digest = hmac.new(b"raptorflow-api-key", plaintext.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(key.secret_hash, digest) or key.revoked_at is not None:
            raise exceptions.AuthenticationFailed()
        return (KeyUser(), key)


class RunCreate(serializers.Serializer):
    agent = serializers.CharField(max_length=50)
    input = serializers.DictField()


def _run_body(run: Run) -> dict:
    return {
        "id": str(run.id), "agent": run.agent, "status": run.status, "input": run.input, "output": run.output,
        "idempotency_key": run.idempotency_key, "created_at": run.created_at, "finished_at": run.finished_at,
    }  # fmt: skip


@api_view(["POST"])
@authentication_classes([KeyAuthentication])
def create_run(request):
    global _validator
    key = request.auth
    body = RunCreate(data=request.data)
    body.is_valid(raise_exception=True)
    if body.validated_data["agent"] != "unit_economics":
        return Response({"code": "agent_not_found"}, status=422)
    _validator = _validator or _input_validator()
    errors = [error.message for error in _validator.iter_errors(body.validated_data["input"])]
    if errors:
        return Response({"code": "invalid_input", "errors": errors}, status=422)
    month = timezone.now().date().replace(day=1)
    spent = MonthSpend.objects.filter(workspace_id=key.workspace_id, month=month).values_list("amount", flat=True)
    if (spent.first() or 0) >= key.workspace.monthly_budget:
        return Response({"code": "budget_exceeded"}, status=402)
    with transaction.atomic():
        run = Run.objects.create(
            id=uuid.uuid4(),
            workspace_id=key.workspace_id,
            agent=body.validated_data["agent"],
            input=body.validated_data["input"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            last_event_seq=1,
        )
        RunEvent.objects.create(run=run, sequence=1, type="status", data={"status": "queued"})
        AuditRow.objects.create(
            action="run.create", actor=f"api-key:{key.prefix}", workspace_id=key.workspace_id, target=str(run.id),
            changes={"agent": [None, run.agent]},
        )  # fmt: skip
        transaction.on_commit(lambda: process_run.apply_async([str(run.id)], queue="baseline_runs"))
    return Response(_run_body(run), status=status.HTTP_201_CREATED)


@api_view(["GET"])
@authentication_classes([KeyAuthentication])
def get_run(request, pk):
    run = Run.objects.filter(pk=pk, workspace_id=request.auth.workspace_id).first()
    if run is None:
        return Response({"code": "not_found"}, status=404)
    steps = [{"sequence": s.sequence, "name": s.name, "output": s.output} for s in run.steps.order_by("sequence")]
    return Response({**_run_body(run), "steps": steps})
