"""
The tariff: plan, prices and off-peak hours, and the two rules every output applies.

- The HP/HC split: the off-peak share of each load-curve interval, on the Paris wall
  clock, and from it the split of each stored day (`Tariff.day_splits`).
- The cost of some energy under a plan (`Tariff.costs`, `Tariff.day_costs`), at the
  prices in force on its day: the prices are a list of periods, each from a start
  date. Under Tempo a day's price follows RTE's colour of its Tempo day (06:00 to
  06:00): the off-peak hours after midnight pay the previous day's colour.

The summaries, the card, the Energy statistics, the MQTT tree and the InfluxDB points
all call these; none splits or prices energy on its own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from operator import mul
from typing import Any, cast

from .history import DayCurve, SeriesHistory, local_midnight
from .models import PARIS
from .offpeak import DAY_MINUTES, OffpeakRange, parse_offpeak
from .tempo import DAY_START_HOUR, TempoColor, tempo_day

type Ranges = tuple[OffpeakRange, ...]
# Per weekday (Monday first): its own off-peak ranges, or None for the default ones.
type WeekdayRanges = tuple[Ranges | None, ...]
WEEK = 7


class Plan(StrEnum):
    """Tariff plans."""

    BASE = "BASE"
    HPHC = "HP/HC"
    TEMPO = "TEMPO"


@dataclass(frozen=True, kw_only=True, slots=True)
class Prices:
    """Energy prices in €/kWh; Tempo has a peak and an off-peak price per colour."""

    base: float
    hp: float
    hc: float
    blue_hp: float = 0.0
    blue_hc: float = 0.0
    white_hp: float = 0.0
    white_hc: float = 0.0
    red_hp: float = 0.0
    red_hc: float = 0.0

    def tempo(self, colour: TempoColor) -> tuple[float, float]:
        """Return the (peak, off-peak) €/kWh of a Tempo colour."""
        if colour is TempoColor.RED:
            return self.red_hp, self.red_hc
        if colour is TempoColor.WHITE:
            return self.white_hp, self.white_hc
        return self.blue_hp, self.blue_hc


@dataclass(frozen=True, kw_only=True, slots=True)
class PricePeriod:
    """The plan and prices in force from a day on (None: since the history's start)."""

    start: date | None
    plan: Plan
    prices: Prices


@dataclass(frozen=True, kw_only=True, slots=True)
class DaySplit:
    """Energy of one Paris-local day in Wh, split between peak and off-peak hours."""

    day: date
    wh: float
    hp_wh: float
    hc_wh: float
    from_curve: bool
    # The off-peak Wh before 06:00, which Tempo prices at the previous day's colour
    # (only computed for a tariff with a Tempo period).
    early_hc_wh: float = 0.0


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


def _interval_starts(day: date, curve: DayCurve) -> list[datetime]:
    """Return the start of each interval of a day's curve (23 or 25 hours on DST days)."""
    start = local_midnight(day)
    step = timedelta(minutes=curve.minutes)
    return [start + index * step for index in range(len(curve.watts))]


def weekday_ranges(weekdays: Iterable[Ranges | None]) -> WeekdayRanges:
    """Return seven weekday entries (Monday first), None where none is given."""
    given = tuple(weekdays)
    if len(given) > WEEK:
        raise ValueError(f"more than {WEEK} weekdays")
    return given + (None,) * (WEEK - len(given))


def repriced_days(old: Tariff, new: Tariff, days: Iterable[date]) -> set[date]:
    """Return the days whose cost differs between two tariffs (or their HC hours do)."""
    one = timedelta(days=1)

    def pricing(tariff: Tariff, day: date) -> tuple[object, ...]:
        period = tariff.period_on(day)
        if period.plan is not Plan.TEMPO:
            return (period.plan, period.prices)
        # A Tempo day pays its colour, and its early hours the previous day's.
        return (
            period.plan,
            period.prices,
            tariff.colour(day),
            tariff.colour(day - one),
        )

    # A day's split follows its weekday's off-peak hours only.
    moved = [
        old.day_ranges[weekday] != new.day_ranges[weekday] for weekday in range(WEEK)
    ]
    return {
        day
        for day in days
        if moved[day.weekday()] or pricing(old, day) != pricing(new, day)
    }


def _encode_ranges(ranges: Ranges) -> list[list[int]]:
    return [[item.start, item.end] for item in ranges]


def _decode_ranges(data: Any) -> Ranges:
    return tuple(OffpeakRange(start=int(start), end=int(end)) for start, end in data)


def encode_prices(tariff: Tariff) -> dict[str, Any]:
    """Encode what a cost depends on: the off-peak ranges and the price periods."""
    encoded: dict[str, Any] = {
        "ranges": _encode_ranges(tariff.ranges),
        "periods": [
            {
                "start": period.start.isoformat() if period.start else None,
                "plan": period.plan.value,
                "base": period.prices.base,
                "hp": period.prices.hp,
                "hc": period.prices.hc,
            }
            for period in tariff.periods
        ],
    }
    # Only when some weekday has its own hours: other encodings stay as they were.
    if any(item is not None for item in tariff.weekdays):
        encoded["weekdays"] = [
            None if item is None else _encode_ranges(item) for item in tariff.weekdays
        ]
    return encoded


def decode_prices(data: Any) -> Tariff:
    """Decode encode_prices; raise ValueError, KeyError or TypeError on other data."""
    periods = [
        PricePeriod(
            start=date.fromisoformat(item["start"]) if item["start"] else None,
            plan=Plan(item["plan"]),
            prices=Prices(
                base=float(item["base"]), hp=float(item["hp"]), hc=float(item["hc"])
            ),
        )
        for item in data["periods"]
    ]
    if not periods or periods[0].start is not None:
        raise ValueError("no price period since the start")
    weekdays = data.get("weekdays") or ()
    if weekdays and len(weekdays) != WEEK:
        raise ValueError("off-peak hours of other than seven weekdays")
    return Tariff(
        periods[0].plan,
        periods[0].prices,
        _decode_ranges(data["ranges"]),
        periods[1:],
        weekdays=[None if item is None else _decode_ranges(item) for item in weekdays],
    )


class Tariff:
    """
    Price periods and off-peak ranges; memoizes the shares it computes.

    The plan and prices given apply before the first dated period (or always, with
    none); `plan` and `prices` are those of the newest period, today's. The off-peak
    ranges are the default of every day; a weekday may have its own (`weekdays`).
    """

    __slots__ = (
        "_day_segments",
        "_dst_days",
        "_early_counts",
        "_inherited",
        "_splits",
        "_starts",
        "_tables",
        "_with_early",
        "colours",
        "day_ranges",
        "has_offpeak",
        "has_tempo",
        "periods",
        "plan",
        "prices",
        "ranges",
        "weekdays",
    )

    def __init__(
        self,
        plan: Plan,
        prices: Prices,
        ranges: Ranges = (),
        later: Iterable[PricePeriod] = (),
        colours: Mapping[date, TempoColor] | None = None,
        *,
        weekdays: Iterable[Ranges | None] = (),
    ) -> None:
        """
        Initialize a tariff; no range means every interval is peak.

        weekdays: from Monday on, a weekday's own ranges, or None for the default.
        """
        dated = sorted(
            (period for period in later if period.start is not None),
            key=lambda period: cast(date, period.start),
        )
        self.periods: tuple[PricePeriod, ...] = (
            PricePeriod(start=None, plan=plan, prices=prices),
            *dated,
        )
        self._starts = tuple(cast(date, period.start) for period in dated)
        self.plan = self.periods[-1].plan
        self.prices = self.periods[-1].prices
        self.ranges = ranges
        self.weekdays = weekday_ranges(weekdays)
        # The ranges each weekday follows: its own, else the default.
        self.day_ranges: tuple[Ranges, ...] = tuple(
            ranges if item is None else item for item in self.weekdays
        )
        self.has_offpeak = any(self.day_ranges)
        self.has_tempo = any(period.plan is Plan.TEMPO for period in self.periods)
        # The Tempo colours the costs read (a day not known yet is priced blue).
        self.colours: Mapping[date, TempoColor] = colours or {}
        # The off-peak energy before 06:00 matters to Tempo only: to a Tempo period,
        # and to the comparison of plans once Tempo prices are set. The colours are
        # fetched for everyone: they alone do not make every rebuild split it.
        self._with_early = self.has_tempo or (
            bool(self.colours) and self.prices.blue_hp > 0
        )
        # (day, interval length) -> intervals starting before 06:00 on a DST day.
        self._early_counts: dict[tuple[date, int], int] = {}
        # The segments of each weekday, one object per distinct schedule: with no
        # weekday of its own, the seven are the default's.
        schedules: dict[Ranges, _Segments | None] = {}
        for item in self.day_ranges:
            if item not in schedules:
                schedules[item] = _Segments(item) if item else None
        self._day_segments = tuple(schedules[item] for item in self.day_ranges)
        # Interval length -> per weekday, the off-peak share of each interval of a
        # 24-hour day (one table per distinct schedule, shared by its weekdays).
        self._tables: dict[int, tuple[tuple[float, ...], ...]] = {}
        # (DST day, interval length) -> the off-peak share of each of its intervals.
        self._dst_days: dict[tuple[date, int], tuple[float, ...]] = {}
        # id(curve) -> (the curve, its split): the summaries and the MQTT tree of a
        # snapshot split the same curves. The history replaces a day's curve when it
        # changes (never in place), so a curve's identity tells its split is valid;
        # holding the curve keeps its id from being reused. A tariff lives as long
        # as its snapshot; the next snapshot's tariff may inherit this memo (see
        # inherit_splits) and keeps only the entries it reads.
        self._splits: dict[int, tuple[DayCurve, tuple[float, float, float] | None]] = {}
        # The splits of the previous snapshot's tariff, when it split the same way.
        self._inherited: dict[
            int, tuple[DayCurve, tuple[float, float, float] | None]
        ] = {}

    @classmethod
    def from_offpeak_text(
        cls,
        plan: Plan,
        prices: Prices,
        text: str | None,
        later: Iterable[PricePeriod] = (),
        colours: Mapping[date, TempoColor] | None = None,
        weekday_texts: Iterable[str | None] = (),
    ) -> Tariff:
        """
        Return the tariff of off-peak texts: the default, then each weekday's.

        An unparsable default means no range; an empty or unparsable weekday text
        means the default ranges on that weekday.
        """
        try:
            ranges = parse_offpeak(text)
        except ValueError:
            ranges = ()
        weekdays: list[Ranges | None] = []
        for weekday_text in weekday_texts:
            try:
                weekdays.append(parse_offpeak(weekday_text) or None)
            except ValueError:
                weekdays.append(None)
        return cls(plan, prices, ranges, later, colours, weekdays=weekdays)

    def copy(self, colours: Mapping[date, TempoColor] | None = None) -> Tariff:
        """Return the same tariff with empty memos (for another thread)."""
        first = self.periods[0]
        return Tariff(
            first.plan,
            first.prices,
            self.ranges,
            self.periods[1:],
            dict(self.colours if colours is None else colours),
            weekdays=self.weekdays,
        )

    def __eq__(self, other: object) -> bool:
        """Compare what the rules depend on (the colours only under Tempo)."""
        if not isinstance(other, Tariff):
            return NotImplemented
        return (self.periods, self.ranges, self.day_ranges) == (
            other.periods,
            other.ranges,
            other.day_ranges,
        ) and (not self.has_tempo or self.colours == other.colours)

    def __hash__(self) -> int:
        """Hash what the rules depend on."""
        return hash((self.periods, self.ranges, self.day_ranges))

    def colour(self, day: date) -> TempoColor:
        """Return the Tempo colour of a day; blue until it is known."""
        return self.colours.get(day, TempoColor.BLUE)

    def __repr__(self) -> str:
        """Return the periods and ranges (and the weekdays' own, if any)."""
        if any(item is not None for item in self.weekdays):
            return f"Tariff({self.periods!r}, {self.ranges!r}, {self.weekdays!r})"
        return f"Tariff({self.periods!r}, {self.ranges!r})"

    def period_on(self, day: date | None = None) -> PricePeriod:
        """Return the period in force on a day; no day means today's, the newest."""
        if day is None:
            return self.periods[-1]
        return self.periods[bisect_right(self._starts, day)]

    @property
    def any_base(self) -> bool:
        """Return True when some period prices under BASE (one price for HP and HC)."""
        return any(period.plan is Plan.BASE for period in self.periods)

    # The HP/HC split.

    def offpeak_share(self, start: datetime, minutes: int) -> float:
        """
        Return the off-peak share (0..1) of [start, start + minutes) on the Paris wall clock.

        The hours are those of the weekday of the local start.
        """
        if not self.has_offpeak or minutes <= 0:
            return 0.0
        if start.tzinfo is None:
            raise ValueError("naive datetime")
        local = start.astimezone(PARIS)
        segments = self._day_segments[local.weekday()]
        if segments is None:
            return 0.0
        wall = local.hour * 60 + local.minute + local.second / 60
        return segments.inside(wall, minutes) / minutes

    def _normal_day_shares(self, minutes: int) -> tuple[tuple[float, ...], ...]:
        """Return, per weekday, the off-peak share of each interval of a 24-hour day."""
        tables = self._tables.get(minutes)
        if tables is None:
            built: dict[int, tuple[float, ...]] = {}
            for segments in self._day_segments:
                if id(segments) not in built:
                    built[id(segments)] = tuple(
                        segments.inside(wall, minutes) / minutes if segments else 0.0
                        for wall in range(0, DAY_MINUTES, minutes)
                    )
            tables = self._tables[minutes] = tuple(
                built[id(segments)] for segments in self._day_segments
            )
        return tables

    def curve_shares(self, day: date, curve: DayCurve) -> tuple[float, ...]:
        """Return the off-peak share of each interval of a day's curve (its weekday's hours)."""
        if len(curve.watts) * curve.minutes == DAY_MINUTES:
            return self._normal_day_shares(curve.minutes)[day.weekday()]
        # DST days (23 h / 25 h) are rare: place each interval on the wall clock, once.
        key = (day, curve.minutes)
        shares = self._dst_days.get(key)
        if shares is None:
            shares = self._dst_days[key] = tuple(
                self.offpeak_share(start, curve.minutes)
                for start in _interval_starts(day, curve)
            )
        return shares

    def _early_count(self, day: date, curve: DayCurve) -> int:
        """Return how many intervals of a day's curve start before 06:00 Paris."""
        if len(curve.watts) * curve.minutes == DAY_MINUTES:
            return DAY_START_HOUR * 60 // curve.minutes
        key = (day, curve.minutes)
        count = self._early_counts.get(key)
        if count is None:
            count = self._early_counts[key] = sum(
                1
                for start in _interval_starts(day, curve)
                if start.astimezone(PARIS).hour < DAY_START_HOUR
            )
        return count

    def curve_split(self, day: date, curve: DayCurve) -> tuple[float, float, float]:
        """
        Return (Wh, off-peak Wh, off-peak Wh before 06:00) of a day's stored intervals.

        The last is only computed for a tariff with Tempo colours or periods (else 0).
        """
        hours = curve.minutes / 60
        # A complete curve holds no None: read it as it is (the hot path of a rebuild).
        watts = (
            cast(list[float], curve.watts)
            if curve.is_complete()
            else [value or 0.0 for value in curve.watts]
        )
        if not self.has_offpeak:
            return sum(watts) * hours, 0.0, 0.0
        shares = self.curve_shares(day, curve)
        if not self._with_early:
            return sum(watts) * hours, sum(map(mul, watts, shares)) * hours, 0.0
        offpeak = list(map(mul, watts, shares))
        early = sum(offpeak[: self._early_count(day, curve)])
        return sum(watts) * hours, sum(offpeak) * hours, early * hours

    def inherit_splits(self, previous: Tariff) -> None:
        """
        Reuse the curve splits of the previous snapshot's tariff if it splits the same.

        A split depends on the off-peak hours of each weekday and on whether the
        hours before 06:00 are counted apart, not on the prices. Only what this
        tariff reads is kept in turn, so a curve gone from the history is dropped
        after one update.
        """
        if (previous.day_ranges, previous._with_early) == (
            self.day_ranges,
            self._with_early,
        ):
            self._inherited = previous._splits

    def _complete_split(
        self, day: date, curve: DayCurve
    ) -> tuple[float, float, float] | None:
        """Return the split of a complete curve, None for another; memoized per curve."""
        key = id(curve)
        memo = self._splits.get(key) or self._inherited.get(key)
        if memo is not None and memo[0] is curve:
            self._splits[key] = memo
            return memo[1]
        split = self.curve_split(day, curve) if curve.is_complete() else None
        self._splits[key] = (curve, split)
        return split

    def day_splits(self, series: SeriesHistory) -> dict[date, DaySplit]:
        """
        Split every stored day between HP and HC.

        A day with a complete curve takes the curve's off-peak share (applied to its
        daily reading when there is one); any other day takes the average share of
        the complete curves.
        """
        curves: dict[date, tuple[float, float, float]] = {}
        curve_wh = curve_hc = curve_early = 0.0
        for day, curve in series.curve.items():
            split = self._complete_split(day, curve)
            if split is None:
                continue
            wh, hc_wh, early_wh = curves[day] = split
            curve_wh += wh
            curve_hc += hc_wh
            curve_early += early_wh
        share = curve_hc / curve_wh if curve_wh > 0 else 0.0
        early_share = curve_early / curve_wh if curve_wh > 0 else 0.0

        splits: dict[date, DaySplit] = {}
        for day, daily_wh in series.daily.items():
            from_curve = False
            curve_split = curves.get(day)
            if curve_split is not None and curve_split[0] > 0:
                scale = daily_wh / curve_split[0]
                hc_wh, early_wh = curve_split[1] * scale, curve_split[2] * scale
                from_curve = True
            elif curve_split is not None and daily_wh == 0:
                hc_wh = early_wh = 0.0
                from_curve = True
            else:
                hc_wh, early_wh = daily_wh * share, daily_wh * early_share
            splits[day] = DaySplit(
                day=day,
                wh=float(daily_wh),
                hp_wh=daily_wh - hc_wh,
                hc_wh=hc_wh,
                from_curve=from_curve,
                early_hc_wh=early_wh,
            )
        for day, (wh, hc_wh, early_wh) in curves.items():
            if day not in splits:
                splits[day] = DaySplit(
                    day=day,
                    wh=wh,
                    hp_wh=wh - hc_wh,
                    hc_wh=hc_wh,
                    from_curve=True,
                    early_hc_wh=early_wh,
                )
        return splits

    # The cost.

    def unit_prices(
        self, plan: Plan | None = None, day: date | None = None
    ) -> tuple[float, float]:
        """
        Return the (peak, off-peak) €/kWh in force on a day, under a plan.

        No day means today's prices; no plan, the plan in force that day.
        """
        period = self.period_on(day)
        prices = period.prices
        plan = plan or period.plan
        if plan is Plan.BASE:
            return prices.base, prices.base
        if plan is Plan.TEMPO:
            # The colour of the day itself: its peak hours and its evening.
            return prices.tempo(self.colour(day) if day else TempoColor.BLUE)
        return prices.hp, prices.hc

    def interval_prices(self, day: date, start: datetime) -> tuple[float, float]:
        """
        Return the (peak, off-peak) €/kWh of an interval of a day's curve.

        Under Tempo the interval pays the colour of its Tempo day (before 06:00, the
        previous day's); otherwise the day's prices.
        """
        period = self.period_on(day)
        if period.plan is Plan.TEMPO:
            return period.prices.tempo(self.colour(tempo_day(start)))
        return self.unit_prices(day=day)

    def day_costs(
        self, split: DaySplit, plan: Plan | None = None, *, today_prices: bool = False
    ) -> tuple[float, float]:
        """
        Return the (peak, off-peak) cost in € of a stored day.

        At the prices in force that day, or today's (to compare plans); under Tempo,
        the off-peak energy before 06:00 pays the previous day's colour.
        """
        period = self.period_on(None if today_prices else split.day)
        plan = plan or period.plan
        hp_kwh, hc_kwh = split.hp_wh / 1000, split.hc_wh / 1000
        if plan is not Plan.TEMPO:
            return self.costs(hp_kwh, hc_kwh, plan, None if today_prices else split.day)
        prices = period.prices
        hp_price, hc_price = prices.tempo(self.colour(split.day))
        _, early_price = prices.tempo(self.colour(split.day - timedelta(days=1)))
        early_kwh = split.early_hc_wh / 1000
        return (
            hp_kwh * hp_price,
            (hc_kwh - early_kwh) * hc_price + early_kwh * early_price,
        )

    def costs(
        self,
        hp_kwh: float,
        hc_kwh: float,
        plan: Plan | None = None,
        day: date | None = None,
    ) -> tuple[float, float]:
        """Return the (peak, off-peak) cost in € of some energy of a day, under a plan."""
        hp_price, hc_price = self.unit_prices(plan, day)
        return hp_kwh * hp_price, hc_kwh * hc_price

    def cost(
        self,
        hp_kwh: float,
        hc_kwh: float,
        plan: Plan | None = None,
        day: date | None = None,
    ) -> float:
        """Return the cost in € of some energy of a day, under a plan."""
        hp_cost, hc_cost = self.costs(hp_kwh, hc_kwh, plan, day)
        return hp_cost + hc_cost
