"""Tests of the off-peak ranges and the HP/HC split."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import day_minutes, local_midnight
from custom_components.enedis_gateway.linky.models import PARIS, LoadCurvePoint
from custom_components.enedis_gateway.linky.offpeak import (
    OffpeakRange,
    format_offpeak,
    offpeak_minutes,
    parse_offpeak,
    split_wh,
)

WINTER_DAY = date(2026, 1, 15)
SPRING_DAY = date(2026, 3, 29)
AUTUMN_DAY = date(2026, 10, 25)
NIGHT = (OffpeakRange(start=22 * 60, end=6 * 60),)


def day_points(
    day: date, minutes: int = 30, watts: float = 600.0
) -> list[LoadCurvePoint]:
    """Return the intervals of a Paris-local day, stamped at their UTC start."""
    start = local_midnight(day)
    return [
        LoadCurvePoint(
            start=start + timedelta(minutes=minutes * index),
            minutes=minutes,
            watts=watts,
        )
        for index in range(day_minutes(day) // minutes)
    ]


def hc_fractions(text: str, day: date) -> list[float]:
    """Return the off-peak share of each half-hour of a day."""
    ranges = parse_offpeak(text)
    return [split_wh(ranges, point)[1] / point.wh for point in day_points(day)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ()),
        ("", ()),
        ("   ", ()),
        ("HC (22H00-6H00)", ((1320, 360),)),
        ("HC (1H30-8H00;12H30-14H00)", ((90, 480), (750, 840))),
        ("HC (22h36-6h36)", ((1356, 396),)),
        ("HC (0H38-6H38)", ((38, 398),)),
        ("hc(22H00-6H00)", ((1320, 360),)),
        ("(22H00-6H00)", ((1320, 360),)),
        ("22h00-06h00;12h30-14h00", ((1320, 360), (750, 840))),
        ("22:00-06:00", ((1320, 360),)),
        ("22H00-06:00", ((1320, 360),)),
        (" 22h00 - 06h00 , 12h30-14h00 ", ((1320, 360), (750, 840))),
        ("22h-6h", ((1320, 360),)),
        ("22-6", ((1320, 360),)),
        ("22h00-06h00;", ((1320, 360),)),
        ("0h00-24h00", ((0, 1440),)),
        ("22h00-0h00", ((1320, 1440),)),
        ("22h00-24h00", ((1320, 1440),)),
        ("24h00-6h00", ((0, 360),)),
        ("02h00-02h01", ((120, 121),)),
        ("23h59-00h01", ((1439, 1),)),
    ],
)
def test_parse_valid(text: str | None, expected: tuple[tuple[int, int], ...]) -> None:
    assert parse_offpeak(text) == tuple(
        OffpeakRange(start=start, end=end) for start, end in expected
    )


@pytest.mark.parametrize(
    "text",
    [
        "22h00-22h00",
        "0h00-0h00",
        "6h-6h00",
        "25h00-06h00",
        "22h00-25h00",
        "22h60-06h00",
        "24h30-06h00",
        "garbage",
        "HC",
        "HC ()",
        ";",
        "22h00",
        "22h00-",
        "-06h00",
        "22h00-06h00;xx",
        "22h00-06h00-08h00",
        "22h5-6h",
        "22h000-6h",
        "123h-6h",
        "22h00 06h00",
        "HC (22H00-6H00",
        "-1h-6h",
    ],
)
def test_parse_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="off-peak"):
        parse_offpeak(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("HC (22H00-6H00)", "22h00-06h00"),
        ("HC (1H30-8H00;12H30-14H00)", "01h30-08h00;12h30-14h00"),
        ("HC (0H38-6H38)", "00h38-06h38"),
        ("22:00-0:00", "22h00-24h00"),
        ("0h-24h", "00h00-24h00"),
    ],
)
def test_format(text: str, expected: str) -> None:
    formatted = format_offpeak(parse_offpeak(text))
    assert formatted == expected
    assert parse_offpeak(formatted) == parse_offpeak(text)


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
    points = day_points(day, watts=600.0)
    splits = [split_wh(NIGHT, point) for point in points]
    assert len(points) == intervals
    assert sum(hc for _, hc in splits) == pytest.approx(hc_intervals * 300.0)
    assert sum(hp + hc for hp, hc in splits) == pytest.approx(intervals * 300.0)


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


@pytest.mark.parametrize(
    ("start", "end"), [(0, 0), (600, 600), (-1, 60), (1440, 60), (0, 1441)]
)
def test_range_bounds(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="off-peak range"):
        OffpeakRange(start=start, end=end)


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


def test_changed_ranges_are_not_cached_wrong() -> None:
    point = day_points(WINTER_DAY)[0]
    assert split_wh(NIGHT, point) == (0.0, 300.0)
    assert split_wh(parse_offpeak("12h-14h"), point) == (300.0, 0.0)
    assert split_wh((OffpeakRange(start=1320, end=360),), point) == (0.0, 300.0)


RANGES = st.lists(
    st.tuples(st.integers(0, 1439), st.integers(1, 1440))
    .filter(lambda pair: pair[0] != pair[1])
    .map(lambda pair: OffpeakRange(start=pair[0], end=pair[1])),
    min_size=0,
    max_size=4,
).map(tuple)

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
@given(ranges=RANGES, point=POINTS)
def test_split_properties(
    ranges: tuple[OffpeakRange, ...], point: LoadCurvePoint
) -> None:
    hp, hc = split_wh(ranges, point)
    assert 0.0 <= hc <= point.wh
    assert hp + hc == pytest.approx(point.wh, abs=1e-9)
    assert offpeak_minutes(ranges, point.start, point.minutes) == pytest.approx(
        brute_force_minutes(ranges, point)
    )


@given(ranges=RANGES)
def test_format_parse_round_trip(ranges: tuple[OffpeakRange, ...]) -> None:
    assert parse_offpeak(format_offpeak(ranges)) == ranges
