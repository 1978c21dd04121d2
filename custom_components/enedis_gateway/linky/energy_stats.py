"""
Rows of the Energy dashboard's statistics, built from the stored history.

The recorder takes 0 as the sum before a series' oldest row, so every series is
cumulative from its oldest row. Each update compares the rows the history asks for
with a digest of the rows already written, day by day, and writes only the days
whose rows or sums differ: a new day appends, a day refined from one daily row to
hourly rows keeps its total (hourly rows are scaled to the daily reading) and so
leaves the following days alone, and older history rewrites the series from its new
oldest day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from .history import DayCurve, History, SeriesHistory, local_midnight, paris_day
from .models import MeasureType
from .offpeak import OffpeakRange, split_wh
from .planner import missing_days
from .summary import Plan, Prices, hc_fractions

DIGITS = 6
_HOUR = timedelta(hours=1)
_NORMAL_DAY_MINUTES = 1440

type Ranges = tuple[OffpeakRange, ...]
type Digest = tuple[int, int]
type Digests = dict[date, Digest]


class Series(StrEnum):
    """The statistics of one PDL, suffixes of `enedis_gateway:<pdl>_<series>`."""

    CONSUMPTION = "consumption"
    CONSUMPTION_HP = "consumption_hp"
    CONSUMPTION_HC = "consumption_hc"
    CONSUMPTION_COST = "consumption_cost"
    PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class DayRows:
    """The rows of one Paris-local day: (UTC hour start, state) oldest first."""

    day: date
    rows: tuple[tuple[datetime, float], ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One statistics row: the hour's value and the running total up to its end."""

    start: datetime
    state: float
    sum: float


@dataclass(frozen=True, slots=True)
class Sync:
    """What to write to bring a series in line with the history."""

    clear: bool
    rows: list[Row]
    digests: Digests


@dataclass(frozen=True, slots=True)
class _DayEnergy:
    """The energy of one day in kWh: hourly (total, off-peak) pairs, or the daily total."""

    day: date
    hours: tuple[tuple[datetime, float, float], ...] | None
    kwh: float


