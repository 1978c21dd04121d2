"""The fetch planner's windows on MyElectricalData v2, and the other protocols' unchanged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import (
    Attempt,
    FetchState,
    History,
    day_minutes,
    local_midnight,
    paris_day,
)
from custom_components.enedis_gateway.linky.models import (
    BATCH_MAX_DAYS,
    PARIS,
    Contract,
    DailyReading,
    Gateway,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
)
from custom_components.enedis_gateway.linky.planner import (
    Request,
    Resource,
    history_floor,
    max_days,
    missing_days,
    newest_day,
    plan,
)

V2 = Gateway.MYELECTRICALDATA_V2
DAILY = MeasureType.DAILY_CONSUMPTION
CURVE = MeasureType.CONSUMPTION_LOAD_CURVE
MAX_POWER = MeasureType.DAILY_CONSUMPTION_MAX_POWER
PRODUCTION = MeasureType.DAILY_PRODUCTION
PRODUCTION_CURVE = MeasureType.PRODUCTION_LOAD_CURVE
CONSUMPTION = (DAILY, CURVE, MAX_POWER)
ALL_KINDS = tuple(MeasureType)
ONE_DAY = timedelta(days=1)

TODAY = date(2026, 3, 27)
YESTERDAY = TODAY - ONE_DAY
OLD_CONTRACT = Contract(last_activation_date=date(2010, 1, 1))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """Return an aware Paris-local time."""
    return datetime.combine(day, time(hour, minute), PARIS)


MORNING = local(TODAY, 9)
NIGHT = local(TODAY, 0, 30)


def window(kind: MeasureType, start: date, end: date) -> Request:
    """Return a window request."""
    return Request(kind=kind, start=start, end=end)


def ago(days: int) -> date:
    """Return the day some days before TODAY."""
    return TODAY - timedelta(days=days)


def curve_points(days: Iterable[date]) -> list[LoadCurvePoint]:
    """Return the half-hours of some Paris-local days."""
    return [
        LoadCurvePoint(
            start=local_midnight(day) + timedelta(minutes=30 * index),
            minutes=30,
            watts=200.0,
        )
        for day in days
        for index in range(day_minutes(day) // 30)
    ]


def store(history: History, kind: MeasureType, days: Iterable[date]) -> None:
    """Store synthetic readings of some days."""
    days = list(days)
    if kind.is_load_curve:
        history.merge_curve(kind, curve_points(days))
    elif kind is MAX_POWER:
        history.merge_max_power(
            MaxPowerReading(day=day, va=3000, at=local(day, 19)) for day in days
        )
    else:
        history.merge_daily(kind, [DailyReading(day=day, wh=1000) for day in days])


def steady_history(kinds: Sequence[MeasureType], gateway: Gateway) -> History:
    """Return a history holding every day up to the day before each newest one."""
    history = History(contract=OLD_CONTRACT)
    for kind in kinds:
        newest = newest_day(kind, TODAY, gateway)
        floor = TODAY - timedelta(days=kind.depth_days)
        store(
            history,
            kind,
            [floor + timedelta(days=n) for n in range((newest - floor).days)],
        )
    return history


# --- a gateway that checks each call ----------------------------------------------


@dataclass
class FakeGateway:
    """A gateway serving every published day, checking each window against its limits."""

    gateway: Gateway
    log: list[Request] = field(default_factory=list)

    def serve(
        self, history: History, fetch: FetchState, request: Request, now: datetime
    ) -> None:
        """Answer one request into the history, as the coordinator merges it."""
        self.log.append(request)
        if request.kind is Resource.CONTRACT:
            history.set_contract(OLD_CONTRACT)
            return
        kind = MeasureType(request.kind)
        today = paris_day(now)
        assert request.start is not None
        assert request.end is not None
        newest = newest_day(kind, today, self.gateway)
        assert request.end <= newest + ONE_DAY
        assert request.start >= history_floor(history, fetch, kind, today)
        assert 1 <= (request.end - request.start).days <= max_days(kind, self.gateway)
        published = today - timedelta(days=1 if now.astimezone(PARIS).hour >= 8 else 2)
        served = [day for day in request.days if day <= min(published, newest)]
        store(history, kind, served)
        fetch.record_failure(history, kind, request.days, now)
        fetch.forget_stored(history)


# --- the limits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "gateway", "days", "newest"),
    [
        (DAILY, Gateway.MYELECTRICALDATA, 365, YESTERDAY),
        (CURVE, Gateway.MYELECTRICALDATA, 7, YESTERDAY),
        (PRODUCTION_CURVE, Gateway.ENEDIS_GATEWAY, 7, YESTERDAY),
        (MAX_POWER, Gateway.ENEDIS_GATEWAY, 365, YESTERDAY),
        # The daily endpoint caps its exclusive end at yesterday.
        (DAILY, V2, 365, ago(2)),
        (CURVE, V2, 729, YESTERDAY),
        (PRODUCTION_CURVE, V2, 729, YESTERDAY),
        (MAX_POWER, V2, 365, YESTERDAY),
        (PRODUCTION, V2, 365, YESTERDAY),
    ],
)
def test_limits(kind: MeasureType, gateway: Gateway, days: int, newest: date) -> None:
    assert max_days(kind, gateway) == days
    assert newest_day(kind, TODAY, gateway) == newest


def test_defaults_are_the_original_protocols() -> None:
    assert [max_days(kind) for kind in ALL_KINDS] == [365, 7, 365, 365, 7]
    assert {newest_day(kind, TODAY) for kind in ALL_KINDS} == {YESTERDAY}
    assert BATCH_MAX_DAYS == 729


def test_missing_days_start_at_the_newest_day() -> None:
    history = History(contract=Contract(last_activation_date=ago(5)))
    assert missing_days(history, FetchState(), DAILY, TODAY, V2) == [
        ago(n) for n in (2, 3, 4, 5)
    ]
    assert missing_days(history, FetchState(), CURVE, TODAY, V2) == [
        ago(n) for n in (1, 2, 3, 4, 5)
    ]
    assert missing_days(history, FetchState(), DAILY, TODAY) == [
        ago(n) for n in (1, 2, 3, 4, 5)
    ]


# --- cold start ------------------------------------------------------------------


def test_cold_start_order() -> None:
    """The resources, each kind's newest window, then the rest: 13 windows in all."""
    requests = plan(
        History(),
        FetchState(),
        kinds=ALL_KINDS,
        addresses=True,
        now=MORNING,
        budget=1000,
        gateway=V2,
    )
    assert requests == [
        Request(kind=Resource.CONTRACT),
        Request(kind=Resource.ADDRESSES),
        window(DAILY, ago(366), YESTERDAY),
        window(CURVE, ago(729), TODAY),
        window(MAX_POWER, ago(365), TODAY),
        window(PRODUCTION, ago(365), TODAY),
        window(PRODUCTION_CURVE, ago(729), TODAY),
        window(DAILY, ago(731), ago(366)),
        window(DAILY, ago(1095), ago(731)),
        # The 730th day: the batch serves 729 at most.
        window(CURVE, ago(730), ago(729)),
        window(MAX_POWER, ago(730), ago(365)),
        window(MAX_POWER, ago(1095), ago(730)),
        window(PRODUCTION, ago(730), ago(365)),
        window(PRODUCTION, ago(1095), ago(730)),
        window(PRODUCTION_CURVE, ago(730), ago(729)),
    ]


