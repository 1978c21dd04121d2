"""Persistence of the history in Home Assistant's storage helper."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .linky.history import STORAGE_VERSION, History, decode_history, encode_history

SAVE_DELAY = 10


class HistoryStore(Store[dict[str, Any]]):
    """Versioned store of one entry's history."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Initialize the store."""
        super().__init__(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            private=True,
            atomic_writes=True,
        )

    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> dict[str, Any]:
        """Migrate older layouts; version 1 is the first, so nothing to do yet."""
        return old_data

    async def async_load_history(self) -> History:
        """Load the stored history, or an empty one."""
        data = await self.async_load()
        if data is None:
            return History()
        return decode_history(data)

    async def async_save_history(self, history: History) -> None:
        """Write the history now."""
        await self.async_save(encode_history(history))

    def schedule_save(self, history: History) -> None:
        """Write the history soon, coalescing consecutive changes."""
        self.async_delay_save(lambda: encode_history(history), SAVE_DELAY)
