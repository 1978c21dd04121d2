"""Tests of the Tempo and EcoWatt core: Tempo days, quotas, the gateways' replies."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from custom_components.enedis_gateway.linky.exceptions import GatewayError
from custom_components.enedis_gateway.linky.history import local_midnight
from custom_components.enedis_gateway.linky.tempo import (
    SEASON_QUOTAS,
    EcoWattDay,
    TempoColor,
    TempoSlot,
    card_forecast,
    is_tempo_offpeak,
    parse_ecowatt_v1,
    parse_ecowatt_v2,
    parse_tempo_v1,
    parse_tempo_v2,
    remaining_days,
    season_end,
    season_quotas,
    season_start,
    tempo_day,
    tempo_slot,
)

BLUE, WHITE, RED = TempoColor.BLUE, TempoColor.WHITE, TempoColor.RED
HOURS = (0, 0, 1, 0, 1, 1, 1, 1, 2, 2, 3, 2, 1, 1, 1, 1, 1, 1, 2, 3, 2, 1, 1, 1)


def _v2(data: Any) -> dict[str, Any]:
    return {
        "success": True,
        "data": data,
        "error": None,
        "timestamp": "2025-01-15T09:00:00",
    }


def _v1_detail(day: str, hours: tuple[int, ...] = HOURS) -> dict[str, int]:
    return {f"{day} {hour:02d}:00:00": value for hour, value in enumerate(hours)}


def _v2_signal(periode: str, **changes: Any) -> dict[str, Any]:
    return {
        "id": 12,
        "periode": periode,
        "generation_datetime": "2025-01-14T16:00:00",
        "created_at": "2025-01-14T16:05:00",
        "updated_at": "2025-01-14T16:05:00",
        "dvalue": 3,
        "message": "Système électrique très tendu.",
        "values": list(HOURS),
        "hdebut": 0,
        "hfin": 23,
        **changes,
    }


# The Tempo day and its off-peak hours.


@pytest.mark.parametrize(
    ("instant", "day", "offpeak"),
    [
        # A winter day around 06:00 and 22:00, given in Paris time and in UTC.
        ("2025-01-15T00:00:00+01:00", date(2025, 1, 14), True),
        ("2025-01-15T05:59:59+01:00", date(2025, 1, 14), True),
        ("2025-01-15T06:00:00+01:00", date(2025, 1, 15), False),
        ("2025-01-15T04:59:00+00:00", date(2025, 1, 14), True),
        ("2025-01-15T05:00:00+00:00", date(2025, 1, 15), False),
        ("2025-01-15T21:59:00+01:00", date(2025, 1, 15), False),
        ("2025-01-15T22:00:00+01:00", date(2025, 1, 15), True),
        ("2025-01-15T23:30:00+01:00", date(2025, 1, 15), True),
        # Spring DST, 30 March 2025: 02:00 CET jumps to 03:00 CEST.
        ("2025-03-30T00:30:00+00:00", date(2025, 3, 29), True),  # 01:30 CET
        ("2025-03-30T01:00:00+00:00", date(2025, 3, 29), True),  # 03:00 CEST
        ("2025-03-30T03:59:00+00:00", date(2025, 3, 29), True),  # 05:59 CEST
        ("2025-03-30T04:00:00+00:00", date(2025, 3, 30), False),  # 06:00 CEST
        ("2025-03-29T05:00:00+00:00", date(2025, 3, 29), False),  # 06:00 CET
        ("2025-03-30T19:59:00+00:00", date(2025, 3, 30), False),  # 21:59 CEST
        ("2025-03-30T20:00:00+00:00", date(2025, 3, 30), True),  # 22:00 CEST
        # Autumn DST, 26 October 2025: 03:00 CEST goes back to 02:00 CET.
        ("2025-10-26T00:30:00+00:00", date(2025, 10, 25), True),  # 02:30 CEST
        ("2025-10-26T01:30:00+00:00", date(2025, 10, 25), True),  # 02:30 CET
        ("2025-10-26T04:59:00+00:00", date(2025, 10, 25), True),  # 05:59 CET
        ("2025-10-26T05:00:00+00:00", date(2025, 10, 26), False),  # 06:00 CET
        ("2025-10-25T04:00:00+00:00", date(2025, 10, 25), False),  # 06:00 CEST
        ("2025-10-26T20:59:00+00:00", date(2025, 10, 26), False),  # 21:59 CET
        ("2025-10-26T21:00:00+00:00", date(2025, 10, 26), True),  # 22:00 CET
    ],
)
def test_tempo_day_and_offpeak(instant: str, day: date, offpeak: bool) -> None:
    moment = datetime.fromisoformat(instant)
    assert tempo_day(moment) == day
    assert is_tempo_offpeak(moment) is offpeak
    assert tempo_slot(moment, 30) == TempoSlot(day=day, offpeak=offpeak)


@pytest.mark.parametrize(
    ("day", "slots", "offpeak", "previous"),
    [
        # 46 half-hours; 00:00-06:00 is five hours long, then 22:00-24:00.
        (date(2025, 3, 30), 46, 10 + 4, 10),
        (date(2025, 1, 15), 48, 12 + 4, 12),
        # 50 half-hours; 00:00-06:00 is seven hours long.
        (date(2025, 10, 26), 50, 14 + 4, 14),
    ],
)
def test_tempo_slots_of_a_paris_day(
    day: date, slots: int, offpeak: int, previous: int
) -> None:
    start, end = local_midnight(day), local_midnight(day + timedelta(days=1))
    starts = [start + timedelta(minutes=30 * index) for index in range(slots)]
    assert starts[-1] + timedelta(minutes=30) == end
    classified = [tempo_slot(instant, 30) for instant in starts]
    assert sum(slot.offpeak for slot in classified) == offpeak
    days = Counter(slot.day for slot in classified)
    assert days == {day - timedelta(days=1): previous, day: slots - previous}


@pytest.mark.parametrize(
    "call",
    [
        tempo_day,
        is_tempo_offpeak,
        lambda instant: tempo_slot(instant, 30),
    ],
)
def test_naive_datetime_is_refused(call: Any) -> None:
    with pytest.raises(ValueError, match="naive"):
        call(datetime(2025, 1, 15, 12))


@pytest.mark.parametrize("minutes", [0, -30])
def test_tempo_slot_needs_a_duration(minutes: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        tempo_slot(datetime(2025, 1, 15, 12, tzinfo=UTC), minutes)


# Seasons and quotas.


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2025, 8, 31), date(2024, 9, 1), date(2025, 9, 1)),
        (date(2025, 9, 1), date(2025, 9, 1), date(2026, 9, 1)),
        (date(2026, 1, 15), date(2025, 9, 1), date(2026, 9, 1)),
        (date(2024, 2, 29), date(2023, 9, 1), date(2024, 9, 1)),
    ],
)
def test_season_bounds(day: date, start: date, end: date) -> None:
    assert season_start(day) == start
    assert season_end(day) == end


@pytest.mark.parametrize(
    ("day", "blue"),
    [
        (date(2023, 10, 1), 301),  # 2023/24 holds 29 February 2024
        (date(2024, 10, 1), 300),
        (date(2025, 10, 1), 300),
        (date(2027, 12, 1), 301),  # 2027/28 holds 29 February 2028
    ],
)
def test_season_quotas(day: date, blue: int) -> None:
    assert season_quotas(day) == {BLUE: blue, WHITE: 43, RED: 22}
    assert SEASON_QUOTAS == {BLUE: 300, WHITE: 43, RED: 22}


def test_remaining_days_counts_the_known_days_of_the_season() -> None:
    today = date(2025, 1, 15)
    colours = {
        # Previous and next seasons: not counted.
        date(2024, 3, 1): RED,
        date(2024, 8, 31): WHITE,
        date(2025, 9, 1): BLUE,
        # This season, the first day and tomorrow included.
        date(2024, 9, 1): BLUE,
        date(2024, 12, 2): RED,
        date(2024, 12, 3): RED,
        date(2025, 1, 10): RED,
        date(2025, 1, 11): WHITE,
        date(2025, 1, 13): WHITE,
        date(2025, 1, 14): BLUE,
        date(2025, 1, 15): BLUE,
        date(2025, 1, 16): RED,
    }
    assert remaining_days(colours, today) == {BLUE: 297, WHITE: 41, RED: 18}


def test_remaining_days_of_an_empty_leap_season() -> None:
    assert remaining_days({}, date(2023, 9, 1)) == {BLUE: 301, WHITE: 43, RED: 22}


def test_remaining_days_never_below_zero() -> None:
    reds = {date(2024, 12, 1) + timedelta(days=offset): RED for offset in range(25)}
    assert remaining_days(reds, date(2025, 3, 1)) == {BLUE: 300, WHITE: 43, RED: 0}


# Tempo replies.


def test_parse_tempo_v1() -> None:
    payload = {
        "2023-03-01": "BLUE",
        "2023-03-02": "red",
        "2023-03-03": " White ",
        "2023-03-04": "",
        "2023-03-05": "UNKNOWN",
        "2023-03-06": None,
    }
    assert parse_tempo_v1(payload) == {
        date(2023, 3, 1): BLUE,
        date(2023, 3, 2): RED,
        date(2023, 3, 3): WHITE,
    }
    assert parse_tempo_v1({}) == {}


@pytest.mark.parametrize(
    "payload",
    [
        ["2023-03-01", "BLUE"],
        "BLUE",
        None,
        {"detail": "Vous avez dépassé votre quota journalier (50)"},
        {"2023-13-01": "BLUE"},
        {"2023-03-01": 1},
        {"2023-03-01": ["BLUE"]},
        {"2023-03-01": {"color": "BLUE"}},
    ],
)
def test_parse_tempo_v1_garbage(payload: Any) -> None:
    with pytest.raises(GatewayError, match="Malformed Tempo reply"):
        parse_tempo_v1(payload)


def test_parse_tempo_v2_days() -> None:
    data = [
        {
            "date": "2025-01-16",
            "color": "WHITE",
            "updated_at": None,
            "rte_updated_date": None,
        },
        {
            "date": "2025-01-15",
            "color": "RED",
            "updated_at": "2025-01-14T09:40:00",
            "rte_updated_date": "2025-01-14T09:40:00",
        },
        {"date": "2025-01-14", "color": "blue"},
        {"date": "2025-01-17", "color": "UNKNOWN"},
        {"date": "2025-01-18", "color": None},
    ]
    assert parse_tempo_v2(_v2(data)) == {
        date(2025, 1, 14): BLUE,
        date(2025, 1, 15): RED,
        date(2025, 1, 16): WHITE,
    }
    assert parse_tempo_v2(_v2([])) == {}


def test_parse_tempo_v2_today() -> None:
    today = {"date": "2025-01-15", "color": "RED", "updated_at": None}
    assert parse_tempo_v2(_v2(today)) == {date(2025, 1, 15): RED}


def test_parse_tempo_v2_today_not_found() -> None:
    payload = {
        "success": False,
        "data": None,
        "error": {"code": "NOT_FOUND", "message": "TEMPO data not available for today"},
    }
    assert parse_tempo_v2(payload) == {}


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ({"detail": "Not authenticated"}, "not a {success, data, error} envelope"),
        ([], "not a {success, data, error} envelope"),
        (
            {
                "success": False,
                "data": None,
                "error": {"code": "INVALID_DATE", "message": "Invalid date format"},
            },
            "Tempo reply failed: INVALID_DATE Invalid date format",
        ),
        ({"success": False, "data": None}, "Tempo reply failed: UNKNOWN"),
        (_v2("2025-01-15"), "data is not a list"),
        (_v2(None), "data is not a list"),
        (_v2(["2025-01-15"]), "a day is not an object"),
        (_v2([{"color": "RED"}]), "date is not a string"),
        (_v2([{"date": "15/01/2025", "color": "RED"}]), "is not YYYY-MM-DD"),
        (_v2([{"date": "2025-01-15", "color": 3}]), "color is not a string"),
    ],
)
def test_parse_tempo_v2_garbage(payload: Any, match: str) -> None:
    with pytest.raises(GatewayError, match=match):
        parse_tempo_v2(payload)


# EcoWatt.


@pytest.mark.parametrize(
    ("level", "hours", "match"),
    [
        (0, HOURS, "level 0"),
        (4, HOURS, "level 4"),
        (1, HOURS[:23], "23 hourly values"),
        (1, (*HOURS, 1), "25 hourly values"),
        (1, (4, *HOURS[1:]), "not 0 to 3"),
        (1, (-1, *HOURS[1:]), "not 0 to 3"),
    ],
)
def test_ecowatt_day_refuses_values_off_scale(
    level: int, hours: tuple[int, ...], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        EcoWattDay(day=date(2025, 1, 15), level=level, hours=hours)


def test_parse_ecowatt_v1_takes_the_day_of_the_detail() -> None:
    # The hours in any order; the second day's values given as digits.
    shuffled = dict(reversed(_v1_detail("2023-01-23").items()))
    flat = _v1_detail("2023-01-24", (1,) * 24)
    payload = {
        "2023-01-22": {"value": 3, "message": "Alerte.", "detail": shuffled},
        "2023-01-23": {
            "value": "1",
            "message": "Pas d\u2019alerte.",
            "detail": {key: str(value) for key, value in flat.items()},
        },
    }
    assert parse_ecowatt_v1(payload) == {
        date(2023, 1, 23): EcoWattDay(day=date(2023, 1, 23), level=3, hours=HOURS),
        date(2023, 1, 24): EcoWattDay(day=date(2023, 1, 24), level=1, hours=(1,) * 24),
    }
    assert parse_ecowatt_v1({}) == {}


def _v1_day(detail: Any, value: Any = 1) -> dict[str, Any]:
    return {"2023-01-22": {"value": value, "message": "", "detail": detail}}


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ([], "body is not an object"),
        ({"detail": "quota"}, "is not YYYY-MM-DD"),
        ({"2023-01-22": 1}, "a day is not an object"),
        ({"2023-01-22": {"value": 1}}, "detail is not a non-empty object"),
        (_v1_day({}), "detail is not a non-empty object"),
        (_v1_day(dict(list(_v1_detail("2023-01-23").items())[:23])), "24 hours"),
        (
            _v1_day(
                {
                    **dict(list(_v1_detail("2023-01-23").items())[:12]),
                    **dict(list(_v1_detail("2023-01-24").items())[12:]),
                }
            ),
            "one day",
        ),
        (
            _v1_day({**_v1_detail("2023-01-23"), "2023-01-23 05:30:00": 1}),
            "one value per hour",
        ),
        (_v1_day({"23/01/2023 00h": 1}), "is not YYYY-MM-DD HH:MM:SS"),
        (_v1_day(_v1_detail("2023-01-23"), value=5), "level 5"),
        (_v1_day(_v1_detail("2023-01-23"), value=None), "not an integer"),
        (_v1_day(_v1_detail("2023-01-23"), value=True), "not an integer"),
        (_v1_day(_v1_detail("2023-01-23", (7, *HOURS[1:]))), "not 0 to 3"),
        (
            _v1_day({**_v1_detail("2023-01-23"), "2023-01-23 04:00:00": "x"}),
            "not an integer",
        ),
    ],
)
def test_parse_ecowatt_v1_garbage(payload: Any, match: str) -> None:
    with pytest.raises(GatewayError, match=match):
        parse_ecowatt_v1(payload)


def test_parse_ecowatt_v2_takes_the_paris_day_of_periode() -> None:
    payload = _v2(
        [
            _v2_signal("2025-01-14T23:00:00"),  # winter: 15 January at 00:00 CET
            _v2_signal("2025-06-14T22:00:00", dvalue=1, values=[1] * 24),  # summer
            _v2_signal("2025-06-15T22:00:00+00:00", dvalue=2, values=[2] * 24),
        ]
    )
    assert parse_ecowatt_v2(payload) == {
        date(2025, 1, 15): EcoWattDay(day=date(2025, 1, 15), level=3, hours=HOURS),
        date(2025, 6, 15): EcoWattDay(day=date(2025, 6, 15), level=1, hours=(1,) * 24),
        date(2025, 6, 16): EcoWattDay(day=date(2025, 6, 16), level=2, hours=(2,) * 24),
    }
    assert parse_ecowatt_v2(_v2([])) == {}


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ({"detail": "Rate limit exceeded: 50/50 requests today"}, "envelope"),
        (
            {"success": False, "data": None, "error": {"code": "X", "message": "y"}},
            "EcoWatt reply failed: X y",
        ),
        (_v2({"periode": "2025-01-14T23:00:00"}), "data is not a list"),
        (_v2([1]), "a day is not an object"),
        (_v2([_v2_signal("yesterday")]), "is not an ISO date-time"),
        (_v2([_v2_signal(None)]), "periode is not a string"),
        (_v2([_v2_signal("2025-01-14T23:00:00", values=None)]), "values is not a list"),
        (
            _v2([_v2_signal("2025-01-14T23:00:00", values=[1] * 23)]),
            "23 hourly values",
        ),
        (_v2([_v2_signal("2025-01-14T23:00:00", dvalue=0)]), "level 0"),
        (_v2([_v2_signal("2025-01-14T23:00:00", dvalue="orange")]), "not an integer"),
        (
            _v2([_v2_signal("2025-01-14T23:00:00", values=[1.5] * 24)]),
            "not an integer",
        ),
    ],
)
def test_parse_ecowatt_v2_garbage(payload: Any, match: str) -> None:
    with pytest.raises(GatewayError, match=match):
        parse_ecowatt_v2(payload)


def test_card_forecast() -> None:
    forecast = card_forecast(EcoWattDay(day=date(2025, 1, 15), level=3, hours=HOURS))
    assert list(forecast) == [f"{hour:02d} h" for hour in range(24)]
    assert forecast["00 h"] == 0
    assert forecast["02 h"] == 1
    assert forecast["10 h"] == 3
    assert forecast["19 h"] == 3
    assert forecast["23 h"] == 1
    assert tuple(forecast.values()) == HOURS
