"""The stored history of one PDL: its readings, the fetch state apart, and their encoding."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
import math
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
from .parsing import CURVE_MINUTES, MAX_YEAR, MIN_YEAR
from .tempo import EcoWattDay, TempoColor

STORAGE_VERSION = 1
SKIP_AFTER = 7
# EcoWatt signals are kept from the day before today on: older ones are shown nowhere.
ECOWATT_KEEP_BEFORE = timedelta(days=1)
# Far above what a 36 kVA Linky can deliver: anything beyond is not a reading.
MAX_WATTS = 50_000
MAX_DAY_WH = MAX_WATTS * 25


class InvalidHistoryError(ValueError):
    """Stored data that does not validate as a history."""


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
    """The readings of one PDL, with its contract and address."""

    contract: Contract | None = None
    addresses: Addresses | None = None
    consumption: SeriesHistory = field(default_factory=SeriesHistory)
    production: SeriesHistory = field(default_factory=SeriesHistory)
    # RTE's Tempo colour of each day (the day runs 06:00 to 06:00 the next morning).
    tempo: dict[date, TempoColor] = field(default_factory=dict)
    # RTE's EcoWatt signal of the days from yesterday on (no output but the sensors
    # reads it: a change does not bump the revision).
    ecowatt: dict[date, EcoWattDay] = field(default_factory=dict)
    # Bumped by every change to the readings or the contract; not stored.
    revision: int = field(default=0, compare=False)

    def readings_copy(self) -> History:
        """Return a copy that later merges leave alone, safe to read in a thread."""
        return History(
            contract=self.contract,
            addresses=self.addresses,
            consumption=self.consumption.copy(),
            production=self.production.copy(),
            tempo=dict(self.tempo),
            ecowatt=dict(self.ecowatt),
            revision=self.revision,
        )

    def emptied(self) -> History:
        """Return a history without readings, keeping the contract, address and RTE's days."""
        return History(
            contract=self.contract,
            addresses=self.addresses,
            tempo=dict(self.tempo),
            ecowatt=dict(self.ecowatt),
            revision=self.revision + 1,
        )

    def merge_tempo(self, colours: Mapping[date, TempoColor]) -> int:
        """Store Tempo colours; return how many days changed."""
        changed = 0
        for day, colour in colours.items():
            if self.tempo.get(day) is not colour:
                self.tempo[day] = colour
                changed += 1
        self.revision += changed
        return changed

    def merge_ecowatt(self, days: Mapping[date, EcoWattDay], today: date) -> None:
        """Store EcoWatt signals, newer over older; forget those before yesterday."""
        self.ecowatt.update(days)
        oldest = today - ECOWATT_KEEP_BEFORE
        for day in [day for day in self.ecowatt if day < oldest]:
            del self.ecowatt[day]

    def set_contract(self, contract: Contract) -> None:
        """Store the contract (its activation date bounds the history)."""
        if contract != self.contract:
            self.contract = contract
            self.revision += 1

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

    def days(self, kind: MeasureType) -> Iterator[date]:
        """Yield the days of that type fully stored, in no order."""
        series = self.series(measure_direction(kind))
        if kind.is_load_curve:
            return (day for day, curve in series.curve.items() if curve.is_complete())
        if kind is MeasureType.DAILY_CONSUMPTION_MAX_POWER:
            return iter(series.max_power)
        return iter(series.daily)

    def merge_daily(self, kind: MeasureType, readings: Iterable[DailyReading]) -> int:
        """Store daily readings; return how many days changed."""
        daily = self.series(measure_direction(kind)).daily
        changed = 0
        for reading in readings:
            if daily.get(reading.day) != reading.wh:
                daily[reading.day] = reading.wh
                changed += 1
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
        self.revision += changed
        return changed

    def merge_curve(self, kind: MeasureType, points: Iterable[LoadCurvePoint]) -> int:
        """Store load-curve points in their Paris-local day; return how many values changed."""
        curves = self.series(measure_direction(kind)).curve
        changed = 0
        # A stored day is never changed in place: it is replaced by a changed copy
        # (once per merge), so whoever holds the old one (a Tariff's memo) keeps
        # what it read.
        own: set[date] = set()
        for point in points:
            day = paris_day(point.start)
            curve = curves.get(day)
            if curve is None or curve.minutes != point.minutes:
                size = day_minutes(day) // point.minutes
                curve = curves[day] = DayCurve(
                    minutes=point.minutes, watts=[None] * size
                )
                own.add(day)
            offset = point.start - local_midnight(day)
            index = int(offset.total_seconds()) // (point.minutes * 60)
            if 0 <= index < len(curve.watts) and curve.watts[index] != point.watts:
                if day not in own:
                    curve = curves[day] = curve.copy()
                    own.add(day)
                curve.watts[index] = point.watts
                changed += 1
        self.revision += changed
        return changed


