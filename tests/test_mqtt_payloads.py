"""Tests of the pure MQTT payload builder: the original topic tree, values and speed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
import time

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import History, local_midnight
from custom_components.enedis_gateway.linky.models import (
    Addresses,
    Contract,
    DailyReading,
    LoadCurvePoint,
    MeasureType,
)
from custom_components.enedis_gateway.linky.mqtt_payloads import (
    WEEKDAYS,
    hours_text,
    mqtt_payloads,
    number,
)
from custom_components.enedis_gateway.linky.offpeak import OffpeakRange, parse_offpeak
from custom_components.enedis_gateway.linky.tariff import Plan, Prices, Tariff
from simulator import Household

PDL = "12345678901234"
BASE = f"enedis_gateway/{PDL}"
NIGHT = parse_offpeak("HC (22H00-6H00)")
PRICES = Prices(base=0.2, hp=0.25, hc=0.1)
TODAY = date(2024, 4, 10)  # a Wednesday
CONTRACT = Contract(
    subscribed_power_kva=9.0,
    offpeak_hours="HC (22H00-6H00)",
    raw={
        "usage_point_id": PDL,
        "usage_point_status": "com",
        "meter_type": "AMM",
        "subscribed_power": "9 kVA",
        "offpeak_hours": "HC (22H00-6H00)",
        "last_activation_date": "2013-08-14+01:00",
        "odd/key": "x",
    },
)
ADDRESSES = Addresses(
    raw={
        "street": "12 rue des Lilas",
        "city": "Lyon",
        "geo_points": {"latitude": "45.7597", "longitude": "4.8422"},
    }
)


def curve(day: date, watts: Callable[[int], float]) -> list[LoadCurvePoint]:
    """Return the half-hours of a whole Paris-local day (46 to 50 of them)."""
    start = local_midnight(day)
    end = local_midnight(day + timedelta(days=1))
    count = int((end - start).total_seconds()) // 1800
    return [
        LoadCurvePoint(
            start=start + timedelta(minutes=30 * index), minutes=30, watts=watts(index)
        )
        for index in range(count)
    ]


def build(
    daily: dict[date, int],
    curves: dict[date, Callable[[int], float]] | None = None,
    **changes: object,
) -> History:
    """Return a history holding some daily readings and whole load-curve days."""
    history = History(contract=CONTRACT, addresses=ADDRESSES)
    history.merge_daily(
        MeasureType.DAILY_CONSUMPTION,
        [DailyReading(day=day, wh=wh) for day, wh in daily.items()],
    )
    for day, watts in (curves or {}).items():
        history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, curve(day, watts))
    for key, value in changes.items():
        setattr(history, key, value)
    return history


def payloads(
    history: History,
    *,
    prices: Prices = PRICES,
    ranges: tuple[OffpeakRange, ...] = NIGHT,
    today: date = TODAY,
    production: bool = False,
    error: str = "",
) -> dict[str, str]:
    """Return the payloads with the test's defaults."""
    return mqtt_payloads(
        history,
        pdl=PDL,
        prefix="enedis_gateway",
        tariff=Tariff(Plan.HPHC, prices, ranges),
        today=today,
        production=production,
        error=error,
    )


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (9.0, 2, "9"),
        (2.516, 2, "2.52"),
        (0.1, 2, "0.1"),
        (100.0, 2, "100"),
        (-0.001, 2, "0"),
        (1234.5678, 3, "1234.568"),
        (-3.25, 2, "-3.25"),
    ],
)
def test_number(value: float, digits: int, text: str) -> None:
    """Plain numbers: dot decimals, rounded, no trailing zeros, never -0."""
    assert number(value, digits) == text


@pytest.mark.parametrize(
    ("minute", "text"), [(1320, "22H00"), (360, "6H00"), (90, "1H30"), (1440, "0H00")]
)
def test_hours_text(minute: int, text: str) -> None:
    """Hours are written the way Enedis contracts write them."""
    assert hours_text(minute) == text


