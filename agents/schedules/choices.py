from django.db import models


class ScheduleTarget(models.TextChoices):
    """What a schedule starts: a run of an agent, or a run of a pipeline (schedule_fire)."""

    AGENT = "agent", "Agent"
    PIPELINE = "pipeline", "Pipeline"


class MissedFirePolicy(models.TextChoices):
    """What to do with fire times that passed while nothing was ticking (beat down, workers backed up)."""

    SKIP = "skip", "Skip missed fire times"
    RUN_ONCE = "run_once", "Run once for all missed fire times"
