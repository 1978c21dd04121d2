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

from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import chain
from operator import mul
from typing import overload

from .history import (
    DayCurve,
    FetchState,
    History,
    SeriesHistory,
    local_midnight,
    paris_day,
)
from .models import Gateway, MeasureType
from .planner import DEFAULT_GATEWAY, missing_days
from .tariff import Tariff
from .tempo import TempoColor, tempo_day

DIGITS = 6
# How much a series' span must grow back in time before the backfill rewrites it
# (each step rewrites the whole series). The rows written over a 3-year backfill
# against the rows then held: 1.4 times at 15 calls a day (2.3 times when a step
# waited for the span to double only); the newest weeks still show from the first
# cycle, and the whole load curve at the end of the backfill.
BACKFILL_GROWTH = 4
_HOUR = timedelta(hours=1)
type Digest = tuple[int, int]
type Digests = dict[date, Digest]


class Series(StrEnum):
    """The statistics of one PDL, suffixes of `enedis_gateway:<pdl>_<series>`."""

    CONSUMPTION = "consumption"
    CONSUMPTION_HP = "consumption_hp"
    CONSUMPTION_HC = "consumption_hc"
    CONSUMPTION_COST = "consumption_cost"
    PRODUCTION = "production"
    CONSUMPTION_TEMPO_BLUE_HP = "consumption_tempo_blue_hp"
    CONSUMPTION_TEMPO_BLUE_HC = "consumption_tempo_blue_hc"
    CONSUMPTION_TEMPO_WHITE_HP = "consumption_tempo_white_hp"
    CONSUMPTION_TEMPO_WHITE_HC = "consumption_tempo_white_hc"
    CONSUMPTION_TEMPO_RED_HP = "consumption_tempo_red_hp"
    CONSUMPTION_TEMPO_RED_HC = "consumption_tempo_red_hc"


# (colour, off-peak) -> its Tempo series.
TEMPO_SERIES: dict[tuple[TempoColor, bool], Series] = {
    (TempoColor.BLUE, False): Series.CONSUMPTION_TEMPO_BLUE_HP,
    (TempoColor.BLUE, True): Series.CONSUMPTION_TEMPO_BLUE_HC,
    (TempoColor.WHITE, False): Series.CONSUMPTION_TEMPO_WHITE_HP,
    (TempoColor.WHITE, True): Series.CONSUMPTION_TEMPO_WHITE_HC,
    (TempoColor.RED, False): Series.CONSUMPTION_TEMPO_RED_HP,
    (TempoColor.RED, True): Series.CONSUMPTION_TEMPO_RED_HC,
}


@dataclass(frozen=True, slots=True)
class DayRows:
    """The rows of one Paris-local day: (UTC hour start, state) oldest first."""

    day: date
    rows: tuple[tuple[datetime, float], ...]


# One statistics row: (hour start, the hour's value, the running total up to its end).
type Row = tuple[datetime, float, float]


