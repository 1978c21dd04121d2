"""MQTT mirror of the original EnedisGateway2MQTT topic tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant

from .linky.history import History
from .options import EnedisOptions

if TYPE_CHECKING:
    from .coordinator import EnedisData


class MqttMirror:
    """Publish what changed through Home Assistant's MQTT integration."""

    def __init__(self, hass: HomeAssistant, pdl: str) -> None:
        """Initialize the mirror."""
        self.hass = hass
        self.pdl = pdl

    async def async_publish(
        self, history: History, options: EnedisOptions, data: EnedisData
    ) -> None:
        """Publish the topics whose payload changed."""
