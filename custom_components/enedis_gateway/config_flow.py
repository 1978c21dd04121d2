"""Config flow (gateway, token, PDL, prices; reauth, reconfigure) and options flow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
import ipaddress
from operator import itemgetter
import re
from typing import Any
from urllib.parse import urlsplit

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import homeassistant.helpers.config_validation as cv
from homeassistant.helpers.selector import (
    BooleanSelector,
    DateSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util
import voluptuous as vol

from . import user_agent
from .budget import async_get_budget
from .const import (
    CONF_ADDRESSES,
    CONF_CONSUMPTION,
    CONF_CONSUMPTION_DETAIL,
    CONF_CONSUMPTION_MAX_POWER,
    CONF_CONTRACT,
    CONF_CYCLE,
    CONF_ECOWATT,
    CONF_GATEWAY,
    CONF_INFLUXDB,
    CONF_INFLUXDB_BUCKET,
    CONF_INFLUXDB_ORG,
    CONF_INFLUXDB_TOKEN,
    CONF_INFLUXDB_URL,
    CONF_MAX_CALLS,
    CONF_MQTT_MIRROR,
    CONF_MQTT_PREFIX,
    CONF_MQTT_QOS,
    CONF_MQTT_RETAIN,
    CONF_OFFPEAK_HOURS,
    CONF_OFFPEAK_WEEKDAYS,
    CONF_PDL,
    CONF_PLAN,
    CONF_PRICE_BASE,
    CONF_PRICE_HC,
    CONF_PRICE_HP,
    CONF_PRICE_PERIODS,
    CONF_PRICE_TEMPO,
    CONF_PRODUCTION,
    CONF_PRODUCTION_DETAIL,
    CONF_START,
    DEFAULT_MAX_CALLS,
    DEFAULT_OPTIONS,
    DOMAIN,
    LOGGER,
    MAX_CALLS_CEILING,
    MIN_CYCLE,
    PDL_LENGTH,
    PLAN_BASE,
    PLAN_HPHC,
    PLAN_TEMPO,
)
from .coordinator import EnedisConfigEntry
from .influxdb import (
    ERROR_CANNOT_CONNECT,
    ERROR_INVALID_AUTH,
    ERROR_NOT_FOUND,
    async_validate_influxdb,
)
from .linky.budget import gateway_clock
from .linky.client import EnedisClient
from .linky.exceptions import AuthError, EnedisError, InvalidPdlError, QuotaError
from .linky.history import encode_contract
from .linky.models import DEFAULT_URLS, AccountPdl, Contract, Gateway
from .linky.offpeak import parse_offpeak
from .options import EnedisOptions

PRICE_KEYS = (CONF_PRICE_BASE, CONF_PRICE_HP, CONF_PRICE_HC)
# Tempo's six prices, in a section of their own (collapsed unless the plan is Tempo).
SECTION_TEMPO = "tempo_prices"
# A weekday's own off-peak hours, in a section of the settings (collapsed unless set).
SECTION_OFFPEAK_WEEKDAYS = "offpeak_weekdays"
ERROR_TEMPO_PRICES = "tempo_prices_missing"
ERROR_OFFPEAK_WEEKDAY = "invalid_offpeak_weekday"
TOGGLE_KEYS = (
    CONF_CONSUMPTION,
    CONF_CONSUMPTION_DETAIL,
    CONF_CONSUMPTION_MAX_POWER,
    CONF_PRODUCTION,
    CONF_PRODUCTION_DETAIL,
    CONF_ADDRESSES,
    CONF_ECOWATT,
)
SECTION_ADVANCED = "advanced"
# Where a MyElectricalData v2 account shows its client secret (the API is under /api).
MED2_SITE = DEFAULT_URLS[Gateway.MYELECTRICALDATA_V2].removesuffix("/api")
PLACEHOLDERS = {
    "url": DEFAULT_URLS[Gateway.MYELECTRICALDATA],
    "med2_url": MED2_SITE,
}
PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
INFLUXDB_TEXT_KEYS = (CONF_INFLUXDB_URL, CONF_INFLUXDB_ORG, CONF_INFLUXDB_BUCKET)
INFLUXDB_SETTINGS = (*INFLUXDB_TEXT_KEYS, CONF_INFLUXDB_TOKEN)
INFLUXDB_ERROR_FIELDS = {
    ERROR_CANNOT_CONNECT: CONF_INFLUXDB_URL,
    ERROR_INVALID_AUTH: CONF_INFLUXDB_TOKEN,
    ERROR_NOT_FOUND: CONF_INFLUXDB_BUCKET,
}
ERROR_INVALID_PREFIX = "invalid_mqtt_prefix"
ERROR_START_IN_FUTURE = "start_in_future"
ERROR_START_TAKEN = "start_taken"
# The period picked in the edit_period step, and the box that deletes it.
CONF_PERIOD = "period"
CONF_DELETE = "delete"
MAX_PRICE = 10.0
# Digits with an optional dot or comma decimal part; float() would also take "0_1" or "1e1".
_PRICE_RE = re.compile(r"^\d+(?:[.,]\d+)?$")


class PriceSelector(NumberSelector):
    """A number field that also takes a decimal comma, leaving bad text to the step."""

    def __call__(self, data: Any) -> Any:
        """Return the price as a float, or the raw value for the step to reject."""
        try:
            return parse_price(data)
        except (TypeError, ValueError):
            return data


def parse_price(value: Any) -> float:
    """Return a price in €/kWh from a number or a text with a dot or a comma."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError("not a price")
    if isinstance(value, str):
        text = value.strip()
        if not _PRICE_RE.match(text):
            raise ValueError("not a decimal number")
        value = text.replace(",", ".")
    price = float(value)
    if not 0 <= price <= MAX_PRICE:
        raise ValueError("price out of range")
    return price