class Rows(Sequence[Row]):
    """
    Statistics rows held as one flat array of floats, three per row.

    Each row is its timestamp, state and sum. A full import holds some 70,000 rows
    until the recorder has written them: 24 bytes a row here, about 140 as tuples
    of objects, and no object for the garbage collector to track (a full collection
    of Home Assistant's heap, which so many new objects trigger, stalls its event
    loop). A row is made when it is read.
    """

    __slots__ = ("_values",)

    def __init__(self, values: array[float]) -> None:
        """Hold the flat values (three per row)."""
        self._values = values

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self._values) // 3

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        """Return one row, or a list of rows for a slice."""
        if isinstance(index, slice):
            return [self[each] for each in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        timestamp, state, total = self._values[3 * index : 3 * index + 3]
        return datetime.fromtimestamp(timestamp, UTC), state, total

    def __iter__(self) -> Iterator[Row]:
        """Yield the rows, oldest first."""
        values = iter(self._values)
        for timestamp, state, total in zip(values, values, values, strict=True):
            yield datetime.fromtimestamp(timestamp, UTC), state, total


@dataclass(frozen=True, slots=True)
class Sync:
    """What to write to bring a series in line with the history."""

    clear: bool
    rows: Rows
    digests: Digests


@dataclass(frozen=True, slots=True)
class _DayEnergy:
    """The energy of one day in kWh: hourly (total, off-peak) pairs, or the daily total."""

    day: date
    hours: tuple[tuple[datetime, float, float], ...] | None
    kwh: float


def _curve_hours(
    day: date, curve: DayCurve, tariff: Tariff
) -> list[tuple[datetime, float, float]]:
    """Return (UTC hour start, Wh, off-peak Wh) for each hour of a complete day curve."""
    per_hour = 60 // curve.minutes
    factor = curve.minutes / 60
    energies = [(watts or 0.0) * factor for watts in curve.watts]
    shares = tariff.curve_shares(day, curve)
    midnight = local_midnight(day)
    hours: list[tuple[datetime, float, float]] = []
    for hour in range(len(energies) // per_hour):
        chunk = slice(hour * per_hour, (hour + 1) * per_hour)
        hours.append(
            (
                midnight + hour * _HOUR,
                sum(energies[chunk]),
                sum(map(mul, energies[chunk], shares[chunk])),
            )
        )
    return hours


def _day_energies(series: SeriesHistory, tariff: Tariff) -> list[_DayEnergy]:
    """
    Return the energy of every stored day, oldest first, hourly where the curve allows.

    A complete curve gives hourly rows, scaled to the daily reading when there is one
    so that the day keeps the total its daily row had.
    """
    energies: list[_DayEnergy] = []
    for day in sorted(series.daily.keys() | series.curve.keys()):
        daily_wh = series.daily.get(day)
        curve = series.curve.get(day)
        hours: tuple[tuple[datetime, float, float], ...] | None = None
        if curve is not None and curve.is_complete() and 60 % curve.minutes == 0:
            raw = _curve_hours(day, curve, tariff)
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


def _total_rows(energies: Iterable[_DayEnergy]) -> list[DayRows]:
    """Return the total rows: hourly where known, else one row at local midnight."""
    return [
        DayRows(
            energy.day,
            tuple((start, kwh) for start, kwh, _ in energy.hours)
            if energy.hours is not None
            else ((local_midnight(energy.day), energy.kwh),),
        )
        for energy in energies
    ]


def _hour_cost(
    tariff: Tariff, day: date, start: datetime, kwh: float, hc_kwh: float
) -> float:
    """Return the cost of an hour of a day (under Tempo, at its Tempo day's colour)."""
    hp_price, hc_price = tariff.interval_prices(day, start)
    return (kwh - hc_kwh) * hp_price + hc_kwh * hc_price


def _tempo_rows(
    energies: Iterable[_DayEnergy], tariff: Tariff
) -> dict[Series, list[DayRows]]:
    """
    Return the six Tempo series: each hour's HP and HC under the colour of its Tempo day.

    Only the hours whose colour is known: their six rows sum to the hour's total.
    """
    rows: dict[Series, list[DayRows]] = {series: [] for series in TEMPO_SERIES.values()}
    for energy in energies:
        if energy.hours is None:
            continue
        per_series: dict[Series, list[tuple[datetime, float]]] = {
            series: [] for series in rows
        }
        for start, kwh, hc in energy.hours:
            colour = tariff.colours.get(tempo_day(start))
            if colour is None:
                continue
            for offpeak, value in ((False, kwh - hc), (True, hc)):
                for (each, each_offpeak), series in TEMPO_SERIES.items():
                    if each_offpeak is offpeak:
                        per_series[series].append(
                            (start, value if each is colour else 0.0)
                        )
        for series, hours in per_series.items():
            if hours:
                rows[series].append(DayRows(energy.day, tuple(hours)))
    return rows


def _cost_rows(energies: Iterable[_DayEnergy], tariff: Tariff) -> list[DayRows]:
    """
    Return the cost rows of the days the tariff can price, at each day's prices.

    Hourly where known; a day without curve has no HP/HC split, so only a plan with
    one price for both (BASE) prices it, in one row at local midnight.
    """
    rows: list[DayRows] = []
    for energy in energies:
        day = energy.day
        if energy.hours is not None:
            rows.append(
                DayRows(
                    day,
                    tuple(
                        (start, _hour_cost(tariff, day, start, kwh, hc))
                        for start, kwh, hc in energy.hours
                    ),
                )
            )
        elif (prices := tariff.unit_prices(day=day))[0] == prices[1]:
            rows.append(
                DayRows(
                    day,
                    ((local_midnight(day), tariff.cost(energy.kwh, 0.0, day=day)),),
                )
            )
    return rows


def each_series(
    history: History,
    *,
    kinds: Collection[MeasureType],
    tariff: Tariff,
) -> Iterator[tuple[Series, list[DayRows]]]:
    """
    Yield the rows every enabled statistic should hold, day by day, oldest first.

    One series at a time, so that a caller done with one lets it go before the next.
    HP and HC come from the load curve only: the daily readings do not split. The
    cost follows the tariff: under BASE every day has a price, under HP/HC only the
    days with a load curve.
    """
    if {MeasureType.DAILY_CONSUMPTION, MeasureType.CONSUMPTION_LOAD_CURVE} & set(kinds):
        energies = _day_energies(history.consumption, tariff)
        yield Series.CONSUMPTION, _total_rows(energies)
        if MeasureType.CONSUMPTION_LOAD_CURVE in kinds:
            hourly = [energy for energy in energies if energy.hours is not None]
            yield (
                Series.CONSUMPTION_HP,
                [
                    DayRows(e.day, tuple((s, kwh - hc) for s, kwh, hc in e.hours or ()))
                    for e in hourly
                ],
            )
            yield (
                Series.CONSUMPTION_HC,
                [
                    DayRows(e.day, tuple((s, hc) for s, _, hc in e.hours or ()))
                    for e in hourly
                ],
            )
        if tariff.any_base or MeasureType.CONSUMPTION_LOAD_CURVE in kinds:
            yield Series.CONSUMPTION_COST, _cost_rows(energies, tariff)
        if tariff.has_tempo and MeasureType.CONSUMPTION_LOAD_CURVE in kinds:
            yield from _tempo_rows(energies, tariff).items()
    if {MeasureType.DAILY_PRODUCTION, MeasureType.PRODUCTION_LOAD_CURVE} & set(kinds):
        yield (
            Series.PRODUCTION,
            _total_rows(
                _day_energies(history.production, Tariff(tariff.plan, tariff.prices))
            ),
        )


def build_series(
    history: History,
    *,
    kinds: Collection[MeasureType],
    tariff: Tariff,
) -> dict[Series, list[DayRows]]:
    """Return the rows of every enabled statistic at once (see each_series)."""
    return dict(each_series(history, kinds=kinds, tariff=tariff))


def source_kinds(series: Series, any_base: bool) -> tuple[MeasureType, ...]:
    """
    Return the measure types whose backfill extends a series into the past.

    any_base: some price period is BASE, so the cost of a day without curve is known.
    """
    if series is Series.PRODUCTION:
        return (MeasureType.DAILY_PRODUCTION, MeasureType.PRODUCTION_LOAD_CURVE)
    if series is Series.CONSUMPTION or (series is Series.CONSUMPTION_COST and any_base):
        return (MeasureType.DAILY_CONSUMPTION, MeasureType.CONSUMPTION_LOAD_CURVE)
    return (MeasureType.CONSUMPTION_LOAD_CURVE,)


def backfill_frontier(
    history: History,
    fetch: FetchState,
    kinds: Iterable[MeasureType],
    today: date,
    gateway: Gateway = DEFAULT_GATEWAY,
) -> dict[MeasureType, date]:
    """Return, for each type with days left to fetch (from the gateway), the oldest of them."""
    frontier: dict[MeasureType, date] = {}
    for kind in kinds:
        if missing := missing_days(history, fetch, kind, today, gateway):
            frontier[kind] = missing[-1]
    return frontier


def older_pending(
    frontier: Mapping[MeasureType, date], kinds: Iterable[MeasureType], oldest: date
) -> bool:
    """Return True when the backfill still has to fetch days older than `oldest`."""
    return any(kind in frontier and frontier[kind] < oldest for kind in kinds)


def limit_backfill(
    days: Sequence[DayRows], written: Mapping[date, Digest], *, pending: bool
) -> Sequence[DayRows]:
    """
    Hold back days older than the written series until its span grows enough.

    Each step back in time rewrites the whole series (its sums run from its oldest
    row). While the backfill is still running, a step waits for the span to grow
    BACKFILL_GROWTH times; the end of the backfill writes what is left at once.
    """
    if not days or not written or not pending:
        return days
    oldest_written = min(written)
    if days[0].day >= oldest_written:
        return days
    newest = days[-1].day
    span_written = (newest - oldest_written).days + 1
    if (newest - days[0].day).days + 1 >= BACKFILL_GROWTH * span_written:
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
    per_day: list[tuple[date, array[float]]] = []
    for day_rows in days:
        rows: list[tuple[float, float, float]] = []
        for start, value in day_rows.rows:
            state = round(value, DIGITS)
            total = round(total + state, DIGITS)
            rows.append((start.timestamp(), state, total))
        digests[day_rows.day] = digest(rows)
        per_day.append((day_rows.day, array("d", chain.from_iterable(rows))))
    clear = any(
        day not in digests or digests[day][0] < count
        for day, (count, _) in written.items()
    )
    values = array("d")
    for day, day_values in per_day:
        if clear or written.get(day) != digests[day]:
            values.extend(day_values)
    return Sync(clear=clear, rows=Rows(values), digests=digests)


def plan_writes(
    history: History,
    written: Mapping[Series, Digests],
    *,
    kinds: Collection[MeasureType],
    tariff: Tariff,
    frontier: Mapping[MeasureType, date],
) -> dict[Series, Sync]:
    """
    Return, for each series that needs writing, what to write given what is written.

    The frontier (see backfill_frontier) tells whether the backfill will still add
    older days, which holds a step back in time (see limit_backfill).
    """
    writes: dict[Series, Sync] = {}
    for series, days in each_series(history, kinds=kinds, tariff=tariff):
        done = written.get(series, {})
        pending = bool(days) and older_pending(
            frontier, source_kinds(series, tariff.any_base), days[0].day
        )
        result = sync(limit_backfill(days, done, pending=pending), done)
        if result.clear or result.rows:
            writes[series] = result
    return writes
