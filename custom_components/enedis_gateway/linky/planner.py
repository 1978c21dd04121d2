"""The fetch planner: which gateway calls to make now, newest data first, within budget."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .history import FetchState, History
from .models import BATCH_MAX_DAYS, PARIS, Gateway, MeasureType

PUBLISH_SLOTS: tuple[int, ...] = (8, 12, 17, 21)
ORDER: tuple[MeasureType, ...] = (
    MeasureType.DAILY_CONSUMPTION,
    MeasureType.CONSUMPTION_LOAD_CURVE,
    MeasureType.DAILY_CONSUMPTION_MAX_POWER,
    MeasureType.DAILY_PRODUCTION,
    MeasureType.PRODUCTION_LOAD_CURVE,
)
_ONE_DAY = timedelta(days=1)
# The gateway used when none is named: both original protocols follow Enedis's limits.
DEFAULT_GATEWAY = Gateway.MYELECTRICALDATA


class Resource(StrEnum):
    """Gateway resources fetched whole, without a date window."""

    CONTRACT = "contracts"
    ADDRESSES = "addresses"


@dataclass(frozen=True, kw_only=True, slots=True)
class Request:
    """One gateway call: a measure window [start, end) or a resource."""

    kind: MeasureType | Resource
    start: date | None = None
    end: date | None = None

    @property
    def days(self) -> list[date]:
        """Return the days of the window, oldest first (none for a resource)."""
        if self.start is None or self.end is None:
            return []
        return [
            self.start + timedelta(days=offset)
            for offset in range((self.end - self.start).days)
        ]


def max_days(kind: MeasureType, gateway: Gateway = DEFAULT_GATEWAY) -> int:
    """Return the longest window one call of the gateway serves for that kind."""
    if gateway is Gateway.MYELECTRICALDATA_V2 and kind.is_load_curve:
        return BATCH_MAX_DAYS
    return kind.max_days


def newest_day(
    kind: MeasureType, today: date, gateway: Gateway = DEFAULT_GATEWAY
) -> date:
    """Return the newest day the gateway can serve for that kind: yesterday, or before."""
    if gateway is Gateway.MYELECTRICALDATA_V2 and kind is MeasureType.DAILY_CONSUMPTION:
        # Its daily endpoint caps the (exclusive) end at yesterday: the day before.
        return today - 2 * _ONE_DAY
    return today - _ONE_DAY


def history_floor(
    history: History, fetch: FetchState, kind: MeasureType, today: date
) -> date:
    """Return the oldest day the API can serve for that kind."""
    floor = today - timedelta(days=kind.depth_days)
    if history.contract and history.contract.last_activation_date:
        floor = max(floor, history.contract.last_activation_date)
    if (learned := fetch.floor.get(kind)) is not None:
        floor = max(floor, learned)
    return floor


def missing_days(
    history: History,
    fetch: FetchState,
    kind: MeasureType,
    today: date,
    gateway: Gateway = DEFAULT_GATEWAY,
) -> list[date]:
    """Return the days in [floor, newest day] neither stored nor skipped, newest first."""
    floor = history_floor(history, fetch, kind, today)
    skipped = fetch.skipped.get(kind, set())
    days: list[date] = []
    day = newest_day(kind, today, gateway)
    while day >= floor:
        if day not in skipped and not history.has(kind, day):
            days.append(day)
        day -= _ONE_DAY
    return days


def _slot(local: datetime) -> int:
    """Return the publication slot of a Paris-local time, -1 before the first one."""
    return bisect_right(PUBLISH_SLOTS, local.hour) - 1


def _is_due(
    fetch: FetchState, kind: MeasureType, day: date, local_now: datetime
) -> bool:
    """Return True when a missing day should be asked for now."""
    today = local_now.date()
    attempt = fetch.attempts.get(kind, {}).get(day)
    if day == today - _ONE_DAY:
        # Yesterday is published during the day: try once per slot from 08:00.
        slot = _slot(local_now)
        if slot < 0:
            return False
        if attempt is None:
            return True
        last = attempt.last.astimezone(PARIS)
        return last.date() < today or (last.date() == today and _slot(last) < slot)
    # An older day (a hole): at most one attempt per local day.
    return attempt is None or attempt.last.astimezone(PARIS).date() < today


def _windows(
    history: History,
    fetch: FetchState,
    kind: MeasureType,
    local_now: datetime,
    gateway: Gateway,
) -> list[Request]:
    """Return tight windows covering the due missing days of a kind, newest first."""
    today = local_now.date()
    floor = history_floor(history, fetch, kind, today)
    span = timedelta(days=max_days(kind, gateway) - 1)
    # Each window starts at its oldest due day, not at its size limit: a new day
    # then costs a one-day window, and a hole is only asked for when it is due.
    groups: list[list[date]] = []
    limit: date | None = None
    for day in missing_days(history, fetch, kind, today, gateway):
        if not _is_due(fetch, kind, day, local_now):
            continue
        if limit is None or day < limit:
            limit = max(floor, day - span)
            groups.append([])
        groups[-1].append(day)
    return [
        Request(kind=kind, start=days[-1], end=days[0] + _ONE_DAY) for days in groups
    ]


def _reserved(
    history: History,
    fetch: FetchState,
    kinds: Sequence[MeasureType],
    local_now: datetime,
    gateway: Gateway,
) -> int:
    """Return the calls to keep for yesterday's data that becomes due later today."""
    if _slot(local_now) >= len(PUBLISH_SLOTS) - 1:
        return 0
    yesterday = local_now.date() - _ONE_DAY
    return sum(
        1
        for kind in kinds
        if newest_day(kind, local_now.date(), gateway) == yesterday
        and yesterday >= history_floor(history, fetch, kind, local_now.date())
        and not history.has(kind, yesterday)
        and not fetch.is_skipped(kind, yesterday)
        and not _is_due(fetch, kind, yesterday, local_now)
    )


