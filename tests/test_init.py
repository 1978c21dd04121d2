"""Setup, unload, removal and recovery from an unreadable stored history."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.enedis_gateway.const import DOMAIN

from .conftest import PDL, Gateway, make_entry
from .test_coordinator import paris, setup

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


async def test_setup_unload_remove(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An entry loads, unloads cleanly and takes its stored history when removed."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(f"sensor.enedisgateway_{PDL}").state != "unavailable"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(f"sensor.enedisgateway_{PDL}").state == "unavailable"
    assert f"{DOMAIN}.{entry.entry_id}" in hass_storage
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{entry.entry_id}" not in hass_storage


@pytest.mark.parametrize(
    "stored",
    [
        {"version": 1, "minor_version": 1, "key": "x", "data": {"consumption": 12}},
        {"version": 1, "minor_version": 1, "key": "x", "data": {"calls_day": "nope"}},
        {"version": 99, "minor_version": 1, "key": "x", "data": {}},
    ],
    ids=["bad-layout", "bad-value", "future-version"],
)
async def test_unreadable_storage_is_kept_aside(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    stored: dict[str, Any],
) -> None:
    """A history that cannot be read is set aside; setup goes on with an empty one."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    key = f"{DOMAIN}.{entry.entry_id}"
    hass_storage[key] = {**stored, "key": key}
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    aside = hass_storage[f"{key}.unreadable"]
    assert aside["data"] == stored["data"]
    assert aside["version"] == stored["version"]
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"storage_unreadable_{PDL}")
    assert issue is not None
    assert issue.translation_placeholders["path"].endswith(f"{key}.unreadable")
    # The history is fetched again, within the budget.
    assert len(gateway.sim.calls) == 15
    assert hass.states.get(f"sensor.enedisgateway_{PDL}").state != "unknown"
