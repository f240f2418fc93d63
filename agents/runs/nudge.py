"""Nudges: the stream process learns of a run's event as it commits, not at its watchers' next read.

Every event but a run's first takes its number in one ``UPDATE … RETURNING`` (``lifecycle._sequence_next``), and
that statement also calls ``pg_notify(NUDGE_CHANNEL, '<run id> [<pipeline run id>]')``. PostgreSQL delivers the
notification when the transaction commits, and never for one rolled back, so a nudge cannot arrive before its
event can be read, and it costs the writer no round trip.

On the stream process, one ``Listener`` thread per process holds its own connection, ``LISTEN``s, and hands
each payload's ids to the watchers (``follow.RunWatcher``) that subscribed, on their event loops. A watcher that
has a follower of one of those ids reads at once instead of at its next tick. Nudges only make followers learn
sooner: the watchers still read every ``WATCH_INTERVAL_SECONDS``, so a lost nudge (the listener reconnecting, a
database failover) costs at most one tick, and on SQLite (the embedded defaults) there are none at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Protocol

import psycopg
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

NUDGE_CHANNEL = "raptorflow_run_events"
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)  # after the listener lost its connection: then every 5 s


class Nudged(Protocol):
    def nudge(self, ids: list[str]) -> None: ...


class Listener(threading.Thread):
    """LISTENs on NUDGE_CHANNEL and passes each payload's ids to the subscribed watchers, on their loops."""

    def __init__(self, connect: Callable[[], psycopg.Connection]) -> None:
        super().__init__(name="run-nudges", daemon=True)
        self._connect = connect
        self._subscribers: weakref.WeakKeyDictionary[Nudged, asyncio.AbstractEventLoop] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self.listening = threading.Event()  # set while LISTEN is in effect (tests wait for it)
        self._stopping = threading.Event()

    def subscribe(self, watcher: Nudged, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._subscribers[watcher] = loop

    def run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception:  # the database went away: the watchers' reads go on; reconnect
                self.listening.clear()
                if failures == 0:
                    logger.warning("Listening for run events stopped; reconnecting.", exc_info=True)
                delay = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                failures += 1
                self._stopping.wait(delay)
            else:
                failures = 0

    def stop(self) -> None:
        """Stop listening and close the connection (within a second)."""
        self._stopping.set()
        self.join(timeout=5)

    def _listen(self) -> None:
        conn = self._connect()
        try:
            conn.execute(f"LISTEN {NUDGE_CHANNEL}")
            self.listening.set()
            quiet = 0
            while not self._stopping.is_set():
                heard = 0
                for notice in conn.notifies(timeout=1.0):
                    heard += 1
                    self._hand_on(notice.payload.split())
                quiet = 0 if heard else quiet + 1
                if quiet >= 30:  # 30 quiet seconds: is the connection still there?
                    conn.execute("SELECT 1")
                    quiet = 0
        finally:
            self.listening.clear()
            conn.close()

    def _hand_on(self, ids: list[str]) -> None:
        with self._lock:
            subscribers = list(self._subscribers.items())
        for watcher, loop in subscribers:
            with contextlib.suppress(RuntimeError):  # that loop is closed; its watcher goes with it
                loop.call_soon_threadsafe(watcher.nudge, ids)


def _connect_listening() -> psycopg.Connection:
    """A connection of its own (not Django's, not the pool's: it stays in LISTEN), autocommit; to DB_LISTEN_URL
    when set (PostgreSQL itself, where DATABASE_URL is a transaction-pooling PgBouncer: docs/scaling.md)."""
    if settings.DB_LISTEN_URL:
        return psycopg.connect(settings.DB_LISTEN_URL, autocommit=True, application_name="raptorflow-nudges")
    params = connections["default"].get_connection_params()
    kept = {k: v for k, v in params.items() if k not in {"cursor_factory", "context", "prepare_threshold"}}
    return psycopg.connect(**kept, autocommit=True, application_name="raptorflow-nudges")


_listener: Listener | None = None
_listener_lock = threading.Lock()


def listener() -> Listener | None:
    """This process's listener, started on first use; None where there are no nudges (not PostgreSQL)."""
    global _listener
    if connections["default"].vendor != "postgresql":
        return None
    with _listener_lock:
        if _listener is None or not _listener.is_alive():
            _listener = Listener(_connect_listening)
            _listener.start()
        return _listener
