"""The Enedis Gateway (Linky) integration."""

from __future__ import annotations

from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import homeassistant.helpers.config_validation as cv
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType
from homeassistant.loader import async_get_loaded_integration

from .budget import async_get_budget
from .const import CONF_GATEWAY, CONF_PDL, DOMAIN
from .coordinator import EnedisConfigEntry, EnedisCoordinator, EnedisRuntimeData
from .influxdb import marks_store
from .linky.client import EnedisClient
from .linky.models import Gateway
from .outputs import EnedisOutputs
from .services import async_setup_services
from .store import HistoryStore

PLATFORMS: list[Platform] = [Platform.BUTTON, Platform.CALENDAR, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EnedisConfigEntry) -> bool:
    """Set up a Linky PDL from a config entry."""
    await _async_migrate_unique_ids(hass, entry)
    client = EnedisClient(
        async_get_clientsession(hass),
        token=entry.data[CONF_ACCESS_TOKEN],
        pdl=entry.data[CONF_PDL],
        gateway=Gateway(entry.data[CONF_GATEWAY]),
        url=entry.data.get(CONF_URL) or None,
        user_agent=user_agent(hass),
    )
    coordinator = EnedisCoordinator(
        hass,
        entry,
        client,
        HistoryStore(hass, entry.entry_id),
        await async_get_budget(hass),
    )
    await coordinator.async_config_entry_first_refresh()
    outputs = EnedisOutputs(hass, entry, coordinator)
    await outputs.async_setup()
    entry.runtime_data = EnedisRuntimeData(coordinator=coordinator, outputs=outputs)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    outputs.async_start()

    @callback
    def start_statistics(_: HomeAssistant) -> None:
        outputs.statistics.async_start()

    # The Energy statistics are built in a thread: not while Home Assistant starts.
    entry.async_on_unload(async_at_started(hass, start_statistics))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: EnedisConfigEntry) -> bool:
    """Unload a config entry."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        await entry.runtime_data.outputs.async_shutdown()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: EnedisConfigEntry) -> None:
    """Delete the stored history with the entry."""
    await HistoryStore(hass, entry.entry_id).async_remove()
    await marks_store(hass, entry.entry_id).async_remove()


async def _async_options_updated(hass: HomeAssistant, entry: EnedisConfigEntry) -> None:
    """Apply new options: prices and hours live, a changed set of entities by a reload."""
    coordinator = entry.runtime_data.coordinator
    before = coordinator.options
    await coordinator.async_apply_options()
    after = coordinator.options
    if (before.kinds, before.ecowatt) != (after.kinds, after.ecowatt):
        hass.config_entries.async_schedule_reload(entry.entry_id)


# Entity keys renamed since 0.1.0: the entities keep their ids and history.
RENAMED_KEYS = {"clear_blacklist": "retry_skipped_days"}


async def _async_migrate_unique_ids(
    hass: HomeAssistant, entry: EnedisConfigEntry
) -> None:
    """Give the entities of renamed keys their new unique id."""
    pdl = entry.data[CONF_PDL]

    @callback
    def migrate(entity: er.RegistryEntry) -> dict[str, str] | None:
        for old, new in RENAMED_KEYS.items():
            if entity.unique_id == f"{pdl}_{old}":
                return {"new_unique_id": f"{pdl}_{new}"}
        return None

    await er.async_migrate_entries(hass, entry.entry_id, migrate)


def integration_version(hass: HomeAssistant) -> str:
    """Return the integration's version, as manifest.json gives it."""
    return str(async_get_loaded_integration(hass, DOMAIN).version)


def user_agent(hass: HomeAssistant) -> str:
    """Return the User-Agent naming the integration and its version."""
    return f"HomeAssistant-{DOMAIN}/{integration_version(hass)}"
