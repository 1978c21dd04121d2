"""The real gateway client against the real simulator over HTTP, in both protocols."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from freezegun.api import TickingDateTimeFactory
import pytest

from custom_components.enedis_gateway.linky.client import EnedisClient, tempo_base_url
from custom_components.enedis_gateway.linky.exceptions import (
    AuthError,
    EndOfHistoryError,
    EnedisError,
    GatewayError,
    InvalidPdlError,
    NoDataError,
    QuotaError,
)
from custom_components.enedis_gateway.linky.models import (
    Addresses,
    DailyReading,
    Gateway,
    LoadCurvePoint,
    MaxPowerReading,
    MeasureType,
)
from custom_components.enedis_gateway.linky.redact import MARKER, redact
from custom_components.enedis_gateway.linky.tempo import TempoColor
from simulator import Fault, Household, Simulator
from simulator.tempo import tempo_color
from simulator.testing import RunningSimulator, start_simulator

PARIS = ZoneInfo("Europe/Paris")
PDL = "12345678901234"
TOKEN = "SIM-TOKEN-0123456789"
TODAY = date(2026, 11, 28)
USER_AGENT = "HomeAssistant-enedis_gateway/1.2.3"

# Time ticks from the frozen instant: a fully frozen clock also freezes the event
# loop, and then no timeout (client or TIMEOUT fault) would ever fire.
pytestmark = pytest.mark.freeze_time("2026-11-28 10:00:00+01:00", tick=True)

type Call = Callable[[EnedisClient], Awaitable[object]]
# The MyElectricalData v2 API has its own envelope and paths: tests/test_client_med2.py.
ORIGINAL_PROTOCOLS = (Gateway.MYELECTRICALDATA, Gateway.ENEDIS_GATEWAY)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


async def _daily(client: EnedisClient) -> object:
    return await client.get_daily(
        MeasureType.DAILY_CONSUMPTION, date(2026, 11, 20), TODAY
    )


async def _curve(client: EnedisClient) -> object:
    return await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 11, 21), TODAY
    )


async def _max_power(client: EnedisClient) -> object:
    return await client.get_max_power(date(2026, 11, 20), TODAY)


async def _contract(client: EnedisClient) -> object:
    return await client.get_contract()


async def _addresses(client: EnedisClient) -> object:
    return await client.get_addresses()


READING_CALLS = [
    pytest.param(_daily, id="daily"),
    pytest.param(_curve, id="curve"),
    pytest.param(_max_power, id="max_power"),
]
ALL_CALLS = [
    *READING_CALLS,
    pytest.param(_contract, id="contract"),
    pytest.param(_addresses, id="addresses"),
]


@dataclass
class Env:
    """A simulator on 127.0.0.1, an HTTP session and the protocol under test."""

    sim: Simulator
    running: RunningSimulator
    session: aiohttp.ClientSession
    protocol: Gateway

    @property
    def household(self) -> Household:
        """Return the simulated household."""
        return self.sim.household

    def client(
        self, *, token: str = TOKEN, pdl: str = PDL, timeout: float = 5.0
    ) -> EnedisClient:
        """Return a client of the protocol under test."""
        url = (
            self.running.api_url
            if self.protocol is Gateway.ENEDIS_GATEWAY
            else self.running.base_url
        )
        return EnedisClient(
            self.session,
            token=token,
            pdl=pdl,
            gateway=self.protocol,
            url=url,
            timeout=timeout,
            user_agent=USER_AGENT,
        )


@pytest.fixture(params=list(ORIGINAL_PROTOCOLS), ids=str)
async def env(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[Env]:
    """Run the simulator with a solar household and open a client session."""
    sim = Simulator(Household(seed=1, production=True), token=TOKEN, pdls=(PDL,))
    running = await start_simulator(sim)
    session = aiohttp.ClientSession()
    yield Env(sim=sim, running=running, session=session, protocol=request.param)
    await session.close()
    await running.close()


def _assert_no_token(err: BaseException, token: str = TOKEN) -> None:
    assert token not in str(err)
    assert token not in repr(err)
    assert token not in str(err.args)


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
    assert contract.raw["usage_point_status"] == "com"
    assert contract.raw["segment"] == "C5"
    assert contract.raw["last_activation_date"] == "2015-03-02+01:00"
    assert all(isinstance(value, str) for value in contract.raw.values())


async def test_contract_without_offpeak_hours(env: Env) -> None:
    env.sim.offpeak = None
    env.sim.subscribed_power = "12 kVA"
    contract = await env.client().get_contract()
    assert contract.offpeak_hours is None
    assert contract.subscribed_power_kva == 12.0
    assert "offpeak_hours" not in contract.raw


async def test_addresses(env: Env) -> None:
    addresses = await env.client().get_addresses()
    assert addresses == Addresses(
        raw={
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
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 11, 1), TODAY),
        (date(2025, 11, 28), TODAY),
        (date(2023, 11, 29), date(2024, 11, 28)),
        (date(2026, 3, 20), date(2026, 4, 5)),
        (date(2026, 10, 20), date(2026, 11, 1)),
    ],
)
async def test_daily_consumption(env: Env, start: date, end: date) -> None:
    readings = await env.client().get_daily(MeasureType.DAILY_CONSUMPTION, start, end)
    assert readings == [
        DailyReading(day=day, wh=env.household.daily_wh(day))
        for day in _days(start, end)
    ]


async def test_daily_production(env: Env) -> None:
    start = date(2026, 6, 1)
    readings = await env.client().get_daily(
        MeasureType.DAILY_PRODUCTION, start, date(2026, 7, 1)
    )
    expected = [
        env.household.production_daily_wh(day) for day in _days(start, date(2026, 7, 1))
    ]
    assert [reading.wh for reading in readings] == expected
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
    ("start", "count"),
    [
        (date(2026, 11, 21), 7 * 48),
        (date(2026, 10, 22), 7 * 48 + 2),
        (date(2026, 3, 26), 7 * 48 - 2),
        (date(2024, 11, 28), 7 * 48),
    ],
)
async def test_load_curve(env: Env, start: date, count: int) -> None:
    end = start + timedelta(days=7)
    points = await env.client().get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, start, end
    )
    expected = [
        LoadCurvePoint(start=begin, minutes=minutes, watts=watts)
        for day in _days(start, end)
        for begin, minutes, watts in env.household.curve(day)
    ]
    assert len(points) == count
    assert points == expected
    wh_by_day = [
        sum(point.wh for point in points if point.start.astimezone(PARIS).date() == day)
        for day in _days(start, end)
    ]
    assert wh_by_day == [env.household.daily_wh(day) for day in _days(start, end)]


async def test_production_load_curve(env: Env) -> None:
    start, end = date(2026, 10, 22), date(2026, 10, 29)
    points = await env.client().get_load_curve(
        MeasureType.PRODUCTION_LOAD_CURVE, start, end
    )
    assert points == [
        LoadCurvePoint(start=begin, minutes=minutes, watts=watts)
        for day in _days(start, end)
        for begin, minutes, watts in env.household.production_curve(day)
    ]


async def test_max_power(env: Env) -> None:
    start = date(2026, 10, 20)
    readings = await env.client().get_max_power(start, TODAY)
    expected = []
    for day in _days(start, TODAY):
        va, at = env.household.max_power(day)
        expected.append(MaxPowerReading(day=day, va=va, at=at))
    assert readings == expected
    assert all(reading.at.tzinfo is PARIS for reading in readings)


# Faults.

FAULTS = [
    (Fault.UNAUTHORIZED, AuthError),
    (Fault.CONSENT_EXPIRED, AuthError),
    (Fault.QUOTA, QuotaError),
    (Fault.SERVER_ERROR, GatewayError),
    (Fault.BAD_GATEWAY_HTML, GatewayError),
    (Fault.TRUNCATED_JSON, GatewayError),
]
READING_FAULTS = [
    (Fault.MISSING_KEYS, GatewayError),
    (Fault.NOT_NUMBERS, GatewayError),
    (Fault.EMPTY_READINGS, NoDataError),
]


@pytest.mark.parametrize("call", ALL_CALLS)
@pytest.mark.parametrize(("fault", "error"), FAULTS)
async def test_fault_maps_to_error(
    env: Env, call: Call, fault: Fault, error: type[EnedisError]
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


@pytest.mark.parametrize("call", READING_CALLS)
@pytest.mark.parametrize(("fault", "error"), READING_FAULTS)
async def test_reading_fault_maps_to_error(
    env: Env, call: Call, fault: Fault, error: type[EnedisError]
) -> None:
    client = env.client()
    env.sim.inject(fault)
    with pytest.raises(error) as excinfo:
        await call(client)
    assert excinfo.type is error
    _assert_no_token(excinfo.value)
    await call(client)


@pytest.mark.parametrize("call", [_contract, _addresses])
@pytest.mark.parametrize("fault", [Fault.MISSING_KEYS, Fault.EMPTY_READINGS])
async def test_info_fault_is_a_gateway_error(
    env: Env, call: Call, fault: Fault
) -> None:
    env.sim.inject(fault)
    with pytest.raises(GatewayError):
        await call(env.client())


# Hostile replies: days nobody asked for, absurd values, newest first.

CLIENT_LOGGER = "custom_components.enedis_gateway.linky.client"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            _daily,
            "Dropped 3 daily_consumption readings outside 2026-11-20..2026-11-28,"
            " days 2024-11-20 to 2030-01-01",
            id="daily",
        ),
        pytest.param(
            _curve,
            # Today's 20 half-hours ended by 10:00, and the 48 of 2030-01-01.
            "Dropped 68 consumption_load_curve readings outside"
            " 2026-11-21..2026-11-28, days 2026-11-28 to 2030-01-01",
            id="curve",
        ),
        pytest.param(
            _max_power,
            "Dropped 3 daily_consumption_max_power readings outside"
            " 2026-11-20..2026-11-28, days 2024-11-20 to 2030-01-01",
            id="max_power",
        ),
    ],
)
async def test_out_of_window_days_are_dropped(
    env: Env, caplog: pytest.LogCaptureFixture, call: Call, message: str
) -> None:
    client = env.client()
    expected = await call(client)
    env.sim.inject(Fault.OUT_OF_WINDOW_DAYS)
    caplog.set_level(logging.DEBUG, logger=CLIENT_LOGGER)
    assert await call(client) == expected
    assert env.sim.calls[-1].status == "fault:out_of_window_days"
    dropped = [
        record.getMessage()
        for record in caplog.records
        if record.getMessage().startswith("Dropped")
    ]
    assert dropped == [message]
    assert TOKEN not in caplog.text


async def test_wire_out_of_window_days(env: Env) -> None:
    env.sim.inject(Fault.OUT_OF_WINDOW_DAYS, count=None)
    _, _, daily = await _raw(env, "daily_consumption")
    _, _, curve = await _raw(env, "consumption_load_curve", start="2026-11-21")
    days = [
        item["date"] for item in json.loads(daily)["meter_reading"]["interval_reading"]
    ]
    assert days == [
        "2024-11-20",
        *(day.isoformat() for day in _days(date(2026, 11, 20), TODAY)),
        "2026-11-28",
        "2030-01-01",
    ]
    stamps = [
        item["date"] for item in json.loads(curve)["meter_reading"]["interval_reading"]
    ]
    assert stamps[7 * 48 : 7 * 48 + 20][-1] == "2026-11-28 10:00:00"
    assert stamps[7 * 48 + 20] == "2030-01-01 00:30:00"
    assert len(stamps) == 7 * 48 + 20 + 48


@pytest.mark.parametrize(
    ("call", "readings"),
    [
        pytest.param(
            _daily,
            [
                {"date": "2026-11-28", "value": "1"},
                {"date": "2030-01-01", "value": "1"},
                {"date": "2026-11-19", "value": "1"},
            ],
            id="daily",
        ),
        pytest.param(
            _curve,
            # Each ends a half-hour that starts outside [2026-11-21, 2026-11-28).
            [
                {"date": "2026-11-21 00:00:00", "value": "1"},
                {"date": "2026-11-28 00:30:00", "value": "1"},
                {"date": "2030-01-01 12:00:00", "value": "1"},
            ],
            id="curve",
        ),
        pytest.param(
            _max_power,
            [
                {"date": "2026-11-19 23:59:59", "value": "1"},
                {"date": "2026-11-28 00:00:00", "value": "1"},
            ],
            id="max_power",
        ),
    ],
)
async def test_only_out_of_window_days_is_no_data(
    fake: FakeGateway, call: Call, readings: list[dict[str, str]]
) -> None:
    fake.reply = (
        200,
        json.dumps({"meter_reading": {"interval_reading": readings}}),
        "application/json",
    )
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, Gateway.MYELECTRICALDATA, fake.url)
        with pytest.raises(NoDataError) as excinfo:
            await call(client)
    assert excinfo.type is NoDataError


async def test_window_edges_follow_the_interval_start(fake: FakeGateway) -> None:
    stamps = [
        "2026-11-21 00:00:00",
        "2026-11-21 00:30:00",
        "2026-11-28 00:00:00",
        "2026-11-28 00:30:00",
    ]
    readings = [{"date": stamp, "value": "100"} for stamp in stamps]
    fake.reply = (
        200,
        json.dumps({"meter_reading": {"interval_reading": readings}}),
        "application/json",
    )
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, Gateway.MYELECTRICALDATA, fake.url)
        points = await _curve(client)
    assert isinstance(points, list)
    assert [point.start.astimezone(PARIS) for point in points] == [
        datetime(2026, 11, 21, 0, 0, tzinfo=PARIS),
        datetime(2026, 11, 27, 23, 30, tzinfo=PARIS),
    ]


@pytest.mark.parametrize("call", READING_CALLS)
@pytest.mark.parametrize(
    "value", ["18446744073709551616", "1e308", "-5000", "-0.001", "99999999"]
)
async def test_absurd_value_rejects_the_reply(env: Env, call: Call, value: str) -> None:
    env.sim.absurd_value = value
    env.sim.inject(Fault.ABSURD_VALUE)
    client = env.client()
    with pytest.raises(GatewayError, match="value out of physical bounds") as excinfo:
        await call(client)
    assert excinfo.type is GatewayError
    assert env.sim.calls[-1].status == "fault:absurd_value"
    assert await call(client)


async def test_wire_absurd_value(env: Env) -> None:
    env.sim.inject(Fault.ABSURD_VALUE)
    _, _, text = await _raw(env, "daily_consumption")
    values = [
        item["value"] for item in json.loads(text)["meter_reading"]["interval_reading"]
    ]
    assert values[-1] == str(2**64)
    assert all(int(value) < 100_000 for value in values[:-1])


@pytest.mark.parametrize("call", READING_CALLS)
async def test_reading_faults_leave_the_contract_alone(env: Env, call: Call) -> None:
    env.sim.inject(Fault.ABSURD_VALUE)
    assert await env.client().get_contract()
    with pytest.raises(GatewayError):
        await call(env.client())


@pytest.mark.parametrize(
    "start", [date(2026, 10, 22), date(2026, 3, 26), date(2026, 11, 21)]
)
async def test_load_curve_newest_first(env: Env, start: date) -> None:
    end = start + timedelta(days=7)
    env.sim.inject(Fault.REVERSED_ORDER)
    points = await env.client().get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, start, end
    )
    assert env.sim.calls[-1].status == "fault:reversed_order"
    assert points == [
        LoadCurvePoint(start=begin, minutes=minutes, watts=watts)
        for day in _days(start, end)
        for begin, minutes, watts in env.household.curve(day)
    ]


@pytest.mark.parametrize("call", [_daily, _max_power])
async def test_daily_newest_first(env: Env, call: Call) -> None:
    client = env.client()
    expected = await call(client)
    env.sim.inject(Fault.REVERSED_ORDER)
    assert await call(client) == expected


async def test_wire_reversed_order(env: Env) -> None:
    env.sim.inject(Fault.REVERSED_ORDER)
    _, _, text = await _raw(env, "daily_consumption")
    days = [
        item["date"] for item in json.loads(text)["meter_reading"]["interval_reading"]
    ]
    assert days == [
        day.isoformat() for day in reversed(_days(date(2026, 11, 20), TODAY))
    ]


async def test_timeout(env: Env) -> None:
    env.sim.timeout_delay = 2
    env.sim.inject(Fault.TIMEOUT)
    client = env.client(timeout=0.5)
    with pytest.raises(GatewayError) as excinfo:
        await _daily(client)
    assert excinfo.type is GatewayError
    assert "Timeout" in str(excinfo.value)
    _assert_no_token(excinfo.value)
    assert await _daily(client)
    assert [call.status for call in env.sim.calls] == ["fault:timeout", "ok"]


async def test_no_load_curve(env: Env) -> None:
    env.sim.inject(Fault.NO_LOAD_CURVE, count=None)
    client = env.client()
    for _ in range(2):
        with pytest.raises(NoDataError) as excinfo:
            await _curve(client)
        assert excinfo.type is NoDataError
    assert await _daily(client)
    assert await _max_power(client)
    env.sim.clear_faults()
    assert await _curve(client)


async def test_fault_restricted_to_types(env: Env) -> None:
    env.sim.inject(Fault.SERVER_ERROR, count=None, types={"contracts"})
    client = env.client()
    assert await _daily(client)
    for _ in range(3):
        with pytest.raises(GatewayError):
            await client.get_contract()
    assert await client.get_addresses()
    env.sim.clear_faults()
    assert await client.get_contract()


async def test_fault_count(env: Env) -> None:
    env.sim.inject(Fault.SERVER_ERROR, count=2)
    client = env.client()
    for _ in range(2):
        with pytest.raises(GatewayError):
            await _daily(client)
    assert await _daily(client)
    assert [call.status for call in env.sim.calls] == [
        "fault:server_error",
        "fault:server_error",
        "ok",
    ]


async def test_call_log(env: Env) -> None:
    env.sim.holes = {date(2026, 11, 27)}
    client = env.client()
    await _daily(client)
    await client.get_contract()
    with pytest.raises(NoDataError):
        await client.get_daily(MeasureType.DAILY_CONSUMPTION, date(2026, 11, 27), TODAY)
    with pytest.raises(AuthError):
        await env.client(token="wrong-token").get_contract()
    assert [
        (call.protocol, call.type, call.pdl, call.start, call.end, call.status)
        for call in env.sim.calls
    ] == [
        (env.protocol, "daily_consumption", PDL, date(2026, 11, 20), TODAY, "ok"),
        (env.protocol, "contracts", PDL, None, None, "ok"),
        (env.protocol, "daily_consumption", PDL, date(2026, 11, 27), TODAY, "no_data"),
        (env.protocol, "contracts", PDL, None, None, "error:token_bad_formatted"),
    ]
    assert all(call.at.astimezone(PARIS).date() == TODAY for call in env.sim.calls)
    assert env.sim.calls_on(TODAY) == 4
    assert env.sim.calls_on(TODAY - timedelta(days=1)) == 0
    env.sim.reset_calls()
    assert env.sim.calls == []


# Quota.


async def test_quota_then_ban(env: Env, freezer: TickingDateTimeFactory) -> None:
    env.sim.daily_limit = 3
    client = env.client()
    for _ in range(3):
        assert await _daily(client)
    for _ in range(2):
        with pytest.raises(QuotaError) as excinfo:
            await _daily(client)
        assert excinfo.type is QuotaError
        _assert_no_token(excinfo.value)
    # The ban lasts 24 hours, across the local midnight.
    freezer.move_to("2026-11-29 09:59:00+01:00")
    with pytest.raises(QuotaError):
        await client.get_contract()
    freezer.move_to("2026-11-29 10:00:30+01:00")
    assert await client.get_contract()
    assert [call.status for call in env.sim.calls] == ["ok"] * 3 + ["quota"] * 3 + [
        "ok"
    ]
    assert env.sim.calls_on(TODAY) == 5
    assert env.sim.calls_on(date(2026, 11, 29)) == 2


async def test_quota_counts_per_paris_day(
    env: Env, freezer: TickingDateTimeFactory
) -> None:
    env.sim.daily_limit = 2
    client = env.client()
    freezer.move_to("2026-11-28 23:30:00+01:00")
    for _ in range(2):
        assert await client.get_contract()
    # Still the 28th in UTC, already the 29th in Paris: a new quota day.
    freezer.move_to("2026-11-29 00:30:00+01:00")
    for _ in range(2):
        assert await client.get_contract()
    with pytest.raises(QuotaError):
        await client.get_contract()


# End of history, bad PDL, bad token, bad windows.


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        (MeasureType.DAILY_CONSUMPTION, date(2023, 11, 28), date(2024, 1, 1)),
        (MeasureType.DAILY_PRODUCTION, date(2020, 1, 1), date(2020, 12, 1)),
        (
            MeasureType.DAILY_CONSUMPTION_MAX_POWER,
            date(2023, 11, 27),
            date(2023, 12, 4),
        ),
        (MeasureType.CONSUMPTION_LOAD_CURVE, date(2024, 11, 27), date(2024, 12, 4)),
        (MeasureType.PRODUCTION_LOAD_CURVE, date(2024, 1, 1), date(2024, 1, 8)),
    ],
)
async def test_end_of_history(
    env: Env, kind: MeasureType, start: date, end: date
) -> None:
    client = env.client()
    with pytest.raises(EndOfHistoryError) as excinfo:
        await _fetch(client, kind, start, end)
    assert "ADAM-DC-0016" in str(excinfo.value)
    assert "history deadline" in str(excinfo.value)
    _assert_no_token(excinfo.value)
    depth_start = TODAY - timedelta(days=kind.depth_days)
    assert await _fetch(client, kind, depth_start, depth_start + timedelta(days=7))


async def _fetch(
    client: EnedisClient, kind: MeasureType, start: date, end: date
) -> list[Any]:
    if kind.is_load_curve:
        return await client.get_load_curve(kind, start, end)
    if kind is MeasureType.DAILY_CONSUMPTION_MAX_POWER:
        return await client.get_max_power(start, end)
    return await client.get_daily(kind, start, end)


@pytest.mark.parametrize(
    "kind",
    [
        MeasureType.DAILY_CONSUMPTION,
        MeasureType.CONSUMPTION_LOAD_CURVE,
        MeasureType.DAILY_CONSUMPTION_MAX_POWER,
    ],
)
async def test_before_activation(env: Env, kind: MeasureType) -> None:
    env.sim.activation = date(2025, 6, 2)
    client = env.client()
    with pytest.raises(EndOfHistoryError) as excinfo:
        await _fetch(client, kind, date(2025, 5, 30), date(2025, 6, 6))
    assert "anterior to the last activation date" in str(excinfo.value)
    readings = await _fetch(client, kind, date(2025, 6, 2), date(2025, 6, 6))
    assert readings


@pytest.mark.parametrize("call", ALL_CALLS)
@pytest.mark.parametrize("pdl", ["1234", "1234567890123A", "98765432109876", ""])
async def test_invalid_pdl(env: Env, call: Call, pdl: str) -> None:
    with pytest.raises(InvalidPdlError) as excinfo:
        await call(env.client(pdl=pdl))
    _assert_no_token(excinfo.value)


async def test_malformed_pdl_spares_a_call(env: Env) -> None:
    with pytest.raises(InvalidPdlError):
        await _daily(env.client(pdl="1234 5678 9012"))
    assert env.sim.calls == []


@pytest.mark.parametrize("call", ALL_CALLS)
async def test_wrong_token(env: Env, call: Call) -> None:
    token = "WRONG-TOKEN-9876543210"
    with pytest.raises(AuthError) as excinfo:
        await call(env.client(token=token))
    assert excinfo.type is AuthError
    _assert_no_token(excinfo.value, token)
    _assert_no_token(excinfo.value)


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        (MeasureType.DAILY_CONSUMPTION, date(2026, 11, 27), date(2026, 11, 29)),
        (MeasureType.DAILY_CONSUMPTION, date(2026, 11, 20), date(2026, 11, 20)),
        (MeasureType.DAILY_CONSUMPTION, date(2026, 11, 21), date(2026, 11, 20)),
        (MeasureType.DAILY_CONSUMPTION, date(2025, 11, 1), date(2026, 11, 2)),
        (MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 11, 1), date(2026, 11, 9)),
    ],
)
async def test_bad_window(env: Env, kind: MeasureType, start: date, end: date) -> None:
    with pytest.raises(GatewayError) as excinfo:
        await _fetch(env.client(), kind, start, end)
    assert excinfo.type is GatewayError


# Publication time, late days and holes.


@pytest.mark.parametrize("kind", list(MeasureType))
async def test_hole(env: Env, kind: MeasureType) -> None:
    hole = date(2026, 11, 24)
    env.sim.holes = {hole}
    client = env.client()
    readings = await _fetch(client, kind, date(2026, 11, 21), TODAY)
    days = {_day_of(reading) for reading in readings}
    assert days == set(_days(date(2026, 11, 21), TODAY)) - {hole}
    with pytest.raises(NoDataError) as excinfo:
        await _fetch(client, kind, hole, hole + timedelta(days=1))
    assert excinfo.type is NoDataError


def _day_of(reading: DailyReading | LoadCurvePoint | MaxPowerReading) -> date:
    if isinstance(reading, LoadCurvePoint):
        return reading.start.astimezone(PARIS).date()
    return reading.day


async def test_publication_hour(env: Env, freezer: TickingDateTimeFactory) -> None:
    client = env.client()
    yesterday = TODAY - timedelta(days=1)
    freezer.move_to("2026-11-28 07:59:00+01:00")
    with pytest.raises(NoDataError) as excinfo:
        await client.get_daily(MeasureType.DAILY_CONSUMPTION, yesterday, TODAY)
    assert excinfo.type is NoDataError
    readings = await client.get_daily(
        MeasureType.DAILY_CONSUMPTION, yesterday - timedelta(days=2), TODAY
    )
    assert [reading.day for reading in readings] == [
        yesterday - timedelta(days=2),
        yesterday - timedelta(days=1),
    ]
    freezer.move_to("2026-11-28 08:00:30+01:00")
    readings = await client.get_daily(MeasureType.DAILY_CONSUMPTION, yesterday, TODAY)
    assert readings == [
        DailyReading(day=yesterday, wh=env.household.daily_wh(yesterday))
    ]


async def test_late_day(env: Env, freezer: TickingDateTimeFactory) -> None:
    late = date(2026, 11, 26)
    env.sim.late_days[late] = datetime(2026, 11, 28, 12, 0, tzinfo=PARIS)
    client = env.client()
    start = date(2026, 11, 25)
    readings = await client.get_daily(MeasureType.DAILY_CONSUMPTION, start, TODAY)
    assert [reading.day for reading in readings] == [start, date(2026, 11, 27)]
    points = await client.get_load_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE, late, TODAY
    )
    assert {_day_of(point) for point in points} == {date(2026, 11, 27)}
    freezer.move_to("2026-11-28 12:00:30+01:00")
    readings = await client.get_daily(MeasureType.DAILY_CONSUMPTION, start, TODAY)
    assert [reading.day for reading in readings] == _days(start, TODAY)


# What goes over the wire, and what comes back from a broken gateway.


@dataclass
class FakeGateway:
    """A programmable HTTP server recording what it receives."""

    url: str
    reply: tuple[int, str, str] = (200, "{}", "application/json")
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
async def fake(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """Run a programmable gateway on 127.0.0.1."""
    gateway = FakeGateway(url="")

    async def handle(request: web.Request) -> web.Response:
        gateway.requests.append(
            (request.method, request.path, dict(request.headers), await request.read())
        )
        status, body, content_type = gateway.reply
        return web.Response(
            status=status, body=body.encode(), content_type=content_type
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    gateway.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield gateway
    await runner.cleanup()


def _fake_client(
    session: aiohttp.ClientSession, fake: FakeGateway, protocol: Gateway, url: str
) -> EnedisClient:
    return EnedisClient(
        session,
        token=TOKEN,
        pdl=PDL,
        gateway=protocol,
        url=url,
        user_agent=USER_AGENT,
    )


async def test_myelectricaldata_requests(fake: FakeGateway) -> None:
    fake.reply = (
        200,
        json.dumps({"meter_reading": {"interval_reading": []}}),
        "application/json",
    )
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, Gateway.MYELECTRICALDATA, fake.url + "/")
        with pytest.raises(NoDataError):
            await client.get_daily(
                MeasureType.DAILY_CONSUMPTION, date(2026, 11, 20), TODAY
            )
        with pytest.raises(GatewayError):
            await client.get_contract()
        with pytest.raises(GatewayError):
            await client.get_addresses()
    assert [(method, path, body) for method, path, _, body in fake.requests] == [
        ("GET", f"/daily_consumption/{PDL}/start/2026-11-20/end/2026-11-28", b""),
        ("GET", f"/contracts/{PDL}", b""),
        ("GET", f"/addresses/{PDL}", b""),
    ]
    headers = fake.requests[0][2]
    assert headers["Authorization"] == TOKEN
    assert headers["User-Agent"] == USER_AGENT


async def test_enedis_gateway_requests(fake: FakeGateway) -> None:
    fake.reply = (
        200,
        json.dumps({"meter_reading": {"interval_reading": []}}),
        "application/json",
    )
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, Gateway.ENEDIS_GATEWAY, fake.url + "/api/")
        with pytest.raises(NoDataError):
            await client.get_load_curve(
                MeasureType.PRODUCTION_LOAD_CURVE, date(2026, 11, 20), TODAY
            )
        with pytest.raises(GatewayError):
            await client.get_contract()
    assert [(method, path) for method, path, _, _ in fake.requests] == [
        ("POST", "/api"),
        ("POST", "/api"),
    ]
    assert [json.loads(body) for _, _, _, body in fake.requests] == [
        {
            "type": "production_load_curve",
            "usage_point_id": PDL,
            "start": "2026-11-20",
            "end": "2026-11-28",
        },
        {"type": "contracts", "usage_point_id": PDL},
    ]
    headers = fake.requests[0][2]
    assert headers["Authorization"] == TOKEN
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("protocol", list(ORIGINAL_PROTOCOLS))
@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, "", GatewayError),
        (200, "<html><body>Maintenance</body></html>", GatewayError),
        (200, "[1, 2]", GatewayError),
        (200, '{"meter_reading": {"interval_reading": [{"date": "x"', GatewayError),
        (
            200,
            '{"meter_reading": {"interval_reading": [{"date": "2026-11-27"}]}}',
            GatewayError,
        ),
        (200, '"just a string"', GatewayError),
        (200, "\xff\xfe", GatewayError),
        (200, '{"error_code": "no_data_found", "description": "no data"}', NoDataError),
        (200, '{"tag": "limit_reached", "description": "quota"}', QuotaError),
        (200, '{"error": "invalid_token", "description": "bad"}', AuthError),
        (200, '{"error_code": "token_refresh_401"}', AuthError),
        (200, '{"error_code": "client_not_found"}', InvalidPdlError),
        (200, '{"error_code": "usage_point_id_bad_formatted"}', InvalidPdlError),
        (200, '{"error_code": "enedis_return_ko", "description": "ko"}', GatewayError),
        (200, '{"error_code": "something_new"}', GatewayError),
        (
            200,
            '{"error_code": "enedis_return_ko", "description": "ADAM-DC-0016 history deadline"}',
            EndOfHistoryError,
        ),
        (
            200,
            '{"error": "bad_request", "description": "date antérieure à la date de mise en service"}',
            EndOfHistoryError,
        ),
        (
            400,
            '{"detail": "The requested period is anterior to the last activation date"}',
            EndOfHistoryError,
        ),
        (400, '{"detail": "ADAM-DC-0016"}', EndOfHistoryError),
        (404, '{"detail": "ADAM-DC-0016: history deadline"}', EndOfHistoryError),
        (401, '{"detail": "Unauthorized"}', AuthError),
        (403, "", AuthError),
        (409, '{"detail": "Quota reached"}', QuotaError),
        (429, "Too Many Requests", QuotaError),
        (404, '{"detail": "no_data_found"}', NoDataError),
        (404, '{"detail": "Not Found"}', NoDataError),
        (404, "<html>nope</html>", NoDataError),
        (400, '{"detail": "Invalid usage_point_id"}', InvalidPdlError),
        (
            422,
            '{"detail": [{"loc": ["path", "usage_point_id"], "msg": "bad"}]}',
            InvalidPdlError,
        ),
        (400, '{"detail": "no data found"}', NoDataError),
        (400, '{"detail": "bad date"}', GatewayError),
        (422, '{"detail": [{"loc": ["path", "start"], "msg": "bad"}]}', GatewayError),
        (500, '{"detail": "Internal Server Error"}', GatewayError),
        (502, "<html>Bad Gateway</html>", GatewayError),
        (503, "", GatewayError),
        (301, "", GatewayError),
    ],
)
async def test_broken_gateway_replies(
    fake: FakeGateway,
    protocol: Gateway,
    status: int,
    body: str,
    error: type[EnedisError],
) -> None:
    fake.reply = (status, body, "application/json")
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, protocol, fake.url)
        with pytest.raises(error) as excinfo:
            await client.get_daily(
                MeasureType.DAILY_CONSUMPTION, date(2026, 11, 20), TODAY
            )
    assert excinfo.type is error


@pytest.mark.parametrize("protocol", list(ORIGINAL_PROTOCOLS))
async def test_token_echoed_by_the_gateway_is_redacted(
    fake: FakeGateway, protocol: Gateway
) -> None:
    fake.reply = (
        200,
        json.dumps(
            {"error": "invalid_token", "description": f"token {TOKEN} is unknown"}
        ),
        "application/json",
    )
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, protocol, fake.url)
        with pytest.raises(AuthError) as body_error:
            await client.get_contract()
        fake.reply = (
            403,
            json.dumps({"detail": f"token {TOKEN} expired"}),
            "application/json",
        )
        with pytest.raises(AuthError) as status_error:
            await client.get_contract()
    _assert_no_token(body_error.value)
    _assert_no_token(status_error.value)
    assert "REDACTED" in str(body_error.value)


@pytest.mark.parametrize("call", ALL_CALLS)
async def test_transformed_token_echo_is_redacted(env: Env, call: Call) -> None:
    env.sim.inject(Fault.TOKEN_ECHO)
    with pytest.raises(GatewayError) as excinfo:
        await call(env.client())
    assert excinfo.type is GatewayError
    assert env.sim.calls[-1].status == "fault:token_echo"
    for text in (str(excinfo.value), repr(excinfo.value)):
        assert TOKEN.lower() not in text.lower()
        assert TOKEN[:10].lower() not in text.lower()
    assert MARKER in str(excinfo.value)
    assert "refused upstream" in str(excinfo.value)


WIRE_ECHO_ANSWERS = {
    Gateway.MYELECTRICALDATA: (500, "detail"),
    Gateway.ENEDIS_GATEWAY: (200, "description"),
}


async def test_wire_token_echo(env: Env) -> None:
    env.sim.inject(Fault.TOKEN_ECHO)
    status, _, text = await _raw(env, "daily_consumption")
    expected_status, key = WIRE_ECHO_ANSWERS[env.protocol]
    assert status == expected_status
    message = json.loads(text)[key]
    assert TOKEN.lower() in message
    assert f"{TOKEN[:10]}..." in message
    assert TOKEN not in message


@pytest.mark.parametrize("protocol", list(ORIGINAL_PROTOCOLS))
@pytest.mark.parametrize(
    "echo",
    [
        TOKEN.lower(),
        "sim-TOKEN-0123456789",
        TOKEN[:8],
        TOKEN[:9],
        TOKEN[-8:],
        f"Bearer{TOKEN}x",
    ],
)
@pytest.mark.parametrize(
    ("status", "key"), [(200, "description"), (403, "detail"), (500, "detail")]
)
async def test_token_fragments_echoed_are_redacted(
    fake: FakeGateway, protocol: Gateway, echo: str, status: int, key: str
) -> None:
    body = {key: f"token {echo} is unknown, {echo}!"}
    if status == 200:
        body["error"] = "invalid_token"
    fake.reply = (status, json.dumps(body), "application/json")
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, protocol, fake.url)
        with pytest.raises(EnedisError) as excinfo:
            await client.get_contract()
    assert echo not in str(excinfo.value)
    assert str(excinfo.value).count(MARKER) == 2


async def test_connection_refused(socket_enabled: None) -> None:
    running = await start_simulator(Simulator())
    url = running.base_url
    await running.close()
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL, url=url)
        with pytest.raises(GatewayError) as excinfo:
            await client.get_contract()
    assert excinfo.type is GatewayError
    _assert_no_token(excinfo.value)


async def test_defaults() -> None:
    async with aiohttp.ClientSession() as session:
        default = EnedisClient(session, token=TOKEN, pdl=PDL)
        original = EnedisClient(
            session, token=TOKEN, pdl=PDL, gateway=Gateway.ENEDIS_GATEWAY
        )
        custom = EnedisClient(
            session, token=TOKEN, pdl=PDL, url="http://127.0.0.1:8099///"
        )
        assert default.url == "https://www.myelectricaldata.fr"
        assert default.gateway is Gateway.MYELECTRICALDATA
        assert original.url == "https://enedisgateway.tech/api"
        assert custom.url == "http://127.0.0.1:8099"
        assert custom.pdl == PDL
        with pytest.raises(ValueError, match="not a daily"):
            await default.get_daily(
                MeasureType.CONSUMPTION_LOAD_CURVE, date(2026, 11, 20), TODAY
            )
        with pytest.raises(ValueError, match="not a load curve"):
            await default.get_load_curve(
                MeasureType.DAILY_CONSUMPTION, date(2026, 11, 20), TODAY
            )


# The simulator's wire format, read raw.


async def _raw(
    env: Env,
    kind: str,
    pdl: str = PDL,
    start: str = "2026-11-20",
    end: str = "2026-11-28",
) -> tuple[int, str, Any]:
    """Send one raw request in the protocol under test; return status, type, body."""
    headers = {"Authorization": TOKEN}
    if env.protocol is Gateway.ENEDIS_GATEWAY:
        body = {"type": kind, "usage_point_id": pdl, "start": start, "end": end}
        request = env.session.post(env.running.api_url, json=body, headers=headers)
    else:
        request = env.session.get(
            f"{env.running.base_url}/{kind}/{pdl}/start/{start}/end/{end}",
            headers=headers,
        )
    async with request as response:
        text = await response.text()
        return response.status, response.content_type, text


async def test_wire_daily(env: Env) -> None:
    status, content_type, text = await _raw(env, "daily_consumption")
    assert (status, content_type) == (200, "application/json")
    meter_reading = json.loads(text)["meter_reading"]
    assert meter_reading["usage_point_id"] == PDL
    assert meter_reading["start"] == "2026-11-20"
    assert meter_reading["end"] == "2026-11-28"
    assert meter_reading["quality"] == "BRUT"
    assert meter_reading["reading_type"] == {
        "unit": "Wh",
        "measurement_kind": "energy",
        "aggregate": "sum",
    }
    assert meter_reading["interval_reading"][0] == {
        "value": str(env.household.daily_wh(date(2026, 11, 20))),
        "date": "2026-11-20",
    }


async def test_wire_load_curve_autumn(env: Env) -> None:
    status, _, text = await _raw(
        env, "consumption_load_curve", start="2026-10-25", end="2026-10-26"
    )
    assert status == 200
    meter_reading = json.loads(text)["meter_reading"]
    assert meter_reading["reading_type"]["unit"] == "W"
    readings = meter_reading["interval_reading"]
    assert len(readings) == 50
    dates = [reading["date"] for reading in readings]
    assert dates[:7] == [
        "2026-10-25 00:30:00",
        "2026-10-25 01:00:00",
        "2026-10-25 01:30:00",
        "2026-10-25 02:00:00",
        "2026-10-25 02:30:00",
        "2026-10-25 02:00:00",
        "2026-10-25 02:30:00",
    ]
    assert dates[-1] == "2026-10-26 00:00:00"
    assert {reading["interval_length"] for reading in readings} == {"PT30M"}
    assert {reading["measure_type"] for reading in readings} == {"B"}
    assert all(isinstance(reading["value"], str) for reading in readings)


async def test_wire_max_power(env: Env) -> None:
    status, _, text = await _raw(
        env, "daily_consumption_max_power", start="2026-11-26", end="2026-11-27"
    )
    assert status == 200
    meter_reading = json.loads(text)["meter_reading"]
    assert meter_reading["reading_type"]["unit"] == "VA"
    va, at = env.household.max_power(date(2026, 11, 26))
    assert meter_reading["interval_reading"] == [
        {"value": str(va), "date": at.strftime("%Y-%m-%d %H:%M:%S")}
    ]


BAD_PDL_TEXT = "usage_point_id_bad_formatted: the usage point id must be 14 digits"
UNKNOWN_PDL_TEXT = (
    "client_not_found: usage point 98765432109876 is not linked to this token"
)
NO_DATA_TEXT = "no_data_found: no measure for this usage point in the period"


@pytest.mark.parametrize(
    ("pdl", "answers"),
    [
        (
            "1234",
            {
                Gateway.MYELECTRICALDATA: (400, {"detail": BAD_PDL_TEXT}),
                Gateway.ENEDIS_GATEWAY: (
                    200,
                    {
                        "error_code": "usage_point_id_bad_formatted",
                        "description": BAD_PDL_TEXT,
                    },
                ),
            },
        ),
        (
            "98765432109876",
            {
                Gateway.MYELECTRICALDATA: (404, {"detail": UNKNOWN_PDL_TEXT}),
                Gateway.ENEDIS_GATEWAY: (
                    200,
                    {"error_code": "client_not_found", "description": UNKNOWN_PDL_TEXT},
                ),
            },
        ),
    ],
)
async def test_wire_bad_pdl(
    env: Env, pdl: str, answers: dict[Gateway, tuple[int, dict[str, str]]]
) -> None:
    status, _, text = await _raw(env, "daily_consumption", pdl=pdl)
    assert (status, json.loads(text)) == answers[env.protocol]
    assert env.sim.calls[-1].status.startswith("error:")


NO_DATA_ANSWERS = {
    Gateway.MYELECTRICALDATA: (404, {"detail": "no_data_found"}),
    Gateway.ENEDIS_GATEWAY: (
        200,
        {"error_code": "no_data_found", "description": NO_DATA_TEXT},
    ),
}


async def test_wire_no_data(env: Env) -> None:
    env.sim.holes = {date(2026, 11, 20)}
    status, _, text = await _raw(
        env, "daily_consumption", start="2026-11-20", end="2026-11-21"
    )
    assert (status, json.loads(text)) == NO_DATA_ANSWERS[env.protocol]


QUOTA_ANSWERS = {
    Gateway.MYELECTRICALDATA: (409, "detail"),
    Gateway.ENEDIS_GATEWAY: (200, "tag"),
}


async def test_wire_quota(env: Env) -> None:
    env.sim.daily_limit = 0
    status, _, text = await _raw(env, "daily_consumption")
    expected_status, key = QUOTA_ANSWERS[env.protocol]
    assert status == expected_status
    assert "limit_reached" in json.loads(text)[key]


async def test_wire_bad_gateway_html(env: Env) -> None:
    env.sim.inject(Fault.BAD_GATEWAY_HTML, count=None)
    status, content_type, text = await _raw(env, "daily_consumption")
    assert (status, content_type) == (502, "text/html")
    assert text.startswith("<html>")


async def test_wire_truncated_json(env: Env) -> None:
    env.sim.inject(Fault.TRUNCATED_JSON)
    status, _, text = await _raw(env, "daily_consumption")
    _, _, full = await _raw(env, "daily_consumption")
    assert status == 200
    assert text == full[: len(full) // 2]


@pytest.mark.parametrize("body", ["not json", "[1]", ""])
async def test_wire_original_bad_body(env: Env, body: str) -> None:
    async with env.session.post(
        env.running.api_url, data=body, headers={"Authorization": TOKEN}
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "bad_request"
    assert env.sim.calls[-1].status == "error:bad_request"


async def test_wire_unknown_type(env: Env) -> None:
    status, _, text = await _raw(env, "weekly_consumption")
    assert (
        status
        == {Gateway.MYELECTRICALDATA: 400, Gateway.ENEDIS_GATEWAY: 200}[env.protocol]
    )
    assert "unknown measure type" in text


# Token redaction, the pure function.

SECRET = "Zx9QmT4vLp2WsK7nRb3Y"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"bad token {SECRET}", f"bad token {MARKER}"),
        (f"bad token {SECRET.lower()}", f"bad token {MARKER}"),
        (f"bad token {SECRET.upper()}", f"bad token {MARKER}"),
        (f"bad token {SECRET[:8]}...", f"bad token {MARKER}..."),
        (f"bad token {SECRET[:9]}...", f"bad token {MARKER}..."),
        (f"key {SECRET[5:14].lower()} unknown", f"key {MARKER} unknown"),
        (f"token=abc{SECRET}def;", f"token=abc{MARKER}def;"),
        (f"{SECRET} then {SECRET[:10].lower()}", f"{MARKER} then {MARKER}"),
        (f"{SECRET[:12]}{SECRET[8:]}", MARKER),
        (f"{SECRET[:8]}{SECRET[12:]}", MARKER),
        (f"only {SECRET[:7]} left", f"only {SECRET[:7]} left"),
        (f"{SECRET[:7]} {SECRET[7:14]}", f"{SECRET[:7]} {SECRET[7:14]}"),
        ("İstanbul zx9qmt4vlp2w İ", f"İstanbul {MARKER} İ"),
        ("", ""),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text, SECRET) == expected


@pytest.mark.parametrize(
    ("secret", "text", "expected"),
    [
        ("", "any text", "any text"),
        ("abc", "abc ABC abcd", f"{MARKER} ABC {MARKER}d"),
        ("abcdefg", "abcdefg abcdef", f"{MARKER} abcdef"),
    ],
)
def test_redact_short_secret_exact_only(secret: str, text: str, expected: str) -> None:
    assert redact(text, secret) == expected


def test_redact_min_len() -> None:
    assert redact(f"<{SECRET[:4]}>", SECRET, min_len=4) == f"<{MARKER}>"
    with pytest.raises(ValueError, match="min_len"):
        redact("text", SECRET, min_len=0)


def test_redact_long_text_and_secret() -> None:
    text = ("x" * 999 + SECRET.lower()[3:12]) * 1000
    assert redact(text, SECRET * 50).count(MARKER) == 1000


# Tempo colours: public v1 routes, sent without the token.


@pytest.mark.parametrize(
    ("gateway", "url", "base"),
    [
        # The public original gateway: MyElectricalData's public site.
        (
            Gateway.ENEDIS_GATEWAY,
            "https://enedisgateway.tech/api",
            "https://www.myelectricaldata.fr",
        ),
        (
            Gateway.ENEDIS_GATEWAY,
            "https://enedisgateway.tech/api/",
            "https://www.myelectricaldata.fr",
        ),
        # Self-hosted or the simulator: the same host, without /api.
        (Gateway.ENEDIS_GATEWAY, "http://127.0.0.1:8099/api", "http://127.0.0.1:8099"),
        (Gateway.ENEDIS_GATEWAY, "http://nas.local:8080/", "http://nas.local:8080"),
        # MyElectricalData's own APIs: their URL.
        (
            Gateway.MYELECTRICALDATA,
            "https://www.myelectricaldata.fr/",
            "https://www.myelectricaldata.fr",
        ),
        (
            Gateway.MYELECTRICALDATA_V2,
            "https://www.v2.myelectricaldata.fr/api",
            "https://www.v2.myelectricaldata.fr/api",
        ),
    ],
)
def test_tempo_base_url(gateway: Gateway, url: str, base: str) -> None:
    """The original gateway's entries ask MyElectricalData v1, or their own host."""
    assert tempo_base_url(gateway, url) == base


