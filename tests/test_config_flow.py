"""Config flow tests: the real client talks to the gateway simulator."""

from __future__ import annotations

from datetime import date
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.enedis_gateway.config_flow import (
    SECTION_ADVANCED as ADVANCED,
    is_insecure_url,
)
from custom_components.enedis_gateway.const import (
    CONF_CONTRACT,
    CONF_GATEWAY,
    CONF_MAX_CALLS,
    CONF_OFFPEAK_HOURS,
    CONF_PDL,
    CONF_PLAN,
    CONF_PRICE_BASE,
    CONF_PRICE_HC,
    CONF_PRICE_HP,
    CONF_PRICE_PERIODS,
    CONF_START,
    DOMAIN,
)
from simulator import Fault

from .conftest import PDL, TOKEN, Gateway, make_entry
from .helpers import activated_on, paris, setup
from .test_translations import load as load_translations

PRICES = {
    CONF_PLAN: "HP/HC",
    CONF_PRICE_BASE: 0.2516,
    CONF_PRICE_HP: 0.27,
    CONF_PRICE_HC: 0.2068,
    CONF_OFFPEAK_HOURS: "",
}

# Dated prices as the options store them; "today" is 2026-03-10 in these tests.
TODAY = "2026-03-10 12:00:00"
AUGUST_2025 = {
    CONF_START: "2025-08-01",
    CONF_PLAN: "BASE",
    CONF_PRICE_BASE: 0.2516,
    CONF_PRICE_HP: 0.27,
    CONF_PRICE_HC: 0.2068,
}
FEBRUARY_2026 = {
    CONF_START: "2026-02-01",
    CONF_PLAN: "HP/HC",
    CONF_PRICE_BASE: 0.1952,
    CONF_PRICE_HP: 0.27,
    CONF_PRICE_HC: 0.2068,
}
# The same period as the form takes it: French decimal commas.
FEBRUARY_FORM = {
    CONF_START: "2026-02-01",
    CONF_PLAN: "HP/HC",
    CONF_PRICE_BASE: "0,1952",
    CONF_PRICE_HP: "0,2700",
    CONF_PRICE_HC: "0,2068",
}

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


def user_input(gateway: Gateway, protocol: str, **changes: str) -> dict[str, Any]:
    """Return a valid user step input (the URL in its collapsed section)."""
    url = changes.pop(CONF_URL, gateway.url(protocol))
    return {
        CONF_GATEWAY: protocol,
        CONF_ACCESS_TOKEN: TOKEN,
        CONF_PDL: PDL,
        ADVANCED: {CONF_URL: url},
        **changes,
    }


