"""What the simulator's protocol front-ends share: types, faults, errors, wire helpers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

MED = "myelectricaldata"
ORIGINAL = "enedis_gateway"
MED2 = "myelectricaldata_v2"

DAILY_CONSUMPTION = "daily_consumption"
CONSUMPTION_LOAD_CURVE = "consumption_load_curve"
DAILY_CONSUMPTION_MAX_POWER = "daily_consumption_max_power"
DAILY_PRODUCTION = "daily_production"
PRODUCTION_LOAD_CURVE = "production_load_curve"
CONTRACTS = "contracts"
ADDRESSES = "addresses"
# Call-log types of RTE's Tempo and EcoWatt signals: outside the per-token quota.
TEMPO = "tempo"
ECOWATT = "ecowatt"

LOAD_CURVES = frozenset({CONSUMPTION_LOAD_CURVE, PRODUCTION_LOAD_CURVE})
READING_TYPES = frozenset(
    {
        DAILY_CONSUMPTION,
        CONSUMPTION_LOAD_CURVE,
        DAILY_CONSUMPTION_MAX_POWER,
        DAILY_PRODUCTION,
        PRODUCTION_LOAD_CURVE,
    }
)

BAD_GATEWAY_HTML = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
    "</body></html>"
)


class Fault(StrEnum):
    """Failures the simulator can be told to answer."""

    UNAUTHORIZED = "unauthorized"
    CONSENT_EXPIRED = "consent_expired"
    QUOTA = "quota"
    SERVER_ERROR = "server_error"
    BAD_GATEWAY_HTML = "bad_gateway_html"
    TIMEOUT = "timeout"
    TRUNCATED_JSON = "truncated_json"
    MISSING_KEYS = "missing_keys"
    NOT_NUMBERS = "not_numbers"
    EMPTY_READINGS = "empty_readings"
    NO_LOAD_CURVE = "no_load_curve"
    NO_DATA = "no_data"
    OUT_OF_WINDOW_DAYS = "out_of_window_days"
    ABSURD_VALUE = "absurd_value"
    REVERSED_ORDER = "reversed_order"
    TOKEN_ECHO = "token_echo"  # noqa: S105 - a fault name, not a password


# Faults that damage readings and leave the contract and the address alone.
READING_FAULTS = frozenset(
    {Fault.OUT_OF_WINDOW_DAYS, Fault.ABSURD_VALUE, Fault.REVERSED_ORDER}
)


@dataclass(frozen=True, slots=True)
class Call:
    """One request received by the simulator."""

    at: datetime
    protocol: str
    type: str
    pdl: str
    start: date | None
    end: date | None
    status: str


class SimError(Exception):
    """An error answer, rendered differently by each protocol."""

    def __init__(
        self, *, code: str, description: str, http_status: int, key: str = "error_code"
    ) -> None:
        """Initialize the error: its code, its text, its HTTP status and JSON key."""
        super().__init__(code)
        self.code = code
        self.description = description
        self.http_status = http_status
        self.key = key

    @property
    def call_status(self) -> str:
        """Return how the call log records the error."""
        if self.code == "no_data_found":
            return "no_data"
        if self.code == "limit_reached":
            return "quota"
        return f"error:{self.code}"


def distort(fault: Fault | None, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the payload damaged the way a reading fault asks."""
    if fault is Fault.MISSING_KEYS:
        return {"meter_reading": {}}
    meter_reading = payload.get("meter_reading")
    if fault is Fault.EMPTY_READINGS:
        if meter_reading is None:
            return {"customer": {"customer_id": "0", "usage_points": []}}
        return {"meter_reading": {**meter_reading, "interval_reading": []}}
    if fault is Fault.NOT_NUMBERS and meter_reading is not None:
        readings = [
            {**item, "value": "abc"} for item in meter_reading["interval_reading"]
        ]
        return {"meter_reading": {**meter_reading, "interval_reading": readings}}
    return payload


def days_between(start: date, end: date) -> Iterator[date]:
    """Yield the days of [start, end)."""
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def wall_stamp(instant: datetime) -> str:
    """Return an instant the way Enedis stamps readings: Paris wall clock."""
    return instant.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S")


def parse_date(value: Any) -> date | None:
    """Return the date of a YYYY-MM-DD text, None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