@pytest.mark.parametrize(
    ("gateway", "kinds", "calls"),
    [
        (Gateway.MYELECTRICALDATA, CONSUMPTION, {DAILY: 3, CURVE: 105, MAX_POWER: 3}),
        (Gateway.ENEDIS_GATEWAY, CONSUMPTION, {DAILY: 3, CURVE: 105, MAX_POWER: 3}),
        (V2, CONSUMPTION, {DAILY: 3, CURVE: 2, MAX_POWER: 3}),
        (
            Gateway.MYELECTRICALDATA,
            ALL_KINDS,
            {DAILY: 3, CURVE: 105, MAX_POWER: 3, PRODUCTION: 3, PRODUCTION_CURVE: 105},
        ),
        (
            V2,
            ALL_KINDS,
            {DAILY: 3, CURVE: 2, MAX_POWER: 3, PRODUCTION: 3, PRODUCTION_CURVE: 2},
        ),
    ],
)
def test_cold_start_full_depth(
    gateway: Gateway, kinds: Sequence[MeasureType], calls: dict[MeasureType, int]
) -> None:
    history, fetch = History(), FetchState()
    fake = FakeGateway(gateway)
    requests = plan(
        history,
        fetch,
        kinds=kinds,
        addresses=False,
        now=MORNING,
        budget=1000,
        gateway=gateway,
    )
    for request in requests:
        fake.serve(history, fetch, request, MORNING)
    assert Counter(request.kind for request in requests) == Counter(calls) + Counter(
        {Resource.CONTRACT: 1}
    )
    assert all(
        missing_days(history, fetch, kind, TODAY, gateway) == [] for kind in kinds
    )
    assert (
        plan(
            history,
            fetch,
            kinds=kinds,
            addresses=False,
            now=MORNING,
            budget=1000,
            gateway=gateway,
        )
        == []
    )


