"""Tempo days as calendar events: pure, from the stored colours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .models import PARIS
from .tempo import DAY_START_HOUR, TempoColor, tempo_day

# The words of an event's title, by language (a calendar event has no translation key).
_TITLES: dict[str, tuple[str, dict[TempoColor, str]]] = {
    "fr": (
        "Jour Tempo {colour}",
        {TempoColor.BLUE: "Bleu", TempoColor.WHITE: "Blanc", TempoColor.RED: "Rouge"},
    ),
    "en": (
        "Tempo {colour} day",
        {TempoColor.BLUE: "blue", TempoColor.WHITE: "white", TempoColor.RED: "red"},
    ),
}


@dataclass(frozen=True, kw_only=True, slots=True)
class TempoEvent:
    """One Tempo day: from 06:00 Paris to 06:00 the next morning."""

    day: date
    colour: TempoColor
    start: datetime
    end: datetime


def tempo_title(colour: TempoColor, language: str) -> str:
    """Return an event's title in a language (French for "fr…", else English)."""
    text, words = _TITLES["fr" if language.lower().startswith("fr") else "en"]
    return text.format(colour=words[colour])


def _event(day: date, colour: TempoColor) -> TempoEvent:
    """Return the event of a Tempo day (23 or 25 hours around a DST change)."""
    return TempoEvent(
        day=day,
        colour=colour,
        start=datetime.combine(day, time(DAY_START_HOUR), PARIS),
        end=datetime.combine(day + timedelta(days=1), time(DAY_START_HOUR), PARIS),
    )


def tempo_events(
    colours: Mapping[date, TempoColor], start: datetime, end: datetime
) -> list[TempoEvent]:
    """Return the known Tempo days overlapping [start, end), oldest first."""
    first, last = tempo_day(start), tempo_day(end)
    events = []
    day = first
    while day <= last:
        if (colour := colours.get(day)) is not None:
            event = _event(day, colour)
            if event.start < end and event.end > start:
                events.append(event)
        day += timedelta(days=1)
    return events


def tempo_event_at(
    colours: Mapping[date, TempoColor], now: datetime
) -> TempoEvent | None:
    """Return the Tempo day under way at an instant, or else the next known one."""
    current = tempo_day(now)
    for day in (current, current + timedelta(days=1)):
        if (colour := colours.get(day)) is not None:
            return _event(day, colour)
    return None
