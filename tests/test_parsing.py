"""Parsing of every gateway reply shape, the DST days, and garbage that must stay a GatewayError."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
import random
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.exceptions import GatewayError
from custom_components.enedis_gateway.linky.models import (
    Addresses,
    Contract,
    DailyReading,
    LoadCurvePoint,
    MaxPowerReading,
)
from custom_components.enedis_gateway.linky.parsing import (
    MAX_DAILY_WH,
    MAX_POWER_VA,
    parse_addresses,
    parse_contract,
    parse_daily,
    parse_load_curve,
    parse_max_power,
)

PARIS = ZoneInfo("Europe/Paris")
PDL = "12345678901234"
OTHER_PDL = "98765432109876"


def _meter(readings: Any) -> dict[str, Any]:
    return {
        "meter_reading": {
            "usage_point_id": PDL,
            "start": "2026-10-24",
            "end": "2026-10-27",
            "quality": "BRUT",
            "reading_type": {"unit": "W", "measurement_kind": "power"},
            "interval_reading": readings,
        }
    }


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(UTC)


def _starts(day: date, minutes: int = 30) -> list[datetime]:
    """Return the real UTC interval starts of a Paris-local day."""
    start, end = _local_midnight(day), _local_midnight(day + timedelta(days=1))
    count = int((end - start) / timedelta(minutes=minutes))
    return [start + index * timedelta(minutes=minutes) for index in range(count)]


def _curve_payload(starts: list[datetime], minutes: int = 30) -> dict[str, Any]:
    """Return a reply stamped like Enedis: Paris wall-clock time of each interval end."""
    return _meter(
        [
            {
                "value": str(100 + index * 2),
                "date": (start + timedelta(minutes=minutes))
                .astimezone(PARIS)
                .strftime("%Y-%m-%d %H:%M:%S"),
                "interval_length": f"PT{minutes}M",
                "measure_type": "B",
            }
            for index, start in enumerate(starts)
        ]
    )


# Daily energy.


def test_parse_daily() -> None:
    payload = _meter(
        [
            {"value": "12000", "date": "2026-11-26"},
            {"value": "11500", "date": "2026-11-25"},
            {"value": 9000, "date": "2026-11-27"},
            {"value": "8000.4", "date": "2026-11-24"},
        ]
    )
    assert parse_daily(payload) == [
        DailyReading(day=date(2026, 11, 24), wh=8000),
        DailyReading(day=date(2026, 11, 25), wh=11500),
        DailyReading(day=date(2026, 11, 26), wh=12000),
        DailyReading(day=date(2026, 11, 27), wh=9000),
    ]


def test_parse_daily_empty_and_duplicates() -> None:
    assert parse_daily(_meter([])) == []
    duplicated = _meter(
        [
            {"value": "1", "date": "2026-11-26"},
            {"value": "2", "date": "2026-11-26"},
        ]
    )
    assert parse_daily(duplicated) == [DailyReading(day=date(2026, 11, 26), wh=2)]


BAD_READINGS: list[Any] = [
    None,
    "meter_reading",
    [],
    {},
    {"meter_reading": None},
    {"meter_reading": {}},
    {"meter_reading": []},
    {"meter_reading": {"interval_reading": None}},
    {"meter_reading": {"interval_reading": {}}},
    {"meter_reading": {"interval_reading": "[]"}},
    _meter([1]),
    _meter([None]),
    _meter([["2026-11-26", "1"]]),
    _meter([{"value": "1"}]),
    _meter([{"date": "2026-11-26"}]),
    _meter([{"date": "2026-11-26 10:00:00"}]),
    _meter([{"date": "", "value": "1"}]),
    _meter([{"date": 20261126, "value": "1"}]),
    _meter([{"date": "2026-13-01 10:00:00", "value": "1"}]),
    _meter([{"date": "26/11/2026 10:00:00", "value": "1"}]),
    _meter([{"date": "0001-01-01 00:00:00", "value": "1"}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": "abc"}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": ""}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": None}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": True}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": ["1"]}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": {"v": 1}}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": "nan"}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": "inf"}]),
    _meter([{"date": "2026-11-26 10:00:00", "value": 10**400}]),
    _meter(
        [
            {"date": "2026-11-26 10:00:00", "value": "1"},
            {"date": "2026-11-26 10:30:00", "value": "x"},
        ]
    ),
]

READING_PARSERS: list[Callable[[Any], list[Any]]] = [
    parse_daily,
    parse_load_curve,
    parse_max_power,
]


@pytest.mark.parametrize("parser", READING_PARSERS)
@pytest.mark.parametrize("payload", BAD_READINGS)
def test_malformed_readings(parser: Callable[[Any], list[Any]], payload: Any) -> None:
    with pytest.raises(GatewayError, match="Malformed"):
        parser(payload)


# Load curve.


@pytest.mark.parametrize(
    ("day", "count"),
    [
        (date(2026, 11, 26), 48),
        (date(2026, 3, 29), 46),
        (date(2026, 10, 25), 50),
        (date(2025, 3, 30), 46),
        (date(2025, 10, 26), 50),
    ],
)
def test_load_curve_day(day: date, count: int) -> None:
    points = parse_load_curve(_curve_payload(_starts(day)))
    assert len(points) == count
    assert points[0].start == _local_midnight(day)
    assert points[-1].end == _local_midnight(day + timedelta(days=1))
    assert all(point.start.tzinfo is UTC for point in points)
    assert all(
        later.start - earlier.start == timedelta(minutes=30)
        for earlier, later in pairwise(points)
    )
    assert [point.watts for point in points] == [100 + 2 * i for i in range(count)]
    assert all(point.minutes == 30 for point in points)


def test_autumn_repeated_hour_is_resolved_by_order() -> None:
    stamps = ["2026-10-25 02:00:00", "2026-10-25 02:30:00"] * 2 + [
        "2026-10-25 03:00:00"
    ]
    payload = _meter(
        [
            {"date": stamp, "value": str(index), "interval_length": "PT30M"}
            for index, stamp in enumerate(stamps)
        ]
    )
    assert parse_load_curve(payload) == [
        LoadCurvePoint(
            start=datetime(2026, 10, 24, 23, 30, tzinfo=UTC), minutes=30, watts=0
        ),
        LoadCurvePoint(
            start=datetime(2026, 10, 25, 0, 0, tzinfo=UTC), minutes=30, watts=1
        ),
        LoadCurvePoint(
            start=datetime(2026, 10, 25, 0, 30, tzinfo=UTC), minutes=30, watts=2
        ),
        LoadCurvePoint(
            start=datetime(2026, 10, 25, 1, 0, tzinfo=UTC), minutes=30, watts=3
        ),
        LoadCurvePoint(
            start=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), minutes=30, watts=4
        ),
    ]


def test_spring_jump() -> None:
    payload = _meter(
        [
            {"date": "2026-03-29 01:30:00", "value": "1"},
            {"date": "2026-03-29 03:00:00", "value": "2"},
            {"date": "2026-03-29 03:30:00", "value": "3"},
        ]
    )
    assert [point.start for point in parse_load_curve(payload)] == [
        datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ]


def test_spring_gap_stamp_keeps_winter_offset() -> None:
    payload = _meter([{"date": "2026-03-29 02:00:00", "value": "1"}])
    assert parse_load_curve(payload)[0].end == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("interval", "minutes"),
    [
        ("PT10M", 10),
        ("PT15M", 15),
        ("PT30M", 30),
        ("PT60M", 60),
        ("PT1H", 60),
        ("pt15m", 15),
    ],
)
def test_interval_lengths(interval: str, minutes: int) -> None:
    payload = _meter(
        [{"date": "2026-11-26 12:00:00", "value": "600", "interval_length": interval}]
    )
    (point,) = parse_load_curve(payload)
    assert point.minutes == minutes
    assert point.end == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
    assert point.wh == 600 * minutes / 60


def test_interval_length_defaults_to_30_minutes() -> None:
    payload = _meter([{"date": "2026-11-26 12:00:00", "value": "600"}])
    assert parse_load_curve(payload) == [
        LoadCurvePoint(
            start=datetime(2026, 11, 26, 10, 30, tzinfo=UTC), minutes=30, watts=600
        )
    ]


@pytest.mark.parametrize(
    ("day", "count"), [(date(2026, 10, 25), 150), (date(2026, 3, 29), 138)]
)
def test_ten_minute_dst_days(day: date, count: int) -> None:
    points = parse_load_curve(_curve_payload(_starts(day, 10), 10))
    assert len(points) == count
    assert [point.start for point in points] == _starts(day, 10)


def test_aware_stamps_are_used_as_they_are() -> None:
    payload = _meter([{"date": "2026-11-26T12:00:00+01:00", "value": "10"}])
    assert parse_load_curve(payload)[0].start == datetime(
        2026, 11, 26, 10, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "interval",
    ["30", "PT", "PT0M", "PT30S", "P1D", "PT2000M", "PT5M", "PT20M", 30, 30.0, []],
)
def test_bad_interval_lengths(interval: Any) -> None:
    payload = _meter(
        [{"date": "2026-11-26 12:00:00", "value": "1", "interval_length": interval}]
    )
    with pytest.raises(GatewayError):
        parse_load_curve(payload)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 10, 25),
        date(2025, 10, 26),
        date(2026, 3, 29),
        date(2026, 11, 26),
    ],
)
@pytest.mark.parametrize("minutes", [30, 10])
def test_load_curve_newest_first(day: date, minutes: int) -> None:
    ascending = _curve_payload(_starts(day, minutes), minutes)
    items = ascending["meter_reading"]["interval_reading"]
    descending = _meter(items[::-1])
    assert parse_load_curve(descending) == parse_load_curve(ascending)
    assert [point.start for point in parse_load_curve(descending)] == _starts(
        day, minutes
    )


def test_load_curve_week_newest_first() -> None:
    starts = [
        start
        for offset in range(7)
        for start in _starts(date(2026, 10, 22) + timedelta(days=offset))
    ]
    ascending = _curve_payload(starts)
    descending = _meter(ascending["meter_reading"]["interval_reading"][::-1])
    points = parse_load_curve(descending)
    assert len(points) == 7 * 48 + 2
    assert points == parse_load_curve(ascending)


def test_repeated_hour_newest_first() -> None:
    stamps = ["2026-10-25 03:00:00"] + [
        "2026-10-25 02:30:00",
        "2026-10-25 02:00:00",
    ] * 2
    payload = _meter(
        [
            {"date": stamp, "value": str(4 - index), "interval_length": "PT30M"}
            for index, stamp in enumerate(stamps)
        ]
    )
    # The same points, values included, as test_autumn_repeated_hour_is_resolved_by_order.
    assert [(point.start, point.watts) for point in parse_load_curve(payload)] == [
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), 0),
        (datetime(2026, 10, 25, 0, 0, tzinfo=UTC), 1),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 2),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 3),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 4),
    ]


@pytest.mark.parametrize("day", [date(2026, 10, 25), date(2026, 3, 29)])
@pytest.mark.parametrize("seed", range(5))
def test_load_curve_shuffled(day: date, seed: int) -> None:
    items = list(_curve_payload(_starts(day))["meter_reading"]["interval_reading"])
    random.Random(seed).shuffle(items)
    points = parse_load_curve(_meter(items))
    # Which copy of the repeated hour holds which value cannot be known, but every
    # interval of the day is there once, and the same order gives the same result.
    assert [point.start for point in points] == _starts(day)
    assert sorted(point.watts for point in points) == sorted(
        float(item["value"]) for item in items
    )
    assert parse_load_curve(_meter(items)) == points


def test_repeated_hour_single_copy_is_summer_time() -> None:
    payload = _meter([{"date": "2026-10-25 02:30:00", "value": "1"}])
    assert parse_load_curve(payload)[0].end == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


# Max power.


def test_parse_max_power() -> None:
    payload = _meter(
        [
            {"value": "5320", "date": "2026-11-26 19:12:45"},
            {"value": "4100", "date": "2026-11-25 07:31:02"},
        ]
    )
    readings = parse_max_power(payload)
    assert readings == [
        MaxPowerReading(
            day=date(2026, 11, 25),
            va=4100,
            at=datetime(2026, 11, 25, 7, 31, 2, tzinfo=PARIS),
        ),
        MaxPowerReading(
            day=date(2026, 11, 26),
            va=5320,
            at=datetime(2026, 11, 26, 19, 12, 45, tzinfo=PARIS),
        ),
    ]
    assert all(reading.at.tzinfo is PARIS for reading in readings)


def test_max_power_date_without_time() -> None:
    (reading,) = parse_max_power(_meter([{"value": "10", "date": "2026-11-26"}]))
    assert reading.day == date(2026, 11, 26)
    assert reading.at == datetime(2026, 11, 26, tzinfo=PARIS)


# Physical bounds.

BOUNDED: list[tuple[Callable[[Any], list[Any]], str, float]] = [
    (parse_daily, "2026-11-26", MAX_DAILY_WH),
    (parse_load_curve, "2026-11-26 12:00:00", MAX_POWER_VA),
    (parse_max_power, "2026-11-26 19:12:45", MAX_POWER_VA),
]


def test_bounds_fit_a_36_kva_meter() -> None:
    assert 36_000 < MAX_POWER_VA < 50_000
    assert MAX_DAILY_WH == MAX_POWER_VA * 25


@pytest.mark.parametrize(("parser", "stamp", "limit"), BOUNDED)
@pytest.mark.parametrize(
    "value",
    [
        "18446744073709551616",
        2**64,
        "1e308",
        1e308,
        "-5000",
        -5000,
        "-1",
        "-0.5",
        "1e7",
        "2000000",
    ],
)
def test_value_out_of_physical_bounds(
    parser: Callable[[Any], list[Any]], stamp: str, limit: float, value: Any
) -> None:
    payload = _meter(
        [
            {"date": stamp, "value": "100"},
            {"date": stamp, "value": value},
        ]
    )
    with pytest.raises(GatewayError, match="value out of physical bounds"):
        parser(payload)


@pytest.mark.parametrize(("parser", "stamp", "limit"), BOUNDED)
def test_value_at_physical_bounds(
    parser: Callable[[Any], list[Any]], stamp: str, limit: float
) -> None:
    assert len(parser(_meter([{"date": stamp, "value": "0"}]))) == 1
    assert len(parser(_meter([{"date": stamp, "value": str(limit)}]))) == 1
    with pytest.raises(GatewayError, match="value out of physical bounds"):
        parser(_meter([{"date": stamp, "value": str(limit + 1)}]))


# Contracts.


def _contracts_payload(
    contracts: dict[str, Any] | None = None, *, pdl: str = PDL
) -> dict[str, Any]:
    return {
        "customer": {
            "customer_id": "1358019319",
            "usage_points": [
                {
                    "usage_point": {
                        "usage_point_id": pdl,
                        "usage_point_status": "com",
                        "meter_type": "AMM",
                    },
                    "contracts": {
                        "segment": "C5",
                        "subscribed_power": "9 kVA",
                        "last_activation_date": "2013-08-14+01:00",
                        "distribution_tariff": "BTINFMU4",
                        "offpeak_hours": "HC (22H00-6H00)",
                        "contract_status": "SERVC",
                        "contract_type": "Contrat GRD-F",
                        "last_distribution_tariff_change_date": "2019-09-01+02:00",
                    }
                    if contracts is None
                    else contracts,
                }
            ],
        }
    }


def test_parse_contract() -> None:
    assert parse_contract(_contracts_payload(), PDL) == Contract(
        subscribed_power_kva=9.0,
        offpeak_hours="HC (22H00-6H00)",
        last_activation_date=date(2013, 8, 14),
        distribution_tariff="BTINFMU4",
        status="SERVC",
        meter_type="AMM",
        raw={
            "usage_point_id": PDL,
            "usage_point_status": "com",
            "meter_type": "AMM",
            "segment": "C5",
            "subscribed_power": "9 kVA",
            "last_activation_date": "2013-08-14+01:00",
            "distribution_tariff": "BTINFMU4",
            "offpeak_hours": "HC (22H00-6H00)",
            "contract_status": "SERVC",
            "contract_type": "Contrat GRD-F",
            "last_distribution_tariff_change_date": "2019-09-01+02:00",
        },
    )


@pytest.mark.parametrize(
    "offpeak",
    [
        "HC (22H00-6H00)",
        "HC (1H30-8H00;12H30-14H00)",
        "HC (22h36-6h36)",
        "HC (0H38-6H38)",
    ],
)
def test_offpeak_hours_are_kept_raw(offpeak: str) -> None:
    payload = _contracts_payload(
        {"subscribed_power": "6 kVA", "offpeak_hours": offpeak}
    )
    contract = parse_contract(payload, PDL)
    assert contract.offpeak_hours == offpeak
    assert contract.raw["offpeak_hours"] == offpeak


def test_contract_without_offpeak_hours() -> None:
    contract = parse_contract(_contracts_payload({"subscribed_power": "6 kVA"}), PDL)
    assert contract.offpeak_hours is None
    assert contract.last_activation_date is None
    assert contract.status == "com"
    assert "offpeak_hours" not in contract.raw


@pytest.mark.parametrize(
    ("power", "kva"),
    [
        ("9 kVA", 9.0),
        ("12kVA", 12.0),
        ("36 KVA", 36.0),
        ("6,5 kVA", 6.5),
        (3, 3.0),
        (4.5, 4.5),
        ("kVA", None),
        ("", None),
        (None, None),
        (True, None),
        ({"value": 9}, None),
    ],
)
def test_subscribed_power(power: Any, kva: float | None) -> None:
    contract = parse_contract(_contracts_payload({"subscribed_power": power}), PDL)
    assert contract.subscribed_power_kva == kva


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2013-08-14+01:00", date(2013, 8, 14)),
        ("2015-07-01+02:00", date(2015, 7, 1)),
        ("2015-07-01", date(2015, 7, 1)),
        ("2015-07-01T00:00:00+02:00", date(2015, 7, 1)),
        ("14/08/2013", None),
        ("", None),
        (20130814, None),
    ],
)
def test_activation_date(text: Any, day: date | None) -> None:
    payload = _contracts_payload({"last_activation_date": text})
    assert parse_contract(payload, PDL).last_activation_date == day


def test_contract_raw_values_are_strings() -> None:
    payload = _contracts_payload(
        {
            "subscribed_power": 9,
            "flag": True,
            "missing": None,
            "nested": {"b": 1, "a": "x"},
            "items": [1, "two"],
            "ratio": 0.5,
        }
    )
    assert parse_contract(payload, PDL).raw == {
        "usage_point_id": PDL,
        "usage_point_status": "com",
        "meter_type": "AMM",
        "subscribed_power": "9",
        "flag": "true",
        "missing": "",
        "nested": '{"a": "x", "b": 1}',
        "items": '[1, "two"]',
        "ratio": "0.5",
    }


def test_contract_of_the_right_usage_point() -> None:
    first = _contracts_payload({"subscribed_power": "6 kVA"}, pdl=OTHER_PDL)
    second = _contracts_payload({"subscribed_power": "12 kVA"})
    payload = {
        "customer": {
            "usage_points": first["customer"]["usage_points"]
            + second["customer"]["usage_points"]
        }
    }
    assert parse_contract(payload, PDL).subscribed_power_kva == 12.0
    assert parse_contract(payload, OTHER_PDL).subscribed_power_kva == 6.0
    assert parse_contract(payload, "11111111111111").subscribed_power_kva == 6.0


BAD_CUSTOMERS: list[Any] = [
    None,
    [],
    "customer",
    {},
    {"meter_reading": {}},
    {"customer": None},
    {"customer": {}},
    {"customer": {"usage_points": None}},
    {"customer": {"usage_points": {}}},
    {"customer": {"usage_points": []}},
    {"customer": {"usage_points": [None]}},
    {"customer": {"usage_points": ["x"]}},
    {"customer": {"usage_points": [{}]}},
    {"customer": {"usage_points": [{"usage_point": "x", "contracts": {}}]}},
    {"customer": {"usage_points": [{"usage_point": {"usage_point_id": PDL}}]}},
]


@pytest.mark.parametrize("payload", BAD_CUSTOMERS)
def test_malformed_contracts(payload: Any) -> None:
    with pytest.raises(GatewayError, match="Malformed"):
        parse_contract(payload, PDL)


@pytest.mark.parametrize(
    "payload",
    [
        *BAD_CUSTOMERS,
        {"customer": {"usage_points": [{"usage_point": {"usage_point_id": PDL}}]}},
        {
            "customer": {
                "usage_points": [{"usage_point": {"usage_point_addresses": "x"}}]
            }
        },
        {
            "customer": {
                "usage_points": [{"usage_point": {"usage_point_addresses": []}}]
            }
        },
    ],
)
def test_malformed_addresses(payload: Any) -> None:
    with pytest.raises(GatewayError, match="Malformed"):
        parse_addresses(payload, PDL)


def test_parse_addresses() -> None:
    addresses = {
        "street": "12 rue des Lilas",
        "locality": None,
        "postal_code": "69003",
        "insee_code": "69383",
        "city": "Lyon",
        "country": "France",
        "geo_points": {"latitude": "45.7597", "longitude": "4.8422", "altitude": "173"},
    }
    payload = {
        "customer": {
            "customer_id": "1358019319",
            "usage_points": [
                {
                    "usage_point": {
                        "usage_point_id": OTHER_PDL,
                        "usage_point_addresses": {"city": "Paris"},
                    }
                },
                {
                    "usage_point": {
                        "usage_point_id": PDL,
                        "usage_point_status": "com",
                        "meter_type": "AMM",
                        "usage_point_addresses": addresses,
                    }
                },
            ],
        }
    }
    assert parse_addresses(payload, PDL) == Addresses(raw=addresses)
    assert parse_addresses(payload, OTHER_PDL) == Addresses(raw={"city": "Paris"})


# Arbitrary JSON never escapes as anything but a GatewayError.

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "2026-10-25 02:00:00",
            "2026-03-29 02:30:00",
            "2026-11-26",
            "9999-12-31 23:59:59",
            "1900-01-01 00:00:00",
            "PT30M",
            "PT0M",
            "12 kVA",
            "nan",
            "-1e400",
            PDL,
        ]
    )
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)


def _mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
    """Draw from good three times out of four, else from bad."""
    return st.one_of(good, good, good, st.deferred(lambda: bad))


DATES = st.sampled_from(
    [
        "2026-10-25 02:00:00",
        "2026-10-25 02:30:00",
        "2026-03-29 02:30:00",
        "2026-11-26 00:00:00",
        "2026-11-26",
        "2026-11-26T10:00:00+01:00",
        "2999-12-31 23:59:59",
        "1900-01-01 00:30:00",
    ]
)
NUMBERS = st.integers().map(str) | st.floats().map(str) | st.integers()
READING = st.fixed_dictionaries(
    {"date": _mostly(DATES, JSON_SCALARS), "value": _mostly(NUMBERS, JSON_SCALARS)},
    optional={
        "interval_length": _mostly(
            st.sampled_from(["PT30M", "PT10M", "PT1H", "PT"]), JSON_SCALARS
        ),
        "measure_type": JSON_SCALARS,
    },
)
USAGE_POINT = st.fixed_dictionaries(
    {"usage_point_id": _mostly(st.sampled_from([PDL, OTHER_PDL]), JSON_SCALARS)},
    optional={
        "usage_point_status": JSON_SCALARS,
        "meter_type": JSON_SCALARS,
        "usage_point_addresses": _mostly(
            st.dictionaries(st.text(max_size=8), JSON, max_size=4), JSON
        ),
    },
)
CONTRACTS = st.fixed_dictionaries(
    {},
    optional={
        "subscribed_power": st.sampled_from(["9 kVA", "6,5 kVA", "kVA"]) | JSON_SCALARS,
        "offpeak_hours": JSON_SCALARS,
        "last_activation_date": _mostly(
            st.sampled_from(["2013-08-14+01:00", "2013-02-30"]), JSON_SCALARS
        ),
        "distribution_tariff": JSON,
        "contract_status": JSON_SCALARS,
    },
)
ENTRY = st.fixed_dictionaries(
    {"usage_point": _mostly(USAGE_POINT, JSON)},
    optional={"contracts": _mostly(CONTRACTS, JSON)},
)
SHAPED = st.one_of(
    st.deferred(lambda: JSON),
    st.builds(_meter, st.lists(_mostly(READING, JSON), max_size=4)),
    st.builds(_meter, st.lists(READING, max_size=2)),
    st.builds(
        lambda entries: {"customer": {"usage_points": entries}},
        st.lists(_mostly(ENTRY, JSON), max_size=3),
    ),
)

PARSERS: list[Callable[[Any], object]] = [
    parse_daily,
    parse_load_curve,
    parse_max_power,
    lambda payload: parse_contract(payload, PDL),
    lambda payload: parse_addresses(payload, PDL),
]


@settings(max_examples=200, deadline=None)
@given(payload=SHAPED)
def test_arbitrary_json_only_raises_gateway_error(payload: Any) -> None:
    for parser in PARSERS:
        try:
            result = parser(payload)
        except GatewayError:
            continue
        assert isinstance(result, list | Contract | Addresses)
