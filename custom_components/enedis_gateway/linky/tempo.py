"""Tempo colours and EcoWatt signals: Tempo days, quotas, the gateways' replies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from .exceptions import GatewayError
from .med2 import Envelope, envelope
from .models import PARIS


class TempoColor(StrEnum):
    """The colour of a Tempo day, as RTE and the gateways spell it."""

    BLUE = "BLUE"
    WHITE = "WHITE"
    RED = "RED"


# Days of each colour in a season of 365 days; a 366-day season has one more blue.
SEASON_QUOTAS: dict[TempoColor, int] = {
    TempoColor.BLUE: 300,
    TempoColor.WHITE: 43,
    TempoColor.RED: 22,
}
SEASON_START_MONTH = 9
# A Tempo day runs from 06:00 to 06:00 the next morning; HC from 22:00 to 06:00.
DAY_START_HOUR = 6
OFFPEAK_START_HOUR = 22
ECOWATT_HOURS = 24
ECOWATT_LEVELS = range(1, 4)
ECOWATT_HOUR_VALUES = range(4)
# The error code of v2 /tempo/today for a day it does not hold yet.
NOT_FOUND = "NOT_FOUND"


def season_start(day: date) -> date:
    """Return 1 September of the Tempo season containing day."""
    year = day.year if day.month >= SEASON_START_MONTH else day.year - 1
    return date(year, SEASON_START_MONTH, 1)


def season_end(day: date) -> date:
    """Return the first day of the next season: the season is [start, end)."""
    return date(season_start(day).year + 1, SEASON_START_MONTH, 1)


def season_quotas(day: date) -> dict[TempoColor, int]:
    """Return the days of each colour in day's season: blue takes what is left."""
    days = (season_end(day) - season_start(day)).days
    white, red = SEASON_QUOTAS[TempoColor.WHITE], SEASON_QUOTAS[TempoColor.RED]
    return {
        TempoColor.BLUE: days - white - red,
        TempoColor.WHITE: white,
        TempoColor.RED: red,
    }


def _paris(instant: datetime) -> datetime:
    """Return an aware instant on the Paris wall clock; a naive one has no meaning."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()} has no time zone")
    return instant.astimezone(PARIS)


def tempo_day(instant: datetime) -> date:
    """Return the Tempo day of an instant: before 06:00 Paris, the previous day."""
    local = _paris(instant)
    if local.hour < DAY_START_HOUR:
        return local.date() - timedelta(days=1)
    return local.date()


def is_tempo_offpeak(instant: datetime) -> bool:
    """Return True in Tempo's off-peak hours: 22:00 to 06:00 Paris."""
    hour = _paris(instant).hour
    return hour < DAY_START_HOUR or hour >= OFFPEAK_START_HOUR


@dataclass(frozen=True, kw_only=True, slots=True)
class TempoSlot:
    """Where an interval falls in Tempo: the day whose colour it pays, and HC or HP."""

    day: date
    offpeak: bool


def tempo_slot(start: datetime, minutes: int) -> TempoSlot:
    """Return the Tempo day and the HC flag of the interval [start, start + minutes)."""
    if minutes <= 0:
        raise ValueError(
            f"an interval lasts a positive number of minutes, not {minutes}"
        )
    # Load-curve intervals start on a half-hour and last at most an hour, and the
    # 06:00 and 22:00 boundaries are on the hour: an interval never straddles one,
    # so its start tells the whole interval.
    return TempoSlot(day=tempo_day(start), offpeak=is_tempo_offpeak(start))


def remaining_days(
    colours: Mapping[date, TempoColor], today: date
) -> dict[TempoColor, int]:
    """Return the days of each colour left in today's season, never below zero."""
    start, end = season_start(today), season_end(today)
    # Every known day of the season is spent, tomorrow's included once published.
    used = dict.fromkeys(TempoColor, 0)
    for day, colour in colours.items():
        if start <= day < end:
            used[colour] += 1
    return {
        colour: max(0, quota - used[colour])
        for colour, quota in season_quotas(today).items()
    }


