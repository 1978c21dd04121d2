"""Off-peak (HC) ranges and the pro-rata split of load-curve energy between HP and HC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import re

from .models import PARIS, LoadCurvePoint

DAY_MINUTES = 1440

_CONTRACT_RE = re.compile(r"^(?:HC\s*)?\((.*)\)$", re.IGNORECASE | re.DOTALL)
_TIME = r"(\d{1,2})\s*(?:[hH]\s*(\d{2})?|:\s*(\d{2}))?"
_RANGE_RE = re.compile(rf"^{_TIME}\s*-\s*{_TIME}$")
_SEPARATORS_RE = re.compile(r"[;,]")


@dataclass(frozen=True, slots=True)
class OffpeakRange:
    """One off-peak range on the Paris wall clock, in minutes after local midnight."""

    start: int  # 0..1439
    end: int  # 0..1440; end < start means the range wraps midnight

    def __post_init__(self) -> None:
        """Reject bounds off the clock and empty ranges."""
        if not (0 <= self.start < DAY_MINUTES and 0 <= self.end <= DAY_MINUTES):
            raise ValueError(f"off-peak range out of the day: {self.start}-{self.end}")
        if self.start == self.end:
            raise ValueError(f"empty off-peak range: {self.start}-{self.end}")


def _minute(hours: str, minutes: str | None, text: str) -> int:
    """Return the minute of day of a parsed time, 0..1440."""
    hour = int(hours)
    minute = int(minutes) if minutes else 0
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValueError(f"invalid off-peak time in {text!r}")
    return hour * 60 + minute


def _parse_range(text: str) -> OffpeakRange:
    """Parse one "HHhMM-HHhMM" range."""
    match = _RANGE_RE.match(text)
    if match is None:
        raise ValueError(f"invalid off-peak range {text!r}")
    start_h, start_m1, start_m2, end_h, end_m1, end_m2 = match.groups()
    start = _minute(start_h, start_m1 or start_m2, text)
    end = _minute(end_h, end_m1 or end_m2, text)
    if start == end:
        raise ValueError(f"empty off-peak range {text!r}")
    # 24h00 as a start is midnight; 0h00 as an end is the next midnight.
    return OffpeakRange(start=start % DAY_MINUTES, end=end or DAY_MINUTES)


def parse_offpeak(text: str | None) -> tuple[OffpeakRange, ...]:
    """Parse contract ("HC (22H00-6H00)") or option ("22h00-06h00;12h30-14h00") off-peak hours."""
    if text is None or not (stripped := text.strip()):
        return ()
    if match := _CONTRACT_RE.match(stripped):
        stripped = match.group(1)
    parts = [part.strip() for part in _SEPARATORS_RE.split(stripped)]
    ranges = tuple(_parse_range(part) for part in parts if part)
    if not ranges:
        raise ValueError(f"no off-peak range in {text!r}")
    return ranges


def _format_minute(minute: int) -> str:
    """Format a minute of day as "HHhMM"."""
    return f"{minute // 60:02d}h{minute % 60:02d}"


def format_offpeak(ranges: tuple[OffpeakRange, ...]) -> str:
    """Format ranges in the option form "22h00-06h00;12h30-14h00"."""
    return ";".join(
        f"{_format_minute(item.start)}-{_format_minute(item.end)}" for item in ranges
    )


class _Profile:
    """The union of some ranges, with memoized interval overlaps."""

    __slots__ = ("cache", "segments", "total")

    def __init__(self, ranges: tuple[OffpeakRange, ...]) -> None:
        """Merge the ranges into sorted disjoint segments of one day."""
        pieces: list[tuple[int, int]] = []
        for item in ranges:
            if item.end > item.start:
                pieces.append((item.start, item.end))
            else:
                pieces.extend(((item.start, DAY_MINUTES), (0, item.end)))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(pieces):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.segments = tuple(merged)
        self.total = sum(end - start for start, end in merged)
        # minutes * 86400 + local second of day -> off-peak minutes; one float key
        # is cheaper to hash than a tuple and the 35k points of a rebuild share ~50.
        self.cache: dict[float, float] = {}

    def cumulative(self, minute: float) -> float:
        """Return the off-peak minutes in [0, minute) of the periodic wall clock."""
        days, rest = divmod(minute, DAY_MINUTES)
        inside = days * self.total
        for start, end in self.segments:
            if rest <= start:
                break
            inside += min(rest, end) - start
        return inside

    def compute(self, local_seconds: float, minutes: float) -> float:
        """Compute and memoize the off-peak minutes of an interval at a local second of day."""
        if len(self.cache) > 4096:
            self.cache.clear()
        start = local_seconds / 60
        inside = self.cumulative(start + minutes) - self.cumulative(start)
        inside = self.cache[minutes * 86400 + local_seconds] = min(
            max(inside, 0.0), minutes
        )
        return inside


_PROFILES: dict[tuple[OffpeakRange, ...], _Profile] = {}
_last_profile: tuple[tuple[OffpeakRange, ...], _Profile] | None = None
# UTC hour (timestamp // 3600) -> Paris UTC offset in seconds. Paris changes offset
# only on whole UTC hours, so one lookup per UTC hour is exact.
_OFFSETS: dict[float, float] = {}


def _profile(ranges: tuple[OffpeakRange, ...]) -> _Profile:
    """Return the profile of some ranges, built once."""
    global _last_profile  # noqa: PLW0603
    last = _last_profile
    # Callers pass the same tuple for a whole rebuild: skip hashing it each time.
    if last is not None and last[0] is ranges:
        return last[1]
    profile = _PROFILES.get(ranges)
    if profile is None:
        if len(_PROFILES) > 64:
            _PROFILES.clear()
        profile = _PROFILES[ranges] = _Profile(ranges)
    _last_profile = (ranges, profile)
    return profile


def _utc_offset(hour: float) -> float:
    """Return the Paris UTC offset in seconds at the start of a UTC hour."""
    utcoffset = datetime.fromtimestamp(hour * 3600, PARIS).utcoffset()
    return utcoffset.total_seconds() if utcoffset else 0.0


def _offset(hour: float) -> float:
    """Return the Paris UTC offset in seconds during a UTC hour, memoizing its whole day."""
    if len(_OFFSETS) > 200_000:
        _OFFSETS.clear()
    first = hour - hour % 24
    hours = [first + index for index in range(24)]
    offset = _utc_offset(first)
    if offset == _utc_offset(first + 23):
        # No change in that UTC day (the usual case): two lookups instead of 24.
        _OFFSETS.update(dict.fromkeys(hours, offset))
    else:
        _OFFSETS.update((item, _utc_offset(item)) for item in hours)
    return _OFFSETS[hour]


def _local_seconds(instant: datetime) -> float:
    """Return the seconds after Paris-local midnight (wall clock) of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime")
    timestamp = instant.timestamp()
    hour = timestamp // 3600
    offset = _OFFSETS.get(hour)
    if offset is None:
        offset = _offset(hour)
    return (timestamp + offset) % 86400


