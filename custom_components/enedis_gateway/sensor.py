"""Sensors of a Linky PDL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import (
    MATCH_ALL,
    PERCENTAGE,
    EntityCategory,
    UnitOfEnergy,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import EnedisConfigEntry, EnedisCoordinator
from .entity import EnedisEntity
from .linky.models import MeasureType
from .linky.pipeline import CardData, Snapshot
from .linky.summary import Summary
from .linky.tempo import TempoColor, TempoDays, card_forecast
from .options import EnedisOptions

PARALLEL_UPDATES = 0
CURRENCY_EURO = "EUR"
# Apparent power has no kVA unit in Home Assistant 2025.4
KILO_VOLT_AMPERE = "kVA"

type SensorValue = StateType | date | datetime
TEMPO_OPTIONS = [colour.value.lower() for colour in TempoColor]


@dataclass(frozen=True, kw_only=True)
class EnedisSensorEntityDescription(SensorEntityDescription):
    """Describes a Linky sensor."""

    value_fn: Callable[[Snapshot], SensorValue]
    attrs_fn: Callable[[Snapshot], Mapping[str, Any]] | None = None
    exists_fn: Callable[[EnedisOptions], bool] = lambda _: True


def _energy(
    key: str, value: Callable[[Summary], float | None], **kwargs: Any
) -> EnedisSensorEntityDescription:
    """Describe a kWh sensor of the consumption summary."""
    return EnedisSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: value(data.consumption),
        **kwargs,
    )


def _cost(
    key: str, value: Callable[[Summary], float | None], **kwargs: Any
) -> EnedisSensorEntityDescription:
    """Describe a € sensor of the consumption summary."""
    return EnedisSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY_EURO,
        suggested_display_precision=2,
        value_fn=lambda data: value(data.consumption),
        **kwargs,
    )


def _production(
    key: str, value: Callable[[Summary], float | None]
) -> EnedisSensorEntityDescription:
    """Describe a kWh sensor of the production summary."""
    return EnedisSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda data: value(data.production) if data.production else None,
        exists_fn=lambda options: options.production,
    )


def _day_attrs(data: Snapshot) -> Mapping[str, Any]:
    last_day = data.consumption.last_day
    return {"date": last_day.isoformat() if last_day else None}


def _plan_attrs(data: Snapshot) -> Mapping[str, Any]:
    summary = data.consumption
    return {
        "yearly_cost_base": _round(summary.cost_base_year),
        "yearly_cost_hp_hc": _round(summary.cost_hphc_year),
        # Once Tempo prices are set and the colours of the year are known.
        "yearly_cost_tempo": _round(summary.cost_tempo_year),
        "saving": _round(summary.saving_eur),
        "saving_percent": _round(summary.saving_percent),
        "offpeak_share_percent": _round(summary.hc_share_percent),
    }


def _max_power_attrs(data: Snapshot) -> Mapping[str, Any]:
    summary = data.consumption
    return {
        "time": summary.max_power_at.isoformat() if summary.max_power_at else None,
        "over_subscribed_power": summary.max_power_over,
    }


def _calls_attrs(data: Snapshot) -> Mapping[str, Any]:
    """Return the fetch state and, once read, what the gateway says the account spent."""
    attrs: dict[str, Any] = {
        "last_error": data.last_error,
        "skipped_days": data.skipped_days,
        # The public Tempo calls, apart from the state's metering calls.
        "tempo_calls_today": data.tempo_calls_today,
    }
    if data.ecowatt_calls_today is not None:
        # Only with the EcoWatt option: counted in the state on MyElectricalData v2.
        attrs["ecowatt_calls_today"] = data.ecowatt_calls_today
    if (usage := data.usage) is not None:
        attrs |= {
            "gateway_calls_used": usage.no_cache,
            "gateway_calls_limit": usage.no_cache_limit,
            "gateway_cached_calls_used": usage.cached,
            "gateway_cached_calls_limit": usage.cached_limit,
            "gateway_usage_date": usage.day.isoformat(),
        }
    return attrs


def _tempo_state(colour: TempoColor | None) -> str | None:
    """Return a colour as the ENUM sensors' translated state ("blue"), or None."""
    return None if colour is None else colour.value.lower()


def _card_tempo_state(colour: TempoColor | None) -> str | None:
    """Return a colour as content-card-linky maps it ("BLUE"), or None (unknown)."""
    return None if colour is None else colour.value


