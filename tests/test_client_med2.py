"""The real gateway client against the real simulator over HTTP, on MyElectricalData v2."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from freezegun.api import TickingDateTimeFactory
import pytest

from custom_components.enedis_gateway.linky.client import EnedisClient
from custom_components.enedis_gateway.linky.exceptions import (
    AuthError,
    EndOfHistoryError,
    EnedisError,
    GatewayError,
    InvalidPdlError,
    NoDataError,
    QuotaError,
)
from custom_components.enedis_gateway.linky.history import (
    FetchState,
    History,
    paris_day,
)
from custom_components.enedis_gateway.linky.models import (
    AccountPdl,
    Addresses,
    DailyReading,
    Gateway,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
    UsageStats,
)
from custom_components.enedis_gateway.linky.planner import (
    Request,
    Resource,
    missing_days,
    plan,
)
from custom_components.enedis_gateway.linky.redact import MARKER
from custom_components.enedis_gateway.linky.tempo import TempoColor
from simulator import Fault, Household, Simulator
from simulator.tempo import tempo_color
from simulator.testing import RunningSimulator, start_simulator

PARIS = ZoneInfo("Europe/Paris")
PDL = "12345678901234"
OTHER_PDL = "98765432109876"
TOKEN = "SIM-TOKEN-0123456789"
TODAY = date(2026, 11, 28)
YESTERDAY = date(2026, 11, 27)
USER_AGENT = "HomeAssistant-enedis_gateway/1.2.3"
V2 = Gateway.MYELECTRICALDATA_V2
ONE_DAY = timedelta(days=1)

# Time ticks from the frozen instant: a fully frozen clock also freezes the event
# loop, and then no timeout (client or TIMEOUT fault) would ever fire.
pytestmark = pytest.mark.freeze_time("2026-11-28 10:00:00+01:00", tick=True)

type ClientCall = Callable[[EnedisClient], Awaitable[object]]


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


async def _daily(client: EnedisClient) -> object:
    return await client.get_daily(
        MeasureType.DAILY_CONSUMPTION, date(2026, 11, 20), YESTERDAY
    )


async def _curve(client: EnedisClient) -> object:
    return await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 11, 21), TODAY
    )


async def _max_power(client: EnedisClient) -> object:
    return await client.get_max_power(date(2026, 11, 20), TODAY)


async def _production(client: EnedisClient) -> object:
    return await client.get_daily(
        MeasureType.DAILY_PRODUCTION, date(2026, 11, 20), TODAY
    )


async def _production_curve(client: EnedisClient) -> object:
    return await client.get_load_curve(
        MeasureType.PRODUCTION_LOAD_CURVE, date(2026, 11, 21), TODAY
    )


async def _contract(client: EnedisClient) -> object:
    return await client.get_contract()


async def _addresses(client: EnedisClient) -> object:
    return await client.get_addresses()


READING_CALLS = [
    pytest.param(_daily, id="daily"),
    pytest.param(_curve, id="curve"),
    pytest.param(_max_power, id="max_power"),
    pytest.param(_production, id="production"),
    pytest.param(_production_curve, id="production_curve"),
]
ALL_CALLS = [
    *READING_CALLS,
    pytest.param(_contract, id="contract"),
    pytest.param(_addresses, id="addresses"),
]


@dataclass
class Env:
    """A simulator on 127.0.0.1 and an HTTP session."""

    sim: Simulator
    running: RunningSimulator
    session: aiohttp.ClientSession

    @property
    def household(self) -> Household:
        """Return the simulated household."""
        return self.sim.household

    @property
    def url(self) -> str:
        """Return the v2 API's base URL on the simulator."""
        return self.running.api_url

    def client(
        self, *, token: str = TOKEN, pdl: str = PDL, timeout: float = 5.0
    ) -> EnedisClient:
        """Return a v2 client."""
        return EnedisClient(
            self.session,
            token=token,
            pdl=pdl,
            gateway=V2,
            url=self.url,
            timeout=timeout,
            user_agent=USER_AGENT,
        )

    def usage(self) -> dict[str, Any]:
        """Return the account's counters as the simulator holds them."""
        return self.sim.med2.usage(datetime.now(UTC))

    async def raw(self, path: str, token: str = TOKEN) -> tuple[int, Any]:
        """Send one GET below the base URL; return the status and the JSON body."""
        headers = {"Authorization": f"Bearer {token}"}
        async with self.session.get(f"{self.url}/{path}", headers=headers) as response:
            return response.status, json.loads(await response.text())


@pytest.fixture
async def env(socket_enabled: None) -> AsyncIterator[Env]:
    """Run the simulator with a solar household and open a client session."""
    sim = Simulator(Household(seed=1, production=True), token=TOKEN, pdls=(PDL,))
    running = await start_simulator(sim)
    session = aiohttp.ClientSession()
    yield Env(sim=sim, running=running, session=session)
    await session.close()
    await running.close()


def _assert_no_token(err: BaseException, token: str = TOKEN) -> None:
    assert token not in str(err)
    assert token not in repr(err)
    assert token not in str(err.args)


def _expected_curve(
    curve: Callable[[date], list[tuple[datetime, int, int]]], start: date, end: date
) -> list[LoadCurvePoint]:
    return [
        LoadCurvePoint(start=begin, minutes=minutes, watts=watts)
        for day in _days(start, end)
        for begin, minutes, watts in curve(day)
    ]


# Data equals the household's.


async def test_contract(env: Env) -> None:
    contract = await env.client().get_contract()
    assert contract.subscribed_power_kva == 9.0
    assert contract.offpeak_hours == "HC (22H00-6H00)"
    assert contract.last_activation_date == date(2015, 3, 2)
    assert contract.distribution_tariff == "BTINFMU4"
    assert contract.status == "SERVC"
    assert contract.meter_type == "AMM"
    assert contract.raw["usage_point_id"] == PDL


async def test_addresses(env: Env) -> None:
    addresses = await env.client().get_addresses()
    assert addresses.raw["city"] == "Lyon"
    assert addresses.raw["postal_code"] == "69003"
    assert addresses == Addresses(raw=addresses.raw)


