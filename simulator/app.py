"""An aiohttp gateway speaking the myelectricaldata, enedis_gateway and v2 protocols."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
import json
from typing import Any

from aiohttp import web

from .common import (
    ADDRESSES,
    BAD_GATEWAY_HTML,
    CONSUMPTION_LOAD_CURVE,
    CONTRACTS,
    DAILY_CONSUMPTION,
    DAILY_CONSUMPTION_MAX_POWER,
    DAILY_PRODUCTION,
    LOAD_CURVES,
    MED,
    ORIGINAL,
    PARIS,
    PRODUCTION_LOAD_CURVE,
    READING_FAULTS,
    READING_TYPES,
    TEMPO,
    Call,
    Fault,
    SimError,
    days_between,
    distort,
    parse_date,
    wall_stamp,
)
from .household import CurvePoint, Household
from .med2 import Med2Api
from .tempo import TempoApi

# The package re-exports these; Call and Fault live in common.py, shared with med2.py.
__all__ = ["DEFAULT_PDL", "DEFAULT_TOKEN", "Call", "Fault", "Simulator"]

DEFAULT_TOKEN = "SIM-TOKEN-0123456789"  # noqa: S105 - a fake token for local tests
DEFAULT_PDL = "12345678901234"

LOAD_CURVE_MAX_DAYS = 7
DAILY_MAX_DAYS = 365
LOAD_CURVE_DEPTH_DAYS = 730
DAILY_DEPTH_DAYS = 1095
BAN = timedelta(hours=24)

DEPTH_TEXT = (
    "ADAM-DC-0016: the requested period cannot be anterior to the history deadline"
)
ACTIVATION_TEXT = (
    "ADAM-ERR0123: the requested period cannot be anterior to the last activation date"
)
QUOTA_TEXT = "limit_reached: daily call quota exceeded, calls are blocked for 24 hours"

_READING_TYPE = {
    DAILY_CONSUMPTION: {"unit": "Wh", "measurement_kind": "energy", "aggregate": "sum"},
    DAILY_PRODUCTION: {"unit": "Wh", "measurement_kind": "energy", "aggregate": "sum"},
    CONSUMPTION_LOAD_CURVE: {
        "unit": "W",
        "measurement_kind": "power",
        "aggregate": "average",
    },
    PRODUCTION_LOAD_CURVE: {
        "unit": "W",
        "measurement_kind": "power",
        "aggregate": "average",
    },
    DAILY_CONSUMPTION_MAX_POWER: {
        "unit": "VA",
        "measurement_kind": "power",
        "aggregate": "maximum",
    },
}

FUTURE_DAY = date(2030, 1, 1)
# How far before the window the stray old reading of OUT_OF_WINDOW_DAYS lies.
STRAY_OLD_DAYS = 730


@dataclass(kw_only=True, slots=True)
class _FaultRule:
    fault: Fault
    remaining: int | None
    types: frozenset[str] | None

    def matches(self, kind: str) -> bool:
        if self.types is not None and kind not in self.types:
            return False
        if self.fault in READING_FAULTS:
            return kind in READING_TYPES
        return self.fault is not Fault.NO_LOAD_CURVE or kind in LOAD_CURVES


def _no_data() -> SimError:
    return SimError(
        code="no_data_found",
        description="no_data_found: no measure for this usage point in the period",
        http_status=404,
    )


def _bad_request(description: str) -> SimError:
    return SimError(code="bad_request", description=description, http_status=400)


def _unauthorized() -> SimError:
    return SimError(
        code="token_bad_formatted",
        description="Unauthorized: the access token is not valid",
        http_status=401,
        key="error",
    )


def _quota() -> SimError:
    return SimError(
        code="limit_reached", description=QUOTA_TEXT, http_status=409, key="tag"
    )


def _fault_error(fault: Fault, token: str) -> SimError | None:
    """Return the error answer of a fault, None for faults that damage the data."""
    if fault is Fault.UNAUTHORIZED:
        return _unauthorized()
    if fault is Fault.CONSENT_EXPIRED:
        return SimError(
            code="token_refresh_401",
            description="Forbidden: the consent has expired, renew it on the gateway",
            http_status=403,
        )
    if fault is Fault.QUOTA:
        return _quota()
    if fault is Fault.SERVER_ERROR:
        return SimError(
            code="enedis_return_ko",
            description="Internal Server Error: Enedis answered an error",
            http_status=500,
        )
    if fault in (Fault.NO_LOAD_CURVE, Fault.NO_DATA):
        return _no_data()
    if fault is Fault.TOKEN_ECHO:
        # Gateways echo what they received, re-cased or cut.
        return SimError(
            code="enedis_return_ko",
            description=(
                f"Internal Server Error: token {token.lower()} refused upstream,"
                f" key {token[:10]}... unknown"
            ),
            http_status=500,
        )
    return None


def _error_body(protocol: str, err: SimError) -> tuple[str, int]:
    """Return the JSON text and HTTP status of an error in a protocol."""
    if protocol == MED:
        detail = err.code if err.code == "no_data_found" else err.description
        return json.dumps({"detail": detail}), err.http_status
    return json.dumps({err.key: err.code, "description": err.description}), 200


def _offset_date(day: date) -> str:
    """Return a date the way contracts carry it: "2015-03-02+01:00"."""
    offset = datetime.combine(day, time(), PARIS).strftime("%z")
    return f"{day.isoformat()}{offset[:3]}:{offset[3:]}"


class Simulator:
    """A deterministic Linky gateway serving one synthetic household, in three protocols."""

    def __init__(
        self,
        household: Household | None = None,
        *,
        token: str = DEFAULT_TOKEN,
        pdls: tuple[str, ...] = (DEFAULT_PDL,),
        offpeak: str | None = "HC (22H00-6H00)",
        activation: date = date(2015, 3, 2),
        subscribed_power: str = "9 kVA",
        publish_hour: int = 8,
        daily_limit: int = 50,
        no_cache_limit: int = 50,
        cached_limit: int = 1000,
        timeout_delay: float = 35.0,
    ) -> None:
        """
        Initialize the simulator and its aiohttp application.

        daily_limit is the original protocols' quota per token and Paris day;
        no_cache_limit and cached_limit are the v2 API's per account and UTC day.
        """
        self.household = household or Household()
        self.token = token
        self.pdls = pdls
        self.offpeak = offpeak
        self.activation = activation
        self.subscribed_power = subscribed_power
        self.publish_hour = publish_hour
        self.daily_limit = daily_limit
        self.no_cache_limit = no_cache_limit
        self.cached_limit = cached_limit
        self.timeout_delay = timeout_delay
        # The value ABSURD_VALUE puts in a reply: 2**64 by default.
        self.absurd_value = "18446744073709551616"
        self.late_days: dict[date, datetime] = {}
        self.holes: set[date] = set()
        self.calls: list[Call] = []
        # RTE's Tempo colours: public routes, counted by no quota.
        self.tempo_calls: list[Call] = []
        self.banned_until: datetime | None = None
        self._counts: dict[tuple[str, date], int] = {}
        self._faults: list[_FaultRule] = []
        self.app = web.Application()
        self.app.router.add_get("/contracts/{pdl}", self._med_info)
        self.app.router.add_get("/addresses/{pdl}", self._med_info)
        self.app.router.add_get(
            "/{type}/{pdl}/start/{start}/end/{end}", self._med_readings
        )
        self.app.router.add_post("/api", self._original)
        self.tempo = TempoApi(self)
        self.med2 = Med2Api(self)

    # Control API used by tests and the demo.

    def inject(
        self, fault: Fault, *, count: int | None = 1, types: set[str] | None = None
    ) -> None:
        """Answer the next count matching calls (None: until cleared) with a fault."""
        self._faults.append(
            _FaultRule(
                fault=Fault(fault),
                remaining=count,
                types=frozenset(types) if types is not None else None,
            )
        )

    def clear_faults(self) -> None:
        """Forget every injected fault."""
        self._faults.clear()

    def calls_on(self, day: date) -> int:
        """Return how many calls arrived on a Paris-local day."""
        return sum(1 for call in self.calls if call.at.astimezone(PARIS).date() == day)

    def reset_calls(self) -> None:
        """Forget the call logs (the quota counters and the ban are kept)."""
        self.calls.clear()
        self.tempo_calls.clear()

    def reset_quota(self) -> None:
        """Forget the quota counters (the v2 API's too) and lift the ban."""
        self._counts.clear()
        self.med2.counts.clear()
        self.banned_until = None

    def now(self) -> datetime:
        """Return the simulator's clock: the current Paris time."""
        return datetime.now(PARIS)

    def available(self, day: date, now: datetime | None = None) -> bool:
        """Return True when the gateway serves the day at now (default: the real now)."""
        if day in self.holes:
            return False
        now = now or datetime.now(PARIS)
        release = self.late_days.get(day) or datetime.combine(
            day + timedelta(days=1), time(self.publish_hour), PARIS
        )
        return now >= release

    # HTTP handlers.

    async def _med_info(self, request: web.Request) -> web.StreamResponse:
        kind = request.path.strip("/").split("/", 1)[0]
        return await self._serve(
            MED, request, kind, request.match_info["pdl"], None, None
        )

    async def _med_readings(self, request: web.Request) -> web.StreamResponse:
        info = request.match_info
        return await self._serve(
            MED, request, info["type"], info["pdl"], info["start"], info["end"]
        )

    async def _original(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self.record_call(
                datetime.now(PARIS), ORIGINAL, "", "", None, None, "error:bad_request"
            )
            return web.json_response(
                {
                    "error": "bad_request",
                    "description": "the body must be a JSON object",
                },
                status=400,
            )
        return await self._serve(
            ORIGINAL,
            request,
            str(body.get("type", "")),
            str(body.get("usage_point_id", "")),
            body.get("start"),
            body.get("end"),
        )

    async def _serve(
        self,
        protocol: str,
        request: web.Request,
        kind: str,
        pdl: str,
        start_text: Any,
        end_text: Any,
    ) -> web.StreamResponse:
        now = datetime.now(PARIS)
        fault: Fault | None = None
        payload: dict[str, Any] | None = None
        error: SimError | None = None
        try:
            self._check_access(request.headers.get("Authorization"), pdl, now)
            fault = self.take_fault(kind)
            if (
                fault is not None
                and (fault_error := _fault_error(fault, self.token)) is not None
            ):
                raise fault_error
            payload = self.build_payload(kind, pdl, start_text, end_text, now)
        except SimError as err:
            error = err
        if fault is not None:
            status = f"fault:{fault}"
        else:
            status = error.call_status if error is not None else "ok"
        self.record_call(
            now,
            protocol,
            kind,
            pdl,
            parse_date(start_text),
            parse_date(end_text),
            status,
        )
        if fault is Fault.TIMEOUT:
            await asyncio.sleep(self.timeout_delay)
        if fault is Fault.BAD_GATEWAY_HTML:
            return web.Response(
                status=502, text=BAD_GATEWAY_HTML, content_type="text/html"
            )
        if error is not None:
            text, http_status = _error_body(protocol, error)
        else:
            assert payload is not None
            damaged = self.damage(fault, kind, payload, now)
            text, http_status = json.dumps(distort(fault, damaged)), 200
        if fault is Fault.TRUNCATED_JSON:
            text, http_status = text[: len(text) // 2], 200
        return web.Response(
            status=http_status, text=text, content_type="application/json"
        )

    # Checks and payloads, shared with the v2 front-end.

    def record_call(
        self,
        now: datetime,
        protocol: str,
        kind: str,
        pdl: str,
        start: date | None,
        end: date | None,
        status: str,
    ) -> None:
        """Add a call to the log (Tempo's public calls to a log of their own)."""
        log = self.tempo_calls if kind == TEMPO else self.calls
        log.append(
            Call(
                at=now,
                protocol=protocol,
                type=kind,
                pdl=pdl,
                start=start,
                end=end,
                status=status,
            )
        )

    def _check_access(self, authorization: str | None, pdl: str, now: datetime) -> None:
        """Check the token, the PDL and the quota; count the call."""
        if authorization != self.token:
            raise _unauthorized()
        if len(pdl) != 14 or not (pdl.isascii() and pdl.isdigit()):
            raise SimError(
                code="usage_point_id_bad_formatted",
                description="usage_point_id_bad_formatted: the usage point id must be 14 digits",
                http_status=400,
            )
        if pdl not in self.pdls:
            raise SimError(
                code="client_not_found",
                description=f"client_not_found: usage point {pdl} is not linked to this token",
                http_status=404,
            )
        if self.banned_until is not None and now < self.banned_until:
            raise _quota()
        key = (authorization, now.date())
        self._counts[key] = self._counts.get(key, 0) + 1
        if self._counts[key] > self.daily_limit:
            self.banned_until = now + BAN
            raise _quota()

    def take_fault(self, kind: str) -> Fault | None:
        """Return the fault the next call of that type answers, and use it up."""
        for rule in self._faults:
            if rule.matches(kind):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._faults.remove(rule)
                return rule.fault
        return None

    def build_payload(
        self, kind: str, pdl: str, start_text: Any, end_text: Any, now: datetime
    ) -> dict[str, Any]:
        """Return what Enedis answers for a type and a window, or raise its error."""
        if kind == CONTRACTS:
            return self._contracts(pdl)
        if kind == ADDRESSES:
            return self._addresses(pdl)
        if kind not in READING_TYPES:
            raise _bad_request(f"unknown measure type {kind!r}")
        start, end = parse_date(start_text), parse_date(end_text)
        if start is None or end is None:
            raise _bad_request("start and end must be dates formatted YYYY-MM-DD")
        self._check_window(kind, start, end, now.date())
        days = [day for day in days_between(start, end) if self.available(day, now)]
        readings = [item for day in days for item in self.readings(kind, day)]
        if not readings:
            raise _no_data()
        return {
            "meter_reading": {
                "usage_point_id": pdl,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "quality": "BRUT",
                "reading_type": dict(_READING_TYPE[kind]),
                "interval_reading": readings,
            }
        }

    def damage(
        self, fault: Fault | None, kind: str, payload: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        """Return the payload damaged by a fault that needs the household or the date."""
        if fault not in READING_FAULTS or kind not in READING_TYPES:
            return payload
        meter_reading = payload["meter_reading"]
        readings: list[dict[str, str]] = list(meter_reading["interval_reading"])
        if fault is Fault.OUT_OF_WINDOW_DAYS:
            readings = self._out_of_window(kind, meter_reading, readings, now)
        elif fault is Fault.ABSURD_VALUE:
            readings[-1] = {**readings[-1], "value": self.absurd_value}
        else:
            readings.reverse()
        return {"meter_reading": {**meter_reading, "interval_reading": readings}}

    def _out_of_window(
        self,
        kind: str,
        meter_reading: dict[str, Any],
        readings: list[dict[str, str]],
        now: datetime,
    ) -> list[dict[str, str]]:
        """Return the readings wrapped in days nobody asked for."""
        today = now.date()
        future = self.readings(kind, FUTURE_DAY)
        if kind in LOAD_CURVES:
            # Today's intervals ended so far, at least one; and a day in the future.
            partial = [
                item
                for item in self.readings(kind, today)
                if item["date"] <= wall_stamp(now)
            ]
            return readings + (partial or self.readings(kind, today)[:1]) + future
        start = date.fromisoformat(meter_reading["start"])
        old = self.readings(kind, start - timedelta(days=STRAY_OLD_DAYS))
        partial = [
            {**item, "value": str(int(item["value"]) // 2)}
            for item in self.readings(kind, today)
        ]
        return old + readings + partial + future

    def _check_window(self, kind: str, start: date, end: date, today: date) -> None:
        if start >= end:
            raise _bad_request("the start date must be before the end date")
        if end > today:
            raise _bad_request("the end date must not be after today")
        is_curve = kind in LOAD_CURVES
        if (end - start).days > (LOAD_CURVE_MAX_DAYS if is_curve else DAILY_MAX_DAYS):
            raise _bad_request("the requested period is too long")
        depth = LOAD_CURVE_DEPTH_DAYS if is_curve else DAILY_DEPTH_DAYS
        if start < today - timedelta(days=depth):
            raise SimError(
                code="history_deadline", description=DEPTH_TEXT, http_status=400
            )
        if start < self.activation:
            raise SimError(
                code="activation_date", description=ACTIVATION_TEXT, http_status=400
            )

    def readings(self, kind: str, day: date) -> list[dict[str, str]]:
        """Return the readings of a day as Enedis sends them (curves stamped at the end)."""
        household = self.household
        if kind == DAILY_CONSUMPTION:
            return [{"value": str(household.daily_wh(day)), "date": day.isoformat()}]
        if kind == DAILY_PRODUCTION:
            wh = household.production_daily_wh(day)
            return [] if wh is None else [{"value": str(wh), "date": day.isoformat()}]
        if kind == DAILY_CONSUMPTION_MAX_POWER:
            va, at = household.max_power(day)
            return [{"value": str(va), "date": wall_stamp(at)}]
        curve: list[CurvePoint] = (
            household.curve(day)
            if kind == CONSUMPTION_LOAD_CURVE
            else household.production_curve(day)
        )
        return [
            {
                "value": str(watts),
                "date": wall_stamp(start + timedelta(minutes=minutes)),
                "interval_length": f"PT{minutes}M",
                "measure_type": "B",
            }
            for start, minutes, watts in curve
        ]

    def _usage_point(self, pdl: str) -> dict[str, str]:
        return {"usage_point_id": pdl, "usage_point_status": "com", "meter_type": "AMM"}

    def _contracts(self, pdl: str) -> dict[str, Any]:
        contracts = {
            "segment": "C5",
            "subscribed_power": self.subscribed_power,
            "last_activation_date": _offset_date(self.activation),
            "distribution_tariff": "BTINFMU4" if self.offpeak else "BTINFCU4",
            "offpeak_hours": self.offpeak,
            "contract_status": "SERVC",
            "contract_type": "Contrat GRD-F",
            "last_distribution_tariff_change_date": _offset_date(date(2019, 9, 1)),
        }
        if self.offpeak is None:
            del contracts["offpeak_hours"]
        return {
            "customer": {
                "customer_id": "1358019319",
                "usage_points": [
                    {"usage_point": self._usage_point(pdl), "contracts": contracts}
                ],
            }
        }

    def _addresses(self, pdl: str) -> dict[str, Any]:
        addresses = {
            "street": "12 rue des Lilas",
            "postal_code": "69003",
            "insee_code": "69383",
            "city": "Lyon",
            "country": "France",
            "geo_points": {
                "latitude": "45.7597",
                "longitude": "4.8422",
                "altitude": "173",
            },
        }
        usage_point = {**self._usage_point(pdl), "usage_point_addresses": addresses}
        return {
            "customer": {
                "customer_id": "1358019319",
                "usage_points": [{"usage_point": usage_point}],
            }
        }
