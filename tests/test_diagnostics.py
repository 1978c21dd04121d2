"""Diagnostics and repair issues, with the secrets kept out."""

from __future__ import annotations

from datetime import date
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.enedis_gateway.const import DOMAIN
from custom_components.enedis_gateway.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulator import Fault

from .conftest import PDL, TOKEN, Gateway, make_entry
from .helpers import RECENT, activated_on, advance, paris, setup

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)
INFLUX_TOKEN = "influx-secret-token-42"


async def test_diagnostics_redacted(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Coverage, budget and errors are there; token, PDL, title and address are not."""
    contract = activated_on(gateway, RECENT)
    gateway.sim.holes.add(paris("2026-11-10 00:00:00").date())
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(
        gateway,
        options={
            "max_calls_per_day": 45,
            "addresses": True,
            "influxdb_token": INFLUX_TOKEN,
        },
        contract=contract,
    )
    await setup(hass, entry)
    await advance(hass, freezer, 24 * 8)
    # HA's own diagnostics handler, called directly: the test client's login
    # would have expired over the simulated week.
    result = await async_get_config_entry_diagnostics(hass, entry)
    text = json.dumps(result)
    for secret in (TOKEN, PDL, INFLUX_TOKEN, "rue des Lilas", "69003"):
        assert secret not in text
    assert result["entry"]["data"]["access_token"] == "**REDACTED**"
    assert result["entry"]["title"] == "**REDACTED**"
    # Every day from the activation to yesterday (the 27th), less the hole.
    days = (date(2026, 11, 27) - RECENT).days + 1
    assert result["consumption"]["daily"]["days"] == days - 1
    assert result["fetch"]["skipped_days"] == {
        "consumption_load_curve": ["2026-11-10"],
        "daily_consumption": ["2026-11-10"],
        "daily_consumption_max_power": ["2026-11-10"],
    }
    assert result["fetch"]["last_error"] == ""
    assert result["addresses_stored"] is True
    # 09:00 on the 28th: the colours from the Tempo season's start (the activation
    # is later) to today (asked yesterday as tomorrow's); tomorrow's is asked from
    # 10:45, no Tempo call yet today.
    season = date(2026, 9, 1)
    assert result["tempo"] == {
        "days": (date(2026, 11, 28) - season).days + 1,
        "oldest": season.isoformat(),
        "newest": "2026-11-28",
        "calls_today": 0,
        "last_error": "",
    }


async def test_quota_issue_appears_and_goes(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """A quota reply raises a repair issue saying when calls resume, gone next day."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    await setup(hass, make_entry(gateway))
    gateway.sim.inject(Fault.QUOTA)
    await advance(hass, freezer, 24)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"quota_reached_{PDL}")
    assert issue is not None
    assert issue.translation_placeholders == {
        "pdl": PDL,
        "resume_at": "22/11/2026 00:00",
    }
    await advance(hass, freezer, 24)
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"quota_reached_{PDL}") is None


async def test_consent_issue_and_reauth(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """An expired consent at runtime starts a reauth and a repair issue; data is kept."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    await setup(hass, make_entry(gateway))
    card = hass.states.get(f"sensor.enedisgateway_{PDL}")
    gateway.sim.inject(Fault.CONSENT_EXPIRED, count=None)
    await advance(hass, freezer, 24)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"consent_expired_{PDL}")
    assert issue is not None
    assert issue.learn_more_url == "https://www.myelectricaldata.fr"
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    # The day's 15 calls were spent before the fault; on the next day one
    # refused call at 00:00 and one 6 hours later, none at every cycle.
    metering = [call for call in gateway.sim.calls if call.type != "tempo"]
    assert len(metering) == 15 + 2
    assert (
        hass.states.get(f"sensor.enedisgateway_{PDL}").attributes["daily"]
        == (card.attributes["daily"])
    )
    gateway.sim.clear_faults()
    # A refused token is tried again 6 hours later, not at every cycle.
    await advance(hass, freezer, 6)
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"consent_expired_{PDL}") is None
