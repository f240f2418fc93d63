"""The base of every error a service raises for a caller to read.

A service error carries its own machine-readable ``code``, a ``message`` for
people, optional per-field ``errors`` and the HTTP status that fits it, so the
API's exception handler (raptorflow/api/errors.py) knows this one class and
nothing of the apps that raise its subclasses (as Zulip's JsonableError).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar


class ServiceError(Exception):
    """A request a service cannot honour. Subclasses set ``http_status`` (and usually ``default_code``)."""

    http_status: ClassVar[int] = 400
    default_code: ClassVar[str] = "invalid_request"
    default_message: ClassVar[str] = ""

    def __init__(self, code: str | None = None, message: str = "", errors: Any = None):
        self.code = code or self.default_code
        self.message = message or self.default_message or (self.__doc__ or "").strip().split("\n")[0]
        self.errors = errors
        super().__init__(self.message)

    def error_fields(self) -> Mapping[str, Sequence[str]] | None:
        """The per-field details of the API's error body (``{"field": ["…"]}``), if any."""
        return self.errors if isinstance(self.errors, Mapping) and self.errors else None


class ConflictError(ServiceError):
    """The request conflicts with the current state of what it acts on (HTTP 409)."""

    http_status = 409
    default_code = "conflict"


class UnprocessableError(ServiceError):
    """A request that matches the documented schema but that the business rules refuse: it names a row that does
    not exist, a date in the past, a range that is too long... (HTTP 422; a request that breaks the schema is a
    400 ``invalid_input``, and a conflict with the current state a 409). Decision 0025."""

    http_status = 422
    default_code = "unprocessable"
