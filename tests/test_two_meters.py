"""Two PDLs on one Home Assistant: independent histories, budgets and faults."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.enedis_gateway.const import DOMAIN
from simulator import Fault, Household, Simulator
from simulator.testing import start_simulator

from .conftest import PDL, TOKEN, Gateway, make_entry, stored_calls
from .helpers import advance, paris, setup

OTHER_PDL = "98765432109876"

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)
# Small daily budgets: each call of the backfill brings a week of load curve, whose
# Energy statistics the recorder writes; independence does not need more.
FIRST_BUDGET = 6
SECOND_BUDGET = 4


async def test_two_meters_are_independent(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A fault on one meter's gateway leaves the other one's data and budget alone."""
    other_sim = Simulator(Household(seed=7), token=TOKEN, pdls=(OTHER_PDL,))
    other = Gateway(sim=other_sim, running=await start_simulator(other_sim))
    freezer.move_to(paris("2026-11-20 09:00:00"))
    first = make_entry(gateway, options={"max_calls_per_day": FIRST_BUDGET})
    second = make_entry(
        other, pdl=OTHER_PDL, options={"max_calls_per_day": SECOND_BUDGET}
    )
    await setup(hass, first)
    await setup(hass, second)
    assert len(gateway.sim.calls) == FIRST_BUDGET
    assert len(other_sim.calls) == SECOND_BUDGET

    other_sim.inject(Fault.SERVER_ERROR, count=None)
    await advance(hass, freezer, 24)
    first_card = hass.states.get(f"sensor.enedisgateway_{PDL}").attributes
    second_card = hass.states.get(f"sensor.enedisgateway_{OTHER_PDL}").attributes
    assert first_card["errorLastCall"] == ""
    assert second_card["errorLastCall"] != ""
    assert (
        first_card["daily"][0]
        == gateway.sim.household.daily_wh(paris("2026-11-20 00:00:00").date()) / 1000
    )
    assert second_card["daily"] != first_card["daily"]
    assert len(gateway.sim.calls) == 2 * FIRST_BUDGET
    first_data = hass_storage[f"{DOMAIN}.{first.entry_id}"]["data"]
    second_data = hass_storage[f"{DOMAIN}.{second.entry_id}"]["data"]
    assert stored_calls(hass_storage, PDL) == FIRST_BUDGET
    assert len(first_data["consumption"]["curve"]) > len(
        second_data["consumption"]["curve"]
    )
    # Each meter's Energy dashboard statistic holds its own household's energy.
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    day = paris("2026-11-19 00:00:00")
    ids = {f"enedis_gateway:{pdl}_consumption": pdl for pdl in (PDL, OTHER_PDL)}
    changes = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        day,
        day + timedelta(days=1),
        set(ids),
        "day",
        None,
        {"change"},
    )
    households = {PDL: gateway.sim.household, OTHER_PDL: other_sim.household}
    for stat_id, pdl in ids.items():
        assert changes[stat_id][0]["change"] == pytest.approx(
            households[pdl].daily_wh(day.date()) / 1000
        )
    await other.running.close()