async def start_flow(hass: HomeAssistant) -> str:
    """Start a user flow (the URL is in a collapsed section, for every user)."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    advanced = result["data_schema"].schema[ADVANCED]
    assert advanced.options == {"collapsed": True}
    assert CONF_URL in advanced.schema.schema
    return str(result["flow_id"])


@pytest.mark.parametrize("protocol", ["myelectricaldata", "enedis_gateway"])
async def test_full_flow(hass: HomeAssistant, gateway: Gateway, protocol: str) -> None:
    """A user adds a PDL, the contract is kept, the prices accept a decimal comma."""
    flow_id = await start_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, user_input(gateway, protocol)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "prices"
    assert result["description_placeholders"] == {"contract_offpeak": "HC (22H00-6H00)"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**PRICES, CONF_PRICE_BASE: "0,2516", CONF_PRICE_HC: "0.2068"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Linky {PDL}"
    assert result["result"].unique_id == PDL
    data = result["data"]
    assert data[CONF_GATEWAY] == protocol
    assert data[CONF_CONTRACT]["offpeak_hours"] == "HC (22H00-6H00)"
    assert data[CONF_CONTRACT]["subscribed_power_kva"] == 9.0
    options = result["options"]
    assert options[CONF_PRICE_BASE] == 0.2516
    assert options[CONF_PRICE_HC] == 0.2068
    assert options[CONF_MAX_CALLS] == 15
    # The entry is set up with the contract the flow read: no second contracts call.
    await hass.async_block_till_done()
    assert hass.states.get(f"sensor.enedisgateway_{PDL}") is not None
    contract_calls = [call for call in gateway.sim.calls if call.type == "contracts"]
    assert len(contract_calls) == 1


@pytest.mark.parametrize(
    ("changes", "fault", "field", "error"),
    [
        ({CONF_ACCESS_TOKEN: "wrong-token"}, None, CONF_ACCESS_TOKEN, "invalid_auth"),
        ({CONF_PDL: "1234"}, None, CONF_PDL, "invalid_pdl"),
        ({CONF_PDL: "12345abc901234"}, None, CONF_PDL, "invalid_pdl"),
        ({CONF_PDL: "11111111111111"}, None, CONF_PDL, "invalid_pdl"),
        ({}, Fault.CONSENT_EXPIRED, CONF_ACCESS_TOKEN, "invalid_auth"),
        ({}, Fault.SERVER_ERROR, "base", "cannot_connect"),
        ({}, Fault.BAD_GATEWAY_HTML, "base", "cannot_connect"),
        ({}, Fault.TRUNCATED_JSON, "base", "cannot_connect"),
        ({}, Fault.QUOTA, "base", "quota_exceeded"),
        ({CONF_URL: "http://127.0.0.1:9"}, None, "base", "cannot_connect"),
    ],
)
@pytest.mark.parametrize("protocol", ["myelectricaldata", "enedis_gateway"])
async def test_user_errors_then_recover(
    hass: HomeAssistant,
    gateway: Gateway,
    protocol: str,
    changes: dict[str, str],
    fault: Fault | None,
    field: str,
    error: str,
) -> None:
    """Each error shows on its field, then the same flow succeeds."""
    if fault is not None:
        gateway.sim.inject(fault)
    flow_id = await start_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, user_input(gateway, protocol, **changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    result = await hass.config_entries.flow.async_configure(
        flow_id, user_input(gateway, protocol)
    )
    assert result["step_id"] == "prices"
    result = await hass.config_entries.flow.async_configure(flow_id, PRICES)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({CONF_PRICE_HP: "abc"}, {CONF_PRICE_HP: "invalid_price"}),
        ({CONF_PRICE_HC: -0.1}, {CONF_PRICE_HC: "invalid_price"}),
        ({CONF_PRICE_BASE: "-1,5"}, {CONF_PRICE_BASE: "invalid_price"}),
        # float() reads "0_1" as 1.0 and "1e-1" as 0.1: neither is a price a user types.
        ({CONF_PRICE_HP: "0_1"}, {CONF_PRICE_HP: "invalid_price"}),
        ({CONF_PRICE_HP: "1e-1"}, {CONF_PRICE_HP: "invalid_price"}),
        ({CONF_PRICE_HC: 50}, {CONF_PRICE_HC: "invalid_price"}),
        ({CONF_PRICE_HC: "10,5"}, {CONF_PRICE_HC: "invalid_price"}),
        (
            {CONF_OFFPEAK_HOURS: "la nuit"},
            {CONF_OFFPEAK_HOURS: "invalid_offpeak_hours"},
        ),
        (
            {CONF_OFFPEAK_HOURS: "25h00-06h00"},
            {CONF_OFFPEAK_HOURS: "invalid_offpeak_hours"},
        ),
    ],
)
async def test_price_errors_then_recover(
    hass: HomeAssistant,
    gateway: Gateway,
    changes: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Bad prices and off-peak hours get a field error, then the flow succeeds."""
    flow_id = await start_flow(hass)
    await hass.config_entries.flow.async_configure(
        flow_id, user_input(gateway, "myelectricaldata")
    )
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**PRICES, **changes}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**PRICES, CONF_OFFPEAK_HOURS: "22h30-06h30"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][CONF_OFFPEAK_HOURS] == "22h30-06h30"


TEMPO_PRICES = {
    "price_blue_hp": "0,1612",
    "price_blue_hc": "0,1325",
    "price_white_hp": "0,1871",
    "price_white_hc": "0,1499",
    "price_red_hp": "0,7060",
    "price_red_hc": "0,1575",
}


