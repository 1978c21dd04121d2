"""The simulator's Tempo calendar and EcoWatt, and its routes read by our parsers."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import json
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from freezegun.api import TickingDateTimeFactory
import pytest

from custom_components.enedis_gateway.linky.exceptions import GatewayError
from custom_components.enedis_gateway.linky.tempo import (
    EcoWattDay,
    TempoColor,
    parse_ecowatt_v1,
    parse_ecowatt_v2,
    parse_tempo_v1,
    parse_tempo_v2,
    remaining_days,
)
from simulator import Simulator
from simulator.tempo import (
    HISTORY_START,
    ecowatt_signal,
    forecast_days,
    publication,
    published,
    season_colors,
    tempo_color,
)
from simulator.testing import RunningSimulator, start_simulator

PARIS = ZoneInfo("Europe/Paris")
PDL = "12345678901234"
TOKEN = "SIM-TOKEN-0123456789"
TODAY = date(2026, 1, 14)
ONE_DAY = timedelta(days=1)
WINTER = frozenset({11, 12, 1, 2, 3})
SUNDAY = 6

# Time ticks from the frozen instant, so that the event loop still runs.
pytestmark = pytest.mark.freeze_time("2026-01-14 10:00:00+01:00", tick=True)

SEASONS = [
    pytest.param(date(2023, 9, 1), 366, id="2023-24-leap"),
    pytest.param(date(2024, 9, 1), 365, id="2024-25"),
    pytest.param(date(2025, 9, 1), 365, id="2025-26"),
]


def _days(start: date, end: date) -> list[date]:
    """Return the days of [start, end)."""
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


def _longest_run(numbers: list[int]) -> int:
    """Return the longest run of consecutive integers in a sorted list."""
    longest = run = 0
    previous: int | None = None
    for number in numbers:
        run = run + 1 if previous is not None and number - previous == 1 else 1
        longest = max(longest, run)
        previous = number
    return longest


def _calendar(start: date, end: date) -> dict[date, TempoColor]:
    """Return the simulator's colours of [start, end) as our parsers type them."""
    return {day: TempoColor(tempo_color(day)) for day in _days(start, end)}


def _signals(days: list[date]) -> dict[date, EcoWattDay]:
    """Return the simulator's EcoWatt signals of some days as our parsers type them."""
    return {
        day: EcoWattDay(
            day=day, level=ecowatt_signal(day).level, hours=ecowatt_signal(day).hours
        )
        for day in days
    }


# The calendar.


@pytest.mark.parametrize(("start", "length"), SEASONS)
def test_season_counts(start: date, length: int) -> None:
    colors = season_colors(start)
    assert sorted(colors) == _days(start, date(start.year + 1, 9, 1))
    assert len(colors) == length
    assert Counter(colors.values()) == {"BLUE": length - 65, "WHITE": 43, "RED": 22}
    # The whole season known: nothing left of any colour, 301 blue days or 300.
    typed = {day: TempoColor(color) for day, color in colors.items()}
    assert remaining_days(typed, start) == dict.fromkeys(TempoColor, 0)


@pytest.mark.parametrize(("start", "length"), SEASONS)
def test_red_days_only_on_winter_weekdays(start: date, length: int) -> None:
    reds = sorted(day for day, color in season_colors(start).items() if color == "RED")
    assert len(reds) == 22
    assert {day.month for day in reds} <= WINTER
    assert {day.weekday() for day in reds} <= {0, 1, 2, 3, 4}
    assert _longest_run([day.toordinal() for day in reds]) <= 5
    # Stricter than the rule: Friday and the next Monday count as in a row.
    season = _days(start, start + timedelta(days=length))
    weekdays = [day for day in season if day.weekday() < 5]
    assert _longest_run([weekdays.index(day) for day in reds]) <= 5