@dataclass(frozen=True, kw_only=True, slots=True)
class TempoDays:
    """What the Tempo entities show on a Paris day, from the stored colours."""

    today: date
    colour_today: TempoColor | None
    colour_tomorrow: TempoColor | None
    # Days of each colour left in the season; None while a day of it is not known.
    left: dict[TempoColor, int] | None
    quotas: dict[TempoColor, int]


def tempo_days(colours: Mapping[date, TempoColor], today: date) -> TempoDays:
    """Return today's and tomorrow's colours and the days left in today's season."""
    start = season_start(today)
    season_known = all(
        start + timedelta(days=offset) in colours
        for offset in range((today - start).days + 1)
    )
    return TempoDays(
        today=today,
        colour_today=colours.get(today),
        colour_tomorrow=colours.get(today + timedelta(days=1)),
        left=remaining_days(colours, today) if season_known else None,
        quotas=season_quotas(today),
    )


def _fail(what: str, reason: str) -> GatewayError:
    return GatewayError(f"Malformed {what} reply: {reason}")


def _date(value: Any, what: str) -> date:
    """Return the date of a YYYY-MM-DD text."""
    if not isinstance(value, str):
        raise _fail(what, "date is not a string")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as err:
        raise _fail(what, f"{value!r} is not YYYY-MM-DD") from err


def _colour(value: Any, what: str) -> TempoColor | None:
    """Return a colour, None for a day not published yet ("", "UNKNOWN", null)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(what, "color is not a string")
    try:
        return TempoColor(value.strip().upper())
    except ValueError:
        return None


def parse_tempo_v1(payload: Any) -> dict[date, TempoColor]:
    """Parse v1 GET /rte/tempo/{start}/{end}: {"2023-03-01": "BLUE", ...}."""
    what = "Tempo"
    if not isinstance(payload, Mapping):
        raise _fail(what, "body is not an object")
    colours: dict[date, TempoColor] = {}
    for key, value in payload.items():
        day = _date(key, what)
        if (colour := _colour(value, what)) is not None:
            colours[day] = colour
    return colours


def _data(reply: Envelope, what: str) -> Any:
    """Return the data of a successful v2 envelope, or raise its failure."""
    if not reply.success:
        code, message = (
            (reply.error.code, reply.error.message) if reply.error else ("UNKNOWN", "")
        )
        raise GatewayError(f"{what} reply failed: {code} {message}".rstrip())
    return reply.data


def parse_tempo_v2(payload: Any) -> dict[date, TempoColor]:
    """Parse v2 /tempo/days and /tempo/week (lists of days) or /tempo/today (a day)."""
    what = "Tempo"
    reply = envelope(payload)
    if not reply.success and reply.error is not None and reply.error.code == NOT_FOUND:
        # /tempo/today before the day is stored: nothing known, not a fault.
        return {}
    data = _data(reply, what)
    items = [data] if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise _fail(what, "data is not a list")
    colours: dict[date, TempoColor] = {}
    for item in items:
        if not isinstance(item, Mapping):
            raise _fail(what, "a day is not an object")
        day = _date(item.get("date"), what)
        if (colour := _colour(item.get("color"), what)) is not None:
            colours[day] = colour
    return colours


@dataclass(frozen=True, kw_only=True, slots=True)
class EcoWattDay:
    """RTE's EcoWatt signal of a day: its level (1 to 3), 24 hourly values (0 to 3)."""

    day: date
    level: int
    hours: tuple[int, ...]

    def __post_init__(self) -> None:
        """Reject levels and hourly values off RTE's scale."""
        if self.level not in ECOWATT_LEVELS:
            raise ValueError(f"EcoWatt level {self.level} is not 1, 2 or 3")
        if len(self.hours) != ECOWATT_HOURS:
            raise ValueError(f"EcoWatt has {len(self.hours)} hourly values, not 24")
        if any(value not in ECOWATT_HOUR_VALUES for value in self.hours):
            raise ValueError(f"EcoWatt hourly values {self.hours} are not 0 to 3")


