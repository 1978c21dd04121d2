"""Tests of the content-card-linky attributes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import json
import re
from typing import Any

import pytest

from custom_components.enedis_gateway.linky.card import card_attributes
from custom_components.enedis_gateway.linky.history import (
    FetchState,
    History,
    day_minutes,
    local_midnight,
)
from custom_components.enedis_gateway.linky.models import (
    PARIS,
    Contract,
    Direction,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
)
from custom_components.enedis_gateway.linky.offpeak import parse_offpeak
from custom_components.enedis_gateway.linky.summary import build_summary
from custom_components.enedis_gateway.linky.tariff import Plan, Prices, Tariff
from custom_components.enedis_gateway.linky.tempo import TempoColor

PDL = "12345678901234"
TODAY = date(2024, 11, 6)  # a Wednesday
NIGHT = parse_offpeak("HC (22H00-6H00)")
PRICES = Prices(base=0.25, hp=0.27, hc=0.20)
LAST_CALL = datetime(2024, 11, 6, 9, 0, tzinfo=UTC)
VERSION = "0.1.0"

EXPECTED_KEYS = {
    "typeCompteur",
    "numPDL",
    "activationDate",
    "lastUpdate",
    "timeLastCall",
    "yesterdayDate",
    "yesterday",
    "day_2",
    "yesterdayLastYearDate",
    "yesterdayLastYear",
    "yesterday_evolution",
    "last_week",
    "current_week",
    "current_week_last_year",
    "current_week_evolution",
    "current_week_number",
    "last_month",
    "last_month_last_year",
    "monthly_evolution",
    "current_month",
    "current_month_last_year",
    "current_month_evolution",
    "last_year",
    "current_year",
    "current_year_last_year",
    "yearly_evolution",
    "daily",
    "dailyweek",
    "dailyweek_cost",
    "dailyweek_costHC",
    "dailyweek_costHP",
    "dailyweek_HC",
    "dailyweek_HP",
    "dailyweek_MP",
    "dailyweek_MP_over",
    "dailyweek_MP_time",
    "dailyweek_Tempo",
    "daily_cost",
    "yesterday_HC",
    "yesterday_HP",
    "yesterday_HC_cost",
    "yesterday_HP_cost",
    "peak_offpeak_percent",
    "offpeak_hours",
    "offpeak_hours_enedis",
    "subscribed_power",
    "errorLastCall",
    "versionUpdateAvailable",
    "versionGit",
}
NUMBER_LISTS = (
    "daily",
    "dailyweek_cost",
    "dailyweek_costHC",
    "dailyweek_costHP",
    "dailyweek_HC",
    "dailyweek_HP",
    "dailyweek_MP",
    "dailyweek_Tempo",
)
LISTS = (*NUMBER_LISTS, "dailyweek", "dailyweek_MP_over", "dailyweek_MP_time")
WEEK = [
    "2024-11-05",
    "2024-11-04",
    "2024-11-03",
    "2024-11-02",
    "2024-11-01",
    "2024-10-31",
    "2024-10-30",
]


def fill(history: History, first: date, last: date, wh: int) -> None:
    """Store the same daily energy for every day of [first, last]."""
    day = first
    while day <= last:
        history.consumption.daily[day] = wh
        day += timedelta(days=1)


def build_history() -> History:
    """Return a history with hand-countable numbers (see each comment)."""
    history = History(
        contract=Contract(
            subscribed_power_kva=9.0,
            offpeak_hours="HC (22H00-6H00)",
            last_activation_date=date(2013, 8, 14),
        ),
    )
    fill(history, date(2023, 1, 1), date(2023, 9, 30), 2000)  # 273 days: 546 kWh
    fill(history, date(2023, 10, 1), date(2023, 11, 5), 4000)  # Oct 124, Nov 1-5 20
    fill(history, date(2024, 1, 1), date(2024, 9, 30), 3000)  # 274 days: 822 kWh
    fill(history, date(2024, 10, 1), date(2024, 10, 27), 5000)  # 135 kWh
    fill(history, date(2024, 10, 28), date(2024, 11, 3), 8000)  # last week: 56 kWh
    history.consumption.daily[date(2024, 11, 4)] = 10000
    history.consumption.daily[date(2024, 11, 5)] = 12000
    # Yesterday's load curve: 500 W all day, 12 kWh of which 4 kWh in 22h-6h.
    start = local_midnight(date(2024, 11, 5))
    history.merge_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE,
        [
            LoadCurvePoint(
                start=start + timedelta(minutes=30 * index), minutes=30, watts=500.0
            )
            for index in range(day_minutes(date(2024, 11, 5)) // 30)
        ],
    )
    history.merge_max_power(
        [
            MaxPowerReading(
                day=date(2024, 11, 5),
                va=9500,
                at=datetime(2024, 11, 5, 19, 30, tzinfo=PARIS),
            ),
            MaxPowerReading(
                day=date(2024, 11, 4),
                va=6000,
                at=datetime(2024, 11, 4, 7, 0, 5, tzinfo=PARIS),
            ),
        ]
    )
    return history


def attributes_of(
    history: History,
    *,
    today: date = TODAY,
    direction: Direction = Direction.CONSUMPTION,
    error: str = "",
    last_call: datetime | None = LAST_CALL,
) -> tuple[float | None, dict[str, Any]]:
    """Build the card sensor of a history."""
    tariff = Tariff(Plan.HPHC, PRICES, NIGHT)
    summary = build_summary(
        history, FetchState(), direction=direction, tariff=tariff, today=today
    )
    return card_attributes(
        history,
        pdl=PDL,
        tariff=tariff,
        summary=summary,
        offpeak_text="22h00-06h00",
        last_call=last_call,
        error=error,
        version=VERSION,
    )


def test_exact_attribute_set() -> None:
    _, attributes = attributes_of(build_history())
    assert set(attributes) == EXPECTED_KEYS
    assert "serviceEnedis" not in attributes


def test_header_values() -> None:
    state, attributes = attributes_of(build_history())
    assert state == 12.0
    assert attributes["typeCompteur"] == "consommation"
    assert attributes["numPDL"] == PDL
    assert attributes["activationDate"] == "2013-08-14"
    assert attributes["lastUpdate"] == "2024-11-06 10:00:00"
    assert attributes["timeLastCall"] == "2024-11-06 10:00:00"
    assert attributes["yesterdayDate"] == "2024-11-05"
    assert attributes["yesterday"] == 12.0
    assert attributes["day_2"] == 10.0
    assert attributes["yesterdayLastYearDate"] == "2023-11-05"
    assert attributes["yesterdayLastYear"] == 4.0
    assert attributes["current_week_number"] == 45
    assert attributes["yesterday_HP"] == 8.0
    assert attributes["yesterday_HC"] == 4.0
    assert attributes["yesterday_HP_cost"] == pytest.approx(8 * 0.27)
    assert attributes["yesterday_HC_cost"] == pytest.approx(4 * 0.20)
    assert attributes["daily_cost"] == pytest.approx(8 * 0.27 + 4 * 0.20)
    assert attributes["peak_offpeak_percent"] == pytest.approx(66.67)
    assert attributes["offpeak_hours"] == "22h00-06h00"
    assert attributes["offpeak_hours_enedis"] == "HC (22H00-6H00)"
    assert attributes["subscribed_power"] == "9 kVA"
    assert attributes["errorLastCall"] == ""
    assert attributes["versionUpdateAvailable"] is False
    assert attributes["versionGit"] == VERSION


def test_periods_and_evolutions() -> None:
    _, attributes = attributes_of(build_history())
    assert attributes["last_week"] == 56.0
    assert attributes["current_week"] == 22.0  # Nov 4 + Nov 5
    assert attributes["current_week_last_year"] == 8.0  # Nov 4-5 2023
    assert attributes["last_month"] == 135 + 32
    assert attributes["last_month_last_year"] == 124.0
    assert attributes["current_month"] == 24 + 22
    assert attributes["current_month_last_year"] == 20.0
    assert attributes["current_year"] == 822 + 167 + 46
    assert attributes["current_year_last_year"] == 546 + 124 + 20
    assert attributes["last_year"] == 546 + 124 + 20
    # 100 * (now - then) / then, rounded to 2 decimals
    assert attributes["yesterday_evolution"] == 20.0  # 12 vs 10
    assert attributes["current_week_evolution"] == 37.5  # Nov 4-5 vs Oct 28-29: 22/16
    assert attributes["monthly_evolution"] == 34.68  # 167 vs 124
    assert attributes["current_month_evolution"] == 130.0  # 46 vs 20
    assert attributes["yearly_evolution"] == 50.0  # 1035 vs 690


def test_week_lists() -> None:
    _, attributes = attributes_of(build_history())
    assert attributes["dailyweek"] == WEEK
    assert attributes["daily"] == [12.0, 10.0, 8.0, 8.0, 8.0, 8.0, 8.0]
    assert attributes["dailyweek_HP"][0] == 8.0
    assert attributes["dailyweek_HC"][0] == 4.0
    # days without a curve take the average HC share (4/12 here)
    assert attributes["dailyweek_HC"][1] == pytest.approx(3.333)
    assert attributes["dailyweek_HP"][1] == pytest.approx(6.667)
    assert attributes["dailyweek_cost"][0] == pytest.approx(2.96)
    assert attributes["dailyweek_costHP"][0] == pytest.approx(2.16)
    assert attributes["dailyweek_costHC"][0] == pytest.approx(0.8)
    assert attributes["dailyweek_cost"][1] == pytest.approx(2.47)
    assert attributes["dailyweek_MP"] == [9.5, 6.0, -1, -1, -1, -1, -1]
    assert attributes["dailyweek_MP_over"] == ["true", "false", -1, -1, -1, -1, -1]
    assert attributes["dailyweek_MP_time"] == [
        "2024-11-05 19:30:00",
        "2024-11-04 07:00:05",
        -1,
        -1,
        -1,
        -1,
        -1,
    ]
    assert attributes["dailyweek_Tempo"] == [-1] * 7


def test_tempo_colours_of_the_week() -> None:
    """Each day's colour as the card reads it, -1 unknown; the card's Tempo gate open."""
    history = build_history()
    history.merge_tempo(
        {
            date(2024, 11, 6): TempoColor.RED,  # today: not in the week
            date(2024, 11, 5): TempoColor.RED,
            date(2024, 11, 4): TempoColor.WHITE,
            date(2024, 11, 2): TempoColor.BLUE,
        }
    )
    _, attributes = attributes_of(history)
    cells = attributes["dailyweek_Tempo"]
    assert cells == ["RED", "WHITE", -1, "BLUE", -1, -1, -1]
    # The card splits the list's text: "-1" is no colour, the others its CSS class.
    assert ",".join(map(str, cells)).split(",")[2] == "-1"
    assert attributes["serviceEnedis"] == "myElectricalData"
    assert set(attributes) == EXPECTED_KEYS | {"serviceEnedis"}
    json.dumps(attributes)


@pytest.mark.parametrize("key", LISTS)
def test_every_list_has_seven_entries(key: str) -> None:
    _, attributes = attributes_of(build_history())
    assert isinstance(attributes[key], list)
    assert len(attributes[key]) == 7


@pytest.mark.parametrize("key", NUMBER_LISTS)
def test_number_lists_hold_numbers(key: str) -> None:
    _, attributes = attributes_of(build_history())
    assert all(
        isinstance(cell, int | float) and not isinstance(cell, bool)
        for cell in attributes[key]
    )


def test_text_lists() -> None:
    history = build_history()
    del history.consumption.daily[date(2024, 11, 2)]
    _, attributes = attributes_of(history)
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell) for cell in attributes["dailyweek"]
    )
    assert {*attributes["dailyweek_MP_over"]} <= {"true", "false", -1}
    assert all(
        cell == -1 or re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", cell)
        for cell in attributes["dailyweek_MP_time"]
    )


@pytest.mark.parametrize(
    "key", [*NUMBER_LISTS, "dailyweek_MP_over", "dailyweek_MP_time"]
)
def test_missing_day_is_minus_one(key: str) -> None:
    history = build_history()
    del history.consumption.daily[date(2024, 11, 2)]  # dailyweek index 3
    _, attributes = attributes_of(history)
    assert attributes[key][3] == -1
    assert attributes["dailyweek"][3] == "2024-11-02"
    assert attributes["daily"][2] == 8.0


def test_missing_day_changes_the_periods() -> None:
    history = build_history()
    del history.consumption.daily[date(2024, 11, 2)]
    _, attributes = attributes_of(history)
    assert attributes["last_week"] == 48.0
    # Saturday Nov 2 is outside the week so far (Mon + Tue): 22 vs 16 still.
    assert attributes["current_week_evolution"] == 37.5


def scalars(attributes: dict[str, Any]) -> list[Any]:
    """Return the attribute values that are not lists."""
    return [value for value in attributes.values() if not isinstance(value, list)]


def test_no_scalar_is_minus_one() -> None:
    history = build_history()
    del history.consumption.daily[date(2024, 11, 4)]  # day_2 unknown
    _, attributes = attributes_of(history)
    assert -1 not in scalars(attributes)
    assert None not in scalars(attributes)
    assert attributes["day_2"] == 0
    assert attributes["yesterday_evolution"] == 0


def test_empty_history() -> None:
    state, attributes = attributes_of(History(), last_call=None)
    assert state is None
    assert set(attributes) == EXPECTED_KEYS
    assert attributes["yesterdayDate"] == "2024-11-05"
    assert attributes["dailyweek"] == WEEK
    assert attributes["yesterdayLastYearDate"] == "2023-11-05"
    assert all(attributes[key] == [-1] * 7 for key in NUMBER_LISTS)
    assert attributes["dailyweek_MP_over"] == [-1] * 7
    assert attributes["dailyweek_MP_time"] == [-1] * 7
    assert -1 not in scalars(attributes)
    assert None not in scalars(attributes)
    assert attributes["yesterday"] == 0
    assert attributes["current_year"] == 0
    assert attributes["activationDate"] == ""
    assert attributes["timeLastCall"] == ""
    assert attributes["subscribed_power"] == ""
    assert attributes["offpeak_hours_enedis"] == ""
    json.dumps(attributes)


def test_json_serializable() -> None:
    state, attributes = attributes_of(build_history(), error="Quota atteint")
    decoded = json.loads(json.dumps(attributes))
    assert decoded["daily"][0] == 12.0
    assert decoded["errorLastCall"] == "Quota atteint"
    assert json.dumps(state) == "12.0"


def test_newest_complete_day_is_yesterday_date() -> None:
    history = build_history()
    del history.consumption.daily[date(2024, 11, 5)]
    history.consumption.curve.clear()
    state, attributes = attributes_of(history)
    assert state == 10.0
    assert attributes["yesterdayDate"] == "2024-11-04"
    assert attributes["dailyweek"][0] == "2024-11-04"
    assert attributes["yesterday"] == 10.0
    assert attributes["day_2"] == 8.0
    assert attributes["yesterdayLastYearDate"] == "2023-11-04"


def test_leap_day_last_year() -> None:
    history = History()
    history.consumption.daily[date(2024, 2, 29)] = 7000
    history.consumption.daily[date(2023, 2, 28)] = 3500
    _, attributes = attributes_of(history, today=date(2024, 3, 1))
    assert attributes["yesterdayLastYearDate"] == "2023-02-28"
    assert attributes["yesterdayLastYear"] == 3.5


def test_production_card() -> None:
    history = build_history()
    history.production.daily[date(2024, 11, 5)] = 3000
    state, attributes = attributes_of(history, direction=Direction.PRODUCTION)
    assert state == 3.0
    assert attributes["typeCompteur"] == "production"
    assert attributes["dailyweek_MP"] == [-1] * 7
    assert attributes["daily"] == [3.0, -1, -1, -1, -1, -1, -1]


def test_version_given() -> None:
    tariff = Tariff(Plan.BASE, PRICES, ())
    _, attributes = card_attributes(
        History(),
        pdl=PDL,
        tariff=tariff,
        summary=build_summary(
            History(),
            FetchState(),
            direction=Direction.CONSUMPTION,
            tariff=tariff,
            today=TODAY,
        ),
        offpeak_text="",
        last_call=None,
        error="",
        version="1.2.3",
    )
    assert attributes["versionGit"] == "1.2.3"
    assert attributes["lastUpdate"] == ""


# current_week_evolution: the week so far (Monday to the card's newest day,
# `yesterdayDate`) against the same weekdays of the previous week.
WEEK_KWH = dict(
    zip(
        [date(2024, 10, 28) + timedelta(days=n) for n in range(14)],  # Mon Oct 28
        [8, 9, 10, 11, 12, 13, 14, 5, 6, 7, 8, 9, 10, 11],  # Oct 28-Nov 3, Nov 4-10
        strict=True,
    )
)


def week_history(
    through: date, *, missing: tuple[date, ...] = (), zero: tuple[date, ...] = ()
) -> History:
    """Store WEEK_KWH up to a day, without the missing days, zero on the zero days."""
    history = History()
    for day, kwh in WEEK_KWH.items():
        if day <= through and day not in missing:
            history.consumption.daily[day] = 0 if day in zero else kwh * 1000
    return history


def span_kwh(first: date, last: date) -> int:
    """Sum the WEEK_KWH readings of [first, last]."""
    return sum(kwh for day, kwh in WEEK_KWH.items() if first <= day <= last)


def percent(now: float, then: float) -> float:
    """Return the card's evolution of two energies."""
    return round(100 * (now - then) / then, 2)


