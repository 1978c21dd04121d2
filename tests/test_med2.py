"""MyElectricalData v2 through Home Assistant: PDL picker, full history, UTC budget day, usage."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.enedis_gateway.config_flow import SECTION_ADVANCED
from custom_components.enedis_gateway.const import (
    CONF_CONTRACT,
    CONF_GATEWAY,
    CONF_PDL,
    DOMAIN,
)
from custom_components.enedis_gateway.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.enedis_gateway.linky.budget import (
    CallLedger,
    DayClock,
    decode_ledger,
    encode_ledger,
    gateway_clock,
    meter_key,
    next_day,
    token_key,
)
from custom_components.enedis_gateway.linky.models import Gateway as Protocol
from simulator import Fault, Household

from .conftest import PDL, TOKEN, Gateway, make_entry
from .helpers import CALLS, CARD, COMPLETENESS, PARIS, activated_on, advance, setup

MED2 = "myelectricaldata_v2"
OTHER_PDL = "98765432109876"
SEPTEMBER = date(2026, 9, 10)
# The tests that run Home Assistant; the ledger's own tests need none of it.
HA = pytest.mark.usefixtures("recorder_mock", "enable_custom_integrations", "paris")
USAGE_KEYS = (
    "gateway_calls_used",
    "gateway_calls_limit",
    "gateway_cached_calls_used",
    "gateway_cached_calls_limit",
    "gateway_usage_date",
)


def utc(text: str) -> datetime:
    """Return an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def form(gateway: Gateway, **changes: Any) -> dict[str, Any]:
    """Return the user step's input for the v2 API, the PDL left empty."""
    return {
        CONF_GATEWAY: MED2,
        CONF_ACCESS_TOKEN: TOKEN,
        SECTION_ADVANCED: {CONF_URL: gateway.url(MED2)},
        **changes,
    }


def metering(gateway: Gateway) -> list[Any]:
    """Return the metering calls: not the account's PDL list, usage, Tempo or EcoWatt."""
    return [
        call
        for call in gateway.sim.calls
        if call.type not in ("pdl", "usage_stats", "tempo", "ecowatt")
    ]


def utc_counts(hass_storage: dict[str, Any]) -> dict[str, Any]:
    """Return the UTC day of the shared budget file, as stored."""
    return dict(hass_storage[f"{DOMAIN}.budget"]["data"]["utc"])


# The budget day of each gateway (pure).


@pytest.mark.parametrize(
    ("protocol", "clock", "reset"),
    [
        (Protocol.MYELECTRICALDATA, DayClock.PARIS, utc("2026-11-20 23:00")),
        (Protocol.ENEDIS_GATEWAY, DayClock.PARIS, utc("2026-11-20 23:00")),
        (Protocol.MYELECTRICALDATA_V2, DayClock.UTC, utc("2026-11-21 00:00")),
    ],
)
def test_budget_day_follows_the_gateway(
    protocol: Protocol, clock: DayClock, reset: datetime
) -> None:
    """Calls at 23:30 Paris are spent until the gateway's own midnight, then free."""
    assert gateway_clock(protocol) is clock
    now = utc("2026-11-20 22:30")  # 23:30 Paris, 22:30 UTC
    assert next_day(now, clock) == reset
    ledger = CallLedger()
    keys = {meter_key(PDL): 3, token_key(TOKEN): 45}
    for _ in range(3):
        ledger.record(tuple(keys), now, clock)
    assert ledger.left(keys, reset - timedelta(minutes=1), clock) == 0
    assert ledger.left(keys, reset, clock) == 3
    # The other clock's day is another count.
    other = DayClock.UTC if clock is DayClock.PARIS else DayClock.PARIS
    assert ledger.left(keys, now, other) == 3


