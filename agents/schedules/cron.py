"""Cron arithmetic in a time zone, with no database: parse and check an expression, list fire times, and decide
which of the fire times that came due a tick fires.

Expressions have the five classic fields (minute hour day-of-month month day-of-week) and are evaluated by cronsim
(the evaluator Healthchecks uses) in the workspace's zone, with Debian cron's rules across daylight-saving
changes: a job at a fixed time that falls in the hour skipped in spring runs at the first minute after the jump
(02:30 → 03:00); one that falls in the hour repeated in autumn runs once, at the first of the two; a job with a
wildcard or a step in its minute or hour field follows the clock as it really goes (an hourly job runs 23 times on
the spring day, 25 times on the autumn one). Fire times are returned as aware datetimes in the zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

from .choices import MissedFirePolicy

FIELDS = 5
ONE_SECOND = timedelta(seconds=1)
# An expression whose next fire time is further away than this never fires in practice ("0 0 30 2 *", Feb 30th):
# cronsim gives up after 50 years; refusing it when saved is clearer than a schedule that sits there.
HORIZON_YEARS = 50


class CronError(ValueError):
    """The expression cannot be a schedule's: its message says why, for people."""


def check(expression: str) -> str:
    """The expression, normalised (fields single-spaced), if it is a valid five-field cron expression that fires.
    Raises CronError otherwise."""
    fields = expression.split()
    if len(fields) != FIELDS:
        raise CronError(
            f"A cron expression has {FIELDS} fields (minute hour day-of-month month day-of-week); "
            f"this one has {len(fields)}."
        )
    normalised = " ".join(fields)
    try:
        first = next(CronSim(normalised, datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))), None)
    except CronSimError as exc:
        raise CronError(f"Not a valid cron expression: {exc}.") from None
    if first is None:
        raise CronError("This cron expression never fires (no date matches it).")
    return normalised


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def fire_times_after(expression: str, tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Fire times strictly after ``after`` (any aware datetime), in ``tz``, ascending."""
    return iter(CronSim(expression, after.astimezone(tz)))


def next_fire_time(expression: str, tz: ZoneInfo, after: datetime) -> datetime | None:
    return next(fire_times_after(expression, tz, after), None)


def upcoming(expression: str, tz: ZoneInfo, after: datetime, count: int = 5) -> list[datetime]:
    return list(islice(fire_times_after(expression, tz, after), count))


def latest_due(expression: str, tz: ZoneInfo, first_due: datetime, now: datetime) -> datetime:
    """The last fire time in [first_due, now], where ``first_due`` (≤ now) is itself a fire time.

    Looks in the last day first, so that a schedule that fires every minute and missed a month does not walk
    43,200 fire times; only a schedule whose fire times are more than a day apart walks from ``first_due``."""
    window = max(first_due - ONE_SECOND, now - timedelta(days=1))
    latest = None
    for latest_candidate in _until(fire_times_after(expression, tz, window), now):
        latest = latest_candidate
    if latest is not None:
        return latest
    for latest_candidate in _until(fire_times_after(expression, tz, first_due - ONE_SECOND), now):
        latest = latest_candidate
    return latest if latest is not None else first_due


def _until(times: Iterator[datetime], end: datetime) -> Iterator[datetime]:
    for moment in times:
        if moment > end:
            return
        yield moment


@dataclass(frozen=True)
class Decision:
    """What one tick does with a schedule whose next fire time has come: fire at ``fire_time`` (or not, None),
    having passed over ``missed`` earlier fire times (from ``missed_from`` on)."""

    fire_time: datetime | None
    missed_from: datetime | None
    latest_due: datetime


def decide(*, first_due: datetime, latest: datetime, now: datetime, grace: timedelta, policy: str) -> Decision:
    """Fire times from ``first_due`` to ``latest`` (both fire times, ≤ now) came due.

    A fire time is on time while ``now`` is within ``grace`` of it. The latest one fires when it is on time, whatever
    the policy; the earlier ones (and the latest, if late) are missed. ``skip`` drops missed fire times; ``run_once``
    fires once for all of them, at the latest (so its idempotency key is that fire time's)."""
    on_time = now - latest <= grace
    missed_from = first_due if (first_due < latest or not on_time) else None
    if on_time or policy == MissedFirePolicy.RUN_ONCE:
        return Decision(fire_time=latest, missed_from=missed_from, latest_due=latest)
    return Decision(fire_time=None, missed_from=missed_from, latest_due=latest)
