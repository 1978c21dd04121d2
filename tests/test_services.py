"""Buttons and actions: one-shot, costing only the calls they need, with clear errors."""

from __future__ import annotations

from collections import Counter
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.enedis_gateway.const import DOMAIN
from simulator import Fault

from .conftest import PDL, Gateway, make_entry
from .helpers import RECENT, activated_on, advance, paris, setup

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


async def press(hass: HomeAssistant, name: str) -> None:
    """Press one of the integration's buttons."""
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: f"button.linky_{PDL}_{name}"},
        blocking=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)


async def setup_complete(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Set up an entry and let its history complete, then three days go by."""
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-20 09:00:00"))
    await setup(
        hass,
        make_entry(gateway, options={"max_calls_per_day": 45}, contract=contract),
    )
    await advance(hass, freezer, 72)
    assert hass.states.get(f"sensor.linky_{PDL}_history_completeness").state == "100.0"


async def test_refresh_contract_and_addresses(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Each refresh costs one call and shows the new contract at once."""
    await setup_complete(hass, gateway, freezer)
    assert hass.states.get(f"sensor.linky_{PDL}_subscribed_power").state == "9.0"
    gateway.sim.reset_calls()
    gateway.sim.subscribed_power = "12 kVA"
    await press(hass, "refresh_contract")
    assert [call.type for call in gateway.sim.calls] == ["contracts"]
    assert hass.states.get(f"sensor.linky_{PDL}_subscribed_power").state == "12.0"
    assert (
        hass.states.get(f"sensor.enedisgateway_{PDL}").attributes["subscribed_power"]
        == "12 kVA"
    )
    await press(hass, "refresh_address")
    assert [call.type for call in gateway.sim.calls] == ["contracts", "addresses"]
    # The new day's 3 calls, then one call for each refresh.
    assert hass.states.get(f"sensor.linky_{PDL}_gateway_calls_today").state == "5"


async def test_refresh_refused_when_budget_spent(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """No call beyond the daily budget: a translated error instead."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    await setup(hass, make_entry(gateway))
    calls = len(gateway.sim.calls)
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, "refresh_contract")
    assert err.value.translation_key == "budget_exhausted"
    assert len(gateway.sim.calls) == calls


async def test_refresh_failure_is_reported(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """A gateway fault during a refresh is a translated error; the contract is kept."""
    await setup_complete(hass, gateway, freezer)
    gateway.sim.inject(Fault.SERVER_ERROR)
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, "refresh_contract")
    assert err.value.translation_key == "refresh_failed"
    assert hass.states.get(f"sensor.linky_{PDL}_subscribed_power").state == "9.0"


async def test_wipe_cache_refetches_within_budget(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Wiping forgets the readings, keeps the call counter and starts the backfill again."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options={"max_calls_per_day": 20})
    await setup(hass, entry)
    await hass.services.async_call(
        DOMAIN, "wipe_cache", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    # 20 calls were already spent today: nothing more until tomorrow.
    assert Counter(call.at.date() for call in gateway.sim.calls) == {
        paris("2026-11-20 09:00:00").date(): 20
    }
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]
    assert stored["consumption"]["daily"] == {}
    assert stored["contract"] is not None
    await advance(hass, freezer, 24)
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]
    assert len(stored["consumption"]["daily"]) >= 1095


@pytest.mark.parametrize(
    ("entry_id", "key"),
    [("not-an-entry", "entry_not_found"), ("other", "entry_not_found")],
)
async def test_action_bad_target(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    entry_id: str,
    key: str,
) -> None:
    """An action aimed at something that is not one of our entries is refused."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    await setup(hass, make_entry(gateway))
    other = MockConfigEntry(domain="sun", entry_id="other")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "refresh_contract", {"config_entry_id": entry_id}, blocking=True
        )
    assert err.value.translation_key == key


async def test_action_on_unloaded_entry(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """An action aimed at an unloaded entry is refused with its title."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    await setup(hass, entry)
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "retry_skipped_days",
            {"config_entry_id": entry.entry_id},
            blocking=True,
        )
    assert err.value.translation_key == "entry_not_loaded"
    assert err.value.translation_placeholders == {"title": f"Linky {PDL}"}


async def test_old_action_name_still_works_with_a_repair_issue(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """clear_blacklist (0.1.0) runs retry_skipped_days and asks for the new name."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    await setup(hass, entry)
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, "deprecated_action_clear_blacklist") is None
    await hass.services.async_call(
        DOMAIN, "clear_blacklist", {"config_entry_id": entry.entry_id}, blocking=True
    )
    issue = registry.async_get_issue(DOMAIN, "deprecated_action_clear_blacklist")
    assert issue is not None
    assert issue.translation_placeholders == {
        "old": "enedis_gateway.clear_blacklist",
        "new": "enedis_gateway.retry_skipped_days",
    }


async def test_renamed_button_keeps_its_entity(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """The button of 0.1.0 (unique id ..._clear_blacklist) keeps its entity id."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    old = registry.async_get_or_create(
        "button",
        DOMAIN,
        f"{PDL}_clear_blacklist",
        config_entry=entry,
        suggested_object_id=f"linky_{PDL}_retry_given_up_days",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert registry.async_get(old.entity_id).unique_id == f"{PDL}_retry_skipped_days"
    assert (
        registry.async_get_entity_id("button", DOMAIN, f"{PDL}_clear_blacklist") is None
    )
    assert hass.states.get(old.entity_id) is not None