def test_week_evolution_monday_has_nothing_yet() -> None:
    # Today Monday Nov 11: the newest day is Sunday Nov 10, of the previous week.
    _, attributes = attributes_of(
        week_history(date(2024, 11, 10)), today=date(2024, 11, 11)
    )
    assert attributes["yesterdayDate"] == "2024-11-10"
    assert attributes["current_week"] == 0
    assert attributes["last_week"] == span_kwh(date(2024, 11, 4), date(2024, 11, 10))
    assert attributes["current_week_evolution"] == 0  # was -100.0 (0 vs 56)


def test_week_evolution_wednesday_same_weekdays() -> None:
    _, attributes = attributes_of(week_history(date(2024, 11, 5)))
    now = span_kwh(date(2024, 11, 4), date(2024, 11, 5))  # Mon + Tue: 11
    then = span_kwh(date(2024, 10, 28), date(2024, 10, 29))  # Mon + Tue: 17
    assert attributes["current_week"] == now
    assert attributes["last_week"] == span_kwh(date(2024, 10, 28), date(2024, 11, 3))
    assert attributes["current_week_evolution"] == percent(now, then)  # -35.29


def test_week_evolution_sunday_whole_week_so_far() -> None:
    # Today Sunday Nov 10: Monday to Saturday against Monday to Saturday.
    _, attributes = attributes_of(
        week_history(date(2024, 11, 9)), today=date(2024, 11, 10)
    )
    now = span_kwh(date(2024, 11, 4), date(2024, 11, 9))  # 45
    then = span_kwh(date(2024, 10, 28), date(2024, 11, 2))  # 63
    assert attributes["current_week_evolution"] == percent(now, then)  # -28.57


