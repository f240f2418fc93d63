"""Daily rollups per workspace and agent: what the dashboard and usage endpoints read."""

from decimal import Decimal

from django.db import models


class DailyRollup(models.Model):
    """Figures for one workspace, agent and UTC day. Recomputed whole, so re-rolling is idempotent."""

    day = models.DateField()
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey("agents.Agent", on_delete=models.CASCADE, related_name="+")
    runs_total = models.PositiveIntegerField(default=0)
    runs_by_status = models.JSONField(default=dict)
    success_rate = models.FloatField(null=True, blank=True)
    duration_p50_ms = models.PositiveIntegerField(null=True, blank=True)
    duration_p95_ms = models.PositiveIntegerField(null=True, blank=True)
    duration_p99_ms = models.PositiveIntegerField(null=True, blank=True)
    queue_wait_p50_ms = models.PositiveIntegerField(null=True, blank=True)
    queue_wait_p95_ms = models.PositiveIntegerField(null=True, blank=True)
    tokens_in = models.PositiveBigIntegerField(default=0)
    tokens_out = models.PositiveBigIntegerField(default=0)
    cached_tokens_in = models.PositiveBigIntegerField(default=0, help_text="Of tokens_in, read from a prompt cache.")
    cache_write_tokens = models.PositiveBigIntegerField(default=0, help_text="Of tokens_in, written to a prompt cache.")
    cost = models.DecimalField(max_digits=14, decimal_places=6, default=Decimal("0"))
    llm_calls = models.PositiveIntegerField(default=0)
    cache_hits = models.PositiveIntegerField(default=0)
    cache_hit_rate = models.FloatField(null=True, blank=True)
    provider_errors = models.PositiveIntegerField(default=0)
    fallbacks = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "workspace", "agent"]
        constraints = [
            models.UniqueConstraint(fields=["day", "workspace", "agent"], name="rollup_unique_day_workspace_agent"),
        ]
        indexes = [models.Index(fields=["workspace", "day"], name="rollup_workspace_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.workspace_id}/{self.agent_id}"
