"""
Benchmark: API calls, compute, storage, statistics, event loop and memory vs limits.

Run with `make bench`. Deterministic: one seeded household, fixed instants. The call
figures drive the real planner, history and client against the simulator on
127.0.0.1 with a simulated clock; the event-loop, memory and statistics figures come
from a real Home Assistant started in a child process (recorder on a SQLite file),
set up on a stored full history with the newest day still to fetch.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
import gc
from itertools import pairwise
import json
import logging
import math
import os
from pathlib import Path
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from types import MappingProxyType
from typing import Any

import aiohttp
from homeassistant import bootstrap
from homeassistant.components.recorder import (
    get_instance,
    statistics as recorder_statistics,
)
from homeassistant.components.recorder.models import StatisticData
from homeassistant.components.recorder.tasks import CommitTask
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.helpers.json import save_json
from homeassistant.runner import RuntimeConfig
from homeassistant.util import dt as dt_util
from homeassistant.util.json import load_json

from custom_components.enedis_gateway.const import (
    CONF_GATEWAY,
    CONF_PDL,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from custom_components.enedis_gateway.linky.card import card_attributes
from custom_components.enedis_gateway.linky.client import EnedisClient
from custom_components.enedis_gateway.linky.energy_stats import (
    Digests,
    Series,
    Sync,
    backfill_frontier,
    build_series,
    digests_of,
    plan_writes,
)
from custom_components.enedis_gateway.linky.exceptions import (
    AuthError,
    EndOfHistoryError,
    NoDataError,
    QuotaError,
)
from custom_components.enedis_gateway.linky.history import (
    STORAGE_VERSION,
    History,
    SeriesHistory,
    StoredHistory,
    decode_history,
    encode_history,
    paris_day,
)
from custom_components.enedis_gateway.linky.models import (
    PARIS,
    Direction,
    Gateway,
    MeasureType,
)
from custom_components.enedis_gateway.linky.mqtt_payloads import mqtt_payloads
from custom_components.enedis_gateway.linky.pipeline import (
    Snapshot,
    build_snapshot,
    offpeak_text,
)
from custom_components.enedis_gateway.linky.planner import Request, Resource, plan
from custom_components.enedis_gateway.linky.summary import (
    Summary,
    build_summary,
    completeness,
)
from custom_components.enedis_gateway.linky.tariff import Tariff
from custom_components.enedis_gateway.options import EnedisOptions
from custom_components.enedis_gateway.statistics import StatisticsImporter
from custom_components.enedis_gateway.store import HistoryStore
from simulator import Household, Simulator, start_simulator
import simulator.app as simulator_app

ROOT = Path(__file__).resolve().parent.parent
VERSION = json.loads(
    (ROOT / "custom_components" / DOMAIN / "manifest.json").read_text()
)["version"]
WORK = ROOT / ".bench"
SEED = 1
PDL = "12345678901234"
TOKEN = "SIM-TOKEN-0123456789"  # noqa: S105 - the simulator's fake token
ENTRY_ID = "01JBENCH0000000000000000EG"
# The fixed "now" of every figure: Paris 10:05, after the 08:00 publication.
NOW = datetime(2026, 11, 28, 10, 5, tzinfo=PARIS)
# Minimum windows allowed by the API: 3 y of daily, 2 y of load curve, 3 y of max power.
MIN_WINDOWS = math.ceil(1095 / 365) + math.ceil(730 / 7) + math.ceil(1095 / 365)
# MyElectricalData v2 serves 729 days of load curve a call (its batch endpoint).
MIN_WINDOWS_V2 = math.ceil(1095 / 365) + math.ceil(730 / 729) + math.ceil(1095 / 365)
STEADY_DAYS = 7
COMPUTE_RUNS = 20
CURVE_MONTHS = (1, 3, 6, 12, 24)
# A step may cost this much more than proportional before it counts as worse than linear.
LINEAR_SLACK = 1.25
SLOW_CALLBACK = 0.005
OPTIONS = EnedisOptions.from_entry_options(DEFAULT_OPTIONS)
KINDS = OPTIONS.kinds
STATS_SERIES_LIMIT = 24
STATS_RUNS = 5


# --------------------------------------------------------------------------- clock


class Clock:
    """A clock frozen at an instant moved by hand, or ticking from a fixed start."""

    def __init__(self, start: datetime, *, ticking: bool = False) -> None:
        """Start at a fixed instant."""
        self.frozen: datetime | None = None if ticking else start.astimezone(UTC)
        self.offset = start.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        if self.frozen is not None:
            return self.frozen
        return datetime.now(UTC) + self.offset

    def move(self, delta: timedelta) -> None:
        """Move the clock."""
        if self.frozen is not None:
            self.frozen += delta
        else:
            self.offset += delta


def clock_the_simulator(clock: Clock) -> None:
    """Make the simulator read the bench clock instead of the machine's."""

    class SimDatetime(datetime):
        """A datetime whose now() is the bench clock."""

        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            """Return the bench clock's now."""
            return clock.now().astimezone(tz)

    simulator_app.datetime = SimDatetime  # type: ignore[misc]


# --------------------------------------------------------------------------- table


@dataclass(kw_only=True)
class Row:
    """One line of the table."""

    item: str
    figure: str
    value: str
    limit: str
    ok: bool | None

    @property
    def verdict(self) -> str:
        """Return OK, MISSED or info."""
        if self.ok is None:
            return "info"
        return "OK" if self.ok else "MISSED"


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.1f} ms"


