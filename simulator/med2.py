"""
The MyElectricalData v2 front-end of the simulator, under /api.

It follows ../shared/GATEWAYS.md section A: a Bearer client secret, the {success,
data, error, timestamp} envelope with business errors as HTTP 200, 401 and 422 as
bare {"detail": ...}, per-account counters per UTC day (50 calls without the cache
flag, 1000 with it; the batch endpoints count only calls that need an Enedis fetch),
the date rules of each endpoint, and load curves stamped at the interval start by
a wall-clock subtraction. The call log records the dates as sent: the batch
endpoints' end is inclusive.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import json
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .common import (
    ADDRESSES,
    BAD_GATEWAY_HTML,
    CONSUMPTION_LOAD_CURVE,
    CONTRACTS,
    DAILY_CONSUMPTION,
    DAILY_CONSUMPTION_MAX_POWER,
    DAILY_PRODUCTION,
    MED2,
    PRODUCTION_LOAD_CURVE,
    Fault,
    SimError,
    days_between,
    distort,
    parse_date,
)

if TYPE_CHECKING:
    from .app import Simulator

PREFIX = "/api"
PDLS = "pdl"
USAGE_STATS = "usage_stats"
BATCH_MAX_DAYS = 729
CACHE_TTL = timedelta(hours=24)
DAILY_YEARS = 3
DETAIL_YEARS = 2

_KINDS = {
    "consumption/daily": DAILY_CONSUMPTION,
    "consumption/detail/batch": CONSUMPTION_LOAD_CURVE,
    "power": DAILY_CONSUMPTION_MAX_POWER,
    "production/daily": DAILY_PRODUCTION,
    "production/detail/batch": PRODUCTION_LOAD_CURVE,
    "contract": CONTRACTS,
    "address": ADDRESSES,
}
_BATCH = frozenset({CONSUMPTION_LOAD_CURVE, PRODUCTION_LOAD_CURVE})
_DATED = frozenset({DAILY_CONSUMPTION, DAILY_CONSUMPTION_MAX_POWER, DAILY_PRODUCTION})
_BOOLEANS = {"true": True, "1": True, "yes": True, "on": True} | {
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}
_DAILY_READING_TYPE = {
    "measurement_kind": "energy",
    "measuring_period": "P1D",
    "unit": "Wh",
    "aggregate": "sum",
}
_RANGE_RE = re.compile(r"(\d{1,2})H(\d{2})-(\d{1,2})H(\d{2})", re.IGNORECASE)

NO_DATA_TEXT = (
    "No consumption data available for this period."
    " This may be before the meter activation date."
)
ACCESS_DENIED_TEXT = (
    "Accès refusé : PDL introuvable ou non associé à votre compte. Vérifiez que le"
    " PDL existe et que le consentement Enedis est valide."
)
CONSENT_TEXT = (
    "ADAM-DC-0008: No consent can be found for this customer and this usage point"
)
NO_DATA_FOUND_TEXT = "no_data_found: no measure for this usage point in the period"


class ReplyError(Exception):
    """An error answer: its HTTP status, its JSON body and how the call log reads it."""

    def __init__(self, status: int, body: dict[str, Any], call_status: str) -> None:
        """Keep the status, the body and the call log's word for it."""
        super().__init__(call_status)
        self.status = status
        self.body = body
        self.call_status = call_status


def reply_timestamp(now: datetime) -> str:
    """Return the envelope's timestamp: naive UTC."""
    return now.astimezone(UTC).replace(tzinfo=None).isoformat()


def failure_reply(code: str, message: str, now: datetime) -> ReplyError:
    """Return a business error: HTTP 200, success false."""
    if code == "RATE_LIMIT_EXCEEDED":
        call_status = "quota"
    elif code == "NO_DATA" or "no_data_found" in message:
        call_status = "no_data"
    else:
        call_status = f"error:{code}"
    body = {
        "success": False,
        "data": None,
        "error": {"code": code, "message": message},
        "timestamp": reply_timestamp(now),
    }
    return ReplyError(200, body, call_status)


