"""Tests of the fetch planner, down to a full backfill against a fake gateway."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import (
    Attempt,
    DayCurve,
    FetchState,
    History,
    day_minutes,
    local_midnight,
    paris_day,
)
from custom_components.enedis_gateway.linky.models import (
    PARIS,
    Addresses,
    Contract,
    DailyReading,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
)
from custom_components.enedis_gateway.linky.planner import (
    PUBLISH_SLOTS,
    Request,
    Resource,
    history_floor,
    missing_days,
    plan,
)

DAILY = MeasureType.DAILY_CONSUMPTION
CURVE = MeasureType.CONSUMPTION_LOAD_CURVE
MAX_POWER = MeasureType.DAILY_CONSUMPTION_MAX_POWER
PRODUCTION = MeasureType.DAILY_PRODUCTION
PRODUCTION_CURVE = MeasureType.PRODUCTION_LOAD_CURVE
CONSUMPTION = (DAILY, CURVE, MAX_POWER)
ALL_KINDS = (DAILY, CURVE, MAX_POWER, PRODUCTION, PRODUCTION_CURVE)
ONE_DAY = timedelta(days=1)

TODAY = date(2026, 3, 27)
YESTERDAY = TODAY - ONE_DAY
MORNING = datetime(2026, 3, 27, 9, 0, tzinfo=PARIS)
NIGHT = datetime(2026, 3, 27, 0, 30, tzinfo=PARIS)
OLD_CONTRACT = Contract(last_activation_date=date(2010, 1, 1))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """Return an aware Paris-local time."""
    return datetime.combine(day, time(hour, minute), PARIS)


def window(kind: MeasureType | Resource, start: date, end: date) -> Request:
    """Return a window request."""
    return Request(kind=kind, start=start, end=end)


def store_days(history: History, kind: MeasureType, days: Iterable[date]) -> None:
    """Store synthetic readings of some days directly."""
    store: dict[MeasureType, Callable[[date], None]] = {
        DAILY: lambda day: history.consumption.daily.__setitem__(day, 1000),
        PRODUCTION: lambda day: history.production.daily.__setitem__(day, 500),
        CURVE: lambda day: history.consumption.curve.__setitem__(
            day, DayCurve(minutes=30, watts=[100.0] * (day_minutes(day) // 30))
        ),
        PRODUCTION_CURVE: lambda day: history.production.curve.__setitem__(
            day, DayCurve(minutes=30, watts=[50.0] * (day_minutes(day) // 30))
        ),
        MAX_POWER: lambda day: history.consumption.max_power.__setitem__(
            day, MaxPowerReading(day=day, va=3000, at=local(day, 19))
        ),
    }
    for day in days:
        store[kind](day)


def days_between(first: date, last: date) -> list[date]:
    """Return the days from first to last included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def steady_history(
    today: date, kinds: Sequence[MeasureType] = CONSUMPTION, newest: int = 2
) -> History:
    """Return a history holding every day of every kind up to today - newest."""
    history = History(contract=OLD_CONTRACT, addresses=Addresses(raw={"city": "X"}))
    for kind in kinds:
        first = today - timedelta(days=kind.depth_days)
        store_days(history, kind, days_between(first, today - timedelta(days=newest)))
    return history


@dataclass
class FakeGateway:
    """A gateway answering from synthetic values, publishing yesterday at a given hour."""

    publish_hour: int | None = 8
    holes: dict[MeasureType, set[date]] = field(default_factory=dict)
    log: list[tuple[datetime, Request]] = field(default_factory=list)

    def published(self, now: datetime) -> date:
        """Return the newest day the gateway serves at that time."""
        local_now = now.astimezone(PARIS)
        ready = self.publish_hour is not None and local_now.hour >= self.publish_hour
        return local_now.date() - timedelta(days=1 if ready else 2)

    def serve(
        self, history: History, fetch: FetchState, request: Request, now: datetime
    ) -> None:
        """Answer one request into the history, as the coordinator merges it."""
        self.log.append((now, request))
        if request.kind is Resource.CONTRACT:
            history.set_contract(OLD_CONTRACT)
            return
        if request.kind is Resource.ADDRESSES:
            history.addresses = Addresses(raw={"city": "Paris"})
            return
        kind = MeasureType(request.kind)
        today = paris_day(now)
        assert request.start is not None
        assert request.end is not None
        assert request.end <= today
        assert request.start >= today - timedelta(days=kind.depth_days)
        assert 1 <= (request.end - request.start).days <= kind.max_days
        # Never a call for a stored or skipped day: the newest day is the reason.
        assert not history.has(kind, request.end - ONE_DAY)
        assert not fetch.is_skipped(kind, request.end - ONE_DAY)
        served = [
            day
            for day in request.days
            if day <= self.published(now) and day not in self.holes.get(kind, ())
        ]
        merge: dict[MeasureType, Callable[[], object]] = {
            DAILY: lambda: history.merge_daily(
                kind, [DailyReading(day=day, wh=9000 + day.day) for day in served]
            ),
            CURVE: lambda: history.merge_curve(kind, curve_points(served)),
            MAX_POWER: lambda: history.merge_max_power(
                MaxPowerReading(day=day, va=4000, at=local(day, 19)) for day in served
            ),
        }
        merge[kind]()
        fetch.record_failure(history, kind, request.days, now)
        fetch.forget_stored(history)