def test_contract_and_address_topics() -> None:
    """Every contract key, the original's shortcuts and the address keys."""
    topics = payloads(build({}), ranges=parse_offpeak("1H30-8H00;12H30-14H00"))
    assert {
        topic: value
        for topic, value in topics.items()
        if "/consumption" not in topic and "error" not in topic
    } == {
        f"{BASE}/contract/usage_point_id": PDL,
        f"{BASE}/contract/usage_point_status": "com",
        f"{BASE}/contract/meter_type": "AMM",
        f"{BASE}/contract/subscribed_power": "9 kVA",
        f"{BASE}/contract/offpeak_hours": "HC (22H00-6H00)",
        f"{BASE}/contract/last_activation_date": "2013-08-14+01:00",
        f"{BASE}/contract/odd_key": "x",
        f"{BASE}/subscribed_power": "9",
        f"{BASE}/offpeak_hours": "HC (22H00-6H00)",
        f"{BASE}/last_activation_date": "2013-08-14+01:00",
        # The effective ranges (the option wins over the contract).
        f"{BASE}/offpeak_hours/0/start": "1H30",
        f"{BASE}/offpeak_hours/0/stop": "8H00",
        f"{BASE}/offpeak_hours/1/start": "12H30",
        f"{BASE}/offpeak_hours/1/stop": "14H00",
        f"{BASE}/addresses/usage_point_id": PDL,
        f"{BASE}/addresses/usage_point_status": "com",
        f"{BASE}/addresses/meter_type": "AMM",
        f"{BASE}/addresses/usage_point_addresses/street": "12 rue des Lilas",
        f"{BASE}/addresses/usage_point_addresses/city": "Lyon",
        f"{BASE}/addresses/usage_point_addresses/geo_points": (
            '{"latitude": "45.7597", "longitude": "4.8422"}'
        ),
    }


def test_no_contract_no_addresses() -> None:
    """Without contract and address, only the windows and the error flag remain."""
    topics = payloads(History(), ranges=())
    assert {topic.split("/")[2] for topic in topics} == {"consumption", "error"}
    assert topics[f"{BASE}/error"] == "0"


def test_windows() -> None:
    """Three one-year windows ending today: weekdays, week, month and year sums."""
    first = date(2021, 4, 1)
    daily = {first + timedelta(days=n): 1000 + n for n in range((TODAY - first).days)}
    del daily[date(2024, 4, 3)]  # a hole: Wednesday of the last week
    topics = payloads(build(daily))
    node = f"{BASE}/consumption/current_year"
    assert topics[f"{node}/dateBegin"] == "2023-04-10"
    assert topics[f"{node}/dateEnded"] == "2024-04-10"
    last_week = {TODAY - timedelta(days=n) for n in range(1, 8)} - {date(2024, 4, 3)}
    assert {
        key: topics[f"{node}/{key}"] for key in WEEKDAYS if f"{node}/{key}" in topics
    } == {WEEKDAYS[day.weekday()]: str(daily[day]) for day in last_week}
    assert f"{node}/mercredi" not in topics
    assert topics[f"{node}/this_week"] == str(sum(daily[day] for day in last_week))
    month = [day for day in daily if date(2024, 3, 10) <= day < TODAY]
    assert topics[f"{node}/this_month"] == str(sum(daily[day] for day in month))
    year = [day for day in daily if date(2023, 4, 10) <= day < TODAY]
    assert topics[f"{node}/this_year"] == str(sum(daily[day] for day in year))
    assert topics[f"{BASE}/consumption_price/current_year/this_year"] == number(
        sum(daily[day] for day in year) * 0.2 / 1000
    )
    # year-2 starts before the first stored day: its sums hold what is stored.
    old = f"{BASE}/consumption/year-2"
    assert topics[f"{old}/dateBegin"] == "2021-04-10"
    assert topics[f"{old}/dateEnded"] == "2022-04-10"
    assert topics[f"{old}/this_year"] == str(
        sum(
            wh
            for day, wh in daily.items()
            if date(2021, 4, 10) <= day < date(2022, 4, 10)
        )
    )
    assert topics[f"{BASE}/consumption/year-1/lundi"] == str(daily[date(2023, 4, 3)])


@pytest.mark.parametrize(
    ("today", "month_start"),
    [
        (date(2024, 3, 31), date(2024, 2, 29)),
        (date(2023, 3, 31), date(2023, 2, 28)),
        (date(2024, 1, 15), date(2023, 12, 15)),
    ],
)
def test_this_month_is_one_month(today: date, month_start: date) -> None:
    """this_month covers one month back from the window's end, clamped to short months."""
    # Powers of two: any wrong day in or out changes the sum.
    daily = {today - timedelta(days=n): 2**n for n in range(1, 40)}
    topics = payloads(build(daily), today=today)
    expected = sum(wh for day, wh in daily.items() if day >= month_start)
    assert topics[f"{BASE}/consumption/current_year/this_month"] == str(expected)


def test_no_price_topics_without_base_price() -> None:
    """The price topics need a base price."""
    daily = {TODAY - timedelta(days=n): 5000 for n in range(1, 10)}
    topics = payloads(build(daily), prices=Prices(base=0, hp=0.25, hc=0.1))
    assert not [topic for topic in topics if "_price/" in topic]
    assert topics[f"{BASE}/consumption/current_year/this_week"] == "35000"