def _internal_error(now: datetime) -> ReplyError:
    """Return the answer of an uncaught server error: HTTP 500, enveloped."""
    body = {
        "success": False,
        "data": None,
        "error": {"code": "INTERNAL_ERROR", "message": "An internal error occurred"},
        "timestamp": reply_timestamp(now),
    }
    return ReplyError(500, body, "error:INTERNAL_ERROR")


def _unauthorized(detail: str) -> ReplyError:
    """Return FastAPI's 401: a bare detail."""
    return ReplyError(401, {"detail": detail}, "error:401")


def invalid_reply(name: str, message: str) -> ReplyError:
    """Return FastAPI's 422 for a bad query parameter."""
    detail = [{"type": "invalid", "loc": ["query", name], "msg": message}]
    return ReplyError(422, {"detail": detail}, "error:422")


def _years_back(day: date, years: int) -> date:
    """Return the same day some years before (the 28th for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Query:
    """The dates of a call as sent, and its cache flag."""

    start: date | None
    end: date | None
    use_cache: bool


def _query(request: web.Request, kind: str, now: datetime) -> _Query:
    """Read the query of a call, with FastAPI's defaults and its 422 answers."""
    flag = request.query.get("use_cache")
    use_cache = kind in _BATCH
    if flag is not None:
        if flag.lower() not in _BOOLEANS:
            raise invalid_reply("use_cache", "Input should be a valid boolean")
        use_cache = _BOOLEANS[flag.lower()]
    if kind not in _DATED and kind not in _BATCH:
        return _Query(start=None, end=None, use_cache=use_cache)
    texts = {name: request.query.get(name) for name in ("start", "end")}
    for name, text in texts.items():
        if text is None:
            raise invalid_reply(name, "Field required")
    start, end = parse_date(texts["start"]), parse_date(texts["end"])
    if start is None or end is None:
        # The server parses the dates after its checks: an uncaught error.
        raise _internal_error(now)
    return _Query(start=start, end=end, use_cache=use_cache)


