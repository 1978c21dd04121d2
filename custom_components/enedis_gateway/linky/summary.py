"""Pure aggregates of the stored history: calendar periods, costs and plan verdict."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .history import FetchState, History
from .models import Direction, Gateway, MeasureType
from .planner import DEFAULT_GATEWAY, history_floor, newest_day
from .tariff import DaySplit, Plan, Tariff

_YEAR_DAYS = 365


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
    # None when no Tempo price is set or a day of the window has no colour yet.
    cost_tempo_year: float | None
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


def span_cost(
    splits: Mapping[date, DaySplit], first: date, last: date, tariff: Tariff
) -> float | None:
    """Return the cost of the stored days of [first, last], each at its own prices."""
    costs = [
        sum(tariff.day_costs(split))
        for day, split in splits.items()
        if first <= day <= last
    ]
    if not costs and first <= last:
        return None
    return sum(costs)


def _kwh(totals: PeriodTotals | None) -> float | None:
    return None if totals is None else totals.wh / 1000


@dataclass(frozen=True, kw_only=True, slots=True)
class _Yearly:
    """The plans compared over the last 365 days of load curve."""

    days: int
    hc_share: float | None
    costs: dict[str, float]


# The plans compared, by the key the best-plan sensor shows.
_COMPARED = (("base", Plan.BASE), ("hp_hc", Plan.HPHC), ("tempo", Plan.TEMPO))


def _yearly_costs(
    splits: Mapping[date, DaySplit], last_day: date | None, tariff: Tariff
) -> _Yearly:
    """Return each plan's cost over a year of the days measured by the load curve."""
    if last_day is None:
        return _Yearly(days=0, hc_share=None, costs={})
    window_start = last_day - timedelta(days=_YEAR_DAYS - 1)
    days = [
        split
        for day, split in splits.items()
        if split.from_curve and window_start <= day <= last_day
    ]
    if not days:
        return _Yearly(days=0, hc_share=None, costs={})
    scale = _YEAR_DAYS / len(days)
    plans = list(_COMPARED[:2])
    # Tempo once its prices are set and every day of the window has its colour
    # (and the day before, for the hours after midnight).
    if tariff.prices.blue_hp > 0 and all(
        split.day in tariff.colours and split.day - timedelta(days=1) in tariff.colours
        for split in days
    ):
        plans.append(_COMPARED[2])
    wh = sum(split.wh for split in days)
    return _Yearly(
        days=len(days),
        hc_share=100 * sum(split.hc_wh for split in days) / wh if wh > 0 else 0.0,
        costs={
            key: scale
            * sum(
                sum(tariff.day_costs(split, plan, today_prices=True)) for split in days
            )
            for key, plan in plans
        },
    )


def default_kinds(direction: Direction) -> tuple[MeasureType, ...]:
    """Return the measure types counted in the completeness of a direction."""
    if direction is Direction.PRODUCTION:
        return (MeasureType.DAILY_PRODUCTION, MeasureType.PRODUCTION_LOAD_CURVE)
    return (
        MeasureType.DAILY_CONSUMPTION,
        MeasureType.CONSUMPTION_LOAD_CURVE,
        MeasureType.DAILY_CONSUMPTION_MAX_POWER,
    )


def completeness(
    history: History,
    fetch: FetchState,
    kinds: Collection[MeasureType],
    today: date,
    gateway: Gateway = DEFAULT_GATEWAY,
) -> float:
    """
    Return the % of the reachable days stored, each type weighted by its day count.

    A day counts once the gateway can serve it: up to yesterday, or the day before.
    """
    reachable = stored = 0
    for kind in kinds:
        first = history_floor(history, fetch, kind, today)
        last = newest_day(kind, today, gateway)
        if first > last:
            continue
        reachable += (last - first).days + 1
        stored += sum(1 for day in history.days(kind) if first <= day <= last)
    if reachable == 0:
        return 100.0
    return 100 * stored / reachable


def build_summary(
    history: History,
    fetch: FetchState,
    *,
    direction: Direction,
    tariff: Tariff,
    today: date,
    kinds: Collection[MeasureType] | None = None,
    gateway: Gateway = DEFAULT_GATEWAY,
) -> Summary:
    """Compute every aggregate of a direction as of a Paris-local day."""
    series = history.series(direction)
    splits = tariff.day_splits(series)
    yesterday = today - timedelta(days=1)

    past_days = [day for day in splits if day < today]
    last_day = max(past_days) if past_days else None
    last = splits[last_day] if last_day is not None else None
    last_costs = tariff.day_costs(last) if last is not None else None

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

    # Plan comparison and HC share: only days measured by the load curve, every
    # plan at today's prices (Tempo with each day's colour).
    yearly = _yearly_costs(splits, last_day, tariff)
    plan_days = yearly.days
    hc_share = yearly.hc_share
    cost_base_year = yearly.costs.get("base")
    cost_hphc_year = yearly.costs.get("hp_hc")
    cost_tempo_year = yearly.costs.get("tempo")
    best_plan = saving = saving_percent = None
    if len(yearly.costs) > 1:
        worst = max(yearly.costs.values())
        if worst > 0:
            best_plan = min(yearly.costs, key=yearly.costs.__getitem__)
            saving = worst - yearly.costs[best_plan]
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
        plan=tariff.plan,
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
        current_month_cost=span_cost(splits, today.replace(day=1), yesterday, tariff),
        current_year_cost=span_cost(
            splits, today.replace(month=1, day=1), yesterday, tariff
        ),
        cost_base_year=cost_base_year,
        cost_hphc_year=cost_hphc_year,
        cost_tempo_year=cost_tempo_year,
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
            history,
            fetch,
            default_kinds(direction) if kinds is None else kinds,
            today,
            gateway,
        ),
        last_data_date=max([*splits, *series.max_power], default=None),
        splits=splits,
    )