def test_detail_month() -> None:
    """Monthly load-curve topics: Wh, HP/HC split and ratio, euros, plan verdict, W sums."""
    flat = {date(2024, 3, day): 1000 for day in (1, 2)}
    # 2024-03-31 is the spring DST day: 46 half-hours.
    curves: dict[date, Callable[[int], float]] = {
        date(2024, 3, 1): lambda _: 1000.0,
        date(2024, 3, 2): lambda _: 1000.0,
        date(2024, 3, 31): lambda _: 2000.0,
        date(2024, 4, 1): lambda index: float(index),
    }
    history = build(flat, curves)
    # An incomplete day is left out.
    history.merge_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, curve(date(2024, 3, 5), float)[:10]
    )
    topics = payloads(history)
    node = f"{BASE}/consumption/detail/2024/03"
    # Two 24 h days at 1 kW and a 23 h day at 2 kW; HC is 22h-6h, 8 h a day (the DST
    # day loses an HP hour, 2h-3h does not exist but 22h-6h still holds 7 h).
    total = 2 * 24000 + 23 * 2000
    hc = 2 * 8000 + 7 * 2000
    hp = total - hc
    assert {
        key.removeprefix(f"{node}/"): value
        for key, value in topics.items()
        if key.startswith(f"{node}/")
    } == {
        "measure_total_wh": str(total),
        "measure_hp_wh": str(hp),
        "measure_hc_wh": str(hc),
        "measure_ration_hp": number(100 * hp / total),
        "measure_ration_hc": number(100 * hc / total),
        "measure_total": str(total * 2),
        "measure_hp": str(hp * 2),
        "measure_hc": str(hc * 2),
        "measure_base_euro": number(total * 0.2 / 1000),
        "measure_hp_euro": number(hp * 0.25 / 1000),
        "measure_hc_euro": number(hc * 0.1 / 1000),
        "measure_hphc_euro": number((hp * 0.25 + hc * 0.1) / 1000),
        "base_vs_offpeak": number(
            100 * ((hp * 0.25 + hc * 0.1) - total * 0.2) / (hp * 0.25 + hc * 0.1)
        ),
        "best_plan": "BASE",
        "best_plan_percent": number(
            100 * ((hp * 0.25 + hc * 0.1) - total * 0.2) / (hp * 0.25 + hc * 0.1)
        ),
    }
    april = f"{BASE}/consumption/detail/2024/04"
    assert topics[f"{april}/measure_total_wh"] == number(sum(range(48)) / 2)
    assert not [topic for topic in topics if "/detail/2024/02/" in topic]


def night(index: int) -> float:
    """Return 3 kW from midnight to 6:00, nothing after."""
    return 3000.0 if index < 12 else 0.0


def test_detail_best_plan_hphc() -> None:
    """A month used at night favors HP/HC, with a positive percent."""
    topics = payloads(build({}, {date(2024, 3, 1): night}))
    node = f"{BASE}/consumption/detail/2024/03"
    assert topics[f"{node}/measure_hp_wh"] == "0"
    assert topics[f"{node}/measure_ration_hc"] == "100"
    assert topics[f"{node}/best_plan"] == "HC/HP"
    # base 18 kWh x 0.2 = 3.6 €; HP/HC 18 kWh x 0.1 = 1.8 €.
    assert topics[f"{node}/base_vs_offpeak"] == "-100"
    assert topics[f"{node}/best_plan_percent"] == "100"


def test_no_ranges_is_all_hp() -> None:
    """Without off-peak hours every Wh counts as HP, and no start/stop topic exists."""
    topics = payloads(build({}, {date(2024, 3, 1): lambda _: 100.0}), ranges=())
    node = f"{BASE}/consumption/detail/2024/03"
    assert topics[f"{node}/measure_hp_wh"] == "2400"
    assert topics[f"{node}/measure_hc_wh"] == "0"
    assert not [topic for topic in topics if "/offpeak_hours/" in topic]