def is_insecure_url(url: str) -> bool:
    """Return True for a plain http:// URL that leaves the local network."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith((".local", ".lan", ".home.arpa")):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return not (address.is_private or address.is_loopback or address.is_link_local)


def _price_selector() -> PriceSelector:
    return PriceSelector(
        NumberSelectorConfig(
            min=0,
            max=MAX_PRICE,
            step="any",
            mode=NumberSelectorMode.BOX,
            unit_of_measurement="€/kWh",
        )
    )


def _clean_prices(
    user_input: Mapping[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """
    Return the input with prices as floats, adding a field error for each bad one.

    Tempo's prices come out of their section, flat; a Tempo plan needs all six.
    """
    cleaned = {key: value for key, value in user_input.items() if key != SECTION_TEMPO}
    cleaned.update(user_input.get(SECTION_TEMPO) or {})
    for key in (*PRICE_KEYS, *CONF_PRICE_TEMPO):
        if key not in cleaned:
            continue
        try:
            cleaned[key] = parse_price(cleaned[key])
        except (TypeError, ValueError):
            # A field of the Tempo section: its message goes on top of the form.
            errors[key if key in PRICE_KEYS else "base"] = (
                "invalid_price" if key in PRICE_KEYS else ERROR_TEMPO_PRICES
            )
    if cleaned.get(CONF_PLAN) == PLAN_TEMPO and not all(
        isinstance(cleaned.get(key), float) and cleaned[key] > 0
        for key in CONF_PRICE_TEMPO
    ):
        errors.setdefault("base", ERROR_TEMPO_PRICES)
    return cleaned


def _validate_prices(
    user_input: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """Return the input with prices as floats and the off-peak hours checked."""
    cleaned = _clean_prices(user_input, errors)
    offpeak = str(user_input.get(CONF_OFFPEAK_HOURS, "")).strip()
    try:
        parse_offpeak(offpeak)
    except ValueError:
        errors[CONF_OFFPEAK_HOURS] = "invalid_offpeak_hours"
    cleaned[CONF_OFFPEAK_HOURS] = offpeak
    return cleaned


async def _async_validate_exporters(
    hass: HomeAssistant,
    user_input: Mapping[str, Any],
    current: Mapping[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    """Return the MQTT and InfluxDB options, checking InfluxDB with one real write when on."""
    prefix = str(user_input[CONF_MQTT_PREFIX]).strip().strip("/")
    if not prefix or any(char in prefix for char in "+#\0"):
        errors[CONF_MQTT_PREFIX] = ERROR_INVALID_PREFIX
    cleaned: dict[str, Any] = {
        CONF_MQTT_PREFIX: prefix,
        **{key: str(user_input.get(key, "")).strip() for key in INFLUXDB_TEXT_KEYS},
        # The stored token is never sent to the browser: an empty field keeps it.
        CONF_INFLUXDB_TOKEN: user_input.get(CONF_INFLUXDB_TOKEN)
        or current[CONF_INFLUXDB_TOKEN],
    }
    changed = any(cleaned[key] != current[key] for key in INFLUXDB_SETTINGS)
    # One real write when the export is turned on or its settings change, not on
    # every save: a passing InfluxDB outage must not lock the other options.
    if user_input[CONF_INFLUXDB] and (changed or not current[CONF_INFLUXDB]):
        error = await async_validate_influxdb(
            hass,
            cleaned[CONF_INFLUXDB_URL],
            cleaned[CONF_INFLUXDB_TOKEN],
            cleaned[CONF_INFLUXDB_ORG],
            cleaned[CONF_INFLUXDB_BUCKET],
        )
        if error is not None:
            errors[INFLUXDB_ERROR_FIELDS[error]] = error
    return cleaned


def _exporters_schema(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Return the MQTT mirror and InfluxDB fields of the options form."""
    return {
        vol.Required(CONF_MQTT_MIRROR, default=defaults[CONF_MQTT_MIRROR]): (
            BooleanSelector()
        ),
        vol.Required(CONF_MQTT_PREFIX, default=defaults[CONF_MQTT_PREFIX]): (
            TextSelector()
        ),
        vol.Required(CONF_MQTT_RETAIN, default=defaults[CONF_MQTT_RETAIN]): (
            BooleanSelector()
        ),
        vol.Required(CONF_MQTT_QOS, default=defaults[CONF_MQTT_QOS]): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=0, max=2, step=1, mode=NumberSelectorMode.SLIDER
                )
            ),
            vol.Coerce(int),
        ),
        vol.Required(CONF_INFLUXDB, default=defaults[CONF_INFLUXDB]): (
            BooleanSelector()
        ),
        vol.Optional(
            CONF_INFLUXDB_URL,
            description={"suggested_value": defaults[CONF_INFLUXDB_URL]},
        ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
        vol.Optional(CONF_INFLUXDB_TOKEN): PASSWORD,
        vol.Optional(
            CONF_INFLUXDB_ORG,
            description={"suggested_value": defaults[CONF_INFLUXDB_ORG]},
        ): TextSelector(),
        vol.Optional(
            CONF_INFLUXDB_BUCKET,
            description={"suggested_value": defaults[CONF_INFLUXDB_BUCKET]},
        ): TextSelector(),
    }