def plan(
    history: History,
    fetch: FetchState,
    *,
    kinds: Sequence[MeasureType],
    addresses: bool,
    now: datetime,
    budget: int,
    skip: frozenset[Resource] = frozenset(),
    gateway: Gateway = DEFAULT_GATEWAY,
) -> list[Request]:
    """
    Return the ordered calls to make now: resources, yesterday, then history newest first.

    Resources in skip (the gateway had none today) are not asked for. The gateway
    decides how long a window may be and the newest day each kind can bring.
    """
    if budget <= 0 or (fetch.quota_until is not None and now < fetch.quota_until):
        return []
    local_now = now.astimezone(PARIS)
    today = local_now.date()
    enabled = [kind for kind in ORDER if kind in kinds]
    requests: list[Request] = []
    if history.contract is None and Resource.CONTRACT not in skip:
        requests.append(Request(kind=Resource.CONTRACT))
    if addresses and history.addresses is None and Resource.ADDRESSES not in skip:
        requests.append(Request(kind=Resource.ADDRESSES))
    backlog: list[Request] = []
    for kind in enabled:
        windows = _windows(history, fetch, kind, local_now, gateway)
        if windows and windows[0].end == newest_day(kind, today, gateway) + _ONE_DAY:
            requests.append(windows.pop(0))
        backlog.extend(windows)
    requests.extend(backlog)
    # Keep budget for yesterday's data, published later today, so that the backfill
    # running at midnight never delays the newest day by a whole day.
    limit = max(budget - _reserved(history, fetch, enabled, local_now, gateway), 0)
    return requests[:limit]


def spare_calls(
    history: History,
    fetch: FetchState,
    *,
    kinds: Sequence[MeasureType],
    addresses: bool,
    now: datetime,
    budget: int,
    skip: frozenset[Resource] = frozenset(),
    gateway: Gateway = DEFAULT_GATEWAY,
) -> int:
    """
    Return the calls of the budget the metering leaves: neither planned now nor kept.

    What is kept is the calls for yesterday's data, published later today; a
    backfill larger than the budget plans every call it may have, and leaves none.
    """
    planned = plan(
        history,
        fetch,
        kinds=kinds,
        addresses=addresses,
        now=now,
        budget=budget,
        skip=skip,
        gateway=gateway,
    )
    local_now = now.astimezone(PARIS)
    enabled = [kind for kind in ORDER if kind in kinds]
    kept = _reserved(history, fetch, enabled, local_now, gateway)
    return max(budget - len(planned) - kept, 0)