@pytest.mark.parametrize(
    ("tempo", "errors"),
    [
        ({}, {"base": "tempo_prices_missing"}),
        ({**TEMPO_PRICES, "price_red_hp": "0"}, {"base": "tempo_prices_missing"}),
        ({**TEMPO_PRICES, "price_red_hp": "cher"}, {"base": "tempo_prices_missing"}),
    ],
)
async def test_tempo_plan_needs_its_six_prices(
    hass: HomeAssistant,
    gateway: Gateway,
    tempo: dict[str, str],
    errors: dict[str, str],
) -> None:
    """The Tempo plan asks for its six prices, in their section; a decimal comma is fine."""
    flow_id = await start_flow(hass)
    await hass.config_entries.flow.async_configure(
        flow_id, user_input(gateway, "myelectricaldata")
    )
    tempo_plan = {**PRICES, "plan": "TEMPO"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**tempo_plan, "tempo_prices": tempo}
    )
    assert result["errors"] == errors
    strings = await async_get_translations(hass, "fr", "config", [DOMAIN])
    assert strings[f"component.{DOMAIN}.config.error.tempo_prices_missing"].startswith(
        "Pour l'offre Tempo, saisissez les six prix Tempo"
    )
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**tempo_plan, "tempo_prices": TEMPO_PRICES}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = result["options"]
    assert options["plan"] == "TEMPO"
    assert "tempo_prices" not in options
    assert {key: options[key] for key in TEMPO_PRICES} == {
        key: float(value.replace(",", ".")) for key, value in TEMPO_PRICES.items()
    }


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://gateway.invalid:9/api", True),
        ("https://gateway.invalid:9", False),
        ("http://192.168.1.20:9", False),
        ("http://localhost:9", False),
        ("http://box.local:9", False),
    ],
)
async def test_plain_http_url_warns_once(
    hass: HomeAssistant, gateway: Gateway, url: str, warned: bool
) -> None:
    """A plain http:// URL off the local network is a warning: the same URL again goes on."""
    flow_id = await start_flow(hass)
    answers = []
    for _ in range(2):
        result = await hass.config_entries.flow.async_configure(
            flow_id, user_input(gateway, "myelectricaldata", **{CONF_URL: url})
        )
        answers.append(result["errors"])
    # The hosts do not answer here: past the warning, the check fails to connect.
    warnings = [errors.get("base") == "insecure_url" for errors in answers]
    assert warnings == [warned, False]
    assert "base" in answers[1]


@pytest.mark.parametrize(
    ("url", "insecure"),
    [
        ("http://8.8.8.8/api", True),
        ("HTTP://Gateway.Example.com", True),
        ("http://[2001:db8::1]:80", False),
        ("http://[2a00:1450::1]:80", True),
        ("http://10.0.0.2:5000", False),
        ("http://127.0.0.1:5000", False),
        ("http://169.254.1.1", False),
        ("http://nas.home.arpa", False),
        ("https://8.8.8.8", False),
        ("", False),
    ],
)
def test_is_insecure_url(url: str, insecure: bool) -> None:
    """Only plain http:// leaving the local network is insecure."""
    assert is_insecure_url(url) is insecure


async def test_duplicate_aborts(hass: HomeAssistant, gateway: Gateway) -> None:
    """A PDL can only be added once."""
    make_entry(gateway).add_to_hass(hass)
    flow_id = await start_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, user_input(gateway, "myelectricaldata")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(hass: HomeAssistant, gateway: Gateway) -> None:
    """A wrong new token is refused, then the right one updates the entry."""
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_ACCESS_TOKEN: "expired-token"}
    )
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "still-wrong"}
    )
    assert result["errors"] == {CONF_ACCESS_TOKEN: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_ACCESS_TOKEN] == TOKEN


async def test_reconfigure(hass: HomeAssistant, gateway: Gateway) -> None:
    """Switching to the original protocol is checked, another PDL is refused."""
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        user_input(gateway, "enedis_gateway", **{CONF_PDL: "98765432109876"}),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_pdl"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(gateway, "enedis_gateway")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_GATEWAY] == "enedis_gateway"
    assert entry.data[CONF_URL] == gateway.url("enedis_gateway")


