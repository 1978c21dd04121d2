"""Tests of the tariff: the HP/HC split on the Paris wall clock and the cost rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
import json

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import (
    DayCurve,
    History,
    SeriesHistory,
    day_minutes,
    local_midnight,
)
from custom_components.enedis_gateway.linky.models import (
    PARIS,
    LoadCurvePoint,
    MeasureType,
)
from custom_components.enedis_gateway.linky.offpeak import (
    OffpeakRange,
    format_offpeak,
    parse_offpeak,
)
from custom_components.enedis_gateway.linky.tariff import (
    Plan,
    PricePeriod,
    Prices,
    Tariff,
    decode_prices,
    encode_prices,
    repriced_days,
)

from .curves import OFFPEAK_RANGES, day_points

WINTER_DAY = date(2026, 1, 15)
SPRING_DAY = date(2026, 3, 29)
AUTUMN_DAY = date(2026, 10, 25)
NIGHT = (OffpeakRange(start=22 * 60, end=6 * 60),)
PRICES = Prices(base=0.2, hp=0.25, hc=0.15)


def tariff(ranges: tuple[OffpeakRange, ...], plan: Plan = Plan.HPHC) -> Tariff:
    """Return a tariff of some off-peak ranges."""
    return Tariff(plan, PRICES, ranges)


def offpeak_minutes(
    ranges: tuple[OffpeakRange, ...], start: datetime, minutes: int
) -> float:
    """Return the off-peak minutes of an interval."""
    return tariff(ranges).offpeak_share(start, minutes) * minutes


def split_wh(
    ranges: tuple[OffpeakRange, ...], point: LoadCurvePoint
) -> tuple[float, float]:
    """Split the energy of a point into (HP Wh, HC Wh) with the tariff's share."""
    hc = point.wh * tariff(ranges).offpeak_share(point.start, point.minutes)
    return point.wh - hc, hc