@pytest.mark.parametrize(
    ("start", "end", "last"),
    [
        (date(2026, 11, 1), YESTERDAY, date(2026, 11, 26)),
        # The end is capped at yesterday and stays exclusive: J-2 is the newest day.
        (date(2026, 11, 1), TODAY, date(2026, 11, 26)),
        (date(2025, 11, 27), YESTERDAY, date(2026, 11, 26)),
        (date(2023, 11, 29), date(2024, 11, 28), date(2024, 11, 27)),
        (date(2026, 3, 20), date(2026, 4, 5), date(2026, 4, 4)),
        (date(2026, 10, 20), date(2026, 11, 1), date(2026, 10, 31)),
    ],
)
async def test_daily_consumption(env: Env, start: date, end: date, last: date) -> None:
    readings = await env.client().get_daily(MeasureType.DAILY_CONSUMPTION, start, end)
    assert readings == [
        DailyReading(day=day, wh=env.household.daily_wh(day))
        for day in _days(start, last + ONE_DAY)
    ]


async def test_daily_consumption_never_serves_yesterday(env: Env) -> None:
    client = env.client()
    with pytest.raises(NoDataError) as excinfo:
        await client.get_daily(MeasureType.DAILY_CONSUMPTION, YESTERDAY, TODAY)
    assert excinfo.type is NoDataError
    # Asked [J-1, J): the gateway caps the end at J-1, moves the start to J-2 and
    # answers J-2, which the client drops as a day nobody asked for.
    assert env.sim.calls[-1].status == "ok"
    assert await client.get_daily(
        MeasureType.DAILY_CONSUMPTION, YESTERDAY - ONE_DAY, YESTERDAY
    ) == [
        DailyReading(
            day=YESTERDAY - ONE_DAY, wh=env.household.daily_wh(YESTERDAY - ONE_DAY)
        )
    ]


async def test_daily_production(env: Env) -> None:
    start = date(2026, 11, 1)
    readings = await env.client().get_daily(MeasureType.DAILY_PRODUCTION, start, TODAY)
    # No cap on production: yesterday comes.
    assert readings == [
        DailyReading(day=day, wh=wh)
        for day in _days(start, TODAY)
        if (wh := env.household.production_daily_wh(day)) is not None
    ]
    assert readings[-1].day == YESTERDAY
    assert all(reading.wh > 0 for reading in readings)


async def test_production_without_panels(env: Env) -> None:
    env.sim.household = Household(seed=1)
    client = env.client()
    with pytest.raises(NoDataError) as daily:
        await client.get_daily(MeasureType.DAILY_PRODUCTION, date(2026, 6, 1), TODAY)
    with pytest.raises(NoDataError) as curve:
        await client.get_load_curve(
            MeasureType.PRODUCTION_LOAD_CURVE, date(2026, 6, 1), date(2026, 6, 8)
        )
    assert daily.type is NoDataError
    assert curve.type is NoDataError


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 11, 21), TODAY, 7 * 48),
        # The autumn day has 50 half-hours, the spring day 46.
        (date(2026, 10, 25), date(2026, 10, 26), 50),
        (date(2026, 3, 29), date(2026, 3, 30), 46),
        (date(2026, 10, 22), date(2026, 10, 29), 7 * 48 + 2),
        (date(2026, 3, 1), date(2026, 5, 1), 61 * 48 - 2),
        (YESTERDAY, TODAY, 48),
    ],
)
async def test_load_curve(env: Env, start: date, end: date, count: int) -> None:
    points = await env.client().get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, start, end
    )
    assert len(points) == count
    assert points == _expected_curve(env.household.curve, start, end)
    # Average W over each interval: Wh = W x minutes / 60, summed per Paris day.
    wh_by_day = Counter[date]()
    for point in points:
        wh_by_day[paris_day(point.start)] += point.wh
    assert wh_by_day == {day: env.household.daily_wh(day) for day in _days(start, end)}


async def test_load_curve_dst_interval_starts(env: Env) -> None:
    points = await env.client().get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 10, 25), date(2026, 10, 26)
    )
    starts = [point.start.astimezone(PARIS) for point in points]
    midnight = datetime(2026, 10, 25, tzinfo=PARIS)
    assert starts[0] == midnight
    # The repeated hour: 02:00 and 02:30 in summer time, then again in winter time.
    assert [start.strftime("%H:%M%z") for start in starts[3:8]] == [
        "01:30+0200",
        "02:00+0200",
        "02:30+0200",
        "02:00+0100",
        "02:30+0100",
    ]
    assert all(
        later.start - earlier.start == timedelta(minutes=30)
        for earlier, later in pairwise(points)
    )
    assert points[-1].end == datetime(2026, 10, 26, tzinfo=PARIS)


async def test_full_depth_load_curve_in_one_call(env: Env) -> None:
    start = TODAY - timedelta(days=729)
    points = await env.client().get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, start, TODAY
    )
    assert points == _expected_curve(env.household.curve, start, TODAY)
    assert [(call.type, call.start, call.end) for call in env.sim.calls] == [
        ("consumption_load_curve", start, YESTERDAY)
    ]


async def test_load_curve_window_longer_than_a_batch(env: Env) -> None:
    with pytest.raises(ValueError, match="729 days"):
        await env.client().get_load_curve(
            MeasureType.CONSUMPTION_LOAD_CURVE, TODAY - timedelta(days=730), TODAY
        )
    assert env.sim.calls == []


async def test_production_load_curve(env: Env) -> None:
    start, end = date(2026, 10, 22), date(2026, 10, 29)
    points = await env.client().get_load_curve(
        MeasureType.PRODUCTION_LOAD_CURVE, start, end
    )
    assert points == _expected_curve(env.household.production_curve, start, end)


async def test_max_power(env: Env) -> None:
    start = date(2026, 10, 20)
    readings = await env.client().get_max_power(start, TODAY)
    expected = []
    for day in _days(start, TODAY):
        va, at = env.household.max_power(day)
        expected.append(MaxPowerReading(day=day, va=va, at=at))
    assert readings == expected
    assert readings[-1].day == YESTERDAY


