"""The synthetic household: exact daily sums, DST days, determinism and realistic values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from statistics import mean

import pytest

from simulator import Household
from simulator.household import PARIS

DAYS = [
    date(2025, 1, 15),
    date(2025, 3, 30),  # spring DST
    date(2025, 7, 14),
    date(2025, 10, 26),  # autumn DST
    date(2026, 3, 29),  # spring DST
    date(2026, 10, 25),  # autumn DST
    date(2026, 11, 27),
    date(2023, 12, 2),  # older than the load-curve depth
]


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(UTC)


@pytest.mark.parametrize("production", [False, True])
@pytest.mark.parametrize("day", DAYS)
def test_daily_is_half_the_sum_of_the_curve(day: date, production: bool) -> None:
    household = Household(3, production=production)
    curve = household.curve(day)
    assert all(watts % 2 == 0 for _, _, watts in curve)
    assert household.daily_wh(day) == sum(watts for _, _, watts in curve) // 2
    assert household.daily_wh(day) * 2 == sum(watts for _, _, watts in curve)


@pytest.mark.parametrize(
    ("day", "points"),
    [
        (date(2026, 3, 29), 46),
        (date(2026, 3, 30), 48),
        (date(2026, 10, 25), 50),
        (date(2026, 10, 24), 48),
        (date(2025, 3, 30), 46),
        (date(2025, 10, 26), 50),
    ],
)
def test_curve_covers_the_local_day(day: date, points: int) -> None:
    curve = Household().curve(day)
    assert len(curve) == points
    starts = [start for start, _, _ in curve]
    assert starts[0] == _local_midnight(day)
    assert all(minutes == 30 for _, minutes, _ in curve)
    assert all(start.utcoffset() == timedelta(0) for start in starts)
    assert [b - a for a, b in pairwise(starts)] == [timedelta(minutes=30)] * (
        points - 1
    )
    assert starts[-1] + timedelta(minutes=30) == _local_midnight(
        day + timedelta(days=1)
    )


def test_deterministic_per_seed_and_date() -> None:
    day = date(2026, 2, 3)
    first, second = Household(7, production=True), Household(7, production=True)
    assert first.curve(day) == second.curve(day)
    assert first.max_power(day) == second.max_power(day)
    assert first.production_curve(day) == second.production_curve(day)
    assert Household(8).curve(day) != first.curve(day)
    assert first.curve(day) != first.curve(day + timedelta(days=1))


def test_production_does_not_change_consumption() -> None:
    day = date(2026, 6, 3)
    assert Household(2).curve(day) == Household(2, production=True).curve(day)


def test_realistic_consumption() -> None:
    household = Household()
    winter = [household.daily_wh(date(2026, 1, day)) for day in range(1, 29)]
    summer = [household.daily_wh(date(2026, 7, day)) for day in range(1, 29)]
    assert all(6_000 <= wh <= 30_000 for wh in winter + summer)
    assert 8_000 <= mean(summer) <= 14_000
    assert 15_000 <= mean(winter) <= 24_000


def test_offpeak_water_heater_runs_at_night() -> None:
    household = Household()
    for offset in range(30):
        day = date(2026, 5, 1) + timedelta(days=offset)
        night = [
            watts
            for start, _, watts in household.curve(day)
            if start.astimezone(PARIS).hour < 5
        ]
        assert max(night) >= 2000


def test_weekend_days_use_more_at_noon() -> None:
    household = Household()
    days = [date(2026, 6, 1) + timedelta(days=offset) for offset in range(56)]

    def noon(day: date) -> float:
        return mean(
            watts
            for start, _, watts in household.curve(day)
            if 11 <= start.astimezone(PARIS).hour < 14
        )

    weekend = mean(noon(day) for day in days if day.weekday() >= 5)
    weekdays = mean(noon(day) for day in days if day.weekday() < 5)
    assert weekend > 1.5 * weekdays


@pytest.mark.parametrize("day", DAYS)
def test_max_power_matches_the_curve_peak(day: date) -> None:
    household = Household()
    va, at = household.max_power(day)
    start, _, watts = max(household.curve(day), key=lambda point: point[2])
    assert at.tzinfo is PARIS
    assert at.date() == day
    assert start <= at < start + timedelta(minutes=30)
    assert 1.2 * watts <= va <= 1.6 * watts


@pytest.mark.parametrize("day", DAYS)
def test_solar_production(day: date) -> None:
    household = Household(production=True)
    curve = household.production_curve(day)
    assert len(curve) == len(household.curve(day))
    local = {start.astimezone(PARIS).hour: watts for start, _, watts in curve}
    assert local[0] == local[3] == local[23] == 0
    assert max(watts for _, _, watts in curve) > 0
    assert household.production_daily_wh(day) == sum(w for _, _, w in curve) // 2
    assert all(watts % 2 == 0 for _, _, watts in curve)


def test_no_production_without_panels() -> None:
    household = Household(production=False)
    assert household.production_curve(date(2026, 6, 1)) == []
    assert household.production_daily_wh(date(2026, 6, 1)) is None


def test_solar_yearly_yield() -> None:
    household = Household(production=True)
    year = [
        household.production_daily_wh(date(2025, 1, 1) + timedelta(days=offset))
        for offset in range(365)
    ]
    total = sum(wh for wh in year if wh is not None)
    assert 2_500_000 <= total <= 4_500_000