async def test_tempo(env: Env) -> None:
    """Every published day of the window: today's, not tomorrow's before 10:40."""
    client = env.client()
    start, end = date(2026, 9, 1), TODAY + timedelta(days=1)
    colours = await client.get_tempo(start, end)
    assert colours == {
        day: TempoColor(tempo_color(day)) for day in _days(start, TODAY + timedelta(1))
    }
    # Public and outside the per-token quota: no PDL, no Authorization needed.
    call = env.sim.tempo_calls[-1]
    assert (call.type, call.pdl, call.status) == ("tempo", "", "ok")
    assert (call.start, call.end) == (start, end + timedelta(days=1))


async def test_tempo_tomorrow_after_publication(
    env: Env, freezer: TickingDateTimeFactory
) -> None:
    """Tomorrow's colour comes at 10:40 Paris."""
    tomorrow = TODAY + timedelta(days=1)
    assert await env.client().get_tempo(tomorrow, tomorrow) == {}
    freezer.move_to("2026-11-28 10:40:30+01:00")
    assert await env.client().get_tempo(tomorrow, tomorrow) == {
        tomorrow: TempoColor(tempo_color(tomorrow))
    }


@pytest.mark.parametrize(
    ("protocol", "url", "path"),
    [
        (Gateway.MYELECTRICALDATA, "", "/rte/tempo/2026-11-01/2026-11-30"),
        (Gateway.ENEDIS_GATEWAY, "/api/", "/rte/tempo/2026-11-01/2026-11-30"),
    ],
)
async def test_tempo_requests(
    fake: FakeGateway, protocol: Gateway, url: str, path: str
) -> None:
    """End exclusive on the wire, no token sent, a day out of the window dropped."""
    reply = {"2026-10-31": "RED", "2026-11-01": "BLUE", "2026-11-29": "white"}
    fake.reply = (200, json.dumps(reply), "application/json")
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, protocol, fake.url + url)
        colours = await client.get_tempo(date(2026, 11, 1), date(2026, 11, 29))
    assert colours == {
        date(2026, 11, 1): TempoColor.BLUE,
        date(2026, 11, 29): TempoColor.WHITE,
    }
    assert [(method, path) for method, path, _, _ in fake.requests] == [("GET", path)]
    headers = fake.requests[0][2]
    assert "Authorization" not in headers
    assert headers["User-Agent"] == USER_AGENT


