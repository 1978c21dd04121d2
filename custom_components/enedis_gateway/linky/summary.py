"""Pure aggregates of the stored history: day splits, calendar periods, costs and plan verdict."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from operator import mul
from typing import cast

from .history import (
    DayCurve,
    History,
    SeriesHistory,
    local_midnight,
    measure_direction,
)
from .models import Direction, LoadCurvePoint, MeasureType
from .offpeak import OffpeakRange, split_wh

# Any day without a DST change works: it only anchors the wall clock of a normal day.
_REFERENCE_DAY = date(2024, 1, 15)
_NORMAL_DAY_MINUTES = 1440
_YEAR_DAYS = 365

type Ranges = tuple[OffpeakRange, ...]


class Plan(StrEnum):
    """Tariff plans."""

    BASE = "BASE"
    HPHC = "HP/HC"


@dataclass(frozen=True, kw_only=True, slots=True)
class Prices:
    """Energy prices in €/kWh."""

    base: float
    hp: float
    hc: float


@dataclass(frozen=True, kw_only=True, slots=True)
class DaySplit:
    """Energy of one Paris-local day in Wh, split between peak and off-peak hours."""

    day: date
    wh: float
    hp_wh: float
    hc_wh: float
    from_curve: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class PeriodTotals:
    """Energy of the stored days of a span in Wh."""

    wh: float
    hp_wh: float
    hc_wh: float
    days: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Summary:
    """Everything the sensors and the card show, computed from the history only."""

    direction: Direction
    plan: Plan
    today: date
    last_day: date | None
    last_day_kwh: float | None
    last_day_hp_kwh: float | None
    last_day_hc_kwh: float | None
    last_day_cost: float | None
    last_day_hp_cost: float | None
    last_day_hc_cost: float | None
    last_day_from_curve: bool | None
    current_week_kwh: float | None
    current_month_kwh: float | None
    current_year_kwh: float | None
    last_week_kwh: float | None
    last_month_kwh: float | None
    last_year_kwh: float | None
    current_month_cost: float | None
    current_year_cost: float | None
    cost_base_year: float | None
    cost_hphc_year: float | None
    plan_days: int
    best_plan: str | None
    saving_eur: float | None
    saving_percent: float | None
    hc_share_percent: float | None
    max_power_kva: float | None
    max_power_at: datetime | None
    max_power_over: bool | None
    subscribed_power_kva: float | None
    completeness_percent: float
    last_data_date: date | None
    splits: Mapping[date, DaySplit] = field(repr=False, compare=False)


def shift_year(day: date, years: int = 1) -> date:
    """Return the same date some years earlier; Feb 29 becomes Feb 28."""
    year = day.year - years
    if day.month == 2 and day.day == 29:
        return date(year, 2, 28)
    return day.replace(year=year)


def week_start(day: date) -> date:
    """Return the Monday of the ISO week of a day."""
    return day - timedelta(days=day.weekday())


def previous_month(day: date) -> tuple[date, date]:
    """Return the first and last day of the calendar month before the month of a day."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def period_totals(
    splits: Mapping[date, DaySplit], first: date, last: date
) -> PeriodTotals | None:
    """Sum the stored days of [first, last]; None when the span is not empty but holds no stored day."""
    wh = hp_wh = hc_wh = 0.0
    days = 0
    day = first
    one = timedelta(days=1)
    while day <= last:
        split = splits.get(day)
        if split is not None:
            wh += split.wh
            hp_wh += split.hp_wh
            hc_wh += split.hc_wh
            days += 1
        day += one
    if days == 0 and first <= last:
        return None
    return PeriodTotals(wh=wh, hp_wh=hp_wh, hc_wh=hc_wh, days=days)


def energy_costs(
    hp_wh: float, hc_wh: float, prices: Prices, plan: Plan
) -> tuple[float, float]:
    """Return the (peak, off-peak) cost in € of some energy under a plan."""
    if plan is Plan.BASE:
        return hp_wh * prices.base / 1000, hc_wh * prices.base / 1000
    return hp_wh * prices.hp / 1000, hc_wh * prices.hc / 1000


def _kwh(totals: PeriodTotals | None) -> float | None:
    return None if totals is None else totals.wh / 1000


def _cost(totals: PeriodTotals | None, prices: Prices, plan: Plan) -> float | None:
    if totals is None:
        return None
    return sum(energy_costs(totals.hp_wh, totals.hc_wh, prices, plan))