# The account: its PDLs and its counters.


async def test_list_pdls(env: Env) -> None:
    env.sim.pdls = (PDL, OTHER_PDL)
    pdls = await env.client(pdl="").list_pdls()
    assert pdls == [
        AccountPdl(usage_point_id=PDL, name="Linky 1", has_production=True),
        AccountPdl(usage_point_id=OTHER_PDL, name="Linky 2", has_production=True),
    ]
    assert [(call.type, call.status) for call in env.sim.calls] == [("pdl", "ok")]
    assert env.usage()["no_cache_requests"] == 0


async def test_usage_stats(env: Env) -> None:
    client = env.client()
    await _daily(client)
    await _max_power(client)
    await _curve(client)
    # All the days of this window are in the cache now: not counted.
    await _curve(client)
    stats = await client.usage_stats()
    assert stats == UsageStats(
        day=TODAY, cached=1, cached_limit=1000, no_cache=2, no_cache_limit=50
    )
    assert [call.status for call in env.sim.calls] == ["ok"] * 5


@pytest.mark.parametrize("method", ["list_pdls", "usage_stats"])
async def test_account_calls_need_the_v2_api(socket_enabled: None, method: str) -> None:
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL)
        with pytest.raises(ValueError, match="myelectricaldata_v2"):
            await getattr(client, method)()


@pytest.mark.parametrize("method", ["list_pdls", "usage_stats"])
async def test_account_calls_wrong_token(env: Env, method: str) -> None:
    with pytest.raises(AuthError) as excinfo:
        await getattr(env.client(token="WRONG-TOKEN-9876543210"), method)()
    assert excinfo.type is AuthError
    assert env.sim.calls[-1].status == "error:401"


# Quota: two counters per account and UTC day.


async def test_no_cache_quota(env: Env) -> None:
    env.sim.no_cache_limit = 3
    client = env.client()
    for call in (_daily, _max_power, _contract):
        assert await call(client)
    with pytest.raises(QuotaError) as excinfo:
        await _daily(client)
    assert excinfo.type is QuotaError
    assert "RATE_LIMIT_EXCEEDED" in str(excinfo.value)
    _assert_no_token(excinfo.value)
    # The batch endpoints count in the other bucket.
    assert await _curve(client)
    assert env.usage() | {"date": ""} == {
        "cached_requests": 1,
        "no_cache_requests": 3,
        "cached_limit": 1000,
        "no_cache_limit": 3,
        "date": "",
    }
    assert [call.status for call in env.sim.calls] == ["ok"] * 3 + ["quota", "ok"]


async def test_quota_resets_at_utc_midnight(
    env: Env, freezer: TickingDateTimeFactory
) -> None:
    env.sim.no_cache_limit = 2
    client = env.client()
    freezer.move_to("2026-11-28 23:30:00+01:00")
    for _ in range(2):
        assert await client.get_contract()
    # Already the 29th in Paris, still the 28th in UTC: the same day for the gateway.
    freezer.move_to("2026-11-29 00:30:00+01:00")
    with pytest.raises(QuotaError):
        await client.get_contract()
    freezer.move_to("2026-11-29 01:00:30+01:00")
    assert await client.get_contract()
    assert (await client.usage_stats()).day == date(2026, 11, 29)


async def test_cached_quota_serves_what_is_cached(env: Env) -> None:
    env.sim.cached_limit = 1
    client = env.client()
    start = date(2026, 11, 21)
    await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, start, start + 2 * ONE_DAY
    )
    # Over the limit, a batch still answers the days it holds: PARTIAL_DATA.
    points = await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, start, TODAY
    )
    assert {paris_day(point.start) for point in points} == {start, start + ONE_DAY}
    assert env.sim.calls[-1].status == "partial"
    with pytest.raises(QuotaError):
        await client.get_load_curve(
            MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 10, 1), date(2026, 10, 8)
        )


async def test_batch_counts_only_enedis_fetches(
    env: Env, freezer: TickingDateTimeFactory
) -> None:
    env.sim.holes = {date(2026, 11, 24)}
    client = env.client()
    for _ in range(3):
        await _curve(client)
    # A hole is never cached: every call asks Enedis for it again.
    assert env.usage()["cached_requests"] == 3
    env.sim.holes = set()
    await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 11, 21), date(2026, 11, 24)
    )
    assert env.usage()["cached_requests"] == 3
    # The cache keeps a day 24 hours.
    freezer.move_to("2026-11-29 10:00:30+01:00")
    await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 11, 21), date(2026, 11, 24)
    )
    assert env.usage()["cached_requests"] == 1


# Faults, as the v2 API answers them.

FAULTS = [
    (Fault.UNAUTHORIZED, AuthError),
    (Fault.QUOTA, QuotaError),
    (Fault.SERVER_ERROR, GatewayError),
    (Fault.BAD_GATEWAY_HTML, GatewayError),
    (Fault.TRUNCATED_JSON, GatewayError),
]


@pytest.mark.parametrize("call", ALL_CALLS)
@pytest.mark.parametrize(("fault", "error"), FAULTS)
async def test_fault_maps_to_error(
    env: Env, call: ClientCall, fault: Fault, error: type[EnedisError]
) -> None:
    client = env.client()
    env.sim.inject(fault)
    with pytest.raises(error) as excinfo:
        await call(client)
    assert excinfo.type is error
    _assert_no_token(excinfo.value)
    assert env.sim.calls[-1].status == f"fault:{fault}"
    await call(client)
    assert env.sim.calls[-1].status == "ok"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(_daily, AuthError, id="daily"),
        # The batch endpoints swallow what Enedis answers: NO_DATA.
        pytest.param(_curve, NoDataError, id="curve"),
        pytest.param(_max_power, AuthError, id="max_power"),
        pytest.param(_production, AuthError, id="production"),
        pytest.param(_production_curve, NoDataError, id="production_curve"),
        pytest.param(_contract, AuthError, id="contract"),
        pytest.param(_addresses, AuthError, id="addresses"),
    ],
)
async def test_consent_expired(
    env: Env, call: ClientCall, error: type[EnedisError]
) -> None:
    env.sim.inject(Fault.CONSENT_EXPIRED)
    with pytest.raises(error) as excinfo:
        await call(env.client())
    assert excinfo.type is error


