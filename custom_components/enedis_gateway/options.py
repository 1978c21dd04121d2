"""Typed view of a config entry's options."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .const import (
    CONF_ADDRESSES,
    CONF_CONSUMPTION,
    CONF_CONSUMPTION_DETAIL,
    CONF_CONSUMPTION_MAX_POWER,
    CONF_CYCLE,
    CONF_ECOWATT,
    CONF_INFLUXDB,
    CONF_INFLUXDB_BUCKET,
    CONF_INFLUXDB_ORG,
    CONF_INFLUXDB_TOKEN,
    CONF_INFLUXDB_URL,
    CONF_MAX_CALLS,
    CONF_MQTT_MIRROR,
    CONF_MQTT_PREFIX,
    CONF_MQTT_QOS,
    CONF_MQTT_RETAIN,
    CONF_OFFPEAK_HOURS,
    CONF_OFFPEAK_WEEKDAYS,
    CONF_PLAN,
    CONF_PRICE_BASE,
    CONF_PRICE_HC,
    CONF_PRICE_HP,
    CONF_PRICE_PERIODS,
    CONF_PRICE_TEMPO,
    CONF_PRODUCTION,
    CONF_PRODUCTION_DETAIL,
    CONF_START,
    DEFAULT_OPTIONS,
    MAX_CALLS_CEILING,
    MIN_CYCLE,
)
from .linky.models import MeasureType
from .linky.tariff import Plan, PricePeriod, Prices


@dataclass(frozen=True, kw_only=True, slots=True)
class MqttSettings:
    """How the MQTT mirror publishes."""

    prefix: str
    retain: bool
    qos: int


@dataclass(frozen=True, kw_only=True, slots=True)
class InfluxDBTarget:
    """Where and as whom the InfluxDB exporter writes."""

    url: str
    token: str
    org: str
    bucket: str


def mqtt_prefix(value: object) -> str:
    """Return the topic prefix of an option value, without surrounding slashes."""
    return str(value).strip().strip("/") or str(DEFAULT_OPTIONS[CONF_MQTT_PREFIX])


def _prices(options: Mapping[str, Any]) -> Prices:
    """Return the prices of an options mapping (the entry's, or a period's)."""
    # Tempo's six prices are optional: absent (0) until a Tempo plan is chosen.
    tempo = {
        key.removeprefix("price_"): float(options.get(key, 0.0))
        for key in CONF_PRICE_TEMPO
    }
    return Prices(
        base=float(options[CONF_PRICE_BASE]),
        hp=float(options[CONF_PRICE_HP]),
        hc=float(options[CONF_PRICE_HC]),
        **tempo,
    )


def price_periods(stored: Iterable[Mapping[str, Any]]) -> tuple[PricePeriod, ...]:
    """Return the dated price periods of the options, oldest first."""
    periods = (
        PricePeriod(
            start=date.fromisoformat(str(item[CONF_START])),
            plan=Plan(item[CONF_PLAN]),
            prices=_prices(item),
        )
        for item in stored
    )
    return tuple(sorted(periods, key=lambda period: period.start or date.min))


@dataclass(frozen=True, kw_only=True, slots=True)
class EnedisOptions:
    """
    The options the coordinator and the entities read.

    prices and plan are in force before the first of later_prices (or always).
    """

    prices: Prices
    plan: Plan
    later_prices: tuple[PricePeriod, ...]
    offpeak_override: str
    # Monday first: a weekday's own off-peak hours, "" for those above.
    offpeak_weekdays: tuple[str, ...]
    kinds: tuple[MeasureType, ...]
    addresses: bool
    cycle: int
    max_calls: int
    # None when the output is off.
    mqtt: MqttSettings | None
    influxdb: InfluxDBTarget | None
    # RTE's EcoWatt signal: its sensors and its calls (off by default).
    ecowatt: bool

    @classmethod
    def from_entry_options(cls, options: Mapping[str, Any]) -> EnedisOptions:
        """Merge the entry options over the defaults."""
        merged = {**DEFAULT_OPTIONS, **options}
        wanted = (
            (MeasureType.DAILY_CONSUMPTION, merged[CONF_CONSUMPTION]),
            (MeasureType.CONSUMPTION_LOAD_CURVE, merged[CONF_CONSUMPTION_DETAIL]),
            (
                MeasureType.DAILY_CONSUMPTION_MAX_POWER,
                merged[CONF_CONSUMPTION_MAX_POWER],
            ),
            (MeasureType.DAILY_PRODUCTION, merged[CONF_PRODUCTION]),
            (MeasureType.PRODUCTION_LOAD_CURVE, merged[CONF_PRODUCTION_DETAIL]),
        )
        return cls(
            prices=_prices(merged),
            plan=Plan(merged[CONF_PLAN]),
            later_prices=price_periods(merged.get(CONF_PRICE_PERIODS, ())),
            offpeak_override=str(merged[CONF_OFFPEAK_HOURS]).strip(),
            offpeak_weekdays=tuple(
                str(merged.get(key) or "").strip() for key in CONF_OFFPEAK_WEEKDAYS
            ),
            kinds=tuple(kind for kind, enabled in wanted if enabled),
            addresses=bool(merged[CONF_ADDRESSES]),
            cycle=max(MIN_CYCLE, int(merged[CONF_CYCLE])),
            max_calls=min(MAX_CALLS_CEILING, max(1, int(merged[CONF_MAX_CALLS]))),
            mqtt=MqttSettings(
                prefix=mqtt_prefix(merged[CONF_MQTT_PREFIX]),
                retain=bool(merged[CONF_MQTT_RETAIN]),
                qos=min(2, max(0, int(merged[CONF_MQTT_QOS]))),
            )
            if merged[CONF_MQTT_MIRROR]
            else None,
            influxdb=InfluxDBTarget(
                url=str(merged[CONF_INFLUXDB_URL]).strip(),
                token=str(merged[CONF_INFLUXDB_TOKEN]),
                org=str(merged[CONF_INFLUXDB_ORG]).strip(),
                bucket=str(merged[CONF_INFLUXDB_BUCKET]).strip(),
            )
            if merged[CONF_INFLUXDB]
            else None,
            ecowatt=bool(merged[CONF_ECOWATT]),
        )

    @property
    def production(self) -> bool:
        """Return True when any production type is enabled."""
        return (
            MeasureType.DAILY_PRODUCTION in self.kinds
            or MeasureType.PRODUCTION_LOAD_CURVE in self.kinds
        )