def _plan_fields(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Return the plan and price fields, shared by the prices and the period forms."""
    return {
        vol.Required(CONF_PLAN, default=defaults[CONF_PLAN]): SelectSelector(
            SelectSelectorConfig(
                options=[PLAN_BASE, PLAN_HPHC, PLAN_TEMPO],
                translation_key=CONF_PLAN,
                mode=SelectSelectorMode.LIST,
            )
        ),
        **{
            vol.Required(key, default=defaults[key]): _price_selector()
            for key in PRICE_KEYS
        },
        vol.Optional(SECTION_TEMPO): section(
            vol.Schema(
                {
                    vol.Optional(key, default=defaults.get(key, 0.0)): _price_selector()
                    for key in CONF_PRICE_TEMPO
                }
            ),
            {"collapsed": defaults[CONF_PLAN] != PLAN_TEMPO},
        ),
    }


def _validate_weekdays(options: dict[str, Any], errors: dict[str, str]) -> str:
    """
    Lift the weekdays' off-peak hours out of their section, flat, each checked.

    Return the first unreadable text ("" when all read): the frontend shows no
    error on a field inside a section, so the section's own error, shown above it
    (as Home Assistant's MQTT flow does), quotes the text to correct.
    """
    if SECTION_OFFPEAK_WEEKDAYS not in options:
        return ""
    weekdays = options.pop(SECTION_OFFPEAK_WEEKDAYS) or {}
    unreadable = ""
    for key in CONF_OFFPEAK_WEEKDAYS:
        text = str(weekdays.get(key) or "").strip()
        try:
            parse_offpeak(text)
        except ValueError:
            errors[SECTION_OFFPEAK_WEEKDAYS] = ERROR_OFFPEAK_WEEKDAY
            unreadable = unreadable or text
        options[key] = text
    return unreadable


def _weekdays_section(defaults: Mapping[str, Any], *, expanded: bool) -> section:
    """Return the section of the weekdays' own off-peak hours (empty: the default)."""
    return section(
        vol.Schema(
            {
                vol.Optional(
                    key, description={"suggested_value": defaults.get(key, "")}
                ): TextSelector()
                for key in CONF_OFFPEAK_WEEKDAYS
            }
        ),
        {
            "collapsed": not expanded
            and not any(defaults.get(key) for key in CONF_OFFPEAK_WEEKDAYS)
        },
    )


def _prices_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    fields: dict[vol.Marker, Any] = {
        **_plan_fields(defaults),
        vol.Optional(
            CONF_OFFPEAK_HOURS,
            description={"suggested_value": defaults[CONF_OFFPEAK_HOURS]},
        ): TextSelector(),
    }
    return vol.Schema(fields)


def _period_schema(defaults: Mapping[str, Any], *, delete: bool = False) -> vol.Schema:
    """Return the form of a price period: its start, plan and prices (no off-peak hours)."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(
            CONF_START, default=defaults.get(CONF_START, vol.UNDEFINED)
        ): DateSelector(),
        **_plan_fields(defaults),
    }
    if delete:
        fields[vol.Required(CONF_DELETE, default=False)] = BooleanSelector()
    return vol.Schema(fields)


def _validate_period(
    user_input: Mapping[str, Any],
    others: Sequence[Mapping[str, Any]],
    errors: dict[str, str],
) -> dict[str, Any]:
    """Return a period as stored: a start not in the future nor another's, valid prices."""
    cleaned = _clean_prices(user_input, errors)
    start: date = cv.date(user_input[CONF_START])
    # Today in Home Assistant's time zone: the day a new price is first billed.
    if start > dt_util.now().date():
        errors[CONF_START] = ERROR_START_IN_FUTURE
    elif start.isoformat() in {period[CONF_START] for period in others}:
        errors[CONF_START] = ERROR_START_TAKEN
    return {
        CONF_START: start.isoformat(),
        CONF_PLAN: cleaned[CONF_PLAN],
        **{key: cleaned[key] for key in PRICE_KEYS},
        **{key: cleaned[key] for key in CONF_PRICE_TEMPO if key in cleaned},
    }


def _format_price(price: float) -> str:
    """Return a price with at least four decimals and a decimal comma."""
    decimals = max(4, len(str(price).partition(".")[2]))
    return f"{price:.{decimals}f}".replace(".", ",")


def _period_label(period: Mapping[str, Any]) -> str:
    """Return how a period shows in a list: its start, plan and prices."""
    keys: tuple[str, ...] = (
        (CONF_PRICE_BASE,)
        if period[CONF_PLAN] == PLAN_BASE
        else CONF_PRICE_TEMPO
        if period[CONF_PLAN] == PLAN_TEMPO
        else (CONF_PRICE_HP, CONF_PRICE_HC)
    )
    prices = " / ".join(_format_price(period.get(key, 0.0)) for key in keys)
    return f"{period[CONF_START]} : {period[CONF_PLAN]} {prices} €/kWh"


class EnedisConfigFlow(ConfigFlow, domain=DOMAIN):
    """Handle the config flow of a Linky PDL."""

    VERSION = 1

    def __init__(self) -> None:
        """Initialize the flow."""
        self._data: dict[str, Any] = {}
        self._contract: Contract | None = None
        # The PDLs of a MyElectricalData v2 account the user may pick from.
        self._pdls: list[AccountPdl] = []
        # A plain http:// URL the user confirmed by submitting it twice.
        self._insecure_url_confirmed: str | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: EnedisConfigEntry) -> EnedisOptionsFlow:
        """Return the options flow."""
        return EnedisOptionsFlow()

    def _insecure_url(self, data: Mapping[str, Any], errors: dict[str, str]) -> bool:
        """Warn once about a plain http:// URL leaving the local network."""
        url = str(data.get(CONF_URL) or "")
        if is_insecure_url(url) and self._insecure_url_confirmed != url:
            # A warning, not a refusal: submitting the same URL again goes on. On
            # top of the form: the URL field may be in a collapsed section.
            self._insecure_url_confirmed = url
            errors["base"] = "insecure_url"
            return True
        return False

    async def _async_reserve(
        self,
        pdl: str | None,
        data: Mapping[str, Any],
        errors: dict[str, str],
        max_calls: int,
    ) -> bool:
        """Count one call in the shared budget, on the gateway's day; False past it."""
        budget = await async_get_budget(self.hass)
        clock = gateway_clock(Gateway(data[CONF_GATEWAY]))
        if not await budget.async_reserve(
            pdl, data[CONF_ACCESS_TOKEN], max_calls, clock
        ):
            errors["base"] = "budget_exhausted"
            return False
        return True

    def _client(self, data: Mapping[str, Any], pdl: str) -> EnedisClient:
        """Return a client for the gateway, token and URL of the form."""
        return EnedisClient(
            async_get_clientsession(self.hass),
            token=data[CONF_ACCESS_TOKEN],
            pdl=pdl,
            gateway=Gateway(data[CONF_GATEWAY]),
            url=data.get(CONF_URL) or None,
            user_agent=user_agent(self.hass),
        )

    async def _async_call[T](
        self, call: Callable[[], Awaitable[T]], errors: dict[str, str]
    ) -> T | None:
        """Make one gateway call; None with a form error when it fails."""
        try:
            return await call()
        except InvalidPdlError:
            errors[CONF_PDL] = "invalid_pdl"
        except AuthError:
            errors[CONF_ACCESS_TOKEN] = "invalid_auth"
        except QuotaError:
            errors["base"] = "quota_exceeded"
        except EnedisError:
            errors["base"] = "cannot_connect"
        except Exception:  # noqa: BLE001
            LOGGER.exception("Unexpected error while checking the gateway")
            errors["base"] = "unknown"
        return None

    async def _async_check(
        self,
        data: Mapping[str, Any],
        errors: dict[str, str],
        max_calls: int = DEFAULT_MAX_CALLS,
    ) -> None:
        """Validate the token and the PDL with one real contracts call, within the budget."""
        pdl = str(data[CONF_PDL]).strip()
        if len(pdl) != PDL_LENGTH or not pdl.isdigit():
            errors[CONF_PDL] = "invalid_pdl"
            return
        if self._insecure_url(data, errors) or not await self._async_reserve(
            pdl, data, errors, max_calls
        ):
            return
        client = self._client(data, pdl)
        if (
            contract := await self._async_call(client.get_contract, errors)
        ) is not None:
            self._contract = contract

    async def _async_account_pdls(
        self, data: Mapping[str, Any], errors: dict[str, str], max_calls: int
    ) -> list[AccountPdl]:
        """Return the active PDLs of a MyElectricalData v2 account, with one real call."""
        # The gateway does not count this call; the budget does, so that a form
        # submitted again and again cannot call without end.
        if self._insecure_url(data, errors) or not await self._async_reserve(
            None, data, errors, max_calls
        ):
            return []
        pdls = await self._async_call(self._client(data, "").list_pdls, errors)
        if pdls is None:
            return []
        active = [pdl for pdl in pdls if pdl.is_active]
        if not active:
            errors["base"] = "no_pdl"
        return active

    async def _async_validate(
        self,
        data: Mapping[str, Any],
        errors: dict[str, str],
        max_calls: int,
        pdl_field: str,
    ) -> None:
        """Check the entry's data; on MyElectricalData v2 its account must list the PDL."""
        if Gateway(data[CONF_GATEWAY]) is Gateway.MYELECTRICALDATA_V2:
            pdls = await self._async_account_pdls(data, errors, max_calls)
            if errors:
                return
            if data[CONF_PDL] not in {pdl.usage_point_id for pdl in pdls}:
                errors[pdl_field] = "pdl_not_in_account"
                return
        await self._async_check(data, errors, max_calls)

    def _user_schema(
        self, defaults: Mapping[str, Any], *, with_pdl: bool = True
    ) -> vol.Schema:
        fields: dict[Any, Any] = {
            vol.Required(
                CONF_GATEWAY,
                default=defaults.get(CONF_GATEWAY, Gateway.MYELECTRICALDATA),
            ): SelectSelector(
                SelectSelectorConfig(
                    options=[gateway.value for gateway in Gateway],
                    translation_key=CONF_GATEWAY,
                    mode=SelectSelectorMode.LIST,
                )
            ),
            vol.Required(CONF_ACCESS_TOKEN): PASSWORD,
        }
        if with_pdl:
            # Optional: MyElectricalData v2 lists the account's PDLs instead. Shown
            # again as a suggestion, not a default, so that clearing it really clears it.
            fields[vol.Optional(CONF_PDL)] = TextSelector()
        url = defaults.get(CONF_URL)
        fields[vol.Required(SECTION_ADVANCED)] = section(
            vol.Schema(
                {
                    vol.Optional(
                        CONF_URL, description={"suggested_value": url}
                    ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
                }
            ),
            {"collapsed": not url},
        )
        return vol.Schema(fields)

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the gateway, the token and the PDL (MyElectricalData v2: listed)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input = _flatten(user_input)
            user_input[CONF_PDL] = str(user_input.get(CONF_PDL) or "").strip()
            listed = (
                Gateway(user_input[CONF_GATEWAY]) is Gateway.MYELECTRICALDATA_V2
                and not user_input[CONF_PDL]
            )
            if listed:
                if (
                    result := await self._async_list_account(user_input, errors)
                ) is not None:
                    return result
            else:
                await self._async_validate(
                    user_input, errors, DEFAULT_MAX_CALLS, CONF_PDL
                )
            if not errors:
                return await self._async_accept(user_input)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                self._user_schema(user_input or {}), _sectioned(user_input)
            ),
            errors=errors,
            description_placeholders=PLACEHOLDERS,
        )

    async def _async_list_account(
        self, data: dict[str, Any], errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """List the account's PDLs not configured yet: abort, offer them, or check the one."""
        pdls = await self._async_account_pdls(data, errors, DEFAULT_MAX_CALLS)
        if errors:
            return None
        configured = self._async_current_ids()
        self._pdls = [pdl for pdl in pdls if pdl.usage_point_id not in configured]
        if not self._pdls:
            return self.async_abort(reason="all_pdls_configured")
        self._data = data
        if len(self._pdls) > 1:
            return await self.async_step_pdl()
        data[CONF_PDL] = self._pdls[0].usage_point_id
        await self._async_check(data, errors)
        return None

    async def async_step_pdl(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user pick one of the PDLs of a MyElectricalData v2 account."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._data, CONF_PDL: user_input[CONF_PDL]}
            await self._async_check(data, errors)
            if not errors:
                return await self._async_accept(data)
            # This form has only the PDL: any other error goes on top of it.
            errors = {
                key if key == CONF_PDL else "base": error
                for key, error in errors.items()
            }
        options = [
            SelectOptionDict(
                value=pdl.usage_point_id,
                label=f"{pdl.name} ({pdl.usage_point_id})"
                if pdl.name
                else pdl.usage_point_id,
            )
            for pdl in self._pdls
        ]
        return self.async_show_form(
            step_id="pdl",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_PDL): SelectSelector(
                        SelectSelectorConfig(
                            options=options, mode=SelectSelectorMode.LIST
                        )
                    )
                }
            ),
            errors=errors,
            description_placeholders={"count": str(len(options))},
        )

    async def _async_accept(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Go on to the prices with a checked PDL, unless it is already configured."""
        await self.async_set_unique_id(data[CONF_PDL])
        self._abort_if_unique_id_configured()
        self._data = data
        return await self.async_step_prices()

    async def async_step_prices(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the plan, the prices and the off-peak hours."""
        errors: dict[str, str] = {}
        if user_input is not None:
            options = _validate_prices(user_input, errors)
            if not errors:
                data = dict(self._data)
                if self._contract is not None:
                    data[CONF_CONTRACT] = encode_contract(self._contract)
                return self.async_create_entry(
                    title=f"Linky {data[CONF_PDL]}",
                    data=data,
                    options={**DEFAULT_OPTIONS, **options},
                )
        contract_hours = self._contract.offpeak_hours if self._contract else None
        return self.async_show_form(
            step_id="prices",
            data_schema=_prices_schema(DEFAULT_OPTIONS),
            errors=errors,
            description_placeholders={"contract_offpeak": contract_hours or "—"},
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start a reauth when the token or the consent expired."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new token."""
        errors: dict[str, str] = {}
        entry = self._get_reauth_entry()
        if user_input is not None:
            data = {**entry.data, **user_input}
            await self._async_validate(data, errors, _max_calls(entry), "base")
            if not errors:
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={CONF_ACCESS_TOKEN: user_input[CONF_ACCESS_TOKEN]},
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_ACCESS_TOKEN): PASSWORD}),
            errors=errors,
            description_placeholders={**PLACEHOLDERS, "pdl": entry.data[CONF_PDL]},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the gateway, the token or the URL of an entry."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        defaults: dict[str, Any] = dict(entry.data)
        if user_input is not None:
            data = {**entry.data, **_flatten(user_input)}
            if not data.get(CONF_URL):
                data.pop(CONF_URL, None)
            data[CONF_PDL] = str(data.get(CONF_PDL) or entry.data[CONF_PDL]).strip()
            await self._async_validate(data, errors, _max_calls(entry), CONF_PDL)
            if not errors:
                await self.async_set_unique_id(data[CONF_PDL])
                self._abort_if_unique_id_mismatch(reason="wrong_pdl")
                return self.async_update_reload_and_abort(entry, data=data)
            defaults = data
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                self._user_schema(defaults), {CONF_PDL: defaults[CONF_PDL]}
            ),
            errors=errors,
            description_placeholders=PLACEHOLDERS,
        )