def hc_fractions(ranges: Ranges, minutes: int) -> list[float]:
    """Return the off-peak share of each interval of a normal day, as split_wh computes it."""
    start = local_midnight(_REFERENCE_DAY)
    step = timedelta(minutes=minutes)
    fractions: list[float] = []
    for index in range(_NORMAL_DAY_MINUTES // minutes):
        point = LoadCurvePoint(start=start + index * step, minutes=minutes, watts=60.0)
        hp_wh, hc_wh = split_wh(ranges, point)
        total = hp_wh + hc_wh
        fractions.append(hc_wh / total if total else 0.0)
    return fractions


def _curve_split(
    day: date, curve: DayCurve, ranges: Ranges, tables: dict[int, list[float]]
) -> tuple[float, float]:
    """Return (wh, hc_wh) of a complete day curve."""
    watts = cast(list[float], curve.watts)  # complete: no None left
    hours = curve.minutes / 60
    if not ranges:
        return sum(watts) * hours, 0.0
    if len(watts) * curve.minutes == _NORMAL_DAY_MINUTES:
        table = tables.get(curve.minutes)
        if table is None:
            table = tables[curve.minutes] = hc_fractions(ranges, curve.minutes)
        return sum(watts) * hours, sum(map(mul, watts, table)) * hours
    # DST days (23 h / 25 h) are rare: let split_wh place each interval on the wall clock.
    wh = hc_wh = 0.0
    for point in curve.points(day):
        point_hp, point_hc = split_wh(ranges, point)
        wh += point_hp + point_hc
        hc_wh += point_hc
    return wh, hc_wh


def day_splits(series: SeriesHistory, ranges: Ranges) -> dict[date, DaySplit]:
    """Split every stored day between HP and HC, from its curve or from the average HC share."""
    tables: dict[int, list[float]] = {}
    curves: dict[date, tuple[float, float]] = {}
    curve_wh = curve_hc = 0.0
    for day, curve in series.curve.items():
        if None in curve.watts:
            continue
        wh, hc_wh = curves[day] = _curve_split(day, curve, ranges, tables)
        curve_wh += wh
        curve_hc += hc_wh
    share = curve_hc / curve_wh if curve_wh > 0 else 0.0

    splits: dict[date, DaySplit] = {}
    for day, daily_wh in series.daily.items():
        from_curve = False
        curve_split = curves.get(day)
        if curve_split is not None and curve_split[0] > 0:
            hc_wh = daily_wh * curve_split[1] / curve_split[0]
            from_curve = True
        elif curve_split is not None and daily_wh == 0:
            hc_wh = 0.0
            from_curve = True
        else:
            hc_wh = daily_wh * share
        splits[day] = DaySplit(
            day=day,
            wh=float(daily_wh),
            hp_wh=daily_wh - hc_wh,
            hc_wh=hc_wh,
            from_curve=from_curve,
        )
    for day, (wh, hc_wh) in curves.items():
        if day not in splits:
            splits[day] = DaySplit(
                day=day, wh=wh, hp_wh=wh - hc_wh, hc_wh=hc_wh, from_curve=True
            )
    return splits


def default_kinds(direction: Direction) -> tuple[MeasureType, ...]:
    """Return the measure types counted in the completeness of a direction."""
    if direction is Direction.PRODUCTION:
        return (MeasureType.DAILY_PRODUCTION, MeasureType.PRODUCTION_LOAD_CURVE)
    return (
        MeasureType.DAILY_CONSUMPTION,
        MeasureType.CONSUMPTION_LOAD_CURVE,
        MeasureType.DAILY_CONSUMPTION_MAX_POWER,
    )


def reachable_window(
    history: History, kind: MeasureType, today: date
) -> tuple[date, date]:
    """Return the first and last day the gateway can serve for a type (empty when first > last)."""
    first = today - timedelta(days=kind.depth_days)
    contract = history.contract
    if contract is not None and contract.last_activation_date is not None:
        first = max(first, contract.last_activation_date)
    floor = history.floor.get(kind)
    if floor is not None:
        first = max(first, floor)
    return first, today - timedelta(days=1)


def completeness(
    history: History, kinds: Collection[MeasureType], today: date
) -> float:
    """Return the % of the reachable days stored, each type weighted by its day count."""
    reachable = stored = 0
    for kind in kinds:
        first, last = reachable_window(history, kind, today)
        if first > last:
            continue
        reachable += (last - first).days + 1
        series = history.series(measure_direction(kind))
        if kind.is_load_curve:
            stored += sum(
                1
                for day, curve in series.curve.items()
                if first <= day <= last and None not in curve.watts
            )
        elif kind is MeasureType.DAILY_CONSUMPTION_MAX_POWER:
            stored += sum(1 for day in series.max_power if first <= day <= last)
        else:
            stored += sum(1 for day in series.daily if first <= day <= last)
    if reachable == 0:
        return 100.0
    return 100 * stored / reachable


def build_summary(
    history: History,
    *,
    direction: Direction,
    prices: Prices,
    plan: Plan,
    ranges: Ranges,
    today: date,
    kinds: Collection[MeasureType] | None = None,
) -> Summary:
    """Compute every aggregate of a direction as of a Paris-local day."""
    series = history.series(direction)
    splits = day_splits(series, ranges)
    yesterday = today - timedelta(days=1)

    past_days = [day for day in splits if day < today]
    last_day = max(past_days) if past_days else None
    last = splits[last_day] if last_day is not None else None
    last_costs = (
        energy_costs(last.hp_wh, last.hc_wh, prices, plan) if last is not None else None
    )

    current_week = period_totals(splits, week_start(today), yesterday)
    current_month = period_totals(splits, today.replace(day=1), yesterday)
    current_year = period_totals(splits, today.replace(month=1, day=1), yesterday)
    last_week_start = week_start(today) - timedelta(days=7)
    last_week = period_totals(
        splits, last_week_start, last_week_start + timedelta(days=6)
    )
    last_month = period_totals(splits, *previous_month(today))
    last_year = period_totals(
        splits, date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    )

    # Plan comparison and HC share: only days measured by the load curve.
    cost_base_year = cost_hphc_year = hc_share = None
    plan_days = 0
    if last_day is not None:
        year_wh = year_hp = year_hc = 0.0
        window_start = last_day - timedelta(days=_YEAR_DAYS - 1)
        for day, split in splits.items():
            if split.from_curve and window_start <= day <= last_day:
                year_wh += split.wh
                year_hp += split.hp_wh
                year_hc += split.hc_wh
                plan_days += 1
        if plan_days:
            scale = _YEAR_DAYS / plan_days
            cost_base_year = year_wh * prices.base / 1000 * scale
            cost_hphc_year = (year_hp * prices.hp + year_hc * prices.hc) / 1000 * scale
            hc_share = 100 * year_hc / year_wh if year_wh > 0 else 0.0
    best_plan = saving = saving_percent = None
    if cost_base_year is not None and cost_hphc_year is not None:
        worst = max(cost_base_year, cost_hphc_year)
        if worst > 0:
            best_plan = "base" if cost_base_year <= cost_hphc_year else "hp_hc"
            saving = abs(cost_base_year - cost_hphc_year)
            saving_percent = 100 * saving / worst

    contract = history.contract
    subscribed = contract.subscribed_power_kva if contract is not None else None
    peak = series.max_power.get(last_day) if last_day is not None else None
    max_power_kva = peak.va / 1000 if peak is not None else None
    max_power_over = (
        max_power_kva > subscribed
        if max_power_kva is not None and subscribed is not None
        else None
    )

    return Summary(
        direction=direction,
        plan=plan,
        today=today,
        last_day=last_day,
        last_day_kwh=last.wh / 1000 if last is not None else None,
        last_day_hp_kwh=last.hp_wh / 1000 if last is not None else None,
        last_day_hc_kwh=last.hc_wh / 1000 if last is not None else None,
        last_day_cost=sum(last_costs) if last_costs is not None else None,
        last_day_hp_cost=last_costs[0] if last_costs is not None else None,
        last_day_hc_cost=last_costs[1] if last_costs is not None else None,
        last_day_from_curve=last.from_curve if last is not None else None,
        current_week_kwh=_kwh(current_week),
        current_month_kwh=_kwh(current_month),
        current_year_kwh=_kwh(current_year),
        last_week_kwh=_kwh(last_week),
        last_month_kwh=_kwh(last_month),
        last_year_kwh=_kwh(last_year),
        current_month_cost=_cost(current_month, prices, plan),
        current_year_cost=_cost(current_year, prices, plan),
        cost_base_year=cost_base_year,
        cost_hphc_year=cost_hphc_year,
        plan_days=plan_days,
        best_plan=best_plan,
        saving_eur=saving,
        saving_percent=saving_percent,
        hc_share_percent=hc_share,
        max_power_kva=max_power_kva,
        max_power_at=peak.at if peak is not None else None,
        max_power_over=max_power_over,
        subscribed_power_kva=subscribed,
        completeness_percent=completeness(
            history, default_kinds(direction) if kinds is None else kinds, today
        ),
        last_data_date=max([*splits, *series.max_power], default=None),
        splits=splits,
    )
