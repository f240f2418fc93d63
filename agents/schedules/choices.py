from django.db import models


class ScheduleTarget(models.TextChoices):
    """What a schedule starts. Pipelines join here (schedule_fire's branch point, agents/schedules/services.py)."""

    AGENT = "agent", "Agent"


class MissedFirePolicy(models.TextChoices):
    """What to do with fire times that passed while nothing was ticking (beat down, workers backed up)."""

    SKIP = "skip", "Skip missed fire times"
    RUN_ONCE = "run_once", "Run once for all missed fire times"
