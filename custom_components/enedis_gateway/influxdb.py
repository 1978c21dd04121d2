"""InfluxDB v2 exporter of the readings, with their true timestamps."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .linky.history import History
from .linky.influx_lines import (
    ExportKind,
    batches,
    decode_marks,
    encode_marks,
    exported_days,
    mark_exported,
    pending_units,
    unmark_exported,
)
from .linky.pipeline import Snapshot
from .linky.tariff import Tariff, decode_prices, encode_prices, repriced_days
from .options import InfluxDBTarget

WRITE_TIMEOUT = aiohttp.ClientTimeout(total=30)
MARKS_VERSION = 1
MARKS_SAVE_DELAY = 10
ERROR_INVALID_AUTH = "influxdb_invalid_auth"
ERROR_NOT_FOUND = "influxdb_bucket_not_found"
ERROR_CANNOT_CONNECT = "influxdb_cannot_connect"


class InfluxDBError(Exception):
    """InfluxDB could not be reached or refused a write."""

    def __init__(
        self, message: str, *, status: int | None = None, code: str = ""
    ) -> None:
        """Keep the HTTP status and InfluxDB's error code."""
        super().__init__(message)
        self.status = status
        self.code = code


class InfluxDBAuthError(InfluxDBError):
    """The token is unknown or may not write to the bucket."""


class InfluxDBNotFoundError(InfluxDBError):
    """The organization or the bucket does not exist."""


async def _async_error(response: aiohttp.ClientResponse, token: str) -> InfluxDBError:
    """Return the error of a refused write, from InfluxDB's {"code", "message"} body."""
    code = message = ""
    try:
        body = await response.json(content_type=None)
    except (aiohttp.ClientError, ValueError):
        body = None
    if isinstance(body, dict):
        code = str(body.get("code", ""))
        message = str(body.get("message", ""))
    # Never echo the token, whatever a proxy in front of InfluxDB answers.
    text = f"HTTP {response.status} {code} {message}"[:300]
    if token:
        text = text.replace(token, "**REDACTED**")
    if response.status in (401, 403):
        return InfluxDBAuthError(text, status=response.status, code=code)
    if response.status == 404 and code == "not found":
        return InfluxDBNotFoundError(text, status=response.status, code=code)
    return InfluxDBError(text, status=response.status, code=code)


async def async_write(
    session: aiohttp.ClientSession, target: InfluxDBTarget, body: str
) -> None:
    """POST line protocol to /api/v2/write; raise InfluxDBError unless InfluxDB took it."""
    try:
        async with session.post(
            f"{target.url.rstrip('/')}/api/v2/write",
            params={"org": target.org, "bucket": target.bucket, "precision": "s"},
            data=body.encode(),
            headers={
                "Authorization": f"Token {target.token}",
                "Content-Type": "text/plain; charset=utf-8",
            },
            timeout=WRITE_TIMEOUT,
        ) as response:
            if 200 <= response.status < 300:
                return
            error = await _async_error(response, target.token)
    except (aiohttp.ClientError, TimeoutError, ValueError) as err:
        # ValueError: a malformed URL or a token that cannot go in a header.
        raise InfluxDBError(f"cannot reach InfluxDB ({type(err).__name__})") from err
    raise error


async def async_validate_influxdb(
    hass: HomeAssistant, url: str, token: str, org: str, bucket: str
) -> str | None:
    """Check the settings with one empty write; return an error key, None when fine."""
    target = InfluxDBTarget(
        url=url.strip(), token=token, org=org.strip(), bucket=bucket.strip()
    )
    try:
        await async_write(async_get_clientsession(hass), target, "")
    except InfluxDBAuthError:
        return ERROR_INVALID_AUTH
    except InfluxDBNotFoundError:
        return ERROR_NOT_FOUND
    except InfluxDBError as err:
        # InfluxDB checks the token, the org, the bucket and the write permission
        # before it reads the body: "writing requires points" means all are right.
        if err.status == 400 and err.code == "invalid":
            return None
        return ERROR_CANNOT_CONNECT
    return None