def cold_plan(**kwargs: Any) -> list[Request]:
    """Return the plan of a meter with nothing stored and nothing learned."""
    return plan(History(), FetchState(), **kwargs)


def curve_points(days: Iterable[date]) -> list[LoadCurvePoint]:
    """Return the half-hours of some Paris-local days."""
    return [
        LoadCurvePoint(
            start=local_midnight(day) + timedelta(minutes=30 * index),
            minutes=30,
            watts=200.0 + index,
        )
        for day in days
        for index in range(day_minutes(day) // 30)
    ]


@dataclass
class Simulation:
    """The outcome of hourly cycles against the fake gateway."""

    history: History
    fetch: FetchState
    gateway: FakeGateway
    end: datetime
    calls_per_day: Counter[date]

    @property
    def calls(self) -> int:
        """Return the calls made."""
        return len(self.gateway.log)

    def windows(self, kind: MeasureType) -> list[tuple[datetime, Request]]:
        """Return the timed requests of a kind."""
        return [
            (at, request) for at, request in self.gateway.log if request.kind is kind
        ]


def is_complete(
    history: History,
    fetch: FetchState,
    gateway: FakeGateway,
    now: datetime,
    kinds: Sequence[MeasureType],
) -> bool:
    """Return True when every published day is stored or skipped."""
    published = gateway.published(now)
    return history.contract is not None and all(
        day > published
        for kind in kinds
        for day in missing_days(history, fetch, kind, paris_day(now))
    )


def simulate(
    start: datetime,
    *,
    history: History | None = None,
    fetch: FetchState | None = None,
    gateway: FakeGateway | None = None,
    kinds: Sequence[MeasureType] = CONSUMPTION,
    addresses: bool = False,
    max_calls: int = 15,
    hours: int = 24 * 30,
    stop_when_complete: bool = True,
) -> Simulation:
    """Run one cycle an hour, spending what the planner asks within the daily budget."""
    history = history or History()
    fetch = fetch or FetchState()
    gateway = gateway or FakeGateway()
    calls_per_day: Counter[date] = Counter()
    now = start
    for _ in range(hours):
        budget = max_calls - fetch.calls_on(paris_day(now))
        for request in plan(
            history, fetch, kinds=kinds, addresses=addresses, now=now, budget=budget
        ):
            fetch.count_call(now)
            calls_per_day[paris_day(now)] += 1
            gateway.serve(history, fetch, request, now)
        if stop_when_complete and is_complete(history, fetch, gateway, now, kinds):
            break
        now += timedelta(hours=1)
    return Simulation(
        history=history,
        fetch=fetch,
        gateway=gateway,
        end=now,
        calls_per_day=calls_per_day,
    )


# --- building blocks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (
            window(DAILY, TODAY - 3 * ONE_DAY, TODAY),
            [TODAY - n * ONE_DAY for n in (3, 2, 1)],
        ),
        (window(CURVE, YESTERDAY, TODAY), [YESTERDAY]),
        (Request(kind=Resource.CONTRACT), []),
        (Request(kind=Resource.ADDRESSES), []),
    ],
)
def test_request_days(request_: Request, expected: list[date]) -> None:
    assert request_.days == expected


def test_publish_slots() -> None:
    assert PUBLISH_SLOTS == (8, 12, 17, 21)
    assert Resource("contracts") is Resource.CONTRACT
    assert Resource("addresses") is Resource.ADDRESSES


