"""The outputs fed after each update: Energy statistics, MQTT mirror, InfluxDB export."""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN, LOGGER
from .coordinator import EnedisConfigEntry, EnedisCoordinator
from .influxdb import InfluxDBExporter
from .linky.pipeline import Snapshot
from .mqtt_mirror import MqttMirror
from .statistics import StatisticsImporter


class EnedisOutputs:
    """
    Listen to the coordinator and feed every output from the stored history.

    None of them calls the gateway, and none runs inside the update: a slow or
    failing exporter never delays or fails the entities.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EnedisConfigEntry,
        coordinator: EnedisCoordinator,
    ) -> None:
        """Initialize the outputs of an entry."""
        self.hass = hass
        self.entry = entry
        self.coordinator = coordinator
        self.statistics = StatisticsImporter(hass, entry, coordinator.pdl)
        self.mqtt_mirror = MqttMirror(hass, coordinator.pdl)
        self.influxdb = InfluxDBExporter(hass, entry.entry_id, coordinator.pdl)
        # One export at a time: the mirror keeps what it published.
        self._lock = asyncio.Lock()

    async def async_setup(self) -> None:
        """Load what the outputs keep between runs."""
        await self.influxdb.async_load(self.coordinator.legacy_export_marks)

    async def async_shutdown(self) -> None:
        """Write what the outputs keep between runs."""
        await self.influxdb.async_save()

    @callback
    def async_start(self) -> None:
        """Feed the outputs now, then after every update."""
        self.entry.async_on_unload(
            self.coordinator.async_add_listener(self._async_updated)
        )
        self._async_updated()

    @callback
    def _async_updated(self) -> None:
        """Schedule the statistics and start the exports in their own task."""
        data = self.coordinator.data
        coordinator = self.coordinator
        self.statistics.async_schedule(
            coordinator.history, coordinator.fetch, data, coordinator.options.kinds
        )
        # A task of the entry, not of the update: the entities never wait for it.
        self.entry.async_create_task(
            self.hass,
            self._async_export(data),
            f"{DOMAIN} {self.coordinator.pdl[-4:]} exports",
        )

    async def _async_export(self, data: Snapshot) -> None:
        """Publish the MQTT mirror and write the InfluxDB points not yet written."""
        coordinator = self.coordinator
        async with self._lock:
            try:
                await self.mqtt_mirror.async_publish(
                    coordinator.history, coordinator.options, data
                )
                await self.influxdb.async_export(
                    coordinator.history, data, coordinator.options.influxdb
                )
            except Exception:  # noqa: BLE001 - an output must never stop the others
                LOGGER.exception("Linky %s: an export failed", coordinator.pdl[-4:])