def test_budget_file_keeps_the_utc_day_apart() -> None:
    """The Paris layout is unchanged; the UTC day is written only once used."""
    now = utc("2026-11-20 23:30")  # 00:30 Paris on the 21st
    ledger = CallLedger()
    ledger.record((meter_key(PDL),), now)
    assert encode_ledger(ledger) == {
        "day": "2026-11-21",
        "counts": {meter_key(PDL): 1},
        "blocked_until": {},
    }
    ledger.record((meter_key(OTHER_PDL),), now, DayClock.UTC)
    data = encode_ledger(ledger)
    assert data["utc"] == {"day": "2026-11-20", "counts": {meter_key(OTHER_PDL): 1}}
    assert decode_ledger(data, now) == ledger
    # A bad UTC part is not trusted: both clocks' current days count as spent.
    bad = decode_ledger({**data, "utc": {"day": "2026-11-20", "counts": []}}, now)
    assert bad.left({meter_key(OTHER_PDL): 15}, now, DayClock.UTC) == 0
    assert bad.left({meter_key(OTHER_PDL): 15}, utc("2026-11-21 00:00"), DayClock.UTC)


# The config flow.


@HA
async def test_flow_in_french_picks_a_pdl(
    hass: HomeAssistant,
    gateway: Gateway,
    hass_storage: dict[str, Any],
) -> None:
    """Two PDLs on the account: a French picker, one entry per PDL, then none left."""
    strings = await async_get_translations(hass, "fr", "config", [DOMAIN])
    prefix = f"component.{DOMAIN}.config"
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    assert result["description_placeholders"]["med2_url"] == (
        "https://www.v2.myelectricaldata.fr"
    )
    secret_help = strings[f"{prefix}.step.user.data_description.access_token"]
    assert "secret client" in secret_help
    assert "{med2_url}" in secret_help
    assert strings[f"{prefix}.step.pdl.title"] == "Choisissez votre compteur"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "pdl"
    assert result["description_placeholders"] == {"count": "2"}
    selector = result["data_schema"].schema[CONF_PDL].config
    assert selector["options"] == [
        {"value": PDL, "label": f"Linky 1 ({PDL})"},
        {"value": OTHER_PDL, "label": f"Linky 2 ({OTHER_PDL})"},
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PDL: OTHER_PDL}
    )
    assert result["step_id"] == "prices"
    assert result["description_placeholders"] == {"contract_offpeak": "HC (22H00-6H00)"}
    assert [(call.protocol, call.type, call.pdl) for call in gateway.sim.calls] == [
        (MED2, "pdl", ""),
        (MED2, "contracts", OTHER_PDL),
    ]
    # Both calls are counted on the UTC day: the list for the token only.
    counts = utc_counts(hass_storage)["counts"]
    assert counts == {meter_key(OTHER_PDL): 1, token_key(TOKEN): 2}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"plan": "BASE", "price_base": "0,2516"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Linky {OTHER_PDL}"
    assert result["result"].unique_id == OTHER_PDL
    assert result["data"][CONF_GATEWAY] == MED2
    assert result["data"][CONF_PDL] == OTHER_PDL
    assert result["data"][CONF_CONTRACT]

    # One PDL left: no picker, straight to the prices.
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway)
    )
    assert result["step_id"] == "prices"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"plan": "BASE", "price_base": "0,2516"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PDL] == PDL

    # None left: the flow says so after the list, without reading a contract.
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "all_pdls_configured"
    # The entries' own fetches aside, the flows made 3 lists and 2 contract reads.
    flow_calls = Counter(
        call.type for call in gateway.sim.calls if call.type in ("pdl", "contracts")
    )
    assert flow_calls == {"pdl": 3, "contracts": 2}
    assert strings[f"{prefix}.abort.all_pdls_configured"] == (
        "Tous les compteurs de ce compte MyElectricalData sont déjà configurés."
    )