@pytest.mark.parametrize(
    ("kind", "activation", "learned", "expected"),
    [
        (DAILY, None, None, date(2023, 3, 28)),
        (MAX_POWER, None, None, date(2023, 3, 28)),
        (CURVE, None, None, date(2024, 3, 27)),
        (PRODUCTION_CURVE, None, None, date(2024, 3, 27)),
        (DAILY, date(2010, 1, 1), None, date(2023, 3, 28)),
        (DAILY, date(2025, 6, 1), None, date(2025, 6, 1)),
        (CURVE, date(2025, 6, 1), date(2025, 9, 1), date(2025, 9, 1)),
        (CURVE, date(2025, 9, 1), date(2025, 6, 1), date(2025, 9, 1)),
        (CURVE, None, date(2020, 1, 1), date(2024, 3, 27)),
    ],
)
def test_history_floor(
    kind: MeasureType, activation: date | None, learned: date | None, expected: date
) -> None:
    history = History(contract=Contract(last_activation_date=activation))
    fetch = FetchState()
    fetch.floor.update({kind: learned} if learned else {})
    assert history_floor(history, fetch, kind, TODAY) == expected


def test_history_floor_without_contract() -> None:
    assert history_floor(History(), FetchState(), DAILY, TODAY) == TODAY - timedelta(
        days=1095
    )


def test_missing_days() -> None:
    history = History(contract=Contract(last_activation_date=TODAY - 10 * ONE_DAY))
    store_days(history, CURVE, [TODAY - 2 * ONE_DAY, TODAY - 5 * ONE_DAY])
    fetch = FetchState(skipped={CURVE: {TODAY - 3 * ONE_DAY}})
    # A partial curve is still missing.
    history.consumption.curve[TODAY - 4 * ONE_DAY] = DayCurve(
        minutes=30, watts=[1.0] * 47 + [None]
    )
    assert missing_days(history, fetch, CURVE, TODAY) == [
        TODAY - n * ONE_DAY for n in (1, 4, 6, 7, 8, 9, 10)
    ]
    assert missing_days(history, fetch, DAILY, TODAY) == [
        TODAY - n * ONE_DAY for n in range(1, 11)
    ]


# --- cold start ------------------------------------------------------------------


def test_cold_start_order() -> None:
    """Contract, addresses, every kind's yesterday, then each kind's history newest first."""
    requests = cold_plan(
        kinds=ALL_KINDS,
        addresses=True,
        now=MORNING,
        budget=1000,
    )
    kinds = [request.kind for request in requests]
    assert requests[:7] == [
        Request(kind=Resource.CONTRACT),
        Request(kind=Resource.ADDRESSES),
        window(DAILY, date(2025, 3, 27), TODAY),
        window(CURVE, date(2026, 3, 20), TODAY),
        window(MAX_POWER, date(2025, 3, 27), TODAY),
        window(PRODUCTION, date(2025, 3, 27), TODAY),
        window(PRODUCTION_CURVE, date(2026, 3, 20), TODAY),
    ]
    assert requests[7:9] == [
        window(DAILY, date(2024, 3, 27), date(2025, 3, 27)),
        window(DAILY, date(2023, 3, 28), date(2024, 3, 27)),
    ]
    assert requests[9] == window(CURVE, date(2026, 3, 13), date(2026, 3, 20))
    assert requests[112] == window(CURVE, date(2024, 3, 27), date(2024, 3, 29))
    assert (
        kinds[7:]
        == [DAILY] * 2
        + [CURVE] * 104
        + [MAX_POWER] * 2
        + [PRODUCTION] * 2
        + [PRODUCTION_CURVE] * 104
    )
    assert len(requests) == 2 + 3 + 105 + 3 + 3 + 105


@pytest.mark.parametrize(
    ("now", "addresses", "resources", "expected"),
    [
        (MORNING, False, [Resource.CONTRACT], 112),
        (MORNING, True, [Resource.CONTRACT, Resource.ADDRESSES], 113),
        # Before 08:00 yesterday isn't published: the windows start from the day before.
        (NIGHT, False, [Resource.CONTRACT], 112),
        (NIGHT, True, [Resource.CONTRACT, Resource.ADDRESSES], 113),
    ],
)
def test_cold_start_full_depth(
    now: datetime, addresses: bool, resources: list[Resource], expected: int
) -> None:
    """A full consumption history costs 3 + 105 + 3 windows plus the contract (and addresses)."""
    history = History()
    fetch = FetchState()
    gateway = FakeGateway()
    requests = plan(
        history, fetch, kinds=CONSUMPTION, addresses=addresses, now=now, budget=1000
    )
    for request in requests:
        gateway.serve(history, fetch, request, now)
    assert len(requests) == expected
    assert Counter(request.kind for request in requests) == Counter(
        {DAILY: 3, CURVE: 105, MAX_POWER: 3}
    ) + Counter(resources)
    assert is_complete(history, fetch, gateway, now, CONSUMPTION)
    assert (
        plan(
            history, fetch, kinds=CONSUMPTION, addresses=addresses, now=now, budget=1000
        )
        == []
    )


