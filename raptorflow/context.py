"""Per-request context (request id, client address, user agent) readable anywhere.

Set by RequestContextMiddleware for web requests and by the Celery task
prelude for worker code, so that logs and audit events carry the request id
that started a run, all the way into the worker.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from typing_extensions import Unpack


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


class _ContextValues(TypedDict, total=False):
    request_id: str
    ip: str | None
    user_agent: str


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("raptorflow_request", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bind(**values: Unpack[_ContextValues]) -> Iterator[RequestContext]:
    """Bind request context values for the duration of a block."""
    token = _current.set(replace(current(), **values))
    try:
        yield current()
    finally:
        _current.reset(token)