def median_time(func: Callable[[], object], runs: int = COMPUTE_RUNS) -> float:
    """Return the median wall time of a function over runs."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_table(rows: list[Row], notes: list[str]) -> None:
    """Print the single result table."""
    headers = ("#", "figure", "measured", "limit", "verdict")
    cells = [(r.item, r.figure, r.value, r.limit, r.verdict) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(values: tuple[str, ...]) -> str:
        return (
            "| "
            + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))
            + " |"
        )

    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cell in cells:
        print(line(cell))
    if notes:
        print()
        for note in notes:
            print(f"- {note}")


# --------------------------------------------------------------------------- 1. calls


async def fetch_cycle(
    client: EnedisClient, stored: StoredHistory, now: datetime, max_calls: int
) -> int:
    """Make the calls the planner asks for now, the way the coordinator does; return them."""
    history, fetch = stored.history, stored.fetch
    budget = max_calls - fetch.calls_on(paris_day(now))
    requests = plan(
        history,
        fetch,
        kinds=KINDS,
        addresses=False,
        now=now,
        budget=budget,
        gateway=client.gateway,
    )
    for request in requests:
        fetch.count_call(now)
        try:
            await call(client, history, request)
        except EndOfHistoryError:
            assert isinstance(request.kind, MeasureType)
            assert request.end is not None
            fetch.raise_floor(request.kind, request.end)
        except NoDataError:
            pass
        except (AuthError, QuotaError) as err:
            raise RuntimeError(f"the bench hit {err!r}") from err
        if isinstance(request.kind, MeasureType):
            fetch.record_failure(history, request.kind, request.days, now)
    fetch.forget_stored(history)
    return len(requests)


async def call(client: EnedisClient, history: History, request: Request) -> None:
    """Make one call and merge its answer."""
    kind = request.kind
    if kind is Resource.CONTRACT:
        history.set_contract(await client.get_contract())
        return
    assert isinstance(kind, MeasureType)
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


def store_round_trip(stored: StoredHistory) -> StoredHistory:
    """Return the history as a restart reads it back from its Store file."""
    return decode_history(json.loads(json.dumps(encode(stored))))


def encode(stored: StoredHistory) -> dict[str, Any]:
    """Encode the history and its fetch state as HistoryStore does."""
    return encode_history(stored.history, stored.fetch)


@contextmanager
def simulated_gateway(clock: Clock, daily_limit: int = 50) -> Iterator[Simulator]:
    """Yield a simulator reading the bench clock."""
    clock_the_simulator(clock)
    yield Simulator(Household(SEED), token=TOKEN, pdls=(PDL,), daily_limit=daily_limit)


async def with_client[T](
    sim: Simulator,
    body: Callable[[EnedisClient], Awaitable[T]],
    gateway: Gateway = Gateway.MYELECTRICALDATA,
) -> T:
    """Serve the simulator on 127.0.0.1 and run body with a real client."""
    running = await start_simulator(sim)
    try:
        async with aiohttp.ClientSession() as session:
            client = EnedisClient(
                session,
                token=TOKEN,
                pdl=PDL,
                gateway=gateway,
                url=running.base_url
                if gateway is Gateway.MYELECTRICALDATA
                else running.api_url,
            )
            return await body(client)
    finally:
        await running.close()


async def full_history_at_once() -> tuple[StoredHistory, Counter[str]]:
    """Fetch the whole reachable history at NOW in one sitting, quota lifted."""
    clock = Clock(NOW)
    with simulated_gateway(clock, daily_limit=100_000) as sim:
        stored = StoredHistory()

        async def body(client: EnedisClient) -> None:
            await fetch_cycle(client, stored, clock.now(), max_calls=100_000)

        await with_client(sim, body)
    assert completeness(stored.history, stored.fetch, KINDS, NOW.date()) == 100.0
    return stored, Counter(c.type for c in sim.calls if c.status == "ok")


@dataclass(kw_only=True)
class StatsFollower:
    """Follow the history the way StatisticsImporter does; count the rows it queues."""

    written: dict[Series, Digests] = field(default_factory=dict)
    job: tuple[object, ...] | None = None
    queued: Counter[tuple[date, Series]] = field(default_factory=Counter)
    held_at: dict[date, int] = field(default_factory=dict)
    slowest: float = 0.0

    def update(
        self,
        stored: StoredHistory,
        today: date,
        gateway: Gateway = Gateway.MYELECTRICALDATA,
    ) -> None:
        """Compute and 'write' what an update of the importer would."""
        frontier = backfill_frontier(
            stored.history, stored.fetch, KINDS, today, gateway
        )
        job = (stored.history.revision, tuple(sorted(frontier.items())))
        if job == self.job:
            return
        start = time.perf_counter()
        results = stats_sync(stored, self.written, today)
        self.slowest = max(self.slowest, time.perf_counter() - start)
        for series, result in results.items():
            self.queued[today, series] += len(result.rows)
            self.written[series] = result.digests
        self.job = job
        self.held_at[today] = sum(
            count for digests in self.written.values() for count, _ in digests.values()
        )

    def queued_until(self, last: date) -> int:
        """Return the rows queued up to a day, included."""
        return sum(n for (day, _), n in self.queued.items() if day <= last)


@dataclass(kw_only=True)
class ColdStart:
    """What a cold start at a daily budget costs."""

    max_calls: int
    gateway: Gateway = Gateway.MYELECTRICALDATA
    backfill: Counter[str] = field(default_factory=Counter)
    days_to_full: int = 0
    restart_calls: dict[str, int] = field(default_factory=dict)
    steady_per_day: list[int] = field(default_factory=list)
    first_cycle: Counter[str] = field(default_factory=Counter)
    stats: StatsFollower = field(default_factory=StatsFollower)
    complete_on: date | None = None


async def cold_start(
    max_calls: int, gateway: Gateway = Gateway.MYELECTRICALDATA
) -> ColdStart:
    """Run the planner hour by hour from nothing to the full history, then a week."""
    clock = Clock(NOW)
    first_day = NOW.date()
    result = ColdStart(max_calls=max_calls, gateway=gateway)
    stored = StoredHistory()
    with simulated_gateway(clock) as sim:

        async def restart(client: EnedisClient, label: str) -> None:
            # A restart a few minutes later reads the Store file back and plans again.
            before = len(sim.calls)
            clock.move(timedelta(minutes=5))
            await fetch_cycle(client, store_round_trip(stored), clock.now(), max_calls)
            clock.move(timedelta(minutes=-5))
            result.restart_calls[label] = len(sim.calls) - before

        async def body(client: EnedisClient) -> None:
            complete_on: date | None = None
            hour = 0
            while True:
                now = clock.now()
                today = paris_day(now)
                if complete_on is not None and today > complete_on + timedelta(
                    days=STEADY_DAYS
                ):
                    break
                before = len(sim.calls)
                await fetch_cycle(client, stored, now, max_calls)
                if hour == 0:
                    result.first_cycle = Counter(c.type for c in sim.calls[before:])
                result.stats.update(stored, today, gateway)
                if hour in (0, 15, 39):
                    await restart(client, f"backfill hour {hour}")
                if (
                    complete_on is None
                    and completeness(
                        stored.history, stored.fetch, KINDS, today, gateway
                    )
                    == 100
                ):
                    complete_on = today
                    await restart(client, "complete")
                clock.move(timedelta(hours=1))
                hour += 1
                if hour > 24 * 60:
                    raise RuntimeError("no full history after 60 days")
            result.complete_on = complete_on
            result.days_to_full = (complete_on - first_day).days + 1
            per_day = Counter(paris_day(c.at) for c in sim.calls)
            result.steady_per_day = [
                per_day[complete_on + timedelta(days=n)]
                for n in range(1, STEADY_DAYS + 1)
            ]
            # The cycle of this hour first: on v2, 00:05 brings a new daily reading,
            # which is not what a restart costs.
            await fetch_cycle(client, stored, clock.now(), max_calls)
            await restart(client, "steady state")

        await with_client(sim, body, gateway)
    result.backfill = Counter(
        c.type for c in sim.calls if c.end is None or c.end <= first_day
    )
    return result


def days_bound(max_calls: int) -> int:
    """
    Return the days a newest-first backfill needs at most for the minimum windows.

    The first day spends the whole budget; every later day first spends one call
    per type on the day just published, the rest on the backlog (+1: the contract).
    """
    backlog = MIN_WINDOWS + 1 - max_calls
    return 1 + max(0, math.ceil(backlog / (max_calls - len(KINDS))))


async def calls_rows() -> tuple[list[Row], StoredHistory, list[ColdStart]]:
    """Item 1: API calls."""
    stored, at_once = await full_history_at_once()
    windows = sum(n for kind, n in at_once.items() if kind != "contracts")
    rows = [
        Row(
            item="1",
            figure="windows for the full history, one sitting (+1 contract call)",
            value=f"{windows} ({' + '.join(str(n) for k, n in at_once.items() if k != 'contracts')})",
            limit=f"≤ {MIN_WINDOWS} = ⌈1095/365⌉+⌈730/7⌉+⌈1095/365⌉",
            ok=windows <= MIN_WINDOWS,
        )
    ]
    restarts: dict[str, int] = {}
    steady: list[int] = []
    runs = []
    for max_calls in (15, 45):
        run = await cold_start(max_calls)
        runs.append(run)
        backfill_windows = sum(
            n for kind, n in run.backfill.items() if kind != "contracts"
        )
        rows.append(
            Row(
                item="1",
                figure=f"windows for the history existing at start, {max_calls}/day",
                value=str(backfill_windows),
                limit=f"≤ {MIN_WINDOWS}",
                ok=backfill_windows <= MIN_WINDOWS,
            )
        )
        bound = days_bound(max_calls)
        rows.append(
            Row(
                item="1",
                figure=f"days to the full history at {max_calls} calls/day",
                value=str(run.days_to_full),
                limit=f"≤ {bound} (budget bound)",
                ok=run.days_to_full <= bound,
            )
        )
        restarts.update(
            {f"{max_calls}/day {k}": v for k, v in run.restart_calls.items()}
        )
        steady.extend(run.steady_per_day)
    v2 = await cold_start(15, Gateway.MYELECTRICALDATA_V2)
    # v2's daily endpoint serves the day before yesterday: the first cycle's calls
    # are the backfill (the next days' one-day calls would pass the `end` filter).
    v2_calls = sum(v2.first_cycle.values())
    rows += [
        Row(
            item="1",
            figure="MyElectricalData v2: calls of the first cycle (full history), 15/day",
            value=f"{v2_calls} ({' + '.join(f'{n} {k}' for k, n in v2.first_cycle.items())})",
            limit=f"≤ {MIN_WINDOWS_V2 + 1} = ⌈1095/365⌉+⌈730/729⌉+⌈1095/365⌉+1",
            ok=v2_calls <= MIN_WINDOWS_V2 + 1,
        ),
        Row(
            item="1",
            figure="MyElectricalData v2: days to the full history at 15 calls/day",
            value=str(v2.days_to_full),
            limit="1 (the first cycle)",
            ok=v2.days_to_full == 1,
        ),
    ]
    restarts.update({f"v2 15/day {k}": v for k, v in v2.restart_calls.items()})
    steady.extend(v2.steady_per_day)
    rows.append(
        Row(
            item="1",
            figure=f"calls on a restart (max of {len(restarts)} restart points)",
            value=str(max(restarts.values())),
            limit="0",
            ok=max(restarts.values()) == 0,
        )
    )
    rows.append(
        Row(
            item="1",
            figure=f"calls per steady-state day ({len(steady)} days, data on time)",
            value=f"max {max(steady)}, min {min(steady)}",
            limit=f"≤ {len(KINDS)} (one per enabled type)",
            ok=max(steady) <= len(KINDS),
        )
    )
    return rows, stored, runs


# --------------------------------------------------------------------------- 2. compute


def rebuild(stored: StoredHistory, today: date) -> tuple[Any, ...]:
    """Rebuild what the entities, the card and the MQTT mirror read, as the coordinator does."""
    snapshot = snapshot_of(stored, today)
    topics = mqtt_payloads(
        stored.history,
        pdl=PDL,
        prefix="enedis_gateway",
        tariff=snapshot.tariff,
        today=today,
        production=OPTIONS.production,
        error=snapshot.last_error,
    )
    return snapshot, topics


def snapshot_of(
    stored: StoredHistory, today: date, previous: Tariff | None = None
) -> Snapshot:
    """Return the snapshot the coordinator builds after an update."""
    return build_snapshot(
        stored.history,
        stored.fetch,
        pdl=PDL,
        plan=OPTIONS.plan,
        prices=OPTIONS.prices,
        offpeak_override=OPTIONS.offpeak_override,
        offpeak_weekdays=OPTIONS.offpeak_weekdays,
        kinds=KINDS,
        today=today,
        calls_today=0,
        version=VERSION,
        previous=previous,
    )


def tariff_of(history: History) -> Tariff:
    """Return the tariff of the default options and the history's contract."""
    return Tariff.from_offpeak_text(
        OPTIONS.plan,
        OPTIONS.prices,
        offpeak_text(OPTIONS.offpeak_override, history),
        weekday_texts=OPTIONS.offpeak_weekdays,
    )


