"""The stored history: merging, the fetch state (failures, skipped days), compact encoding."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
import json
from typing import Any

from hypothesis import given, settings, strategies as st
import orjson
import pytest

from custom_components.enedis_gateway.linky.history import (
    MAX_DAY_WH,
    MAX_WATTS,
    SKIP_AFTER,
    FetchState,
    History,
    InvalidHistoryError,
    StoredHistory,
    day_minutes,
    decode_history,
    encode_history,
    local_midnight,
)
from custom_components.enedis_gateway.linky.models import (
    PARIS,
    Addresses,
    Contract,
    DailyReading,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
)
from custom_components.enedis_gateway.linky.tempo import TempoColor
from simulator import Household

CURVE = MeasureType.CONSUMPTION_LOAD_CURVE
DAILY = MeasureType.DAILY_CONSUMPTION
PRODUCTION = MeasureType.DAILY_PRODUCTION
PRODUCTION_CURVE = MeasureType.PRODUCTION_LOAD_CURVE
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def points(household: Household, day: date) -> list[LoadCurvePoint]:
    """Return the simulator's load curve of a day as client points."""
    return [
        LoadCurvePoint(start=start, minutes=minutes, watts=watts)
        for start, minutes, watts in household.curve(day)
    ]


def full_history(household: Household, today: date) -> History:
    """Return a history holding 3 years of daily data and 2 years of load curve."""
    history = History(contract=Contract(offpeak_hours="HC (22H00-6H00)"))
    history.merge_daily(
        DAILY,
        [
            DailyReading(
                day=today - timedelta(days=n),
                wh=household.daily_wh(today - timedelta(days=n)),
            )
            for n in range(1, 1096)
        ],
    )
    for n in range(1, 731):
        history.merge_curve(CURVE, points(household, today - timedelta(days=n)))
    history.merge_max_power(
        MaxPowerReading(day=day, va=va, at=at)
        for n in range(1, 1096)
        for day in [today - timedelta(days=n)]
        for va, at in [household.max_power(day)]
    )
    return history


@pytest.mark.parametrize(
    ("day", "size"),
    [(date(2026, 3, 29), 46), (date(2026, 10, 25), 50), (date(2026, 6, 1), 48)],
)
def test_merge_curve_dst_days(day: date, size: int) -> None:
    """Each Paris day holds its 46, 48 or 50 half-hours, complete and in order."""
    household = Household(seed=3)
    history = History()
    assert history.merge_curve(CURVE, points(household, day)) == size
    curve = history.consumption.curve[day]
    assert len(curve.watts) == size == day_minutes(day) // 30
    assert curve.is_complete()
    assert history.has(CURVE, day)
    assert [point.start for point in curve.points(day)] == [
        start for start, _, _ in household.curve(day)
    ]
    assert curve.wh() == household.daily_wh(day)
    # Merging the same points again changes nothing.
    assert history.merge_curve(CURVE, points(household, day)) == 0


def test_partial_day_is_missing_until_complete() -> None:
    """A day with a gap is stored but still missing for the planner."""
    household = Household(seed=3)
    day = date(2026, 6, 1)
    history = History()
    history.merge_curve(CURVE, points(household, day)[:-1])
    assert not history.has(CURVE, day)
    history.merge_curve(CURVE, points(household, day)[-1:])
    assert history.has(CURVE, day)


def test_failures_skip_a_day_after_seven_attempts() -> None:
    """A past day is given up after 7 failed attempts; stored days are never counted."""
    history, fetch = History(), FetchState()
    hole, stored = date(2026, 11, 10), date(2026, 11, 11)
    history.merge_daily(DAILY, [DailyReading(day=stored, wh=1000)])
    for n in range(SKIP_AFTER):
        assert not fetch.is_skipped(DAILY, hole)
        fetch.record_failure(history, DAILY, [hole, stored], NOW + timedelta(days=n))
    assert fetch.is_skipped(DAILY, hole)
    assert fetch.skipped_count() == 1
    assert fetch.attempts[DAILY][hole].count == SKIP_AFTER
    assert stored not in fetch.attempts[DAILY]
    assert fetch.retry_skipped() == 1
    assert not fetch.is_skipped(DAILY, hole)
    assert fetch.attempts == {}


