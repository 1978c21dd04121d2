"""InfluxDB v2 exporter of the readings, with their true timestamps."""

from __future__ import annotations

import asyncio

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import (
    LOGGER,
)
from .linky.history import History
from .linky.influx_lines import ExportKind, batches, mark_exported, pending_units
from .options import EnedisOptions, InfluxDBTarget

WRITE_TIMEOUT = aiohttp.ClientTimeout(total=30)
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
    """Write the points not yet exported."""

    def __init__(self, hass: HomeAssistant, pdl: str) -> None:
        """Initialize the exporter."""
        self.hass = hass
        self.pdl = pdl
        self._lock = asyncio.Lock()
        self._failing = False

    async def async_export(self, history: History, options: EnedisOptions) -> bool:
        """Export new points; return True when the history's export marks changed."""
        if (target := options.influxdb) is None:
            return False
        async with self._lock:
            return await self._async_export(history, options, target)

    async def _async_export(
        self, history: History, options: EnedisOptions, target: InfluxDBTarget
    ) -> bool:
        """Write the pending days in batches; marks move only after a successful write."""
        contract_text = history.contract.offpeak_hours if history.contract else None
        units = pending_units(
            history,
            pdl=self.pdl,
            prices=options.prices,
            plan=options.plan,
            ranges=options.offpeak_ranges(contract_text),
        )
        session = async_get_clientsession(self.hass)
        changed = False
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
                return changed
            for kind in ExportKind:
                days = [unit.day for unit in batch if unit.kind is kind]
                if days:
                    history.exported = mark_exported(history.exported, kind, days)
            changed = True
        if self._failing:
            LOGGER.info("Linky %s: InfluxDB export works again", self.pdl[-4:])
            self._failing = False
        return changed
