from django.db import models


class ActorType(models.TextChoices):
    USER = "user", "User"
    API_KEY = "api_key", "API key"
    SYSTEM = "system", "System"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"


class Tamper(models.TextChoices):
    """What audit verification found wrong (raptorflow/audit/verify.py)."""

    CHANGED = "changed", "changed row"
    DELETED = "deleted", "deleted row"
    REORDERED = "reordered", "reordered rows"
    CUT_TAIL = "cut_tail", "cut tail"
    RESEALED = "resealed", "re-sealed chain"
    UNKNOWN_KEY = "unknown_key", "unknown key"
    BAD_CHECKPOINT = "bad_checkpoint", "bad checkpoint"