def test_cold_start_before_publication() -> None:
    """Before 08:00 the newest windows end the day before yesterday."""
    requests = cold_plan(
        kinds=CONSUMPTION,
        addresses=False,
        now=NIGHT,
        budget=1000,
    )
    assert requests[:4] == [
        Request(kind=Resource.CONTRACT),
        window(DAILY, date(2025, 3, 26), YESTERDAY),
        window(DAILY, date(2024, 3, 26), date(2025, 3, 26)),
        window(DAILY, date(2023, 3, 28), date(2024, 3, 26)),
    ]
    assert requests[4] == window(CURVE, date(2026, 3, 19), YESTERDAY)
    assert all(request.end != TODAY for request in requests)


# --- budget, quota and floors -----------------------------------------------------


@pytest.mark.parametrize("budget", [1, 2, 5, 15, 45, 112, 500])
def test_budget_truncates(budget: int) -> None:
    full = cold_plan(
        kinds=CONSUMPTION,
        addresses=False,
        now=MORNING,
        budget=1000,
    )
    short = cold_plan(
        kinds=CONSUMPTION,
        addresses=False,
        now=MORNING,
        budget=budget,
    )
    assert short == full[:budget]


@pytest.mark.parametrize("budget", [0, -1, -15])
def test_no_budget(budget: int) -> None:
    assert (
        cold_plan(
            kinds=CONSUMPTION,
            addresses=True,
            now=MORNING,
            budget=budget,
        )
        == []
    )


@pytest.mark.parametrize(
    ("quota_until", "expected"),
    [
        (MORNING + timedelta(minutes=1), 0),
        (MORNING + timedelta(hours=15), 0),
        (MORNING, 15),
        (MORNING - timedelta(hours=1), 15),
        (None, 15),
    ],
)
def test_quota_stops_planning(quota_until: datetime | None, expected: int) -> None:
    fetch = FetchState(quota_until=quota_until)
    requests = plan(
        History(), fetch, kinds=CONSUMPTION, addresses=False, now=MORNING, budget=15
    )
    assert len(requests) == expected


def test_activation_date_clamps() -> None:
    activation = TODAY - timedelta(days=20)
    history = History(contract=Contract(last_activation_date=activation))
    requests = plan(
        history,
        FetchState(),
        kinds=CONSUMPTION,
        addresses=True,
        now=MORNING,
        budget=100,
    )
    assert requests == [
        Request(kind=Resource.ADDRESSES),
        window(DAILY, activation, TODAY),
        window(CURVE, TODAY - timedelta(days=7), TODAY),
        window(MAX_POWER, activation, TODAY),
        window(CURVE, TODAY - timedelta(days=14), TODAY - timedelta(days=7)),
        window(CURVE, activation, TODAY - timedelta(days=14)),
    ]


def test_learned_floor_clamps() -> None:
    history = History(contract=OLD_CONTRACT)
    fetch = FetchState()
    fetch.floor[CURVE] = TODAY - timedelta(days=10)
    fetch.floor[DAILY] = TODAY - timedelta(days=400)
    requests = plan(
        history, fetch, kinds=[CURVE, DAILY], addresses=False, now=MORNING, budget=100
    )
    assert requests == [
        window(DAILY, date(2025, 3, 27), TODAY),
        window(CURVE, TODAY - timedelta(days=7), TODAY),
        window(DAILY, TODAY - timedelta(days=400), date(2025, 3, 27)),
        window(CURVE, TODAY - timedelta(days=10), TODAY - timedelta(days=7)),
    ]


def test_only_enabled_kinds_in_canonical_order() -> None:
    history = steady_history(TODAY, ALL_KINDS, newest=2)
    requests = plan(
        history,
        FetchState(),
        kinds=[PRODUCTION_CURVE, MAX_POWER, PRODUCTION],
        addresses=False,
        now=MORNING,
        budget=100,
    )
    assert [request.kind for request in requests] == [
        MAX_POWER,
        PRODUCTION,
        PRODUCTION_CURVE,
    ]


