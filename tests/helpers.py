"""Plain helpers shared by the tests that run the integration in Home Assistant."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.enedis_gateway.linky.history import encode_contract
from custom_components.enedis_gateway.linky.parsing import parse_contract

from .conftest import PDL, Gateway

PARIS = dt_util.get_time_zone("Europe/Paris")
CARD = f"sensor.enedisgateway_{PDL}"
CALLS = f"sensor.linky_{PDL}_gateway_calls_today"
COMPLETENESS = f"sensor.linky_{PDL}_history_completeness"
# A meter activated on 2026-10-05: on 2026-11-20 its history is 46 days, fetched in
# one day at 15 calls (1 daily + 7 weeks of load curve + 1 max power), and the
# Energy statistics written are a twentieth of a full history's. For the tests
# whose point is not the depth of the history.
RECENT = date(2026, 10, 5)


def paris(text: str) -> datetime:
    """Return an aware Paris datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up an entry."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: int
) -> None:
    """Move the clock hour by hour, letting each cycle run."""
    for _ in range(hours):
        freezer.tick(timedelta(hours=1))
        async_fire_time_changed(hass)
        # Refreshes run as background tasks: let each finish before the clock moves.
        await hass.async_block_till_done(wait_background_tasks=True)


def activated_on(gateway: Gateway, day: date, pdl: str = PDL) -> dict[str, Any]:
    """Activate the simulated meter on a day; return its contract as the config flow keeps it.

    Give it to make_entry: an entry made by the config flow holds the contract, so
    its first fetch knows the activation date and asks for no day before it (a
    window reaching before it would be refused, and the days it holds given up).
    """
    gateway.sim.activation = day
    return encode_contract(parse_contract(gateway.sim._contracts(pdl), pdl))