@HA
async def test_cleared_pdl_stays_cleared(hass: HomeAssistant, gateway: Gateway) -> None:
    """A wrong PDL typed for another gateway, then cleared for v2: the account is listed."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    first = {
        CONF_GATEWAY: "myelectricaldata",
        CONF_ACCESS_TOKEN: TOKEN,
        CONF_PDL: "1234",
        SECTION_ADVANCED: {CONF_URL: gateway.url("myelectricaldata")},
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], first)
    assert result["errors"] == {CONF_PDL: "invalid_pdl"}
    # Shown again as a suggestion, so the user sees what they typed...
    shown = {str(key): key for key in result["data_schema"].schema}
    assert shown[CONF_PDL].description == {"suggested_value": "1234"}
    # ...but the frontend leaves a cleared field out, and it must stay cleared.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway)
    )
    assert result["step_id"] == "pdl"


@HA
@pytest.mark.parametrize(
    ("change", "changes", "errors"),
    [
        (
            "bad_token",
            {CONF_ACCESS_TOKEN: "wrong"},
            {CONF_ACCESS_TOKEN: "invalid_auth"},
        ),
        ("no_pdl", {}, {"base": "no_pdl"}),
        ("foreign_pdl", {CONF_PDL: "11112222333344"}, {CONF_PDL: "pdl_not_in_account"}),
        ("server_error", {}, {"base": "cannot_connect"}),
        ("quota", {CONF_PDL: PDL}, {"base": "quota_exceeded"}),
    ],
)
async def test_flow_errors_then_recovery(
    hass: HomeAssistant,
    gateway: Gateway,
    change: str,
    changes: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Each refusal is a form error in both languages, then the right input goes on."""
    pdls = gateway.sim.pdls
    if change == "no_pdl":
        gateway.sim.pdls = ()
    elif change == "server_error":
        gateway.sim.inject(Fault.SERVER_ERROR, types={"pdl"})
    elif change == "quota":
        gateway.sim.no_cache_limit = 0
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway, **changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    for language in ("en", "fr"):
        strings = await async_get_translations(hass, language, "config", [DOMAIN])
        for key in errors.values():
            assert strings[f"component.{DOMAIN}.config.error.{key}"]

    gateway.sim.pdls = pdls
    gateway.sim.no_cache_limit = 50
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway, **{CONF_PDL: PDL})
    )
    assert result["step_id"] == "prices"


