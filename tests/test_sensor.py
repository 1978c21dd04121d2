"""Sensors through Home Assistant: every value checked against the simulator's raw data."""

from __future__ import annotations

from datetime import date, timedelta
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.enedis_gateway.const import DEFAULT_OPTIONS
from simulator import Household
from simulator.tempo import tempo_color

from .conftest import PDL, Gateway, make_entry
from .helpers import activated_on, advance, paris, setup

PARIS = dt_util.get_time_zone("Europe/Paris")
PRICE_BASE = float(DEFAULT_OPTIONS["price_base"])  # type: ignore[arg-type]
PRICE_HP = float(DEFAULT_OPTIONS["price_hp"])  # type: ignore[arg-type]
PRICE_HC = float(DEFAULT_OPTIONS["price_hc"])  # type: ignore[arg-type]
CARD_KEYS = {
    "typeCompteur", "numPDL", "activationDate", "lastUpdate", "timeLastCall",
    "yesterdayDate", "yesterday", "day_2", "yesterdayLastYearDate", "yesterdayLastYear",
    "yesterday_evolution", "last_week", "current_week", "current_week_last_year",
    "current_week_evolution", "current_week_number", "last_month", "last_month_last_year",
    "monthly_evolution", "current_month", "current_month_last_year",
    "current_month_evolution", "last_year", "current_year", "current_year_last_year",
    "yearly_evolution", "daily", "dailyweek", "dailyweek_cost", "dailyweek_costHC",
    "dailyweek_costHP", "dailyweek_HC", "dailyweek_HP", "dailyweek_MP",
    "dailyweek_MP_over", "dailyweek_MP_time", "dailyweek_Tempo", "daily_cost",
    "yesterday_HC", "yesterday_HP", "yesterday_HC_cost", "yesterday_HP_cost",
    "peak_offpeak_percent", "offpeak_hours", "offpeak_hours_enedis", "subscribed_power",
    "errorLastCall", "versionUpdateAvailable", "versionGit",
    # The colours are fetched whatever the plan: the card's Tempo sections open.
    "serviceEnedis",
}  # fmt: skip
NUMBER_LISTS = (
    "daily", "dailyweek_cost", "dailyweek_costHC", "dailyweek_costHP", "dailyweek_HC",
    "dailyweek_HP", "dailyweek_MP",
)  # fmt: skip

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


def sensor(hass: HomeAssistant, key: str) -> float:
    """Return a numeric sensor state."""
    return float(hass.states.get(f"sensor.linky_{PDL}_{key}").state)


def split_day(household: Household, day: date) -> tuple[float, float]:
    """Return (HP, HC) kWh of a day with off-peak hours 22:00-06:00, computed here."""
    hp = hc = 0.0
    for start, minutes, watts in household.curve(day):
        hour = start.astimezone(PARIS).hour
        kwh = watts * minutes / 60 / 1000
        if hour >= 22 or hour < 6:
            hc += kwh
        else:
            hp += kwh
    return hp, hc


def kwh(household: Household, first: date, last: date) -> float:
    """Return the kWh of the days first..last inclusive."""
    days = (last - first).days + 1
    return (
        sum(household.daily_wh(first + timedelta(days=n)) for n in range(days)) / 1000
    )


