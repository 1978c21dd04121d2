"""Persistence of the history in Home Assistant's storage helper."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .linky.history import STORAGE_VERSION, History, decode_history, encode_history

SAVE_DELAY = 10


class FutureVersionError(Exception):
    """The file was written by a newer version of the integration."""

    def __init__(self, version: int, data: dict[str, Any]) -> None:
        """Keep what was read, to set it aside."""
        super().__init__(f"storage version {version}")
        self.version = version
        self.data = data


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
        """Migrate older layouts; refuse a layout from a newer version."""
        if old_major_version > STORAGE_VERSION:
            raise FutureVersionError(old_major_version, old_data)
        return old_data

    async def async_load_history(self) -> tuple[History, str | None]:
        """
        Load the history; what cannot be read is set aside and an empty one returned.

        The second item is the path of the set-aside copy, or None.
        """
        version = STORAGE_VERSION
        data: dict[str, Any] | None = None
        try:
            data = await self.async_load()
            return (History() if data is None else decode_history(data)), None
        except FutureVersionError as err:
            version, data = err.version, err.data
            reason = f"written by a newer version ({err.version})"
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            reason = f"unreadable ({type(err).__name__})"
        aside: Store[dict[str, Any]] = Store(
            self.hass, version, f"{self.key}.unreadable", private=True
        )
        await aside.async_save(data or {})
        LOGGER.error(
            "Stored history %s is %s; kept aside as %s, starting empty",
            self.key,
            reason,
            aside.path,
        )
        return History(), aside.path

    async def async_save_history(self, history: History) -> None:
        """Write the history now."""
        await self.async_save(encode_history(history))

    def schedule_save(self, history: History) -> None:
        """Write the history soon, coalescing consecutive changes."""
        self.async_delay_save(lambda: encode_history(history), SAVE_DELAY)
