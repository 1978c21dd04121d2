"""Tempo colours through Home Assistant, on the three protocols, against the simulator."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.enedis_gateway.const import DOMAIN
from custom_components.enedis_gateway.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulator.tempo import season_colors, tempo_color

from .conftest import PDL, Gateway, make_entry
from .helpers import CALLS, CARD, PARIS, RECENT, activated_on, advance, paris, setup

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)

PROTOCOLS = ["myelectricaldata", "enedis_gateway", "myelectricaldata_v2"]
TODAY = date(2026, 11, 20)
TOMORROW = date(2026, 11, 21)
SEASON = date(2026, 9, 1)
QUOTAS = {"BLUE": 300, "WHITE": 43, "RED": 22}
PREFIX = f"sensor.linky_{PDL}"
TEMPO_TODAY = f"{PREFIX}_tempo_colour_today"
TEMPO_TOMORROW = f"{PREFIX}_tempo_colour_tomorrow"
DAYS_LEFT = f"{PREFIX}_tempo_days_left"
CARD_TODAY = f"{PREFIX}_tempo_today_card"
CARD_TOMORROW = f"{PREFIX}_tempo_tomorrow_card"


def tempo_calls(gateway: Gateway) -> list[Any]:
    """Return the Tempo calls the simulator served."""
    return list(gateway.sim.tempo_calls)


def metering_calls(gateway: Gateway) -> int:
    """Return the calls the budget counts: not Tempo, not v2's free usage read."""
    return sum(
        1 for call in gateway.sim.calls if call.type not in ("tempo", "usage_stats")
    )