def time_rebuild(stored: StoredHistory, today: date) -> float:
    """Return the median time of a rebuild."""
    return median_time(lambda: rebuild(stored, today))


def with_curve_months(stored: StoredHistory, months: int, today: date) -> StoredHistory:
    """Return the history keeping only the newest months of load curve."""
    first = today - timedelta(days=round(months * 365.25 / 12))
    history = stored.history
    series = history.consumption
    return StoredHistory(
        history=History(
            contract=history.contract,
            consumption=SeriesHistory(
                daily=series.daily,
                curve={day: c for day, c in series.curve.items() if day >= first},
                max_power=series.max_power,
            ),
        ),
        fetch=stored.fetch,
    )


def compute_rows(stored: StoredHistory) -> tuple[list[Row], list[str]]:
    """Item 2: time to rebuild everything from the full history, and its growth."""
    today = NOW.date()
    _, topics = rebuild(stored, today)
    full = time_rebuild(stored, today)
    rows = [
        Row(
            item="2",
            figure=f"rebuild summary + card + {len(topics)} MQTT topics, full history "
            f"(median of {COMPUTE_RUNS})",
            value=ms(full),
            limit="≤ 50 ms",
            ok=full <= 0.050,
        )
    ]
    times = {
        months: time_rebuild(with_curve_months(stored, months, today), today)
        for months in CURVE_MONTHS
    }
    steps = list(pairwise(CURVE_MONTHS))
    linear = all(times[b] / times[a] <= b / a * LINEAR_SLACK for a, b in steps)
    rows.append(
        Row(
            item="2",
            figure="growth with months of load curve (3 y daily kept): "
            + ", ".join(f"{m} mo" for m in CURVE_MONTHS),
            value=" / ".join(f"{times[m] * 1000:.1f}" for m in CURVE_MONTHS)
            + f" ms; 24 mo / 1 mo = {times[24] / times[1]:.1f}x",
            limit=f"linear or better (each step ≤ data ratio x {LINEAR_SLACK})",
            ok=linear,
        )
    )
    notes = [f"compute split (median): {rebuild_split(stored, today)}"]
    return rows, notes


