"""The Tempo days as a calendar: each known day from 06:00 to 06:00 the next morning."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import EnedisConfigEntry
from .entity import EnedisEntity
from .linky.tempo_calendar import TempoEvent, tempo_event_at, tempo_events, tempo_title

PARALLEL_UPDATES = 0

TEMPO_CALENDAR = CalendarEntityDescription(
    key="tempo_calendar", translation_key="tempo"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnedisConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the Tempo calendar."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities([EnedisTempoCalendar(coordinator, TEMPO_CALENDAR)])


class EnedisTempoCalendar(EnedisEntity, CalendarEntity):
    """The Tempo days whose colour is stored, past and tomorrow's once published."""

    def _calendar_event(self, event: TempoEvent) -> CalendarEvent:
        """Return the calendar event of a Tempo day, titled in Home Assistant's language."""
        return CalendarEvent(
            start=event.start,
            end=event.end,
            summary=tempo_title(event.colour, self.hass.config.language),
            uid=f"{self.coordinator.pdl}_tempo_{event.day.isoformat()}",
        )

    @property
    def event(self) -> CalendarEvent | None:
        """Return the Tempo day under way, or else tomorrow's once known."""
        found = tempo_event_at(self.coordinator.data.tariff.colours, dt_util.now())
        return None if found is None else self._calendar_event(found)

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the Tempo days overlapping a span."""
        return [
            self._calendar_event(event)
            for event in tempo_events(
                self.coordinator.data.tariff.colours, start_date, end_date
            )
        ]