@pytest.mark.parametrize("call", READING_CALLS)
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.NO_DATA, NoDataError),
        (Fault.MISSING_KEYS, GatewayError),
        (Fault.NOT_NUMBERS, GatewayError),
        (Fault.EMPTY_READINGS, NoDataError),
    ],
)
async def test_reading_fault_maps_to_error(
    env: Env, call: ClientCall, fault: Fault, error: type[EnedisError]
) -> None:
    client = env.client()
    env.sim.inject(fault)
    with pytest.raises(error) as excinfo:
        await call(client)
    assert excinfo.type is error
    assert await call(client)


@pytest.mark.parametrize("call", [_contract, _addresses])
@pytest.mark.parametrize("fault", [Fault.MISSING_KEYS, Fault.EMPTY_READINGS])
async def test_info_fault_is_a_gateway_error(
    env: Env, call: ClientCall, fault: Fault
) -> None:
    env.sim.inject(fault)
    with pytest.raises(GatewayError):
        await call(env.client())


@pytest.mark.parametrize("call", READING_CALLS)
async def test_hostile_readings(env: Env, call: ClientCall) -> None:
    client = env.client()
    expected = await call(client)
    for fault in (Fault.OUT_OF_WINDOW_DAYS, Fault.REVERSED_ORDER):
        env.sim.inject(fault)
        assert await call(client) == expected
    env.sim.inject(Fault.ABSURD_VALUE)
    with pytest.raises(GatewayError, match="value out of physical bounds"):
        await call(client)


async def test_timeout(env: Env) -> None:
    env.sim.timeout_delay = 2
    env.sim.inject(Fault.TIMEOUT)
    client = env.client(timeout=0.5)
    with pytest.raises(GatewayError) as excinfo:
        await _curve(client)
    assert "Timeout" in str(excinfo.value)
    assert await _curve(client)
    assert [call.status for call in env.sim.calls] == ["fault:timeout", "ok"]


# End of history, activation, holes, publication.


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        # DATE_TOO_OLD: the daily endpoint checks 3 years itself.
        (MeasureType.DAILY_CONSUMPTION, date(2023, 11, 27), date(2024, 1, 1)),
        # ENEDIS_ERROR with Enedis's ADAM-DC-0016: no check of its own.
        (
            MeasureType.DAILY_CONSUMPTION_MAX_POWER,
            date(2023, 11, 27),
            date(2023, 12, 4),
        ),
        (MeasureType.DAILY_PRODUCTION, date(2020, 1, 1), date(2020, 12, 1)),
        # INVALID_DATE_RANGE: a batch window wholly before the 2 years it caps at.
        (MeasureType.CONSUMPTION_LOAD_CURVE, date(2024, 1, 1), date(2024, 1, 8)),
    ],
)
async def test_end_of_history(
    env: Env, kind: MeasureType, start: date, end: date
) -> None:
    with pytest.raises(EndOfHistoryError) as excinfo:
        await _fetch(env.client(), kind, start, end)
    _assert_no_token(excinfo.value)


async def test_batch_caps_at_two_years(env: Env) -> None:
    points = await env.client().get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, date(2024, 11, 20), date(2024, 12, 1)
    )
    assert {paris_day(point.start) for point in points} == set(
        _days(date(2024, 11, 28), date(2024, 12, 1))
    )


async def _fetch(
    client: EnedisClient, kind: MeasureType, start: date, end: date
) -> list[Any]:
    if kind.is_load_curve:
        return await client.get_load_curve(kind, start, end)
    if kind is MeasureType.DAILY_CONSUMPTION_MAX_POWER:
        return await client.get_max_power(start, end)
    return await client.get_daily(kind, start, end)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        # The daily endpoint finds no readings in Enedis's ADAM-ERR0123.
        (MeasureType.DAILY_CONSUMPTION, NoDataError),
        # Max power hands ADAM-ERR0123 back as the data of a success.
        (MeasureType.DAILY_CONSUMPTION_MAX_POWER, EndOfHistoryError),
        # The batch has nothing for the days before: NO_DATA.
        (MeasureType.CONSUMPTION_LOAD_CURVE, NoDataError),
    ],
)
async def test_before_activation(
    env: Env, kind: MeasureType, error: type[EnedisError]
) -> None:
    env.sim.activation = date(2025, 6, 2)
    client = env.client()
    with pytest.raises(error) as excinfo:
        await _fetch(client, kind, date(2025, 5, 20), date(2025, 5, 27))
    assert excinfo.type is error
    readings = await _fetch(client, kind, date(2025, 6, 2), date(2025, 6, 6))
    assert readings


async def test_batch_partly_before_activation(env: Env) -> None:
    env.sim.activation = date(2025, 6, 2)
    points = await env.client().get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, date(2025, 5, 30), date(2025, 6, 4)
    )
    assert {paris_day(point.start) for point in points} == {
        date(2025, 6, 2),
        date(2025, 6, 3),
    }
    assert env.sim.calls[-1].status == "partial"


@pytest.mark.parametrize("kind", list(MeasureType))
async def test_hole(env: Env, kind: MeasureType) -> None:
    hole = date(2026, 11, 24)
    env.sim.holes = {hole}
    client = env.client()
    readings = await _fetch(client, kind, date(2026, 11, 21), date(2026, 11, 27))
    assert {_day_of(reading) for reading in readings} == set(
        _days(date(2026, 11, 21), date(2026, 11, 27))
    ) - {hole}
    with pytest.raises(NoDataError) as excinfo:
        await _fetch(client, kind, hole, hole + ONE_DAY)
    assert excinfo.type is NoDataError


def _day_of(reading: DailyReading | LoadCurvePoint | MaxPowerReading) -> date:
    if isinstance(reading, LoadCurvePoint):
        return paris_day(reading.start)
    return reading.day


