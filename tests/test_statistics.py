"""Energy dashboard statistics on Home Assistant's real recorder, against the simulator."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.enedis_gateway.const import DEFAULT_OPTIONS
from custom_components.enedis_gateway.coordinator import EnedisCoordinator
from custom_components.enedis_gateway.linky.energy_stats import BACKFILL_GROWTH, Series
from simulator import Household

from .conftest import PDL, Gateway, make_entry
from .helpers import (
    CALLS,
    CARD,
    COMPLETENESS,
    PARIS,
    RECENT,
    activated_on,
    advance,
    paris,
    setup,
)

PRICE_HP = float(DEFAULT_OPTIONS["price_hp"])  # type: ignore[arg-type]
PRICE_HC = float(DEFAULT_OPTIONS["price_hc"])  # type: ignore[arg-type]
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SERIES = (
    Series.CONSUMPTION,
    Series.CONSUMPTION_HP,
    Series.CONSUMPTION_HC,
    Series.CONSUMPTION_COST,
)

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)

type Rows = dict[float, float]  # UTC start timestamp -> kWh (or €)


def sid(series: Series) -> str:
    """Return the statistic id of a series of the test PDL."""
    return f"enedis_gateway:{PDL}_{series}"


def coordinator(entry: MockConfigEntry) -> EnedisCoordinator:
    """Return the coordinator of an entry."""
    return entry.runtime_data.coordinator  # type: ignore[no-any-return]


async def stored(
    hass: HomeAssistant, period: str = "hour", types: set[str] | None = None
) -> dict[Series, list[dict[str, Any]]]:
    """Return every row of every series, as the recorder answers."""
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    result = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        EPOCH,
        None,
        {sid(series) for series in Series},
        period,
        None,
        types or {"state", "sum"},
    )
    return {series: result.get(sid(series), []) for series in Series}


def hours(household: Household, day: date) -> dict[float, tuple[float, float]]:
    """Return (kWh, off-peak kWh) of each UTC hour of a day, computed here."""
    result: dict[float, tuple[float, float]] = {}
    for start, minutes, watts in household.curve(day):
        hour = start.replace(minute=0).timestamp()
        kwh = watts * minutes / 60 / 1000
        offpeak = kwh if not 6 <= start.astimezone(PARIS).hour < 22 else 0.0
        total, hc = result.get(hour, (0.0, 0.0))
        result[hour] = (total + kwh, hc + offpeak)
    return result


def midnight(day: date) -> float:
    """Return the UTC timestamp of a Paris-local midnight."""
    return datetime(day.year, day.month, day.day, tzinfo=PARIS).timestamp()


def expected(
    household: Household, daily_days: set[date], curve_days: set[date]
) -> dict[Series, Rows]:
    """Return every row each series should hold, from the simulator's raw data."""
    rows: dict[Series, Rows] = {series: {} for series in SERIES}
    for day in sorted(daily_days | curve_days):
        if day not in curve_days:
            rows[Series.CONSUMPTION][midnight(day)] = household.daily_wh(day) / 1000
            continue
        for start, (kwh, hc) in hours(household, day).items():
            rows[Series.CONSUMPTION][start] = kwh
            rows[Series.CONSUMPTION_HP][start] = kwh - hc
            rows[Series.CONSUMPTION_HC][start] = hc
            rows[Series.CONSUMPTION_COST][start] = (kwh - hc) * PRICE_HP + hc * PRICE_HC
    return rows


def check_series(rows: list[dict[str, Any]], want: Rows) -> None:
    """Assert a series holds exactly the wanted rows, cumulative from its oldest row."""
    assert [row["start"] for row in rows] == sorted(want)
    running = 0.0
    for row in rows:
        running += want[row["start"]]
        assert row["state"] == pytest.approx(want[row["start"]], abs=1e-6)
        assert row["sum"] == pytest.approx(running, abs=1e-4)
    # The recorder counts from 0 before the oldest row: no jump there.
    assert rows[0]["sum"] == pytest.approx(rows[0]["state"], abs=1e-9)


