"""Off-peak (HC) ranges: parsed from the contract or the options, and formatted back."""

from __future__ import annotations

from dataclasses import dataclass
import re

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
