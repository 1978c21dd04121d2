"""Constants of the Enedis Gateway integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "enedis_gateway"
LOGGER = logging.getLogger(__package__)

CONF_GATEWAY: Final = "gateway"
CONF_PDL: Final = "pdl"
CONF_CONTRACT: Final = "contract"

CONF_PRICE_BASE: Final = "price_base"
CONF_PRICE_HC: Final = "price_hc"
CONF_PRICE_HP: Final = "price_hp"
CONF_PLAN: Final = "plan"
# Tempo: a peak and an off-peak price per colour.
CONF_PRICE_TEMPO: Final = (
    "price_blue_hp",
    "price_blue_hc",
    "price_white_hp",
    "price_white_hc",
    "price_red_hp",
    "price_red_hc",
)
# Dated prices: a list of {start, plan, price_*} sorted by start; the entry's own
# plan and prices are those in force before the first start.
CONF_PRICE_PERIODS: Final = "price_periods"
CONF_START: Final = "start"
CONF_OFFPEAK_HOURS: Final = "offpeak_hours"
# A weekday's own off-peak hours, Monday first (absent or empty: the hours above).
CONF_OFFPEAK_WEEKDAYS: Final = (
    "offpeak_monday",
    "offpeak_tuesday",
    "offpeak_wednesday",
    "offpeak_thursday",
    "offpeak_friday",
    "offpeak_saturday",
    "offpeak_sunday",
)
CONF_CONSUMPTION: Final = "consumption"
CONF_CONSUMPTION_DETAIL: Final = "consumption_detail"
CONF_CONSUMPTION_MAX_POWER: Final = "consumption_max_power"
CONF_PRODUCTION: Final = "production"
CONF_PRODUCTION_DETAIL: Final = "production_detail"
CONF_ADDRESSES: Final = "addresses"
CONF_CYCLE: Final = "cycle"
CONF_MAX_CALLS: Final = "max_calls_per_day"
CONF_MQTT_MIRROR: Final = "mqtt_mirror"
CONF_MQTT_PREFIX: Final = "mqtt_prefix"
CONF_MQTT_RETAIN: Final = "mqtt_retain"
CONF_MQTT_QOS: Final = "mqtt_qos"
CONF_INFLUXDB: Final = "influxdb"
CONF_INFLUXDB_URL: Final = "influxdb_url"
CONF_INFLUXDB_TOKEN: Final = "influxdb_token"  # noqa: S105
CONF_INFLUXDB_ORG: Final = "influxdb_org"
CONF_INFLUXDB_BUCKET: Final = "influxdb_bucket"
# RTE's EcoWatt signal: on MyElectricalData v2 each call is one of the account's quota.
CONF_ECOWATT: Final = "ecowatt"

PLAN_BASE: Final = "BASE"
PLAN_HPHC: Final = "HP/HC"
PLAN_TEMPO: Final = "TEMPO"

MIN_CYCLE: Final = 3600
MAX_CALLS_CEILING: Final = 45
DEFAULT_MAX_CALLS: Final = 15

DEFAULT_OPTIONS: Final[dict[str, object]] = {
    CONF_PRICE_BASE: 0.2516,
    CONF_PRICE_HC: 0.2068,
    CONF_PRICE_HP: 0.27,
    CONF_PLAN: PLAN_HPHC,
    CONF_OFFPEAK_HOURS: "",
    CONF_CONSUMPTION: True,
    CONF_CONSUMPTION_DETAIL: True,
    CONF_CONSUMPTION_MAX_POWER: True,
    CONF_PRODUCTION: False,
    CONF_PRODUCTION_DETAIL: False,
    CONF_ADDRESSES: False,
    CONF_CYCLE: MIN_CYCLE,
    CONF_MAX_CALLS: DEFAULT_MAX_CALLS,
    CONF_MQTT_MIRROR: False,
    CONF_MQTT_PREFIX: "enedis_gateway",
    CONF_MQTT_RETAIN: False,
    CONF_MQTT_QOS: 0,
    CONF_INFLUXDB: False,
    CONF_INFLUXDB_URL: "",
    CONF_INFLUXDB_TOKEN: "",
    CONF_INFLUXDB_ORG: "",
    CONF_INFLUXDB_BUCKET: "",
    CONF_ECOWATT: False,
}

DEFAULT_SCAN_INTERVAL: Final = timedelta(seconds=MIN_CYCLE)
PDL_LENGTH: Final = 14
