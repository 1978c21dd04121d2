"""Tests of the Tempo call plan and of what the Tempo entities show (pure)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from custom_components.enedis_gateway.linky.history import History
from custom_components.enedis_gateway.linky.models import PARIS, Contract
from custom_components.enedis_gateway.linky.tempo import (
    TempoColor,
    remaining_days,
    tempo_days,
)
from custom_components.enedis_gateway.linky.tempo_plan import (
    DEPTH_DAYS,
    TempoCalls,
    TempoWindow,
    tempo_floor,
    tempo_window,
)
from simulator.tempo import published, tempo_color

TODAY = date(2026, 11, 20)
TOMORROW = date(2026, 11, 21)
SEASON = date(2026, 9, 1)
BLUE, WHITE, RED = TempoColor.BLUE, TempoColor.WHITE, TempoColor.RED


def at(text: str) -> datetime:
    """Return an aware Paris datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def span(first: date, last: date) -> list[date]:
    """Return the days of [first, last]."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def history(
    activation: date | None = date(2015, 3, 2),
    known: tuple[date, date] | None = None,
) -> History:
    """Return a history with an activation date and the colours of a span of days."""
    stored = History(
        contract=Contract(last_activation_date=activation)
        if activation is not None
        else None
    )
    if known is not None:
        stored.merge_tempo(dict.fromkeys(span(*known), BLUE))
    return stored


def window(start: date, end: date) -> TempoWindow:
    """Return a window."""
    return TempoWindow(start=start, end=end)


# The oldest day wanted.


@pytest.mark.parametrize(
    ("activation", "oldest_reading", "floor"),
    [
        # An old meter: 1095 days back, the depth of the readings.
        (date(2015, 3, 2), None, TODAY - timedelta(days=DEPTH_DAYS)),
        # A young meter: its activation, before the season.
        (date(2026, 8, 1), None, date(2026, 8, 1)),
        # Activated in the season: the whole season, for the days left.
        (date(2026, 10, 1), None, SEASON),
        # No contract: the oldest stored reading.
        (None, date(2025, 1, 1), date(2025, 1, 1)),
        (None, None, SEASON),
    ],
)
def test_floor(
    activation: date | None, oldest_reading: date | None, floor: date
) -> None:
    """The oldest of the season, the activation and the readings; 1095 days at most."""
    stored = history(activation)
    if oldest_reading is not None:
        stored.consumption.daily[oldest_reading] = 1000
    assert tempo_floor(stored, TODAY) == floor


# Which window, when.


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # A first cycle: the whole history in one window, to today...
        ("2026-11-20 09:00", window(TODAY - timedelta(days=DEPTH_DAYS), TODAY)),
        ("2026-11-20 10:44", window(TODAY - timedelta(days=DEPTH_DAYS), TODAY)),
        # ...and to tomorrow from 10:45.
        ("2026-11-20 10:45", window(TODAY - timedelta(days=DEPTH_DAYS), TOMORROW)),
    ],
)
def test_first_cycle_asks_everything_in_one_call(
    now: str, expected: TempoWindow
) -> None:
    """Nothing stored: one window from the floor to today, or tomorrow after 10:45."""
    assert tempo_window(history(), at(now), TempoCalls()) == expected


@pytest.mark.parametrize(
    ("now", "known_until", "expected"),
    [
        ("2026-11-20 10:44", TODAY, None),
        ("2026-11-20 10:45", TODAY, window(TOMORROW, TOMORROW)),
        ("2026-11-20 23:59", TODAY, window(TOMORROW, TOMORROW)),
        ("2026-11-20 11:00", TOMORROW, None),
        # Past midnight, yesterday's tomorrow is today: nothing until 10:45.
        ("2026-11-21 00:05", TOMORROW, None),
        # Missing days of the recent past: one window of them.
        (
            "2026-11-20 09:00",
            TODAY - timedelta(days=3),
            window(TODAY - timedelta(2), TODAY),
        ),
    ],
)
def test_tomorrow_from_10_45_until_known(
    now: str, known_until: date, expected: TempoWindow | None
) -> None:
    """Tomorrow is asked from 10:45 Paris until known; a known history asks nothing."""
    stored = history(known=(TODAY - timedelta(days=DEPTH_DAYS), known_until))
    assert tempo_window(stored, at(now), TempoCalls()) == expected


def test_tomorrow_twice_a_day_an_hour_apart() -> None:
    """Never published the day before: 10:45 and an hour later, each day, no more."""
    stored = history(known=(TODAY - timedelta(days=DEPTH_DAYS), TODAY))
    calls = TempoCalls()
    asked = []
    now = at("2026-11-20 10:00")
    while now < at("2026-11-22 00:00"):
        if (plan := tempo_window(stored, now, calls)) is not None:
            asked.append(now)
            calls.record(plan, now, answered=True)
        now += timedelta(minutes=15)
        # A late RTE: each colour comes on its own day, asked before 10:45.
        stored.merge_tempo({now.date(): RED})
    assert asked == [
        at("2026-11-20 10:45"),
        at("2026-11-20 11:45"),
        at("2026-11-21 10:45"),
        at("2026-11-21 11:45"),
    ]
    assert calls.on(TOMORROW) == 2
    assert calls.on(TODAY) == 0


def test_past_failure_retried_once_answer_ends_the_day() -> None:
    """A failed call for the past is tried again; an answer ends them for the day."""
    stored = history(known=(TODAY - timedelta(days=DEPTH_DAYS), TOMORROW))
    del stored.tempo[date(2025, 3, 2)]
    gap = window(date(2025, 3, 2), date(2025, 3, 2))
    calls = TempoCalls()
    now = at("2026-11-20 08:00")
    assert tempo_window(stored, now, calls) == gap
    calls.record(gap, now, answered=False)
    assert tempo_window(stored, now, calls) == gap
    calls.record(gap, now, answered=False)
    assert tempo_window(stored, now, calls) is None
    # The next day tries again; answered without the day, it waits for the next.
    now = at("2026-11-21 08:00")
    assert tempo_window(stored, now, calls) == gap
    calls.record(gap, now, answered=True)
    assert tempo_window(stored, now, calls) is None
    assert calls.on(TOMORROW) == 1
    # From 10:45 the call for tomorrow brings the gap too.
    now = at("2026-11-21 10:45")
    assert tempo_window(stored, now, calls) == window(
        date(2025, 3, 2), date(2026, 11, 22)
    )


def test_tomorrow_failures_count() -> None:
    """Failed calls for tomorrow count in its two calls a day."""
    stored = history(known=(TODAY - timedelta(days=DEPTH_DAYS), TODAY))
    calls = TempoCalls()
    for now in (at("2026-11-20 10:45"), at("2026-11-20 11:45")):
        plan = tempo_window(stored, now, calls)
        assert plan == window(TOMORROW, TOMORROW)
        calls.record(plan, now, answered=False)
    assert tempo_window(stored, at("2026-11-20 20:00"), calls) is None
    assert calls.on(TODAY) == 2


def test_a_month_against_the_simulated_calendar() -> None:
    """A meter's first month, hourly: the history in 2 calls, then 1 call a day."""
    stored = history()
    calls = TempoCalls()
    start = at("2026-11-01 09:30")
    per_day: Counter[date] = Counter()
    now = start
    while now < start + timedelta(days=30):
        if (plan := tempo_window(stored, now, calls)) is not None:
            colours = {
                day: TempoColor(tempo_color(day))
                for day in span(plan.start, plan.end)
                if published(day, now)
            }
            stored.merge_tempo(colours)
            calls.record(plan, now, answered=True)
            per_day[now.date()] += 1
        now += timedelta(hours=1)
    assert per_day[start.date()] == 2
    assert set(per_day.values()) == {1, 2}
    assert sum(per_day.values()) == 2 + 29
    first = tempo_floor(stored, now.date())
    assert all(day in stored.tempo for day in span(first, now.date()))


# What the entities show.


def test_tempo_days_today_tomorrow_and_left() -> None:
    """Today's and tomorrow's colours, and the days left once the season is known."""
    colours = dict.fromkeys(span(SEASON, TODAY), BLUE)
    colours[TODAY] = RED
    colours[TOMORROW] = WHITE
    days = tempo_days(colours, TODAY)
    assert days.colour_today is RED
    assert days.colour_tomorrow is WHITE
    assert days.left == remaining_days(colours, TODAY)
    used_blue = (TODAY - SEASON).days
    assert days.left == {BLUE: 300 - used_blue, WHITE: 42, RED: 21}
    assert days.quotas == {BLUE: 300, WHITE: 43, RED: 22}


def test_tempo_days_unknown() -> None:
    """Nothing published: no colour; a day of the season unknown: no days left."""
    days = tempo_days({}, TODAY)
    assert (days.colour_today, days.colour_tomorrow, days.left) == (None, None, None)
    colours = dict.fromkeys(span(SEASON, TODAY), BLUE)
    del colours[SEASON]
    assert tempo_days(colours, TODAY).left is None