async def check_dashboard(
    hass: HomeAssistant, want: dict[Series, Rows], series: tuple[Series, ...]
) -> None:
    """Assert the Energy dashboard's own queries give the true energy of each period."""
    oldest = min(min(want[item]) for item in series)
    start = datetime.fromtimestamp(oldest, UTC) - timedelta(days=10)
    for period in ("hour", "day"):
        await async_wait_recording_done(hass)
        answer = await get_instance(hass).async_add_executor_job(
            statistics_during_period,
            hass,
            start,
            None,
            {sid(item) for item in series},
            period,
            None,
            {"change"},
        )
        for item in series:
            truth: Counter[float] = Counter()
            for stamp, value in want[item].items():
                key = stamp
                if period == "day":
                    key = midnight(datetime.fromtimestamp(stamp, PARIS).date())
                truth[key] += value
            changes = {row["start"]: row["change"] for row in answer[sid(item)]}
            assert changes.keys() == truth.keys(), (item, period)
            for timestamp, value in truth.items():
                assert changes[timestamp] == pytest.approx(value, abs=1e-4), (
                    item,
                    period,
                    datetime.fromtimestamp(timestamp, PARIS),
                )


def history_days(entry: MockConfigEntry) -> tuple[set[date], set[date]]:
    """Return the days with a daily reading and those with a complete load curve."""
    series = coordinator(entry).history.consumption
    curve = {day for day, values in series.curve.items() if values.is_complete()}
    return set(series.daily), curve


