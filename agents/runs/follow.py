"""Waiting for runs to change: one database read per tick for every follower of a process.

The stream process (``raptorflow.asgi``) holds long-polls and server-sent event streams open while runs
progress. Instead of each waiting client reading the database on its own, one ``RunWatcher`` per event loop
reads ``status`` and ``last_event_seq`` of every run that has a waiter, in one query per tick, and wakes the
waiters whose run has an event after theirs, is final or no longer exists. Every event bumps
``last_event_seq`` in the statement that takes its number (``lifecycle``), and every status change comes with
an event, so the counter alone says whether a follower has something new.

A watcher also reads at once when nudged (``nudge.py``): PostgreSQL notifies the stream process of every event
as its transaction commits, so a follower learns of it within milliseconds rather than at the next tick; the
tick stays, so that a lost nudge costs at most one interval.

The watcher starts with its first waiter and stops when the last one leaves. It reads in a thread of its own:
its task outlives the request that started it, so it must neither use that request's thread-sensitive
executor (``sync_to_async``'s default, which Django shuts down when the request ends) nor carry that
request's context (its request id would label the watcher's log lines). That thread keeps one database
connection while anyone waits and closes it when nobody does.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import weakref
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar, cast

from asgiref.sync import sync_to_async
from django.db import connections

from agents.choices import FINAL_STATES
from agents.models import Run

from . import nudge
from .lifecycle import RunId

logger = logging.getLogger(__name__)

WATCH_INTERVAL_SECONDS = 0.25  # how late a follower may learn of an event, at most (plus the read itself)
NUDGED_GAP_SECONDS = 0.01  # reads a nudge may bring forward come at least this far apart (100 a second at most)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RunState:
    """What the watcher read of a run: its status (None once the run no longer exists) and its last event's number."""

    status: str | None
    last_event_seq: int

    def is_news_after(self, after: int) -> bool:
        """Whether a follower that has read up to event ``after`` has something to read (or should stop)."""
        return self.status is None or self.status in FINAL_STATES or self.last_event_seq > after


GONE = RunState(status=None, last_event_seq=0)

ReadStates = Callable[[Collection[str]], Mapping[str, RunState]]


def run_states(run_ids: Collection[str]) -> dict[str, RunState]:
    """Status and last event number of these runs, in one query; a run that no longer exists is left out."""
    rows = Run.objects.filter(pk__in=list(run_ids)).values_list("pk", "status", "last_event_seq")
    return {str(pk): RunState(status=str(status), last_event_seq=int(seq)) for pk, status, seq in rows}


@dataclass(eq=False, slots=True)
class _Waiter:
    after: int
    woken: asyncio.Event = field(default_factory=asyncio.Event)
    state: RunState | None = None

    def wake(self, state: RunState) -> None:
        self.state = state
        self.woken.set()


class RunWatcher:
    """Holds the followers of one event loop and wakes them when their run changes. See the module docstring."""

    def __init__(self, read: ReadStates = run_states, *, interval: float | None = None, nudges: bool = False) -> None:
        """``nudges``: also read when this process's nudge.Listener says a followed run has news (the stream
        process's watchers); otherwise on the tick only."""
        self._read = read
        self._interval = WATCH_INTERVAL_SECONDS if interval is None else interval
        self._nudges = nudges
        self._nudged: asyncio.Event | None = None
        self._waiters: dict[str, set[_Waiter]] = {}
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-watcher")
        weakref.finalize(self, self._executor.shutdown, wait=False)
        self._failing = False
        self.reads = 0  # queries made so far (tests and the benchmark look at it)
        self._last_read = 0.0

    @property
    def waiting(self) -> int:
        """How many followers wait now."""
        return sum(len(waiters) for waiters in self._waiters.values())

    async def wait(self, run_id: RunId, *, after: int, timeout: float) -> RunState | None:
        """Until the run has an event after ``after``, is final or is gone: its state then. None after ``timeout``.

        Cancelling the caller (a client that disconnects) removes its waiter.
        """
        key, waiter = str(run_id), _Waiter(after)
        self._waiters.setdefault(key, set()).add(waiter)
        self._start()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter.woken.wait(), timeout)
        finally:
            self._discard(key, waiter)
        return waiter.state

    def nudge(self, ids: list[str]) -> None:
        """Some of ``ids`` (runs or pipeline runs) have a new event committed: read now if anyone follows one.
        Called on this watcher's loop (nudge.Listener)."""
        if self._nudged is not None and any(key in self._waiters for key in ids):
            self._nudged.set()

    def _start(self) -> None:
        if self._task is None or self._task.done():
            # An empty context: see the module docstring.
            loop = asyncio.get_running_loop()
            if self._nudged is None:
                self._nudged = asyncio.Event()
                if self._nudges and (listening := nudge.listener()) is not None:
                    listening.subscribe(self, loop)
            self._task = loop.create_task(self._watch(), context=contextvars.Context())

    def _discard(self, key: str, waiter: _Waiter) -> None:
        waiters = self._waiters.get(key)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._waiters[key]

    async def _watch(self) -> None:
        nudged = cast(asyncio.Event, self._nudged)
        loop = asyncio.get_running_loop()
        while True:
            while self._waiters:
                # Until the tick, or sooner when nudged (but not sooner than NUDGED_GAP_SECONDS after the last read).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(nudged.wait(), self._interval)
                    if (gap := self._last_read + NUDGED_GAP_SECONDS - loop.time()) > 0:
                        await asyncio.sleep(gap)
                nudged.clear()
                self._last_read = loop.time()
                await self._tick()
            # Nobody follows: hold no connection while idle. A waiter may arrive during this await; then go on.
            await self._in_thread(connections.close_all)
            if not self._waiters:
                return

    async def _tick(self) -> None:
        if not self._waiters:
            return
        run_ids = list(self._waiters)
        try:
            states = await self._in_thread(self._read, run_ids)
        except Exception:  # the database is down or restarting: the waiters time out, the next tick retries
            self._report_failure()
            await self._in_thread(connections.close_all)
            return
        self.reads += 1
        if self._failing:
            self._failing = False
            logger.info("Reading followed runs works again.")
        self._wake(run_ids, states)

    def _wake(self, run_ids: list[str], states: Mapping[str, RunState]) -> None:
        # Only the runs that were read: a follower of another run may have arrived during the read.
        for key in run_ids:
            waiters = self._waiters.get(key, set())
            state = states.get(key, GONE)
            for waiter in [w for w in waiters if state.is_news_after(w.after)]:
                waiter.wake(state)
                self._discard(key, waiter)

    def _report_failure(self) -> None:
        # With a traceback once per outage, not four times a second.
        if not self._failing:
            logger.exception("Could not read the followed runs; retrying every %.2f s.", self._interval)
        self._failing = True

    async def _in_thread(self, func: Callable[..., T], *args: object) -> T:
        return await sync_to_async(func, thread_sensitive=False, executor=self._executor)(*args)


_watchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RunWatcher] = weakref.WeakKeyDictionary()


def run_watcher() -> RunWatcher:
    """The running event loop's watcher (uvicorn runs one loop per process), created on first use."""
    loop = asyncio.get_running_loop()
    watcher = _watchers.get(loop)
    if watcher is None:
        watcher = _watchers[loop] = RunWatcher(nudges=True)
    return watcher


async def run_wait(run_id: RunId, *, after: int, timeout: float) -> RunState | None:
    """Wait until the run has an event after ``after``, is final or is gone (its state), or ``timeout`` (None)."""
    return await run_watcher().wait(run_id, after=after, timeout=timeout)