@pytest.mark.parametrize("protocol", list(ORIGINAL_PROTOCOLS))
@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, "", GatewayError),
        (200, "<html>Maintenance</html>", GatewayError),
        (200, '["BLUE"]', GatewayError),
        (200, '{"detail": "Quota"}', GatewayError),
        (200, '{"2026-11-01": 3}', GatewayError),
        (404, '{"detail": "Not Found"}', NoDataError),
        (500, '{"detail": "Internal Server Error"}', GatewayError),
        (502, "<html>Bad Gateway</html>", GatewayError),
    ],
)
async def test_tempo_broken_replies(
    fake: FakeGateway,
    protocol: Gateway,
    status: int,
    body: str,
    error: type[EnedisError],
) -> None:
    """A broken Tempo reply is one of the client's errors."""
    fake.reply = (status, body, "application/json")
    async with aiohttp.ClientSession() as session:
        client = _fake_client(session, fake, protocol, fake.url)
        with pytest.raises(error) as excinfo:
            await client.get_tempo(date(2026, 11, 1), TODAY)
    assert excinfo.type is error


async def test_tempo_window_must_not_be_reversed() -> None:
    async with aiohttp.ClientSession() as session:
        client = EnedisClient(session, token=TOKEN, pdl=PDL)
        with pytest.raises(ValueError, match="ends before"):
            await client.get_tempo(TODAY, TODAY - timedelta(days=1))
