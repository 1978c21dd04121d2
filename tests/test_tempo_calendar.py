"""The Tempo calendar: pure events, and the calendar entity through Home Assistant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.calendar import DOMAIN as CALENDAR_DOMAIN
from homeassistant.core import HomeAssistant
import pytest

from custom_components.enedis_gateway.linky.tempo import TempoColor
from custom_components.enedis_gateway.linky.tempo_calendar import (
    tempo_event_at,
    tempo_events,
    tempo_title,
)
from simulator.tempo import tempo_color

from .conftest import PDL, Gateway, make_entry
from .helpers import PARIS, RECENT, activated_on, advance, paris, setup

# The entity id of a French install (Home Assistant names it in its language).
CALENDAR = f"calendar.linky_{PDL}_calendrier_tempo"
BLUE, WHITE, RED = TempoColor.BLUE, TempoColor.WHITE, TempoColor.RED


def test_a_tempo_day_runs_from_six_to_six() -> None:
    """An event per known day, 06:00 to 06:00; the night belongs to the eve's colour."""
    colours = {date(2026, 1, 5): RED, date(2026, 1, 6): WHITE}
    night = datetime(2026, 1, 6, 3, 0, tzinfo=PARIS)
    current = tempo_event_at(colours, night)
    assert current is not None
    assert (current.day, current.colour) == (date(2026, 1, 5), RED)
    assert current.start == datetime(2026, 1, 5, 6, 0, tzinfo=PARIS)
    assert current.end == datetime(2026, 1, 6, 6, 0, tzinfo=PARIS)
    # From 06:00 the next Tempo day; with none known, no event under way or next.
    morning = datetime(2026, 1, 6, 6, 0, tzinfo=PARIS)
    assert tempo_event_at(colours, morning).colour is WHITE  # type: ignore[union-attr]
    assert tempo_event_at(colours, morning + timedelta(days=1)) is None
    # Before the first known day: the next one, tomorrow's.
    eve = datetime(2026, 1, 4, 12, 0, tzinfo=PARIS)
    assert tempo_event_at(colours, eve).day == date(2026, 1, 5)  # type: ignore[union-attr]


def test_events_of_a_span_and_a_dst_day() -> None:
    """The days overlapping a span, a missing day left out; 25 hours across the DST change."""
    colours = {
        date(2025, 10, 25): BLUE,
        date(2025, 10, 26): WHITE,
        date(2025, 10, 28): RED,
    }
    start = datetime(2025, 10, 26, 0, 0, tzinfo=PARIS)
    end = datetime(2025, 10, 29, 0, 0, tzinfo=PARIS)
    events = tempo_events(colours, start, end)
    # The 25th's Tempo day ends at 06:00 on the 26th: inside the span.
    assert [(event.day, event.colour) for event in events] == [
        (date(2025, 10, 25), BLUE),
        (date(2025, 10, 26), WHITE),
        (date(2025, 10, 28), RED),
    ]
    # The clocks go back at 03:00 on the 26th: the 25th's Tempo day lasts 25 hours.
    hours = [
        (event.end.astimezone(UTC) - event.start.astimezone(UTC)) / timedelta(hours=1)
        for event in events
    ]
    assert hours == [25, 24, 24]
    # A span ending at 06:00 sharp does not take the day starting then.
    assert tempo_events(colours, start, datetime(2025, 10, 26, 6, tzinfo=PARIS)) == [
        events[0]
    ]


def test_titles_follow_the_language() -> None:
    """French for a French Home Assistant, English otherwise."""
    assert tempo_title(RED, "fr") == "Jour Tempo Rouge"
    assert tempo_title(WHITE, "fr-FR") == "Jour Tempo Blanc"
    assert tempo_title(BLUE, "en") == "Tempo blue day"
    assert tempo_title(BLUE, "de") == "Tempo blue day"


@pytest.mark.usefixtures("recorder_mock", "enable_custom_integrations", "paris")
async def test_calendar_entity_lists_the_simulator_days(
    hass: HomeAssistant, gateway: Gateway, freezer: FrozenDateTimeFactory
) -> None:
    """The calendar's state, its event and a week of events equal the simulator's colours."""
    hass.config.language = "fr"
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-20 05:30:00"))
    await setup(hass, make_entry(gateway, contract=contract))

    # 05:30: the Tempo day of the 19th is under way.
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.state == "on"
    colour = tempo_color(date(2026, 11, 19))
    title = tempo_title(TempoColor(colour), "fr")
    assert state.attributes["message"] == title
    assert state.attributes["start_time"] == "2026-11-19 06:00:00"
    assert state.attributes["end_time"] == "2026-11-20 06:00:00"

    reply = await hass.services.async_call(
        CALENDAR_DOMAIN,
        "get_events",
        {
            "entity_id": CALENDAR,
            "start_date_time": "2026-11-13T12:00:00+01:00",
            "end_date_time": "2026-11-20T12:00:00+01:00",
        },
        blocking=True,
        return_response=True,
    )
    events = reply[CALENDAR]["events"]  # type: ignore[index]
    days = [date(2026, 11, 13) + timedelta(days=n) for n in range(8)]
    assert [event["summary"] for event in events] == [
        tempo_title(TempoColor(tempo_color(day)), "fr") for day in days
    ]
    assert [event["start"] for event in events] == [
        f"{day.isoformat()}T06:00:00+01:00" for day in days
    ]

    # 11:30: tomorrow's colour is published; the day under way is the 20th.
    await advance(hass, freezer, 6)
    state = hass.states.get(CALENDAR)
    assert state.attributes["message"] == tempo_title(
        TempoColor(tempo_color(date(2026, 11, 20))), "fr"
    )
