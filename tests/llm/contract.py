"""Helpers for the wire-contract tests: strict checks of sent requests against the SDKs' request types,
server-sent event bodies, and a small HTTP server that answers slowly (for the cancel tests).

Why a "strict mirror" of the SDK's TypedDicts rather than ``TypeAdapter(CompletionCreateParams...)`` as is:
pydantic validates the SDKs' request types leniently in three ways that would let a wrong wire format pass.
Unknown keys are ignored (a misspelt ``tool_choise`` passes); ``Iterable[...]`` fields are validated lazily,
only when iterated (a tool message without ``tool_call_id`` inside ``messages`` passes); and lax mode coerces
(``"64"`` for ``max_tokens``). The mirror is the same TypedDicts rebuilt with ``extra="forbid"`` (unless the
SDK itself allows extra keys, as for JSON Schemas), ``list`` for every iterable, and validated in strict mode.
``test_the_contract_check_catches_*`` prove that it catches what the plain adapter lets through.
"""

from __future__ import annotations

import collections.abc
import http.server
import json
import threading
import time
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, NotRequired, Required

import pydantic
import typing_extensions

# --- strict request checks ----------------------------------------------------------------------------

_ITERABLES = {
    collections.abc.Iterable,
    collections.abc.Sequence,
    collections.abc.Collection,
    list,
    tuple,
}


def strict_mirror(tp: Any, memo: dict[Any, Any] | None = None) -> Any:
    """``tp`` with every TypedDict rebuilt to forbid unknown keys and every iterable made a list."""
    memo = {} if memo is None else memo
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if typing_extensions.is_typeddict(tp):
        return _mirror_typeddict(tp, memo)
    if origin is typing.Annotated:  # keep the metadata: some of it tells pydantic how to validate (file types)
        return typing.Annotated[(strict_mirror(args[0], memo), *tp.__metadata__)]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(strict_mirror(arg, memo) for arg in args)]  # noqa: UP007 - built at run time
    if origin in _ITERABLES or getattr(origin, "__name__", "") == "SequenceNotStr":
        return list[strict_mirror(args[0], memo)] if args else list[Any]
    if origin in (dict, collections.abc.Mapping):
        return dict[strict_mirror(args[0], memo), strict_mirror(args[1], memo)]  # type: ignore[misc]
    return tp  # str, int, float, bool, None, object, Literal[...]


def _mirror_typeddict(tp: Any, memo: dict[Any, Any]) -> Any:
    if tp in memo:
        if memo[tp] is None:
            raise TypeError(f"{tp.__qualname__} refers to itself; strict_mirror does not follow cycles")
        return memo[tp]
    memo[tp] = None
    fields = {
        name: (Required if _required(tp, name, hint) else NotRequired)[strict_mirror(_unwrap(hint), memo)]
        for name, hint in typing_extensions.get_type_hints(tp, include_extras=True).items()
    }
    mirror: Any = typing_extensions.TypedDict(f"Strict{tp.__name__}", fields)  # type: ignore[operator]
    extra = (getattr(tp, "__pydantic_config__", None) or {}).get("extra") or "forbid"
    # Arbitrary types: file uploads (IO[bytes]) sit in some unions; from JSON they never match, as on the wire.
    mirror.__pydantic_config__ = pydantic.ConfigDict(extra=extra, arbitrary_types_allowed=True)
    memo[tp] = mirror
    return mirror


_REQUIRED = {Required, typing_extensions.Required}
_NOT_REQUIRED = {NotRequired, typing_extensions.NotRequired}


def _required(tp: Any, name: str, hint: Any) -> bool:
    """As pydantic decides: a ``Required``/``NotRequired`` wrapper wins, else the class's totality.
    (``__required_keys__`` alone is wrong for the SDKs' types: their annotations are strings.)"""
    origin = typing.get_origin(hint)
    if origin in _REQUIRED:
        return True
    if origin in _NOT_REQUIRED:
        return False
    return name in tp.__required_keys__


def _unwrap(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    return typing.get_args(hint)[0] if origin in _REQUIRED | _NOT_REQUIRED else hint


class WireCheck:
    """Validates a request body as sent (JSON bytes) against an SDK request type, strictly (see above)."""

    def __init__(self, request_type: Any) -> None:
        self.adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(strict_mirror(request_type))

    def __call__(self, raw: bytes) -> dict[str, Any]:
        """The body, parsed, after checking it; raises pydantic.ValidationError when it does not conform."""
        self.adapter.validate_json(raw, strict=True)
        body = json.loads(raw)
        assert isinstance(body, dict)
        return body


# --- server-sent events ---------------------------------------------------------------------------------


def sse(events: Iterable[tuple[str, str]]) -> str:
    """A text/event-stream body: ``(event, data)`` pairs; an empty event name sends ``data:`` alone."""
    return "".join((f"event: {event}\n" if event else "") + f"data: {data}\n\n" for event, data in events)


# --- a server that takes its time ---------------------------------------------------------------------


class SlowServer:
    """An HTTP/1.1 server on 127.0.0.1 for the cancel and timeout tests, one thread per connection.

    The first segment of the path picks the behaviour: ``/stream/...`` answers at once with
    ``text/event-stream`` and then sends one of ``events`` every ``interval`` seconds; ``/slow/...`` sends
    nothing for ``delay`` seconds, then ``body``; ``/fast/...`` sends ``body`` at once. ``connections`` counts
    accepted connections (to check that a pooled one was reused). Leaving the ``with`` block wakes every
    waiting handler and stops the server.
    """

    def __init__(self, events: list[str] | None = None, *, interval: float = 1.0, delay: float = 30.0) -> None:
        self.events, self.interval, self.delay = events or [], interval, delay
        self.body = b"{}"
        self.connections = 0
        self.stopping = threading.Event()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def __enter__(self) -> SlowServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                owner.connections += 1

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                if self.path.startswith("/stream"):
                    self._stream()
                elif not self.path.startswith("/slow") or not owner.stopping.wait(owner.delay):
                    self._answer()

            def _answer(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def _stream(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                for number, event in enumerate(owner.events):
                    if (number and owner.stopping.wait(owner.interval)) or not _write_chunk(self.wfile, event.encode()):
                        return
                _write_chunk(self.wfile, b"")

        return Handler


def _write_chunk(wfile: Any, data: bytes) -> bool:
    try:
        wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        wfile.flush()
    except OSError:  # the client shut the connection: the cancel worked
        return False
    return True


def cancel_when(condition: Callable[[], bool], cancel: Callable[[], None], *, timeout: float = 10.0) -> list[float]:
    """From another thread: wait until ``condition()`` holds, then call ``cancel``. Returns a list that gets
    the monotonic time of the cancel, so a test can measure how long the call took to notice."""
    cancelled_at: list[float] = []

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)
        cancelled_at.append(time.monotonic())
        cancel()

    threading.Thread(target=watch, daemon=True).start()
    return cancelled_at
