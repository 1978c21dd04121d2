"""When to ask for RTE's EcoWatt signal: pure, from the stored days and the day's calls."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from .history import EcoWattCalls, paris_day

# One forecast a Paris day; a failed call, or a reply without today, is tried once more.
CALLS_PER_DAY = 2
# A second call of the day waits at least this long after the first.
RETRY_AFTER = timedelta(hours=1)


def ecowatt_due(
    stored: Collection[date],
    calls: EcoWattCalls,
    now: datetime,
    *,
    serves_today: bool = True,
) -> bool:
    """
    Return True when the EcoWatt signal should be asked now.

    Asked when no call of today's Paris day was answered (the stored forecast is
    an earlier day's, or there is none), or when today's signal is missing from
    the stored days and the gateway serves today (serves_today: MyElectricalData
    v2's forecast leaves today out most hours, so a reply without it is final).
    At most CALLS_PER_DAY calls a Paris day, the second RETRY_AFTER after the first.
    """
    today = paris_day(now)
    if calls.day != today or calls.count == 0:
        # No call yet today: whatever is stored was fetched on an earlier day.
        return True
    if calls.answered and (today in stored or not serves_today):
        return False
    if calls.count >= CALLS_PER_DAY or calls.last is None:
        return False
    return now - calls.last >= RETRY_AFTER
