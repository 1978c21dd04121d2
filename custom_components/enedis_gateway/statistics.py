"""Energy dashboard: hourly external statistics built from the stored history."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from .linky.history import History
from .options import EnedisOptions


class StatisticsImporter:
    """Keep the external statistics of one PDL in step with its history."""

    def __init__(self, hass: HomeAssistant, pdl: str) -> None:
        """Initialize the importer."""
        self.hass = hass
        self.pdl = pdl

    async def async_update(self, history: History, options: EnedisOptions) -> None:
        """Write the rows the history gained since the last update."""