# Each case on another protocol: the truth must not depend on the wire.
@pytest.mark.parametrize(
    ("now", "protocol"),
    [
        # a year boundary
        ("2026-01-02 09:30:00", "enedis_gateway"),
        # the week holding the spring DST day (23 h)
        ("2026-03-30 09:30:00", "myelectricaldata"),
        # the week holding the autumn DST day (25 h)
        ("2026-10-26 09:30:00", "myelectricaldata_v2"),
    ],
)
async def test_sensor_values(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    now: str,
    protocol: str,
) -> None:
    """Each sensor equals the same period computed from the simulator's raw data."""
    end = paris(now)
    # The oldest day a sensor reads: the first of last year.
    contract = activated_on(gateway, date(end.year - 1, 1, 1))
    freezer.move_to(end - timedelta(days=3))
    options = {"max_calls_per_day": 45}
    entry = make_entry(gateway, protocol=protocol, options=options, contract=contract)
    await setup(hass, entry)
    await advance(hass, freezer, 72)
    assert sensor(hass, "history_completeness") == 100.0
    household = gateway.sim.household
    today = end.date()
    yesterday = today - timedelta(days=1)

    hp, hc = split_day(household, yesterday)
    total = household.daily_wh(yesterday) / 1000
    assert sensor(hass, "yesterday_s_consumption") == pytest.approx(total)
    assert sensor(hass, "yesterday_s_peak_hour_consumption") == pytest.approx(hp)
    assert sensor(hass, "yesterday_s_off_peak_consumption") == pytest.approx(hc)
    assert hp + hc == pytest.approx(total, abs=1e-9)
    assert sensor(hass, "yesterday_s_cost") == pytest.approx(
        hp * PRICE_HP + hc * PRICE_HC
    )

    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    year = today.replace(month=1, day=1)
    last_month_end = month - timedelta(days=1)
    expected = {
        "this_week_s_consumption": kwh(household, monday, yesterday)
        if monday < today
        else 0,
        "this_month_s_consumption": kwh(household, month, yesterday)
        if month < today
        else 0,
        "this_year_s_consumption": kwh(household, year, yesterday),
        "last_week_s_consumption": kwh(
            household, monday - timedelta(days=7), monday - timedelta(days=1)
        ),
        "last_month_s_consumption": kwh(
            household, last_month_end.replace(day=1), last_month_end
        ),
        "last_year_s_consumption": kwh(
            household, year.replace(year=year.year - 1), year - timedelta(days=1)
        ),
    }
    for key, value in expected.items():
        assert sensor(hass, key) == pytest.approx(value), key

    month_cost = sum(
        split_day(household, month + timedelta(days=n))[0] * PRICE_HP
        + split_day(household, month + timedelta(days=n))[1] * PRICE_HC
        for n in range((yesterday - month).days + 1)
    )
    assert sensor(hass, "this_month_s_cost") == pytest.approx(month_cost)

    # The plan verdict: the last 365 days of load curve under each plan.
    year_days = [yesterday - timedelta(days=n) for n in range(365)]
    splits = [split_day(household, day) for day in year_days]
    cost_base = sum(hp + hc for hp, hc in splits) * PRICE_BASE
    cost_hphc = sum(hp * PRICE_HP + hc * PRICE_HC for hp, hc in splits)
    plan = hass.states.get(f"sensor.linky_{PDL}_best_plan")
    assert plan.state == ("base" if cost_base <= cost_hphc else "hp_hc")
    assert plan.attributes["yearly_cost_base"] == pytest.approx(cost_base, abs=0.01)
    assert plan.attributes["yearly_cost_hp_hc"] == pytest.approx(cost_hphc, abs=0.01)
    assert plan.attributes["saving"] == pytest.approx(
        abs(cost_base - cost_hphc), abs=0.01
    )

    va, peak_at = household.max_power(yesterday)
    peak = hass.states.get(f"sensor.linky_{PDL}_yesterday_s_maximum_power")
    assert float(peak.state) == pytest.approx(va / 1000)
    assert peak.attributes["time"] == peak_at.isoformat()
    assert peak.attributes["over_subscribed_power"] is (va > 9000)
    assert sensor(hass, "subscribed_power") == 9.0
    assert hass.states.get(f"sensor.linky_{PDL}_newest_stored_day").state == str(
        yesterday
    )


