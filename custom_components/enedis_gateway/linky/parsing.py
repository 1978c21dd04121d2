"""Turn decoded gateway JSON into typed models, rejecting anything malformed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
import json
import math
import re
from typing import Any

from .exceptions import GatewayError
from .models import (
    PARIS,
    Addresses,
    Contract,
    DailyReading,
    LoadCurvePoint,
    MaxPowerReading,
)

DEFAULT_INTERVAL_MINUTES = 30
CURVE_MINUTES = (10, 15, 30, 60)
MIN_YEAR = 1900
MAX_YEAR = 2999
# Load-curve W and peak VA: 36 kVA tops the Linky (C5) range; 20% more for short peaks.
MAX_POWER_VA = 36_000 * 1.2
# Daily Wh: that power all day long, and the autumn DST day lasts 25 hours.
MAX_DAILY_WH = MAX_POWER_VA * 25

_INTERVAL_RE = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?$", re.IGNORECASE)
_POWER_RE = re.compile(r"(\d+(?:[.,]\d+)?)")


def _fail(what: str, reason: str) -> GatewayError:
    return GatewayError(f"Malformed {what} reply: {reason}")


def _mapping(value: Any, what: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(what, f"{key} is not an object")
    return value


def _readings(payload: Any, what: str) -> list[Mapping[str, Any]]:
    """Return the interval_reading entries of a meter_reading payload."""
    root = _mapping(payload, what, "body")
    meter_reading = _mapping(root.get("meter_reading"), what, "meter_reading")
    readings = meter_reading.get("interval_reading")
    if not isinstance(readings, list):
        raise _fail(what, "interval_reading is not a list")
    return [_mapping(item, what, "interval_reading entry") for item in readings]


def _text(item: Mapping[str, Any], key: str, what: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(what, f"{key} is missing or not a string")
    return value.strip()


def _number(item: Mapping[str, Any], what: str) -> float:
    """Return the numeric value of an entry, given as a string or a JSON number."""
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(what, "value is missing or not a number")
    try:
        number = float(value)
    except (ValueError, OverflowError) as err:
        raise _fail(what, "value is not a number") from err
    if not math.isfinite(number):
        raise _fail(what, "value is not finite")
    return number


def _bounded(number: float, limit: float, what: str) -> float:
    """Reject negative values and values no meter can measure, before they are stored."""
    if not 0 <= number <= limit:
        raise _fail(what, "value out of physical bounds")
    return number


def _plausible[T: date](value: T, what: str) -> T:
    """Reject years no meter ever reported, which would also overflow conversions."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _fail(what, "date is out of range")
    return value


def _day(text: str, what: str) -> date:
    try:
        day = date.fromisoformat(text[:10])
    except ValueError as err:
        raise _fail(what, "date is not YYYY-MM-DD") from err
    return _plausible(day, what)


