"""The call budget holds whatever happens: concurrency, reloads, shared tokens, flows, clocks."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.enedis_gateway.config_flow import SECTION_ADVANCED
from custom_components.enedis_gateway.const import CONF_GATEWAY, CONF_PDL, DOMAIN
from simulator import Fault

from .conftest import PDL, TOKEN, Gateway, make_entry
from .helpers import CALLS, CARD, PARIS, advance, paris, setup

OTHER_PDL = "98765432109876"
DAY_ONE = date(2026, 11, 20)
DAY_TWO = date(2026, 11, 21)
# A small daily budget: the guards do not depend on its size, and each call of the
# backfill brings a week of load curve whose Energy statistics the recorder writes.
BUDGET = 5
OPTIONS = {"max_calls_per_day": BUDGET}

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


def per_day(gateway: Gateway) -> Counter[date]:
    """Count the calls that reached the gateway per Paris day of the gateway's clock."""
    return Counter(call.at.astimezone(PARIS).date() for call in gateway.sim.calls)


async def run_action(hass: HomeAssistant, entry: MockConfigEntry, action: str) -> None:
    """Call one of the integration's actions on an entry."""
    await hass.services.async_call(
        DOMAIN, action, {"config_entry_id": entry.entry_id}, blocking=True
    )


@pytest.mark.parametrize("action", ["retry_skipped_days", "wipe_cache"])
async def test_action_during_refresh_spends_one_budget(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    action: str,
) -> None:
    """An action pressed while the hourly refresh runs waits for it: 5 calls, not 9."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options=OPTIONS)
    await setup(hass, entry)
    freezer.move_to(paris("2026-11-21 09:00:00"))
    async_fire_time_changed(hass)  # the hourly refresh starts
    await run_action(hass, entry, action)  # and the action runs meanwhile
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, 3)
    assert per_day(gateway) == {DAY_ONE: BUDGET, DAY_TWO: BUDGET}
    assert hass.states.get(CALLS).state == str(BUDGET)


@pytest.mark.parametrize("trigger", ["refresh", "retry_skipped_days"])
async def test_reload_during_refresh_spends_one_budget(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    trigger: str,
) -> None:
    """A reload while a refresh runs: the new coordinator continues the same count."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options=OPTIONS)
    await setup(hass, entry)
    freezer.move_to(paris("2026-11-21 09:00:00"))
    if trigger == "refresh":
        async_fire_time_changed(hass)
    else:
        hass.async_create_task(run_action(hass, entry, trigger))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, 3)
    # A call counted, then cancelled by the unload before it left, stays counted.
    assert per_day(gateway)[DAY_ONE] == BUDGET
    assert BUDGET - 1 <= per_day(gateway)[DAY_TWO] <= BUDGET
    assert hass.states.get(CALLS).state == str(BUDGET)