def test_window_spans_stored_days_between_missing_ones() -> None:
    """One window covers scattered missing days, from the oldest to the newest."""
    history = steady_history(TODAY, [CURVE], newest=1)
    holes = [TODAY - timedelta(days=n) for n in (3, 5, 9, 30, 31)]
    history.consumption.curve.update(
        {day: DayCurve(minutes=30, watts=[None] * 48) for day in holes}
    )
    assert plan(
        history, FetchState(), kinds=[CURVE], addresses=False, now=MORNING, budget=100
    ) == [
        window(CURVE, TODAY - timedelta(days=9), TODAY - timedelta(days=2)),
        window(CURVE, TODAY - timedelta(days=31), TODAY - timedelta(days=29)),
    ]


# --- due days: publication slots and spaced retries -------------------------------


@pytest.mark.parametrize(
    ("last_attempt", "now", "due"),
    [
        (None, local(TODAY, 7, 59), False),
        (None, local(TODAY, 8, 0), True),
        (None, local(TODAY, 23, 59), True),
        (local(TODAY, 8, 10), local(TODAY, 11, 59), False),
        (local(TODAY, 8, 10), local(TODAY, 12, 0), True),
        (local(TODAY, 12, 10), local(TODAY, 16, 30), False),
        (local(TODAY, 12, 10), local(TODAY, 17, 0), True),
        (local(TODAY, 17, 10), local(TODAY, 21, 0), True),
        (local(TODAY, 21, 10), local(TODAY, 23, 59), False),
        # An attempt the evening before (clock change, restart): due from 08:00.
        (local(YESTERDAY, 23, 0), local(TODAY, 7, 0), False),
        (local(YESTERDAY, 23, 0), local(TODAY, 8, 0), True),
        # An attempt before 08:00 (another client of the history) counts for no slot.
        (local(TODAY, 7, 0), local(TODAY, 8, 0), True),
    ],
)
def test_yesterday_due(last_attempt: datetime | None, now: datetime, due: bool) -> None:
    history = steady_history(TODAY, [DAILY], newest=2)
    fetch = FetchState()
    fetch.attempts[DAILY] = (
        {YESTERDAY: Attempt(count=1, last=last_attempt)} if last_attempt else {}
    )
    expected = [window(DAILY, YESTERDAY, TODAY)] if due else []
    assert (
        plan(history, fetch, kinds=[DAILY], addresses=False, now=now, budget=15)
        == expected
    )


@pytest.mark.parametrize(
    ("last_attempt", "now", "due"),
    [
        (None, local(TODAY, 0, 0), True),
        (local(TODAY, 0, 30), local(TODAY, 23, 59), False),
        (local(YESTERDAY, 23, 59), local(TODAY, 0, 0), True),
        (local(YESTERDAY, 8, 0), local(TODAY, 0, 0), True),
    ],
)
def test_hole_due_once_a_day(
    last_attempt: datetime | None, now: datetime, due: bool
) -> None:
    hole = TODAY - timedelta(days=40)
    history = steady_history(TODAY, [DAILY], newest=1)
    del history.consumption.daily[hole]
    fetch = FetchState()
    fetch.attempts[DAILY] = (
        {hole: Attempt(count=3, last=last_attempt)} if last_attempt else {}
    )
    expected = [window(DAILY, hole, hole + ONE_DAY)] if due else []
    assert (
        plan(history, fetch, kinds=[DAILY], addresses=False, now=now, budget=15)
        == expected
    )


@pytest.mark.parametrize(
    ("publish_hour", "tries", "stored"),
    [
        (8, [8], True),
        (10, [8, 12], True),
        (13, [8, 12, 17], True),
        (18, [8, 12, 17, 21], True),
        (22, [8, 12, 17, 21], False),
        (None, [8, 12, 17, 21], False),
    ],
)
def test_yesterday_retries(
    publish_hour: int | None, tries: list[int], stored: bool
) -> None:
    """Yesterday is tried once per publication slot from 08:00: at most 4 calls a day."""
    history = steady_history(TODAY, CONSUMPTION, newest=2)
    gateway = FakeGateway(publish_hour=publish_hour)
    simulation = simulate(
        local(TODAY, 0, 30),
        history=history,
        gateway=gateway,
        hours=24,
        stop_when_complete=False,
    )
    hours = [(at.astimezone(PARIS).hour, request.kind) for at, request in gateway.log]
    assert hours == [(hour, kind) for hour in tries for kind in CONSUMPTION]
    assert all(request.end == TODAY for _, request in gateway.log)
    assert all(request.start == YESTERDAY for _, request in gateway.log)
    assert [history.has(kind, YESTERDAY) for kind in CONSUMPTION] == [stored] * 3
    assert simulation.calls_per_day[TODAY] == 3 * len(tries)


