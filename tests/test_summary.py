"""Tests of the pure summaries: day splits, calendar periods, costs, plan verdict, completeness."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import (
    FetchState,
    History,
    SeriesHistory,
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
from custom_components.enedis_gateway.linky.offpeak import OffpeakRange, parse_offpeak
from custom_components.enedis_gateway.linky.summary import (
    Summary,
    build_summary,
    shift_year,
)
from custom_components.enedis_gateway.linky.tariff import (
    DaySplit,
    Plan,
    Prices,
    Tariff,
)

from .curves import day_points

NIGHT = parse_offpeak("HC (22H00-6H00)")
TWO_RANGES = parse_offpeak("22h00-06h00;12h30-14h00")
ODD = parse_offpeak("HC (0H38-6H38)")
PRICES = Prices(base=0.20, hp=0.25, hc=0.05)
CONSUMPTION = MeasureType.CONSUMPTION_LOAD_CURVE


def days_between(first: date, last: date) -> list[date]:
    """Return every day of [first, last]."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def constant_curves(history: History, days: list[date], watts: float) -> None:
    """Store a constant complete load curve for each day."""
    for day in days:
        history.merge_curve(CONSUMPTION, day_points(day, lambda _: watts))


def day_splits(
    series: SeriesHistory, ranges: tuple[OffpeakRange, ...]
) -> dict[date, DaySplit]:
    """Split the stored days with an HP/HC tariff of some ranges."""
    return Tariff(Plan.HPHC, PRICES, ranges).day_splits(series)


def split_wh(
    ranges: tuple[OffpeakRange, ...], point: LoadCurvePoint
) -> tuple[float, float]:
    """Split one point on its own wall clock, apart from the day tables."""
    share = Tariff(Plan.HPHC, PRICES, ranges).offpeak_share(point.start, point.minutes)
    return point.wh * (1 - share), point.wh * share


def summarize(
    history: History,
    today: date,
    *,
    plan: Plan = Plan.HPHC,
    prices: Prices = PRICES,
    ranges: tuple[OffpeakRange, ...] = NIGHT,
) -> Summary:
    """Build the consumption summary."""
    return build_summary(
        history,
        FetchState(),
        direction=Direction.CONSUMPTION,
        tariff=Tariff(plan, prices, ranges),
        today=today,
    )


def wh_of(day: date) -> int:
    """Return a distinct deterministic daily energy."""
    return 5000 + (day.toordinal() % 97) * 37


@pytest.mark.parametrize(
    ("day", "ranges"),
    [
        (date(2024, 1, 15), NIGHT),
        (date(2024, 3, 31), NIGHT),
        (date(2024, 10, 27), NIGHT),
        (date(2024, 10, 27), TWO_RANGES),
        (date(2024, 3, 31), ODD),
        (date(2024, 7, 2), ODD),
        (date(2024, 7, 2), ()),
    ],
)
def test_curve_split_equals_split_wh(
    day: date, ranges: tuple[OffpeakRange, ...]
) -> None:
    history = History()
    points = day_points(day, lambda index: 100.0 + 37 * index)
    history.merge_curve(CONSUMPTION, points)
    split = day_splits(history.consumption, ranges)[day]
    expected_hc = sum(split_wh(ranges, point)[1] for point in points)
    assert split.from_curve
    assert split.wh == pytest.approx(sum(point.wh for point in points), rel=1e-12)
    assert split.hc_wh == pytest.approx(expected_hc, rel=1e-12, abs=1e-9)
    assert split.hp_wh + split.hc_wh == pytest.approx(split.wh, rel=1e-12)


@pytest.mark.parametrize(
    ("day", "hc_kwh", "total_kwh"),
    [
        (date(2024, 1, 15), 8.0, 24.0),  # 22h-24h + 0h-6h
        (date(2024, 3, 31), 7.0, 23.0),  # 2h-3h does not exist
        (date(2024, 10, 27), 9.0, 25.0),  # 2h-3h comes twice
    ],
)
def test_dst_days_on_the_wall_clock(day: date, hc_kwh: float, total_kwh: float) -> None:
    history = History()
    constant_curves(history, [day], 1000.0)
    split = day_splits(history.consumption, NIGHT)[day]
    assert split.wh == pytest.approx(total_kwh * 1000)
    assert split.hc_wh == pytest.approx(hc_kwh * 1000)
    assert split.hp_wh == pytest.approx((total_kwh - hc_kwh) * 1000)