def _curve_hours(
    day: date, curve: DayCurve, ranges: Ranges, tables: dict[int, list[float]]
) -> list[tuple[datetime, float, float]]:
    """Return (UTC hour start, Wh, off-peak Wh) for each hour of a complete day curve."""
    per_hour = 60 // curve.minutes
    if len(curve.watts) * curve.minutes == _NORMAL_DAY_MINUTES:
        table = tables.get(curve.minutes)
        if table is None:
            table = tables[curve.minutes] = hc_fractions(ranges, curve.minutes)
        hc_shares: Sequence[float] = table
        factor = curve.minutes / 60
        splits = [
            (watts * factor, watts * factor * share)
            for watts, share in zip(curve.watts, hc_shares, strict=True)
            if watts is not None
        ]
    else:
        # DST days (23 h / 25 h): place each interval on the wall clock.
        splits = [
            (hp + hc, hc)
            for hp, hc in (split_wh(ranges, point) for point in curve.points(day))
        ]
    midnight = local_midnight(day)
    hours: list[tuple[datetime, float, float]] = []
    for hour in range(len(splits) // per_hour):
        chunk = splits[hour * per_hour : (hour + 1) * per_hour]
        hours.append(
            (
                midnight + hour * _HOUR,
                sum(wh for wh, _ in chunk),
                sum(hc for _, hc in chunk),
            )
        )
    return hours


def _day_energies(series: SeriesHistory, ranges: Ranges) -> list[_DayEnergy]:
    """
    Return the energy of every stored day, oldest first, hourly where the curve allows.

    A complete curve gives hourly rows, scaled to the daily reading when there is one
    so that the day keeps the total its daily row had.
    """
    tables: dict[int, list[float]] = {}
    energies: list[_DayEnergy] = []
    for day in sorted(series.daily.keys() | series.curve.keys()):
        daily_wh = series.daily.get(day)
        curve = series.curve.get(day)
        hours: tuple[tuple[datetime, float, float], ...] | None = None
        if curve is not None and curve.is_complete() and 60 % curve.minutes == 0:
            raw = _curve_hours(day, curve, ranges, tables)
            curve_wh = sum(wh for _, wh, _ in raw)
            if daily_wh is None or curve_wh > 0 or daily_wh == 0:
                scale = daily_wh / curve_wh if daily_wh is not None and curve_wh else 1
                hours = tuple(
                    (start, wh * scale / 1000, hc * scale / 1000)
                    for start, wh, hc in raw
                )
        if hours is not None:
            energies.append(
                _DayEnergy(day=day, hours=hours, kwh=sum(h[1] for h in hours))
            )
        elif daily_wh is not None:
            energies.append(_DayEnergy(day=day, hours=None, kwh=daily_wh / 1000))
    return energies


def _total_rows(energies: Iterable[_DayEnergy], price: float = 1.0) -> list[DayRows]:
    """Return the total rows: hourly where known, else one row at local midnight."""
    return [
        DayRows(
            energy.day,
            tuple((start, kwh * price) for start, kwh, _ in energy.hours)
            if energy.hours is not None
            else ((local_midnight(energy.day), energy.kwh * price),),
        )
        for energy in energies
    ]


def build_series(
    history: History,
    *,
    kinds: Collection[MeasureType],
    ranges: Ranges,
    prices: Prices,
    plan: Plan,
) -> dict[Series, list[DayRows]]:
    """
    Return the rows every enabled statistic should hold, day by day, oldest first.

    HP and HC come from the load curve only: the daily readings do not split. The
    cost follows the plan: under BASE every day has a price, under HP/HC only the
    days with a load curve.
    """
    result: dict[Series, list[DayRows]] = {}
    if {MeasureType.DAILY_CONSUMPTION, MeasureType.CONSUMPTION_LOAD_CURVE} & set(kinds):
        energies = _day_energies(history.consumption, ranges)
        result[Series.CONSUMPTION] = _total_rows(energies)
        if MeasureType.CONSUMPTION_LOAD_CURVE in kinds:
            hourly = [energy for energy in energies if energy.hours is not None]
            result[Series.CONSUMPTION_HP] = [
                DayRows(e.day, tuple((s, kwh - hc) for s, kwh, hc in e.hours or ()))
                for e in hourly
            ]
            result[Series.CONSUMPTION_HC] = [
                DayRows(e.day, tuple((s, hc) for s, _, hc in e.hours or ()))
                for e in hourly
            ]
        if plan is Plan.BASE:
            result[Series.CONSUMPTION_COST] = _total_rows(energies, prices.base)
        elif MeasureType.CONSUMPTION_LOAD_CURVE in kinds:
            result[Series.CONSUMPTION_COST] = [
                DayRows(
                    energy.day,
                    tuple(
                        (start, (kwh - hc) * prices.hp + hc * prices.hc)
                        for start, kwh, hc in energy.hours or ()
                    ),
                )
                for energy in energies
                if energy.hours is not None
            ]
    if {MeasureType.DAILY_PRODUCTION, MeasureType.PRODUCTION_LOAD_CURVE} & set(kinds):
        result[Series.PRODUCTION] = _total_rows(_day_energies(history.production, ()))
    return result


def source_kinds(series: Series, plan: Plan) -> tuple[MeasureType, ...]:
    """Return the measure types whose backfill extends a series into the past."""
    if series is Series.PRODUCTION:
        return (MeasureType.DAILY_PRODUCTION, MeasureType.PRODUCTION_LOAD_CURVE)
    if series is Series.CONSUMPTION or (
        series is Series.CONSUMPTION_COST and plan is Plan.BASE
    ):
        return (MeasureType.DAILY_CONSUMPTION, MeasureType.CONSUMPTION_LOAD_CURVE)
    return (MeasureType.CONSUMPTION_LOAD_CURVE,)


def older_pending(
    history: History, kinds: Iterable[MeasureType], today: date, oldest: date
) -> bool:
    """Return True when the backfill still has to fetch days older than `oldest`."""
    return any(
        missing and missing[-1] < oldest
        for missing in (missing_days(history, kind, today) for kind in kinds)
    )


def limit_backfill(
    days: Sequence[DayRows], written: Mapping[date, Digest], *, pending: bool
) -> Sequence[DayRows]:
    """
    Hold back days older than the written series until the span doubles.

    Each step back in time rewrites the whole series; while the backfill is still
    running, waiting for the span to double keeps the rows written over the whole
    backfill within a small multiple of the final count.
    """
    if not days or not written or not pending:
        return days
    oldest_written = min(written)
    if days[0].day >= oldest_written:
        return days
    newest = days[-1].day
    span_written = (newest - oldest_written).days + 1
    if (newest - days[0].day).days + 1 >= 2 * span_written:
        return days
    return [day_rows for day_rows in days if day_rows.day >= oldest_written]


def digest(rows: Sequence[tuple[float, float, float]]) -> Digest:
    """Return the digest of one day's rows given as (timestamp, state, sum)."""
    return len(rows), hash(tuple(rows))


def digests_of(rows: Iterable[tuple[float, float, float]]) -> Digests:
    """Return the digest of each day of (timestamp, state, sum) rows read back."""
    days: dict[date, list[tuple[float, float, float]]] = {}
    for start, state, total in sorted(rows):
        day = paris_day(datetime.fromtimestamp(start, UTC))
        days.setdefault(day, []).append(
            (float(start), round(state, DIGITS), round(total, DIGITS))
        )
    return {day: digest(day_rows) for day, day_rows in days.items()}


def sync(days: Sequence[DayRows], written: Mapping[date, Digest]) -> Sync:
    """
    Return the rows to write so that the series holds exactly `days`.

    The sums run from 0 before the oldest day. A written day that is gone or holds
    more rows than now (its hours became one daily row) cannot be overwritten: the
    series is cleared and written again.
    """
    total = 0.0
    digests: Digests = {}
    per_day: list[tuple[date, list[Row]]] = []
    for day_rows in days:
        rows: list[Row] = []
        for start, value in day_rows.rows:
            state = round(value, DIGITS)
            total = round(total + state, DIGITS)
            rows.append(Row(start, state, total))
        digests[day_rows.day] = digest(
            [(row.start.timestamp(), row.state, row.sum) for row in rows]
        )
        per_day.append((day_rows.day, rows))
    clear = any(
        day not in digests or digests[day][0] < count
        for day, (count, _) in written.items()
    )
    return Sync(
        clear=clear,
        rows=[
            row
            for day, rows in per_day
            if clear or written.get(day) != digests[day]
            for row in rows
        ],
        digests=digests,
    )


def plan_writes(
    history: History,
    written: Mapping[Series, Digests],
    *,
    kinds: Collection[MeasureType],
    ranges: Ranges,
    prices: Prices,
    plan: Plan,
    today: date,
) -> dict[Series, Sync]:
    """Return, for each series that needs writing, what to write given what is written."""
    writes: dict[Series, Sync] = {}
    wanted = build_series(history, kinds=kinds, ranges=ranges, prices=prices, plan=plan)
    for series, days in wanted.items():
        done = written.get(series, {})
        pending = bool(days) and older_pending(
            history, source_kinds(series, plan), today, days[0].day
        )
        result = sync(limit_backfill(days, done, pending=pending), done)
        if result.clear or result.rows:
            writes[series] = result
    return writes