def day_curve(day: date, minutes: int = 30, watts: float = 600.0) -> DayCurve:
    """Return a complete curve of constant power for a Paris-local day."""
    return DayCurve(minutes=minutes, watts=[watts] * (day_minutes(day) // minutes))


def hc_fractions(text: str, day: date) -> list[float]:
    """Return the off-peak share of each half-hour of a day, as the tariff computes it."""
    return list(tariff(parse_offpeak(text)).curve_shares(day, day_curve(day)))


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        # The 16 half-hours 22:00-06:00 are off-peak; 06:00-06:30 is not (the
        # original tool's inclusive bound counted it).
        ("HC (22H00-6H00)", WINTER_DAY, [1.0] * 12 + [0.0] * 32 + [1.0] * 4),
        ("HC (23H00-1H00)", WINTER_DAY, [1.0] * 2 + [0.0] * 44 + [1.0] * 2),
        (
            "HC (1H30-8H00;12H30-14H00)",
            WINTER_DAY,
            [0.0] * 3 + [1.0] * 13 + [0.0] * 9 + [1.0] * 3 + [0.0] * 20,
        ),
        # 00:30-01:00 holds 22 off-peak minutes, 06:30-07:00 holds 8.
        (
            "HC (0H38-6H38)",
            WINTER_DAY,
            [0.0, 22 / 30] + [1.0] * 11 + [8 / 30] + [0.0] * 34,
        ),
        # Spring: 46 half-hours, the wall clock jumps from 02:00 to 03:00.
        ("HC (22H00-6H00)", SPRING_DAY, [1.0] * 10 + [0.0] * 32 + [1.0] * 4),
        ("HC (2H00-3H00)", SPRING_DAY, [0.0] * 46),
        # Autumn: 50 half-hours, 02:00-03:00 comes twice and counts twice.
        ("HC (22H00-6H00)", AUTUMN_DAY, [1.0] * 14 + [0.0] * 32 + [1.0] * 4),
        ("HC (2H30-3H00)", AUTUMN_DAY, [0.0] * 5 + [1.0, 0.0, 1.0] + [0.0] * 42),
    ],
)
def test_split_day(text: str, day: date, expected: list[float]) -> None:
    assert hc_fractions(text, day) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("day", "intervals", "hc_intervals"),
    [(WINTER_DAY, 48, 16), (SPRING_DAY, 46, 14), (AUTUMN_DAY, 50, 18)],
)
def test_split_day_totals(day: date, intervals: int, hc_intervals: int) -> None:
    points = day_points(day)
    splits = [split_wh(NIGHT, point) for point in points]
    assert len(points) == intervals
    assert sum(hc for _, hc in splits) == pytest.approx(hc_intervals * 300.0)
    assert sum(hp + hc for hp, hc in splits) == pytest.approx(intervals * 300.0)
    # The whole day at once gives the same split.
    wh, hc_wh, _ = tariff(NIGHT).curve_split(day, day_curve(day))
    assert (wh, hc_wh) == pytest.approx((intervals * 300.0, hc_intervals * 300.0))


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (datetime(2026, 1, 15, 6, 0, tzinfo=PARIS), 30, 0.0),
        (datetime(2026, 1, 15, 5, 30, tzinfo=PARIS), 30, 30.0),
        (datetime(2026, 1, 15, 21, 45, tzinfo=PARIS), 30, 15.0),
        # Any time zone: judged on the Paris wall clock.
        (datetime(2026, 1, 15, 5, 0, tzinfo=UTC), 30, 0.0),
        (datetime(2026, 1, 15, 4, 45, tzinfo=UTC), 30, 15.0),
        (datetime(2026, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=5))), 60, 60.0),
        (datetime(2026, 7, 15, 4, 0, tzinfo=UTC), 60, 0.0),
        (datetime(2026, 7, 15, 3, 30, tzinfo=UTC), 60, 30.0),
        # Longer than a day, and across midnight.
        (datetime(2026, 1, 15, 0, 0, tzinfo=PARIS), 1440, 480.0),
        (datetime(2026, 1, 15, 12, 0, tzinfo=PARIS), 2880, 960.0),
        (datetime(2026, 1, 15, 23, 30, tzinfo=PARIS), 60, 60.0),
        (datetime(2026, 1, 15, 5, 50, tzinfo=PARIS), 10, 10.0),
        (datetime(2026, 1, 15, 5, 55, tzinfo=PARIS), 10, 5.0),
        (datetime(2026, 1, 15, 12, 0, tzinfo=PARIS), 0, 0.0),
    ],
)
def test_offpeak_minutes(start: datetime, minutes: int, expected: float) -> None:
    assert offpeak_minutes(NIGHT, start, minutes) == pytest.approx(expected)


def test_offpeak_minutes_across_dst_jump() -> None:
    """An interval over the spring jump is placed at its start's wall time plus its minutes."""
    start = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    ranges = parse_offpeak("2h00-3h00")
    assert offpeak_minutes(ranges, start, 60) == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Overlapping ranges count once.
        ("22h00-06h00;23h00-01h00", 480.0),
        ("0h-12h;6h-18h", 1080.0),
        ("0h-24h", 1440.0),
        ("", 0.0),
    ],
)
def test_overlapping_ranges(text: str, expected: float) -> None:
    start = datetime(2026, 1, 15, tzinfo=PARIS)
    assert offpeak_minutes(parse_offpeak(text), start, 1440) == pytest.approx(expected)


def test_range_ending_at_midnight() -> None:
    """An end of 0 is the next midnight, like 1440."""
    ranges = (OffpeakRange(start=1320, end=0),)
    start = datetime(2026, 1, 15, tzinfo=PARIS)
    assert offpeak_minutes(ranges, start, 1440) == pytest.approx(120.0)
    assert format_offpeak(ranges) == "22h00-00h00"


def test_no_ranges_is_base() -> None:
    point = day_points(WINTER_DAY)[0]
    assert split_wh((), point) == (300.0, 0.0)


def test_naive_start_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        offpeak_minutes(NIGHT, datetime(2026, 1, 15), 30)


