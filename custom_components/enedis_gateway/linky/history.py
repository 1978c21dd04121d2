"""The stored history of one PDL: readings, fetch bookkeeping and its compact encoding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .models import (
    PARIS,
    Addresses,
    Contract,
    DailyReading,
    Direction,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
)

STORAGE_VERSION = 1
BLACKLIST_AFTER = 7


def local_midnight(day: date) -> datetime:
    """Return the UTC instant of a Paris-local midnight."""
    return datetime.combine(day, time(), PARIS).astimezone(UTC)


def day_minutes(day: date) -> int:
    """Return the real length in minutes of a Paris-local day (1380/1440/1500)."""
    delta = local_midnight(day + timedelta(days=1)) - local_midnight(day)
    return int(delta.total_seconds()) // 60


def paris_day(instant: datetime) -> date:
    """Return the Paris-local date of an aware instant."""
    return instant.astimezone(PARIS).date()


@dataclass(slots=True)
class DayCurve:
    """The load curve of one Paris-local day, one value per interval from local midnight."""

    minutes: int
    watts: list[float | None]

    def is_complete(self) -> bool:
        """Return True when every interval of the day holds a value."""
        return None not in self.watts

    def points(self, day: date) -> Iterator[LoadCurvePoint]:
        """Yield the stored intervals of the day as points stamped at their UTC start."""
        start = local_midnight(day)
        step = timedelta(minutes=self.minutes)
        for index, watts in enumerate(self.watts):
            if watts is not None:
                yield LoadCurvePoint(
                    start=start + index * step, minutes=self.minutes, watts=watts
                )

    def wh(self) -> float:
        """Return the energy of the stored intervals in Wh."""
        return sum(w for w in self.watts if w is not None) * self.minutes / 60

    def copy(self) -> DayCurve:
        """Return a copy that later merges leave alone."""
        return DayCurve(minutes=self.minutes, watts=list(self.watts))


@dataclass(kw_only=True, slots=True)
class SeriesHistory:
    """Readings of one direction."""

    daily: dict[date, int] = field(default_factory=dict)
    curve: dict[date, DayCurve] = field(default_factory=dict)
    max_power: dict[date, MaxPowerReading] = field(default_factory=dict)

    def copy(self) -> SeriesHistory:
        """Return a copy that later merges leave alone."""
        return SeriesHistory(
            daily=dict(self.daily),
            curve={day: curve.copy() for day, curve in self.curve.items()},
            max_power=dict(self.max_power),
        )


@dataclass(kw_only=True, slots=True)
class Attempt:
    """Failed attempts at fetching one day of one type."""

    count: int
    last: datetime


def measure_direction(kind: MeasureType) -> Direction:
    """Return the direction of a measure type."""
    if kind in (MeasureType.DAILY_PRODUCTION, MeasureType.PRODUCTION_LOAD_CURVE):
        return Direction.PRODUCTION
    return Direction.CONSUMPTION


@dataclass(kw_only=True, slots=True)
class History:
    """Everything stored for one PDL."""

    contract: Contract | None = None
    addresses: Addresses | None = None
    consumption: SeriesHistory = field(default_factory=SeriesHistory)
    production: SeriesHistory = field(default_factory=SeriesHistory)
    attempts: dict[MeasureType, dict[date, Attempt]] = field(default_factory=dict)
    blacklist: dict[MeasureType, set[date]] = field(default_factory=dict)
    floor: dict[MeasureType, date] = field(default_factory=dict)
    calls_day: date | None = None
    calls_count: int = 0
    quota_until: datetime | None = None
    last_call: datetime | None = None
    last_error: str = ""
    exported: dict[str, datetime] = field(default_factory=dict)
    # Bumped by every merge that changes a reading; not stored.
    revision: int = field(default=0, compare=False)

    def readings_copy(self) -> History:
        """Return the readings, contract, floors and blacklist, safe to read in a thread."""
        return History(
            contract=self.contract,
            consumption=self.consumption.copy(),
            production=self.production.copy(),
            blacklist={kind: set(days) for kind, days in self.blacklist.items()},
            floor=dict(self.floor),
        )

    def series(self, direction: Direction) -> SeriesHistory:
        """Return the readings of a direction."""
        if direction is Direction.PRODUCTION:
            return self.production
        return self.consumption

    def has(self, kind: MeasureType, day: date) -> bool:
        """Return True when the day of that type is fully stored."""
        series = self.series(measure_direction(kind))
        if kind.is_load_curve:
            curve = series.curve.get(day)
            return curve is not None and curve.is_complete()
        if kind is MeasureType.DAILY_CONSUMPTION_MAX_POWER:
            return day in series.max_power
        return day in series.daily

    def is_blacklisted(self, kind: MeasureType, day: date) -> bool:
        """Return True when the day is given up for that type."""
        return day in self.blacklist.get(kind, ())

    def calls_on(self, day: date) -> int:
        """Return the calls counted for a Paris-local day."""
        return self.calls_count if self.calls_day == day else 0

    def count_call(self, now: datetime) -> None:
        """Count one call on the Paris-local day of now."""
        today = paris_day(now)
        self.calls_count = self.calls_on(today) + 1
        self.calls_day = today
        self.last_call = now

    def merge_daily(self, kind: MeasureType, readings: Iterable[DailyReading]) -> int:
        """Store daily readings; return how many days changed."""
        daily = self.series(measure_direction(kind)).daily
        changed = 0
        for reading in readings:
            if daily.get(reading.day) != reading.wh:
                daily[reading.day] = reading.wh
                changed += 1
            self._clear_attempts(kind, reading.day)
        self.revision += changed
        return changed

    def merge_max_power(self, readings: Iterable[MaxPowerReading]) -> int:
        """Store max power readings; return how many days changed."""
        stored = self.consumption.max_power
        changed = 0
        for reading in readings:
            if stored.get(reading.day) != reading:
                stored[reading.day] = reading
                changed += 1
            self._clear_attempts(MeasureType.DAILY_CONSUMPTION_MAX_POWER, reading.day)
        self.revision += changed
        return changed

    def merge_curve(self, kind: MeasureType, points: Iterable[LoadCurvePoint]) -> int:
        """Store load-curve points in their Paris-local day; return how many values changed."""
        curves = self.series(measure_direction(kind)).curve
        changed = 0
        touched: set[date] = set()
        for point in points:
            day = paris_day(point.start)
            curve = curves.get(day)
            if curve is None or curve.minutes != point.minutes:
                size = day_minutes(day) // point.minutes
                curve = curves[day] = DayCurve(
                    minutes=point.minutes, watts=[None] * size
                )
            offset = point.start - local_midnight(day)
            index = int(offset.total_seconds()) // (point.minutes * 60)
            if 0 <= index < len(curve.watts) and curve.watts[index] != point.watts:
                curve.watts[index] = point.watts
                changed += 1
            touched.add(day)
        for day in touched:
            if curves[day].is_complete():
                self._clear_attempts(kind, day)
        self.revision += changed
        return changed

    def record_failure(
        self, kind: MeasureType, days: Iterable[date], now: datetime
    ) -> None:
        """Count a failed attempt for each day; blacklist past days after 7 attempts."""
        per_kind = self.attempts.setdefault(kind, {})
        today = paris_day(now)
        for day in days:
            if self.has(kind, day):
                continue
            previous = per_kind.get(day)
            count = previous.count + 1 if previous else 1
            per_kind[day] = Attempt(count=count, last=now)
            if count >= BLACKLIST_AFTER and day < today:
                self.blacklist.setdefault(kind, set()).add(day)

    def clear_blacklist(self) -> int:
        """Forget every blacklisted day and failed attempt; return how many days were freed."""
        freed = sum(len(days) for days in self.blacklist.values())
        self.blacklist.clear()
        self.attempts.clear()
        return freed

    def _clear_attempts(self, kind: MeasureType, day: date) -> None:
        per_kind = self.attempts.get(kind)
        if per_kind:
            per_kind.pop(day, None)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _encode_series(series: SeriesHistory) -> dict[str, Any]:
    return {
        "daily": {day.isoformat(): wh for day, wh in sorted(series.daily.items())},
        # One string per day: Home Assistant writes its store files indented, and a
        # list would cost a line per half-hour (two years: 700 kB instead of 230 kB).
        "curve": {
            day.isoformat(): f"{curve.minutes}|"
            + ",".join("" if w is None else str(_number(w)) for w in curve.watts)
            for day, curve in sorted(series.curve.items())
        },
        "max_power": {
            day.isoformat(): f"{reading.va}|{reading.at.isoformat()}"
            for day, reading in sorted(series.max_power.items())
        },
    }


def _decode_series(data: dict[str, Any]) -> SeriesHistory:
    series = SeriesHistory()
    for key, wh in data.get("daily", {}).items():
        series.daily[date.fromisoformat(key)] = int(wh)
    for key, text in data.get("curve", {}).items():
        minutes, values = text.split("|")
        series.curve[date.fromisoformat(key)] = DayCurve(
            minutes=int(minutes),
            watts=[float(value) if value else None for value in values.split(",")],
        )
    for key, text in data.get("max_power", {}).items():
        va, at = text.split("|")
        day = date.fromisoformat(key)
        series.max_power[day] = MaxPowerReading(
            day=day, va=int(va), at=datetime.fromisoformat(at)
        )
    return series


def _encode_contract(contract: Contract) -> dict[str, Any]:
    return {
        "subscribed_power_kva": contract.subscribed_power_kva,
        "offpeak_hours": contract.offpeak_hours,
        "last_activation_date": contract.last_activation_date.isoformat()
        if contract.last_activation_date
        else None,
        "distribution_tariff": contract.distribution_tariff,
        "status": contract.status,
        "meter_type": contract.meter_type,
        "raw": contract.raw,
    }


def _decode_contract(data: dict[str, Any]) -> Contract:
    activation = data.get("last_activation_date")
    return Contract(
        subscribed_power_kva=data.get("subscribed_power_kva"),
        offpeak_hours=data.get("offpeak_hours"),
        last_activation_date=date.fromisoformat(activation) if activation else None,
        distribution_tariff=data.get("distribution_tariff"),
        status=data.get("status"),
        meter_type=data.get("meter_type"),
        raw=dict(data.get("raw", {})),
    )


def encode_history(history: History) -> dict[str, Any]:
    """Encode the history as compact JSON-ready data."""
    return {
        "contract": _encode_contract(history.contract) if history.contract else None,
        "addresses": history.addresses.raw if history.addresses else None,
        "consumption": _encode_series(history.consumption),
        "production": _encode_series(history.production),
        "attempts": {
            kind.value: {
                day.isoformat(): [attempt.count, attempt.last.isoformat()]
                for day, attempt in sorted(days.items())
            }
            for kind, days in history.attempts.items()
        },
        "blacklist": {
            kind.value: sorted(day.isoformat() for day in days)
            for kind, days in history.blacklist.items()
        },
        "floor": {kind.value: day.isoformat() for kind, day in history.floor.items()},
        "calls_day": history.calls_day.isoformat() if history.calls_day else None,
        "calls_count": history.calls_count,
        "quota_until": _iso(history.quota_until),
        "last_call": _iso(history.last_call),
        "last_error": history.last_error,
        "exported": {key: value.isoformat() for key, value in history.exported.items()},
    }


def decode_history(data: dict[str, Any]) -> History:
    """Decode data written by encode_history; raise ValueError/KeyError/TypeError when corrupt."""
    calls_day = data.get("calls_day")
    return History(
        contract=_decode_contract(data["contract"]) if data.get("contract") else None,
        addresses=Addresses(raw=data["addresses"]) if data.get("addresses") else None,
        consumption=_decode_series(data.get("consumption", {})),
        production=_decode_series(data.get("production", {})),
        attempts={
            MeasureType(kind): {
                date.fromisoformat(day): Attempt(
                    count=int(count), last=datetime.fromisoformat(last)
                )
                for day, (count, last) in days.items()
            }
            for kind, days in data.get("attempts", {}).items()
        },
        blacklist={
            MeasureType(kind): {date.fromisoformat(day) for day in days}
            for kind, days in data.get("blacklist", {}).items()
        },
        floor={
            MeasureType(kind): date.fromisoformat(day)
            for kind, day in data.get("floor", {}).items()
        },
        calls_day=date.fromisoformat(calls_day) if calls_day else None,
        calls_count=int(data.get("calls_count", 0)),
        quota_until=_dt(data.get("quota_until")),
        last_call=_dt(data.get("last_call")),
        last_error=str(data.get("last_error", "")),
        exported={
            key: datetime.fromisoformat(value)
            for key, value in data.get("exported", {}).items()
        },
    )