def _flatten(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Lift the URL out of the collapsed section: the entry stores it flat."""
    data = {key: value for key, value in user_input.items() if key != SECTION_ADVANCED}
    url = user_input.get(SECTION_ADVANCED, {}).get(CONF_URL)
    if url:
        data[CONF_URL] = url
    return data


def _sectioned(user_input: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Put a flat URL back into its section, to show a submitted form again."""
    if user_input is None:
        return None
    data = {key: value for key, value in user_input.items() if key != CONF_URL}
    data[SECTION_ADVANCED] = {CONF_URL: user_input.get(CONF_URL)}
    return data


def _max_calls(entry: EnedisConfigEntry) -> int:
    """Return the daily call budget of an entry."""
    return EnedisOptions.from_entry_options(entry.options).max_calls


class EnedisOptionsFlow(OptionsFlow):
    """Options of a Linky PDL: its settings, and the prices of dated periods."""

    def __init__(self) -> None:
        """Initialize the flow."""
        # The start of the period picked in edit_period.
        self._editing: str | None = None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the settings, a new price period, or a change to one."""
        menu = ["settings", "add_period"]
        if self._periods():
            menu.append("edit_period")
        return self.async_show_menu(step_id="init", menu_options=menu)

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show every option but the price periods."""
        errors: dict[str, str] = {}
        current = {**DEFAULT_OPTIONS, **self.config_entry.options}
        unreadable = ""
        if user_input is not None:
            options = _validate_prices(user_input, errors)
            unreadable = _validate_weekdays(options, errors)
            options.update(
                await _async_validate_exporters(self.hass, user_input, current, errors)
            )
            if not errors:
                return self.async_create_entry(data={**current, **options})
        schema = (
            _prices_schema(current)
            .extend(
                {
                    vol.Optional(SECTION_OFFPEAK_WEEKDAYS): _weekdays_section(
                        current, expanded=SECTION_OFFPEAK_WEEKDAYS in errors
                    )
                }
            )
            .extend(
                {
                    **{
                        vol.Required(key, default=current[key]): BooleanSelector()
                        for key in TOGGLE_KEYS
                    },
                    vol.Required(CONF_CYCLE, default=current[CONF_CYCLE]): vol.All(
                        NumberSelector(
                            NumberSelectorConfig(
                                min=MIN_CYCLE,
                                max=86400,
                                step=60,
                                mode=NumberSelectorMode.BOX,
                                unit_of_measurement="s",
                            )
                        ),
                        vol.Coerce(int),
                    ),
                    vol.Required(
                        CONF_MAX_CALLS, default=current[CONF_MAX_CALLS]
                    ): vol.All(
                        NumberSelector(
                            NumberSelectorConfig(
                                min=1,
                                max=MAX_CALLS_CEILING,
                                step=1,
                                mode=NumberSelectorMode.BOX,
                            )
                        ),
                        vol.Coerce(int),
                    ),
                }
            )
            .extend(_exporters_schema(current))
        )
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders={
                **await self._async_budget_placeholders(),
                "offpeak_text": unreadable,
            },
        )

    async def async_step_add_period(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add the plan and prices in force from a date."""
        errors: dict[str, str] = {}
        periods = self._periods()
        if user_input is not None:
            period = _validate_period(user_input, periods, errors)
            if not errors:
                return self._async_save_periods([*periods, period])
        return self.async_show_form(
            step_id="add_period",
            data_schema=self.add_suggested_values_to_schema(
                _period_schema(self._prices_in_force()), user_input
            ),
            errors=errors,
        )

    async def async_step_edit_period(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the period to change or delete."""
        if user_input is not None:
            self._editing = user_input[CONF_PERIOD]
            return await self.async_step_change_period()
        periods = self._periods()
        options = [
            SelectOptionDict(value=period[CONF_START], label=_period_label(period))
            for period in periods
        ]
        return self.async_show_form(
            step_id="edit_period",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_PERIOD, default=periods[-1][CONF_START]
                    ): SelectSelector(
                        SelectSelectorConfig(
                            options=options, mode=SelectSelectorMode.LIST
                        )
                    )
                }
            ),
        )

    async def async_step_change_period(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the start, plan or prices of the picked period, or delete it."""
        errors: dict[str, str] = {}
        periods = self._periods()
        period = next(item for item in periods if item[CONF_START] == self._editing)
        others = [item for item in periods if item is not period]
        if user_input is not None:
            if user_input[CONF_DELETE]:
                return self._async_save_periods(others)
            changed = _validate_period(user_input, others, errors)
            if not errors:
                return self._async_save_periods([*others, changed])
        return self.async_show_form(
            step_id="change_period",
            data_schema=self.add_suggested_values_to_schema(
                _period_schema(period, delete=True), user_input
            ),
            errors=errors,
            description_placeholders={CONF_START: period[CONF_START]},
        )

    def _periods(self) -> list[dict[str, Any]]:
        """Return the entry's price periods, oldest first."""
        return list(self.config_entry.options.get(CONF_PRICE_PERIODS, []))

    def _prices_in_force(self) -> dict[str, Any]:
        """Return today's plan and prices: the last period started, else the entry's."""
        today = dt_util.now().date().isoformat()
        started = [item for item in self._periods() if item[CONF_START] <= today]
        source = (
            started[-1] if started else {**DEFAULT_OPTIONS, **self.config_entry.options}
        )
        return {
            key: source.get(key, 0.0)
            for key in (CONF_PLAN, *PRICE_KEYS, *CONF_PRICE_TEMPO)
        }

    @callback
    def _async_save_periods(self, periods: list[dict[str, Any]]) -> ConfigFlowResult:
        """Save the options with these periods by start; without any, drop the key."""
        options = {
            key: value
            for key, value in self.config_entry.options.items()
            if key != CONF_PRICE_PERIODS
        }
        if periods:
            options[CONF_PRICE_PERIODS] = sorted(periods, key=itemgetter(CONF_START))
        return self.async_create_entry(data=options)

    async def _async_budget_placeholders(self) -> dict[str, str]:
        """Describe today's calls of this meter and of every meter sharing its token."""
        budget = await async_get_budget(self.hass)
        entry = self.config_entry
        token = entry.data[CONF_ACCESS_TOKEN]
        clock = gateway_clock(Gateway(entry.data[CONF_GATEWAY]))
        meters = [
            other.title
            for other in self.hass.config_entries.async_entries(DOMAIN)
            if other.data.get(CONF_ACCESS_TOKEN) == token
        ]
        spent = budget.spent_by_token(token, clock)
        return {
            "meter_calls": str(budget.spent_by_meter(entry.data[CONF_PDL], clock)),
            "token_calls": str(spent),
            "token_left": str(max(0, MAX_CALLS_CEILING - spent)),
            "ceiling": str(MAX_CALLS_CEILING),
            "meters": ", ".join(meters),
            "meter_count": str(len(meters)),
        }