def rebuild_split(stored: StoredHistory, today: date) -> str:
    """
    Return the median time of each part of the rebuild alone.

    Each part gets a fresh tariff: a tariff memoizes the split of each curve it
    reads, which in a rebuild the summary pays for and the MQTT tree reuses.
    """
    history = stored.history
    tariff = tariff_of(history)

    def summary() -> Summary:
        return build_summary(
            history,
            stored.fetch,
            direction=Direction.CONSUMPTION,
            tariff=tariff_of(history),
            today=today,
        )

    built = summary()

    def card() -> object:
        return card_attributes(
            history,
            pdl=PDL,
            tariff=tariff,
            summary=built,
            offpeak_text="",
            last_call=None,
            error="",
            version=VERSION,
        )

    def topics() -> object:
        return mqtt_payloads(
            history,
            pdl=PDL,
            prefix="enedis_gateway",
            tariff=tariff_of(history),
            today=today,
            production=False,
            error="",
        )

    return (
        f"build_summary {ms(median_time(summary))}, "
        f"card_attributes {ms(median_time(card))}, "
        f"mqtt_payloads {ms(median_time(topics))}"
    )


# --------------------------------------------------------------------------- 3. storage


def store_payload(stored: StoredHistory) -> dict[str, Any]:
    """Return what HistoryStore hands to Home Assistant's Store for a save."""
    return {
        "version": STORAGE_VERSION,
        "minor_version": 1,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": encode(stored),
    }


def write_store_file(path: Path, stored: StoredHistory) -> None:
    """Write the Store file exactly as Home Assistant's Store does (orjson, indent 2)."""

    path.parent.mkdir(parents=True, exist_ok=True)
    save_json(str(path), store_payload(stored), private=True, atomic_writes=True)


def storage_rows(stored: StoredHistory) -> tuple[list[Row], list[str]]:
    """Item 3: Store file size, load time, save-encoding time."""

    path = WORK / "store" / f"{DOMAIN}.{ENTRY_ID}"
    write_store_file(path, stored)
    size = path.stat().st_size

    def load() -> StoredHistory:
        return decode_history(load_json(path)["data"])

    assert load() == stored
    load_time = median_time(load)
    read_time = median_time(lambda: load_json(path))
    encode_time = median_time(lambda: encode(stored))
    rows = [
        Row(
            item="3",
            figure="Store file for the full history (orjson, indent 2, as HA writes)",
            value=f"{size / 1000:.0f} kB",
            limit="≤ 1 MB",
            ok=size <= 1_000_000,
        ),
        Row(
            item="3",
            figure=f"load: read + parse + decode (median of {COMPUTE_RUNS})",
            value=ms(load_time),
            limit="≤ 100 ms",
            ok=load_time <= 0.100,
        ),
    ]
    notes = [
        f"load split: file read + JSON parse {ms(read_time)} (executor), "
        f"decode_history {ms(load_time - read_time)} (executor in Home Assistant); "
        f"encode_history for a save {ms(encode_time)} (executor, under the meter lock; a delayed save encodes in the loop)"
    ]
    return rows, notes


# --------------------------------------------------------------------------- 4. statistics


def stats_sync(
    stored: StoredHistory, written: dict[Series, Digests], today: date
) -> dict[Series, Sync]:
    """Return what StatisticsImporter computes in a worker thread for an update."""
    history = stored.history
    return plan_writes(
        history,
        written,
        kinds=KINDS,
        tariff=tariff_of(history),
        frontier=backfill_frontier(history, stored.fetch, KINDS, today),
    )