async def open_options(
    hass: HomeAssistant, entry: MockConfigEntry, *steps: dict[str, Any]
) -> ConfigFlowResult:
    """Open the options flow of an entry and submit the menu choice and any forms."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "init"
    for user_input in steps:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], user_input
        )
    return result


def menu(step: str) -> dict[str, str]:
    """Return the menu choice of a step."""
    return {"next_step_id": step}


def form_defaults(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the values a form is prefilled with."""
    return {
        key.schema: key.default()
        for key in result["data_schema"].schema
        if key.default is not vol.UNDEFINED
    }


async def test_options(hass: HomeAssistant, gateway: Gateway) -> None:
    """The settings validate prices and hours, store every option, keep the periods."""
    entry = make_entry(gateway, options={CONF_PRICE_PERIODS: [FEBRUARY_2026]})
    entry.add_to_hass(hass)
    result = await open_options(hass, entry, menu("settings"))
    assert result["step_id"] == "settings"
    form = {
        **PRICES,
        "consumption": True,
        "consumption_detail": True,
        "consumption_max_power": False,
        "production": False,
        "production_detail": False,
        "addresses": False,
        "cycle": 7200,
        CONF_MAX_CALLS: 10,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form, CONF_OFFPEAK_HOURS: "6h00-6h00"}
    )
    assert result["errors"] == {CONF_OFFPEAK_HOURS: "invalid_offpeak_hours"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form, CONF_PRICE_HP: "0,3"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_PRICE_HP] == 0.3
    assert entry.options["cycle"] == 7200
    assert entry.options[CONF_MAX_CALLS] == 10
    assert entry.options["consumption_max_power"] is False
    assert entry.options[CONF_PRICE_PERIODS] == [FEBRUARY_2026]


@pytest.mark.parametrize(
    ("periods", "options"),
    [
        ([], ["settings", "add_period"]),
        ([FEBRUARY_2026], ["settings", "add_period", "edit_period"]),
    ],
)
async def test_options_menu(
    hass: HomeAssistant,
    gateway: Gateway,
    periods: list[dict[str, Any]],
    options: list[str],
) -> None:
    """The menu offers to edit the periods only when there is one."""
    entry = make_entry(gateway, options={CONF_PRICE_PERIODS: periods})
    entry.add_to_hass(hass)
    result = await open_options(hass, entry)
    assert result["menu_options"] == options


async def test_add_periods(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Two periods are added, prefilled with today's prices; the list is kept by start."""
    freezer.move_to(paris(TODAY))
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    result = await open_options(hass, entry, menu("add_period"))
    assert result["step_id"] == "add_period"
    assert form_defaults(result) == {
        CONF_PLAN: "HP/HC",
        CONF_PRICE_BASE: 0.2516,
        CONF_PRICE_HP: 0.27,
        CONF_PRICE_HC: 0.2068,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], FEBRUARY_FORM
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_PRICE_PERIODS: [FEBRUARY_2026]}
    # Today's prices are now February's; an older period goes first in the list.
    result = await open_options(hass, entry, menu("add_period"))
    assert form_defaults(result) == {
        CONF_PLAN: "HP/HC",
        CONF_PRICE_BASE: 0.1952,
        CONF_PRICE_HP: 0.27,
        CONF_PRICE_HC: 0.2068,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**AUGUST_2025, CONF_PRICE_BASE: "0.2516"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_PRICE_PERIODS: [AUGUST_2025, FEBRUARY_2026]}


# A period that replaces AUGUST_2025 (changed) or joins the list (added).
SEPTEMBER_2025 = {**AUGUST_2025, CONF_START: "2025-09-01", CONF_PRICE_BASE: 0.2}


