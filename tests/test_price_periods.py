"""Price periods through Home Assistant: each day costed at the prices in force that day."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.enedis_gateway.linky.energy_stats import Series
from simulator import Household
from simulator.tempo import season_colors, season_start

from .conftest import PDL, Gateway, make_entry
from .helpers import CARD, COMPLETENESS, PARIS, activated_on, paris, setup
from .test_statistics import SERIES, check_series, midnight, stored

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)

ACTIVATION = date(2026, 1, 5)
NOW = "2026-03-25 10:05:00"
# HP/HC since the start, new HP/HC prices from 1 February, BASE from 10 March.
BEFORE = {"plan": "HP/HC", "price_base": 0.2, "price_hp": 0.25, "price_hc": 0.1}
PERIODS = [
    {
        "start": "2026-02-01",
        "plan": "HP/HC",
        "price_base": 0.1952,
        "price_hp": 0.2081,
        "price_hc": 0.1635,
    },
    {
        "start": "2026-03-10",
        "plan": "BASE",
        "price_base": 0.1940,
        "price_hp": 0.2,
        "price_hc": 0.15,
    },
]


def prices_on(day: date, periods: list[dict[str, Any]]) -> tuple[float, float]:
    """Return the (HP, HC) €/kWh in force on a day, computed here from the options."""
    period = BEFORE
    for item in periods:
        if day >= date.fromisoformat(item["start"]):
            period = item
    if period["plan"] == "BASE":
        return period["price_base"], period["price_base"]
    return period["price_hp"], period["price_hc"]


def day_hours(household: Household, day: date) -> dict[float, tuple[float, float]]:
    """Return (HP kWh, HC kWh) of each hour of a day, HC 22:00-06:00 Paris."""
    hours: dict[float, tuple[float, float]] = {}
    for start, minutes, watts in household.curve(day):
        kwh = watts * minutes / 60 / 1000
        offpeak = not 6 <= start.astimezone(PARIS).hour < 22
        hour = start.replace(minute=0).timestamp()
        hp, hc = hours.get(hour, (0.0, 0.0))
        hours[hour] = (hp + (0.0 if offpeak else kwh), hc + (kwh if offpeak else 0.0))
    return hours


def day_cost(household: Household, day: date, periods: list[dict[str, Any]]) -> float:
    """Return the cost of a day at the prices in force that day."""
    hp_price, hc_price = prices_on(day, periods)
    return sum(
        hp * hp_price + hc * hc_price for hp, hc in day_hours(household, day).values()
    )


def days(first: date, last: date) -> list[date]:
    """Return the days of [first, last]."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def sensor(hass: HomeAssistant, key: str) -> float:
    """Return a sensor's state as a number."""
    return float(hass.states.get(f"sensor.linky_{PDL}_{key}").state)