class InfluxDBExporter:
    """Write the points not yet exported, and keep which days were, in a store of its own."""

    def __init__(self, hass: HomeAssistant, entry_id: str, pdl: str) -> None:
        """Initialize the exporter."""
        self.hass = hass
        self.pdl = pdl
        self.store = marks_store(hass, entry_id)
        self.marks: dict[str, datetime] = {}
        # The prices the exported points were written at (None: not known).
        self.tariff: Tariff | None = None
        self._lock = asyncio.Lock()
        self._failing = False
        self._dirty = False

    async def async_load(self, legacy: Mapping[str, datetime]) -> None:
        """Load the marks; the first time, take over those the history file held."""
        try:
            data = await self.store.async_load()
        except HomeAssistantError as err:
            data = None
            LOGGER.warning("Linky %s: export marks unreadable: %s", self.pdl[-4:], err)
        if data is None:
            self.marks = dict(legacy)
            if legacy:
                # Saved now: the next save of the history file leaves them out.
                await self.store.async_save(self._data())
            return
        try:
            self.marks = decode_marks(data.get("marks", {}))
            prices = data.get("prices")
            self.tariff = decode_prices(prices) if prices is not None else None
        except (TypeError, ValueError, KeyError) as err:
            # InfluxDB keeps one point per series and instant: writing the days
            # again duplicates nothing, so start over rather than stop exporting.
            LOGGER.warning(
                "Linky %s: export marks unreadable (%s), exporting every day again",
                self.pdl[-4:],
                err,
            )
            self.marks = {}

    async def async_export(
        self, history: History, snapshot: Snapshot, target: InfluxDBTarget | None
    ) -> None:
        """Export the days not exported yet."""
        if target is None:
            return
        async with self._lock:
            await self._async_export(history, snapshot.tariff, target)

    async def _async_export(
        self, history: History, tariff: Tariff, target: InfluxDBTarget
    ) -> None:
        """Write the pending days in batches; marks move only after a successful write."""
        if self.tariff != tariff:
            # New prices or off-peak hours: the days they change are written again
            # (InfluxDB overwrites a point of the same series and instant).
            if self.tariff is not None:
                for kind in ExportKind:
                    repriced = repriced_days(
                        self.tariff, tariff, exported_days(self.marks, kind)
                    )
                    self.marks = unmark_exported(self.marks, kind, repriced)
            # A copy: the snapshot's memo holds curves this exporter need not keep.
            self.tariff = tariff.copy()
            self._dirty = True
            self.store.async_delay_save(self._data, MARKS_SAVE_DELAY)
        units = pending_units(history, self.marks, pdl=self.pdl, tariff=tariff)
        session = async_get_clientsession(self.hass)
        for batch in batches(units):
            try:
                await async_write(
                    session,
                    target,
                    "\n".join(text for unit in batch for text in unit.lines),
                )
            except InfluxDBError as err:
                if not self._failing:
                    LOGGER.warning(
                        "Linky %s: InfluxDB export failed, retried next cycle: %s",
                        self.pdl[-4:],
                        err,
                    )
                    self._failing = True
                return
            for kind in ExportKind:
                days = [unit.day for unit in batch if unit.kind is kind]
                if days:
                    self.marks = mark_exported(self.marks, kind, days)
            self._dirty = True
            self.store.async_delay_save(self._data, MARKS_SAVE_DELAY)
        if self._failing:
            LOGGER.info("Linky %s: InfluxDB export works again", self.pdl[-4:])
            self._failing = False

    async def async_save(self) -> None:
        """Write the marks now if they moved: a reload's exporter reads them next."""
        async with self._lock:
            if self._dirty:
                await self.store.async_save(self._data())
                self._dirty = False

    def _data(self) -> dict[str, Any]:
        prices = encode_prices(self.tariff) if self.tariff is not None else None
        return {"marks": encode_marks(self.marks), "prices": prices}


def marks_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return the store of an entry's InfluxDB export marks."""
    return Store(hass, MARKS_VERSION, f"{DOMAIN}.{entry_id}.influxdb", private=True)