def test_attempts_forgotten_once_stored() -> None:
    """A day that failed, then came, leaves no attempt behind."""
    history, fetch = History(), FetchState()
    day = date(2026, 11, 10)
    fetch.record_failure(history, DAILY, [day], NOW)
    history.merge_daily(DAILY, [DailyReading(day=day, wh=5)])
    fetch.forget_stored(history)
    assert fetch.attempts == {DAILY: {}}


def test_floor_only_rises() -> None:
    fetch = FetchState()
    fetch.raise_floor(CURVE, date(2025, 1, 1))
    fetch.raise_floor(CURVE, date(2024, 1, 1))
    assert fetch.floor == {CURVE: date(2025, 1, 1)}
    fetch.raise_floor(CURVE, date(2025, 2, 1))
    assert fetch.floor == {CURVE: date(2025, 2, 1)}


def test_today_is_never_skipped() -> None:
    """The current Paris day is not a past day: never skipped however many attempts."""
    history, fetch = History(), FetchState()
    today = NOW.astimezone(PARIS).date()
    for _ in range(10):
        fetch.record_failure(history, DAILY, [today], NOW)
    assert not fetch.is_skipped(DAILY, today)


def test_calls_counted_per_paris_day() -> None:
    """The counter restarts at Paris midnight, not UTC midnight."""
    fetch = FetchState()
    fetch.count_call(datetime(2026, 11, 27, 22, 0, tzinfo=UTC))  # 23:00 Paris
    fetch.count_call(datetime(2026, 11, 27, 22, 30, tzinfo=UTC))  # 23:30 Paris
    assert fetch.calls_on(date(2026, 11, 27)) == 2
    fetch.count_call(datetime(2026, 11, 27, 23, 30, tzinfo=UTC))  # 00:30 Paris
    assert fetch.calls_on(date(2026, 11, 28)) == 1


def test_revision_follows_readings_and_contract() -> None:
    """Every change the statistics depend on moves the revision; no change keeps it."""
    history = History()
    history.merge_daily(DAILY, [DailyReading(day=date(2026, 1, 1), wh=5)])
    first = history.revision
    history.merge_daily(DAILY, [DailyReading(day=date(2026, 1, 1), wh=5)])
    assert history.revision == first
    history.set_contract(Contract(last_activation_date=date(2025, 1, 1)))
    assert history.revision == first + 1
    history.set_contract(Contract(last_activation_date=date(2025, 1, 1)))
    assert history.revision == first + 1
    emptied = history.emptied()
    assert emptied.revision > history.revision
    assert emptied.contract == history.contract
    assert not emptied.consumption.daily


def test_full_history_round_trip_and_size() -> None:
    """Three years of daily data and two of load curve: exact round trip, well under 1 MB."""
    history = full_history(Household(seed=1), date(2026, 11, 28))
    fetch = FetchState()
    fetch.record_failure(history, DAILY, [date(2024, 1, 1)], NOW)
    fetch.skipped[CURVE] = {date(2025, 5, 5)}
    fetch.floor[CURVE] = date(2024, 12, 1)
    fetch.count_call(NOW)
    fetch.quota_until = NOW + timedelta(hours=3)
    encoded = encode_history(history, fetch)
    # Home Assistant's Store writes its files with orjson, indented by 2.
    written = orjson.dumps(
        {"version": 1, "minor_version": 1, "key": "enedis_gateway.x", "data": encoded},
        option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
    )
    assert len(written) < 300_000
    decoded = decode_history(orjson.loads(written)["data"])
    assert encode_history(decoded.history, decoded.fetch) == encoded
    assert decoded.fetch == fetch
    readings = decoded.history
    assert readings.consumption.daily == history.consumption.daily
    assert readings.consumption.max_power == history.consumption.max_power
    assert all(
        readings.consumption.curve[day].watts == curve.watts
        for day, curve in history.consumption.curve.items()
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
            st.integers(min_value=0, max_value=100_000),
        ),
        max_size=40,
    )
)
def test_daily_round_trip_property(readings: list[tuple[date, int]]) -> None:
    """Whatever daily readings are merged, encoding then decoding gives them back."""
    history = History()
    history.merge_daily(DAILY, [DailyReading(day=day, wh=wh) for day, wh in readings])
    assert decode_history(
        json.loads(json.dumps(encode_history(history, FetchState())))
    ).history.consumption.daily == (dict(readings))


