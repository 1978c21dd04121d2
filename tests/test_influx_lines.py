"""Tests of the pure InfluxDB line builder and of the export marks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
import json
from pathlib import Path
import re

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import History, local_midnight
from custom_components.enedis_gateway.linky.influx_lines import (
    BATCH_LINES,
    DAILY_MEASUREMENT,
    DETAIL_MEASUREMENT,
    ExportKind,
    ExportUnit,
    batches,
    daily_line,
    exported_days,
    line,
    mark_exported,
    pending_units,
    unmark_exported,
)
from custom_components.enedis_gateway.linky.models import (
    DailyReading,
    LoadCurvePoint,
    MeasureType,
)
from custom_components.enedis_gateway.linky.offpeak import OffpeakRange, parse_offpeak
from custom_components.enedis_gateway.linky.tariff import Plan, Prices, Tariff

PDL = "12345678901234"
NIGHT = parse_offpeak("HC (22H00-6H00)")
PRICES = Prices(base=0.2, hp=0.25, hc=0.1)

type Point = tuple[str, dict[str, str], dict[str, float], int]


def parse(text: str) -> Point:
    """Parse one line of line protocol, independently of the builder."""
    head, fields, timestamp = re.split(r"(?<!\\) ", text)
    measurement, *tags = re.split(r"(?<!\\),", head)

    def unescape(value: str) -> str:
        return re.sub(r"\\([, =])", r"\1", value)

    def pairs(items: list[str]) -> dict[str, str]:
        split = (re.split(r"(?<!\\)=", item) for item in items)
        return {unescape(key): unescape(value) for key, value in split}

    return (
        unescape(measurement),
        pairs(tags),
        {
            key: float(value)
            for key, value in pairs(re.split(r"(?<!\\),", fields)).items()
        },
        int(timestamp),
    )


def whole_day(day: date, watts: Callable[[int], float]) -> list[LoadCurvePoint]:
    """Return the half-hours of a whole Paris-local day."""
    start = local_midnight(day)
    count = (
        int((local_midnight(day + timedelta(days=1)) - start).total_seconds()) // 1800
    )
    return [
        LoadCurvePoint(
            start=start + timedelta(minutes=30 * index), minutes=30, watts=watts(index)
        )
        for index in range(count)
    ]


def history_of(
    daily: dict[date, int], curves: dict[date, Callable[[int], float]]
) -> History:
    """Return a history with some daily readings and whole load-curve days."""
    history = History()
    history.merge_daily(
        MeasureType.DAILY_CONSUMPTION,
        [DailyReading(day=day, wh=wh) for day, wh in daily.items()],
    )
    for day, watts in curves.items():
        history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, whole_day(day, watts))
    return history


def units(
    history: History,
    marks: dict[str, datetime] | None = None,
    *,
    ranges: tuple[OffpeakRange, ...] = NIGHT,
    plan: Plan = Plan.HPHC,
) -> list[ExportUnit]:
    """Return every pending unit."""
    return list(
        pending_units(
            history, marks or {}, pdl=PDL, tariff=Tariff(plan, PRICES, ranges)
        )
    )


def test_daily_line() -> None:
    """A daily point at the Paris-local midnight, true UTC seconds, unrounded kWh."""
    text = daily_line(pdl=PDL, day=date(2024, 3, 24), wh=12345, price=3.1)
    assert text == (
        "enedisgateway_daily,month=03,pdl=12345678901234,year=2024 "
        "Wh=12345.0,kWh=12.345,price=3.1 1711234800"
    )
    # 2024-03-24 00:00 in Paris (CET, UTC+1) is 23:00 UTC the day before.
    assert datetime.fromtimestamp(1711234800, UTC) == datetime(
        2024, 3, 23, 23, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("measurement", "tags", "expected"),
    [
        ("a b,c", {"k": "v"}, r"a\ b\,c,k=v x=1.0 0"),
        ("m", {"k,1": "v=2 3"}, r"m,k\,1=v\=2\ 3 x=1.0 0"),
        ("m", {"b": "2", "a": "1"}, "m,a=1,b=2 x=1.0 0"),
    ],
)
def test_escaping(measurement: str, tags: dict[str, str], expected: str) -> None:
    """Commas, spaces and equal signs are escaped; tags are sorted."""
    assert line(measurement, tags, {"x": 1}, 0) == expected


@settings(max_examples=200)
@given(
    measurement=st.text(st.characters(exclude_characters="\\\n\r"), min_size=1),
    tags=st.dictionaries(
        st.text(st.characters(exclude_characters="\\\n\r"), min_size=1),
        st.text(st.characters(exclude_characters="\\\n\r"), min_size=1),
        max_size=4,
    ),
    value=st.floats(allow_nan=False, allow_infinity=False),
    timestamp=st.integers(0, 2**40),
)
def test_escaping_round_trips(
    measurement: str, tags: dict[str, str], value: float, timestamp: int
) -> None:
    """Any text survives escaping: an independent parser reads back the same point."""
    text = line(measurement, tags, {"Wh": value}, timestamp)
    assert parse(text) == (measurement, tags, {"Wh": value}, timestamp)


def test_line_rejects_nan() -> None:
    """A field must be a finite number."""
    with pytest.raises(ValueError, match="finite"):
        line("m", {}, {"x": float("nan")}, 0)


def test_detail_points() -> None:
    """Each half-hour at its UTC start, tagged HP or HC, with W, kW, Wh, kWh and price."""
    day = date(2024, 1, 15)
    [unit] = units(history_of({}, {day: lambda index: 1000.0 + index}))
    assert unit.kind is ExportKind.DETAIL
    assert unit.day == day
    points = [parse(text) for text in unit.lines]
    assert len(points) == 48
    start = int(local_midnight(day).timestamp())
    for index, (measurement, tags, fields, timestamp) in enumerate(points):
        watts = 1000.0 + index
        measure_type = "HC" if index < 12 or index >= 44 else "HP"
        assert measurement == DETAIL_MEASUREMENT
        assert tags == {
            "pdl": PDL,
            "measure_type": measure_type,
            "interval": "PT30M",
            "year": "2024",
            "month": "01",
        }
        assert timestamp == start + 1800 * index
        assert fields == {
            "W": watts,
            "kW": watts / 1000,
            "Wh": watts / 2,
            "kWh": watts / 2000,
            "price": watts / 2000 * (0.1 if measure_type == "HC" else 0.25),
        }


@pytest.mark.parametrize(
    ("ranges", "plan", "tags", "price"),
    [
        # No off-peak hours: nothing is off-peak, so HP/HC prices it all at HP,
        # like the daily point, the sensors and the statistics.
        ((), Plan.HPHC, ["BASE"], [0.25]),
        (NIGHT, Plan.BASE, ["HC"], [0.2]),
        (parse_offpeak("HC (0H38-6H38)"), Plan.HPHC, ["HP", "HC"], [0.25, 0.1]),
    ],
)
def test_measure_type(
    ranges: tuple[OffpeakRange, ...], plan: Plan, tags: list[str], price: list[float]
) -> None:
    """BASE without off-peak hours; an interval across a bound splits pro rata."""
    [unit] = units(
        history_of({}, {date(2024, 1, 15): lambda _: 600.0}), ranges=ranges, plan=plan
    )
    # The half-hour 00:30-01:00: HC from 00:38 on, 22 of its 30 minutes.
    at = int(local_midnight(date(2024, 1, 15)).timestamp()) + 1800
    points = [parse(text) for text in unit.lines if text.endswith(f" {at}")]
    assert [point[1]["measure_type"] for point in points] == tags
    shares = [8 / 30, 22 / 30] if len(tags) == 2 else [1.0]
    for (_, _, fields, _), share, unit_price in zip(points, shares, price, strict=True):
        assert fields["W"] == pytest.approx(600 * share)
        assert fields["Wh"] == pytest.approx(300 * share)
        assert fields["price"] == pytest.approx(0.3 * share * unit_price)


@pytest.mark.parametrize(
    ("day", "count"), [(date(2024, 3, 31), 46), (date(2024, 10, 27), 50)]
)
def test_dst_days(day: date, count: int) -> None:
    """DST days: 46 or 50 points, 30 minutes apart in true UTC time."""
    [unit] = units(history_of({}, {day: lambda _: 100.0}), ranges=())
    stamps = [parse(text)[3] for text in unit.lines]
    assert len(stamps) == count
    assert stamps == [stamps[0] + 1800 * index for index in range(count)]
    assert stamps[0] == int(local_midnight(day).timestamp())


def test_daily_price_follows_the_plan() -> None:
    """The daily price is the day's cost under the plan, split by the day's curve."""
    day = date(2024, 1, 15)
    history = history_of({day: 24000}, {day: lambda _: 1000.0})
    daily = [
        parse(unit.lines[0]) for unit in units(history) if unit.kind is ExportKind.DAILY
    ]
    # 8 h of HC at 0.1, 16 h of HP at 0.25.
    assert daily == [
        (
            DAILY_MEASUREMENT,
            {"pdl": PDL, "year": "2024", "month": "01"},
            {"Wh": 24000.0, "kWh": 24.0, "price": pytest.approx(8 * 0.1 + 16 * 0.25)},
            int(local_midnight(day).timestamp()),
        )
    ]
    [base] = [
        parse(unit.lines[0])
        for unit in units(history, plan=Plan.BASE)
        if unit.kind is ExportKind.DAILY
    ]
    assert base[2]["price"] == pytest.approx(24 * 0.2)


def test_incremental_with_backfill_and_holes() -> None:
    """Marked days are skipped; older days and filled holes come later and are exported."""
    days = [date(2024, 1, 10) + timedelta(days=n) for n in range(10)]
    history = history_of(
        {day: 1000 for day in days if day != days[4]},
        {day: lambda _: 100.0 for day in days[5:]},
    )
    # An incomplete curve day is not exported until complete.
    history.merge_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, whole_day(days[3], lambda _: 1.0)[:20]
    )
    first = units(history)
    assert [(unit.kind, unit.day) for unit in first] == [
        *((ExportKind.DAILY, day) for day in days if day != days[4]),
        *((ExportKind.DETAIL, day) for day in days[5:]),
    ]
    marks: dict[str, datetime] = {}
    for kind in ExportKind:
        marks = mark_exported(
            marks, kind, [unit.day for unit in first if unit.kind is kind]
        )
    assert marks == {
        "daily:2024-01-10": local_midnight(days[4]),
        "daily:2024-01-15": local_midnight(days[-1] + timedelta(days=1)),
        "detail:2024-01-15": local_midnight(days[-1] + timedelta(days=1)),
    }
    assert units(history, marks) == []
    # The backfill brings an older day, the hole is filled, the partial day completes.
    older = date(2024, 1, 2)
    history.merge_daily(
        MeasureType.DAILY_CONSUMPTION,
        [DailyReading(day=older, wh=5), DailyReading(day=days[4], wh=6)],
    )
    history.merge_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, whole_day(days[3], lambda _: 1.0)
    )
    assert [(unit.kind, unit.day) for unit in units(history, marks)] == [
        (ExportKind.DAILY, older),
        (ExportKind.DAILY, days[4]),
        (ExportKind.DETAIL, days[3]),
    ]


@settings(max_examples=100)
@given(
    done=st.sets(st.integers(0, 120), max_size=60),
    more=st.sets(st.integers(0, 120), max_size=30),
    other=st.sets(st.integers(0, 120), max_size=10),
)
def test_marks_round_trip(done: set[int], more: set[int], other: set[int]) -> None:
    """Marks hold exactly the exported days, one entry per run of days, other kinds kept."""
    first = date(2023, 10, 1)  # spans cross the autumn DST change

    def days(numbers: set[int]) -> set[date]:
        return {first + timedelta(days=n) for n in numbers}

    marks = mark_exported({}, ExportKind.DETAIL, days(other))
    marks = mark_exported(marks, ExportKind.DAILY, days(done))
    marks = mark_exported(marks, ExportKind.DAILY, days(more))
    everything = done | more
    assert exported_days(marks, ExportKind.DAILY) == days(everything)
    assert exported_days(marks, ExportKind.DETAIL) == days(other)
    runs = sum(1 for n in everything if n - 1 not in everything)
    assert sum(key.startswith("daily:") for key in marks) == runs
    assert all(value.tzinfo is not None for value in marks.values())
    # Days repriced are exported again: unmarked, the rest kept as spans.
    unmarked = unmark_exported(marks, ExportKind.DAILY, days(more))
    left = everything - more
    assert exported_days(unmarked, ExportKind.DAILY) == days(left)
    assert exported_days(unmarked, ExportKind.DETAIL) == days(other)
    runs = sum(1 for n in left if n - 1 not in left)
    assert sum(key.startswith("daily:") for key in unmarked) == runs


def test_unreadable_mark_is_ignored() -> None:
    """A damaged mark key costs a re-export, never a crash."""
    end = local_midnight(date(2024, 1, 3))
    marks = {"daily:garbage": end, "daily:2024-01-01": end, "other": end}
    assert exported_days(marks, ExportKind.DAILY) == {
        date(2024, 1, 1),
        date(2024, 1, 2),
    }


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([1] * 7, [[1] * 5, [1] * 2]),
        ([3, 3, 3], [[3], [3], [3]]),
        ([6, 1, 4], [[6], [1, 4]]),
        ([], []),
    ],
)
def test_batches_keep_days_whole(sizes: list[int], expected: list[list[int]]) -> None:
    """Batches hold whole days and at most size lines (a bigger day goes alone)."""
    day_units = [
        ExportUnit(kind=ExportKind.DAILY, day=date(2024, 1, 1), lines=("x",) * size)
        for size in sizes
    ]
    assert [
        [len(unit.lines) for unit in batch] for batch in batches(day_units, 5)
    ] == expected
    assert BATCH_LINES == 5000


def test_grafana_dashboard_matches_the_measurements() -> None:
    """The shipped dashboard queries only the measurements and fields we write."""
    path = Path(__file__).parent.parent / "grafana" / "enedis_gateway.json"
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    fields = {
        DAILY_MEASUREMENT: {"Wh", "kWh", "price"},
        DETAIL_MEASUREMENT: {"W", "kW", "Wh", "kWh", "price"},
    }
    queried: set[tuple[str, str]] = set()
    for panel in dashboard["panels"]:
        assert panel["datasource"] == {"type": "influxdb", "uid": "${DS_INFLUXDB}"}
        for query in (target["query"] for target in panel["targets"]):
            measurements = re.findall(r'_measurement == "(\w+)"', query)
            names = re.findall(r'_field == "(\w+)"', query)
            assert len(measurements) == len(names) == 1, panel["title"]
            assert names[0] in fields[measurements[0]], panel["title"]
            assert 'r.pdl == "${pdl}"' in query
            queried.add((measurements[0], names[0]))
            # Flux wants every import before the first statement.
            body = query.split("\n")
            imports = [
                index for index, text in enumerate(body) if text.startswith("import ")
            ]
            assert imports == list(range(len(imports)))
    assert {measurement for measurement, _ in queried} == set(fields)