def offpeak_minutes(
    ranges: tuple[OffpeakRange, ...], start: datetime, minutes: int
) -> float:
    """Return the minutes of [start, start + minutes) inside the ranges, on the Paris wall clock."""
    if not ranges or minutes <= 0:
        return 0.0
    profile = _profile(ranges)
    local_seconds = _local_seconds(start)
    inside = profile.cache.get(minutes * 86400 + local_seconds)
    if inside is None:
        inside = profile.compute(local_seconds, minutes)
    return inside


def split_wh(
    ranges: tuple[OffpeakRange, ...], point: LoadCurvePoint
) -> tuple[float, float]:
    """Split the energy of a point into (hp_wh, hc_wh), pro rata of its off-peak minutes."""
    # Hot path (35k points per summary rebuild): offpeak_minutes and point.wh inlined.
    minutes = point.minutes
    wh = point.watts * minutes / 60
    if not ranges or minutes <= 0:
        return wh, 0.0
    last = _last_profile
    profile = last[1] if last is not None and last[0] is ranges else _profile(ranges)
    start = point.start
    if start.tzinfo is None:
        raise ValueError("naive datetime")
    timestamp = start.timestamp()
    hour = timestamp // 3600
    offset = _OFFSETS.get(hour)
    if offset is None:
        offset = _offset(hour)
    local_seconds = (timestamp + offset) % 86400
    inside = profile.cache.get(minutes * 86400 + local_seconds)
    if inside is None:
        inside = profile.compute(local_seconds, minutes)
    # The share first: a share of 1.0 gives back wh exactly, so 0 <= hc <= wh holds.
    hc = wh * (inside / minutes)
    return wh - hc, hc
