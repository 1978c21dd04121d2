"""When to ask for Tempo colours: pure, from the stored colours and today's Tempo calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain

from .history import History
from .models import PARIS
from .tempo import season_start

# RTE publishes tomorrow's colour at about 10:40 Paris: ask a few minutes later.
TOMORROW_FROM = time(10, 45)
TOMORROW_CALLS_PER_DAY = 2
# A second call for tomorrow waits at least this long after the first.
TOMORROW_RETRY = timedelta(hours=1)
# Calls for missing past days alone, per day: a failed one is tried once more.
PAST_CALLS_PER_DAY = 2
# The readings reach 1095 days back (the daily data's depth): colours no further.
DEPTH_DAYS = 1095


@dataclass(frozen=True, kw_only=True, slots=True)
class TempoWindow:
    """The days of one Tempo call, start and end included."""

    start: date
    end: date


@dataclass(kw_only=True, slots=True)
class TempoCalls:
    """The Tempo calls of one Paris day: kept apart from the metering budget."""

    day: date | None = None
    count: int = 0
    past: int = 0
    past_answered: bool = False
    tomorrow: int = 0
    tomorrow_at: datetime | None = None

    def on(self, day: date) -> int:
        """Return the Tempo calls made on a Paris day (0 for any other day)."""
        return self.count if self.day == day else 0

    def record(self, window: TempoWindow, now: datetime, *, answered: bool) -> None:
        """Count one call of the window made at now, answered or not."""
        today = now.astimezone(PARIS).date()
        if self.day != today:
            self.day, self.count, self.past, self.tomorrow = today, 0, 0, 0
            self.past_answered, self.tomorrow_at = False, None
        self.count += 1
        if window.end > today:
            self.tomorrow += 1
            self.tomorrow_at = now
        if window.start <= today:
            self.past += 1
            self.past_answered = self.past_answered or answered


def tempo_floor(history: History, today: date) -> date:
    """
    Return the oldest day whose colour is wanted.

    The oldest of: the season's first day (the days left count the whole season),
    the activation date and the oldest stored reading; never more than DEPTH_DAYS
    back.
    """
    candidates = [season_start(today)]
    contract = history.contract
    if contract is not None and contract.last_activation_date is not None:
        candidates.append(contract.last_activation_date)
    stored = chain(
        history.consumption.daily,
        history.consumption.curve,
        history.production.daily,
    )
    if (oldest := min(stored, default=None)) is not None:
        candidates.append(oldest)
    return max(today - timedelta(days=DEPTH_DAYS), min(candidates))


def _tomorrow_due(
    history: History, now: datetime, calls: TempoCalls, tomorrow: date
) -> bool:
    """Return True when tomorrow's colour may be asked now."""
    local = now.astimezone(PARIS)
    if tomorrow in history.tempo or local.time() < TOMORROW_FROM:
        return False
    if calls.day != local.date() or calls.tomorrow == 0:
        return True
    assert calls.tomorrow_at is not None
    return (
        calls.tomorrow < TOMORROW_CALLS_PER_DAY
        and now - calls.tomorrow_at >= TOMORROW_RETRY
    )


def tempo_window(
    history: History, now: datetime, calls: TempoCalls
) -> TempoWindow | None:
    """
    Return the days to ask for now, in one call, or None.

    Missing past days (from tempo_floor to today) are asked in one window, until
    a call of the day is answered or PAST_CALLS_PER_DAY calls failed; tomorrow's
    colour from 10:45 Paris until known, at most TOMORROW_CALLS_PER_DAY calls a
    day an hour apart. A call for tomorrow also brings the missing past days.
    """
    today = now.astimezone(PARIS).date()
    tomorrow = today + timedelta(days=1)
    floor = tempo_floor(history, today)
    missing = [
        day
        for day in (floor + timedelta(days=n) for n in range((today - floor).days + 1))
        if day not in history.tempo
    ]
    if _tomorrow_due(history, now, calls, tomorrow):
        return TempoWindow(start=missing[0] if missing else tomorrow, end=tomorrow)
    fresh = calls.day != today
    if missing and (
        fresh or (not calls.past_answered and calls.past < PAST_CALLS_PER_DAY)
    ):
        return TempoWindow(start=missing[0], end=missing[-1])
    return None