def test_readings_copy_is_left_alone_by_later_merges() -> None:
    """The statistics thread reads a copy: merges after it change only the original."""
    household = Household(seed=3)
    day = date(2026, 6, 1)
    history = History(contract=Contract(offpeak_hours="HC (22H00-6H00)"))
    history.merge_curve(CURVE, points(household, day)[:-1])
    history.merge_daily(DAILY, [DailyReading(day=day, wh=1000)])
    copy = history.readings_copy()
    assert copy.consumption == history.consumption
    assert copy.contract == history.contract
    assert copy.revision == history.revision

    history.merge_curve(CURVE, points(household, day)[-1:])
    history.merge_daily(DAILY, [DailyReading(day=day, wh=2000)])
    history.merge_daily(DAILY, [DailyReading(day=day - timedelta(days=1), wh=5)])
    assert history.has(CURVE, day)
    assert not copy.has(CURVE, day)
    assert copy.consumption.daily == {day: 1000}


def every_field() -> dict[str, Any]:
    """Return, as read back from JSON, a history using every field at its bounds."""
    household = Household(seed=3)
    history = History(
        contract=Contract(
            subscribed_power_kva=9.0,
            offpeak_hours="HC (22H00-6H00)",
            last_activation_date=date(2020, 1, 2),
            distribution_tariff="BTINFCUST",
            status="SERVC",
            meter_type="AMM",
            raw={"subscribed_power": "9 kVA"},
        ),
        addresses=Addresses(raw={"street": "1 rue de la Paix", "geo": {"x": 1}}),
    )
    fetch = FetchState(
        quota_until=NOW, last_call=NOW.astimezone(PARIS), last_error="timeout"
    )
    history.merge_daily(DAILY, [DailyReading(day=date(2026, 10, 25), wh=MAX_DAY_WH)])
    history.merge_daily(PRODUCTION, [DailyReading(day=date(2026, 10, 25), wh=0)])
    history.merge_curve(CURVE, points(household, date(2026, 10, 25)))
    history.merge_curve(CURVE, points(household, date(2026, 3, 29)))
    start = local_midnight(date(2026, 11, 18))
    history.merge_curve(
        PRODUCTION_CURVE,
        [
            LoadCurvePoint(
                start=start + n * timedelta(minutes=15), minutes=15, watts=MAX_WATTS
            )
            for n in range(1, 96)
        ],
    )
    history.merge_max_power(
        [
            MaxPowerReading(
                day=date(2026, 11, 19),
                va=MAX_WATTS,
                at=datetime(2026, 11, 19, 18, 30, tzinfo=PARIS),
            )
        ]
    )
    fetch.record_failure(history, DAILY, [date(2026, 11, 1)], NOW)
    fetch.skipped[CURVE] = {date(2025, 5, 5)}
    fetch.floor[CURVE] = date(2024, 12, 1)
    data: dict[str, Any] = json.loads(json.dumps(encode_history(history, fetch)))
    # The InfluxDB marks a file of version 0.1.0 holds, read for the exporter.
    data["exported"] = {"daily:2026-10-01": NOW.isoformat()}
    return data