def stats_build(
    stored: StoredHistory, written: dict[Series, Digests], today: date
) -> dict[Series, list[StatisticData]]:
    """Build the recorder rows of an update, as StatisticsImporter does before queuing."""
    return {
        series: [
            StatisticData(start=start, state=state, sum=total)
            for start, state, total in result.rows
        ]
        for series, result in stats_sync(stored, written, today).items()
    }


def without_newest_day(stored: StoredHistory) -> StoredHistory:
    """Return a copy of the history without yesterday: the state before a daily update."""
    copy = store_round_trip(stored)
    yesterday = NOW.date() - timedelta(days=1)
    for readings in (
        copy.history.consumption.daily,
        copy.history.consumption.curve,
        copy.history.consumption.max_power,
    ):
        readings.pop(yesterday)
    return copy


def backfill_stats_rows(runs: list[ColdStart]) -> tuple[list[Row], list[str]]:
    """Item 4 over the cold starts: rows queued during the backfill, then per day."""
    rows = []
    notes = []
    for run in runs:
        assert run.complete_on is not None
        queued = run.stats.queued_until(run.complete_on)
        held = run.stats.held_at[run.complete_on]
        steady = [
            n for (day, _), n in run.stats.queued.items() if day > run.complete_on
        ]
        rows.append(
            Row(
                item="4",
                figure=f"cold start at {run.max_calls}/day: rows queued until the "
                "full history vs rows then held",
                value=f"{queued:,} vs {held:,} ({queued / held:.1f}x)",
                limit="info (README: about 1.4x)",
                ok=None,
            )
        )
        rows.append(
            Row(
                item="4",
                figure=f"rows per steady-state day, per series ({STEADY_DAYS} days, "
                f"{run.max_calls}/day run)",
                value=f"max {max(steady)}, min {min(steady)}",
                limit=f"≤ {STATS_SERIES_LIMIT} per series",
                ok=max(steady) <= STATS_SERIES_LIMIT,
            )
        )
        notes.append(
            f"cold start at {run.max_calls}/day: the slowest statistics computation "
            f"of an update (build_series + sync, worker thread) took {ms(run.stats.slowest)}"
        )
    return rows, notes


def stats_rows(
    stored: StoredHistory,
) -> tuple[list[Row], list[str], dict[str, float]]:
    """Item 4, the pure side: rows and build time of the cold import and of a new day."""
    today = NOW.date()
    history = stored.history
    cold = stats_build(stored, {}, today)
    cold_rows = sum(len(rows) for rows in cold.values())
    cold_time = median_time(lambda: stats_build(stored, {}, today), STATS_RUNS)
    before = without_newest_day(stored)
    written = {
        series: result.digests
        for series, result in stats_sync(before, {}, today).items()
    }
    daily = stats_build(stored, written, today)
    daily_time = median_time(lambda: stats_build(stored, written, today), STATS_RUNS)
    per_series = {str(series): len(rows) for series, rows in daily.items()}
    tariff = tariff_of(history)
    series_time = median_time(
        lambda: build_series(history, kinds=KINDS, tariff=tariff), STATS_RUNS
    )
    read_back = [
        [(row["start"].timestamp(), row["state"], row["sum"]) for row in rows]
        for rows in cold.values()
    ]
    digest_time = median_time(
        lambda: [digests_of(rows) for rows in read_back], STATS_RUNS
    )
    rows = [
        Row(
            item="4",
            figure=f"cold import: rows built ({len(cold)} series) and build time "
            f"(worker thread, median of {STATS_RUNS})",
            value=f"{cold_rows:,} rows in {ms(cold_time)}",
            limit="info (off the event loop, see item 5)",
            ok=None,
        ),
        Row(
            item="4",
            figure="rows per normal daily update, per series (pure, same inputs)",
            value=", ".join(f"{name} {n}" for name, n in per_series.items()),
            limit=f"≤ {STATS_SERIES_LIMIT} per series",
            ok=max(per_series.values()) <= STATS_SERIES_LIMIT,
        ),
        Row(
            item="4",
            figure="daily update: time to find those rows (full rebuild + digests, "
            "worker thread)",
            value=ms(daily_time),
            limit="info (off the event loop, see item 5)",
            ok=None,
        ),
    ]
    notes = [
        f"statistics split (median): energy_stats.build_series {ms(series_time)}, "
        f"sync + StatisticData for the cold import {ms(cold_time - series_time)}, "
        f"digests_of on the {cold_rows:,} rows read back after a restart "
        f"{ms(digest_time)}"
    ]
    return rows, notes, {"cold_rows": cold_rows, "cold_time": cold_time}


# --------------------------------------------------------------------------- 6. memory (pure)


def python_memory_note() -> str:
    """Return the Python heap peak of loading the Store file and rebuilding everything."""

    path = WORK / "store" / f"{DOMAIN}.{ENTRY_ID}"
    gc.collect()
    tracemalloc.start()
    loaded = decode_history(load_json(path)["data"])
    held, _ = tracemalloc.get_traced_memory()
    rebuild(loaded, NOW.date())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (
        f"Python heap (tracemalloc): the loaded history holds {held / 1e6:.1f} MB; "
        f"peak while loading and rebuilding {peak / 1e6:.1f} MB"
    )


# --------------------------------------------------------------------------- HA child


def install_clock(clock: Clock) -> None:
    """Make Home Assistant and the integration read the bench clock (fixed start, ticking)."""

    def utcnow() -> datetime:
        return clock.now()

    def now(time_zone: Any = None) -> datetime:
        return clock.now().astimezone(time_zone or dt_util.get_default_time_zone())

    def epoch() -> float:
        return clock.now().timestamp()

    # Like freezegun, but only for these three, with real datetime objects and the
    # monotonic clocks untouched: HA schedules timers from time.time() - utcnow().
    fakes = {id(dt_util.utcnow): utcnow, id(dt_util.now): now, id(time.time): epoch}
    for module in [*sys.modules.values(), time]:
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if (fake := fakes.get(id(value))) is not None:
                namespace[name] = fake
    clock_the_simulator(clock)