def left_in_season(last: date) -> dict[str, int]:
    """Return the days of each colour left once the days up to last are published."""
    used = Counter(
        colour for day, colour in season_colors(SEASON).items() if day <= last
    )
    return {colour: quota - used[colour] for colour, quota in QUOTAS.items()}


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return the state of an entity."""
    return hass.states.get(entity_id).state


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_colours_fetched_stored_and_shown(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    hass_storage: dict[str, Any],
    protocol: str,
) -> None:
    """
    The history's colours in 2 calls, tomorrow's after 10:45, then 1 call a day.

    A meter activated on 5 October, set up at 09:30: the first cycle asks from the
    season's start (1 September, which the days left count from) to today in one call; the 11:30 cycle asks tomorrow (published at 10:40). None
    of them is a metering call, and a restart asks nothing.
    """
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-20 09:30:00"))
    entry = make_entry(gateway, protocol=protocol, contract=contract)
    await setup(hass, entry)

    calls = tempo_calls(gateway)
    assert len(calls) == 1
    # The original gateway's entries ask MyElectricalData v1's route on the host.
    expected_protocol = (
        "myelectricaldata_v2" if protocol == PROTOCOLS[2] else PROTOCOLS[0]
    )
    assert calls[0].protocol == expected_protocol
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["tempo"]
    assert min(stored) == SEASON.isoformat()
    assert max(stored) == TODAY.isoformat()
    assert len(stored) == (TODAY - SEASON).days + 1
    assert state(hass, TEMPO_TODAY) == tempo_color(TODAY).lower()
    assert hass.states.get(TEMPO_TODAY).attributes["date"] == TODAY.isoformat()
    assert state(hass, TEMPO_TOMORROW) == "unknown"
    assert hass.states.get(TEMPO_TOMORROW).attributes["date"] == TOMORROW.isoformat()
    # Not in the budget: the calls sensor counts the metering calls only.
    assert state(hass, CALLS) == str(metering_calls(gateway))
    assert hass.states.get(CALLS).attributes["tempo_calls_today"] == 1

    # 10:30: published at 10:40, asked from 10:45: nothing yet.
    await advance(hass, freezer, 1)
    assert len(tempo_calls(gateway)) == 1
    assert state(hass, TEMPO_TOMORROW) == "unknown"
    # 11:30: tomorrow's colour, in a second call.
    await advance(hass, freezer, 1)
    assert len(tempo_calls(gateway)) == 2
    assert state(hass, TEMPO_TOMORROW) == tempo_color(TOMORROW).lower()
    assert hass.states.get(CALLS).attributes["tempo_calls_today"] == 2
    assert state(hass, CALLS) == str(metering_calls(gateway))

    # The days left: the season's days up to tomorrow spent, counted here.
    left = left_in_season(TOMORROW)
    days_left = hass.states.get(DAYS_LEFT)
    assert days_left.state == str(sum(left.values()))
    assert days_left.attributes["days_blue"] == f"{left['BLUE']} / 300"
    assert days_left.attributes["days_white"] == f"{left['WHITE']} / 43"
    assert days_left.attributes["days_red"] == f"{left['RED']} / 22"
    assert days_left.attributes["red_days_left"] == left["RED"]

    # The card: each day's colour, and the value that opens its Tempo sections.
    card = hass.states.get(CARD).attributes
    assert card["dailyweek_Tempo"] == [
        tempo_color(date.fromisoformat(day)) for day in card["dailyweek"]
    ]
    assert card["serviceEnedis"] == "myElectricalData"

    # The card's J0/J1 entities, disabled by default; enabling them reloads the
    # entry: a restart, which asks no colour.
    for entity_id in (CARD_TODAY, CARD_TOMORROW):
        assert hass.states.get(entity_id) is None
        entity_registry.async_update_entity(entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(tempo_calls(gateway)) == 2
    assert state(hass, CARD_TODAY) == tempo_color(TODAY)
    assert state(hass, CARD_TOMORROW) == tempo_color(TOMORROW)
    assert hass.states.get(CARD_TOMORROW).attributes["date"] == TOMORROW.isoformat()
    assert state(hass, TEMPO_TOMORROW) == tempo_color(TOMORROW).lower()

    # The next two days: one call each, for tomorrow, at the first cycle past 10:45.
    await advance(hass, freezer, 48)
    per_day = Counter(call.at.astimezone(PARIS).date() for call in tempo_calls(gateway))
    assert per_day == {TODAY: 2, TOMORROW: 1, date(2026, 11, 22): 1}
    assert all(call.status == "ok" for call in tempo_calls(gateway))
    assert state(hass, TEMPO_TODAY) == tempo_color(date(2026, 11, 22)).lower()
    assert state(hass, DAYS_LEFT) == str(
        sum(left_in_season(date(2026, 11, 23)).values())
    )


async def test_three_years_in_one_call(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """An old meter set up after 10:45: 1095 days, today and tomorrow in one call."""
    freezer.move_to(paris("2026-11-20 11:30:00"))
    entry = make_entry(gateway)
    await setup(hass, entry)
    calls = tempo_calls(gateway)
    assert len(calls) == 1
    # v1's end is exclusive: the day after tomorrow on the wire.
    assert (calls[0].start, calls[0].end) == (
        TODAY - timedelta(days=1095),
        TOMORROW + timedelta(days=1),
    )
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["tempo"] == {
        "days": 1095 + 2,
        "oldest": (TODAY - timedelta(days=1095)).isoformat(),
        "newest": TOMORROW.isoformat(),
        "calls_today": 1,
        "last_error": "",
    }


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_tempo_failure_keeps_the_entities(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    protocol: str,
) -> None:
    """
    A Tempo server error: one warning, the stored colours shown, two tries a day.

    The simulator has no Tempo fault: its Tempo routes are made to fail (HTTP 500)
    by replacing the calendar of the running simulator.
    """
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-20 11:30:00"))
    await setup(hass, make_entry(gateway, protocol=protocol, contract=contract))
    assert state(hass, TEMPO_TOMORROW) == tempo_color(TOMORROW).lower()
    before = {
        entity_id: hass.states.get(entity_id)
        for entity_id in (TEMPO_TODAY, TEMPO_TOMORROW, DAYS_LEFT, CARD)
    }

    def broken(*_: object) -> dict[date, str]:
        raise RuntimeError("RTE is down")

    monkeypatch.setattr(gateway.sim.tempo, "colors", broken)
    caplog.set_level(logging.INFO, logger="custom_components.enedis_gateway")
    # The next day: 10:30 asks nothing, 11:30 and 12:30 fail, then no more tries.
    await advance(hass, freezer, 23 + 4)
    assert hass.states.get(CALLS).attributes["tempo_calls_today"] == 2
    warnings = [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING and "Tempo" in record.getMessage()
    ]
    assert len(warnings) == 1
    assert "keeping the stored ones" in warnings[0].getMessage()
    # The entities are available; today's colour is the one stored yesterday.
    assert state(hass, TEMPO_TODAY) == before[TEMPO_TOMORROW].state
    assert state(hass, TEMPO_TOMORROW) == "unknown"
    assert state(hass, DAYS_LEFT) == before[DAYS_LEFT].state
    assert hass.states.get(CARD).attributes["serviceEnedis"] == "myElectricalData"
    # The readings of the day came meanwhile: the entities' update never failed.
    assert hass.states.get(CARD).attributes["yesterdayDate"] == TODAY.isoformat()
    assert hass.states.get(CARD).attributes["errorLastCall"] == ""

    # Back: the next day's first cycle (00:30) asks the day's colour again.
    monkeypatch.undo()
    await advance(hass, freezer, 10)
    assert state(hass, TEMPO_TODAY) == tempo_color(date(2026, 11, 22)).lower()
    assert hass.states.get(CALLS).attributes["tempo_calls_today"] == 1
    assert "the Tempo colours come again" in caplog.text


@pytest.mark.parametrize(
    ("language", "names"),
    [("fr", ["Bleu", "Blanc", "Rouge"]), ("en", ["Blue", "White", "Red"])],
)
async def test_translated_states(
    hass: HomeAssistant, language: str, names: list[str]
) -> None:
    """The colour sensors' states, in French and English."""
    strings = await async_get_translations(hass, language, "entity", [DOMAIN])
    for key in ("tempo_today", "tempo_tomorrow"):
        prefix = f"component.{DOMAIN}.entity.sensor.{key}.state"
        assert [
            strings[f"{prefix}.{colour}"] for colour in ("blue", "white", "red")
        ] == names