def test_every_field_round_trips() -> None:
    """Everything the encoder writes, bounds and DST days included, validates."""
    data = every_field()
    decoded = decode_history(data)
    assert encode_history(decoded.history, decoded.fetch) == {
        key: value for key, value in data.items() if key != "exported"
    }
    history = decoded.history
    assert len(history.consumption.curve[date(2026, 10, 25)].watts) == 50
    assert len(history.consumption.curve[date(2026, 3, 29)].watts) == 46
    assert history.production.curve[date(2026, 11, 18)].watts[0] is None
    assert decoded.fetch.quota_until == NOW
    assert decoded.export_marks == {"daily:2026-10-01": NOW}


def test_empty_file_decodes_to_nothing_stored() -> None:
    assert decode_history({}) == StoredHistory()


def replaced(data: dict[str, Any], path: tuple[str, ...], value: object) -> object:
    """Return a copy of data with the value at a path of keys replaced."""
    result = copy.deepcopy(data)
    node = result
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return result


NAIVE = "2026-11-20T12:00:00"
HALF_HOURS = ",".join(["500"] * 47)


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        pytest.param(("quota_until",), NAIVE, "no time zone", id="naive-quota-until"),
        pytest.param(("last_call",), NAIVE, "no time zone", id="naive-last-call"),
        pytest.param(
            ("exported", "daily:2026-10-01"),
            NAIVE,
            "no time zone",
            id="naive-exported",
        ),
        pytest.param(
            ("attempts", "daily_consumption", "2026-11-01"),
            [1, NAIVE],
            "no time zone",
            id="naive-attempt",
        ),
        pytest.param(
            ("consumption", "max_power", "2026-11-19"),
            f"9000|{NAIVE}",
            "no time zone",
            id="naive-max-power-time",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            "30|" + ",".join(["5"] * 52),
            "holds 52 values",
            id="52-half-hours",
        ),
        pytest.param(
            ("consumption", "curve", "2026-10-25"),
            "30|" + ",".join(["5"] * 48),
            "holds 48 values",
            id="48-half-hours-on-a-25-hour-day",
        ),
        pytest.param(
            ("consumption", "curve", "2026-03-29"),
            "30|" + ",".join(["5"] * 48),
            "holds 48 values",
            id="48-half-hours-on-a-23-hour-day",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            "20|" + ",".join(["5"] * 72),
            "interval of 20 minutes",
            id="20-minute-interval",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            f"30|-5,{HALF_HOURS}",
            "out of range",
            id="negative",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            f"30|nan,{HALF_HOURS}",
            "out of range",
            id="nan",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            f"30|inf,{HALF_HOURS}",
            "out of range",
            id="inf",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            f"30|{MAX_WATTS + 1},{HALF_HOURS}",
            "out of range",
            id="curve-beyond-bound",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            f"30|x,{HALF_HOURS}",
            "could not convert",
            id="not-a-number",
        ),
        pytest.param(
            ("consumption", "curve", "2026-11-18"),
            [5] * 48,
            "not a string",
            id="curve-not-a-string",
        ),
        pytest.param(
            ("consumption", "daily", "2026-11-19"),
            -1,
            "out of range",
            id="negative-daily",
        ),
        pytest.param(
            ("consumption", "daily", "2026-11-19"),
            MAX_DAY_WH + 1,
            "out of range",
            id="daily-beyond-bound",
        ),
        pytest.param(
            ("consumption", "daily", "2026-11-19"),
            "12",
            "not an integer",
            id="daily-string",
        ),
        pytest.param(
            ("consumption", "daily", "2026-11-19"),
            12.5,
            "not an integer",
            id="daily-float",
        ),
        pytest.param(
            ("consumption", "daily", "2026-11-19"),
            True,
            "not an integer",
            id="daily-bool",
        ),
        pytest.param(
            ("consumption", "daily", "nope"),
            12,
            "Invalid isoformat",
            id="daily-bad-day",
        ),
        pytest.param(
            ("consumption", "daily", "0001-01-01"),
            12,
            "out of range",
            id="daily-year-1",
        ),
        pytest.param(
            ("consumption", "max_power", "2026-11-19"),
            f"{MAX_WATTS + 1}|2026-11-19T18:30:00+01:00",
            "out of range",
            id="max-power-beyond-bound",
        ),
        pytest.param(
            ("consumption", "max_power", "2026-11-19"),
            "-1|2026-11-19T18:30:00+01:00",
            "out of range",
            id="negative-max-power",
        ),
        pytest.param(("consumption",), [], "not an object", id="series-list"),
        pytest.param(("consumption", "daily"), [1], "not an object", id="daily-list"),
        pytest.param(
            ("attempts", "weekly_consumption"),
            {},
            "unknown measure type",
            id="unknown-attempt-type",
        ),
        pytest.param(
            ("floor", "weekly_consumption"),
            "2026-01-01",
            "unknown measure type",
            id="unknown-floor-type",
        ),
        pytest.param(
            ("blacklist", "weekly_consumption"),
            ["2026-01-01"],
            "unknown measure type",
            id="unknown-blacklist-type",
        ),
        pytest.param(
            ("blacklist", "daily_consumption"),
            {"2026-01-01": 1},
            "not a list",
            id="blacklist-object",
        ),
        pytest.param(
            ("attempts", "daily_consumption", "2026-11-01"),
            [1, NOW.isoformat(), 3],
            "pair",
            id="attempt-triple",
        ),
        pytest.param(
            ("attempts", "daily_consumption", "2026-11-01"),
            [-1, NOW.isoformat()],
            "out of range",
            id="attempt-negative-count",
        ),
        pytest.param(
            ("contract", "raw", "subscribed_power"),
            9,
            "not a string",
            id="contract-raw-number",
        ),
        pytest.param(
            ("contract", "subscribed_power_kva"),
            "9 kVA",
            "not a number",
            id="kva-string",
        ),
        pytest.param(
            ("contract", "subscribed_power_kva"), -3, "out of range", id="kva-negative"
        ),
        pytest.param(
            ("contract", "status"), ["SERVC"], "not a string", id="contract-status-list"
        ),
        pytest.param(("contract",), "yes", "not an object", id="contract-string"),
        pytest.param(("addresses",), [1], "not an object", id="addresses-list"),
        pytest.param(("last_error",), 5, "not a string", id="last-error-number"),
        pytest.param(("exported",), [], "not an object", id="exported-list"),
    ],
)
def test_decode_rejects_invalid_data(
    path: tuple[str, ...], value: object, reason: str
) -> None:
    """Wrong types, naive times, odd day lengths and impossible values are refused."""
    with pytest.raises(InvalidHistoryError, match=reason):
        decode_history(replaced(every_field(), path, value))  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [[1, 2, 3], "history", None, 5])
