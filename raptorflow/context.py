"""Per-request context (request id, client address, user agent) readable anywhere.

Set by RequestContextMiddleware for web requests and by the Celery task
prelude for worker code, so that logs and audit events carry the request id
that started a run, all the way into the worker.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "raptorflow_request", default=RequestContext()
)


def current() -> RequestContext:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bind(**values: str | None):
    """Bind request context values for the duration of a block."""
    token = _current.set(replace(_current.get(), **values))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