@pytest.mark.parametrize(("start", "length"), SEASONS)
def test_sundays_are_blue(start: date, length: int) -> None:
    colors = season_colors(start)
    sundays = [day for day in colors if day.weekday() == SUNDAY]
    assert len(sundays) in (52, 53)
    assert {colors[day] for day in sundays} == {"BLUE"}
    whites = [day for day, color in colors.items() if color == "WHITE"]
    assert len(whites) == 43
    assert SUNDAY not in {day.weekday() for day in whites}


def test_calendar_is_deterministic_and_cached() -> None:
    start = date(2025, 9, 1)
    assert season_colors(start) is season_colors(start)
    # Computed afresh, the season is the same.
    assert dict(season_colors.__wrapped__(start)) == dict(season_colors(start))
    assert tempo_color(date(2026, 1, 14)) == season_colors(start)[date(2026, 1, 14)]
    # Next season is another draw.
    assert list(season_colors(date(2026, 9, 1)).values()) != list(
        season_colors(start).values()
    )


@pytest.mark.parametrize("start", [date(2025, 9, 2), date(2025, 1, 1)])
def test_calendar_needs_a_season_start(start: date) -> None:
    with pytest.raises(ValueError, match="does not start a Tempo season"):
        season_colors(start)


@pytest.mark.parametrize(
    ("day", "now", "known"),
    [
        (date(2026, 1, 15), "2026-01-14T10:39:59+01:00", False),
        (date(2026, 1, 15), "2026-01-14T10:40:00+01:00", True),
        (date(2026, 1, 15), "2026-01-14T09:40:00+00:00", True),
        (date(2026, 1, 16), "2026-01-14T23:59:00+01:00", False),
        (date(2026, 1, 14), "2026-01-14T00:00:00+01:00", True),
        (date(2020, 1, 14), "2026-01-14T00:00:00+01:00", True),
        (date(2014, 8, 31), "2026-01-14T00:00:00+01:00", False),
        (HISTORY_START, "2026-01-14T00:00:00+01:00", True),
    ],
)
def test_publication(day: date, now: str, known: bool) -> None:
    assert published(day, datetime.fromisoformat(now)) is known


def test_publication_across_dst() -> None:
    # 29 March 2026 is the spring change: 10:40 CEST is 08:40 UTC.
    assert publication(date(2026, 3, 30)) == datetime(2026, 3, 29, 8, 40, tzinfo=UTC)
    assert publication(date(2026, 3, 29)) == datetime(2026, 3, 28, 9, 40, tzinfo=UTC)


def test_ecowatt_signals_of_a_season() -> None:
    days = _days(date(2025, 9, 1), date(2026, 9, 1))
    signals = [ecowatt_signal(day) for day in days]
    assert {len(signal.hours) for signal in signals} == {24}
    assert all(max(signal.hours) == signal.level for signal in signals)
    assert set().union(*(signal.hours for signal in signals)) == {0, 1, 2, 3}
    levels = Counter(signal.level for signal in signals if signal.day.month in WINTER)
    assert set(levels) == {1, 2, 3}
    assert levels[1] > levels[2] > levels[3] > 0
    assert {signal.level for signal in signals if signal.day.month not in WINTER} == {1}
    assert ecowatt_signal(date(2026, 1, 14)) == ecowatt_signal(date(2026, 1, 14))


@pytest.mark.parametrize(
    ("now", "days", "expected"),
    [
        # Periodes from UTC midnight: today's (the evening before) is left out.
        ("2026-01-14T10:00:00+01:00", 4, [15, 16, 17]),
        ("2026-01-14T10:00:00+01:00", 1, [15]),
        ("2026-01-14T10:00:00+01:00", 2, [15, 16]),
        ("2026-01-14T10:00:00+01:00", 7, [15, 16, 17]),
        # Between Paris and UTC midnight, today's is in.
        ("2026-01-15T00:30:00+01:00", 1, [15]),
        ("2026-01-15T00:30:00+01:00", 7, [15, 16, 17, 18]),
    ],
)
def test_forecast_days(now: str, days: int, expected: list[int]) -> None:
    served = forecast_days(datetime.fromisoformat(now), days)
    assert served == [date(2026, 1, day) for day in expected]


