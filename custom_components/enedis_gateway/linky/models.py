"""Typed models shared by the client, the history and the summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Gateway(StrEnum):
    """The gateway protocols: MyElectricalData's two APIs and the original gateway."""

    MYELECTRICALDATA = "myelectricaldata"
    ENEDIS_GATEWAY = "enedis_gateway"
    MYELECTRICALDATA_V2 = "myelectricaldata_v2"


DEFAULT_URLS: dict[Gateway, str] = {
    Gateway.MYELECTRICALDATA: "https://www.myelectricaldata.fr",
    Gateway.ENEDIS_GATEWAY: "https://enedisgateway.tech/api",
    Gateway.MYELECTRICALDATA_V2: "https://www.v2.myelectricaldata.fr/api",
}
# Where a user gives or renews the Enedis consent and finds the token.
SITE_URLS: dict[Gateway, str] = {
    Gateway.MYELECTRICALDATA: "https://www.myelectricaldata.fr",
    Gateway.ENEDIS_GATEWAY: "https://enedisgateway.tech",
    Gateway.MYELECTRICALDATA_V2: "https://www.v2.myelectricaldata.fr",
}

# MyElectricalData v2's detail/batch endpoints serve up to 729 days of load curve per call.
BATCH_MAX_DAYS = 729


class Direction(StrEnum):
    """Energy direction."""

    CONSUMPTION = "consumption"
    PRODUCTION = "production"


class MeasureType(StrEnum):
    """Gateway measure types."""

    DAILY_CONSUMPTION = "daily_consumption"
    CONSUMPTION_LOAD_CURVE = "consumption_load_curve"
    DAILY_CONSUMPTION_MAX_POWER = "daily_consumption_max_power"
    DAILY_PRODUCTION = "daily_production"
    PRODUCTION_LOAD_CURVE = "production_load_curve"

    @property
    def is_load_curve(self) -> bool:
        """Return True for the 30-minute load curves."""
        return self in (
            MeasureType.CONSUMPTION_LOAD_CURVE,
            MeasureType.PRODUCTION_LOAD_CURVE,
        )

    @property
    def max_days(self) -> int:
        """Return the longest window the API accepts for this type."""
        return 7 if self.is_load_curve else 365

    @property
    def depth_days(self) -> int:
        """Return how far back the API serves this type."""
        return 730 if self.is_load_curve else 1095


@dataclass(frozen=True, kw_only=True, slots=True)
class DailyReading:
    """Energy of one Paris-local day."""

    day: date
    wh: int


@dataclass(frozen=True, kw_only=True, slots=True)
class LoadCurvePoint:
    """Average power over one interval, stamped at the interval start (UTC)."""

    start: datetime
    minutes: int
    watts: float

    @property
    def end(self) -> datetime:
        """Return the interval end."""
        return self.start + timedelta(minutes=self.minutes)

    @property
    def wh(self) -> float:
        """Return the interval energy in Wh."""
        return self.watts * self.minutes / 60


@dataclass(frozen=True, kw_only=True, slots=True)
class MaxPowerReading:
    """Peak apparent power of one Paris-local day."""

    day: date
    va: int
    at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class Contract:
    """The parts of the contract the integration uses, plus every raw key."""

    subscribed_power_kva: float | None = None
    offpeak_hours: str | None = None
    last_activation_date: date | None = None
    distribution_tariff: str | None = None
    status: str | None = None
    meter_type: str | None = None
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class Addresses:
    """The usage point address, flattened to strings."""

    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountPdl:
    """A PDL of a MyElectricalData v2 account."""

    usage_point_id: str
    name: str | None = None
    has_production: bool = False
    is_active: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class UsageStats:
    """The calls a MyElectricalData v2 account made on a UTC day, per bucket."""

    day: date
    cached: int
    cached_limit: int
    no_cache: int
    no_cache_limit: int