@dataclass(kw_only=True, slots=True)
class EcoWattCalls:
    """The EcoWatt calls of one Paris day: how many, the last one, whether one was answered."""

    day: date | None = None
    count: int = 0
    last: datetime | None = None
    answered: bool = False

    def on(self, day: date) -> int:
        """Return the EcoWatt calls made on a Paris day (0 for any other day)."""
        return self.count if self.day == day else 0

    def record(self, now: datetime, *, answered: bool) -> None:
        """Count one call made at now, answered or not."""
        today = paris_day(now)
        if self.day != today:
            self.day, self.count, self.answered = today, 0, False
        self.count += 1
        self.last = now
        self.answered = self.answered or answered


@dataclass(kw_only=True, slots=True)
class FetchState:
    """What fetching learned for one PDL: failed attempts, skipped days, floors, last call."""

    attempts: dict[MeasureType, dict[date, Attempt]] = field(default_factory=dict)
    # Days given up after SKIP_AFTER attempts, until the user retries them.
    skipped: dict[MeasureType, set[date]] = field(default_factory=dict)
    # The oldest day the gateway serves, learned from its "end of history" reply.
    floor: dict[MeasureType, date] = field(default_factory=dict)
    quota_until: datetime | None = None
    last_call: datetime | None = None
    last_error: str = ""
    # Calls counted by versions before the shared budget; handed over once.
    calls_day: date | None = None
    calls_count: int = 0
    # Stored, unlike the Tempo calls: on MyElectricalData v2 each one is a call of
    # the account's quota, and a restart must not make a day's third.
    ecowatt: EcoWattCalls = field(default_factory=EcoWattCalls)

    def is_skipped(self, kind: MeasureType, day: date) -> bool:
        """Return True when the day is given up for that type."""
        return day in self.skipped.get(kind, ())

    def skipped_count(self) -> int:
        """Return how many days are given up, all types together."""
        return sum(len(days) for days in self.skipped.values())

    def calls_on(self, day: date) -> int:
        """Return the calls counted for a Paris-local day."""
        return self.calls_count if self.calls_day == day else 0

    def count_call(self, now: datetime) -> None:
        """Count one call on the Paris-local day of now."""
        today = paris_day(now)
        self.calls_count = self.calls_on(today) + 1
        self.calls_day = today
        self.last_call = now

    def raise_floor(self, kind: MeasureType, day: date) -> None:
        """Learn that the gateway serves nothing of that type before a day."""
        self.floor[kind] = max(day, self.floor.get(kind, day))

    def record_failure(
        self, history: History, kind: MeasureType, days: Iterable[date], now: datetime
    ) -> None:
        """Count a failed attempt for each day not stored; skip past days after 7 attempts."""
        per_kind = self.attempts.setdefault(kind, {})
        today = paris_day(now)
        for day in days:
            if history.has(kind, day):
                continue
            previous = per_kind.get(day)
            count = previous.count + 1 if previous else 1
            per_kind[day] = Attempt(count=count, last=now)
            if count >= SKIP_AFTER and day < today:
                self.skipped.setdefault(kind, set()).add(day)

    def forget_stored(self, history: History) -> None:
        """Forget the failed attempts of days stored since."""
        for kind, per_kind in self.attempts.items():
            for day in [day for day in per_kind if history.has(kind, day)]:
                del per_kind[day]

    def retry_skipped(self) -> int:
        """Forget every skipped day and failed attempt; return how many days were freed."""
        freed = self.skipped_count()
        self.skipped.clear()
        self.attempts.clear()
        return freed