def test_tariffs_do_not_share_their_memo() -> None:
    """Each tariff memoizes its own normal-day shares: another tariff never reads them."""
    curve = day_curve(WINTER_DAY)
    night = tariff(NIGHT).curve_shares(WINTER_DAY, curve)
    noon = tariff(parse_offpeak("12h-14h")).curve_shares(WINTER_DAY, curve)
    assert night[0] == 1.0
    assert noon[0] == 0.0
    assert noon[24:28] == (1.0,) * 4
    assert (
        tariff((OffpeakRange(start=1320, end=360),)).curve_shares(WINTER_DAY, curve)
        == night
    )


@pytest.mark.parametrize(
    ("plan", "expected"),
    [(Plan.BASE, (0.2, 0.2)), (Plan.HPHC, (0.25, 0.15))],
)
def test_costs_follow_the_plan(plan: Plan, expected: tuple[float, float]) -> None:
    rule = tariff(NIGHT, plan)
    assert rule.unit_prices() == expected
    assert rule.costs(10.0, 4.0) == pytest.approx((10 * expected[0], 4 * expected[1]))
    assert rule.cost(10.0, 4.0) == pytest.approx(10 * expected[0] + 4 * expected[1])
    # Any plan can be asked for, whatever the tariff's own (the plan comparison).
    assert rule.cost(10.0, 4.0, Plan.BASE) == pytest.approx(14 * 0.2)
    assert rule.cost(10.0, 4.0, Plan.HPHC) == pytest.approx(10 * 0.25 + 4 * 0.15)


def test_unparsable_offpeak_text_means_no_range() -> None:
    assert Tariff.from_offpeak_text(Plan.HPHC, PRICES, "HC (garbage)").ranges == ()
    assert (
        Tariff.from_offpeak_text(Plan.HPHC, PRICES, "HC (22H00-6H00)").ranges == NIGHT
    )
    assert Tariff.from_offpeak_text(Plan.HPHC, PRICES, None) == tariff(())


def test_day_splits_from_curve_and_average_share() -> None:
    """A day with a curve takes its own share; a day without one the curves' average."""
    night_only = DayCurve(minutes=30, watts=[600.0] * 12 + [0.0] * 36)
    series = SeriesHistory(
        daily={WINTER_DAY: 4000, WINTER_DAY + timedelta(days=1): 1000},
        curve={WINTER_DAY: night_only},
    )
    splits = tariff(NIGHT).day_splits(series)
    first = splits[WINTER_DAY]
    assert (first.wh, first.hp_wh, first.hc_wh) == (4000.0, 0.0, 4000.0)
    assert first.from_curve
    second = splits[WINTER_DAY + timedelta(days=1)]
    assert (second.hp_wh, second.hc_wh) == (0.0, 1000.0)
    assert not second.from_curve


@settings(max_examples=100, deadline=None)
@given(
    ranges=OFFPEAK_RANGES,
    minutes=st.sampled_from([10, 15, 30, 60]),
    day=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
)
def test_day_table_matches_the_wall_clock(
    ranges: tuple[OffpeakRange, ...], minutes: int, day: date
) -> None:
    """The memoized table of a normal day gives each interval's own wall-clock share."""
    rule = tariff(ranges)
    shares = rule.curve_shares(day, day_curve(day, minutes))
    expected = [
        rule.offpeak_share(point.start, minutes)
        for point in day_points(day, minutes=minutes)
    ]
    assert list(shares) == pytest.approx(expected, abs=1e-12)


DST_DAYS = [
    date(2024, 3, 31),
    date(2024, 10, 27),
    date(2025, 3, 30),
    date(2025, 10, 26),
    date(2026, 3, 29),
    date(2026, 10, 25),
]
STARTS = st.one_of(
    st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2026, 12, 31),
        timezones=st.just(UTC),
    ).map(lambda instant: instant.replace(second=0, microsecond=0)),
    st.builds(
        lambda day, index: local_midnight(day) + timedelta(minutes=10 * index),
        st.sampled_from(DST_DAYS),
        st.integers(0, 149),
    ),
)
POINTS = st.builds(
    LoadCurvePoint,
    start=STARTS,
    minutes=st.sampled_from([10, 15, 30, 60]),
    watts=st.floats(0, 36000, allow_nan=False),
)


