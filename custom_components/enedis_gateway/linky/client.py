"""Asynchronous client of the three Linky gateway protocols."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
import json
import logging
from typing import Any

import aiohttp

from . import med2
from .exceptions import (
    AuthError,
    EndOfHistoryError,
    EnedisError,
    GatewayError,
    InvalidPdlError,
    NoDataError,
    QuotaError,
)
from .history import paris_day
from .models import (
    BATCH_MAX_DAYS,
    DEFAULT_URLS,
    AccountPdl,
    Addresses,
    Contract,
    DailyReading,
    Gateway,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
    UsageStats,
)
from .parsing import (
    parse_addresses,
    parse_contract,
    parse_daily,
    parse_load_curve,
    parse_max_power,
)
from .redact import redact
from .tempo import (
    EcoWattDay,
    TempoColor,
    ecowatt_v2_days,
    parse_ecowatt_v1,
    parse_tempo_v1,
    parse_tempo_v2,
)

_LOGGER = logging.getLogger(__name__)

CONTRACTS = "contracts"
ADDRESSES = "addresses"
TEMPO = "tempo"
ECOWATT = "ecowatt"
# The EcoWatt days asked: today and the next 2.
ECOWATT_DAYS = 3

_ERROR_KEYS = ("error_code", "error", "tag")
_MESSAGE_KEYS = ("detail", "description", "message", "error_code", "error", "tag")
_MAX_MESSAGE = 200

AUTH_CODES = frozenset({"token_refresh_401", "token_bad_formatted", "invalid_token"})
PDL_CODES = frozenset({"client_not_found", "usage_point_id_bad_formatted"})
QUOTA_CODES = frozenset({"limit_reached"})
NO_DATA_CODES = frozenset({"no_data_found"})

_DEPTH_HINTS = (
    "adam-dc-0016",
    "adam-err0123",
    "history deadline",
    "anterior to",
    "last activation date",
    "mise en service",
    "antérieure",
    "anterieure",
)
_NO_DATA_HINTS = ("no_data_found", "no data", "aucune donnée", "aucune donnee")
_PDL_HINTS = (
    "usage_point_id_bad_formatted",
    "client_not_found",
    "usage point",
    "usage_point",
    "pdl",
    "point de livraison",
)
_QUOTA_HINTS = ("limit_reached", "quota", "too many", "rate limit")
_CONSENT_HINTS = ("adam-dc-0008", "consent")

# MyElectricalData v2's business error codes (HTTP 200, success false) that say it all;
# the others (ENEDIS_ERROR: what Enedis answered) are read from their message.
MED2_CODES: dict[str, type[EnedisError]] = {
    "RATE_LIMIT_EXCEEDED": QuotaError,
    "ACCESS_DENIED": InvalidPdlError,
    "ENEDIS_UNAVAILABLE": GatewayError,
    "DATE_TOO_OLD": EndOfHistoryError,
    # Only the batch endpoints check the order of the dates, after moving the start
    # up to two years back: a window wholly older than that ends up reversed.
    "INVALID_DATE_RANGE": EndOfHistoryError,
    "NO_DATA": NoDataError,
}


def is_valid_pdl(pdl: str) -> bool:
    """Return True for a PDL made of exactly 14 ASCII digits."""
    return len(pdl) == 14 and pdl.isascii() and pdl.isdigit()


def tempo_base_url(gateway: Gateway, url: str) -> str:
    """
    Return the URL the gateway's public Tempo (and v1 EcoWatt) routes hang from.

    Both MyElectricalData APIs serve Tempo under their own URL. The original
    gateway serves none: its entries ask MyElectricalData's public v1 site, unless
    the entry points at another server than the public gateway (self-hosted, or
    the simulator at http://127.0.0.1:PORT/api): then the same host, without the
    trailing /api.
    """
    url = url.rstrip("/")
    if gateway is not Gateway.ENEDIS_GATEWAY:
        return url
    if url == DEFAULT_URLS[Gateway.ENEDIS_GATEWAY]:
        return DEFAULT_URLS[Gateway.MYELECTRICALDATA]
    return url.removesuffix("/api")


def _mentions(text: str, hints: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(hint in lowered for hint in hints)


class EnedisClient:
    """Fetch and parse Linky data through a MyElectricalData or enedis_gateway server."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        token: str,
        pdl: str,
        gateway: Gateway = Gateway.MYELECTRICALDATA,
        url: str | None = None,
        timeout: float = 30.0,
        user_agent: str = "enedis_gateway",
    ) -> None:
        """Initialize the client; url None means the gateway's public URL."""
        self._session = session
        self._token = token
        self._pdl = pdl
        self._gateway = Gateway(gateway)
        self._url = (url or DEFAULT_URLS[self._gateway]).rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._user_agent = user_agent

    @property
    def pdl(self) -> str:
        """Return the PDL the client reads."""
        return self._pdl

    @property
    def gateway(self) -> Gateway:
        """Return the protocol the client speaks."""
        return self._gateway

    @property
    def url(self) -> str:
        """Return the gateway URL without trailing slash."""
        return self._url

    async def get_contract(self) -> Contract:
        """Return the contract of the PDL."""
        payload = await self._request(CONTRACTS)
        return self._parse(parse_contract, payload, self._pdl)

    async def get_addresses(self) -> Addresses:
        """Return the address of the PDL."""
        payload = await self._request(ADDRESSES)
        return self._parse(parse_addresses, payload, self._pdl)

    async def get_daily(
        self, kind: MeasureType, start: date, end: date
    ) -> list[DailyReading]:
        """Return the daily energy of each day in [start, end)."""
        if kind not in (MeasureType.DAILY_CONSUMPTION, MeasureType.DAILY_PRODUCTION):
            raise ValueError(f"{kind} is not a daily energy type")
        payload = await self._request(kind, start, end)
        readings = self._parse(parse_daily, payload)
        return self._in_window(readings, lambda reading: reading.day, kind, start, end)

    async def get_load_curve(
        self, kind: MeasureType, start: date, end: date
    ) -> list[LoadCurvePoint]:
        """Return the load curve of [start, end) stamped at UTC interval starts."""
        if not kind.is_load_curve:
            raise ValueError(f"{kind} is not a load curve type")
        at_start = self._gateway is Gateway.MYELECTRICALDATA_V2
        if at_start and (end - start).days > BATCH_MAX_DAYS:
            # The gateway would silently cut the window instead of refusing it.
            raise ValueError(f"A load curve window spans at most {BATCH_MAX_DAYS} days")
        payload = await self._request(kind, start, end)
        points = self._parse(parse_load_curve, payload, at_start=at_start)
        # A point belongs to the day its interval starts in, as the history stores it.
        return self._in_window(
            points, lambda point: paris_day(point.start), kind, start, end
        )

    async def get_max_power(self, start: date, end: date) -> list[MaxPowerReading]:
        """Return the daily peak apparent power of each day in [start, end)."""
        kind = MeasureType.DAILY_CONSUMPTION_MAX_POWER
        payload = await self._request(kind, start, end)
        readings = self._parse(parse_max_power, payload)
        return self._in_window(readings, lambda reading: reading.day, kind, start, end)

    async def get_tempo(self, start: date, end: date) -> dict[date, TempoColor]:
        """
        Return the published Tempo colours of the days of [start, end], end included.

        Public routes, sent without the token: MyElectricalData v2's
        /tempo/days?start_date&end_date (inclusive), or else MyElectricalData v1's
        /rte/tempo/{start}/{end} with end exclusive (our reading; GATEWAYS.md says
        unverified: an inclusive server sends one more day, dropped here).
        """
        if end < start:
            raise ValueError(f"Tempo window {start}..{end} ends before it starts")
        base = tempo_base_url(self._gateway, self._url)
        if self._gateway is Gateway.MYELECTRICALDATA_V2:
            # The server may compare its Paris-midnight days with a UTC-midnight
            # start and leave the first day out (GATEWAYS.md, inferred): ask one
            # day earlier.
            params = {
                "start_date": (start - timedelta(days=1)).isoformat(),
                "end_date": end.isoformat(),
            }
            payload = await self._public_get(f"{base}/tempo/days", params)
            colours = self._parse(parse_tempo_v2, payload)
        else:
            after = end + timedelta(days=1)
            path = f"rte/tempo/{start.isoformat()}/{after.isoformat()}"
            payload = await self._public_get(f"{base}/{path}")
            colours = self._parse(parse_tempo_v1, payload)
        return {day: colour for day, colour in colours.items() if start <= day <= end}

    async def get_ecowatt(self, today: date) -> dict[date, EcoWattDay]:
        """
        Return RTE's EcoWatt signal of today and the next 2 days, those served.

        MyElectricalData v2: GET /ecowatt/forecast?days=3 with the token, one call
        of the account's daily quota; it leaves today out except between Paris and
        UTC midnight (GATEWAYS.md, inferred). Else MyElectricalData v1's public
        /rte/ecowatt/{start}/{end}, without the token, where Tempo is asked: each
        signal is keyed by its eve and read by its hourly detail's day. Whether the
        bounds pick the keys or the signals' days, and whether end is included, is
        unverified: the window runs from the day before today to the day after the
        last one wanted, which covers every reading, and the rest is dropped.
        """
        last = today + timedelta(days=ECOWATT_DAYS - 1)
        if self._gateway is Gateway.MYELECTRICALDATA_V2:
            data = await self._call(med2.ECOWATT)
            days = self._parse(ecowatt_v2_days, data)
        else:
            base = tempo_base_url(self._gateway, self._url)
            start, after = today - timedelta(days=1), last + timedelta(days=1)
            path = f"rte/ecowatt/{start.isoformat()}/{after.isoformat()}"
            payload = await self._public_get(f"{base}/{path}", kind=ECOWATT)
            days = self._parse(parse_ecowatt_v1, payload)
        return {day: signal for day, signal in days.items() if today <= day <= last}

    async def list_pdls(self) -> list[AccountPdl]:
        """Return the PDLs of the token's MyElectricalData v2 account (no PDL needed)."""
        self._require_med2("list_pdls")
        return self._parse(med2.parse_pdls, await self._call(med2.PDLS))

    async def usage_stats(self) -> UsageStats:
        """Return the calls the MyElectricalData v2 account made today (UTC), uncounted."""
        self._require_med2("usage_stats")
        return self._parse(med2.parse_usage_stats, await self._call(med2.USAGE_STATS))

    def _require_med2(self, method: str) -> None:
        """Refuse an account call on a protocol that has no accounts."""
        if self._gateway is not Gateway.MYELECTRICALDATA_V2:
            raise ValueError(
                f"{method} is a call of the {Gateway.MYELECTRICALDATA_V2} API"
            )

    @staticmethod
    def _in_window[T](
        readings: list[T],
        day_of: Callable[[T], date],
        kind: str,
        start: date,
        end: date,
    ) -> list[T]:
        """Keep the readings of the days of [start, end); raise NoDataError if none."""
        kept: list[T] = []
        dropped: list[date] = []
        for reading in readings:
            day = day_of(reading)
            if start <= day < end:
                kept.append(reading)
            else:
                dropped.append(day)
        if dropped:
            # A partial today, a future or an unasked day would overwrite good history.
            _LOGGER.debug(
                "Dropped %s %s readings outside %s..%s, days %s to %s",
                len(dropped),
                kind,
                start,
                end,
                min(dropped),
                max(dropped),
            )
        if not kept:
            raise NoDataError(f"No {kind} readings in the window")
        return kept

    def _parse[**P, T](
        self, parser: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a parser, keeping its GatewayError but never leaking the token."""
        try:
            return parser(*args, **kwargs)
        except GatewayError as err:
            raise GatewayError(self._redact(str(err))) from None

    def _redact(self, text: str) -> str:
        """Return text without the token or any echo of it, cut to a readable length."""
        # Cut after redacting: a cut could leave a fragment too short to recognize.
        return redact(text, self._token)[:_MAX_MESSAGE]

    def _build_request(
        self, kind: str, start: date | None, end: date | None
    ) -> tuple[str, str, dict[str, str] | None]:
        """Return the method, URL and JSON body of a call."""
        if self._gateway is Gateway.MYELECTRICALDATA_V2:
            return "GET", med2.url(self._url, kind, self._pdl, start, end), None
        if self._gateway is Gateway.ENEDIS_GATEWAY:
            body = {"type": kind, "usage_point_id": self._pdl}
            if start is not None and end is not None:
                body["start"] = start.isoformat()
                body["end"] = end.isoformat()
            return "POST", self._url, body
        if start is None or end is None:
            return "GET", f"{self._url}/{kind}/{self._pdl}", None
        path = f"{kind}/{self._pdl}/start/{start.isoformat()}/end/{end.isoformat()}"
        return "GET", f"{self._url}/{path}", None

    async def _request(
        self, kind: str, start: date | None = None, end: date | None = None
    ) -> Any:
        """Make one call about the PDL and return what a successful reply carries."""
        if not is_valid_pdl(self._pdl):
            # Spare a call of the daily quota: the gateway would refuse it anyway.
            raise InvalidPdlError("The PDL must be exactly 14 digits")
        return await self._call(kind, start, end)

    async def _call(
        self, kind: str, start: date | None = None, end: date | None = None
    ) -> Any:
        """Make one call; return the decoded JSON (v2: the data) of a successful reply."""
        method, url, body = self._build_request(kind, start, end)
        med2_api = self._gateway is Gateway.MYELECTRICALDATA_V2
        headers = {
            "Authorization": f"Bearer {self._token}" if med2_api else self._token,
            "User-Agent": self._user_agent,
            "Accept": "application/json",
        }
        _LOGGER.debug("Calling %s for %s %s..%s", self._gateway, kind, start, end)
        status, raw = await self._send(method, url, kind, headers, body=body)
        payload = self._decode(raw)
        if med2_api:
            return self._med2_data(kind, status, payload, raw)
        if status != 200:
            raise self._status_error(status, payload, raw)
        if payload is _UNPARSEABLE:
            raise GatewayError(f"Unparseable gateway reply for {kind} (HTTP 200)")
        if (error := self._body_error(payload)) is not None:
            raise error
        return payload

    async def _public_get(
        self, url: str, params: dict[str, str] | None = None, *, kind: str = TEMPO
    ) -> Any:
        """GET a public route without the token; return the decoded JSON body."""
        headers = {"User-Agent": self._user_agent, "Accept": "application/json"}
        _LOGGER.debug("Calling %s for %s", self._gateway, kind)
        status, raw = await self._send("GET", url, kind, headers, params=params)
        payload = self._decode(raw)
        if status != 200:
            raise self._status_error(status, payload, raw)
        if payload is _UNPARSEABLE:
            raise GatewayError(f"Unparseable gateway reply for {kind} (HTTP 200)")
        return payload

    async def _send(
        self,
        method: str,
        url: str,
        kind: str,
        headers: dict[str, str],
        *,
        body: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """Send one request; return the HTTP status and the raw body."""
        try:
            async with self._session.request(
                method,
                url,
                json=body,
                params=params,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                status = response.status
                raw = await response.read()
        except TimeoutError as err:
            raise GatewayError(f"Timeout calling the gateway for {kind}") from err
        except (aiohttp.ClientError, OSError) as err:
            raise GatewayError(
                self._redact(f"Cannot reach the gateway ({type(err).__name__}): {err}")
            ) from err
        _LOGGER.debug("Gateway answered HTTP %s for %s", status, kind)
        return status, raw

    def _med2_data(self, kind: str, status: int, payload: Any, raw: bytes) -> Any:
        """Return the data of a MyElectricalData v2 reply, or raise the error it carries."""
        if status != 200:
            raise self._med2_status_error(status, payload, raw)
        if payload is _UNPARSEABLE:
            raise GatewayError(f"Unparseable gateway reply for {kind} (HTTP 200)")
        reply = self._parse(med2.envelope, payload)
        if reply.error is not None and not reply.success:
            raise self._med2_error(reply.error)
        if reply.error is not None:
            # PARTIAL_DATA: the days it holds are good, the others are asked again.
            _LOGGER.debug(
                "Gateway warned %s for %s: %s",
                reply.error.code,
                kind,
                self._redact(reply.error.message),
            )
        if (failure := med2.enedis_error(reply.data)) is not None:
            raise self._med2_error(failure)
        return reply.data

    def _med2_error(self, failure: med2.Failure) -> EnedisError:
        """Map a MyElectricalData v2 business error to an error."""
        code, message = failure.code, failure.message
        text = self._redact(f"{code}: {message}" if message else code)
        if (error := MED2_CODES.get(code)) is not None:
            return error(text)
        if _mentions(message, _DEPTH_HINTS):
            return EndOfHistoryError(text)
        if _mentions(message, _NO_DATA_HINTS):
            return NoDataError(text)
        if _mentions(message, _CONSENT_HINTS):
            return AuthError(text)
        return GatewayError(text)

    def _med2_status_error(self, status: int, payload: Any, raw: bytes) -> EnedisError:
        """Map a non-200 MyElectricalData v2 reply: only auth is told by the status."""
        failure = med2.failure_of(payload)
        if failure is not None:
            message = self._redact(f"{failure.code}: {failure.message}")
        else:
            message = self._message(payload)
        if not message and payload is _UNPARSEABLE:
            message = "unparseable body" if raw else "empty body"
        text = f"HTTP {status}: {message}" if message else f"HTTP {status}"
        if status in (401, 403):
            return AuthError(text)
        if status == 429:
            return QuotaError(text)
        return GatewayError(text)

    @staticmethod
    def _decode(raw: bytes) -> Any:
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _UNPARSEABLE

    def _message(self, payload: Any) -> str:
        """Return the error text of a reply body, whatever its shape."""
        if not isinstance(payload, Mapping):
            return ""
        parts: list[str] = []
        for key in _MESSAGE_KEYS:
            value = payload.get(key)
            if value is None or value == "":
                continue
            part = (
                value
                if isinstance(value, str)
                else json.dumps(value, ensure_ascii=False, default=str)
            )
            if not any(part in known for known in parts):
                parts.append(part)
        return self._redact(" - ".join(parts))

    def _body_error(self, payload: Any) -> EnedisError | None:
        """Return the error an HTTP 200 body of the original gateway carries, if any."""
        if not isinstance(payload, Mapping):
            return None
        codes = [payload[key] for key in _ERROR_KEYS if payload.get(key)]
        if not codes:
            return None
        code = str(codes[0]).strip().lower()
        message = self._message(payload) or code
        if _mentions(message, _DEPTH_HINTS):
            return EndOfHistoryError(message)
        if code in AUTH_CODES:
            return AuthError(message)
        if code in PDL_CODES:
            return InvalidPdlError(message)
        if code in QUOTA_CODES:
            return QuotaError(message)
        if code in NO_DATA_CODES:
            return NoDataError(message)
        return GatewayError(message)

    def _status_error(self, status: int, payload: Any, raw: bytes) -> EnedisError:
        """Map a non-200 reply to an error."""
        message = self._message(payload)
        if not message and payload is _UNPARSEABLE:
            message = "unparseable body" if raw else "empty body"
        text = f"HTTP {status}: {message}" if message else f"HTTP {status}"
        if status in (401, 403):
            return AuthError(text)
        if status in (409, 429):
            return QuotaError(text)
        if 400 <= status < 500:
            if _mentions(message, _DEPTH_HINTS):
                return EndOfHistoryError(text)
            if _mentions(message, _NO_DATA_HINTS):
                return NoDataError(text)
            if _mentions(message, _QUOTA_HINTS):
                return QuotaError(text)
            if status in (400, 404, 422) and _mentions(message, _PDL_HINTS):
                return InvalidPdlError(text)
            if status == 404:
                return NoDataError(text)
        return GatewayError(text)


class _Unparseable:
    """Marker of a reply body that is not JSON."""


_UNPARSEABLE: Any = _Unparseable()
