"""Off-peak hours by weekday through Home Assistant: the options form, statistics, card."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.enedis_gateway.const import DOMAIN
from custom_components.enedis_gateway.linky.energy_stats import Series

from .conftest import Gateway, make_entry
from .helpers import CARD, PARIS, activated_on, paris, setup
from .test_config_flow import PRICES, menu, open_options
from .test_statistics import check_series, midnight, stored

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)

# A Monday; the first Saturday of the history is 10 January.
ACTIVATION = date(2026, 1, 5)
FIRST_SATURDAY = date(2026, 1, 10)
NOW = "2026-03-25 10:05:00"
SECTION = "offpeak_weekdays"
WEEKEND = {"offpeak_saturday": "00h00-24h00", "offpeak_sunday": "00h00-24h00"}
WEEKDAY_KEYS = (
    "offpeak_monday",
    "offpeak_tuesday",
    "offpeak_wednesday",
    "offpeak_thursday",
    "offpeak_friday",
    "offpeak_saturday",
    "offpeak_sunday",
)


def local_day(row: dict[str, Any]) -> date:
    """Return the Paris day of a statistics row."""
    return datetime.fromtimestamp(row["start"], PARIS).date()


def states(rows: list[dict[str, Any]]) -> dict[float, float]:
    """Return the state of each row by its start."""
    return {row["start"]: row["state"] for row in rows}


async def test_weekend_all_day_rewrites_only_from_the_first_saturday(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """Saturday and Sunday all HC: their hours' HC is their total, weekdays unchanged."""
    freezer.move_to(paris(NOW))
    contract = activated_on(gateway, ACTIVATION)
    entry = make_entry(gateway, options={"max_calls_per_day": 45}, contract=contract)
    await setup(hass, entry)
    rows = await stored(hass)
    card = hass.states.get(CARD).attributes
    importer = entry.runtime_data.outputs.statistics
    queued = Counter(importer.rows_queued)
    calls = len(gateway.sim.calls)

    result = await open_options(hass, entry, menu("settings"))
    assert result["data_schema"].schema[SECTION].options == {"collapsed": True}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**PRICES, SECTION: WEEKEND}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert SECTION not in entry.options
    assert {key: entry.options[key] for key in WEEKDAY_KEYS} == {
        **dict.fromkeys(WEEKDAY_KEYS, ""),
        **WEEKEND,
    }
    await hass.async_block_till_done(wait_background_tasks=True)
    after = await stored(hass)
    # No gateway call: the statistics are rebuilt from the stored history.
    assert len(gateway.sim.calls) == calls

    total = states(after[Series.CONSUMPTION])
    hc_before = states(rows[Series.CONSUMPTION_HC])
    weekend_hours = {
        start for start in total if datetime.fromtimestamp(start, PARIS).weekday() >= 5
    }
    assert weekend_hours
    want_hc = {
        start: total[start] if start in weekend_hours else hc_before[start]
        for start in total
    }
    check_series(after[Series.CONSUMPTION_HC], want_hc)
    check_series(
        after[Series.CONSUMPTION_HP],
        {start: total[start] - want_hc[start] for start in total},
    )
    assert after[Series.CONSUMPTION] == rows[Series.CONSUMPTION]
    # The running sums move from the first Saturday on: the rows before it are kept
    # and not written again, every row from it on is.
    changed = Counter(importer.rows_queued)
    changed.subtract(queued)
    assert set(+changed) == {
        Series.CONSUMPTION_HP,
        Series.CONSUMPTION_HC,
        Series.CONSUMPTION_COST,
    }
    for series in (Series.CONSUMPTION_HP, Series.CONSUMPTION_HC):
        kept = [row for row in rows[series] if row["start"] < midnight(FIRST_SATURDAY)]
        assert after[series][: len(kept)] == kept
        assert changed[series] == len(after[series]) - len(kept)
        moved = [
            local_day(row)
            for row, old in zip(after[series], rows[series], strict=True)
            if row["state"] != old["state"]
        ]
        assert min(moved) == FIRST_SATURDAY
        assert {day.weekday() for day in moved} == {5, 6}

    # The card's week: the weekend's HC is its whole day, the other days keep theirs.
    new_card = hass.states.get(CARD).attributes
    week = [date.fromisoformat(text) for text in new_card["dailyweek"]]
    assert {day.weekday() for day in week} >= {5, 6}
    assert new_card["daily"] == card["daily"]
    assert new_card["dailyweek_HC"] == [
        daily if day.weekday() >= 5 else hc
        for day, daily, hc in zip(
            week, new_card["daily"], card["dailyweek_HC"], strict=True
        )
    ]

    # The form shows the weekdays' hours again, the section open.
    result = await open_options(hass, entry, menu("settings"))
    weekdays = result["data_schema"].schema[SECTION]
    assert weekdays.options == {"collapsed": False}
    suggested = {
        key.schema: key.description["suggested_value"] for key in weekdays.schema.schema
    }
    assert suggested == {**dict.fromkeys(WEEKDAY_KEYS, ""), **WEEKEND}


@pytest.mark.parametrize("key", ["offpeak_monday", "offpeak_saturday"])
@pytest.mark.parametrize("text", ["samedi", "25h00-26h00", "6h00-6h00"])
async def test_bad_weekday_hours_then_recover(
    hass: HomeAssistant, gateway: Gateway, key: str, text: str
) -> None:
    """A weekday's unreadable hours: the section's error, in French; then saved."""
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    result = await open_options(
        hass, entry, menu("settings"), {**PRICES, SECTION: {key: text}}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {SECTION: "invalid_offpeak_weekday"}
    # The error quotes the text to correct.
    assert result["description_placeholders"]["offpeak_text"] == text
    # The section opens on its error, with the text typed.
    weekdays = result["data_schema"].schema[SECTION]
    assert weekdays.options == {"collapsed": False}
    strings = await async_get_translations(hass, "fr", "options", [DOMAIN])
    prefix = f"component.{DOMAIN}.options"
    assert (
        strings[f"{prefix}.error.invalid_offpeak_weekday"]
        .format(offpeak_text=text)
        .startswith(f"« {text} » : ces heures creuses d'un jour de la semaine")
    )
    section = f"{prefix}.step.settings.sections.{SECTION}"
    assert strings[f"{section}.name"] == "Heures creuses par jour de la semaine"
    assert (
        "00h00-24h00 pour toute la journée"
        in strings[f"{section}.data_description.{key}"]
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**PRICES, SECTION: {key: "00h00-24h00"}}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[key] == "00h00-24h00"
