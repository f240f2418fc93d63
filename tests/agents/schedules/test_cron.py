"""Cron arithmetic in a time zone (agents/schedules/cron.py): parsing, fire times across daylight-saving changes,
and which fire time a tick fires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agents.schedules import cron

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("* * * *", "has 4"),
        ("0 9 * * * *", "has 6"),
        ("61 * * * *", "Not a valid"),
        ("0 9 * * FUNDAY", "Not a valid"),
        ("0 0 30 2 *", "Not a valid"),  # cronsim refuses a day no month has, when the weekday is a star
    ],
)
def test_an_expression_that_cannot_be_a_schedule_is_refused_with_the_reason(expression, problem):
    with pytest.raises(cron.CronError, match=problem):
        cron.check(expression)


def test_an_expression_is_stored_with_single_spaces():
    assert cron.check("  0   9 * *  MON-FRI ") == "0 9 * * MON-FRI"


def test_fire_times_are_in_the_workspace_zone():
    # 09:00 in Paris is 08:00 UTC in winter (CET, +01:00).
    times = cron.upcoming("0 9 * * *", PARIS, utc(2026, 1, 10, 12, 0), count=2)
    assert [t.astimezone(UTC) for t in times] == [utc(2026, 1, 11, 8, 0), utc(2026, 1, 12, 8, 0)]
    assert times[0].utcoffset() == timedelta(hours=1)


def test_a_daily_time_keeps_its_local_hour_across_the_spring_change():
    # Paris moves to CEST (+02:00) on 2026-03-29: 09:00 local is 08:00 UTC before, 07:00 UTC after.
    times = cron.upcoming("0 9 * * *", PARIS, utc(2026, 3, 27, 12, 0), count=3)
    assert [t.astimezone(UTC) for t in times] == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 7), utc(2026, 3, 30, 7)]


def test_a_time_in_the_skipped_spring_hour_fires_once_right_after_the_jump():
    # 02:30 does not exist in Paris on 2026-03-29 (02:00 → 03:00): it fires at 03:00 CEST (01:00 UTC), once.
    times = cron.upcoming("30 2 * * *", PARIS, utc(2026, 3, 28, 12, 0), count=2)
    assert [t.astimezone(UTC) for t in times] == [utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]


def test_a_time_in_the_repeated_autumn_hour_fires_once():
    # 01:30 happens twice in New York on 2026-11-01 (EDT then EST): it fires at the first, 05:30 UTC, only.
    times = cron.upcoming("30 1 * * *", NEW_YORK, utc(2026, 10, 31, 12, 0), count=2)
    assert [t.astimezone(UTC) for t in times] == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_an_hourly_schedule_follows_the_real_clock_through_the_autumn_change():
    start = utc(2026, 11, 1, 0, 0)  # 20:00 EDT the evening before
    times = list(cron._until(cron.fire_times_after("0 * * * *", NEW_YORK, start), start + timedelta(hours=24)))
    assert len(times) == 24  # one per real hour: the repeated 01:00 is not skipped
    assert len({t.astimezone(UTC) for t in times}) == 24


def test_the_latest_due_fire_time_after_a_long_outage_is_found_without_walking_it_all():
    first = utc(2026, 1, 1, 0, 0)
    now = utc(2026, 2, 1, 0, 0, 30)
    assert cron.latest_due("* * * * *", PARIS, first, now) == utc(2026, 2, 1, 0, 0)
    # A monthly schedule: more than a day apart, walked from the first due one.
    assert cron.latest_due("0 0 1 * *", ZoneInfo("UTC"), utc(2025, 11, 1), utc(2026, 1, 15)) == utc(2026, 1, 1)


GRACE = timedelta(seconds=120)


def test_an_on_time_fire_time_fires_whatever_the_policy():
    fire = utc(2026, 1, 1, 9, 0)
    for policy in ("skip", "run_once"):
        decision = cron.decide(
            first_due=fire, latest=fire, now=fire + timedelta(seconds=30), grace=GRACE, policy=policy
        )
        assert (decision.fire_time, decision.missed_from) == (fire, None)


def test_a_late_fire_time_is_skipped_or_run_once_by_policy():
    first, latest = utc(2026, 1, 1, 9, 0), utc(2026, 1, 1, 9, 5)
    now = latest + timedelta(minutes=10)
    skipped = cron.decide(first_due=first, latest=latest, now=now, grace=GRACE, policy="skip")
    assert (skipped.fire_time, skipped.missed_from) == (None, first)
    once = cron.decide(first_due=first, latest=latest, now=now, grace=GRACE, policy="run_once")
    assert (once.fire_time, once.missed_from) == (latest, first)


def test_earlier_missed_fire_times_are_dropped_when_the_latest_is_on_time():
    first, latest = utc(2026, 1, 1, 9, 0), utc(2026, 1, 1, 9, 5)
    decision = cron.decide(
        first_due=first, latest=latest, now=latest + timedelta(seconds=5), grace=GRACE, policy="skip"
    )
    assert (decision.fire_time, decision.missed_from) == (latest, first)