def test_split_scaled_to_the_daily_reading() -> None:
    day = date(2024, 5, 10)
    history = History()
    constant_curves(history, [day], 1000.0)  # 24 kWh by the curve, 8 of them HC
    history.consumption.daily[day] = 30000
    split = day_splits(history.consumption, NIGHT)[day]
    assert split.from_curve
    assert split.wh == 30000
    assert split.hc_wh == pytest.approx(30000 * 8 / 24)
    assert split.hp_wh + split.hc_wh == 30000


def test_days_without_curve_use_the_average_share() -> None:
    history = History()
    # 1000 W all day: 8/24 HC; 1000 W only in HC hours (0h-6h + 22h-24h): all HC.
    constant_curves(history, [date(2024, 5, 10)], 1000.0)
    history.merge_curve(
        CONSUMPTION,
        day_points(
            date(2024, 5, 11),
            lambda index: 1000.0 if index < 12 or index >= 44 else 0.0,
        ),
    )
    history.consumption.daily[date(2024, 5, 12)] = 10000
    # An incomplete curve does not count.
    partial = day_points(date(2024, 5, 13), lambda _: 5000.0)[:10]
    history.merge_curve(CONSUMPTION, partial)
    history.consumption.daily[date(2024, 5, 13)] = 20000
    splits = day_splits(history.consumption, NIGHT)
    share = (8 + 8) / (24 + 8)
    assert not splits[date(2024, 5, 12)].from_curve
    assert splits[date(2024, 5, 12)].hc_wh == pytest.approx(10000 * share)
    assert splits[date(2024, 5, 13)].hc_wh == pytest.approx(20000 * share)
    assert splits[date(2024, 5, 11)].hc_wh == pytest.approx(8000)
    assert splits[date(2024, 5, 11)].hp_wh == pytest.approx(0)
    assert set(splits) == {date(2024, 5, d) for d in (10, 11, 12, 13)}


def test_no_curve_means_all_hp_and_partial_curve_alone_is_not_a_day() -> None:
    history = History()
    history.consumption.daily[date(2024, 5, 12)] = 10000
    history.merge_curve(CONSUMPTION, day_points(date(2024, 5, 14), lambda _: 1.0)[:5])
    splits = day_splits(history.consumption, NIGHT)
    assert set(splits) == {date(2024, 5, 12)}
    assert splits[date(2024, 5, 12)].hp_wh == 10000
    assert splits[date(2024, 5, 12)].hc_wh == 0


