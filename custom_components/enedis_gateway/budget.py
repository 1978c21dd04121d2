"""The call budget shared by every entry, flow and action of the integration."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .linky.budget import (
    TOKEN_CEILING,
    CallLedger,
    DayClock,
    decode_ledger,
    encode_ledger,
    meter_key,
    token_key,
)

STORAGE_VERSION = 1
DATA_BUDGET: HassKey[CallBudget] = HassKey(f"{DOMAIN}_budget")
_LOAD_LOCK: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_budget_load")


class CallBudget:
    """Count calls per meter and per token across entries, written before each call."""

    def __init__(self, store: Store[dict[str, Any]], ledger: CallLedger) -> None:
        """Initialize with the loaded ledger."""
        self._store = store
        self._ledger = ledger
        self._meter_locks: dict[str, asyncio.Lock] = {}

    def meter_lock(self, pdl: str) -> asyncio.Lock:
        """Return the lock that lets one fetch at a time run for a meter, whatever starts it."""
        return self._meter_locks.setdefault(pdl, asyncio.Lock())

    def left(self, pdl: str, token: str, max_calls: int, clock: DayClock) -> int:
        """Return the calls a meter may still make today (its gateway's day)."""
        return self._ledger.left(
            self._limits(pdl, token, max_calls), dt_util.utcnow(), clock
        )

    def spent_by_meter(self, pdl: str, clock: DayClock) -> int:
        """Return the calls a meter made today (its gateway's day)."""
        return self._ledger.spent(meter_key(pdl), dt_util.utcnow(), clock)

    def spent_by_token(self, token: str, clock: DayClock) -> int:
        """Return the calls made today (its gateway's day) with a token, by every meter."""
        return self._ledger.spent(token_key(token), dt_util.utcnow(), clock)

    async def async_reserve(
        self, pdl: str | None, token: str, max_calls: int, clock: DayClock
    ) -> bool:
        """
        Count one call and write it down before it is made; False past the budget.

        A call about no meter yet (the account's PDL list) counts for the token only.
        """
        now = dt_util.utcnow()
        limits = (
            {token_key(token): TOKEN_CEILING}
            if pdl is None
            else self._limits(pdl, token, max_calls)
        )
        if self._ledger.left(limits, now, clock) <= 0:
            return False
        self._ledger.record(tuple(limits), now, clock)
        await self._store.async_save(encode_ledger(self._ledger))
        return True

    async def async_block(self, token: str, until: datetime) -> None:
        """Stop every call with a token until an instant (the gateway's quota or ban)."""
        self._ledger.block(token_key(token), until)
        await self._store.async_save(encode_ledger(self._ledger))

    async def async_seed(self, pdl: str, token: str, day: date, count: int) -> None:
        """Take today's count of an entry stored by an older version."""
        self._ledger.seed(meter_key(pdl), day, count)
        self._ledger.seed(token_key(token), day, count)
        await self._store.async_save(encode_ledger(self._ledger))

    @staticmethod
    def _limits(pdl: str, token: str, max_calls: int) -> dict[str, int]:
        return {
            meter_key(pdl): min(max_calls, TOKEN_CEILING),
            token_key(token): TOKEN_CEILING,
        }


async def async_get_budget(hass: HomeAssistant) -> CallBudget:
    """Return the integration's call budget, loading it once."""
    if (budget := hass.data.get(DATA_BUDGET)) is not None:
        return budget
    async with hass.data.setdefault(_LOAD_LOCK, asyncio.Lock()):
        if (budget := hass.data.get(DATA_BUDGET)) is None:
            store: Store[dict[str, Any]] = Store(
                hass, STORAGE_VERSION, f"{DOMAIN}.budget", private=True
            )
            ledger = decode_ledger(await _async_load(store), dt_util.utcnow())
            budget = hass.data[DATA_BUDGET] = CallBudget(store, ledger)
    return budget


async def _async_load(store: Store[dict[str, Any]]) -> Any:
    """Return the stored ledger, or None when absent; a bad file is not trusted."""
    try:
        return await store.async_load() or {}
    # A newer HA raises its own error for a newer layout; none of it is trusted.
    except (
        HomeAssistantError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        NotImplementedError,
    ):
        return None