def test_production() -> None:
    """Production windows and detail, without prices (there is no sale price)."""
    history = build({})
    history.merge_daily(
        MeasureType.DAILY_PRODUCTION,
        [DailyReading(day=TODAY - timedelta(days=1), wh=4321)],
    )
    history.merge_curve(
        MeasureType.PRODUCTION_LOAD_CURVE, curve(date(2024, 4, 2), lambda _: 10.0)
    )
    assert not [topic for topic in payloads(history) if "production" in topic]
    topics = payloads(history, production=True)
    assert topics[f"{BASE}/production/current_year/mardi"] == "4321"
    assert topics[f"{BASE}/production/detail/2024/04/measure_total_wh"] == "240"
    assert topics[f"{BASE}/production/current_year/error"] == "0"
    assert not [
        topic
        for topic in topics
        if topic.startswith(f"{BASE}/production") and "euro" in topic
    ]
    assert not [topic for topic in topics if "production_price" in topic]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("", {"error": "0"}),
        ("quota reached", {"error": "1", "errorMsg/description": "quota reached"}),
    ],
)
def test_error_topics(error: str, expected: dict[str, str]) -> None:
    """An error flag at the root and in each window, the message while it lasts."""
    topics = payloads(build({}), error=error)
    for node in (
        BASE,
        f"{BASE}/consumption/current_year",
        f"{BASE}/consumption/year-1",
        f"{BASE}/consumption/year-2",
    ):
        assert {
            key.removeprefix(f"{node}/"): value
            for key, value in topics.items()
            if key.startswith(f"{node}/error")
        } == expected


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.integers(0, 80_000), min_size=1, max_size=60),
    offset=st.integers(0, 400),
    holes=st.sets(st.integers(0, 59), max_size=10),
)
def test_window_sums_are_consistent(
    values: list[int], offset: int, holes: set[int]
) -> None:
    """this_week is the sum of the weekday topics; every value is a stored day's."""
    end = TODAY - timedelta(days=offset)
    daily = {
        end - timedelta(days=n + 1): wh for n, wh in enumerate(values) if n not in holes
    }
    topics = payloads(build(daily))
    node = f"{BASE}/consumption/current_year"
    weekdays = [
        topics[f"{node}/{key}"] for key in WEEKDAYS if f"{node}/{key}" in topics
    ]
    week = [wh for day, wh in daily.items() if day >= TODAY - timedelta(days=7)]
    assert sorted(int(value) for value in weekdays) == sorted(week)
    assert topics.get(f"{node}/this_week", "none") == (
        str(sum(week)) if week else "none"
    )


@settings(max_examples=30, deadline=None)
@given(
    watts=st.lists(st.integers(0, 12_000).map(float), min_size=50, max_size=50),
    start=st.integers(0, 1439),
    length=st.integers(1, 1439),
)
def test_detail_split_adds_up(watts: list[float], start: int, length: int) -> None:
    """HP + HC = total and the ratios add to 100, whatever the off-peak range."""
    ranges = (OffpeakRange(start, (start + length) % 1440 or 1440),)
    day = date(2024, 10, 27)  # the autumn DST day: 50 half-hours
    topics = payloads(build({}, {day: lambda index: watts[index]}), ranges=ranges)
    node = f"{BASE}/consumption/detail/2024/10"
    total = float(topics[f"{node}/measure_total_wh"])
    assert total == pytest.approx(sum(watts) / 2, abs=0.01)
    assert float(topics[f"{node}/measure_hp_wh"]) + float(
        topics[f"{node}/measure_hc_wh"]
    ) == pytest.approx(total, abs=0.02)
    ratios = float(topics[f"{node}/measure_ration_hp"]) + float(
        topics[f"{node}/measure_ration_hc"]
    )
    assert ratios == pytest.approx(100 if total else 0, abs=0.02)


def two_years() -> History:
    """Return a full history of the simulator's household: 3 years daily, 2 years curve."""
    household = Household(seed=1)
    history = History(contract=CONTRACT, addresses=ADDRESSES)
    history.merge_daily(
        MeasureType.DAILY_CONSUMPTION,
        [
            DailyReading(
                day=TODAY - timedelta(days=n),
                wh=household.daily_wh(TODAY - timedelta(days=n)),
            )
            for n in range(1, 1096)
        ],
    )
    history.merge_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE,
        [
            LoadCurvePoint(start=start, minutes=minutes, watts=float(watts))
            for n in range(1, 731)
            for start, minutes, watts in household.curve(TODAY - timedelta(days=n))
        ],
    )
    return history


def test_two_years_fast_and_complete() -> None:
    """Two years of load curve: every month has its 15 keys, built in a few ms."""
    history = two_years()
    payloads(history)
    started = time.perf_counter()
    topics = payloads(history)
    elapsed = time.perf_counter() - started
    months = {
        (topic.split("/")[4], topic.split("/")[5])
        for topic in topics
        if "/detail/" in topic
    }
    # From the month of the oldest curve day (2022-04-11) to April 2024.
    assert min(months) == ("2022", "04")
    assert max(months) == ("2024", "04")
    assert len(months) == 25
    assert sum("/detail/" in topic for topic in topics) == 25 * 15
    # 10 contract, 2 off-peak, 6 address, 3 windows x (2 dates + 10 values + 10
    # prices), 25 months x 15 detail keys, 4 error flags.
    assert len(topics) == 10 + 2 + 6 + 3 * 22 + 25 * 15 + 4
    # The real cost is about 4 ms; the bound only catches an accidental quadratic.
    assert elapsed < 0.25