def brute_force_minutes(ranges: tuple[OffpeakRange, ...], point: LoadCurvePoint) -> int:
    """Count the off-peak minutes of a point minute by minute on the wall clock."""
    local = point.start.astimezone(PARIS)
    first = local.hour * 60 + local.minute
    inside = {
        minute % 1440
        for item in ranges
        for minute in range(item.start, item.end + 1440 * (item.end < item.start))
    }
    return sum((first + offset) % 1440 in inside for offset in range(point.minutes))


@settings(max_examples=300, deadline=None)
@given(ranges=OFFPEAK_RANGES, point=POINTS)
def test_split_properties(
    ranges: tuple[OffpeakRange, ...], point: LoadCurvePoint
) -> None:
    hp, hc = split_wh(ranges, point)
    assert 0.0 <= hc <= point.wh
    assert hp + hc == pytest.approx(point.wh, abs=1e-9)
    assert offpeak_minutes(ranges, point.start, point.minutes) == pytest.approx(
        brute_force_minutes(ranges, point)
    )


def test_split_of_a_day_follows_its_merged_curve() -> None:
    """A tariff reuses a day's split only while the stored curve is the one it read."""
    history = History()
    history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, day_points(WINTER_DAY))
    night = tariff(NIGHT)
    first = night.day_splits(history.consumption)[WINTER_DAY]
    # 8 off-peak hours of 24 at a constant 600 W.
    assert (first.wh, first.hc_wh) == pytest.approx((14_400, 4_800))
    held = history.consumption.curve[WINTER_DAY]
    # The first half-hour (off-peak) doubles: the day's curve is replaced, not
    # changed in place, and the same tariff splits the new one.
    changed = day_points(WINTER_DAY, lambda index: 1200.0 if index == 0 else 600.0)
    assert history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, changed) == 1
    assert history.consumption.curve[WINTER_DAY] is not held
    assert held.watts[0] == 600.0
    second = night.day_splits(history.consumption)[WINTER_DAY]
    assert (second.wh, second.hc_wh) == pytest.approx((14_700, 5_100))
    # A merge that changes nothing keeps the curve, and its split.
    kept = history.consumption.curve[WINTER_DAY]
    assert history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, changed) == 0
    assert history.consumption.curve[WINTER_DAY] is kept


def test_next_tariff_inherits_splits_only_when_it_splits_the_same() -> None:
    """The next snapshot reuses the splits of curves it still holds, not of others."""
    history = History()
    history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, day_points(WINTER_DAY))
    first = tariff(NIGHT)
    first.day_splits(history.consumption)
    held = history.consumption.curve[WINTER_DAY]

    # Same hours, other prices: the split is read from the previous tariff's memo.
    repriced = Tariff(Plan.HPHC, Prices(base=0.3, hp=0.4, hc=0.2), NIGHT)
    repriced.inherit_splits(first)
    split = repriced.day_splits(history.consumption)[WINTER_DAY]
    assert (split.wh, split.hc_wh) == pytest.approx((14_400, 4_800))
    assert repriced._splits[id(held)] is first._splits[id(held)]

    # Other hours: nothing inherited, the day is split at noon.
    noon = tariff(parse_offpeak("12h-14h"))
    noon.inherit_splits(first)
    split = noon.day_splits(history.consumption)[WINTER_DAY]
    assert (split.wh, split.hc_wh) == pytest.approx((14_400, 1_200))

    # A replaced curve is split again; the old one is not carried a second time.
    changed = day_points(WINTER_DAY, lambda index: 1200.0 if index == 0 else 600.0)
    history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, changed)
    third = tariff(NIGHT)
    third.inherit_splits(repriced)
    split = third.day_splits(history.consumption)[WINTER_DAY]
    assert (split.wh, split.hc_wh) == pytest.approx((14_700, 5_100))
    assert id(held) not in third._splits


# Price periods.

