"""MyElectricalData v2 on the wire: paths, query, the {success, data, error} envelope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .exceptions import GatewayError
from .models import AccountPdl, MeasureType, UsageStats

PDLS = "pdl"
USAGE_STATS = "usage_stats"
ECOWATT = "ecowatt"
# /ecowatt/forecast?days=3: the server keeps the days whose Paris midnight falls in
# [UTC today, UTC today + 3 days) (inferred from its code): tomorrow to the day after
# next, and today too in the hour or two between Paris and UTC midnight.
ECOWATT_FORECAST_DAYS = 3

# Paths below the base URL, {pdl} being the usage point. The load curves go through
# the batch endpoints: up to 729 days per call, served from the account's cache.
_PATHS: dict[str, str] = {
    MeasureType.DAILY_CONSUMPTION: "enedis/consumption/daily/{pdl}",
    MeasureType.CONSUMPTION_LOAD_CURVE: "enedis/consumption/detail/batch/{pdl}",
    MeasureType.DAILY_CONSUMPTION_MAX_POWER: "enedis/power/{pdl}",
    MeasureType.DAILY_PRODUCTION: "enedis/production/daily/{pdl}",
    MeasureType.PRODUCTION_LOAD_CURVE: "enedis/production/detail/batch/{pdl}",
    "contracts": "enedis/contract/{pdl}",
    "addresses": "enedis/address/{pdl}",
    PDLS: "pdl",
    USAGE_STATS: "accounts/usage-stats",
    ECOWATT: "ecowatt/forecast",
}
_BATCH = frozenset(
    {MeasureType.CONSUMPTION_LOAD_CURVE, MeasureType.PRODUCTION_LOAD_CURVE}
)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, kw_only=True, slots=True)
class Failure:
    """A business error the gateway answered: its code and its message."""

    code: str
    message: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Envelope:
    """A reply: success, data, and the error (a failure's, or a success's warning)."""

    success: bool
    data: Any
    error: Failure | None


def url(base: str, kind: str, pdl: str, start: date | None, end: date | None) -> str:
    """Return the URL of a call; a window [start, end) is sent as each endpoint reads it."""
    target = f"{base}/{_PATHS[kind].format(pdl=pdl)}"
    if kind in (PDLS, USAGE_STATS):
        return target
    if kind == ECOWATT:
        # Counted in the account's no-cache bucket whatever the query says.
        return f"{target}?days={ECOWATT_FORECAST_DAYS}"
    # The batch endpoints count a call (in the cached bucket) only when a day is
    # missing from the cache; every other endpoint counts each call, so those ask
    # for fresh data, in the no-cache bucket: they would be counted anyway, and the
    # cached daily endpoint loses an uncached day lying between cached ones.
    batch = kind in _BATCH
    query = f"use_cache={'true' if batch else 'false'}"
    if start is None or end is None:
        return f"{target}?{query}"
    # The batch endpoints read an inclusive end, the others pass [start, end) to Enedis.
    last = end - _ONE_DAY if batch else end
    return f"{target}?start={start.isoformat()}&end={last.isoformat()}&{query}"


def envelope(payload: Any) -> Envelope:
    """Return the parts of a reply envelope; a failure always carries an error."""
    if not isinstance(payload, Mapping) or not isinstance(
        success := payload.get("success"), bool
    ):
        raise GatewayError("Malformed reply: not a {success, data, error} envelope")
    error = failure_of(payload)
    if not success and error is None:
        error = Failure(code="UNKNOWN", message="")
    return Envelope(success=success, data=payload.get("data"), error=error)


def failure_of(payload: Any) -> Failure | None:
    """Return the error object of an envelope, if it holds one."""
    if not isinstance(payload, Mapping) or not isinstance(
        error := payload.get("error"), Mapping
    ):
        return None
    code, message = error.get("code"), error.get("message")
    return Failure(
        code=code.strip().upper() if isinstance(code, str) else "UNKNOWN",
        message=message if isinstance(message, str) else "",
    )


def enedis_error(data: Any) -> Failure | None:
    """Return the Enedis error a successful reply may carry as its data."""
    # The gateway hands back some Enedis errors (a window before the activation
    # date, ADAM-ERR0123) as the data of a success.
    if not isinstance(data, Mapping) or not isinstance(code := data.get("error"), str):
        return None
    description = data.get("error_description")
    text = description if isinstance(description, str) else ""
    return Failure(code="ENEDIS_ERROR", message=f"{code}: {text}" if text else code)


def _flag(item: Mapping[str, Any], key: str, default: bool) -> bool:
    """Return a boolean field, or its default when it is missing or not a boolean."""
    value = item.get(key)
    return value if isinstance(value, bool) else default


def parse_pdls(data: Any) -> list[AccountPdl]:
    """Parse the PDL list of an account, in the gateway's order."""
    if not isinstance(data, list):
        raise GatewayError("Malformed PDL list reply: data is not a list")
    pdls: list[AccountPdl] = []
    for item in data:
        if not isinstance(item, Mapping) or not isinstance(
            usage_point := item.get("usage_point_id"), str
        ):
            raise GatewayError("Malformed PDL list reply: usage_point_id is missing")
        name = item.get("name")
        pdls.append(
            AccountPdl(
                usage_point_id=usage_point.strip(),
                name=(name.strip() or None) if isinstance(name, str) else None,
                has_production=_flag(item, "has_production", False),
                is_active=_flag(item, "is_active", True),
            )
        )
    return pdls


def _count(data: Mapping[str, Any], key: str) -> int:
    """Return a counter field, refusing anything but a non-negative integer."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise GatewayError(f"Malformed usage stats reply: {key} is not a count")
    return value


def parse_usage_stats(data: Any) -> UsageStats:
    """Parse the calls an account made today (UTC) and its limits."""
    if not isinstance(data, Mapping):
        raise GatewayError("Malformed usage stats reply: data is not an object")
    try:
        day = date.fromisoformat(str(data.get("date")))
    except ValueError as err:
        raise GatewayError("Malformed usage stats reply: date is not a date") from err
    return UsageStats(
        day=day,
        cached=_count(data, "cached_requests"),
        cached_limit=_count(data, "cached_limit"),
        no_cache=_count(data, "no_cache_requests"),
        no_cache_limit=_count(data, "no_cache_limit"),
    )
