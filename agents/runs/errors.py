"""What can go wrong with a run: errors for callers (service errors with their HTTP status) and the two
signals the runtime uses to stop a run early."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from raptorflow.errors import ServiceError


class RunError(ServiceError):
    """A run request that cannot be honoured. ``errors`` lists what is wrong with the input, if anything."""

    errors: list[str]

    def __init__(self, code: str, message: str, errors: list[str] | None = None):
        super().__init__(code, message, list(errors or []))

    def error_fields(self) -> Mapping[str, Sequence[str]] | None:
        return {"input": self.errors} if self.errors else None


class RunStateError(RunError):
    """The run is not in a state that allows the requested change."""

    http_status = 409


class RunInputError(RunError):
    """The agent cannot run, or the input does not match its schema (the agent's own, which the OpenAPI schema
    cannot state: a 422, decision 0025)."""

    http_status = 422


class AnswersError(RunError):
    """The answers to a run's questions do not fit them (listed by question key; a 422, decision 0025)."""

    http_status = 422

    def error_fields(self) -> Mapping[str, Sequence[str]] | None:
        return {"answers": self.errors} if self.errors else None


class SelfApprovalError(RunError):
    """The person or key that started a run may not decide on it (separation of duties)."""

    http_status = 403


class IdempotencyConflictError(RunError):
    """The Idempotency-Key was used before with a different request."""

    http_status = 409


class BudgetExceededError(RunError):
    """The workspace has spent its monthly budget."""

    http_status = 402


class InputTooLargeError(RunError):
    """The run's input is larger than RAPTORFLOW_MAX_RUN_INPUT_BYTES."""

    http_status = 413


class RunAborted(Exception):
    """Stop the run and end it in ``status`` with ``code`` and ``message`` (raised inside the runtime)."""

    def __init__(self, status: str, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class RunSuperseded(Exception):
    """Another attempt took this run over (the sweeper thought this worker dead); stop quietly."""
