"""InfluxDB v2 exporter of the readings, with their true timestamps."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from .linky.history import History
from .options import EnedisOptions


class InfluxDBExporter:
    """Write the points not yet exported."""

    def __init__(self, hass: HomeAssistant, pdl: str) -> None:
        """Initialize the exporter."""
        self.hass = hass
        self.pdl = pdl

    async def async_export(self, history: History, options: EnedisOptions) -> bool:
        """Export new points; return True when the history's export marks changed."""
        return False