@pytest.mark.parametrize(
    ("today", "field", "first", "last"),
    [
        # a DST week (Sunday 27 Oct 2024 has 25 hours) as last week
        (date(2024, 10, 30), "last_week_kwh", date(2024, 10, 21), date(2024, 10, 27)),
        (
            date(2024, 10, 30),
            "current_week_kwh",
            date(2024, 10, 28),
            date(2024, 10, 29),
        ),
        (
            date(2024, 10, 30),
            "current_month_kwh",
            date(2024, 10, 1),
            date(2024, 10, 29),
        ),
        (date(2024, 10, 30), "last_month_kwh", date(2024, 9, 1), date(2024, 9, 30)),
        (date(2024, 10, 30), "current_year_kwh", date(2024, 1, 1), date(2024, 10, 29)),
        (date(2024, 10, 30), "last_year_kwh", date(2023, 1, 1), date(2023, 12, 31)),
        # the year boundary: last week straddles it
        (date(2025, 1, 8), "last_week_kwh", date(2024, 12, 30), date(2025, 1, 5)),
        (date(2025, 1, 8), "current_week_kwh", date(2025, 1, 6), date(2025, 1, 7)),
        (date(2025, 1, 8), "current_month_kwh", date(2025, 1, 1), date(2025, 1, 7)),
        (date(2025, 1, 8), "last_month_kwh", date(2024, 12, 1), date(2024, 12, 31)),
        (date(2025, 1, 8), "current_year_kwh", date(2025, 1, 1), date(2025, 1, 7)),
        (date(2025, 1, 8), "last_year_kwh", date(2024, 1, 1), date(2024, 12, 31)),
        # March 2024 holds the spring DST day and follows a leap February
        (date(2024, 4, 2), "last_month_kwh", date(2024, 3, 1), date(2024, 3, 31)),
        (date(2024, 3, 2), "last_month_kwh", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_calendar_periods(today: date, field: str, first: date, last: date) -> None:
    history = History()
    for day in days_between(date(2022, 12, 1), today - timedelta(days=1)):
        history.consumption.daily[day] = wh_of(day)
    expected = sum(wh_of(day) for day in days_between(first, last)) / 1000
    assert getattr(summarize(history, today), field) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("first", "last", "expected_kwh"),
    [
        (date(2024, 10, 21), date(2024, 10, 27), 6 * 24 + 25),
        (date(2024, 3, 25), date(2024, 3, 31), 6 * 24 + 23),
    ],
)
def test_dst_week_from_curves_only(
    first: date, last: date, expected_kwh: float
) -> None:
    history = History()
    constant_curves(history, days_between(first, last), 1000.0)
    summary = summarize(history, last + timedelta(days=1))
    assert summary.last_week_kwh == pytest.approx(expected_kwh)
    assert summary.last_day == last


def test_last_day_values_and_costs_per_plan() -> None:
    today = date(2024, 11, 6)
    day = date(2024, 11, 5)
    history = History()
    constant_curves(history, [day], 500.0)  # 12 kWh: 4 HC, 8 HP
    history.consumption.daily[day] = 12000
    history.consumption.daily[date(2024, 11, 4)] = 10000
    hphc = summarize(history, today, plan=Plan.HPHC)
    base = summarize(history, today, plan=Plan.BASE)
    assert hphc.last_day == day
    assert hphc.last_day_from_curve
    assert hphc.last_day_kwh == pytest.approx(12)
    assert hphc.last_day_hp_kwh == pytest.approx(8)
    assert hphc.last_day_hc_kwh == pytest.approx(4)
    assert hphc.last_day_hp_cost == pytest.approx(8 * 0.25)
    assert hphc.last_day_hc_cost == pytest.approx(4 * 0.05)
    assert hphc.last_day_cost == pytest.approx(8 * 0.25 + 4 * 0.05)
    assert base.last_day_cost == pytest.approx(12 * 0.20)
    assert base.last_day_hp_cost == pytest.approx(8 * 0.20)
    assert base.last_day_hc_cost == pytest.approx(4 * 0.20)
    # Nov 4 has no curve: it takes the average share 4/12.
    assert hphc.current_month_cost == pytest.approx(
        8 * 0.25 + 4 * 0.05 + 10 * (8 / 12) * 0.25 + 10 * (4 / 12) * 0.05
    )
    assert base.current_month_cost == pytest.approx(22 * 0.20)
    assert base.current_year_cost == pytest.approx(22 * 0.20)


def test_prices_zero_give_zero_costs_and_no_verdict() -> None:
    today = date(2024, 11, 6)
    history = History()
    constant_curves(history, days_between(date(2024, 11, 1), date(2024, 11, 5)), 800.0)
    zero = Prices(base=0, hp=0, hc=0)
    summary = summarize(history, today, prices=zero)
    assert summary.last_day_cost == 0
    assert summary.current_month_cost == 0
    assert summary.current_year_cost == 0
    assert summary.cost_base_year == 0
    assert summary.cost_hphc_year == 0
    assert summary.best_plan is None
    assert summary.saving_eur is None
    assert summary.hc_share_percent == pytest.approx(100 * 8 / 24)


@pytest.mark.parametrize(
    ("prices", "best", "base_day", "hphc_day"),
    [
        # 24 kWh a day, 8 of them HC
        (Prices(base=0.20, hp=0.25, hc=0.05), "hp_hc", 24 * 0.20, 16 * 0.25 + 8 * 0.05),
        (Prices(base=0.20, hp=0.25, hc=0.15), "base", 24 * 0.20, 16 * 0.25 + 8 * 0.15),
    ],
)
def test_plan_verdict_annualized(
    prices: Prices, best: str, base_day: float, hphc_day: float
) -> None:
    today = date(2024, 11, 6)
    history = History()
    constant_curves(
        history, days_between(date(2024, 10, 27), date(2024, 11, 5)), 1000.0
    )
    # Oct 27 2024 has 25 h (9 HC); a day older than 365 days and a daily-only day are ignored.
    constant_curves(history, [date(2023, 11, 5)], 9999.0)
    history.consumption.daily[date(2024, 10, 26)] = 99999
    summary = summarize(history, today, prices=prices)
    base_total = base_day * 9 + 25 * prices.base
    hphc_total = hphc_day * 9 + 16 * prices.hp + 9 * prices.hc
    assert summary.plan_days == 10
    assert summary.cost_base_year == pytest.approx(base_total * 365 / 10)
    assert summary.cost_hphc_year == pytest.approx(hphc_total * 365 / 10)
    assert summary.best_plan == best
    saving = abs(base_total - hphc_total) * 365 / 10
    assert summary.saving_eur == pytest.approx(saving)
    assert summary.saving_percent == pytest.approx(
        100 * saving / (max(base_total, hphc_total) * 365 / 10)
    )
    assert summary.hc_share_percent == pytest.approx(100 * (8 * 9 + 9) / (24 * 9 + 25))


def test_no_curve_no_verdict() -> None:
    history = History()
    history.consumption.daily[date(2024, 11, 5)] = 1000
    summary = summarize(history, date(2024, 11, 6))
    assert summary.cost_base_year is None
    assert summary.cost_hphc_year is None
    assert summary.best_plan is None
    assert summary.saving_eur is None
    assert summary.saving_percent is None
    assert summary.hc_share_percent is None
    assert summary.plan_days == 0


def test_max_power_of_the_last_day() -> None:
    day = date(2024, 11, 5)
    at = datetime(2024, 11, 5, 19, 30, tzinfo=PARIS)
    history = History(contract=Contract(subscribed_power_kva=9.0))
    history.consumption.daily[day] = 12000
    history.consumption.max_power[day] = MaxPowerReading(day=day, va=9500, at=at)
    summary = summarize(history, date(2024, 11, 6))
    assert summary.max_power_kva == pytest.approx(9.5)
    assert summary.max_power_at == at
    assert summary.max_power_over is True
    assert summary.subscribed_power_kva == 9.0


@pytest.mark.parametrize(
    ("va", "subscribed", "over"),
    [(6000, 9.0, False), (9000, 9.0, False), (9001, 9.0, True), (9500, None, None)],
)
def test_max_power_over(va: int, subscribed: float | None, over: bool | None) -> None:
    day = date(2024, 11, 5)
    history = History(contract=Contract(subscribed_power_kva=subscribed))
    history.consumption.daily[day] = 1
    history.consumption.max_power[day] = MaxPowerReading(
        day=day, va=va, at=datetime(2024, 11, 5, 18, 0, tzinfo=UTC)
    )
    assert summarize(history, date(2024, 11, 6)).max_power_over is over


def test_empty_history() -> None:
    summary = summarize(History(), date(2024, 11, 6))
    assert summary.last_day is None
    assert summary.last_day_kwh is None
    assert summary.last_day_cost is None
    assert summary.current_week_kwh is None
    assert summary.current_month_kwh is None
    assert summary.current_year_kwh is None
    assert summary.last_week_kwh is None
    assert summary.last_month_kwh is None
    assert summary.last_year_kwh is None
    assert summary.current_month_cost is None
    assert summary.max_power_kva is None
    assert summary.max_power_over is None
    assert summary.last_data_date is None
    assert summary.completeness_percent == 0


def test_missing_days_sum_what_is_stored() -> None:
    today = date(2024, 11, 6)
    history = History()
    history.consumption.daily[date(2024, 10, 3)] = 4000
    history.consumption.daily[date(2024, 10, 20)] = 6000
    history.consumption.daily[date(2024, 11, 2)] = 1000
    summary = summarize(history, today)
    assert summary.last_day == date(2024, 11, 2)
    assert summary.last_month_kwh == pytest.approx(10)
    assert summary.last_week_kwh == pytest.approx(1)
    assert summary.current_week_kwh is None  # Nov 4-5: nothing stored
    assert summary.current_month_kwh == pytest.approx(1)
    assert summary.current_year_kwh == pytest.approx(11)
    assert summary.last_year_kwh is None


def test_empty_spans_are_zero_on_a_first_day() -> None:
    history = History()
    history.consumption.daily[date(2024, 12, 31)] = 5000
    summary = summarize(history, date(2025, 1, 1))  # a Wednesday, 1st of month and year
    assert summary.current_month_kwh == 0
    assert summary.current_year_kwh == 0
    assert summary.current_month_cost == 0
    assert summary.current_week_kwh == pytest.approx(5)  # Mon Dec 30 .. Tue Dec 31


def test_last_data_date_and_future_days() -> None:
    history = History()
    history.consumption.daily[date(2024, 11, 3)] = 5000
    history.consumption.max_power[date(2024, 11, 4)] = MaxPowerReading(
        day=date(2024, 11, 4), va=1, at=datetime(2024, 11, 4, 8, tzinfo=UTC)
    )
    history.consumption.daily[date(2024, 11, 6)] = 7000  # today: not a complete day
    summary = summarize(history, date(2024, 11, 6))
    assert summary.last_day == date(2024, 11, 3)
    assert summary.last_data_date == date(2024, 11, 6)


def test_completeness_with_activation_date() -> None:
    today = date(2024, 11, 6)
    history = History(
        contract=Contract(last_activation_date=today - timedelta(days=100))
    )
    for day in days_between(today - timedelta(days=50), today - timedelta(days=1)):
        history.consumption.daily[day] = 1000
    for day in days_between(today - timedelta(days=20), today - timedelta(days=1)):
        history.consumption.max_power[day] = MaxPowerReading(
            day=day, va=1000, at=local_midnight(day)
        )
    constant_curves(
        history,
        days_between(today - timedelta(days=10), today - timedelta(days=1)),
        1.0,
    )
    history.merge_curve(
        CONSUMPTION, day_points(today - timedelta(days=11), lambda _: 1.0)[:3]
    )
    # before the activation date: not reachable, not counted
    history.consumption.daily[today - timedelta(days=200)] = 1000
    summary = summarize(history, today)
    assert summary.completeness_percent == pytest.approx(100 * (50 + 10 + 20) / 300)


def test_completeness_full_depth_and_kinds() -> None:
    today = date(2024, 11, 6)
    history = History()
    for day in days_between(today - timedelta(days=1095), today - timedelta(days=1)):
        history.consumption.daily[day] = 1000
    history.consumption.daily[today - timedelta(days=1096)] = 1000  # beyond the depth
    default = summarize(history, today)
    assert default.completeness_percent == pytest.approx(
        100 * 1095 / (1095 + 730 + 1095)
    )
    daily_only = build_summary(
        history,
        FetchState(),
        direction=Direction.CONSUMPTION,
        tariff=Tariff(Plan.BASE, PRICES, NIGHT),
        today=today,
        kinds=(MeasureType.DAILY_CONSUMPTION,),
    )
    assert daily_only.completeness_percent == 100


def test_production_direction() -> None:
    history = History()
    history.production.daily[date(2024, 6, 1)] = 15000
    history.consumption.daily[date(2024, 6, 1)] = 3000
    summary = build_summary(
        history,
        FetchState(),
        direction=Direction.PRODUCTION,
        tariff=Tariff(Plan.BASE, PRICES, ()),
        today=date(2024, 6, 2),
    )
    assert summary.last_day_kwh == pytest.approx(15)
    assert summary.completeness_percent == pytest.approx(100 * 1 / (1095 + 730))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2024, 3, 1), date(2023, 3, 1)),
        (date(2025, 1, 1), date(2024, 1, 1)),
    ],
)
def test_shift_year(day: date, expected: date) -> None:
    assert shift_year(day) == expected