class SlowCallbacks(logging.Handler):
    """Collect asyncio's 'Executing <handle> took X seconds' records."""

    def __init__(self) -> None:
        """Start empty."""
        super().__init__(logging.WARNING)
        self.records: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the duration and the handle of a slow callback."""
        if record.msg.startswith("Executing") and len(record.args or ()) == 2:
            handle, seconds = record.args  # type: ignore[misc]
            self.records.append((float(seconds), str(handle)[:300]))

    def take(self) -> list[tuple[float, str]]:
        """Return and forget the records so far, slowest first."""
        records, self.records = sorted(self.records, reverse=True), []
        return records


class LoopSteps:
    """
    Time every step of the event loop, as asyncio's debug mode does, at no cost.

    Debug mode captures a stack (with a ``stat`` of each frame's file) at every task,
    future and callback it creates, which doubles the steps it reports; Home
    Assistant runs without it. This times ``Handle._run`` of the main thread only
    and keeps the steps over ``SLOW_CALLBACK``, named by their task.
    """

    def __init__(self) -> None:
        """Start empty; call ``install`` in the loop's thread."""
        self.records: list[tuple[float, str]] = []

    def install(self) -> None:
        """Wrap ``Handle._run`` (every callback and task step goes through it)."""
        run = asyncio.events.Handle._run  # noqa: SLF001 - the bench's own probe
        loop_thread = threading.get_ident()
        records = self.records

        def timed(handle: asyncio.Handle) -> None:
            if threading.get_ident() != loop_thread:
                run(handle)
                return
            start = time.perf_counter()
            try:
                run(handle)
            finally:
                took = time.perf_counter() - start
                if took > SLOW_CALLBACK:
                    callback = handle._callback  # noqa: SLF001
                    owner = getattr(callback, "__self__", None)
                    records.append((took, repr(owner or handle)[:300]))

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]  # noqa: SLF001

    def take(self) -> list[tuple[float, str]]:
        """Return and forget the records so far, slowest first."""
        self.records.sort(reverse=True)
        records = list(self.records)
        self.records.clear()
        return records


class RecorderImports:
    """Time each statistics import the recorder thread runs."""

    def __init__(self) -> None:
        """Wrap the recorder's import function."""
        self.calls: list[tuple[str, int, float]] = []
        real = recorder_statistics.import_statistics

        def timed(instance: Any, metadata: Any, stats: Any, table: Any) -> bool:
            rows = list(stats)
            start = time.perf_counter()
            done = real(instance, metadata, rows, table)
            self.calls.append(
                (metadata["statistic_id"], len(rows), time.perf_counter() - start)
            )
            return done

        recorder_statistics.import_statistics = timed

    def take(self) -> list[tuple[str, int, float]]:
        """Return and forget the imports so far."""
        calls, self.calls = self.calls, []
        return calls