@pytest.mark.parametrize(
    ("steps", "extra", "stored"),
    [
        ([menu("add_period")], {}, [AUGUST_2025, SEPTEMBER_2025, FEBRUARY_2026]),
        (
            [menu("edit_period"), {"period": "2025-08-01"}],
            {"delete": False},
            [SEPTEMBER_2025, FEBRUARY_2026],
        ),
    ],
    ids=["add", "change"],
)
@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({CONF_START: "2026-03-11"}, {CONF_START: "start_in_future"}),
        ({CONF_START: "2027-01-01"}, {CONF_START: "start_in_future"}),
        ({CONF_START: "2026-02-01"}, {CONF_START: "start_taken"}),
        ({CONF_PRICE_HP: "abc"}, {CONF_PRICE_HP: "invalid_price"}),
        ({CONF_PRICE_HC: "10,5"}, {CONF_PRICE_HC: "invalid_price"}),
        ({CONF_PRICE_BASE: "1e-1"}, {CONF_PRICE_BASE: "invalid_price"}),
        (
            {CONF_START: "2026-02-01", CONF_PRICE_BASE: "-0,2"},
            {CONF_START: "start_taken", CONF_PRICE_BASE: "invalid_price"},
        ),
    ],
)
async def test_period_errors_then_recover(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    steps: list[dict[str, Any]],
    extra: dict[str, bool],
    stored: list[dict[str, Any]],
    changes: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """A future or taken start and a bad price get a field error, then the period saves."""
    freezer.move_to(paris(TODAY))
    periods = [AUGUST_2025, FEBRUARY_2026]
    entry = make_entry(gateway, options={CONF_PRICE_PERIODS: periods})
    entry.add_to_hass(hass)
    result = await open_options(hass, entry, *steps)
    form = {**SEPTEMBER_2025, CONF_PRICE_BASE: "0,2", **extra}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form, **changes}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert entry.options == {CONF_PRICE_PERIODS: periods}
    for lang in ("en", "fr"):
        texts = load_translations(lang)["options"]["error"]
        assert all(texts.get(key) for key in errors.values())
    result = await hass.config_entries.options.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_PRICE_PERIODS: stored}


@pytest.mark.parametrize(
    ("moment", "errors"),
    [
        # 00:30 in Paris is still the day before in UTC: the start is today.
        ("2026-03-10 00:30:00", None),
        ("2026-03-09 23:30:00", {CONF_START: "start_in_future"}),
    ],
)
async def test_period_start_is_checked_in_local_time(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    moment: str,
    errors: dict[str, str] | None,
) -> None:
    """Today is the day in Home Assistant's time zone, not in UTC."""
    freezer.move_to(paris(moment))
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    result = await open_options(
        hass,
        entry,
        menu("add_period"),
        {**FEBRUARY_FORM, CONF_START: "2026-03-10"},
    )
    assert result.get("errors") == errors


async def test_edit_period(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """A period is picked from a list, shown prefilled, then its prices and start change."""
    freezer.move_to(paris(TODAY))
    entry = make_entry(
        gateway,
        options={CONF_MAX_CALLS: 10, CONF_PRICE_PERIODS: [AUGUST_2025, FEBRUARY_2026]},
    )
    entry.add_to_hass(hass)
    result = await open_options(hass, entry, menu("edit_period"))
    assert result["step_id"] == "edit_period"
    picker = result["data_schema"].schema
    assert form_defaults(result) == {"period": "2026-02-01"}
    assert [option["label"] for option in picker["period"].config["options"]] == [
        "2025-08-01 : BASE 0,2516 €/kWh",
        "2026-02-01 : HP/HC 0,2700 / 0,2068 €/kWh",
    ]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"period": "2026-02-01"}
    )
    assert result["step_id"] == "change_period"
    assert result["description_placeholders"] == {CONF_START: "2026-02-01"}
    assert form_defaults(result) == {**FEBRUARY_2026, "delete": False}
    # Its own start is not taken: only the price changes.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**FEBRUARY_FORM, CONF_PRICE_HP: "0,2801", "delete": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    changed = {**FEBRUARY_2026, CONF_PRICE_HP: 0.2801}
    assert entry.options == {
        CONF_MAX_CALLS: 10,
        CONF_PRICE_PERIODS: [AUGUST_2025, changed],
    }
    # Moved before August 2025, it goes first.
    result = await open_options(
        hass,
        entry,
        menu("edit_period"),
        {"period": "2026-02-01"},
        {**changed, CONF_START: "2025-02-01", "delete": False},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_PRICE_PERIODS] == [
        {**changed, CONF_START: "2025-02-01"},
        AUGUST_2025,
    ]