@dataclass(kw_only=True, slots=True)
class StoredHistory:
    """What the history file holds."""

    history: History = field(default_factory=History)
    fetch: FetchState = field(default_factory=FetchState)
    # The InfluxDB marks older versions kept here, for the exporter to take over.
    export_marks: dict[str, datetime] = field(default_factory=dict)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidHistoryError(f"{what} is not an object")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidHistoryError(f"{what} is not a list")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidHistoryError(f"{what} is not a string")
    return value


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _integer(value: object, what: str, high: int | None = None) -> int:
    """Return a non-negative JSON integer, at most high."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidHistoryError(f"{what} is not an integer")
    if value < 0 or (high is not None and value > high):
        raise InvalidHistoryError(f"{what} is out of range: {value}")
    return value


def _parsed[T](parse: Callable[[str], T], text: str, what: str) -> T:
    """Return parse(text), saying where the text that does not parse is."""
    try:
        return parse(text)
    except ValueError as err:
        raise InvalidHistoryError(f"{what}: {err}") from err


def _day(value: object, what: str) -> date:
    day = _parsed(date.fromisoformat, _text(value, what), what)
    # Far-off years would overflow the UTC conversions of local_midnight.
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidHistoryError(f"{what} is out of range: {day}")
    return day


def _instant(value: object, what: str) -> datetime:
    """Return an aware datetime: a naive one cannot be compared with the clock."""
    instant = _parsed(datetime.fromisoformat, _text(value, what), what)
    if instant.utcoffset() is None:
        raise InvalidHistoryError(f"{what} has no time zone")
    if not MIN_YEAR <= instant.year <= MAX_YEAR:
        raise InvalidHistoryError(f"{what} is out of range: {instant}")
    return instant


def _optional_instant(value: object, what: str) -> datetime | None:
    return None if value is None else _instant(value, what)


def _kind(value: str) -> MeasureType:
    try:
        return MeasureType(value)
    except ValueError:
        raise InvalidHistoryError(f"unknown measure type {value!r}") from None


def _per_kind(data: dict[str, Any], key: str) -> Iterator[tuple[MeasureType, Any]]:
    """Yield the measure types and values of an optional object keyed by type."""
    for kind, value in _object(data.get(key, {}), key).items():
        yield _kind(kind), value


def _per_day(value: object, what: str) -> Iterator[tuple[date, str, Any]]:
    """Yield the days, their labels and values of an object keyed by ISO date."""
    for key, item in _object(value, what).items():
        label = f"{what}.{key}"
        yield _day(key, label), label, item


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


def _decode_curve(day: date, value: object, what: str) -> DayCurve:
    """Decode "minutes|w,w,…": one value, or an empty slot, per interval of the day."""
    minutes_text, _, values = _text(value, what).partition("|")
    minutes = _parsed(int, minutes_text, what)
    if minutes not in CURVE_MINUTES:
        raise InvalidHistoryError(f"{what} has an interval of {minutes} minutes")
    try:
        watts = [float(text) if text else None for text in values.split(",")]
    except ValueError as err:
        raise InvalidHistoryError(f"{what}: {err}") from err
    # A day holding more values than intervals would count energy twice.
    if len(watts) != day_minutes(day) // minutes:
        raise InvalidHistoryError(
            f"{what} holds {len(watts)} values of {minutes} minutes"
        )
    present = [w for w in watts if w is not None]
    # NaN slips through min and max, not through the sum.
    if present and not (
        min(present) >= 0 and max(present) <= MAX_WATTS and math.isfinite(sum(present))
    ):
        raise InvalidHistoryError(f"{what} holds a value out of range")
    return DayCurve(minutes=minutes, watts=watts)


def _decode_max_power(day: date, value: object, what: str) -> MaxPowerReading:
    """Decode "va|ISO instant"."""
    va, _, at = _text(value, what).partition("|")
    return MaxPowerReading(
        day=day,
        va=_integer(_parsed(int, va, what), what, MAX_WATTS),
        at=_instant(at, what),
    )


def _decode_series(value: object, what: str) -> SeriesHistory:
    data = _object(value, what)
    series = SeriesHistory()
    for day, label, wh in _per_day(data.get("daily", {}), f"{what}.daily"):
        series.daily[day] = _integer(wh, label, MAX_DAY_WH)
    for day, label, text in _per_day(data.get("curve", {}), f"{what}.curve"):
        series.curve[day] = _decode_curve(day, text, label)
    for day, label, text in _per_day(data.get("max_power", {}), f"{what}.max_power"):
        series.max_power[day] = _decode_max_power(day, text, label)
    return series


def encode_contract(contract: Contract) -> dict[str, Any]:
    """Encode a contract as JSON-ready data."""
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


def _decode_power_kva(value: object) -> float | None:
    what = "contract.subscribed_power_kva"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidHistoryError(f"{what} is not a number")
    if not math.isfinite(value) or value < 0:
        raise InvalidHistoryError(f"{what} is out of range: {value}")
    return float(value)


def decode_contract(value: object) -> Contract:
    """Decode and validate a contract written by encode_contract."""
    data = _object(value, "contract")
    activation = data.get("last_activation_date")
    raw = _object(data.get("raw", {}), "contract.raw")
    return Contract(
        subscribed_power_kva=_decode_power_kva(data.get("subscribed_power_kva")),
        offpeak_hours=_optional_text(
            data.get("offpeak_hours"), "contract.offpeak_hours"
        ),
        last_activation_date=None
        if activation is None
        else _day(activation, "contract.last_activation_date"),
        distribution_tariff=_optional_text(
            data.get("distribution_tariff"), "contract.distribution_tariff"
        ),
        status=_optional_text(data.get("status"), "contract.status"),
        meter_type=_optional_text(data.get("meter_type"), "contract.meter_type"),
        raw={key: _text(item, f"contract.raw.{key}") for key, item in raw.items()},
    )


def _encode_ecowatt_day(signal: EcoWattDay) -> str:
    """Encode a signal as "level|h,h,…" (24 hourly values)."""
    return f"{signal.level}|" + ",".join(str(value) for value in signal.hours)


def _decode_ecowatt_day(day: date, value: object, what: str) -> EcoWattDay:
    """Decode "level|h,h,…", refusing values off RTE's scale."""
    level, _, hours = _text(value, what).partition("|")
    try:
        return EcoWattDay(
            day=day,
            level=int(level),
            hours=tuple(int(text) for text in hours.split(",")),
        )
    except ValueError as err:
        raise InvalidHistoryError(f"{what}: {err}") from err