def test_decode_rejects_what_is_not_an_object(data: object) -> None:
    """The data of a store file must be an object."""
    with pytest.raises(ValueError, match="history is not an object"):
        decode_history(data)  # type: ignore[arg-type]


def test_tempo_colours_round_trip() -> None:
    """Tempo colours are stored with the readings, merged by day, kept when wiped."""
    history = History()
    assert history.merge_tempo({date(2026, 1, 5): TempoColor.RED}) == 1
    assert history.merge_tempo({date(2026, 1, 5): TempoColor.RED}) == 0
    revision = history.revision
    assert history.merge_tempo({date(2026, 1, 6): TempoColor.WHITE}) == 1
    assert history.revision == revision + 1
    data = json.loads(json.dumps(encode_history(history, FetchState())))
    assert data["tempo"] == {"2026-01-05": "RED", "2026-01-06": "WHITE"}
    assert decode_history(data).history.tempo == history.tempo
    # A file of 0.1.0 has no colours; a wrong colour is not a history.
    del data["tempo"]
    assert decode_history(data).history.tempo == {}
    with pytest.raises(InvalidHistoryError, match="tempo.2026-01-05"):
        decode_history({**data, "tempo": {"2026-01-05": "PINK"}})
    assert history.emptied().tempo == history.tempo
    assert history.readings_copy().tempo == history.tempo