@pytest.mark.parametrize(
    "protocol", ["myelectricaldata", "enedis_gateway", "myelectricaldata_v2"]
)
async def test_card_sensor_contract(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    protocol: str,
) -> None:
    """The content-card-linky sensor carries exactly the contract's attributes and types."""
    hole = date(2026, 11, 24)
    gateway.sim.holes.add(hole)
    freezer.move_to(paris("2026-11-25 09:30:00"))
    options = {"max_calls_per_day": 45}
    await setup(hass, make_entry(gateway, protocol=protocol, options=options))
    state = hass.states.get(f"sensor.enedisgateway_{PDL}")
    attributes = dict(state.attributes)
    assert state.attributes["unit_of_measurement"] == "kWh"
    for ha_key in ("unit_of_measurement", "friendly_name", "icon"):
        attributes.pop(ha_key, None)
    assert set(attributes) == CARD_KEYS
    json.dumps(attributes)
    household = gateway.sim.household
    # The hole is "yesterday": the newest complete day is the 23rd.
    assert attributes["yesterdayDate"] == "2026-11-23"
    assert float(state.state) == household.daily_wh(date(2026, 11, 23)) / 1000
    week = [date(2026, 11, 23) - timedelta(days=n) for n in range(7)]
    assert attributes["dailyweek"] == [day.isoformat() for day in week]
    assert attributes["daily"] == pytest.approx(
        [household.daily_wh(day) / 1000 for day in week], abs=0.001
    )
    for key in NUMBER_LISTS:
        values = attributes[key]
        assert isinstance(values, list), key
        assert len(values) == 7, key
        assert all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        )
    assert all(v in ("true", "false") for v in attributes["dailyweek_MP_over"])
    assert all(len(str(v)) == 19 for v in attributes["dailyweek_MP_time"])
    assert attributes["dailyweek_Tempo"] == [tempo_color(day) for day in week]
    assert attributes["serviceEnedis"] == "myElectricalData"
    assert attributes["errorLastCall"] == ""
    assert attributes["versionUpdateAvailable"] is False
    assert attributes["typeCompteur"] == "consommation"
    assert attributes["numPDL"] == PDL
    assert attributes["subscribed_power"] == "9 kVA"
    assert attributes["offpeak_hours_enedis"] == "HC (22H00-6H00)"
    scalars = {k: v for k, v in attributes.items() if not isinstance(v, list)}
    assert -1 not in scalars.values()
    assert None not in scalars.values()


async def test_missing_day_in_card_lists(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A day missing inside the week is -1 in every list but keeps its date."""
    hole = date(2026, 11, 21)
    gateway.sim.holes.add(hole)
    freezer.move_to(paris("2026-11-25 09:30:00"))
    await setup(hass, make_entry(gateway, options={"max_calls_per_day": 45}))
    attributes = hass.states.get(f"sensor.enedisgateway_{PDL}").attributes
    index = attributes["dailyweek"].index(hole.isoformat())
    assert index == 3
    for key in (*NUMBER_LISTS, "dailyweek_MP_over", "dailyweek_MP_time"):
        assert attributes[key][index] == -1, key
        assert -1 not in attributes[key][:index], key


async def test_options_change_costs_without_calls(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new price, plan or off-peak range changes the costs at once, with no call."""
    freezer.move_to(paris("2026-11-25 09:30:00"))
    entry = make_entry(gateway, options={"max_calls_per_day": 45})
    await setup(hass, entry)
    calls = len(gateway.sim.calls)
    household = gateway.sim.household
    yesterday = date(2026, 11, 24)
    total = household.daily_wh(yesterday) / 1000
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "plan": "BASE", "price_base": 0.3}
    )
    await hass.async_block_till_done()
    assert sensor(hass, "yesterday_s_cost") == pytest.approx(total * 0.3)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "plan": "HP/HC", "offpeak_hours": "0h00-8h00"}
    )
    await hass.async_block_till_done()
    hc = sum(
        watts / 2 / 1000
        for start, _, watts in household.curve(yesterday)
        if start.astimezone(PARIS).hour < 8
    )
    assert sensor(hass, "yesterday_s_off_peak_consumption") == pytest.approx(hc)
    assert sensor(hass, "yesterday_s_cost") == pytest.approx(
        (total - hc) * PRICE_HP + hc * PRICE_HC
    )
    assert hass.states.get(f"sensor.linky_{PDL}_off_peak_hours").state == "0h00-8h00"
    assert len(gateway.sim.calls) == calls


async def test_entities_snapshot(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The entity registry and states, beside the explicit assertions above."""
    freezer.move_to(paris("2026-11-25 09:30:00"))
    entry = make_entry(gateway, options={"max_calls_per_day": 45})
    await setup(hass, entry)
    entries = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert len(entries) == 31
    described = {}
    for entity_entry in sorted(entries, key=lambda item: item.entity_id):
        state = hass.states.get(entity_entry.entity_id)
        described[entity_entry.entity_id] = {
            "unique_id": entity_entry.unique_id,
            "translation_key": entity_entry.translation_key,
            "original_name": entity_entry.original_name,
            "device_class": entity_entry.original_device_class,
            "entity_category": entity_entry.entity_category,
            "disabled_by": entity_entry.disabled_by,
            "state": state.state if state else None,
            # Plain keys: newer Home Assistant keys shared attributes by a StrEnum
            # (EntityStateAttribute.FRIENDLY_NAME), which syrupy writes differently.
            "attributes": (
                {str(key): value for key, value in state.attributes.items()}
                if state
                else None
            ),
        }
    assert described == snapshot