def test_yesterday_late_is_fetched_next_night() -> None:
    """Published after the last slot, yesterday comes with the next day's first cycle."""
    history = steady_history(TODAY, CONSUMPTION, newest=2)
    gateway = FakeGateway(publish_hour=22)
    simulate(
        local(TODAY, 0, 30),
        history=history,
        gateway=gateway,
        hours=26,
        stop_when_complete=False,
    )
    assert [
        (at.astimezone(PARIS), request.end) for at, request in gateway.log[12:]
    ] == [(local(TODAY + ONE_DAY, 0, 30), TODAY)] * 3
    assert all(history.has(kind, YESTERDAY) for kind in CONSUMPTION)


@pytest.mark.parametrize(
    ("now", "attempt", "budget", "expected"),
    [
        # Before 08:00 the three kinds of yesterday keep three calls of the budget.
        (local(TODAY, 0, 30), None, 15, 12),
        (local(TODAY, 0, 30), None, 3, 0),
        (local(TODAY, 0, 30), None, 4, 1),
        # From 08:00 yesterday is due: it comes first, nothing is held back.
        (local(TODAY, 8, 30), None, 15, 15),
        # Tried in this slot: held back for the next one...
        (local(TODAY, 12, 30), local(TODAY, 12, 5), 15, 12),
        # ...but not after the last slot of the day.
        (local(TODAY, 21, 30), local(TODAY, 21, 5), 15, 15),
    ],
)
def test_budget_kept_for_yesterday(
    now: datetime, attempt: datetime | None, budget: int, expected: int
) -> None:
    history = History(contract=OLD_CONTRACT)
    fetch = FetchState()
    fetch.attempts.update(
        {kind: {YESTERDAY: Attempt(count=1, last=attempt)} for kind in CONSUMPTION}
        if attempt
        else {}
    )
    requests = plan(
        history, fetch, kinds=CONSUMPTION, addresses=False, now=now, budget=budget
    )
    assert len(requests) == expected


# --- full backfill simulations ------------------------------------------------------


CONTRACT_ONLY = [Resource.CONTRACT]
WITH_ADDRESSES = [Resource.CONTRACT, Resource.ADDRESSES]
# Started at night, the newest windows hold 03-25 (yesterday isn't published yet); the
# load curve reaches the bottom on 04-04, when the 24-month floor has slid to
# 2024-04-04: 721 days, 103 windows. The first max-power window waits for 08:30 and
# takes the new day with it (counted as a new-day call): 2 backfill windows remain.
NIGHT_BACKFILL = {DAILY: 3, CURVE: 103, MAX_POWER: 2}
# Started at 09:30, the newest windows hold 03-26: 722 days to 2024-04-04, 104 windows.
MORNING_BACKFILL = {DAILY: 3, CURVE: 104, MAX_POWER: 3}


@pytest.mark.parametrize(
    ("start", "resources", "end", "backfill", "new_days"),
    [
        (NIGHT, CONTRACT_ONLY, local(date(2026, 4, 5), 0, 30), NIGHT_BACKFILL, 9),
        (NIGHT, WITH_ADDRESSES, local(date(2026, 4, 5), 0, 30), NIGHT_BACKFILL, 9),
        (
            local(TODAY, 9, 30),
            CONTRACT_ONLY,
            local(date(2026, 4, 4), 0, 30),
            MORNING_BACKFILL,
            7,
        ),
        (
            local(TODAY, 9, 30),
            WITH_ADDRESSES,
            local(date(2026, 4, 5), 0, 30),
            MORNING_BACKFILL,
            8,
        ),
    ],
)
def test_full_backfill(
    start: datetime,
    resources: list[Resource],
    end: datetime,
    backfill: dict[MeasureType, int],
    new_days: int,
) -> None:
    """Two years of load curve and three of daily data, across the March DST change.

    The backfill itself costs at most the 112 (+1) calls of a cold start: fewer, since the
    API depth slides forward while it runs. Each day published meanwhile costs exactly
    one more call per kind (its window holds no missing day but that one).
    """
    simulation = simulate(start, addresses=Resource.ADDRESSES in resources)
    first_published = FakeGateway().published(start)
    backfill_calls = Counter(
        request.kind
        for _, request in simulation.gateway.log
        if request.end is None or request.end - ONE_DAY <= first_published
    )
    newest = Counter(
        request.kind
        for _, request in simulation.gateway.log
        if request.end is not None and request.end - ONE_DAY > first_published
    )
    assert simulation.end == end
    assert max(simulation.calls_per_day.values()) == 15
    assert all(simulation.fetch.calls_on(day) <= 15 for day in simulation.calls_per_day)
    assert backfill_calls == Counter(backfill) + Counter(resources)
    assert backfill_calls.total() <= 111 + len(resources)
    assert newest == Counter({DAILY: new_days, CURVE: new_days, MAX_POWER: new_days})
    assert simulation.calls == backfill_calls.total() + 3 * new_days
    assert all(
        at.astimezone(PARIS).hour >= 8
        for at, request in simulation.gateway.log
        if request.end == paris_day(at)
    )
    assert simulation.fetch.skipped == {}