MON_28, TUE_29 = date(2024, 10, 28), date(2024, 10, 29)
NOV_4, NOV_5 = date(2024, 11, 4), date(2024, 11, 5)


@pytest.mark.parametrize(
    ("missing", "zero", "expected"),
    [
        # Tuesday Oct 29 missing: Mon + Tue (11) against Monday alone (8).
        ((TUE_29,), (), percent(span_kwh(NOV_4, NOV_5), span_kwh(MON_28, MON_28))),
        # Nothing stored, or only zeros, on Oct 28-29: nothing to compare with.
        ((MON_28, TUE_29), (), 0),
        ((), (MON_28, TUE_29), 0),
    ],
    ids=["one-missing", "all-missing", "zero"],
)
def test_week_evolution_missing_day_last_week(
    missing: tuple[date, ...], zero: tuple[date, ...], expected: float
) -> None:
    history = week_history(date(2024, 11, 5), missing=missing, zero=zero)
    _, attributes = attributes_of(history)
    assert attributes["current_week_evolution"] == expected  # 37.5, 0, 0


def test_week_evolution_newest_day_older_than_yesterday() -> None:
    # Today Thursday Nov 7, Wednesday Nov 6 missing: the card's day is Tuesday,
    # so Mon + Tue against Mon + Tue (not Mon-Wed of the previous week).
    history = week_history(date(2024, 11, 6), missing=(date(2024, 11, 6),))
    _, attributes = attributes_of(history, today=date(2024, 11, 7))
    assert attributes["yesterdayDate"] == "2024-11-05"
    now = span_kwh(date(2024, 11, 4), date(2024, 11, 5))  # 11
    then = span_kwh(date(2024, 10, 28), date(2024, 10, 29))  # 17
    assert attributes["current_week_evolution"] == percent(now, then)  # -35.29


def test_week_evolution_newest_day_before_this_monday() -> None:
    # Today Wednesday Nov 13, Nov 11-12 missing: the card's day is Sunday Nov 10.
    history = week_history(date(2024, 11, 10))
    _, attributes = attributes_of(history, today=date(2024, 11, 13))
    assert attributes["yesterdayDate"] == "2024-11-10"
    assert attributes["current_week_evolution"] == 0