async def test_publication_hour(env: Env, freezer: TickingDateTimeFactory) -> None:
    client = env.client()
    freezer.move_to("2026-11-28 07:59:00+01:00")
    with pytest.raises(NoDataError):
        await client.get_load_curve(
            MeasureType.CONSUMPTION_LOAD_CURVE, YESTERDAY, TODAY
        )
    freezer.move_to("2026-11-28 08:00:30+01:00")
    points = await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, YESTERDAY, TODAY
    )
    assert points == _expected_curve(env.household.curve, YESTERDAY, TODAY)


# PDL and token.


@pytest.mark.parametrize("call", ALL_CALLS)
async def test_pdl_not_in_the_account(env: Env, call: ClientCall) -> None:
    with pytest.raises(InvalidPdlError) as excinfo:
        await call(env.client(pdl=OTHER_PDL))
    assert "ACCESS_DENIED" in str(excinfo.value)
    assert env.sim.calls[-1].status == "error:ACCESS_DENIED"
    assert env.usage()["no_cache_requests"] == 0


async def test_malformed_pdl_spares_a_call(env: Env) -> None:
    with pytest.raises(InvalidPdlError):
        await _daily(env.client(pdl="1234 5678 9012"))
    assert env.sim.calls == []


@pytest.mark.parametrize("call", ALL_CALLS)
async def test_wrong_token(env: Env, call: ClientCall) -> None:
    token = "WRONG-TOKEN-9876543210"
    with pytest.raises(AuthError) as excinfo:
        await call(env.client(token=token))
    assert excinfo.type is AuthError
    assert "Invalid authentication credentials" in str(excinfo.value)
    _assert_no_token(excinfo.value, token)


@pytest.mark.parametrize("call", ALL_CALLS)
async def test_token_echo_is_redacted(
    env: Env, call: ClientCall, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    env.sim.inject(Fault.TOKEN_ECHO)
    with pytest.raises(GatewayError) as excinfo:
        await call(env.client())
    assert env.sim.calls[-1].status == "fault:token_echo"
    for text in (str(excinfo.value), repr(excinfo.value), caplog.text):
        assert TOKEN.lower() not in text.lower()
        assert TOKEN[:10].lower() not in text.lower()
    assert MARKER in str(excinfo.value)
    assert "refused upstream" in str(excinfo.value)


# The wire, read raw.


async def test_wire_batch_dst_days(env: Env) -> None:
    status, body = await env.raw(
        f"enedis/consumption/detail/batch/{PDL}?start=2026-10-25&end=2026-10-25"
    )
    assert status == 200
    assert body["success"] is True
    assert body["error"] is None
    readings = body["data"]["meter_reading"]["interval_reading"]
    # A single day is widened to the day before; stamps moved to the interval start
    # on the wall clock, then sorted as text: the repeated hour's copies side by side.
    stamps = [item["date"] for item in readings if item["date"] >= "2026-10-25"]
    assert len(readings) == 48 + 50
    assert stamps[:8] == [
        "2026-10-25 00:00:00",
        "2026-10-25 00:30:00",
        "2026-10-25 01:00:00",
        "2026-10-25 01:30:00",
        "2026-10-25 01:30:00",
        "2026-10-25 02:00:00",
        "2026-10-25 02:00:00",
        "2026-10-25 02:30:00",
    ]
    assert stamps[-1] == "2026-10-25 23:30:00"
    status, body = await env.raw(
        f"enedis/consumption/detail/batch/{PDL}?start=2026-03-28&end=2026-03-29"
    )
    spring = [
        item["date"]
        for item in body["data"]["meter_reading"]["interval_reading"]
        if item["date"] >= "2026-03-29"
    ]
    # 46 half-hours; the one starting at 01:30 (winter time) reads 02:30, a wall-clock
    # time that never existed that day.
    assert len(spring) == 46
    assert spring[3] == "2026-03-29 02:30:00"


async def test_wire_daily(env: Env) -> None:
    status, body = await env.raw(
        f"enedis/consumption/daily/{PDL}?start=2026-11-20&end=2026-11-22"
    )
    assert status == 200
    assert body["data"] == {
        "meter_reading": {
            "interval_reading": [
                {
                    "value": str(env.household.daily_wh(day)),
                    "date": day.isoformat(),
                }
                for day in (date(2026, 11, 20), date(2026, 11, 21))
            ],
            "reading_type": {
                "measurement_kind": "energy",
                "measuring_period": "P1D",
                "unit": "Wh",
                "aggregate": "sum",
            },
        }
    }
    assert datetime.fromisoformat(body["timestamp"]).tzinfo is None


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (f"enedis/power/{PDL}?start=2026-11-20", 422, "detail"),
        (f"enedis/power/{PDL}?start=2026-11-20&end=x", 500, "error"),
        (f"enedis/contract/{PDL}?use_cache=maybe", 422, "detail"),
        ("pdl/", 404, "detail"),
        (f"enedis/consumption/detail/{PDL}", 404, "detail"),
    ],
)
async def test_wire_errors(env: Env, path: str, status: int, body: str) -> None:
    answer_status, answer = await env.raw(path)
    assert answer_status == status
    assert body in answer


async def test_wire_quota(env: Env) -> None:
    env.sim.no_cache_limit = 0
    status, body = await env.raw(f"enedis/contract/{PDL}")
    assert status == 200
    assert body["success"] is False
    assert body["error"] == {
        "code": "RATE_LIMIT_EXCEEDED",
        "message": "Daily rate limit exceeded (0/0). Use cache to increase limit.",
    }


async def test_wire_unauthorized(env: Env) -> None:
    status, body = await env.raw("pdl", token="nope")
    assert (status, body) == (401, {"detail": "Invalid authentication credentials"})
    async with env.session.get(f"{env.url}/pdl") as response:
        assert response.status == 401
        assert await response.json() == {"detail": "Not authenticated"}