async def test_every_cost_at_the_prices_of_its_day(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Sensors, card and cost statistic across three periods; a period edited later."""
    freezer.move_to(paris(NOW))
    contract = activated_on(gateway, ACTIVATION)
    options = {"max_calls_per_day": 45, **BEFORE, "price_periods": PERIODS}
    entry = make_entry(gateway, options=options, contract=contract)
    await setup(hass, entry)
    assert hass.states.get(COMPLETENESS).state == "100.0"
    household = gateway.sim.household
    today = paris(NOW).date()
    yesterday = today - timedelta(days=1)

    # Yesterday is in the BASE period: its HP and its HC at the one BASE price.
    assert sensor(hass, "yesterday_s_cost") == pytest.approx(
        household.daily_wh(yesterday) / 1000 * 0.1940
    )
    # This month: 1-9 March at February's HP/HC prices, then BASE.
    assert sensor(hass, "this_month_s_cost") == pytest.approx(
        sum(
            day_cost(household, day, PERIODS)
            for day in days(date(2026, 3, 1), yesterday)
        )
    )
    # This year: the three periods.
    year_cost = sum(
        day_cost(household, day, PERIODS) for day in days(ACTIVATION, yesterday)
    )
    assert sensor(hass, "this_year_s_cost") == pytest.approx(year_cost)
    # The plan verdict compares both plans at today's prices (the BASE period's).
    plan = hass.states.get(f"sensor.linky_{PDL}_best_plan").attributes
    kwh = sum(household.daily_wh(day) for day in days(ACTIVATION, yesterday)) / 1000
    assert plan["yearly_cost_base"] == pytest.approx(
        kwh * 0.1940 * 365 / len(days(ACTIVATION, yesterday)), abs=0.01
    )

    # The card's week, each day at its own prices (rounded to the cent, as drawn).
    card = hass.states.get(CARD).attributes
    week = [date.fromisoformat(text) for text in card["dailyweek"]]
    assert card["dailyweek_cost"] == [
        round(day_cost(household, day, PERIODS), 2) for day in week
    ]

    # The Energy dashboard's cost, hour by hour, at each hour's day prices.
    def want_costs(periods: list[dict[str, Any]]) -> dict[float, float]:
        want: dict[float, float] = {}
        for day in days(ACTIVATION, yesterday):
            hp_price, hc_price = prices_on(day, periods)
            for hour, (hp, hc) in day_hours(household, day).items():
                want[hour] = hp * hp_price + hc * hc_price
        return want

    rows = await stored(hass)
    check_series(rows[Series.CONSUMPTION_COST], want_costs(PERIODS))

    # February's HP price corrected in the options: no gateway call; the cost rows
    # from 1 February on are written again (the recorder keeps running sums), the
    # ones before are not; the energy series do not move.
    importer = entry.runtime_data.outputs.statistics
    queued = Counter(importer.rows_queued)
    calls = len(gateway.sim.calls)
    edited = [{**PERIODS[0], "price_hp": 0.2300}, PERIODS[1]]
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "price_periods": edited}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(gateway.sim.calls) == calls
    changed = Counter(importer.rows_queued)
    changed.subtract(queued)
    assert set(+changed) == {Series.CONSUMPTION_COST}
    from_february = [
        row
        for row in rows[Series.CONSUMPTION_COST]
        if row["start"] >= midnight(date(2026, 2, 1))
    ]
    assert changed[Series.CONSUMPTION_COST] == len(from_february)
    after = await stored(hass)
    check_series(after[Series.CONSUMPTION_COST], want_costs(edited))
    for series in SERIES:
        if series is not Series.CONSUMPTION_COST:
            assert after[series] == rows[series]
    # States change only inside the edited period (1 February to 9 March).
    moved = {
        datetime.fromtimestamp(row["start"], PARIS).date()
        for row, old in zip(
            after[Series.CONSUMPTION_COST], rows[Series.CONSUMPTION_COST], strict=True
        )
        if row["state"] != old["state"]
    }
    assert min(moved) == date(2026, 2, 1)
    assert max(moved) == date(2026, 3, 9)
    assert sensor(hass, "this_year_s_cost") == pytest.approx(
        sum(day_cost(household, day, edited) for day in days(ACTIVATION, yesterday))
    )


TEMPO = {
    "plan": "TEMPO",
    "price_base": 0.2,
    "price_hp": 0.25,
    "price_hc": 0.1,
    "price_blue_hp": 0.1612,
    "price_blue_hc": 0.1325,
    "price_white_hp": 0.1871,
    "price_white_hc": 0.1499,
    "price_red_hp": 0.706,
    "price_red_hc": 0.1575,
}


async def test_tempo_statistics_per_colour(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Six Tempo series summing to the total each hour; the hours after midnight at the eve's colour."""
    freezer.move_to(paris(NOW))
    contract = activated_on(gateway, ACTIVATION)
    options = {"max_calls_per_day": 45, **TEMPO}
    entry = make_entry(gateway, options=options, contract=contract)
    await setup(hass, entry)
    household = gateway.sim.household
    yesterday = paris(NOW).date() - timedelta(days=1)
    want: dict[Series, dict[float, float]] = {series: {} for series in Series}
    reds = 0
    for day in days(ACTIVATION, yesterday):
        for start, minutes, watts in household.curve(day):
            local = start.astimezone(PARIS)
            # The colour of the Tempo day (06:00 to 06:00), from the simulator's calendar.
            eve = local.hour < 6
            colour_day = day - timedelta(days=eve)
            colour = season_colors(season_start(colour_day))[colour_day].lower()
            offpeak = eve or local.hour >= 22
            kwh = watts * minutes / 60 / 1000
            hour = start.replace(minute=0).timestamp()
            period = "hc" if offpeak else "hp"
            series = Series(f"consumption_tempo_{colour}_{period}")
            want[series][hour] = want[series].get(hour, 0.0) + kwh
            cost = want[Series.CONSUMPTION_COST]
            cost[hour] = cost.get(hour, 0.0) + kwh * TEMPO[f"price_{colour}_{period}"]
            reds += colour == "red"
    assert reds > 0
    rows = await stored(hass)
    hours = {row["start"] for row in rows[Series.CONSUMPTION]}
    tempo_series = [series for series in Series if "tempo" in series.value]
    for series in (*tempo_series, Series.CONSUMPTION_COST):
        # Every hour in every Tempo series (0 where the hour is another colour's).
        expected = {hour: want[series].get(hour, 0.0) for hour in hours}
        check_series(rows[series], expected if series in tempo_series else want[series])
    states = {
        series: {row["start"]: row["state"] for row in rows[series]}
        for series in tempo_series
    }
    for row in rows[Series.CONSUMPTION]:
        assert sum(states[series][row["start"]] for series in tempo_series) == (
            pytest.approx(row["state"], abs=1e-5)
        )
    assert sensor(hass, "this_year_s_cost") == pytest.approx(
        sum(want[Series.CONSUMPTION_COST].values()), abs=1e-6
    )