@settings(max_examples=60, deadline=None)
@given(
    today=st.dates(min_value=date(2021, 1, 2), max_value=date(2030, 12, 31)),
    values=st.lists(
        st.integers(min_value=0, max_value=80_000), min_size=1, max_size=70
    ),
    holes=st.sets(st.integers(min_value=1, max_value=69)),
)
def test_current_month_is_the_sum_of_stored_days(
    today: date, values: list[int], holes: set[int]
) -> None:
    """For random histories, current_month_kwh is the sum of the stored days of the month."""
    month_start = today.replace(day=1)
    history = History()
    start = month_start - timedelta(days=35)
    for offset, wh in enumerate(values):
        if offset not in holes:
            history.consumption.daily[start + timedelta(days=offset)] = wh
    # The 1st of the month is always stored so the month sum is never unknown.
    history.consumption.daily[month_start] = 1234
    expected = sum(
        wh
        for day, wh in history.consumption.daily.items()
        if month_start <= day < today
    )
    summary = summarize(history, today)
    assert summary.current_month_kwh == pytest.approx(expected / 1000)


@settings(max_examples=30, deadline=None)
@given(
    day=st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 12, 31)),
    watts=st.lists(st.floats(min_value=0, max_value=12_000), min_size=50, max_size=50),
    start=st.integers(min_value=0, max_value=1439),
    length=st.integers(min_value=1, max_value=1439),
)
def test_split_matches_split_wh_for_random_curves(
    day: date, watts: list[float], start: int, length: int
) -> None:
    """The fast per-day split equals split_wh summed over the points, HP + HC = total."""
    end = (start + length) % 1440 or 1440
    ranges = parse_offpeak(f"{start // 60}h{start % 60:02d}-{end // 60}h{end % 60:02d}")
    points = day_points(day, lambda index: watts[index])
    history = History()
    history.merge_curve(CONSUMPTION, points)
    split = day_splits(history.consumption, ranges)[day]
    assert split.hc_wh == pytest.approx(
        sum(split_wh(ranges, point)[1] for point in points), rel=1e-9, abs=1e-6
    )
    assert split.hp_wh + split.hc_wh == pytest.approx(split.wh, rel=1e-12, abs=1e-9)