async def test_call_log(env: Env) -> None:
    client = env.client()
    await _daily(client)
    await _curve(client)
    await client.get_contract()
    await client.list_pdls()
    await client.usage_stats()
    assert [
        (call.protocol, call.type, call.pdl, call.start, call.end, call.status)
        for call in env.sim.calls
    ] == [
        (V2, "daily_consumption", PDL, date(2026, 11, 20), YESTERDAY, "ok"),
        # The batch's inclusive end, as sent.
        (V2, "consumption_load_curve", PDL, date(2026, 11, 21), YESTERDAY, "ok"),
        (V2, "contracts", PDL, None, None, "ok"),
        (V2, "pdl", "", None, None, "ok"),
        (V2, "usage_stats", "", None, None, "ok"),
    ]
    assert env.sim.calls_on(TODAY) == 5
    env.sim.reset_quota()
    assert env.usage()["no_cache_requests"] == 0


# What goes over the wire, and what comes back from a broken gateway.


@dataclass
class FakeGateway:
    """A programmable HTTP server recording what it receives."""

    url: str
    reply: tuple[int, str] = (200, "{}")
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


@pytest.fixture
async def fake(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """Run a programmable gateway on 127.0.0.1."""
    gateway = FakeGateway(url="")

    async def handle(request: web.Request) -> web.Response:
        gateway.requests.append(
            (request.method, request.path_qs, dict(request.headers))
        )
        status, body = gateway.reply
        return web.Response(
            status=status, body=body.encode(), content_type="application/json"
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    gateway.url = f"http://127.0.0.1:{runner.addresses[0][1]}/api"
    yield gateway
    await runner.cleanup()


def _envelope(data: Any = None, code: str | None = None, message: str = "") -> str:
    error = None if code is None else {"code": code, "message": message}
    return json.dumps(
        {
            "success": code is None or code == "PARTIAL_DATA",
            "data": data,
            "error": error,
            "timestamp": "2026-11-28T09:00:00.123456",
        }
    )


async def test_requests(fake: FakeGateway) -> None:
    fake.reply = (200, _envelope({"meter_reading": {"interval_reading": []}}))
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(
            session,
            token=TOKEN,
            pdl=PDL,
            gateway=V2,
            url=fake.url + "/",
            user_agent=USER_AGENT,
        )
        start, end = date(2026, 11, 20), TODAY
        for kind in MeasureType:
            with pytest.raises(NoDataError):
                await _fetch(client, kind, start, end)
        for call in (_contract, _addresses):
            with pytest.raises(GatewayError):
                await call(client)
        for method in (client.list_pdls, client.usage_stats):
            with pytest.raises(GatewayError):
                await method()
    dates = "start=2026-11-20&end=2026-11-28&use_cache=false"
    batch = "start=2026-11-20&end=2026-11-27&use_cache=true"
    assert [(method, path) for method, path, _ in fake.requests] == [
        ("GET", f"/api/enedis/consumption/daily/{PDL}?{dates}"),
        ("GET", f"/api/enedis/consumption/detail/batch/{PDL}?{batch}"),
        ("GET", f"/api/enedis/power/{PDL}?{dates}"),
        ("GET", f"/api/enedis/production/daily/{PDL}?{dates}"),
        ("GET", f"/api/enedis/production/detail/batch/{PDL}?{batch}"),
        ("GET", f"/api/enedis/contract/{PDL}?use_cache=false"),
        ("GET", f"/api/enedis/address/{PDL}?use_cache=false"),
        ("GET", "/api/pdl"),
        ("GET", "/api/accounts/usage-stats"),
    ]
    headers = fake.requests[0][2]
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["User-Agent"] == USER_AGENT


CONSENT = "ADAM-DC-0008: No consent can be found for this customer and this usage point"


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, _envelope(code="RATE_LIMIT_EXCEEDED", message="(50/50)"), QuotaError),
        (200, _envelope(code="ACCESS_DENIED", message="Accès refusé"), InvalidPdlError),
        (
            200,
            _envelope(code="ENEDIS_UNAVAILABLE", message="indisponible"),
            GatewayError,
        ),
        (
            200,
            _envelope(code="ENEDIS_ERROR", message="Failed to fetch: no_data_found: x"),
            NoDataError,
        ),
        (200, _envelope(code="ENEDIS_ERROR", message=CONSENT), AuthError),
        (
            200,
            _envelope(code="ENEDIS_ERROR", message="ADAM-DC-0016: history deadline"),
            EndOfHistoryError,
        ),
        (
            200,
            _envelope(code="ENEDIS_ERROR", message="Server error '502 Bad Gateway'"),
            GatewayError,
        ),
        (200, _envelope(code="NO_DATA", message="No consumption data"), NoDataError),
        (200, _envelope(code="DATE_TOO_OLD", message="too old"), EndOfHistoryError),
        (200, _envelope(code="INVALID_DATE_RANGE", message="x"), EndOfHistoryError),
        (200, _envelope(code="INVALID_DATE_FORMAT", message="x"), GatewayError),
        (200, _envelope(code="SOMETHING_NEW"), GatewayError),
        (200, json.dumps({"success": False, "data": None}), GatewayError),
        (
            200,
            _envelope({"error": "ADAM-ERR0123", "error_description": "activation"}),
            EndOfHistoryError,
        ),
        (200, _envelope({"error": "no_data_found"}), NoDataError),
        (200, _envelope(None), GatewayError),
        (200, _envelope({"meter_reading": {}}), GatewayError),
        (200, json.dumps({"detail": "Not Found"}), GatewayError),
        (200, json.dumps({"success": "yes", "data": {}}), GatewayError),
        (200, json.dumps({"meter_reading": {"interval_reading": []}}), GatewayError),
        (200, "", GatewayError),
        (200, "<html>Maintenance</html>", GatewayError),
        (200, "[1, 2]", GatewayError),
        (200, '{"success": true, "data": {"meter', GatewayError),
        (401, '{"detail": "Not authenticated"}', AuthError),
        (401, '{"detail": "Invalid authentication credentials"}', AuthError),
        (403, '{"detail": "Email not verified."}', AuthError),
        (404, '{"detail": "Not Found"}', GatewayError),
        (422, '{"detail": [{"loc": ["query", "start"], "msg": "bad"}]}', GatewayError),
        (429, '{"detail": "Rate limit exceeded: 50/50 requests today"}', QuotaError),
        (
            500,
            _envelope(code="INTERNAL_ERROR", message="An internal error"),
            GatewayError,
        ),
        (502, "<html>Bad Gateway</html>", GatewayError),
        (503, "", GatewayError),
    ],
)
async def test_broken_gateway_replies(
    fake: FakeGateway, status: int, body: str, error: type[EnedisError]
) -> None:
    fake.reply = (status, body)
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, gateway=V2, url=fake.url)
        with pytest.raises(error) as excinfo:
            await client.get_max_power(date(2026, 11, 20), TODAY)
    assert excinfo.type is error