def test_full_backfill_days() -> None:
    """At a frozen clock, the 113 calls of a cold start take ⌈113/15⌉ = 8 daily budgets."""
    history = History()
    fetch = FetchState()
    gateway = FakeGateway()
    spent = []
    for _ in range(10):
        requests = plan(
            history, fetch, kinds=CONSUMPTION, addresses=True, now=MORNING, budget=15
        )
        for request in requests:
            gateway.serve(history, fetch, request, MORNING)
        spent.append(len(requests))
    assert spent == [15] * 7 + [8, 0, 0]
    assert is_complete(history, fetch, gateway, MORNING, CONSUMPTION)


def test_holes_are_spaced_and_skipped() -> None:
    """A day the gateway never has costs at most 7 calls, a day apart, then is given up."""
    curve_hole = date(2025, 12, 10)
    daily_hole = date(2024, 8, 15)
    gateway = FakeGateway(holes={CURVE: {curve_hole}, DAILY: {daily_hole}})
    simulation = simulate(NIGHT, gateway=gateway)
    for kind, hole in ((CURVE, curve_hole), (DAILY, daily_hole)):
        for_hole = [
            at
            for at, request in simulation.windows(kind)
            if request.end == hole + ONE_DAY
        ]
        assert 1 <= len(for_hole) <= 7
        assert len({paris_day(at) for at in for_hole}) == len(for_hole)
        assert simulation.fetch.is_skipped(kind, hole)
        assert simulation.fetch.attempts[kind][hole].count == 7
    assert max(simulation.calls_per_day.values()) == 15
    # Nothing else was given up or left behind.
    assert simulation.fetch.skipped == {CURVE: {curve_hole}, DAILY: {daily_hole}}
    assert is_complete(
        simulation.history, simulation.fetch, gateway, simulation.end, CONSUMPTION
    )


def test_steady_state_costs_one_call_per_kind_a_day() -> None:
    simulation = simulate(
        local(TODAY, 0, 30),
        history=steady_history(TODAY, CONSUMPTION, newest=2),
        hours=24 * 10,
        stop_when_complete=False,
    )
    assert set(simulation.calls_per_day.values()) == {3}
    assert len(simulation.calls_per_day) == 10
    assert {at.astimezone(PARIS).hour for at, _ in simulation.gateway.log} == {8}


def test_restart_plans_nothing() -> None:
    history = steady_history(TODAY, CONSUMPTION, newest=1)
    assert (
        plan(
            history,
            FetchState(),
            kinds=CONSUMPTION,
            addresses=False,
            now=MORNING,
            budget=15,
        )
        == []
    )


# --- properties --------------------------------------------------------------------


def slot(hour: int) -> int:
    """Return the publication slot of an hour, 0 before 08:00."""
    return sum(hour >= first for first in PUBLISH_SLOTS)


def oracle_due(fetch: FetchState, kind: MeasureType, day: date, now: datetime) -> bool:
    """Restate the planner's due rule independently of the planner."""
    local_now = now.astimezone(PARIS)
    today = local_now.date()
    attempt = fetch.attempts.get(kind, {}).get(day)
    last = attempt.last.astimezone(PARIS) if attempt else None
    fresh_slot = (
        last is None
        or last.date() < today
        or (last.date() == today and slot(last.hour) < slot(local_now.hour))
    )
    once_a_day = last is None or last.date() < today
    yesterday = day == today - ONE_DAY
    return (yesterday and local_now.hour >= 8 and fresh_slot) or (
        not yesterday and once_a_day
    )