# The routes, through a running simulator.


@dataclass
class Env:
    """A simulator on 127.0.0.1 and an HTTP session."""

    sim: Simulator
    running: RunningSimulator
    session: aiohttp.ClientSession

    async def get(
        self, path: str, headers: Mapping[str, str] | None = None
    ) -> tuple[int, Any]:
        """Send one GET below the simulator's root; return the status and JSON body."""
        url = f"{self.running.base_url}{path}"
        async with self.session.get(url, headers=headers) as response:
            return response.status, json.loads(await response.text())

    def no_cache_calls(self) -> int:
        """Return the v2 account's no-cache calls of the UTC day."""
        return int(self.sim.med2.usage(datetime.now(UTC))["no_cache_requests"])


BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def env(socket_enabled: None) -> AsyncIterator[Env]:
    """Run the simulator and open a client session."""
    sim = Simulator(token=TOKEN, pdls=(PDL,))
    running = await start_simulator(sim)
    session = aiohttp.ClientSession()
    yield Env(sim=sim, running=running, session=session)
    await session.close()
    await running.close()


async def test_v1_tempo_is_public_and_end_exclusive(env: Env) -> None:
    status, body = await env.get("/rte/tempo/2025-12-01/2025-12-08")
    assert status == 200
    assert list(body) == [f"2025-12-0{day}" for day in range(1, 8)]
    assert parse_tempo_v1(body) == _calendar(date(2025, 12, 1), date(2025, 12, 8))
    assert [
        (call.protocol, call.type, call.start, call.end) for call in env.sim.tempo_calls
    ] == [("myelectricaldata", "tempo", date(2025, 12, 1), date(2025, 12, 8))]
    assert env.sim.calls == []


async def test_v1_tempo_publishes_tomorrow_at_10_40(
    env: Env, freezer: TickingDateTimeFactory
) -> None:
    freezer.move_to("2026-01-14 10:39:00+01:00")
    _, body = await env.get("/rte/tempo/2026-01-12/2026-01-20")
    assert parse_tempo_v1(body) == _calendar(date(2026, 1, 12), date(2026, 1, 15))
    freezer.move_to("2026-01-14 10:40:30+01:00")
    _, body = await env.get("/rte/tempo/2026-01-12/2026-01-20")
    assert parse_tempo_v1(body) == _calendar(date(2026, 1, 12), date(2026, 1, 16))


@pytest.mark.parametrize(
    "path",
    [
        "/rte/tempo/2026-13-01/2026-01-20",
        "/rte/tempo/2026-01-01/today",
        "/rte/ecowatt/yesterday/2026-01-20",
    ],
)
async def test_v1_refuses_a_bad_date(env: Env, path: str) -> None:
    status, body = await env.get(path)
    assert status == 422
    assert body["detail"][0]["msg"] == "Input should be a valid date"
    # Tempo calls go to a log of their own, EcoWatt's to the call log.
    log = env.sim.tempo_calls if "/tempo/" in path else env.sim.calls
    assert [call.status for call in log] == ["error:422"]


async def test_v1_ecowatt_keys_each_day_by_its_eve(env: Env) -> None:
    status, body = await env.get("/rte/ecowatt/2026-01-12/2026-01-20")
    assert status == 200
    # Signals from the 12th to today + 3, the 17th; keyed by the day before.
    assert list(body) == [f"2026-01-{day}" for day in range(11, 17)]
    assert next(iter(body["2026-01-11"]["detail"])) == "2026-01-12 00:00:00"
    days = _days(date(2026, 1, 12), date(2026, 1, 18))
    assert parse_ecowatt_v1(body) == _signals(days)
    assert body["2026-01-11"]["value"] == ecowatt_signal(date(2026, 1, 12)).level
    assert env.sim.calls[-1].type == "ecowatt"