# --- steady state and holes ------------------------------------------------------


def test_daily_newest_day_is_asked_once_at_night() -> None:
    """On v2 the daily's newest day is long published: due from midnight, once."""
    history = steady_history(CONSUMPTION, V2)
    fetch = FetchState()
    requests = plan(
        history,
        fetch,
        kinds=CONSUMPTION,
        addresses=False,
        now=NIGHT,
        budget=15,
        gateway=V2,
    )
    assert requests == [window(DAILY, ago(2), YESTERDAY)]
    fetch.record_failure(history, DAILY, [ago(2)], NIGHT)
    assert plan(
        history,
        fetch,
        kinds=CONSUMPTION,
        addresses=False,
        now=MORNING,
        budget=15,
        gateway=V2,
    ) == [window(CURVE, YESTERDAY, TODAY), window(MAX_POWER, YESTERDAY, TODAY)]


@pytest.mark.parametrize(
    ("gateway", "budget", "expected"),
    [
        # Yesterday's curve and max power keep two calls; the daily has no yesterday.
        (V2, 3, [window(DAILY, ago(2), YESTERDAY)]),
        (V2, 2, []),
        # The original protocols keep three: none left for the day before yesterday.
        (Gateway.MYELECTRICALDATA, 3, []),
    ],
)
def test_budget_kept_for_yesterday(
    gateway: Gateway, budget: int, expected: list[Request]
) -> None:
    history = steady_history(CONSUMPTION, V2)
    requests = plan(
        history,
        FetchState(),
        kinds=CONSUMPTION,
        addresses=False,
        now=NIGHT,
        budget=budget,
        gateway=gateway,
    )
    assert requests == expected


@pytest.mark.parametrize(
    ("gateway", "expected"),
    [
        (V2, [window(CURVE, ago(100), TODAY)]),
        (
            Gateway.MYELECTRICALDATA,
            [window(CURVE, YESTERDAY, TODAY), window(CURVE, ago(100), ago(99))],
        ),
    ],
)
def test_a_hole_rides_with_yesterday(gateway: Gateway, expected: list[Request]) -> None:
    history = steady_history((CURVE,), gateway)
    del history.consumption.curve[ago(100)]
    requests = plan(
        history,
        FetchState(),
        kinds=(CURVE,),
        addresses=False,
        now=MORNING,
        budget=15,
        gateway=gateway,
    )
    assert requests == expected


