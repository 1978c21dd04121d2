"""Replies that parse but lie: days nobody asked for, absurd values, newest first, echoed tokens."""

from __future__ import annotations

from datetime import date, datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.enedis_gateway.const import DOMAIN
from custom_components.enedis_gateway.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulator import Fault

from .conftest import PDL, TOKEN, Gateway, make_entry
from .helpers import CARD, advance, paris, setup

NEWEST_DAY = f"sensor.linky_{PDL}_newest_stored_day"
PROTOCOLS = ["myelectricaldata", "enedis_gateway"]
SERIES = {
    "daily": "daily_consumption",
    "curve": "consumption_load_curve",
    "max_power": "daily_consumption_max_power",
}

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


def stored(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """Return the stored history of an entry."""
    return hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]


def readings(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """Return a copy of the stored consumption readings."""
    consumption = stored(hass_storage, entry)["consumption"]
    return {series: dict(consumption[series]) for series in SERIES}


def asked_days(gateway: Gateway, kind: str) -> set[str]:
    """Return the days of every window asked for a type."""
    return {
        (call.start + timedelta(days=offset)).isoformat()
        for call in gateway.sim.calls
        if call.type == kind and call.start is not None and call.end is not None
        for offset in range((call.end - call.start).days)
    }


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_out_of_window_days_are_not_stored(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    protocol: str,
) -> None:
    """Today's partial day, a day in 2030 and an old unasked day never reach the store."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    gateway.sim.inject(Fault.OUT_OF_WINDOW_DAYS, count=None)
    entry = make_entry(gateway, protocol=protocol)
    await setup(hass, entry)

    assert {call.status for call in gateway.sim.calls if call.start} == {
        "fault:out_of_window_days"
    }
    stored_readings = readings(hass_storage, entry)
    for series, kind in SERIES.items():
        assert stored_readings[series]
        assert max(stored_readings[series]) == "2026-11-19"
        assert set(stored_readings[series]) <= asked_days(gateway, kind)
    card = hass.states.get(CARD)
    assert card.attributes["yesterdayDate"] == "2026-11-19"
    assert (
        float(card.state) == gateway.sim.household.daily_wh(date(2026, 11, 19)) / 1000
    )
    assert hass.states.get(NEWEST_DAY).state == "2026-11-19"


@pytest.mark.parametrize("value", ["18446744073709551616", "1e308", "-5000"])
async def test_absurd_values_are_rejected(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    value: str,
) -> None:
    """A reply holding an impossible value is refused whole; the store keeps saving."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    await setup(hass, entry)
    before = readings(hass_storage, entry)
    card = hass.states.get(CARD)
    assert card.attributes["yesterdayDate"] == "2026-11-19"

    gateway.sim.absurd_value = value
    gateway.sim.inject(Fault.ABSURD_VALUE, count=None)
    await advance(hass, freezer, 24)

    assert any(
        call.status == "fault:absurd_value" and call.start == date(2026, 11, 20)
        for call in gateway.sim.calls
    )
    assert readings(hass_storage, entry) == before
    data = stored(hass_storage, entry)
    # Saved after the new day's calls: the file is still writable.
    assert datetime.fromisoformat(data["last_call"]) >= paris("2026-11-21 08:00:00")
    assert "value out of physical bounds" in data["last_error"]
    assert all(wh >= 0 for wh in data["consumption"]["daily"].values())
    during = hass.states.get(CARD)
    assert during.state == card.state
    assert during.attributes["daily"] == card.attributes["daily"]
    assert "value out of physical bounds" in during.attributes["errorLastCall"]


async def test_autumn_day_newest_first(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A load curve sent newest-first keeps both copies of the repeated autumn hour."""
    day = date(2026, 10, 25)
    freezer.move_to(paris("2026-10-26 09:00:00"))
    gateway.sim.inject(Fault.REVERSED_ORDER, count=None)
    entry = make_entry(gateway)
    await setup(hass, entry)

    assert any(
        call.status == "fault:reversed_order"
        and call.type == "consumption_load_curve"
        and call.start is not None
        and call.end is not None
        and call.start <= day < call.end
        for call in gateway.sim.calls
    )
    consumption = stored(hass_storage, entry)["consumption"]
    minutes, values = consumption["curve"][day.isoformat()].split("|")
    watts = values.split(",")
    assert minutes == "30"
    assert len(watts) == 50
    assert "" not in watts
    household = gateway.sim.household
    assert [int(w) for w in watts] == [w for _, _, w in household.curve(day)]
    assert sum(int(w) for w in watts) // 2 == household.daily_wh(day)
    assert consumption["daily"][day.isoformat()] == household.daily_wh(day)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_token_echo_is_redacted(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    protocol: str,
) -> None:
    """A gateway echoing the token lower-cased or cut leaks it nowhere."""
    caplog.set_level(logging.DEBUG, logger="custom_components.enedis_gateway")
    freezer.move_to(paris("2026-11-20 09:00:00"))
    # The daily energy comes in, then the max power call fails with the echo.
    gateway.sim.inject(
        Fault.TOKEN_ECHO, count=None, types={"daily_consumption_max_power"}
    )
    entry = make_entry(gateway, protocol=protocol)
    await setup(hass, entry)

    assert any(call.status == "fault:token_echo" for call in gateway.sim.calls)
    error = hass.states.get(CARD).attributes["errorLastCall"]
    assert "**REDACTED**" in error
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    for text in (caplog.text, error, repr(diagnostics)):
        lowered = text.lower()
        assert TOKEN.lower() not in lowered
        assert TOKEN[:10].lower() not in lowered