def _wall_clock(text: str, what: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError as err:
        raise _fail(what, "date is not YYYY-MM-DD HH:MM:SS") from err
    return _plausible(stamp, what)


def _interval_minutes(item: Mapping[str, Any], what: str) -> int:
    value = item.get("interval_length")
    if value is None:
        return DEFAULT_INTERVAL_MINUTES
    if not isinstance(value, str):
        raise _fail(what, "interval_length is not a string")
    match = _INTERVAL_RE.match(value.strip())
    if match is None or not any(match.groups()):
        raise _fail(what, "interval_length is not an ISO 8601 duration")
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    # Only what Linky meters record: the history stores days of these intervals.
    if minutes not in CURVE_MINUTES:
        raise _fail(what, "interval_length is not 10, 15, 30 or 60 minutes")
    return minutes


def _round_trips(local: datetime) -> bool:
    """Return True when the aware local time really exists on the wall clock."""
    back = local.astimezone(UTC).astimezone(PARIS)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def _is_ambiguous(naive: datetime) -> bool:
    """Return True for a wall-clock time that occurs twice (the repeated autumn hour)."""
    first = naive.replace(tzinfo=PARIS, fold=0)
    second = naive.replace(tzinfo=PARIS, fold=1)
    # Inside the spring gap the offsets differ too, but neither time round-trips.
    return (
        first.utcoffset() != second.utcoffset()
        and _round_trips(first)
        and _round_trips(second)
    )


def _is_descending(stamps: list[datetime]) -> bool:
    """Return True when most consecutive wall-clock stamps go back in time."""
    ups = downs = 0
    for earlier, later in pairwise(stamps):
        if later > earlier:
            ups += 1
        elif later < earlier:
            downs += 1
    return downs > ups


def _folds(stamps: list[datetime | None]) -> list[int]:
    """Return the fold of each naive Paris wall-clock stamp (None: an aware one)."""
    # The repeated autumn hour comes first in summer time (fold 0), then in winter
    # time (fold 1), in the order of time. A reply read newest-first holds the same
    # copies in reverse: the order of the reply (most consecutive stamps going up,
    # or down) tells which copy is which, so the result is the same either way. In
    # a shuffled reply the two copies of a stamp cannot be told apart: they still
    # get one fold each, the values paired with them by the majority order of the
    # reply (ascending on a tie), deterministically.
    naive = [stamp for stamp in stamps if stamp is not None]
    order = list(range(len(stamps)))
    if _is_descending(naive):
        order.reverse()
    folds = [0] * len(stamps)
    seen: Counter[datetime] = Counter()
    for index in order:
        stamp = stamps[index]
        if stamp is None or not _is_ambiguous(stamp):
            continue
        # A third copy is a duplicate of the winter one, as duplicates are elsewhere.
        folds[index] = min(seen[stamp], 1)
        seen[stamp] += 1
    return folds


def parse_daily(payload: Any) -> list[DailyReading]:
    """Parse a daily energy reply into readings sorted by day."""
    what = "daily"
    readings: dict[date, DailyReading] = {}
    for item in _readings(payload, what):
        day = _day(_text(item, "date", what), what)
        wh = _bounded(_number(item, what), MAX_DAILY_WH, what)
        readings[day] = DailyReading(day=day, wh=round(wh))
    return [readings[day] for day in sorted(readings)]


def parse_load_curve(payload: Any, *, at_start: bool = False) -> list[LoadCurvePoint]:
    """
    Parse a load-curve reply into points stamped at their UTC interval start.

    Enedis stamps each interval at its end. at_start reads a reply whose gateway
    moved the stamps of the entries carrying an interval_length to the interval
    start by subtracting it from the wall clock (MyElectricalData v2).
    """
    what = "load curve"
    items = _readings(payload, what)
    stamps = [_wall_clock(_text(item, "date", what), what) for item in items]
    lengths = [_interval_minutes(item, what) for item in items]
    if at_start:
        # Undo the shift the same way: on DST days a wall-clock subtraction gives
        # stamps that never existed (or the wrong copy of the repeated hour), while
        # adding back gives exactly the end stamps Enedis sent.
        stamps = [
            stamp + timedelta(minutes=minutes) if "interval_length" in item else stamp
            for item, stamp, minutes in zip(items, stamps, lengths, strict=True)
        ]
    folds = _folds([stamp if stamp.tzinfo is None else None for stamp in stamps])
    points: dict[datetime, LoadCurvePoint] = {}
    for item, stamp, minutes, fold in zip(items, stamps, lengths, folds, strict=True):
        watts = _bounded(_number(item, what), MAX_POWER_VA, what)
        # Inside the spring gap fold 0 keeps the winter offset.
        end = (
            stamp
            if stamp.tzinfo is not None
            else stamp.replace(tzinfo=PARIS, fold=fold)
        )
        start = end.astimezone(UTC) - timedelta(minutes=minutes)
        points[start] = LoadCurvePoint(start=start, minutes=minutes, watts=watts)
    return [points[start] for start in sorted(points)]


def parse_max_power(payload: Any) -> list[MaxPowerReading]:
    """Parse a daily max power reply into readings sorted by day."""
    what = "max power"
    readings: dict[date, MaxPowerReading] = {}
    for item in _readings(payload, what):
        stamp = _wall_clock(_text(item, "date", what), what)
        at = (
            stamp.replace(tzinfo=PARIS)
            if stamp.tzinfo is None
            else stamp.astimezone(PARIS)
        )
        day = at.date()
        va = _bounded(_number(item, what), MAX_POWER_VA, what)
        readings[day] = MaxPowerReading(day=day, va=round(va), at=at)
    return [readings[day] for day in sorted(readings)]


def _usage_point_entry(payload: Any, pdl: str, what: str) -> Mapping[str, Any]:
    """Return the usage_points entry of the PDL, or the first one."""
    root = _mapping(payload, what, "body")
    customer = _mapping(root.get("customer"), what, "customer")
    entries = customer.get("usage_points")
    if not isinstance(entries, list) or not entries:
        raise _fail(what, "usage_points is missing or empty")
    mappings = [_mapping(entry, what, "usage_points entry") for entry in entries]
    for entry in mappings:
        usage_point = entry.get("usage_point")
        if (
            isinstance(usage_point, Mapping)
            and usage_point.get("usage_point_id") == pdl
        ):
            return entry
    return mappings[0]


def _flat(value: Any) -> str:
    """Return a raw value as text: strings as they are, containers as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    text = _flat(value).strip()
    return text or None


def _subscribed_power(value: Any) -> float | None:
    """Return the subscribed power in kVA from texts like "9 kVA"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    match = _POWER_RE.search(value)
    return float(match.group(1).replace(",", ".")) if match else None


def _activation(value: Any) -> date | None:
    """Return the date of texts like "2013-08-14+01:00"."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def parse_contract(payload: Any, pdl: str) -> Contract:
    """Parse a contracts reply into the contract of the PDL."""
    what = "contracts"
    entry = _usage_point_entry(payload, pdl, what)
    usage_point = _mapping(entry.get("usage_point"), what, "usage_point")
    contracts = _mapping(entry.get("contracts"), what, "contracts")
    raw = {str(key): _flat(value) for key, value in usage_point.items()}
    raw.update({str(key): _flat(value) for key, value in contracts.items()})
    status = _optional_text(contracts.get("contract_status")) or _optional_text(
        usage_point.get("usage_point_status")
    )
    return Contract(
        subscribed_power_kva=_subscribed_power(contracts.get("subscribed_power")),
        offpeak_hours=_optional_text(contracts.get("offpeak_hours")),
        last_activation_date=_activation(contracts.get("last_activation_date")),
        distribution_tariff=_optional_text(contracts.get("distribution_tariff")),
        status=status,
        meter_type=_optional_text(usage_point.get("meter_type")),
        raw=raw,
    )


def parse_addresses(payload: Any, pdl: str) -> Addresses:
    """Parse an addresses reply into the address of the PDL."""
    what = "addresses"
    entry = _usage_point_entry(payload, pdl, what)
    usage_point = _mapping(entry.get("usage_point"), what, "usage_point")
    addresses = _mapping(
        usage_point.get("usage_point_addresses"), what, "usage_point_addresses"
    )
    return Addresses(raw={str(key): value for key, value in addresses.items()})