def _tempo_date(days_ahead: int) -> Callable[[Snapshot], Mapping[str, Any]]:
    """Return the attributes of a colour sensor: its day, as the card reads it."""

    def attrs(data: Snapshot) -> Mapping[str, Any]:
        day = data.tempo.today + timedelta(days=days_ahead)
        return {"date": day.isoformat()}

    return attrs


def _days_left(tempo: TempoDays) -> int | None:
    """Return the season's days whose colour is not published yet."""
    return None if tempo.left is None else sum(tempo.left.values())


def _days_left_attrs(data: Snapshot) -> Mapping[str, Any]:
    """Return the days left of each colour: counts, and the card's "N / quota" texts."""
    tempo = data.tempo
    if tempo.left is None:
        return {}
    left, quotas = tempo.left, tempo.quotas
    return {
        **{
            f"days_{colour.lower()}": f"{left[colour]} / {quotas[colour]}"
            for colour in TempoColor
        },
        **{f"{colour.lower()}_days_left": left[colour] for colour in TempoColor},
    }


def _ecowatt(key: str, days_ahead: int) -> EnedisSensorEntityDescription:
    """Describe the EcoWatt sensor of a day: its level, its hours as the card reads them."""

    def value(data: Snapshot) -> SensorValue:
        signal = data.ecowatt.get(data.today + timedelta(days=days_ahead))
        return None if signal is None else signal.level

    def attrs(data: Snapshot) -> Mapping[str, Any]:
        day = data.today + timedelta(days=days_ahead)
        signal = data.ecowatt.get(day)
        # content-card-linky reads forecast with Object.entries: never leave it out.
        forecast = {} if signal is None else card_forecast(signal)
        return {"date": day.isoformat(), "forecast": forecast}

    return EnedisSensorEntityDescription(
        key=key,
        translation_key=key,
        value_fn=value,
        attrs_fn=attrs,
        exists_fn=lambda options: options.ecowatt,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _contract_value(attribute: str) -> Callable[[Snapshot], SensorValue]:
    def value(data: Snapshot) -> SensorValue:
        return getattr(data.contract, attribute, None) if data.contract else None

    return value


SENSORS: tuple[EnedisSensorEntityDescription, ...] = (
    _energy("yesterday_consumption", lambda s: s.last_day_kwh, attrs_fn=_day_attrs),
    _energy(
        "yesterday_consumption_hp", lambda s: s.last_day_hp_kwh, attrs_fn=_day_attrs
    ),
    _energy(
        "yesterday_consumption_hc", lambda s: s.last_day_hc_kwh, attrs_fn=_day_attrs
    ),
    _cost("yesterday_cost", lambda s: s.last_day_cost, attrs_fn=_day_attrs),
    _energy("current_week_consumption", lambda s: s.current_week_kwh),
    _energy("current_month_consumption", lambda s: s.current_month_kwh),
    _energy("current_year_consumption", lambda s: s.current_year_kwh),
    _energy("last_week_consumption", lambda s: s.last_week_kwh),
    _energy("last_month_consumption", lambda s: s.last_month_kwh),
    _energy("last_year_consumption", lambda s: s.last_year_kwh),
    _cost("current_month_cost", lambda s: s.current_month_cost),
    _cost("current_year_cost", lambda s: s.current_year_cost),
    EnedisSensorEntityDescription(
        key="best_plan",
        translation_key="best_plan",
        device_class=SensorDeviceClass.ENUM,
        options=["base", "hp_hc", "tempo"],
        value_fn=lambda data: data.consumption.best_plan,
        attrs_fn=_plan_attrs,
    ),
    EnedisSensorEntityDescription(
        key="max_power_yesterday",
        translation_key="max_power_yesterday",
        native_unit_of_measurement=KILO_VOLT_AMPERE,
        suggested_display_precision=2,
        value_fn=lambda data: data.consumption.max_power_kva,
        attrs_fn=_max_power_attrs,
        exists_fn=lambda options: (
            MeasureType.DAILY_CONSUMPTION_MAX_POWER in options.kinds
        ),
    ),
    _production("yesterday_production", lambda s: s.last_day_kwh),
    _production("current_month_production", lambda s: s.current_month_kwh),
    _production("current_year_production", lambda s: s.current_year_kwh),
    EnedisSensorEntityDescription(
        key="subscribed_power",
        translation_key="subscribed_power",
        native_unit_of_measurement=KILO_VOLT_AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_contract_value("subscribed_power_kva"),
    ),
    EnedisSensorEntityDescription(
        key="offpeak_hours",
        translation_key="offpeak_hours",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.offpeak_text or None,
    ),
    EnedisSensorEntityDescription(
        key="contract_status",
        translation_key="contract_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_contract_value("status"),
    ),
    EnedisSensorEntityDescription(
        key="api_calls_today",
        translation_key="api_calls_today",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.calls_today,
        attrs_fn=_calls_attrs,
    ),
    EnedisSensorEntityDescription(
        key="tempo_today",
        translation_key="tempo_today",
        device_class=SensorDeviceClass.ENUM,
        options=TEMPO_OPTIONS,
        value_fn=lambda data: _tempo_state(data.tempo.colour_today),
        attrs_fn=_tempo_date(0),
    ),
    EnedisSensorEntityDescription(
        key="tempo_tomorrow",
        translation_key="tempo_tomorrow",
        device_class=SensorDeviceClass.ENUM,
        options=TEMPO_OPTIONS,
        value_fn=lambda data: _tempo_state(data.tempo.colour_tomorrow),
        attrs_fn=_tempo_date(1),
    ),
    EnedisSensorEntityDescription(
        key="tempo_days_left",
        translation_key="tempo_days_left",
        native_unit_of_measurement=UnitOfTime.DAYS,
        value_fn=lambda data: _days_left(data.tempo),
        attrs_fn=_days_left_attrs,
    ),
    # content-card-linky maps the states "BLUE", "WHITE", "RED" of its J0 and J1
    # entities, which an ENUM sensor's translated lowercase states are not.
    EnedisSensorEntityDescription(
        key="tempo_card_today",
        translation_key="tempo_card_today",
        entity_registry_enabled_default=False,
        value_fn=lambda data: _card_tempo_state(data.tempo.colour_today),
        attrs_fn=_tempo_date(0),
    ),
    EnedisSensorEntityDescription(
        key="tempo_card_tomorrow",
        translation_key="tempo_card_tomorrow",
        entity_registry_enabled_default=False,
        value_fn=lambda data: _card_tempo_state(data.tempo.colour_tomorrow),
        attrs_fn=_tempo_date(1),
    ),
    _ecowatt("ecowatt_today", 0),
    _ecowatt("ecowatt_tomorrow", 1),
    _ecowatt("ecowatt_day_after", 2),
    EnedisSensorEntityDescription(
        key="history_completeness",
        translation_key="history_completeness",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.consumption.completeness_percent,
    ),
    EnedisSensorEntityDescription(
        key="last_data_date",
        translation_key="last_data_date",
        device_class=SensorDeviceClass.DATE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.consumption.last_data_date,
    ),
)

CARDS: tuple[EnedisSensorEntityDescription, ...] = (
    EnedisSensorEntityDescription(
        key="card",
        translation_key="card",
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value_fn=lambda data: data.card.state,
        attrs_fn=lambda data: data.card.attributes,
    ),
    EnedisSensorEntityDescription(
        key="production_card",
        translation_key="production_card",
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value_fn=lambda data: _card(data.production_card).state,
        attrs_fn=lambda data: _card(data.production_card).attributes,
        exists_fn=lambda options: options.production,
    ),
)


def _card(card: CardData | None) -> CardData:
    return card or CardData(state=None, attributes={})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnedisConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the sensors."""
    coordinator = entry.runtime_data.coordinator
    options = coordinator.options
    async_add_entities(
        [
            *(
                EnedisSensorEntity(coordinator, description)
                for description in SENSORS
                if description.exists_fn(options)
            ),
            *(
                EnedisCardSensorEntity(coordinator, description)
                for description in CARDS
                if description.exists_fn(options)
            ),
        ]
    )


class EnedisSensorEntity(EnedisEntity, SensorEntity):
    """A Linky sensor."""

    entity_description: EnedisSensorEntityDescription

    @property
    def native_value(self) -> SensorValue:
        """Return the value."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Return the attributes."""
        if self.entity_description.attrs_fn is None:
            return None
        return self.entity_description.attrs_fn(self.coordinator.data)


class EnedisCardSensorEntity(EnedisSensorEntity):
    """The sensor content-card-linky reads, with the original tool's entity id."""

    _unrecorded_attributes = frozenset({MATCH_ALL})

    def __init__(
        self,
        coordinator: EnedisCoordinator,
        description: EnedisSensorEntityDescription,
    ) -> None:
        """Initialize the card sensor with the entity id the card expects."""
        super().__init__(coordinator, description)
        suffix = "" if description.key == "card" else "_production"
        self.entity_id = f"sensor.enedisgateway_{coordinator.pdl}{suffix}"