async def test_partial_data_is_data(
    fake: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    readings = [{"value": "1000", "date": "2026-11-26"}]
    fake.reply = (
        200,
        _envelope(
            {"meter_reading": {"interval_reading": readings}},
            code="PARTIAL_DATA",
            message=f"Rate limit exceeded for {TOKEN}",
        ),
    )
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, gateway=V2, url=fake.url)
        assert await client.get_daily(
            MeasureType.DAILY_PRODUCTION, date(2026, 11, 20), TODAY
        ) == [DailyReading(day=date(2026, 11, 26), wh=1000)]
    assert "Gateway warned PARTIAL_DATA" in caplog.text
    assert TOKEN not in caplog.text


async def test_stamps_the_gateway_did_not_move(fake: FakeGateway) -> None:
    # The gateway moves only the stamps that carry an interval_length.
    readings = [
        {"date": "2026-11-21 00:00:00", "value": "100", "interval_length": "PT30M"},
        {"date": "2026-11-21 01:00:00", "value": "200"},
        {"date": "2026-11-21T01:00:00", "value": "300", "interval_length": "PT60M"},
    ]
    fake.reply = (200, _envelope({"meter_reading": {"interval_reading": readings}}))
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, gateway=V2, url=fake.url)
        points = await _curve(client)
    assert points == [
        LoadCurvePoint(
            start=datetime(2026, 11, 21, 0, 0, tzinfo=PARIS), minutes=30, watts=100
        ),
        LoadCurvePoint(
            start=datetime(2026, 11, 21, 0, 30, tzinfo=PARIS), minutes=30, watts=200
        ),
        LoadCurvePoint(
            start=datetime(2026, 11, 21, 1, 0, tzinfo=PARIS), minutes=60, watts=300
        ),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"pdls": []},
        [{"name": "no id"}],
        ["12345678901234"],
    ],
)
async def test_malformed_pdl_list(fake: FakeGateway, data: Any) -> None:
    fake.reply = (200, _envelope(data))
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl="", gateway=V2, url=fake.url)
        with pytest.raises(GatewayError, match="PDL list"):
            await client.list_pdls()


async def test_pdl_list_fields(fake: FakeGateway) -> None:
    fake.reply = (
        200,
        _envelope(
            [
                {"usage_point_id": PDL, "name": "  ", "is_active": False},
                {"usage_point_id": OTHER_PDL, "name": "Atelier", "has_production": 1},
            ]
        ),
    )
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl="", gateway=V2, url=fake.url)
        assert await client.list_pdls() == [
            AccountPdl(usage_point_id=PDL, name=None, is_active=False),
            AccountPdl(usage_point_id=OTHER_PDL, name="Atelier"),
        ]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"cached_requests": 1},
        {
            "cached_requests": -1,
            "no_cache_requests": 0,
            "cached_limit": 1000,
            "no_cache_limit": 50,
            "date": "2026-11-28",
        },
        {
            "cached_requests": 1,
            "no_cache_requests": True,
            "cached_limit": 1000,
            "no_cache_limit": 50,
            "date": "2026-11-28",
        },
        {
            "cached_requests": 1,
            "no_cache_requests": 0,
            "cached_limit": 1000,
            "no_cache_limit": 50,
            "date": "today",
        },
    ],
)
async def test_malformed_usage_stats(fake: FakeGateway, data: Any) -> None:
    fake.reply = (200, _envelope(data))
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl="", gateway=V2, url=fake.url)
        with pytest.raises(GatewayError, match="usage stats"):
            await client.usage_stats()


@pytest.mark.parametrize(
    "echo",
    [TOKEN, TOKEN.lower(), TOKEN[:8], TOKEN[-9:], f"Bearer {TOKEN}"],
)
@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, "ENEDIS_ERROR"),
        (401, "detail"),
        (422, "list"),
        (500, "INTERNAL_ERROR"),
    ],
)
async def test_token_fragments_echoed_are_redacted(
    fake: FakeGateway, echo: str, status: int, body: str
) -> None:
    text = f"token {echo} is unknown, {echo}!"
    replies = {
        "ENEDIS_ERROR": _envelope(code="ENEDIS_ERROR", message=text),
        "INTERNAL_ERROR": _envelope(code="INTERNAL_ERROR", message=text),
        "detail": json.dumps({"detail": text}),
        "list": json.dumps({"detail": [{"msg": text}]}),
    }
    fake.reply = (status, replies[body])
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, gateway=V2, url=fake.url)
        with pytest.raises(EnedisError) as excinfo:
            await client.get_contract()
    assert echo.removeprefix("Bearer ") not in str(excinfo.value)
    assert str(excinfo.value).count(MARKER) == 2


async def test_defaults() -> None:
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, gateway=V2)
        assert client.url == "https://www.v2.myelectricaldata.fr/api"
        assert client.gateway is V2


# The whole history: calls from nothing to every reachable day, per protocol.

ALL_KINDS = tuple(MeasureType)
CONSUMPTION_KINDS = (
    MeasureType.DAILY_CONSUMPTION,
    MeasureType.CONSUMPTION_LOAD_CURVE,
    MeasureType.DAILY_CONSUMPTION_MAX_POWER,
)


