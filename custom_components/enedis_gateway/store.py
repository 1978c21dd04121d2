"""Persistence of the history in Home Assistant's storage helper."""

from __future__ import annotations

import os
import shutil
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import storage

from .const import DOMAIN, LOGGER
from .linky.history import (
    STORAGE_VERSION,
    FetchState,
    History,
    StoredHistory,
    decode_history,
    encode_history,
)

SAVE_DELAY = 10


class FutureVersionError(Exception):
    """The file was written by a newer version of the integration."""

    def __init__(self, version: int) -> None:
        """Keep the version found."""
        super().__init__(f"written by a newer version (storage version {version})")
        self.version = version


def _unreadable_errors() -> tuple[type[Exception], ...]:
    """Return what Home Assistant's load and our decoder raise for a file they refuse."""
    errors: tuple[type[Exception], ...] = (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        FutureVersionError,
    )
    # Home Assistant 2026.3+ refuses a newer major version itself, before the
    # migrate hook; older versions have no such error.
    newer = getattr(storage, "UnsupportedStorageVersionError", None)
    return errors if newer is None else (*errors, newer)


def _keep_aside(path: str) -> str:
    """Copy a file byte for byte beside itself, never over an earlier copy."""
    suffix = 0
    with open(path, "rb") as source:
        while True:
            target = f"{path}.unreadable{f'.{suffix}' if suffix else ''}"
            try:
                # Private, as the history itself: it holds the meter's address.
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                suffix += 1
                continue
            with os.fdopen(fd, "wb") as copy:
                shutil.copyfileobj(source, copy)
                copy.flush()
                # The original is written over by the next save.
                os.fsync(copy.fileno())
            return target


class HistoryStore(storage.Store[dict[str, Any]]):
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
        """Migrate older layouts; refuse a newer layout and one that does not decode."""
        if old_major_version > STORAGE_VERSION:
            raise FutureVersionError(old_major_version)
        # Home Assistant saves what this returns over the file: a file that does not
        # decode must stay on disk as it is, to be kept aside.
        decode_history(old_data)
        return old_data

    async def async_load_history(self) -> tuple[StoredHistory, str | None]:
        """
        Load the history; a file that cannot be read is kept aside, and an empty one returned.

        The second item is the path of the copy kept aside, or None. When no copy can
        be made (OSError), that error is raised and the file is left as it is.
        """
        try:
            data = await self.async_load()
            if data is None:
                return StoredHistory(), None
            # Decoding three years of readings takes tens of milliseconds: off the
            # event loop (the parsed file is this call's own, nothing else holds it).
            return await self.hass.async_add_executor_job(decode_history, data), None
        except _unreadable_errors() as err:
            reason = f"{type(err).__name__}: {err}"
        aside = await self.hass.async_add_executor_job(_keep_aside, self.path)
        LOGGER.error(
            "Stored history %s cannot be read (%s); kept aside as %s, starting empty",
            self.key,
            reason,
            aside,
        )
        return StoredHistory(), aside

    async def async_save_history(self, history: History, fetch: FetchState) -> None:
        """
        Write the history now; the caller holds the meter's lock.

        Encoding three years of readings takes tens of milliseconds: it runs in the
        executor, as nothing changes the history or the fetch state without that lock.
        """
        data = await self.hass.async_add_executor_job(encode_history, history, fetch)
        await self.async_save(data)

    def schedule_save(self, history: History, fetch: FetchState) -> None:
        """Write the history soon, coalescing consecutive changes."""
        self.async_delay_save(lambda: encode_history(history, fetch), SAVE_DELAY)
