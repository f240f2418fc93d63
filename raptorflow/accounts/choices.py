from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Scope(models.TextChoices):
    """What an API key may do, on top of nothing: a key has no role of its own."""

    WORKSPACE_READ = "workspace:read", "Read the workspace and its foundation"
    RUNS_READ = "runs:read", "Read runs, steps and events"
    RUNS_WRITE = "runs:write", "Start, cancel and answer runs"
    RUNS_APPROVE = "runs:approve", "Approve or reject runs waiting for a decision (never the key's own runs)"
    AGENTS_READ = "agents:read", "Read agents, versions and skills"
    SCHEDULES_READ = "schedules:read", "Read the workspace's schedules"
    SCHEDULES_WRITE = "schedules:write", "Create, change, pause, resume and delete schedules (they start runs)"
    AUDIT_READ = "audit:read", "Read the workspace's audit trail"
    WEBHOOKS_READ = "webhooks:read", "Read webhook endpoints and their delivery logs"
    WEBHOOKS_WRITE = (
        "webhooks:write",
        "Add, change and delete webhook endpoints, rotate their secrets, replay deliveries",
    )
    ADMIN = "admin", "Manage members, keys and the foundation"


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    PRE_SEED = "pre_seed", "Pre-seed"
    SEED = "seed", "Seed"
    SERIES_A = "series_a", "Series A"
    GROWTH = "growth", "Growth"
    ENTERPRISE = "enterprise", "Enterprise"