def test_steady_state_costs_one_call_per_kind_a_day() -> None:
    history = steady_history(ALL_KINDS, V2)
    fetch = FetchState()
    fake = FakeGateway(V2)
    calls: Counter[date] = Counter()
    hours: Counter[tuple[MeasureType | Resource, int]] = Counter()
    now = NIGHT
    for _ in range(24 * 10):
        for request in plan(
            history,
            fetch,
            kinds=ALL_KINDS,
            addresses=False,
            now=now,
            budget=50,
            gateway=V2,
        ):
            fake.serve(history, fetch, request, now)
            calls[paris_day(now)] += 1
            hours[request.kind, now.astimezone(PARIS).hour] += 1
        now += timedelta(hours=1)
    assert set(calls.values()) == {5}
    # The daily at night, the kinds that bring yesterday from 08:00.
    assert set(hours) == {
        (DAILY, 0),
        (CURVE, 8),
        (MAX_POWER, 8),
        (PRODUCTION, 8),
        (PRODUCTION_CURVE, 8),
    }


# --- the other protocols are unchanged --------------------------------------------


@st.composite
def random_histories(
    draw: st.DrawFn,
) -> tuple[History, FetchState, datetime, list[MeasureType]]:
    """Draw stored days, attempts, skipped days and floors near today."""
    today = draw(st.dates(date(2024, 1, 1), date(2026, 12, 31)))
    now = local(today, draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    activation = draw(st.none() | st.integers(0, 800))
    history = History(
        contract=None
        if activation is None
        else Contract(last_activation_date=today - timedelta(days=activation))
    )
    fetch = FetchState()
    offsets = st.integers(1, 800).map(lambda n: today - timedelta(days=n))
    for kind in ALL_KINDS:
        store(history, kind, draw(st.sets(offsets, max_size=30)))
        fetch.attempts[kind] = draw(
            st.dictionaries(
                offsets,
                st.builds(
                    Attempt,
                    count=st.integers(1, 6),
                    last=st.integers(0, 80).map(lambda h: now - timedelta(hours=h)),
                ),
                max_size=10,
            )
        )
        fetch.skipped[kind] = draw(st.sets(offsets, max_size=10))
    kinds = draw(st.lists(st.sampled_from(ALL_KINDS), unique=True))
    return history, fetch, now, kinds


@settings(max_examples=60, deadline=None)
@given(drawn=random_histories(), budget=st.integers(0, 300))
def test_original_protocols_unchanged(
    drawn: tuple[History, FetchState, datetime, list[MeasureType]], budget: int
) -> None:
    history, fetch, now, kinds = drawn
    default = plan(history, fetch, kinds=kinds, addresses=True, now=now, budget=budget)
    for gateway in (Gateway.MYELECTRICALDATA, Gateway.ENEDIS_GATEWAY):
        assert (
            plan(
                history,
                fetch,
                kinds=kinds,
                addresses=True,
                now=now,
                budget=budget,
                gateway=gateway,
            )
            == default
        )


@settings(max_examples=60, deadline=None)
@given(drawn=random_histories())
def test_v2_windows_cover_every_due_day_once(
    drawn: tuple[History, FetchState, datetime, list[MeasureType]],
) -> None:
    """Within the v2 limits, every missing day due now is in exactly one window."""
    history, fetch, now, kinds = drawn
    today = paris_day(now)
    requests = plan(
        history, fetch, kinds=kinds, addresses=False, now=now, budget=10_000, gateway=V2
    )
    attempted_today = {
        (kind, day)
        for kind, attempts in fetch.attempts.items()
        for day, attempt in attempts.items()
        if paris_day(attempt.last) == today
    }
    for kind in kinds:
        mine = [request for request in requests if request.kind is kind]
        covered = Counter(day for request in mine for day in request.days)
        assert all(count == 1 for count in covered.values())
        for request in mine:
            assert request.start is not None
            assert request.end is not None
            assert 1 <= (request.end - request.start).days <= max_days(kind, V2)
            assert request.end <= newest_day(kind, today, V2) + ONE_DAY
            assert request.start >= history_floor(history, fetch, kind, today)
        older = [
            day
            for day in missing_days(history, fetch, kind, today, V2)
            if day < today - ONE_DAY and (kind, day) not in attempted_today
        ]
        assert all(covered[day] == 1 for day in older)