async def test_delete_periods(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Deleting ignores the other fields; without periods the menu hides the edit."""
    freezer.move_to(paris(TODAY))
    entry = make_entry(
        gateway,
        options={CONF_MAX_CALLS: 10, CONF_PRICE_PERIODS: [AUGUST_2025, FEBRUARY_2026]},
    )
    entry.add_to_hass(hass)
    result = await open_options(
        hass,
        entry,
        menu("edit_period"),
        {"period": "2025-08-01"},
        {**AUGUST_2025, CONF_START: "2026-02-01", CONF_PRICE_HP: "abc", "delete": True},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_MAX_CALLS: 10, CONF_PRICE_PERIODS: [FEBRUARY_2026]}
    result = await open_options(
        hass,
        entry,
        menu("edit_period"),
        {"period": "2026-02-01"},
        {**FEBRUARY_2026, "delete": True},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_MAX_CALLS: 10}
    result = await open_options(hass, entry)
    assert result["menu_options"] == ["settings", "add_period"]


async def test_period_changes_make_no_gateway_call(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Adding, changing and deleting periods on a loaded entry calls no gateway."""
    # A young meter: its whole history in the first refresh, in a few calls.
    contract = activated_on(gateway, date(2026, 11, 1))
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway, contract=contract)
    await setup(hass, entry)
    calls = len(gateway.sim.calls)
    assert calls > 0
    september = {**FEBRUARY_FORM, CONF_START: "2026-09-01"}
    for steps in (
        [menu("add_period"), FEBRUARY_FORM],
        [menu("add_period"), september],
        [
            menu("edit_period"),
            {"period": "2026-09-01"},
            {**september, CONF_PRICE_HP: 1, "delete": False},
        ],
        [menu("edit_period"), {"period": "2026-02-01"}, {**september, "delete": True}],
        [menu("settings"), {**PRICES, CONF_PRICE_BASE: "0,2"}],
    ):
        result = await open_options(hass, entry, *steps)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_PRICE_PERIODS] == [
        {**FEBRUARY_2026, CONF_START: "2026-09-01", CONF_PRICE_HP: 1.0}
    ]
    assert entry.state is ConfigEntryState.LOADED
    assert len(gateway.sim.calls) == calls


def labels(step: str, schema: Any, lang: str, flow: str = "config") -> list[str]:
    """Return the fields of a form (sections and their fields too) that have no label."""
    texts = load_translations(lang)[flow]["step"][step]
    missing = []
    for key, value in schema.schema.items():
        if isinstance(value, section):
            texts_of = texts.get("sections", {}).get(key.schema, {})
            if not texts_of.get("name"):
                missing.append(f"sections.{key.schema}.name")
            missing += [
                f"sections.{key.schema}.data.{inner.schema}"
                for inner in value.schema.schema
                if inner.schema not in texts_of.get("data", {})
            ]
        else:
            missing += [
                f"{kind}.{key.schema}"
                for kind in ("data", "data_description")
                if not texts.get(kind, {}).get(key.schema)
            ]
    return missing


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_every_field_and_section_has_a_label(
    hass: HomeAssistant, gateway: Gateway, lang: str
) -> None:
    """Every form labels and describes each field, sections and menu choices included."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert labels("user", result["data_schema"], lang) == []
    entry = make_entry(gateway, options={CONF_PRICE_PERIODS: [FEBRUARY_2026]})
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert labels("reconfigure", result["data_schema"], lang) == []
    texts = load_translations(lang)["options"]["step"]
    result = await open_options(hass, entry)
    assert texts["init"]["description"]
    assert [
        option
        for option in result["menu_options"]
        if not texts["init"]["menu_options"].get(option)
    ] == []
    for steps in (
        [menu("settings")],
        [menu("add_period")],
        [menu("edit_period")],
        [menu("edit_period"), {"period": "2026-02-01"}],
    ):
        result = await open_options(hass, entry, *steps)
        assert texts[result["step_id"]]["title"]
        assert labels(result["step_id"], result["data_schema"], lang, "options") == []