@pytest.mark.parametrize(
    ("first_budget", "second_budget"), [(45, 15), (45, 45), (20, 45)]
)
async def test_meters_sharing_a_token_never_pass_the_ceiling(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    first_budget: int,
    second_budget: int,
) -> None:
    """Two PDLs on one token make 45 calls a day between them, never 51 (a ban)."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    first = make_entry(gateway, options={"max_calls_per_day": first_budget})
    second = make_entry(
        gateway, pdl=OTHER_PDL, options={"max_calls_per_day": second_budget}
    )
    await setup(hass, first)
    await setup(hass, second)
    await advance(hass, freezer, 24)
    assert per_day(gateway) == {DAY_ONE: 45, DAY_TWO: 45}
    assert gateway.sim.banned_until is None
    first_calls = Counter(
        call.at.astimezone(PARIS).date()
        for call in gateway.sim.calls
        if call.pdl == PDL
    )
    assert first_calls[DAY_ONE] == first_budget
    # The options form says who shares the token and what is left today.
    result = await hass.config_entries.options.async_init(first.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    placeholders = result["description_placeholders"]
    assert placeholders["meters"] == f"Linky {PDL}, Linky {OTHER_PDL}"
    assert placeholders["meter_count"] == "2"
    assert placeholders["token_calls"] == "45"
    assert placeholders["token_left"] == "0"


async def test_config_flow_calls_are_counted(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Each check of the user step is a counted call; past the budget, a form error."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    user_input = {
        CONF_GATEWAY: "myelectricaldata",
        CONF_ACCESS_TOKEN: TOKEN,
        CONF_PDL: "11111111111111",  # not linked to the token: refused, but a call
        SECTION_ADVANCED: {CONF_URL: gateway.url("myelectricaldata")},
    }
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    errors = Counter()
    for _ in range(17):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input
        )
        errors[
            result["errors"]["base" if "base" in result["errors"] else CONF_PDL]
        ] += 1
    assert errors == {"invalid_pdl": 15, "budget_exhausted": 2}
    assert len(gateway.sim.calls) == 15


@pytest.mark.parametrize("source", ["reauth", "reconfigure"])
async def test_flows_refused_past_the_budget(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    source: str,
) -> None:
    """Reauth and reconfigure make no call once the day's budget is spent."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    await setup(hass, entry)
    calls = len(gateway.sim.calls)
    if source == "reauth":
        result = await entry.start_reauth_flow(hass)
        user_input: dict[str, Any] = {CONF_ACCESS_TOKEN: TOKEN}
    else:
        result = await entry.start_reconfigure_flow(hass)
        user_input = {
            CONF_GATEWAY: "myelectricaldata",
            CONF_ACCESS_TOKEN: TOKEN,
            CONF_PDL: PDL,
            SECTION_ADVANCED: {},
        }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "budget_exhausted"}
    assert len(gateway.sim.calls) == calls


async def test_clock_going_back_gives_no_second_budget(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """A clock stepped back a day and forward again: no call past the day's budget."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options=OPTIONS)
    await setup(hass, entry)
    for moment in ("2026-11-19 09:00:00", "2026-11-20 10:00:00"):
        freezer.move_to(paris(moment))
        await run_action(hass, entry, "retry_skipped_days")
        await advance(hass, freezer, 3)
    assert len(gateway.sim.calls) == BUDGET
    assert hass.states.get(CALLS).state == str(BUDGET)
    # The next real day has its own budget.
    freezer.move_to(paris("2026-11-21 09:00:00"))
    await advance(hass, freezer, 1)
    assert per_day(gateway)[DAY_TWO] == BUDGET


@pytest.mark.parametrize("file", ["history", "budget"])
async def test_negative_stored_count_is_not_trusted(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    file: str,
) -> None:
    """A stored count of -36 gives no extra call: the day counts as spent."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, options=OPTIONS)
    if file == "history":
        key = f"{DOMAIN}.{entry.entry_id}"
        data: dict[str, Any] = {"calls_day": "2026-11-20", "calls_count": -36}
    else:
        key = f"{DOMAIN}.budget"
        data = {"day": "2026-11-20", "counts": {f"pdl:{PDL}": -36}}
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": data}
    await setup(hass, entry)
    await advance(hass, freezer, 3)
    assert gateway.sim.calls == []
    freezer.move_to(paris("2026-11-21 09:00:00"))
    await advance(hass, freezer, 1)
    assert per_day(gateway) == {DAY_TWO: BUDGET}


@pytest.mark.parametrize("resource", ["addresses", "contracts"])
async def test_resource_without_data_is_asked_once_a_day(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    resource: str,
) -> None:
    """A gateway answering 404 for the address or contract costs one call a day, no more."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    gateway.sim.inject(Fault.NO_DATA, count=None, types={resource})
    entry = make_entry(gateway, options={**OPTIONS, "addresses": True})
    await setup(hass, entry)
    await advance(hass, freezer, 30)
    asked = Counter(
        call.at.astimezone(PARIS).date()
        for call in gateway.sim.calls
        if call.type == resource
    )
    assert asked == {DAY_ONE: 1, DAY_TWO: 1}
    # The measurements still flow, and nothing unexpected was logged.
    assert hass.states.get(CARD).attributes["yesterdayDate"] == "2026-11-20"
    assert "Unexpected error" not in caplog.text