@HA
async def test_picker_shows_a_refused_contract_then_goes_on(
    hass: HomeAssistant, gateway: Gateway
) -> None:
    """A contract refused after the pick is an error on top of the picker, then retried."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway)
    )
    gateway.sim.inject(Fault.CONSENT_EXPIRED, types={"contracts"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PDL: PDL}
    )
    assert result["step_id"] == "pdl"
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PDL: PDL}
    )
    assert result["step_id"] == "prices"
    assert [(call.type, call.status) for call in gateway.sim.calls] == [
        ("pdl", "ok"),
        ("contracts", "fault:consent_expired"),
        ("contracts", "ok"),
    ]


# Reauth and reconfigure.


@HA
async def test_reauth_checks_the_account_lists_the_pdl(
    hass: HomeAssistant, gateway: Gateway
) -> None:
    """A wrong secret, then an account without this PDL, then the right secret."""
    entry = make_entry(gateway, protocol=MED2)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["pdl"] == PDL
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "still-wrong"}
    )
    assert result["errors"] == {CONF_ACCESS_TOKEN: "invalid_auth"}
    gateway.sim.pdls = (OTHER_PDL,)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: TOKEN}
    )
    assert result["errors"] == {"base": "pdl_not_in_account"}
    gateway.sim.pdls = (PDL, OTHER_PDL)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    # Three lists, and the contract read once, when the PDL was listed.
    assert [call.type for call in gateway.sim.calls] == [
        "pdl",
        "pdl",
        "pdl",
        "contracts",
    ]


@HA
async def test_reconfigure_to_v2_and_back(
    hass: HomeAssistant, gateway: Gateway
) -> None:
    """A MyElectricalData entry moves to the v2 API, checked by the list and contract."""
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway, **{CONF_PDL: "11112222333344"})
    )
    assert result["errors"] == {CONF_PDL: "pdl_not_in_account"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(gateway, **{CONF_PDL: PDL})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_GATEWAY] == MED2
    assert entry.data[CONF_URL] == gateway.url(MED2)
    assert [(call.protocol, call.type) for call in gateway.sim.calls] == [
        (MED2, "pdl"),
        (MED2, "pdl"),
        (MED2, "contracts"),
    ]


# Through Home Assistant: the history, the budget day, the usage.


# One case, with production: the recorder writing 3 years of statistics is most of
# its time, and the consumption's 9 calls are counted apart within the 14.
FULL_HISTORY_CALLS = {
    "contracts": 1,
    "daily_consumption": 3,
    "consumption_load_curve": 2,
    "daily_consumption_max_power": 3,
    "daily_production": 3,
    "production_load_curve": 2,
}


@HA
async def test_full_history_in_a_few_calls(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """
    The 3-year history in one cycle: 9 calls (14 with production) instead of 112.

    The original protocols take 112 calls planned at once (tests/test_client_med2.py:
    1 contract, 3 daily, 105 load-curve weeks, 3 max power; 220 with production),
    and through Home Assistant 9 days at 15 a day (tests/test_statistics.py). The
    v2 batch endpoints serve 729 days of load curve per call: the same history
    takes 2 load-curve calls and fits in the first cycle.
    """
    gateway.sim.household = Household(seed=1, production=True)
    freezer.move_to(datetime(2026, 3, 25, 10, 5, tzinfo=PARIS))
    options = {"production": True, "production_detail": True}
    entry = make_entry(gateway, protocol=MED2, options=options)
    await setup(hass, entry)

    expected = FULL_HISTORY_CALLS
    calls = metering(gateway)
    assert Counter(call.type for call in calls) == expected
    consumption = [call for call in calls if "production" not in call.type]
    assert len(consumption) == 9
    assert hass.states.get(CALLS).state == str(sum(expected.values()))
    assert hass.states.get(COMPLETENESS).state == "100.0"
    # The daily endpoint never serves yesterday: the day before is the newest,
    # and yesterday's daily reading is not counted as missing.
    data = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]
    daily = data["consumption"]["daily"]
    assert max(daily) == "2026-03-23"
    # From 1095 days back (2026-03-25 - 1095 days = 2023-03-26) to the day before.
    assert len(daily) == 1094
    assert len(data["consumption"]["curve"]) >= 730
    # The card's newest day comes from the load curve: yesterday is on screen.
    assert hass.states.get(CARD).attributes["yesterdayDate"] == "2026-03-24"

    # The usage, read once after the cycle, uncounted by the gateway and by us.
    usage = hass.states.get(CALLS).attributes
    batches = expected["consumption_load_curve"] + expected.get(
        "production_load_curve", 0
    )
    assert usage["gateway_calls_used"] == sum(expected.values()) - batches
    assert usage["gateway_calls_limit"] == 50
    assert usage["gateway_cached_calls_used"] == batches
    assert usage["gateway_cached_calls_limit"] == 1000
    assert usage["gateway_usage_date"] == "2026-03-25"
    assert [call.type for call in gateway.sim.calls].count("usage_stats") == 1
    assert utc_counts(hass_storage)["counts"][meter_key(PDL)] == sum(expected.values())
    assert f"pdl:{PDL}" not in hass_storage[f"{DOMAIN}.budget"]["data"]["counts"]

    # A cycle without a call reads no usage; each cycle with new data does: the
    # daily reading of the day before at 00:05, yesterday's curve and peak at 08:05.
    await advance(hass, freezer, 2)
    assert [call.type for call in gateway.sim.calls].count("usage_stats") == 1
    await advance(hass, freezer, 22)
    assert [call.type for call in gateway.sim.calls].count("usage_stats") == 3
    assert hass.states.get(COMPLETENESS).state == "100.0"
    assert max(
        hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["consumption"]["daily"]
    ) == ("2026-03-24")


@HA
async def test_budget_resets_at_utc_midnight(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The night's 2 calls at 23:30 UTC spend it; at 00:30 UTC (01:30 Paris) 1 more."""
    freezer.move_to(utc("2026-11-20 23:30"))  # 00:30 Paris on the 21st
    contract = activated_on(gateway, SEPTEMBER)
    # 4 a day, 2 of them kept until 08:00 Paris for yesterday's curve and peak.
    options = {"max_calls_per_day": 4}
    entry = make_entry(gateway, protocol=MED2, options=options, contract=contract)
    await setup(hass, entry)
    assert [call.type for call in metering(gateway)] == [
        "daily_consumption",
        "consumption_load_curve",
    ]
    assert hass.states.get(CALLS).state == "2"
    assert utc_counts(hass_storage) == {
        "day": "2026-11-20",
        "counts": {meter_key(PDL): 2, token_key(TOKEN): 2},
    }

    # Still the same Paris day: on a Paris budget this cycle would make no call.
    await advance(hass, freezer, 1)
    assert [call.type for call in metering(gateway)][2:] == [
        "daily_consumption_max_power"
    ]
    assert hass.states.get(CALLS).state == "1"
    assert utc_counts(hass_storage) == {
        "day": "2026-11-21",
        "counts": {meter_key(PDL): 1, token_key(TOKEN): 1},
    }


