"""Diagnostics: options, history coverage, budget and errors, with every secret redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import CONF_CONTRACT, CONF_INFLUXDB_TOKEN, CONF_PDL
from .coordinator import EnedisConfigEntry, EnedisCoordinator
from .linky.history import FetchState, SeriesHistory
from .linky.models import PARIS, Gateway, MeasureType, UsageStats

TO_REDACT = {
    CONF_ACCESS_TOKEN,
    CONF_INFLUXDB_TOKEN,
    CONF_PDL,
    "title",
    "usage_point_id",
    "usage_point_addresses",
    "street",
    "postal_code",
    "city",
    "insee_code",
    "geo_points",
    "customer_id",
}


def _coverage(series: SeriesHistory) -> dict[str, Any]:
    """Describe which days a direction holds."""

    def span(days: list[Any]) -> dict[str, Any]:
        return {
            "days": len(days),
            "oldest": min(days).isoformat() if days else None,
            "newest": max(days).isoformat() if days else None,
        }

    complete = [day for day, curve in series.curve.items() if curve.is_complete()]
    return {
        "daily": span(list(series.daily)),
        "load_curve_complete": span(complete),
        "load_curve_partial_days": len(series.curve) - len(complete),
        "max_power": span(list(series.max_power)),
    }


def _usage(usage: UsageStats | None) -> dict[str, Any] | None:
    """Describe what the gateway says the account spent today (UTC), once read."""
    if usage is None:
        return None
    return {
        "date": usage.day.isoformat(),
        "no_cache_calls": usage.no_cache,
        "no_cache_limit": usage.no_cache_limit,
        "cached_calls": usage.cached,
        "cached_limit": usage.cached_limit,
    }


def _fetch_state(fetch: FetchState, budget: dict[str, int]) -> dict[str, Any]:
    """Describe the budget, the skipped days and the retries."""
    return {
        **budget,
        "quota_until": fetch.quota_until.isoformat() if fetch.quota_until else None,
        "last_call": fetch.last_call.isoformat() if fetch.last_call else None,
        "last_error": fetch.last_error,
        "skipped_days": {
            kind.value: sorted(day.isoformat() for day in days)
            for kind, days in fetch.skipped.items()
        },
        "attempts": {
            kind.value: {
                day.isoformat(): attempt.count for day, attempt in sorted(days.items())
            }
            for kind, days in fetch.attempts.items()
            if days
        },
        "history_floor": {
            kind.value: day.isoformat() for kind, day in fetch.floor.items()
        },
    }


def _tempo(coordinator: EnedisCoordinator) -> dict[str, Any]:
    """Describe the stored Tempo colours and today's Tempo calls (outside the budget)."""
    days = coordinator.history.tempo
    return {
        "days": len(days),
        "oldest": min(days).isoformat() if days else None,
        "newest": max(days).isoformat() if days else None,
        "calls_today": coordinator.tempo_calls.on(dt_util.now(PARIS).date()),
        "last_error": coordinator.tempo_error,
    }


def _ecowatt(coordinator: EnedisCoordinator) -> dict[str, Any]:
    """Describe the stored EcoWatt days and today's EcoWatt calls (v2: in the budget)."""
    calls = coordinator.fetch.ecowatt
    return {
        "enabled": coordinator.options.ecowatt,
        "levels": {
            day.isoformat(): signal.level
            for day, signal in sorted(coordinator.history.ecowatt.items())
        },
        "calls_today": calls.on(dt_util.now(PARIS).date()),
        "last_call": calls.last.isoformat() if calls.last else None,
        "in_budget": coordinator.gateway is Gateway.MYELECTRICALDATA_V2,
        "last_error": coordinator.ecowatt_error,
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EnedisConfigEntry
) -> dict[str, Any]:
    """Return the diagnostics of a config entry."""
    coordinator = entry.runtime_data.coordinator
    history = coordinator.history
    contract = history.contract
    budget, clock = coordinator.budget, coordinator.clock
    data = {key: value for key, value in entry.data.items() if key != CONF_CONTRACT}
    # Only MyElectricalData v2 tells what the account spent: no key for the others.
    usage = (
        {"gateway_usage": _usage(coordinator.usage)}
        if coordinator.gateway is Gateway.MYELECTRICALDATA_V2
        else {}
    )
    return {
        "entry": async_redact_data(
            {"title": entry.title, "data": data, "options": dict(entry.options)},
            TO_REDACT,
        ),
        "enabled_types": [
            MeasureType(kind).value for kind in coordinator.options.kinds
        ],
        "max_calls_per_day": coordinator.options.max_calls,
        "contract": async_redact_data(dict(contract.raw), TO_REDACT)
        if contract
        else None,
        "addresses_stored": history.addresses is not None,
        "consumption": _coverage(history.consumption),
        "production": _coverage(history.production),
        "fetch": _fetch_state(
            coordinator.fetch,
            {
                "calls_today": budget.spent_by_meter(coordinator.pdl, clock),
                "token_calls_today": budget.spent_by_token(
                    entry.data[CONF_ACCESS_TOKEN], clock
                ),
                "calls_left_today": coordinator.calls_left(),
            },
        ),
        "tempo": _tempo(coordinator),
        "ecowatt": _ecowatt(coordinator),
        "statistics_rows_queued": dict(
            entry.runtime_data.outputs.statistics.rows_queued
        ),
        "last_update_success": coordinator.last_update_success,
        **usage,
    }