@st.composite
def random_histories(
    draw: st.DrawFn,
) -> tuple[History, FetchState, datetime, list[MeasureType]]:
    """Draw stored days, and attempts, skipped days, floors and a quota, near today."""
    today = draw(st.dates(date(2024, 1, 1), date(2026, 12, 31)))
    now = local(today, draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    activation = draw(st.none() | st.integers(0, 45))
    history = History(
        contract=draw(st.none() | st.just(Contract()))
        if activation is None
        else Contract(last_activation_date=today - timedelta(days=activation)),
        addresses=draw(st.none() | st.just(Addresses())),
    )
    fetch = FetchState(
        quota_until=draw(
            st.none() | st.integers(-3, 3).map(lambda h: now + timedelta(hours=h))
        ),
    )
    offsets = st.integers(1, 40).map(lambda n: today - timedelta(days=n))
    for kind in ALL_KINDS:
        store_days(history, kind, draw(st.sets(offsets)))
        fetch.attempts[kind] = draw(
            st.dictionaries(
                offsets,
                st.builds(
                    Attempt,
                    count=st.integers(1, 6),
                    last=st.integers(0, 80).map(lambda h: now - timedelta(hours=h)),
                ),
            )
        )
        fetch.skipped[kind] = draw(st.sets(offsets))
        learned = draw(st.none() | st.integers(0, 60))
        fetch.floor.update(
            {} if learned is None else {kind: today - timedelta(days=learned)}
        )
    kinds = draw(st.lists(st.sampled_from(ALL_KINDS), unique=True))
    return history, fetch, now, kinds


@settings(max_examples=100, deadline=None)
@given(drawn=random_histories(), budget=st.integers(-2, 40), addresses=st.booleans())
def test_plan_properties(
    drawn: tuple[History, FetchState, datetime, list[MeasureType]],
    budget: int,
    addresses: bool,
) -> None:
    history, fetch, now, kinds = drawn
    today = paris_day(now)
    requests = plan(
        history, fetch, kinds=kinds, addresses=addresses, now=now, budget=budget
    )
    windows = [request for request in requests if isinstance(request.kind, MeasureType)]
    assert len(requests) <= max(budget, 0)
    assert requests == [] or fetch.quota_until is None or now >= fetch.quota_until
    assert all(request.kind in kinds for request in windows)
    for request in windows:
        kind = MeasureType(request.kind)
        assert request.start is not None
        assert request.end is not None
        assert request.end <= today
        assert request.start >= history_floor(history, fetch, kind, today)
        assert 1 <= (request.end - request.start).days <= kind.max_days
        holding = [
            day
            for day in request.days
            if not history.has(kind, day)
            and not fetch.is_skipped(kind, day)
            and oracle_due(fetch, kind, day, now)
        ]
        assert holding
        assert holding[-1] == request.end - ONE_DAY
    for kind in kinds:
        mine = [request for request in windows if request.kind is kind]
        assert all(
            newer.start is not None
            and older.end is not None
            and older.end <= newer.start
            for newer, older in pairwise(mine)
        )
    resources = [
        request.kind for request in requests if isinstance(request.kind, Resource)
    ]
    assert (
        resources
        == [
            kind
            for kind, wanted in (
                (Resource.CONTRACT, history.contract is None),
                (Resource.ADDRESSES, addresses and history.addresses is None),
            )
            if wanted
        ][: len(resources)]
    )
    assert requests[: len(resources)] == [Request(kind=kind) for kind in resources]


@settings(max_examples=60, deadline=None)
@given(drawn=random_histories())
def test_plan_covers_every_due_day(
    drawn: tuple[History, FetchState, datetime, list[MeasureType]],
) -> None:
    """With budget to spare, every due missing day is in exactly one window."""
    history, fetch, now, kinds = drawn
    fetch.quota_until = None
    today = paris_day(now)
    requests = plan(history, fetch, kinds=kinds, addresses=True, now=now, budget=10_000)
    for kind in kinds:
        covered = Counter(
            day for request in requests if request.kind is kind for day in request.days
        )
        due = [
            day
            for day in missing_days(history, fetch, kind, today)
            if oracle_due(fetch, kind, day, now)
        ]
        assert all(covered[day] == 1 for day in due)
        assert all(count == 1 for count in covered.values())
