"""Sockets a cancel token can shut from another thread, whether the response has begun or not.

A call blocks in a socket read twice: waiting for the response headers, then reading the body. Shutting the
socket down (``SHUT_RDWR``) wakes either read at once: it returns end-of-file or fails, httpx raises, and the
adapter turns that into ``CallCancelled``. ``response.extensions["network_stream"]`` gives the socket only
once the headers have arrived, and a pooled keep-alive connection is not reported to httpx's ``trace``
hook at all, so neither covers a cancel while the provider is still thinking.

So the process's pool is built on a network backend whose streams say which call uses them: a call runs
inside ``socket_guard()``, which puts a ``CallSocket`` in a thread-local slot; the first write or read of
the request (in the calling thread, before any blocking read) attaches that connection's stream to it. A
cancel shuts whatever is attached, or marks the slot so the stream is shut the moment it attaches. A shut
connection fails its call and httpcore drops it from the pool; an idle one shut by a late cancel reads as
closed and is dropped before reuse.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from ..types import CancelToken

_local = threading.local()


class CallSocket:
    """The connection one call is using, and whether the call was cancelled (then the connection is shut)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stream: httpcore.NetworkStream | None = None
        self._shut = False

    def attach(self, stream: httpcore.NetworkStream) -> None:
        with self._lock:
            if stream is self._stream:
                return
            self._stream = stream
            if self._shut:
                _shutdown(stream)

    def shut(self) -> None:
        """Shut the connection down (from any thread); a connection attached later is shut on arrival."""
        with self._lock:
            self._shut = True
            if self._stream is not None:
                _shutdown(self._stream)

    def release(self) -> None:
        """The call is over: forget the connection, which goes back to the pool for other calls."""
        with self._lock:
            self._stream = None
            self._shut = False


def _shutdown(stream: httpcore.NetworkStream) -> None:
    sock = stream.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed by the peer or by httpcore: nothing left to wake
            # socket.socket's own method, even on an SSLSocket: it wakes the reader without touching the TLS
            # state that the reading thread is using.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextlib.contextmanager
def socket_guard(cancel: CancelToken | None) -> Iterator[CallSocket]:
    """Attach the connection of the HTTP calls made inside the block to ``cancel``: cancelling shuts it."""
    call_socket = CallSocket()
    previous = getattr(_local, "call_socket", None)
    _local.call_socket = call_socket
    unregister = cancel.on_cancel(call_socket.shut) if cancel is not None else None
    try:
        yield call_socket
    finally:
        if unregister is not None:
            unregister()
        call_socket.release()
        _local.call_socket = previous


class _TrackedStream(httpcore.NetworkStream):
    """httpcore's stream, reporting itself to the calling thread's CallSocket whenever it is used."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def _claim(self) -> None:
        call_socket: CallSocket | None = getattr(_local, "call_socket", None)
        if call_socket is not None:
            call_socket.attach(self)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._claim()
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._claim()
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _TrackedBackend(httpcore.NetworkBackend):
    """httpcore's default (blocking sockets) backend whose streams are _TrackedStreams."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class CancellableTransport(httpx.HTTPTransport):
    """httpx's own transport (request and response mapping, errors) on a pool of tracked connections.

    httpx has no public way to give its pool a network backend, so the pool it built is replaced by an equal
    one that has ours (httpx's defaults: 100 connections, 20 kept alive for 5 s). Proxies from the
    environment are not used: model providers are reached directly. tests/llm/test_v2_*_contract.py's cancel
    tests fail if an httpx upgrade breaks this.
    """

    def __init__(self) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_TrackedBackend(),
        )
