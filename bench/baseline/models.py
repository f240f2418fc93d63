from django.db import models


class Item(models.Model):
    """One row per POST; the task marks it processed."""

    name = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    processed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


# --- Equal work (decision 0031): what Raptorflow's POST /runs and GET /runs/{id} do, written plainly -----------


class Workspace(models.Model):  # noqa: DJ008 - bench rows, never shown
    name = models.CharField(max_length=100)
    monthly_budget = models.DecimalField(max_digits=12, decimal_places=4, default=100)


class ApiKey(models.Model):  # noqa: DJ008 - bench rows, never shown
    """A key by prefix with the HMAC of its secret, as Raptorflow stores it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    revoked_at = models.DateTimeField(null=True, blank=True)


class MonthSpend(models.Model):  # noqa: DJ008 - bench rows, never shown
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    month = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=4, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "month"], name="bl_spend_month")]


class Run(models.Model):  # noqa: DJ008 - bench rows, never shown
    id = models.UUIDField(primary_key=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    agent = models.CharField(max_length=50)
    input = models.JSONField(default=dict)
    status = models.CharField(max_length=20, default="queued")
    output = models.JSONField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    last_event_seq = models.PositiveIntegerField(default=0)
    attempt = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="bl_run_idempotency",
            )
        ]


class RunEvent(models.Model):  # noqa: DJ008 - bench rows, never shown
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveIntegerField()
    type = models.CharField(max_length=20)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)


class RunStep(models.Model):  # noqa: DJ008 - bench rows, never shown
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    output = models.JSONField(null=True, blank=True)


class AuditRow(models.Model):  # noqa: DJ008 - bench rows, never shown
    action = models.CharField(max_length=50)
    actor = models.CharField(max_length=100)
    workspace_id = models.BigIntegerField(null=True)
    target = models.CharField(max_length=100)
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
