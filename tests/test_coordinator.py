"""History engine through Home Assistant: budget, backfill, restart, holes, retries.

The whole 3-year cold backfill (calls and statistics) is one test, in
test_statistics.py: the recorder writing its statistics is most of its time.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.enedis_gateway.const import DOMAIN
from simulator import Fault

from .conftest import Gateway, make_entry, stored_calls
from .helpers import (
    CALLS,
    CARD,
    COMPLETENESS,
    PARIS,
    RECENT,
    activated_on,
    advance,
    paris,
    setup,
)

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


def calls_per_day(gateway: Gateway) -> Counter[date]:
    """Count the served calls per Paris-local day."""
    return Counter(call.at.astimezone(PARIS).date() for call in gateway.sim.calls)


def stored(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """Return the stored history of an entry."""
    return hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]


async def test_entry_without_contract_keeps_history_after_activation(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An entry of 0.1.0 (no contract kept) plans again once the contract is read."""
    gateway.sim.activation = RECENT
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options={"max_calls_per_day": 45})
    await setup(hass, entry)
    refused = [call for call in gateway.sim.calls if call.status != "ok"]
    assert refused == []
    data = stored(hass_storage, entry)
    daily = data["consumption"]["daily"]
    # Every day from the activation to yesterday, and no floor learned past it.
    assert min(daily) == RECENT.isoformat()
    assert len(daily) == (date(2026, 11, 19) - RECENT).days + 1
    assert data["floor"] == {}


@pytest.mark.parametrize("hours", [0, 15, 39, 24 * 5])
async def test_restart_makes_no_call(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    hours: int,
) -> None:
    """A restart at any point of the backfill keeps everything and calls nothing."""
    # 60 days, 11 calls: at 5 calls a day (the first day 5, then 2 of the backfill
    # at midnight, 3 kept for the new day) the backfill takes 4 days, so 0, 15 and
    # 39 hours fall in its first 3 days, 120 hours after its end.
    contract = activated_on(gateway, date(2026, 9, 21))
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options={"max_calls_per_day": 5}, contract=contract)
    await setup(hass, entry)
    await advance(hass, freezer, hours)
    card = hass.states.get(CARD).attributes
    before = stored(hass_storage, entry)
    calls = len(gateway.sim.calls)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(gateway.sim.calls) == calls
    assert hass.states.get(CARD).attributes["daily"] == card["daily"]
    after = stored(hass_storage, entry)
    for kind, days in before["consumption"].items():
        assert days.items() <= after["consumption"][kind].items()
    assert str(stored_calls(hass_storage)) == hass.states.get(CALLS).state


async def test_steady_state_late_publication(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once complete, a new day costs one call per type; a 17:00 publication costs ≤ 3 more."""
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-20 09:00:00"))
    await setup(
        hass,
        make_entry(gateway, options={"max_calls_per_day": 45}, contract=contract),
    )
    await advance(hass, freezer, 24 * 3)
    assert hass.states.get(COMPLETENESS).state == "100.0"
    # Now 2026-11-23 09:00: the 22nd cost one call per type; the 23rd will be
    # published at 17:00 on the 24th.
    assert Counter(
        call.type for call in gateway.sim.calls if call.start == date(2026, 11, 22)
    ) == {
        "daily_consumption": 1,
        "consumption_load_curve": 1,
        "daily_consumption_max_power": 1,
    }
    gateway.sim.late_days[date(2026, 11, 23)] = paris("2026-11-24 17:00:00")
    await advance(hass, freezer, 48)
    card = hass.states.get(CARD).attributes
    assert card["dailyweek"][:2] == ["2026-11-24", "2026-11-23"]
    assert -1 not in card["daily"]
    late = [call for call in gateway.sim.calls if call.start == date(2026, 11, 23)]
    # Tried at 08:xx and 12:xx in vain, fetched at 17:xx: 2 extra calls per type.
    assert len(late) == 3 * 3


async def test_hole_blacklisted_after_seven_attempts(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A day never returned costs at most 7 calls, then is asked again only after a clear."""
    contract = activated_on(gateway, RECENT)
    hole = date(2026, 11, 10)
    gateway.sim.holes.add(hole)
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options={"max_calls_per_day": 45}, contract=contract)
    await setup(hass, entry)
    await advance(hass, freezer, 24 * 10)

    def asked(call: Any) -> bool:
        return call.start is not None and call.start <= hole < call.end

    per_type = Counter(call.type for call in gateway.sim.calls if asked(call))
    assert set(per_type) == {
        "daily_consumption",
        "consumption_load_curve",
        "daily_consumption_max_power",
    }
    assert max(per_type.values()) <= 7
    blacklist = stored(hass_storage, entry)["blacklist"]
    assert blacklist == {kind: [hole.isoformat()] for kind in per_type}
    gateway.sim.reset_calls()
    await advance(hass, freezer, 24 * 2)
    assert not [call for call in gateway.sim.calls if asked(call)]
    await hass.services.async_call(
        DOMAIN, "retry_skipped_days", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await hass.async_block_till_done()
    assert len([call for call in gateway.sim.calls if asked(call)]) == 3


@pytest.mark.parametrize("protocol", ["myelectricaldata", "enedis_gateway"])
async def test_fault_keeps_last_values(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    protocol: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server fault leaves the entities on their last good values, logged once."""
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-20 09:00:00"))
    options = {"max_calls_per_day": 45}
    await setup(
        hass, make_entry(gateway, protocol=protocol, options=options, contract=contract)
    )
    await advance(hass, freezer, 48)
    before = hass.states.get(CARD)
    gateway.sim.inject(Fault.SERVER_ERROR, count=None)
    await advance(hass, freezer, 24)
    after = hass.states.get(CARD)
    assert after.state == before.state
    assert after.attributes["errorLastCall"] != ""
    assert caplog.text.count("keeping the stored data") == 1
    gateway.sim.clear_faults()
    await advance(hass, freezer, 2)
    assert hass.states.get(CARD).attributes["errorLastCall"] == ""
    assert hass.states.get(CARD).attributes["yesterdayDate"] == "2026-11-22"


async def test_auth_error_starts_reauth(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """An expired consent at setup starts a reauth flow."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    gateway.sim.inject(Fault.CONSENT_EXPIRED, count=None)
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_quota_stops_until_next_day(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """A quota reply stops every call until the next Paris-local day."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    await setup(hass, make_entry(gateway, options={"max_calls_per_day": 5}))
    gateway.sim.inject(Fault.QUOTA)
    freezer.move_to(paris("2026-11-21 09:00:00"))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert calls_per_day(gateway)[date(2026, 11, 21)] == 1
    await advance(hass, freezer, 14)
    assert calls_per_day(gateway)[date(2026, 11, 21)] == 1
    await advance(hass, freezer, 10)
    assert calls_per_day(gateway)[date(2026, 11, 22)] == 5