def _shifted(readings: list[dict[str, str]]) -> list[dict[str, str]]:
    """Move Enedis's end stamps to the interval start, on the wall clock as the gateway does."""
    moved = []
    for item in readings:
        match = re.fullmatch(r"PT(\d+)M", item.get("interval_length", ""))
        if match is None or not isinstance(item.get("date"), str):
            moved.append(item)
            continue
        try:
            stamp = datetime.strptime(item["date"], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            moved.append(item)
            continue
        start = stamp - timedelta(minutes=int(match.group(1)))
        moved.append({**item, "date": start.strftime("%Y-%m-%d %H:%M:%S")})
    return moved


def _offpeak_ranges(text: str | None) -> list[str] | None:
    """Return the off-peak ranges of a contract text as the PDL list gives them."""
    if text is None:
        return None
    return [
        f"{int(h1):02d}:{m1}-{int(h2):02d}:{m2}"
        for h1, m1, h2, m2 in _RANGE_RE.findall(text)
    ]


class Med2Api:
    """The MyElectricalData v2 API of a Simulator: its routes, counters and cache."""

    def __init__(self, sim: Simulator) -> None:
        """Serve the v2 API under /api, next to the original gateway's POST /api."""
        self._sim = sim
        # Calls per (UTC day, cache flag), and when each cached load-curve day of
        # (PDL, type, day) expires.
        self.counts: dict[tuple[date, bool], int] = {}
        self.cache: dict[tuple[str, str, date], datetime] = {}
        router = sim.app.router
        router.add_get(f"{PREFIX}/pdl", self._pdls)
        router.add_get(f"{PREFIX}/accounts/usage-stats", self._usage_stats)
        for path in _KINDS:
            router.add_get(f"{PREFIX}/enedis/{path}/{{pdl}}", self._enedis)
        router.add_get(f"{PREFIX}/{{tail:.*}}", self._not_found)

    def usage(self, now: datetime) -> dict[str, Any]:
        """Return what /accounts/usage-stats answers at now."""
        day = now.astimezone(UTC).date()
        return {
            "cached_requests": self.counts.get((day, True), 0),
            "no_cache_requests": self.counts.get((day, False), 0),
            "cached_limit": self._sim.cached_limit,
            "no_cache_limit": self._sim.no_cache_limit,
            "date": day.isoformat(),
        }

    # Handlers.

    async def _not_found(self, request: web.Request) -> web.Response:
        """Answer FastAPI's 404, as for a trailing slash (no redirect)."""
        return web.json_response({"detail": "Not Found"}, status=404)

    async def _pdls(self, request: web.Request) -> web.StreamResponse:
        """Answer GET /pdl."""
        return await self._serve(request, PDLS, "")

    async def _usage_stats(self, request: web.Request) -> web.StreamResponse:
        """Answer GET /accounts/usage-stats."""
        return await self._serve(request, USAGE_STATS, "")

    async def _enedis(self, request: web.Request) -> web.StreamResponse:
        """Answer GET /enedis/<endpoint>/{pdl}."""
        pdl = request.match_info["pdl"]
        path = request.path.removeprefix(f"{PREFIX}/enedis/").removesuffix(f"/{pdl}")
        return await self._serve(request, _KINDS[path], pdl)

    async def _serve(
        self, request: web.Request, kind: str, pdl: str
    ) -> web.StreamResponse:
        """Answer one call: checks, counters, faults, then the data."""
        now = self._sim.now()
        fault: Fault | None = None
        query = _Query(start=None, end=None, use_cache=False)
        try:
            self.check_token(request.headers.get("Authorization"))
            query = _query(request, kind, now)
            fault = self._sim.take_fault(kind)
            data, warning = self._data(kind, pdl, query, fault, now)
        except ReplyError as answer:
            status, body, call_status = answer.status, answer.body, answer.call_status
        else:
            status, call_status = 200, "partial" if warning else "ok"
            body = {"success": True, "data": data, "error": None}
            if warning is not None:
                body["error"] = {"code": "PARTIAL_DATA", "message": warning}
            body["timestamp"] = reply_timestamp(now)
        if fault is not None:
            call_status = f"fault:{fault}"
        self._sim.record_call(now, MED2, kind, pdl, query.start, query.end, call_status)
        if fault is Fault.TIMEOUT:
            await asyncio.sleep(self._sim.timeout_delay)
        if fault is Fault.BAD_GATEWAY_HTML:
            return web.Response(
                status=502, text=BAD_GATEWAY_HTML, content_type="text/html"
            )
        text = json.dumps(body)
        if fault is Fault.TRUNCATED_JSON:
            text, status = text[: len(text) // 2], 200
        return web.Response(status=status, text=text, content_type="application/json")

    # Checks and counters.

    def check_token(self, authorization: str | None) -> None:
        """Accept the account's client secret as a Bearer token, as the server does."""
        if authorization is None:
            raise _unauthorized("Not authenticated")
        if authorization != f"Bearer {self._sim.token}":
            raise _unauthorized("Invalid authentication credentials")

    def count(self, use_cache: bool, now: datetime) -> bool:
        """Count a call in its bucket of the UTC day; False when the limit is reached."""
        key = (now.astimezone(UTC).date(), use_cache)
        limit = self._sim.cached_limit if use_cache else self._sim.no_cache_limit
        count = self.counts.get(key, 0)
        if count >= limit:
            return False
        self.counts[key] = count + 1
        return True

    def _quota(self, use_cache: bool, now: datetime) -> ReplyError:
        """Return the answer of a call over its bucket's limit."""
        limit = self._sim.cached_limit if use_cache else self._sim.no_cache_limit
        count = self.counts.get((now.astimezone(UTC).date(), use_cache), 0)
        advice = "Try again tomorrow." if use_cache else "Use cache to increase limit."
        return failure_reply(
            "RATE_LIMIT_EXCEEDED",
            f"Daily rate limit exceeded ({count}/{limit}). {advice}",
            now,
        )

    def _fault(
        self, fault: Fault, kind: str, query: _Query, now: datetime
    ) -> ReplyError | None:
        """Return the answer of a fault, None for faults that damage the data."""
        if fault is Fault.UNAUTHORIZED:
            return _unauthorized("Invalid authentication credentials")
        if fault is Fault.QUOTA:
            return self._quota(query.use_cache, now)
        if fault is Fault.SERVER_ERROR:
            return _internal_error(now)
        text = {
            Fault.CONSENT_EXPIRED: CONSENT_TEXT,
            Fault.NO_DATA: NO_DATA_FOUND_TEXT,
            Fault.NO_LOAD_CURVE: NO_DATA_FOUND_TEXT,
            Fault.TOKEN_ECHO: (
                f"Internal Server Error: token {self._sim.token.lower()} refused upstream,"
                f" key {self._sim.token[:10]}... unknown"
            ),
        }.get(fault)
        if text is None or kind in (PDLS, USAGE_STATS):
            return None
        if kind in _BATCH and fault is not Fault.TOKEN_ECHO:
            # The batch endpoints swallow Enedis's errors day by day.
            return failure_reply("NO_DATA", NO_DATA_TEXT, now)
        if kind == DAILY_CONSUMPTION:
            text = f"Failed to fetch {query.start} to {query.end}: {text}"
        return failure_reply("ENEDIS_ERROR", text, now)

    # Data.

    def _data(
        self,
        kind: str,
        pdl: str,
        query: _Query,
        fault: Fault | None,
        now: datetime,
    ) -> tuple[Any, str | None]:
        """Return the data of a call and its PARTIAL_DATA warning, or raise its answer."""
        if kind in (PDLS, USAGE_STATS):
            # Account calls are not counted.
            if fault is not None and (answer := self._fault(fault, kind, query, now)):
                raise answer
            return (self._pdl_list() if kind == PDLS else self.usage(now)), None
        if pdl not in self._sim.pdls:
            raise failure_reply("ACCESS_DENIED", ACCESS_DENIED_TEXT, now)
        if kind in _BATCH:
            return self._batch(kind, pdl, query, fault, now)
        start, end = query.start, query.end
        if kind == DAILY_CONSUMPTION and start is not None and end is not None:
            start, end = self._daily_window(start, end, now)
        if not self.count(query.use_cache, now):
            raise self._quota(query.use_cache, now)
        if fault is not None and (answer := self._fault(fault, kind, query, now)):
            raise answer
        try:
            payload = self._sim.build_payload(
                kind,
                pdl,
                None if start is None else start.isoformat(),
                None if end is None else end.isoformat(),
                now,
            )
        except SimError as err:
            if err.code != "activation_date":
                if kind == DAILY_CONSUMPTION:
                    raise failure_reply(
                        "ENEDIS_ERROR",
                        f"Failed to fetch {start} to {end}: {err.description}",
                        now,
                    ) from None
                raise failure_reply("ENEDIS_ERROR", err.description, now) from None
            # Enedis's ADAM-ERR0123 comes back as the data of a success; the daily
            # endpoint finds no readings in it.
            payload = {"error": "ADAM-ERR0123", "error_description": err.description}
            if kind == DAILY_CONSUMPTION:
                payload = {"meter_reading": {"interval_reading": []}}
            return payload, None
        payload = distort(fault, self._sim.damage(fault, kind, payload, now))
        meter_reading = payload.get("meter_reading", {})
        if kind == DAILY_CONSUMPTION and "interval_reading" in meter_reading:
            # The gateway rebuilds the daily meter_reading from its readings.
            payload = {
                "meter_reading": {
                    "interval_reading": meter_reading["interval_reading"],
                    "reading_type": dict(_DAILY_READING_TYPE),
                }
            }
        return payload, None

    def _daily_window(self, start: date, end: date, now: datetime) -> tuple[date, date]:
        """Return the window the daily endpoint passes to Enedis."""
        today = now.date()
        # The end is capped at yesterday and stays exclusive: yesterday never comes.
        end = min(end, today - timedelta(days=1))
        if start >= end:
            start = end - timedelta(days=1)
        oldest = _years_back(today, DAILY_YEARS)
        if start < oldest:
            raise failure_reply(
                "DATE_TOO_OLD",
                "Start date is too old. Daily endpoint only supports data up to"
                f" {DAILY_YEARS} years back. Oldest allowed date: {oldest}",
                now,
            )
        return start, end

    def _batch(
        self,
        kind: str,
        pdl: str,
        query: _Query,
        fault: Fault | None,
        now: datetime,
    ) -> tuple[Any, str | None]:
        """Serve a batch call: inclusive dates, capped, from the cache where it can."""
        assert query.start is not None
        assert query.end is not None
        today = now.date()
        yesterday = today - timedelta(days=1)
        start, end = query.start, min(query.end, yesterday)
        if start >= end:
            start = end - timedelta(days=1)
        start = max(start, _years_back(today, DETAIL_YEARS))
        start = max(start, end - timedelta(days=BATCH_MAX_DAYS - 1))
        if start > end:
            raise failure_reply(
                "INVALID_DATE_RANGE",
                "Start date must be before or equal to end date",
                now,
            )
        days = list(days_between(start, end + timedelta(days=1)))
        cached = [
            day
            for day in days
            if query.use_cache and self.cache.get((pdl, kind, day), now) > now
        ]
        missing = [day for day in days if day not in cached]
        readings = [item for day in cached for item in self._sim.readings(kind, day)]
        warning: str | None = None
        if missing and not self.count(query.use_cache, now):
            if not readings:
                raise self._quota(query.use_cache, now)
            missing, warning = [], "Rate limit exceeded. Returning cached data only."
        if fault is not None and (answer := self._fault(fault, kind, query, now)):
            raise answer
        fetched: list[dict[str, str]] = []
        for day in missing:
            if day < self._sim.activation:
                warning = (
                    "Some data could not be fetched (possibly before activation date)."
                )
            elif self._sim.available(day, now) and (
                day_readings := self._sim.readings(kind, day)
            ):
                fetched.extend(day_readings)
                if query.use_cache:
                    self.cache[pdl, kind, day] = now + CACHE_TTL
        readings = fetched + readings
        if not readings:
            raise failure_reply("NO_DATA", NO_DATA_TEXT, now)
        payload = {"meter_reading": {"interval_reading": readings}}
        payload = distort(fault, self._sim.damage(fault, kind, payload, now))
        if "interval_reading" in payload["meter_reading"]:
            moved = _shifted(payload["meter_reading"]["interval_reading"])
            if fault is not Fault.REVERSED_ORDER:
                # Sorted as text, stably: the repeated autumn hour keeps its order.
                moved.sort(key=lambda item: item["date"])
            payload = {"meter_reading": {"interval_reading": moved}}
        return payload, warning

    def _pdl_list(self) -> list[dict[str, Any]]:
        """Return the account's PDLs as GET /pdl lists them."""
        power = re.search(r"\d+", self._sim.subscribed_power)
        return [
            {
                "id": f"00000000-0000-4000-8000-{index:012d}",
                "usage_point_id": pdl,
                "name": f"Linky {index + 1}",
                "created_at": "2025-01-15T10:00:00",
                "display_order": index,
                "subscribed_power": int(power.group()) if power else None,
                "offpeak_hours": _offpeak_ranges(self._sim.offpeak),
                "pricing_option": "HC_HP" if self._sim.offpeak else "BASE",
                "has_consumption": True,
                "has_production": self._sim.household.production,
                "is_active": True,
                "oldest_available_data_date": self._sim.activation.isoformat(),
                "activation_date": self._sim.activation.isoformat(),
                "linked_production_pdl_id": None,
                "selected_offer_id": None,
            }
            for index, pdl in enumerate(self._sim.pdls)
        ]