@HA
async def test_quota_refusal_lifted_at_utc_midnight(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A quota refusal at 23:30 UTC blocks until 00:00 UTC (01:00 Paris), not Paris."""
    caplog.set_level(logging.DEBUG, logger="custom_components.enedis_gateway")
    freezer.move_to(utc("2026-11-20 23:30"))
    contract = activated_on(gateway, SEPTEMBER)
    gateway.sim.inject(Fault.QUOTA, types={"daily_consumption_max_power"})
    entry = make_entry(gateway, protocol=MED2, contract=contract)
    await setup(hass, entry)
    statuses = [(call.type, call.status) for call in metering(gateway)]
    assert statuses == [
        ("daily_consumption", "ok"),
        ("consumption_load_curve", "ok"),
        ("daily_consumption_max_power", "fault:quota"),
    ]
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["fetch"]["quota_until"] == "2026-11-21T00:00:00+00:00"
    assert diagnostics["fetch"]["calls_left_today"] == 0
    issues = ir.async_get(hass)
    issue = issues.async_get_issue(DOMAIN, f"quota_reached_{PDL}")
    assert issue is not None
    # Shown in Paris time: 00:00 UTC is 01:00 in winter.
    assert issue.translation_placeholders["resume_at"] == "21/11/2026 01:00"
    assert float(hass.states.get(COMPLETENESS).state) < 100

    # Blocked until 00:00 UTC, then a new UTC day with its whole budget, though
    # Paris is still on the same day: a Paris budget would wait 23 hours more.
    freezer.move_to(utc("2026-11-20 23:59:59"))
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["fetch"]["calls_left_today"] == 0
    freezer.move_to(utc("2026-11-21 00:00"))
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["fetch"]["calls_left_today"] == 15
    assert len(metering(gateway)) == 3

    # 00:30 UTC, 01:30 Paris: lifted, the max power fetched, the repair gone.
    freezer.move_to(utc("2026-11-21 00:29"))
    await advance(hass, freezer, 1)
    assert [(call.type, call.status) for call in metering(gateway)][3:] == [
        ("daily_consumption_max_power", "ok")
    ]
    assert issues.async_get_issue(DOMAIN, f"quota_reached_{PDL}") is None
    assert hass.states.get(CARD).attributes["errorLastCall"] == ""


@HA
async def test_usage_stats_failure_is_ignored(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed usage read leaves the data, the errors and the budget alone."""
    caplog.set_level(logging.DEBUG, logger="custom_components.enedis_gateway")
    freezer.move_to(datetime(2026, 11, 20, 9, 0, tzinfo=PARIS))
    contract = activated_on(gateway, SEPTEMBER)
    gateway.sim.inject(Fault.SERVER_ERROR, types={"usage_stats"})
    entry = make_entry(gateway, protocol=MED2, contract=contract)
    await setup(hass, entry)
    attributes = hass.states.get(CALLS).attributes
    assert hass.states.get(CALLS).state == "3"
    assert attributes["last_error"] == ""
    assert not set(USAGE_KEYS) & set(attributes)
    assert "no usage stats: HTTP 500" in caplog.text
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["gateway_usage"] is None

    # The next cycles with calls read it: the daily reading of the 19th at 00:00
    # Paris (23:00 UTC, on the 20th's count), then at 08:00 Paris yesterday's
    # peak (no cache) and curve (cached bucket), the only calls of the 21st (UTC).
    await advance(hass, freezer, 24)
    assert [call.type for call in gateway.sim.calls].count("usage_stats") == 3
    attributes = hass.states.get(CALLS).attributes
    assert attributes["gateway_calls_used"] == 1
    assert attributes["gateway_cached_calls_used"] == 1
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["gateway_usage"] == {
        "date": "2026-11-21",
        "no_cache_calls": 1,
        "no_cache_limit": 50,
        "cached_calls": 1,
        "cached_limit": 1000,
    }
    assert diagnostics["fetch"]["calls_today"] == 2
    assert hass.states.get(CALLS).state == "2"
