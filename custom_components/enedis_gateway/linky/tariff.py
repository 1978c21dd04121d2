"""
The tariff: plan, prices and off-peak hours, and the two rules every output applies.

- The HP/HC split: the off-peak share of each load-curve interval, on the Paris wall
  clock, and from it the split of each stored day (`Tariff.day_splits`).
- The cost of some energy under a plan (`Tariff.costs`).

The summaries, the card, the Energy statistics, the MQTT tree and the InfluxDB points
all call these; none splits or prices energy on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from operator import mul
from typing import cast

from .history import DayCurve, SeriesHistory, local_midnight
from .models import PARIS
from .offpeak import DAY_MINUTES, OffpeakRange, parse_offpeak

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


class _Segments:
    """The union of some off-peak ranges as sorted disjoint minute segments of a day."""

    __slots__ = ("segments", "total")

    def __init__(self, ranges: Ranges) -> None:
        """Merge the ranges; a range that wraps midnight becomes two segments."""
        pieces: list[tuple[int, int]] = []
        for item in ranges:
            if item.end > item.start:
                pieces.append((item.start, item.end))
            else:
                pieces.extend(((item.start, DAY_MINUTES), (0, item.end)))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(pieces):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.segments = tuple(merged)
        self.total = sum(end - start for start, end in merged)

    def cumulative(self, minute: float) -> float:
        """Return the off-peak minutes in [0, minute) of the periodic wall clock."""
        days, rest = divmod(minute, DAY_MINUTES)
        inside = days * self.total
        for start, end in self.segments:
            if rest <= start:
                break
            inside += min(rest, end) - start
        return inside

    def inside(self, wall_minute: float, minutes: float) -> float:
        """Return the off-peak minutes of [wall_minute, wall_minute + minutes)."""
        inside = self.cumulative(wall_minute + minutes) - self.cumulative(wall_minute)
        return min(max(inside, 0.0), minutes)


class Tariff:
    """A plan with its prices and off-peak ranges; memoizes the shares it computes."""

    __slots__ = (
        "_dst_days",
        "_segments",
        "_splits",
        "_tables",
        "plan",
        "prices",
        "ranges",
    )

    def __init__(self, plan: Plan, prices: Prices, ranges: Ranges = ()) -> None:
        """Initialize a tariff; no range means every interval is peak."""
        self.plan = plan
        self.prices = prices
        self.ranges = ranges
        self._segments = _Segments(ranges) if ranges else None
        # Interval length -> off-peak share of each interval of a 24-hour day.
        self._tables: dict[int, tuple[float, ...]] = {}
        # (DST day, interval length) -> the off-peak share of each of its intervals.
        self._dst_days: dict[tuple[date, int], tuple[float, ...]] = {}
        # id(curve) -> (the curve, its split): the summaries and the MQTT tree of a
        # snapshot split the same curves. The history replaces a day's curve when it
        # changes (never in place), so a curve's identity tells its split is valid;
        # holding the curve keeps its id from being reused. A tariff lives as long
        # as its snapshot, and so does this memo.
        self._splits: dict[int, tuple[DayCurve, tuple[float, float] | None]] = {}

    @classmethod
    def from_offpeak_text(cls, plan: Plan, prices: Prices, text: str | None) -> Tariff:
        """Return the tariff of an off-peak text; an unparsable text means no range."""
        try:
            ranges = parse_offpeak(text)
        except ValueError:
            ranges = ()
        return cls(plan, prices, ranges)

    def __eq__(self, other: object) -> bool:
        """Compare what the rules depend on."""
        if not isinstance(other, Tariff):
            return NotImplemented
        return (self.plan, self.prices, self.ranges) == (
            other.plan,
            other.prices,
            other.ranges,
        )

    def __hash__(self) -> int:
        """Hash what the rules depend on."""
        return hash((self.plan, self.prices, self.ranges))

    def __repr__(self) -> str:
        """Return the plan, prices and ranges."""
        return f"Tariff({self.plan!r}, {self.prices!r}, {self.ranges!r})"

    # The HP/HC split.

    def offpeak_share(self, start: datetime, minutes: int) -> float:
        """Return the off-peak share (0..1) of [start, start + minutes) on the Paris wall clock."""
        if self._segments is None or minutes <= 0:
            return 0.0
        if start.tzinfo is None:
            raise ValueError("naive datetime")
        local = start.astimezone(PARIS)
        wall = local.hour * 60 + local.minute + local.second / 60
        return self._segments.inside(wall, minutes) / minutes

    def _normal_day_shares(self, minutes: int) -> tuple[float, ...]:
        """Return the off-peak share of each interval of a 24-hour day, built once."""
        table = self._tables.get(minutes)
        if table is None:
            segments = self._segments
            table = self._tables[minutes] = tuple(
                segments.inside(wall, minutes) / minutes if segments else 0.0
                for wall in range(0, DAY_MINUTES, minutes)
            )
        return table

    def curve_shares(self, day: date, curve: DayCurve) -> tuple[float, ...]:
        """Return the off-peak share of each interval of a day's curve."""
        if len(curve.watts) * curve.minutes == DAY_MINUTES:
            return self._normal_day_shares(curve.minutes)
        # DST days (23 h / 25 h) are rare: place each interval on the wall clock, once.
        key = (day, curve.minutes)
        shares = self._dst_days.get(key)
        if shares is None:
            start = local_midnight(day)
            step = timedelta(minutes=curve.minutes)
            shares = self._dst_days[key] = tuple(
                self.offpeak_share(start + index * step, curve.minutes)
                for index in range(len(curve.watts))
            )
        return shares

    def curve_split(self, day: date, curve: DayCurve) -> tuple[float, float]:
        """Return (Wh, off-peak Wh) of the stored intervals of a day's curve."""
        hours = curve.minutes / 60
        # A complete curve holds no None: read it as it is (the hot path of a rebuild).
        watts = (
            cast(list[float], curve.watts)
            if curve.is_complete()
            else [value or 0.0 for value in curve.watts]
        )
        if self._segments is None:
            return sum(watts) * hours, 0.0
        shares = self.curve_shares(day, curve)
        return sum(watts) * hours, sum(map(mul, watts, shares)) * hours

    def _complete_split(self, day: date, curve: DayCurve) -> tuple[float, float] | None:
        """Return the split of a complete curve, None for another; memoized per curve."""
        memo = self._splits.get(id(curve))
        if memo is not None and memo[0] is curve:
            return memo[1]
        split = self.curve_split(day, curve) if curve.is_complete() else None
        self._splits[id(curve)] = (curve, split)
        return split

    def day_splits(self, series: SeriesHistory) -> dict[date, DaySplit]:
        """
        Split every stored day between HP and HC.

        A day with a complete curve takes the curve's off-peak share (applied to its
        daily reading when there is one); any other day takes the average share of
        the complete curves.
        """
        curves: dict[date, tuple[float, float]] = {}
        curve_wh = curve_hc = 0.0
        for day, curve in series.curve.items():
            split = self._complete_split(day, curve)
            if split is None:
                continue
            wh, hc_wh = curves[day] = split
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

    # The cost.

    def unit_prices(self, plan: Plan | None = None) -> tuple[float, float]:
        """Return the (peak, off-peak) €/kWh under a plan, the tariff's by default."""
        if (plan or self.plan) is Plan.BASE:
            return self.prices.base, self.prices.base
        return self.prices.hp, self.prices.hc

    def costs(
        self, hp_kwh: float, hc_kwh: float, plan: Plan | None = None
    ) -> tuple[float, float]:
        """Return the (peak, off-peak) cost in € of some energy under a plan."""
        hp_price, hc_price = self.unit_prices(plan)
        return hp_kwh * hp_price, hc_kwh * hc_price

    def cost(self, hp_kwh: float, hc_kwh: float, plan: Plan | None = None) -> float:
        """Return the cost in € of some energy under a plan."""
        hp_cost, hc_cost = self.costs(hp_kwh, hc_kwh, plan)
        return hp_cost + hc_cost