def _encode_ecowatt_calls(calls: EcoWattCalls) -> dict[str, Any] | None:
    """Encode the EcoWatt calls of their day; None before the first one."""
    if calls.day is None:
        return None
    return {
        "day": calls.day.isoformat(),
        "count": calls.count,
        "last": _iso(calls.last),
        "answered": calls.answered,
    }


def _decode_ecowatt_calls(value: object) -> EcoWattCalls:
    """Decode what _encode_ecowatt_calls wrote; absent (older files): no call."""
    what = "ecowatt_calls"
    if value is None:
        return EcoWattCalls()
    data = _object(value, what)
    answered = data.get("answered", False)
    if not isinstance(answered, bool):
        raise InvalidHistoryError(f"{what}.answered is not a boolean")
    return EcoWattCalls(
        day=_day(data.get("day"), f"{what}.day"),
        count=_integer(data.get("count", 0), f"{what}.count"),
        last=_optional_instant(data.get("last"), f"{what}.last"),
        answered=answered,
    )


def _decode_attempt(value: object, what: str) -> Attempt:
    """Decode [count, ISO instant]."""
    item = _list(value, what)
    if len(item) != 2:
        raise InvalidHistoryError(f"{what} is not a [count, time] pair")
    return Attempt(count=_integer(item[0], what), last=_instant(item[1], what))