class SimulatorThread:
    """The simulator served from its own thread, off Home Assistant's event loop."""

    def __init__(self, sim: Simulator) -> None:
        """Start serving."""
        self.sim = sim
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.running = asyncio.run_coroutine_threadsafe(
            start_simulator(sim), self.loop
        ).result()

    def close(self) -> None:
        """Stop serving."""
        asyncio.run_coroutine_threadsafe(self.running.close(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


def rss_kb(field_name: str) -> int:
    """Return a VmRSS/VmHWM figure of this process in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    raise RuntimeError(field_name)


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux ≥ 4.0); return False when refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


async def wait_recording_done(hass: Any) -> None:
    """Wait until the recorder has committed everything queued so far."""

    await hass.async_block_till_done()
    instance = get_instance(hass)
    instance.queue_task(CommitTask())
    await hass.async_block_till_done()
    await hass.async_add_executor_job(instance.block_till_done)
    await hass.async_block_till_done()


async def ha_phase(
    hass: Any,
    name: str,
    action: Callable[[], Awaitable[object]],
    *,
    slow: SlowCallbacks | LoopSteps,
    imports: RecorderImports,
    sim: Simulator,
) -> dict[str, Any]:
    """Run one phase and collect its event-loop, call and recorder figures."""
    # End the bench's own loop step (gc, RSS reads) before listening.
    await asyncio.sleep(0)
    slow.take()
    imports.take()
    calls_before = len(sim.calls)
    start = time.perf_counter()
    # A task of its own, so that asyncio names it when one of its steps is slow.
    await hass.async_create_task(action(), f"bench: {name}", eager_start=False)
    await hass.async_block_till_done(wait_background_tasks=True)
    settled = time.perf_counter()
    await wait_recording_done(hass)
    done = time.perf_counter()
    records = slow.take()
    recorder = imports.take()
    rows_by_id: Counter[str] = Counter()
    for statistic_id, rows, _ in recorder:
        rows_by_id[statistic_id] += rows
    return {
        "name": name,
        "wall": settled - start,
        "recorder_wait": done - settled,
        "max_block": records[0][0] if records else 0.0,
        "slowest": records[:5],
        "slow_count": len(records),
        "calls": len(sim.calls) - calls_before,
        "recorder_imports": len(recorder),
        "recorder_rows": dict(rows_by_id),
        "recorder_time": sum(t for _, _, t in recorder),
    }


async def ha_run(
    workdir: Path, clock: Clock, slow: SlowCallbacks | LoopSteps
) -> dict[str, Any]:
    """Start Home Assistant on the prepared config dir and measure the update."""

    config = workdir / "config"
    hass = await bootstrap.async_setup_hass(
        RuntimeConfig(
            config_dir=str(config),
            skip_pip=True,
            log_file=str(workdir / "home-assistant.log"),
        )
    )
    assert hass is not None
    result: dict[str, Any] = {}
    simulator = SimulatorThread(Simulator(Household(SEED), token=TOKEN, pdls=(PDL,)))
    sim = simulator.sim
    try:
        await hass.async_start()
        await get_instance(hass).async_db_ready
        await wait_recording_done(hass)
        imports = RecorderImports()
        entry = ConfigEntry(
            data={
                CONF_GATEWAY: Gateway.MYELECTRICALDATA.value,
                CONF_URL: simulator.running.base_url,
                CONF_ACCESS_TOKEN: TOKEN,
                CONF_PDL: PDL,
            },
            discovery_keys=MappingProxyType({}),
            domain=DOMAIN,
            entry_id=ENTRY_ID,
            minor_version=1,
            options=dict(DEFAULT_OPTIONS),
            source="user",
            subentries_data=None,
            title=f"Linky {PDL}",
            unique_id=PDL,
            version=1,
        )
        gc.collect()
        peak_reset = reset_peak_rss()
        rss_before = rss_kb("VmRSS")
        maxrss_before = rss_kb("VmHWM")

        async def set_up() -> None:
            assert await hass.config_entries.async_add(entry) is None

        phases = [
            await ha_phase(
                hass,
                "setup on the stored full history + newest day",
                set_up,
                slow=slow,
                imports=imports,
                sim=sim,
            )
        ]
        result["rss_peak_growth_kb"] = rss_kb("VmHWM") - (
            rss_before if peak_reset else maxrss_before
        )
        gc.collect()
        result["rss_retained_growth_kb"] = rss_kb("VmRSS") - rss_before
        result["peak_reset"] = peak_reset
        coordinator = entry.runtime_data.coordinator
        result["complete"] = coordinator.data.consumption.completeness_percent

        async def next_day() -> None:
            clock.move(timedelta(days=1))
            await coordinator.async_refresh()

        phases.append(
            await ha_phase(
                hass,
                "daily update (next day 10:05)",
                next_day,
                slow=slow,
                imports=imports,
                sim=sim,
            )
        )

        async def reload() -> None:
            assert await hass.config_entries.async_reload(entry.entry_id)

        phases.append(
            await ha_phase(
                hass,
                "restart (entry reload)",
                reload,
                slow=slow,
                imports=imports,
                sim=sim,
            )
        )
        result["phases"] = phases
        store_file = config / ".storage" / f"{DOMAIN}.{ENTRY_ID}"
        coordinator = entry.runtime_data.coordinator
        await coordinator.store.async_save_history(
            coordinator.history, coordinator.fetch
        )
        result["store_size"] = store_file.stat().st_size
        loads = []
        for _ in range(5):
            store = HistoryStore(hass, ENTRY_ID)
            start = time.perf_counter()
            await store.async_load_history()
            loads.append(time.perf_counter() - start)
        result["store_load"] = statistics.median(loads)
        await hass.async_add_executor_job(
            (workdir / "result.json").write_text, json.dumps(result, indent=1)
        )
    finally:
        await hass.async_stop()
        simulator.close()
    return result


def ha_child(workdir: Path, *, with_statistics: bool, debug_loop: bool) -> None:
    """Entry point of the child process: a real Home Assistant with the integration."""
    if not with_statistics:
        # Diagnostic run only: what the update costs without the Energy importer.
        def skip(*_: object) -> None:
            """Write no statistics."""

        StatisticsImporter.async_schedule = skip  # type: ignore[method-assign]
    clock = Clock(NOW, ticking=True)
    install_clock(clock)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    slow: SlowCallbacks | LoopSteps
    if debug_loop:
        loop.set_debug(True)
        loop.slow_callback_duration = SLOW_CALLBACK
        slow = SlowCallbacks()
        logging.getLogger("asyncio").addHandler(slow)
    else:
        slow = LoopSteps()
        slow.install()
    try:
        loop.run_until_complete(ha_run(workdir, clock, slow))
    finally:
        loop.close()


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_ha(stored: StoredHistory, workdir: Path) -> None:
    """Write a config dir: recorder on SQLite, the full history minus yesterday stored."""
    shutil.rmtree(workdir, ignore_errors=True)
    config = workdir / "config"
    config.mkdir(parents=True)
    (config / "configuration.yaml").write_text(
        "homeassistant:\n"
        "  name: bench\n"
        "  time_zone: Europe/Paris\n"
        "  country: FR\n"
        "  currency: EUR\n"
        "  unit_system: metric\n"
        "  latitude: 48.85\n"
        "  longitude: 2.35\n"
        "  elevation: 35\n"
        # The frontend is a default integration: keep its server off the usual port.
        "http:\n"
        "  server_host: 127.0.0.1\n"
        f"  server_port: {free_port()}\n"
        "recorder:\n"
        f"  db_url: sqlite:///{workdir / 'recorder.db'}\n"
        "logger:\n"
        "  default: warning\n"
    )
    before = without_newest_day(stored)
    before.fetch.calls_day = None
    before.fetch.calls_count = 0
    write_store_file(config / ".storage" / f"{DOMAIN}.{ENTRY_ID}", before)


def run_ha_child(
    stored: StoredHistory,
    workdir: Path,
    *,
    with_statistics: bool,
    debug_loop: bool = False,
) -> Any:
    """Prepare a config dir, run the Home Assistant child on it, return its figures."""
    prepare_ha(stored, workdir)
    log = workdir / "child.log"
    command = [sys.executable, "-m", "scripts.bench", "--ha-child", str(workdir)]
    if not with_statistics:
        command.append("--no-statistics")
    if debug_loop:
        command.append("--debug-loop")
    with log.open("wb") as output:
        code = subprocess.call(  # noqa: S603 - our own interpreter and module
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    if code != 0:
        sys.stderr.write(log.read_text()[-5000:])
        raise RuntimeError(f"the Home Assistant child failed ({code}), see {log}")
    return json.loads((workdir / "result.json").read_text())


def slowest_text(phase: dict[str, Any]) -> str:
    """Return the slowest loop steps of a phase, named by their task."""
    parts = []
    for seconds, handle in phase["slowest"][:3]:
        name = re.search(r"name='([^']+)'", handle)
        parts.append(
            f"{seconds * 1000:.0f} ms in {name.group(1) if name else handle[:60]}"
        )
    return "; ".join(parts)


def ha_rows(
    result: dict[str, Any],
    bare: dict[str, Any],
    debug: dict[str, Any],
    built: dict[str, float],
) -> tuple[list[Row], list[str]]:
    """Items 5 and 6, the recorder side of 4 and a restart, from the Home Assistant child."""
    phases = result["phases"]
    cold, daily = phases[0], phases[1]
    cold_rows = sum(cold["recorder_rows"].values())
    rows = [
        Row(
            item="4",
            figure=f"cold import: the recorder's own time ({cold['recorder_imports']} "
            "jobs, SQLite file) vs the build time",
            value=f"{cold_rows:,} rows in {cold['recorder_time']:.1f} s "
            f"({cold['recorder_time'] / max(cold_rows, 1) * 1000:.2f} ms/row); "
            f"build = {built['cold_time'] / cold['recorder_time'] * 100:.1f} % of it",
            limit="info (recorder thread)",
            ok=None,
        ),
        Row(
            item="4",
            figure="rows per daily update through HA (recorder jobs), per series",
            value=", ".join(
                f"{sid.rsplit(f'{PDL}_', 1)[1]} {n}"
                for sid, n in sorted(daily["recorder_rows"].items())
            ),
            limit=f"≤ {STATS_SERIES_LIMIT} per series",
            ok=bool(daily["recorder_rows"])
            and max(daily["recorder_rows"].values()) <= STATS_SERIES_LIMIT,
        ),
        Row(
            item="5",
            figure="longest event-loop block, setup + full-history update "
            f"({phases[0]['calls']} calls, stats import)",
            value=ms(phases[0]["max_block"]),
            limit="< 50 ms",
            ok=phases[0]["max_block"] < 0.050,
        ),
        Row(
            item="5",
            figure="longest event-loop block, next daily update / restart",
            value=f"{ms(phases[1]['max_block'])} / {ms(phases[2]['max_block'])}",
            limit="< 50 ms",
            ok=max(phases[1]["max_block"], phases[2]["max_block"]) < 0.050,
        ),
        Row(
            item="1",
            figure="calls on a restart of the HA entry (reload, full history)",
            value=str(phases[2]["calls"]),
            limit="0",
            ok=phases[2]["calls"] == 0,
        ),
        Row(
            item="3",
            figure="Store file written by HA / HistoryStore load in HA (median of 5)",
            value=f"{result['store_size'] / 1000:.0f} kB / {ms(result['store_load'])}",
            limit="≤ 1 MB / ≤ 100 ms",
            ok=result["store_size"] <= 1_000_000 and result["store_load"] <= 0.100,
        ),
        Row(
            item="6",
            figure="peak RSS growth of the HA process: setup + full-history update",
            value=f"{result['rss_peak_growth_kb'] / 1024:.1f} MB "
            f"(retained {result['rss_retained_growth_kb'] / 1024:.1f} MB)",
            limit="< 30 MB",
            ok=result["rss_peak_growth_kb"] < 30 * 1024,
        ),
    ]
    bare_phases = bare["phases"]
    rows += [
        Row(
            item="5",
            figure="diagnostic: same three phases, statistics importer switched off",
            value=" / ".join(ms(phase["max_block"]) for phase in bare_phases),
            limit="< 50 ms",
            ok=max(phase["max_block"] for phase in bare_phases) < 0.050,
        ),
        Row(
            item="5",
            figure="diagnostic: same three phases in asyncio's debug mode "
            "(a stack captured at every task and callback)",
            value=" / ".join(ms(phase["max_block"]) for phase in debug["phases"]),
            limit="info",
            ok=None,
        ),
        Row(
            item="6",
            figure="diagnostic: same, statistics importer switched off",
            value=f"{bare['rss_peak_growth_kb'] / 1024:.1f} MB",
            limit="< 30 MB",
            ok=bare["rss_peak_growth_kb"] < 30 * 1024,
        ),
    ]
    notes = [
        f"HA phase '{phase['name']}': {phase['calls']} calls, "
        f"{phase['slow_count']} loop steps > {SLOW_CALLBACK * 1000:.0f} ms"
        + (f" (slowest: {slowest_text(phase)})" if phase["slowest"] else "")
        for phase in phases
    ]
    return rows, notes


# --------------------------------------------------------------------------- main


async def pure_parts() -> tuple[list[Row], list[str], StoredHistory, dict[str, float]]:
    """Items 1, 2, 3, the build side of 4 and the heap note of 6."""
    rows, stored, runs = await calls_rows()
    compute, compute_notes = compute_rows(stored)
    storage, storage_notes = storage_rows(stored)
    stats, stats_notes, built = stats_rows(stored)
    backfill, backfill_notes = backfill_stats_rows(runs)
    notes = [
        *compute_notes,
        *storage_notes,
        *stats_notes,
        *backfill_notes,
        python_memory_note(),
    ]
    return [*rows, *compute, *storage, *stats, *backfill], notes, stored, built


def main() -> int:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ha-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-statistics", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--debug-loop", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ha_child:
        ha_child(
            args.ha_child,
            with_statistics=not args.no_statistics,
            debug_loop=args.debug_loop,
        )
        return 0
    logging.basicConfig(level=logging.WARNING)
    WORK.mkdir(exist_ok=True)
    started = time.perf_counter()
    rows, notes, history, built = asyncio.run(pure_parts())
    result = run_ha_child(history, WORK / "ha", with_statistics=True)
    bare = run_ha_child(history, WORK / "ha-bare", with_statistics=False)
    debug = run_ha_child(
        history, WORK / "ha-debug", with_statistics=True, debug_loop=True
    )
    ha, ha_notes = ha_rows(result, bare, debug, built)
    # Timings are noisy on a shared machine: measure the compute once more at the end.
    compute_again, _ = compute_rows(history)
    rows.extend(ha)
    rows.append(
        Row(
            item="2",
            figure="rebuild, measured again at the end",
            value=compute_again[0].value,
            limit=compute_again[0].limit,
            ok=compute_again[0].ok,
        )
    )
    rows.sort(key=lambda row: row.item)
    print_table(
        rows,
        [
            *notes,
            *ha_notes,
            f"{os.cpu_count()} CPUs; bench took {time.perf_counter() - started:.0f} s",
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
