"""One-shot actions: refresh the contract or the address, retry the skipped days, wipe the cache."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from . import issues
from .const import DOMAIN
from .coordinator import (
    BudgetExhaustedError,
    EnedisConfigEntry,
    EnedisCoordinator,
    ResourceFailedError,
)
from .linky.planner import Resource

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
SERVICE_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})

type Action = Callable[[EnedisCoordinator], Awaitable[None]]


async def refresh_contract(coordinator: EnedisCoordinator) -> None:
    """Fetch the contract again (one call)."""
    await _refresh(coordinator, Resource.CONTRACT)


async def refresh_addresses(coordinator: EnedisCoordinator) -> None:
    """Fetch the addresses again (one call)."""
    await _refresh(coordinator, Resource.ADDRESSES)


async def retry_skipped_days(coordinator: EnedisCoordinator) -> None:
    """Forget the skipped days (given up after 7 attempts) so that they are fetched again."""
    await coordinator.async_retry_skipped_days()


async def wipe_cache(coordinator: EnedisCoordinator) -> None:
    """Forget every stored reading and fetch the history again."""
    await coordinator.async_wipe_cache()


async def _refresh(coordinator: EnedisCoordinator, resource: Resource) -> None:
    try:
        await coordinator.async_refresh_resource(resource)
    except BudgetExhaustedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="budget_exhausted"
        ) from err
    except ResourceFailedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="refresh_failed",
            translation_placeholders={"error": str(err)},
        ) from err


# Old action names, kept working for the automations that use them, with a repair issue.
DEPRECATED_ACTIONS: dict[str, str] = {"clear_blacklist": "retry_skipped_days"}

ACTIONS: dict[str, Action] = {
    "refresh_contract": refresh_contract,
    "refresh_addresses": refresh_addresses,
    "retry_skipped_days": retry_skipped_days,
    "wipe_cache": wipe_cache,
}


def _coordinator(hass: HomeAssistant, entry_id: str) -> EnedisCoordinator:
    """Return the coordinator of a loaded entry of ours, or raise a translated error."""
    entry: EnedisConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    return entry.runtime_data.coordinator


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""

    def make_handler(
        action: Action, deprecated: str | None = None
    ) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
        async def handle(call: ServiceCall) -> None:
            if deprecated is not None:
                issues.deprecated_action(
                    hass, deprecated, DEPRECATED_ACTIONS[deprecated]
                )
            await action(_coordinator(hass, call.data[ATTR_CONFIG_ENTRY_ID]))

        return handle

    for name, action in ACTIONS.items():
        hass.services.async_register(
            DOMAIN, name, make_handler(action), schema=SERVICE_SCHEMA
        )
    for old, new in DEPRECATED_ACTIONS.items():
        hass.services.async_register(
            DOMAIN, old, make_handler(ACTIONS[new], old), schema=SERVICE_SCHEMA
        )
