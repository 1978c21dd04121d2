"""The fault matrix: whatever the gateway does, nothing is lost, leaked or over-spent."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.enedis_gateway.const import DOMAIN
from custom_components.enedis_gateway.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.enedis_gateway.linky.budget import day_of, gateway_clock
from custom_components.enedis_gateway.linky.models import SITE_URLS, Gateway as Protocol
from simulator import Fault
from simulator.testing import start_simulator

from .conftest import PDL, TOKEN, Gateway, make_entry
from .helpers import activated_on, advance, paris, setup

CARD = f"sensor.enedisgateway_{PDL}"
COMPLETENESS = f"sensor.linky_{PDL}_history_completeness"
AUTH_FAULTS = {Fault.UNAUTHORIZED, Fault.CONSENT_EXPIRED}
QUOTA_FAULTS = {Fault.QUOTA, "ban"}
# The v2 batch endpoints read an inclusive end; the call log keeps the dates as sent.
INCLUSIVE_END = {
    ("myelectricaldata_v2", "consumption_load_curve"),
    ("myelectricaldata_v2", "production_load_curve"),
}
# The v2 API brings the 46 days in 3 calls (a batch serves 729 days of load curve):
# its backfill ends on the first day, and the fault hits the next day's new data.
ONE_DAY_BACKFILL = {"myelectricaldata_v2"}
# The faults under which the card still moves on to the new day. Without the load
# curve the daily data still flows, except on v2, whose daily endpoint never serves
# yesterday: there the card stays on the day before, shown from the curve already.
# v2 has no 24 h ban: its no-cache limit lifts at 00:00 UTC and the batch calls
# count in the cached bucket, so yesterday's curve still comes in.
NEW_DAY_DURING = {
    (Fault.NO_LOAD_CURVE, "myelectricaldata"),
    (Fault.NO_LOAD_CURVE, "enedis_gateway"),
    ("ban", "myelectricaldata_v2"),
}
# A quota refusal holds until the gateway's day ends. On v2 the "ban" refuses the
# call of 00:00 Paris (23:00 UTC) and lifts an hour later: its repair is gone by 09:00.
QUOTA_LIFTED = {("ban", "myelectricaldata_v2")}
# A client timeout cannot elapse under a frozen clock; the client's own tests
# (tests/test_client.py) cover it with a short timeout against the simulator.
FAULTS = [
    fault
    for fault in Fault
    if fault
    not in {
        Fault.TIMEOUT,
        Fault.OUT_OF_WINDOW_DAYS,
        Fault.ABSURD_VALUE,
        Fault.REVERSED_ORDER,
        Fault.TOKEN_ECHO,
        Fault.NO_DATA,
    }
] + [
    "ban",
    "connection_refused",
]

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


# A small budget for a small history: the backfill spans the day of the fault.
MAX_CALLS = 6


@pytest.fixture
def activation() -> date:
    """Return a meter activated in October: the matrix is about faults, not depth.

    Its 46 days take 9 calls on the original protocols (the entry holds the
    contract, as the config flow leaves it). At 6 calls a day, the first day takes
    the newest window of each type and 3 older weeks of load curve; the day of the
    fault starts with the last 3 weeks at midnight (3 calls are kept for the new
    day, published from 08:00), so the fault falls in the middle of the backfill.
    The Energy statistics written are a twentieth of a full history's; the 3-year
    backfill has its own test (test_statistics.py).
    """
    return date(2026, 10, 5)


def readings(hass_storage: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """Return a copy of the stored readings."""
    data = hass_storage[f"{DOMAIN}.{entry_id}"]["data"]["consumption"]
    return {key: dict(value) for key, value in data.items()}


def contains(after: dict[str, Any], before: dict[str, Any]) -> bool:
    """Return True when every reading stored before is still there, unchanged."""
    return all(
        after[kind].get(day) == value
        for kind, days in before.items()
        for day, value in days.items()
    )


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    "protocol", ["myelectricaldata", "enedis_gateway", "myelectricaldata_v2"]
)
async def test_fault_matrix(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    protocol: str,
    fault: str,
    activation: date,
) -> None:
    """A fault for a day in the middle of the backfill, then recovery."""
    caplog.set_level(logging.DEBUG, logger="custom_components.enedis_gateway")
    freezer.move_to(paris("2026-11-20 09:00:00"))
    contract = activated_on(gateway, activation)
    options = {"max_calls_per_day": MAX_CALLS}
    entry = make_entry(gateway, protocol=protocol, options=options, contract=contract)
    await setup(hass, entry)
    before = readings(hass_storage, entry.entry_id)
    card = hass.states.get(CARD)
    assert card.state not in ("unknown", "unavailable")
    complete = hass.states.get(COMPLETENESS).state == "100.0"
    assert complete is (protocol in ONE_DAY_BACKFILL)

    if fault == "ban":
        # The next day's third call is refused and the token banned for 24 h. The
        # v2 API has no ban: its account's no-cache limit refuses the third call
        # until 00:00 UTC (its batch calls count in the cached bucket).
        gateway.sim.daily_limit = 2
        gateway.sim.no_cache_limit = 2
    elif fault == "connection_refused":
        port = gateway.running.port
        await gateway.running.close()
    else:
        gateway.sim.inject(Fault(fault), count=None)
    await advance(hass, freezer, 24)

    # Entities stay on their last good values; nothing stored is lost or altered.
    during = hass.states.get(CARD)
    if (fault, protocol) in NEW_DAY_DURING:
        assert during.attributes["yesterdayDate"] == "2026-11-20"
        assert during.attributes["daily"][1:] == card.attributes["daily"][:-1]
    else:
        assert during.state == card.state
        assert during.attributes["daily"] == card.attributes["daily"]
    assert contains(readings(hass_storage, entry.entry_id), before)
    issues = ir.async_get(hass)
    consent = issues.async_get_issue(DOMAIN, f"consent_expired_{PDL}")
    assert (consent is not None) is (fault in AUTH_FAULTS)
    if consent is not None:
        # The site where the consent is renewed, not the API's address.
        assert consent.learn_more_url == SITE_URLS[Protocol(protocol)]
        assert not consent.learn_more_url.endswith("/api")
    assert (issues.async_get_issue(DOMAIN, f"quota_reached_{PDL}") is not None) is (
        fault in QUOTA_FAULTS and (fault, protocol) not in QUOTA_LIFTED
    )
    refused = {"quota", "fault:quota"} & {call.status for call in gateway.sim.calls}
    assert bool(refused) is (fault in QUOTA_FAULTS)
    reauth = [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == "reauth"
    ]
    assert bool(reauth) is (fault in AUTH_FAULTS)

    gateway.sim.clear_faults()
    gateway.sim.daily_limit = 50
    gateway.sim.no_cache_limit = 50
    if fault == "ban":
        gateway.sim.reset_quota()
    if fault == "connection_refused":
        gateway.running = await start_simulator(gateway.sim, port=port)
    await advance(hass, freezer, 72)

    # Recovered: complete, issues gone, the budget held every day.
    assert hass.states.get(COMPLETENESS).state == "100.0"
    assert hass.states.get(CARD).attributes["errorLastCall"] == ""
    assert issues.async_get_issue(DOMAIN, f"consent_expired_{PDL}") is None
    assert issues.async_get_issue(DOMAIN, f"quota_reached_{PDL}") is None
    # Per day of the gateway's quota (UTC for v2), the calls it counts: the v2
    # usage stats are counted neither by the gateway nor by our budget.
    clock = gateway_clock(Protocol(protocol))
    per_day = Counter(
        day_of(call.at, clock)
        for call in gateway.sim.calls
        if call.type != "usage_stats"
    )
    assert max(per_day.values()) <= MAX_CALLS
    # No day was fetched twice with success.
    fetched: Counter[tuple[str, date]] = Counter()
    for call in gateway.sim.calls:
        if call.status == "ok" and call.start is not None:
            end = call.end + timedelta(days=(call.protocol, call.type) in INCLUSIVE_END)
            for n in range((end - call.start).days):
                fetched[(call.type, call.start + timedelta(days=n))] += 1
    assert max(fetched.values()) == 1
    assert contains(readings(hass_storage, entry.entry_id), before)

    # The token appears in no log record, diagnostics or repair text.
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    texts = [caplog.text, repr(diagnostics)]
    texts += [repr(issue.translation_placeholders) for issue in issues.issues.values()]
    assert all(TOKEN not in text for text in texts)