async def _merge(client: EnedisClient, history: History, request: Request) -> None:
    """Make one call and merge its answer, as the coordinator does."""
    kind = request.kind
    if kind is Resource.CONTRACT:
        history.set_contract(await client.get_contract())
        return
    kind = MeasureType(kind)
    assert request.start is not None
    assert request.end is not None
    if kind.is_load_curve:
        history.merge_curve(
            kind, await client.get_load_curve(kind, request.start, request.end)
        )
    elif kind is MeasureType.DAILY_CONSUMPTION_MAX_POWER:
        history.merge_max_power(await client.get_max_power(request.start, request.end))
    else:
        history.merge_daily(
            kind, await client.get_daily(kind, request.start, request.end)
        )


# The v2 API's counters after it: (UTC day, cache flag) -> calls.
COUNTS: dict[tuple[Gateway, bool], dict[tuple[date, bool], int]] = {
    (Gateway.MYELECTRICALDATA, False): {},
    (Gateway.ENEDIS_GATEWAY, False): {},
    (Gateway.MYELECTRICALDATA, True): {},
    (Gateway.ENEDIS_GATEWAY, True): {},
    (V2, False): {(TODAY, False): 7, (TODAY, True): 2},
    (V2, True): {(TODAY, False): 10, (TODAY, True): 4},
}


@pytest.mark.parametrize(
    ("protocol", "production", "calls"),
    [
        # 1 contract + 3 daily + 105 curve (7 days) + 3 max power [+ 3 + 105].
        (Gateway.MYELECTRICALDATA, False, 112),
        (Gateway.ENEDIS_GATEWAY, False, 112),
        (Gateway.MYELECTRICALDATA, True, 220),
        (Gateway.ENEDIS_GATEWAY, True, 220),
        # 1 contract + 3 daily + 2 curve (729 days + the 730th) + 3 max power [+ 3 + 2].
        (V2, False, 9),
        (V2, True, 14),
    ],
)
async def test_calls_to_the_full_history(
    socket_enabled: None, protocol: Gateway, production: bool, calls: int
) -> None:
    sim = Simulator(
        Household(seed=1, production=production),
        token=TOKEN,
        pdls=(PDL,),
        daily_limit=1000,
    )
    running = await start_simulator(sim)
    kinds = ALL_KINDS if production else CONSUMPTION_KINDS
    url = running.base_url if protocol is Gateway.MYELECTRICALDATA else running.api_url
    history, fetch = History(), FetchState()
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, gateway=protocol, url=url)
        now = datetime.now(UTC)
        requests = plan(
            history,
            fetch,
            kinds=kinds,
            addresses=False,
            now=now,
            budget=1000,
            gateway=protocol,
        )
        for request in requests:
            await _merge(client, history, request)
    await running.close()
    assert len(requests) == len(sim.calls) == calls
    assert {call.status for call in sim.calls} == {"ok"}
    # Every reachable day stored: nothing left to ask for.
    assert all(
        missing_days(history, fetch, kind, TODAY, protocol) == [] for kind in kinds
    )
    assert min(history.consumption.curve) == TODAY - timedelta(days=730)
    assert max(history.consumption.curve) == YESTERDAY
    # The new API's whole history fits in one day of its default limits.
    assert sim.med2.counts == COUNTS[protocol, production]


# Tempo colours: the public /tempo/days route, uncounted.


async def test_tempo(env: Env) -> None:
    """Every published day, bounds included; no token, the account's counters unmoved."""
    client = env.client(token="not-the-secret")
    start, end = date(2026, 9, 1), TODAY + ONE_DAY
    colours = await client.get_tempo(start, end)
    assert colours == {
        day: TempoColor(tempo_color(day)) for day in _days(start, TODAY + ONE_DAY)
    }
    call = env.sim.tempo_calls[-1]
    assert (call.protocol, call.type, call.status) == (V2, "tempo", "ok")
    # One day earlier: the server may leave the first day out (GATEWAYS.md B2).
    assert (call.start, call.end) == (start - ONE_DAY, end)
    assert env.usage()["no_cache_requests"] == 0


async def test_tempo_requests(fake: FakeGateway) -> None:
    """The query's bounds, no Authorization, a day out of the window dropped."""
    days = [
        {"date": "2026-10-31", "color": "RED"},
        {"date": "2026-11-01", "color": "BLUE"},
        {"date": "2026-11-29", "color": "UNKNOWN"},
    ]
    fake.reply = (200, _envelope(days))
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(
            session,
            token=TOKEN,
            pdl=PDL,
            gateway=V2,
            url=fake.url,
            user_agent=USER_AGENT,
        )
        colours = await client.get_tempo(date(2026, 11, 1), date(2026, 11, 29))
    assert colours == {date(2026, 11, 1): TempoColor.BLUE}
    query = "start_date=2026-10-31&end_date=2026-11-29"
    assert [(method, path) for method, path, _ in fake.requests] == [
        ("GET", f"/api/tempo/days?{query}")
    ]
    assert "Authorization" not in fake.requests[0][2]
    assert fake.requests[0][2]["User-Agent"] == USER_AGENT


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            200,
            _envelope(code="INVALID_DATE", message="Invalid date format"),
            GatewayError,
        ),
        (200, _envelope({"color": "BLUE"}), GatewayError),
        (200, _envelope(["BLUE"]), GatewayError),
        (200, _envelope([{"date": "01/11/2026", "color": "BLUE"}]), GatewayError),
        (200, "<html>Maintenance</html>", GatewayError),
        (401, '{"detail": "Not authenticated"}', AuthError),
        (
            500,
            _envelope(code="INTERNAL_ERROR", message="An internal error"),
            GatewayError,
        ),
        (503, "", GatewayError),
    ],
)
async def test_tempo_broken_replies(
    fake: FakeGateway, status: int, body: str, error: type[EnedisError]
) -> None:
    """A broken Tempo reply is one of the client's errors."""
    fake.reply = (status, body)
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, gateway=V2, url=fake.url)
        with pytest.raises(error) as excinfo:
            await client.get_tempo(date(2026, 11, 1), TODAY)
    assert excinfo.type is error