async def test_v2_tempo_days_inclusive_and_sorted(env: Env) -> None:
    status, body = await env.get(
        "/api/tempo/days?start_date=2025-12-28&end_date=2026-01-03"
    )
    assert status == 200
    assert body["success"] is True
    dates = [item["date"] for item in body["data"]]
    assert dates == [
        day.isoformat() for day in _days(date(2025, 12, 28), date(2026, 1, 4))
    ]
    assert parse_tempo_v2(body) == _calendar(date(2025, 12, 28), date(2026, 1, 4))
    first = body["data"][0]
    # Published on the eve at 10:40 Paris, written as naive UTC.
    assert first["updated_at"] == "2025-12-27T09:40:00"
    assert first["color"] == tempo_color(date(2025, 12, 28))
    call = env.sim.tempo_calls[-1]
    assert (call.protocol, call.type, call.start, call.end) == (
        "myelectricaldata_v2",
        "tempo",
        date(2025, 12, 28),
        date(2026, 1, 3),
    )


async def test_v2_tempo_days_stop_at_the_last_published(env: Env) -> None:
    _, body = await env.get("/api/tempo/days?start_date=2026-01-10&end_date=2026-01-31")
    assert parse_tempo_v2(body) == _calendar(date(2026, 1, 10), TODAY + ONE_DAY)


async def test_v2_tempo_days_without_bounds_give_the_history(env: Env) -> None:
    _, body = await env.get("/api/tempo/days")
    colours = parse_tempo_v2(body)
    assert min(colours) == HISTORY_START
    assert max(colours) == TODAY
    assert len(colours) == (TODAY - HISTORY_START).days + 1


async def test_v2_tempo_days_bad_date(env: Env) -> None:
    status, body = await env.get("/api/tempo/days?start_date=14/01/2026")
    assert status == 200
    assert body["success"] is False
    assert body["error"]["code"] == "INVALID_DATE"
    with pytest.raises(GatewayError, match="INVALID_DATE"):
        parse_tempo_v2(body)
    assert env.sim.tempo_calls[-1].status == "error:INVALID_DATE"


@pytest.mark.parametrize(
    ("now", "day"),
    [
        ("2026-01-14 10:00:00+01:00", TODAY),
        # Already the 15th in Paris, still the 14th in UTC, the server's today.
        ("2026-01-15 00:30:00+01:00", TODAY),
        ("2026-01-15 01:00:30+01:00", TODAY + ONE_DAY),
    ],
)
async def test_v2_tempo_today_is_the_utc_day(
    env: Env, freezer: TickingDateTimeFactory, now: str, day: date
) -> None:
    freezer.move_to(now)
    status, body = await env.get("/api/tempo/today")
    assert status == 200
    assert body["data"]["date"] == day.isoformat()
    assert parse_tempo_v2(body) == {day: TempoColor(tempo_color(day))}


async def test_v2_tempo_week(env: Env, freezer: TickingDateTimeFactory) -> None:
    _, body = await env.get("/api/tempo/week")
    assert parse_tempo_v2(body) == _calendar(TODAY - 6 * ONE_DAY, TODAY + ONE_DAY)
    freezer.move_to("2026-01-14 10:41:00+01:00")
    _, body = await env.get("/api/tempo/week")
    assert parse_tempo_v2(body) == _calendar(TODAY - 6 * ONE_DAY, TODAY + 2 * ONE_DAY)
    assert len(body["data"]) == 8


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [15, 16, 17]),
        ("?days=1", [15]),
        ("?days=2", [15, 16]),
        ("?days=7", [15, 16, 17]),
    ],
)
async def test_v2_ecowatt_forecast(env: Env, query: str, expected: list[int]) -> None:
    status, body = await env.get(f"/api/ecowatt/forecast{query}", BEARER)
    assert status == 200
    days = [date(2026, 1, day) for day in expected]
    assert parse_ecowatt_v2(body) == _signals(days)
    first = body["data"][0]
    assert first["periode"] == "2026-01-14T23:00:00"
    assert (first["hdebut"], first["hfin"]) == (0, 23)
    assert first["dvalue"] == ecowatt_signal(date(2026, 1, 15)).level
    assert env.no_cache_calls() == 1
    assert [(call.protocol, call.type, call.status) for call in env.sim.calls] == [
        ("myelectricaldata_v2", "ecowatt", "ok")
    ]


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        (None, "Not authenticated"),
        ({"Authorization": "Bearer WRONG"}, "Invalid authentication credentials"),
        ({"Authorization": TOKEN}, "Invalid authentication credentials"),
    ],
)
async def test_v2_ecowatt_refuses_a_bad_token(
    env: Env, headers: dict[str, str] | None, detail: str
) -> None:
    status, body = await env.get("/api/ecowatt/forecast", headers)
    assert (status, body) == (401, {"detail": detail})
    assert env.no_cache_calls() == 0
    assert [call.status for call in env.sim.calls] == ["error:401"]


