"""A deterministic synthetic French household: consumption and optional solar production."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
import math
import random
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
STEP_MINUTES = 30
SOLAR_NOON_UTC = 11.9

type CurvePoint = tuple[datetime, int, int]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), PARIS).astimezone(UTC)


def _even(watts: float) -> int:
    """Return the nearest non-negative even integer."""
    return max(0, 2 * round(watts / 2))


def _bump(hour: float, center: float, width: float) -> float:
    """Return a smooth bell of height 1 centered on a local hour."""
    return math.exp(-(((hour - center) / width) ** 2))


class Household:
    """A home with electric heating, an off-peak water heater and optional solar panels."""

    def __init__(self, seed: int = 1, *, production: bool = False) -> None:
        """Initialize the household; every value is a pure function of seed and date."""
        self.seed = seed
        self.production = production

    def _rng(self, day: date, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}-{day.isoformat()}-{purpose}")

    @staticmethod
    def _slots(day: date) -> list[tuple[datetime, float]]:
        """Return the UTC start and Paris wall-clock hour of each half-hour of the day."""
        start = _local_midnight(day)
        end = _local_midnight(day + timedelta(days=1))
        slots = []
        instant = start
        while instant < end:
            local = instant.astimezone(PARIS)
            slots.append((instant, local.hour + local.minute / 60))
            instant += timedelta(minutes=STEP_MINUTES)
        return slots

    @staticmethod
    def _winter(day: date) -> float:
        """Return 1 in mid-January, 0 from May to September."""
        angle = 2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25
        return max(0.0, math.cos(angle) - 0.15) / 0.85

    def curve(self, day: date) -> list[CurvePoint]:
        """Return the consumption of a Paris-local day as (UTC start, minutes, watts)."""
        rng = self._rng(day, "load")
        winter = self._winter(day)
        weekend = day.weekday() >= 5
        cold = winter * rng.uniform(0.7, 1.3)
        base = rng.uniform(120, 180)
        heater_start = rng.choice((0.0, 0.5, 1.0, 1.5, 2.0))
        heater_hours = rng.choice((1.5, 2.0)) + (1.0 if winter > 0.5 else 0.0)
        morning = rng.uniform(6.5, 7.5) + (1.5 if weekend else 0.0)
        evening = rng.uniform(19.0, 20.0)
        points: list[CurvePoint] = []
        for start, hour in self._slots(day):
            watts = base
            if heater_start <= hour < heater_start + heater_hours:
                watts += 2000
            heating_shape = (
                0.55 + 0.45 * _bump(hour, 7.5, 2.5) + 0.45 * _bump(hour, 20, 3)
            )
            if not weekend and 9 <= hour < 17:
                heating_shape *= 0.6
            watts += 420 * cold * heating_shape
            watts += 700 * _bump(hour, morning, 0.8)
            watts += (600 + 300 * winter) * _bump(hour, evening, 1.4)
            if weekend:
                watts += 700 * _bump(hour, 12.5, 1.2) + 200 * _bump(hour, 15, 3)
            watts *= rng.uniform(0.85, 1.15)
            if rng.random() < 0.03:
                watts += rng.uniform(600, 1800)
            points.append((start, STEP_MINUTES, _even(watts)))
        return points

    def daily_wh(self, day: date) -> int:
        """Return the consumption of a Paris-local day in Wh: the curve's energy."""
        return sum(watts for _, _, watts in self.curve(day)) // 2

    def max_power(self, day: date) -> tuple[int, datetime]:
        """Return the peak apparent power (VA) of the day and its Paris time."""
        rng = self._rng(day, "peak")
        start, _, watts = max(self.curve(day), key=lambda point: point[2])
        va = round(watts * rng.uniform(1.25, 1.6))
        offset = timedelta(
            minutes=rng.randrange(STEP_MINUTES), seconds=rng.randrange(60)
        )
        return va, (start + offset).astimezone(PARIS)

    def production_curve(self, day: date) -> list[CurvePoint]:
        """Return the solar production of the day, empty when the home has no panels."""
        if not self.production:
            return []
        rng = self._rng(day, "solar")
        summer = 1 - self._winter(day)
        angle = 2 * math.pi * (day.timetuple().tm_yday - 172) / 365.25
        half_day = 4.25 + 3.75 * (1 + math.cos(angle)) / 2
        sky = rng.uniform(0.2, 1.0)
        peak = 3000 * (0.45 + 0.55 * summer) * sky
        points: list[CurvePoint] = []
        for start, _ in self._slots(day):
            middle = start + timedelta(minutes=STEP_MINUTES / 2)
            noon_offset = middle.hour + middle.minute / 60 - SOLAR_NOON_UTC
            if abs(noon_offset) >= half_day:
                points.append((start, STEP_MINUTES, 0))
                continue
            shape = math.cos(math.pi / 2 * noon_offset / half_day) ** 2
            watts = peak * shape * rng.uniform(0.8, 1.05)
            points.append((start, STEP_MINUTES, _even(watts)))
        return points

    def production_daily_wh(self, day: date) -> int | None:
        """Return the solar production of the day in Wh, None when the home has no panels."""
        if not self.production:
            return None
        return sum(watts for _, _, watts in self.production_curve(day)) // 2