def _signal(value: Any, what: str) -> int:
    """Return an EcoWatt value, an integer or its digits."""
    if isinstance(value, bool):
        raise _fail(what, "a value is not an integer")
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value)
    if not isinstance(value, int):
        raise _fail(what, "a value is not an integer")
    return value


def _ecowatt_day(day: date, level: Any, hours: list[Any], what: str) -> EcoWattDay:
    """Build a day, turning an out-of-scale value into a reply error."""
    try:
        return EcoWattDay(
            day=day,
            level=_signal(level, what),
            hours=tuple(_signal(value, what) for value in hours),
        )
    except ValueError as err:
        raise _fail(what, str(err)) from err


def _v1_hours(detail: Any, what: str) -> tuple[date, list[Any]]:
    """Return the day and hourly values of a v1 detail keyed "YYYY-MM-DD HH:MM:SS"."""
    if not isinstance(detail, Mapping) or not detail:
        raise _fail(what, "detail is not a non-empty object")
    values: dict[int, Any] = {}
    days: set[date] = set()
    for key, value in detail.items():
        if not isinstance(key, str):
            raise _fail(what, "a detail key is not a string")
        try:
            stamp = datetime.fromisoformat(key.strip())
        except ValueError as err:
            raise _fail(what, f"{key!r} is not YYYY-MM-DD HH:MM:SS") from err
        days.add(stamp.date())
        values[stamp.hour] = value
    if len(days) != 1 or len(values) != len(detail):
        raise _fail(what, "detail does not hold one value per hour of one day")
    if sorted(values) != list(range(ECOWATT_HOURS)):
        raise _fail(what, "detail does not hold the 24 hours of the day")
    return days.pop(), [values[hour] for hour in range(ECOWATT_HOURS)]


def parse_ecowatt_v1(payload: Any) -> dict[date, EcoWattDay]:
    """Parse v1 GET /rte/ecowatt/{start}/{end}, each day keyed by its eve."""
    what = "EcoWatt"
    if not isinstance(payload, Mapping):
        raise _fail(what, "body is not an object")
    days: dict[date, EcoWattDay] = {}
    for key, item in payload.items():
        _date(key, what)
        if not isinstance(item, Mapping):
            raise _fail(what, "a day is not an object")
        # The key is the day before the signal's: the hourly detail holds the day.
        day, hours = _v1_hours(item.get("detail"), what)
        days[day] = _ecowatt_day(day, item.get("value"), hours, what)
    return days


def _periode(value: Any, what: str) -> date:
    """Return the Paris day of a v2 periode: Paris midnight written as naive UTC."""
    if not isinstance(value, str):
        raise _fail(what, "periode is not a string")
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError as err:
        raise _fail(what, f"periode {value!r} is not an ISO date-time") from err
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(PARIS).date()


def parse_ecowatt_v2(payload: Any) -> dict[date, EcoWattDay]:
    """Parse v2 GET /ecowatt/forecast: an envelope holding a list of days."""
    return ecowatt_v2_days(_data(envelope(payload), "EcoWatt"))


def ecowatt_v2_days(data: Any) -> dict[date, EcoWattDay]:
    """Parse the data of a successful v2 /ecowatt/forecast reply: a list of days."""
    what = "EcoWatt"
    if not isinstance(data, list):
        raise _fail(what, "data is not a list")
    days: dict[date, EcoWattDay] = {}
    for item in data:
        if not isinstance(item, Mapping):
            raise _fail(what, "a day is not an object")
        day = _periode(item.get("periode"), what)
        values = item.get("values")
        if not isinstance(values, list):
            raise _fail(what, "values is not a list")
        days[day] = _ecowatt_day(day, item.get("dvalue"), values, what)
    return days


def card_forecast(day: EcoWattDay) -> dict[str, int]:
    """Return the hourly values as content-card-linky reads them: {"00 h": 1, ...}."""
    return {f"{hour:02d} h": value for hour, value in enumerate(day.hours)}
