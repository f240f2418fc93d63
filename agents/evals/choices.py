from django.db import models


class ExperimentStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


EXPERIMENT_ACTIVE = frozenset({ExperimentStatus.QUEUED, ExperimentStatus.RUNNING})


class ResultStatus(models.TextChoices):
    PENDING = "pending", "Not started"
    RUNNING = "running", "Running"
    GRADED = "graded", "Graded"
    CANCELLED = "cancelled", "Cancelled"


class Outcome(models.TextChoices):
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    NOT_GRADED = "not_graded", "Not graded"


class Rating(models.TextChoices):
    UP = "up", "Thumbs up"
    DOWN = "down", "Thumbs down"


class GraderKind(models.TextChoices):
    EQUALS = "equals", "Equals (numbers within a tolerance)"
    RANGE = "range", "Number in a range"
    REGEX = "regex", "Matches a regular expression"
    CONTAINS = "contains", "Contains"
    NOT_CONTAINS = "not_contains", "Does not contain"
    JSON_SCHEMA = "json_schema", "Matches a JSON Schema"
    LENGTH = "length", "Length within bounds"
    SAME_AS_REFERENCE = "same_as_reference", "Same as the reference output"
    JUDGE = "judge", "LLM judge with a rubric"