def encode_history(history: History, fetch: FetchState) -> dict[str, Any]:
    """Encode the readings and the fetch state as compact JSON-ready data."""
    return {
        "contract": encode_contract(history.contract) if history.contract else None,
        "addresses": history.addresses.raw if history.addresses else None,
        "consumption": _encode_series(history.consumption),
        "production": _encode_series(history.production),
        "tempo": {
            day.isoformat(): colour.value
            for day, colour in sorted(history.tempo.items())
        },
        "ecowatt": {
            day.isoformat(): _encode_ecowatt_day(signal)
            for day, signal in sorted(history.ecowatt.items())
        },
        "attempts": {
            kind.value: {
                day.isoformat(): [attempt.count, attempt.last.isoformat()]
                for day, attempt in sorted(days.items())
            }
            for kind, days in fetch.attempts.items()
        },
        # The key of version 0.1.0, when skipped days had another name.
        "blacklist": {
            kind.value: sorted(day.isoformat() for day in days)
            for kind, days in fetch.skipped.items()
        },
        "floor": {kind.value: day.isoformat() for kind, day in fetch.floor.items()},
        "calls_day": fetch.calls_day.isoformat() if fetch.calls_day else None,
        "calls_count": fetch.calls_count,
        "quota_until": _iso(fetch.quota_until),
        "last_call": _iso(fetch.last_call),
        "last_error": fetch.last_error,
        "ecowatt_calls": _encode_ecowatt_calls(fetch.ecowatt),
    }


def decode_history(data: dict[str, Any]) -> StoredHistory:
    """Decode and validate data written by encode_history; raise ValueError if invalid."""
    # Home Assistant hands over whatever JSON the file holds.
    data = _object(data, "history")
    contract, addresses = data.get("contract"), data.get("addresses")
    calls_day = data.get("calls_day")
    history = History(
        contract=None if contract is None else decode_contract(contract),
        addresses=Addresses(raw=_object(addresses, "addresses")) if addresses else None,
        consumption=_decode_series(data.get("consumption", {}), "consumption"),
        production=_decode_series(data.get("production", {}), "production"),
        tempo={
            day: _parsed(TempoColor, _text(colour, label), label)
            for day, label, colour in _per_day(data.get("tempo", {}), "tempo")
        },
        # Absent from the files of versions before EcoWatt: none stored.
        ecowatt={
            day: _decode_ecowatt_day(day, text, label)
            for day, label, text in _per_day(data.get("ecowatt", {}), "ecowatt")
        },
    )
    fetch = FetchState(
        attempts={
            kind: {
                day: _decode_attempt(item, label)
                for day, label, item in _per_day(days, f"attempts.{kind}")
            }
            for kind, days in _per_kind(data, "attempts")
        },
        skipped={
            kind: {
                _day(day, f"blacklist.{kind}")
                for day in _list(days, f"blacklist.{kind}")
            }
            for kind, days in _per_kind(data, "blacklist")
        },
        floor={
            kind: _day(day, f"floor.{kind}") for kind, day in _per_kind(data, "floor")
        },
        calls_day=date.fromisoformat(calls_day) if calls_day else None,
        calls_count=int(data.get("calls_count", 0)),
        quota_until=_optional_instant(data.get("quota_until"), "quota_until"),
        last_call=_optional_instant(data.get("last_call"), "last_call"),
        last_error=_text(data.get("last_error", ""), "last_error"),
        ecowatt=_decode_ecowatt_calls(data.get("ecowatt_calls")),
    )
    return StoredHistory(
        history=history,
        fetch=fetch,
        export_marks={
            key: _instant(value, f"exported.{key}")
            for key, value in _object(data.get("exported", {}), "exported").items()
        },
    )
