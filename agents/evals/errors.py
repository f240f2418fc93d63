"""What callers of the evaluation services and the publish gate are told (service errors carry their HTTP status)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from raptorflow.errors import ServiceError


class EvalError(ServiceError):
    """A dataset, case, experiment or feedback request that cannot be honoured (``errors``: by field). It matches
    the API's schema but not the rules (a taken name, a case that does not fit the agent, another agent's run):
    a 422 (decision 0025)."""

    http_status = 422

    def __init__(self, code: str, message: str, errors: Mapping[str, Sequence[str]] | None = None):
        super().__init__(code, message, dict(errors or {}))


class EvalStateError(EvalError):
    """The experiment is not in a state that allows it (already finished, cancelled…)."""

    http_status = 409


class GateError(ServiceError):
    """Publishing is refused: the version is not runnable, or its evaluation does not let it through.

    ``errors`` names what is wrong (``version``: the problems; ``regressed_cases``: the cases that passed for the
    published version and fail for this one); ``details`` carries the figures the refusal was decided on."""

    http_status = 409

    def __init__(
        self,
        code: str,
        message: str,
        errors: Mapping[str, Sequence[str]] | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(code, message, dict(errors or {}))
        self.details = details or {}

    def as_record(self) -> dict[str, Any]:
        """What an override keeps of the refusal it overrode."""
        return {"code": self.code, "message": self.message, "errors": self.errors, **self.details}


class OverrideNotAllowedError(ServiceError):
    """Only an owner (the ``agents.override_eval_gate`` permission) may publish over the gate, with a reason."""

    http_status = 403