@pytest.mark.parametrize("days", ["0", "8", "x"])
async def test_v2_ecowatt_refuses_bad_days(env: Env, days: str) -> None:
    status, body = await env.get(f"/api/ecowatt/forecast?days={days}", BEARER)
    assert status == 422
    assert body["detail"][0]["loc"] == ["query", "days"]
    assert env.no_cache_calls() == 0


async def test_v2_ecowatt_counts_in_the_account_quota(env: Env) -> None:
    env.sim.no_cache_limit = 3
    status, _ = await env.get(f"/api/enedis/contract/{PDL}", BEARER)
    assert status == 200
    for _ in range(2):
        status, _ = await env.get("/api/ecowatt/forecast", BEARER)
        assert status == 200
    assert env.no_cache_calls() == 3
    status, body = await env.get("/api/ecowatt/forecast", BEARER)
    assert (status, body) == (
        429,
        {"detail": "Rate limit exceeded: 3/3 requests today"},
    )
    # The same bucket: the readings are refused too.
    _, body = await env.get(f"/api/enedis/contract/{PDL}", BEARER)
    assert body["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    # Tempo is public and never counted.
    status, _ = await env.get("/api/tempo/today")
    assert status == 200
    assert [call.status for call in env.sim.calls if call.type == "ecowatt"] == [
        "ok",
        "ok",
        "quota",
    ]


async def test_tempo_calls_are_logged_outside_the_token_quota(env: Env) -> None:
    env.sim.daily_limit = 1
    for path in (
        "/rte/tempo/2026-01-01/2026-01-10",
        "/rte/ecowatt/2026-01-10/2026-01-12",
        "/api/tempo/days?start_date=2026-01-01",
        "/api/tempo/today",
        "/api/tempo/week",
    ):
        status, _ = await env.get(path)
        assert status == 200
    assert env.no_cache_calls() == 0
    # The original protocols' quota of one call is still whole.
    token = {"Authorization": TOKEN}
    status, _ = await env.get(f"/contracts/{PDL}", token)
    assert status == 200
    status, _ = await env.get(f"/contracts/{PDL}", token)
    assert status == 409
    assert Counter((call.protocol, call.type) for call in env.sim.calls) == {
        ("myelectricaldata", "ecowatt"): 1,
        ("myelectricaldata", "contracts"): 2,
    }
    assert Counter((call.protocol, call.type) for call in env.sim.tempo_calls) == {
        ("myelectricaldata", "tempo"): 1,
        ("myelectricaldata_v2", "tempo"): 3,
    }
    assert env.sim.calls_on(TODAY) == 3


@pytest.mark.parametrize(
    "path", ["/api/tempo/unknown", "/api/tempo/days/", "/api/ecowatt"]
)
async def test_v2_catch_all_still_answers_unknown_paths(env: Env, path: str) -> None:
    status, body = await env.get(path, BEARER)
    assert (status, body) == (404, {"detail": "Not Found"})