async def test_cold_backfill_calls_and_statistics(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The full history in the minimum of calls, 15 a day, across the DST change.

    The one test of a whole 3-year backfill (depth is its point): the calls it
    makes, and every hour and day of the Energy statistics, right mid-backfill and
    at its end, in few rows written.
    """
    start = paris("2026-03-25 10:05:00")
    freezer.move_to(start)
    entry = make_entry(gateway)
    await setup(hass, entry)
    household = gateway.sim.household
    assert hass.states.get(CALLS).state == "15"
    # The newest day comes first: yesterday is on screen after the first cycle.
    card = hass.states.get(CARD)
    assert card.attributes["yesterdayDate"] == "2026-03-24"
    assert float(card.state) == household.daily_wh(date(2026, 3, 24)) / 1000

    # Day 3 of the 15-calls-a-day backfill: the daily history is complete, the load
    # curve covers the newest weeks only.
    await advance(hass, freezer, 48)
    daily_days, curve_days = history_days(entry)
    assert len(daily_days) >= 1095
    assert 100 < len(curve_days) < 730
    want = expected(household, daily_days, curve_days)
    rows = await stored(hass)
    check_series(rows[Series.CONSUMPTION], want[Series.CONSUMPTION])
    await check_dashboard(hass, want, (Series.CONSUMPTION,))
    # HP, HC and cost come from the load curve: while older weeks keep coming, the
    # series grow back in time only once their span grows BACKFILL_GROWTH times;
    # what they hold is right.
    for series in SERIES[1:]:
        held = {row["start"] for row in rows[series]}
        assert len(want[series]) // BACKFILL_GROWTH < len(held) < len(want[series])
        part = {start: want[series][start] for start in held}
        assert held == {start for start in want[series] if start >= min(held)}
        check_series(rows[series], part)

    # The end of the backfill, across the spring DST change (2026-03-29).
    days = 2
    while hass.states.get(COMPLETENESS).state != "100.0" and days < 12:
        await advance(hass, freezer, 24)
        days += 1
    # 111 calls of backfill: 15 on the first day, then 15 minus the 3 kept for
    # the new day: 1 + ceil((111 - 15) / 12) = 9 local days.
    assert days + 1 == 9
    per_day = Counter(call.at.astimezone(PARIS).date() for call in gateway.sim.calls)
    assert max(per_day.values()) == 15
    first_day = start.date()
    # History that existed at the start: the minimum number of windows, the
    # 3-year and 2-year limits moving forward by a window meanwhile.
    backfill = Counter(
        call.type
        for call in gateway.sim.calls
        if call.end is None or call.end <= first_day
    )
    assert backfill == {
        "contracts": 1,
        "daily_consumption": 3,
        "consumption_load_curve": 104,
        "daily_consumption_max_power": 3,
    }
    # Each day published meanwhile costs one one-day call per type.
    new_days = [call for call in gateway.sim.calls if call.end and call.end > first_day]
    assert all(call.end - call.start == timedelta(days=1) for call in new_days)
    assert Counter((call.type, call.start) for call in new_days) == {
        (kind, first_day + timedelta(days=n)): 1
        for kind in backfill
        if kind != "contracts"
        for n in range(days)
    }
    data = hass_storage[f"enedis_gateway.{entry.entry_id}"]["data"]
    assert len(data["consumption"]["daily"]) >= 1095
    assert len(data["consumption"]["curve"]) >= 730
    assert data["blacklist"] == {}
    daily_days, curve_days = history_days(entry)
    want = expected(household, daily_days, curve_days)
    rows = await stored(hass)
    for series in SERIES:
        check_series(rows[series], want[series])
    await check_dashboard(hass, want, SERIES)
    # DST days hold 23 and 25 hourly rows, HP + HC = total hour by hour.
    by_day: Counter[date] = Counter(
        datetime.fromtimestamp(row["start"], PARIS).date()
        for row in rows[Series.CONSUMPTION]
    )
    assert by_day[date(2025, 3, 30)] == 23
    assert by_day[date(2025, 10, 26)] == 25
    assert by_day[date(2026, 3, 29)] == 23
    hp = {row["start"]: row["state"] for row in rows[Series.CONSUMPTION_HP]}
    hc = {row["start"]: row["state"] for row in rows[Series.CONSUMPTION_HC]}
    for row in rows[Series.CONSUMPTION]:
        if row["start"] in hp:
            assert hp[row["start"]] + hc[row["start"]] == pytest.approx(
                row["state"], abs=2e-6
            )
    # Rows written over the whole backfill: 1.42 times the final count (2.26 when a
    # step back waited for the span to double only).
    queued = sum(entry.runtime_data.outputs.statistics.rows_queued.values())
    final = sum(len(rows[series]) for series in SERIES)
    assert final > 4 * 17_000
    assert queued < 1.5 * final


# Calls to the whole history (72 days) of a meter activated on 2026-01-12: the
# original protocols take the load curve a week a call, v2 in one batch.
NEW_METER_CALLS = {
    "myelectricaldata": {
        "daily_consumption": 1,
        "consumption_load_curve": 11,
        "daily_consumption_max_power": 1,
    },
    "enedis_gateway": {
        "daily_consumption": 1,
        "consumption_load_curve": 11,
        "daily_consumption_max_power": 1,
    },
    "myelectricaldata_v2": {
        "daily_consumption": 1,
        "consumption_load_curve": 1,
        "daily_consumption_max_power": 1,
    },
}


@pytest.mark.parametrize("protocol", list(NEW_METER_CALLS))
async def test_backfill_of_a_new_meter(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    protocol: str,
) -> None:
    """On each protocol: a young meter's whole history in one cycle, every hour right.

    The 3-year backfill is tested once (above, and on v2 in test_med2.py); this
    one runs the same checks on each protocol's wire format and windows.
    """
    now = paris("2026-03-25 10:05:00")
    activation = date(2026, 1, 12)
    contract = activated_on(gateway, activation)
    freezer.move_to(now)
    entry = make_entry(gateway, protocol=protocol, contract=contract)
    await setup(hass, entry)
    assert hass.states.get(COMPLETENESS).state == "100.0"
    assert (
        Counter(call.type for call in gateway.sim.calls if call.type != "pdl")
        - (Counter({"usage_stats": 1}))
        == NEW_METER_CALLS[protocol]
    )
    assert all(call.status == "ok" for call in gateway.sim.calls)
    household = gateway.sim.household
    yesterday = now.date() - timedelta(days=1)
    daily_days, curve_days = history_days(entry)
    # v2's daily endpoint stops at the day before yesterday; its curve does not.
    newest_daily = yesterday - timedelta(days=protocol == "myelectricaldata_v2")
    assert daily_days == {
        activation + timedelta(days=n)
        for n in range((newest_daily - activation).days + 1)
    }
    assert curve_days == {
        activation + timedelta(days=n) for n in range((yesterday - activation).days + 1)
    }
    assert hass.states.get(CARD).attributes["yesterdayDate"] == yesterday.isoformat()
    assert float(hass.states.get(CARD).state) == pytest.approx(
        household.daily_wh(yesterday) / 1000
    )
    want = expected(household, daily_days, curve_days)
    rows = await stored(hass)
    for series in SERIES:
        check_series(rows[series], want[series])
    await check_dashboard(hass, want, SERIES)


async def test_daily_update_price_change_and_restart(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """A new day writes 24 rows a series, a price only the cost, a restart nothing."""
    freezer.move_to(paris("2026-10-22 09:30:00"))
    # Not a matter of depth: a meter activated recently, complete on the first day.
    contract = activated_on(gateway, RECENT)
    entry = make_entry(gateway, options={"max_calls_per_day": 45}, contract=contract)
    await setup(hass, entry)
    await advance(hass, freezer, 72)
    importer = entry.runtime_data.outputs.statistics
    before = Counter(importer.rows_queued)

    # 2026-10-25, the autumn DST day (25 hours), is published on the 26th at 08:00.
    await advance(hass, freezer, 24)
    new_day = Counter(importer.rows_queued)
    new_day.subtract(before)
    assert dict(new_day) == dict.fromkeys(SERIES, 25)
    # An update with no new data writes nothing.
    await coordinator(entry).async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert Counter(importer.rows_queued) == before + new_day

    rows = await stored(hass)
    cost_before = rows[Series.CONSUMPTION_COST]
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "price_hp": 0.3}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    changed = Counter(importer.rows_queued)
    changed.subtract(before + new_day)
    assert set(+changed) == {Series.CONSUMPTION_COST}
    assert changed[Series.CONSUMPTION_COST] == len(cost_before)
    rows_after = await stored(hass)
    hp = {row["start"]: row["state"] for row in rows_after[Series.CONSUMPTION_HP]}
    hc = {row["start"]: row["state"] for row in rows_after[Series.CONSUMPTION_HC]}
    for row in rows_after[Series.CONSUMPTION_COST]:
        start = row["start"]
        assert row["state"] == pytest.approx(
            hp[start] * 0.3 + hc[start] * PRICE_HC, abs=2e-6
        )
    for series in (Series.CONSUMPTION, Series.CONSUMPTION_HP):
        assert rows_after[series] == rows[series]

    # Off-peak hours changed: HP, HC and cost follow, the total does not move.
    mark = Counter(importer.rows_queued)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "offpeak_hours": "HC (23H00-7H00)"}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    changed = Counter(importer.rows_queued)
    changed.subtract(mark)
    assert set(+changed) == {
        Series.CONSUMPTION_HP,
        Series.CONSUMPTION_HC,
        Series.CONSUMPTION_COST,
    }

    # A restart reads the recorder back and writes nothing.
    rows = await stored(hass)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.outputs.statistics.rows_queued.total() == 0
    assert await stored(hass) == rows


@pytest.mark.parametrize("household", [Household(seed=1, production=True)])
async def test_production_statistics(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """The production series holds the solar energy hour by hour."""
    freezer.move_to(paris("2026-06-10 09:30:00"))
    options = {
        "max_calls_per_day": 45,
        "consumption": False,
        "consumption_detail": False,
        "consumption_max_power": False,
        "production": True,
        "production_detail": True,
    }
    entry = make_entry(gateway, options=options)
    await setup(hass, entry)
    household = gateway.sim.household
    series = coordinator(entry).history.production
    curve_days = {day for day, values in series.curve.items() if values.is_complete()}
    assert len(curve_days) > 200
    want: Rows = {}
    for day in sorted(set(series.daily) | curve_days):
        if day not in curve_days:
            want[midnight(day)] = (household.production_daily_wh(day) or 0) / 1000
            continue
        for start, minutes, watts in household.production_curve(day):
            hour = start.replace(minute=0).timestamp()
            want[hour] = want.get(hour, 0.0) + watts * minutes / 60 / 1000
    rows = await stored(hass)
    assert {series for series, held in rows.items() if held} == {Series.PRODUCTION}
    check_series(rows[Series.PRODUCTION], want)
    await check_dashboard(hass, {Series.PRODUCTION: want}, (Series.PRODUCTION,))