BEFORE = Prices(base=0.2, hp=0.25, hc=0.1)
FEBRUARY = PricePeriod(
    start=date(2026, 2, 1),
    plan=Plan.HPHC,
    prices=Prices(base=0.1952, hp=0.2081, hc=0.1635),
)
AUGUST = PricePeriod(
    start=date(2026, 8, 1), plan=Plan.BASE, prices=Prices(base=0.19, hp=0.3, hc=0.2)
)


def test_each_day_is_costed_at_its_period() -> None:
    """A day takes the period in force on it; no day means the newest period."""
    # Given out of order: the tariff sorts them.
    tariff = Tariff(Plan.HPHC, BEFORE, (), (AUGUST, FEBRUARY))
    assert [period.start for period in tariff.periods] == [
        None,
        date(2026, 2, 1),
        date(2026, 8, 1),
    ]
    assert tariff.cost(1, 1, day=date(2026, 1, 31)) == pytest.approx(0.25 + 0.1)
    assert tariff.cost(1, 1, day=date(2026, 2, 1)) == pytest.approx(0.2081 + 0.1635)
    assert tariff.cost(1, 1, day=date(2026, 7, 31)) == pytest.approx(0.2081 + 0.1635)
    # From August the plan is BASE: one price for both.
    assert tariff.costs(1, 2, day=date(2026, 8, 1)) == pytest.approx((0.19, 0.38))
    assert tariff.plan is Plan.BASE
    assert tariff.prices == AUGUST.prices
    assert tariff.cost(1, 1) == tariff.cost(1, 1, day=date(2030, 1, 1))
    # The plan comparison at a day's prices, whatever its plan.
    assert tariff.cost(1, 1, Plan.BASE, date(2026, 3, 1)) == pytest.approx(2 * 0.1952)
    assert tariff.cost(1, 1, Plan.HPHC, date(2026, 9, 1)) == pytest.approx(0.5)
    assert tariff.any_base
    assert not Tariff(Plan.HPHC, BEFORE, (), (FEBRUARY,)).any_base


def test_periods_take_part_in_equality_and_copy() -> None:
    """Two tariffs differing by a period differ; a copy is equal, with its own memo."""
    ranges = parse_offpeak("22h00-6h00")
    tariff = Tariff(Plan.HPHC, BEFORE, ranges, (FEBRUARY,))
    assert tariff != Tariff(Plan.HPHC, BEFORE, ranges)
    assert tariff != Tariff(Plan.HPHC, BEFORE, ranges, (AUGUST,))
    copy = tariff.copy()
    assert copy == tariff
    assert hash(copy) == hash(tariff)
    assert copy._splits is not tariff._splits


def test_repriced_days_and_encoding() -> None:
    """Only the days whose prices moved; every day when the off-peak hours did."""
    ranges = parse_offpeak("22h00-6h00")
    old = Tariff(Plan.HPHC, BEFORE, ranges, (FEBRUARY,))
    edited = PricePeriod(
        start=date(2026, 2, 1),
        plan=Plan.HPHC,
        prices=Prices(base=0.1952, hp=0.2, hc=0.1635),
    )
    new = Tariff(Plan.HPHC, BEFORE, ranges, (edited, AUGUST))
    days = [date(2026, 1, 31) + timedelta(days=n) for n in range(200)]
    assert repriced_days(old, new, days) == set(days[1:])
    # Moving the start moves the repriced days.
    later = PricePeriod(start=date(2026, 2, 10), plan=Plan.HPHC, prices=FEBRUARY.prices)
    moved = Tariff(Plan.HPHC, BEFORE, ranges, (later,))
    assert repriced_days(old, moved, days) == set(days[1:10])
    other_hours = Tariff(Plan.HPHC, BEFORE, parse_offpeak("23h00-7h00"), (FEBRUARY,))
    assert repriced_days(old, other_hours, days) == set(days)
    assert repriced_days(old, old.copy(), days) == set()
    assert decode_prices(json.loads(json.dumps(encode_prices(new)))) == new
    with pytest.raises(ValueError, match="no price period"):
        decode_prices({"ranges": [], "periods": []})
