"""The call ledger: every gateway call counted per meter and per token, one Paris day at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
import hashlib
from typing import Any

from .history import paris_day

# The gateways ban a token for 24 h at its 50th call of a day; no budget goes past this.
TOKEN_CEILING = 45
# A stored count outside [0, TOKEN_CEILING] cannot come from us: the day counts as
# spent, shown as the ceiling that no budget goes past.
SPENT = TOKEN_CEILING


def meter_key(pdl: str) -> str:
    """Return the ledger key of a meter."""
    return f"pdl:{pdl}"


def token_key(token: str) -> str:
    """Return the ledger key of a token: a short digest, never the token itself."""
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass(kw_only=True, slots=True)
class CallLedger:
    """
    Calls of the current Paris day per key, whatever the order the clock shows days in.

    The day only moves forward: a clock stepped back (a board booting with a stale
    clock) keeps counting into the newest day seen, so a day never gets a second
    budget, and a call recorded "in the future" counts for today.
    """

    day: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    blocked_until: dict[str, datetime] = field(default_factory=dict)
    # Set when the stored ledger could not be trusted: that day counts as spent.
    untrusted_day: date | None = None

    def _current(self, now: datetime) -> date:
        """Return the day calls made now count for (never before the newest day seen)."""
        today = paris_day(now)
        return today if self.day is None or today > self.day else self.day

    def spent(self, key: str, now: datetime) -> int:
        """Return the calls counted for a key on the current day."""
        if self.untrusted_day is not None and paris_day(now) <= self.untrusted_day:
            return SPENT
        if self.day is None or paris_day(now) > self.day:
            return 0
        return self.counts.get(key, 0)

    def left(self, keys: dict[str, int], now: datetime) -> int:
        """Return the calls still allowed now for every key with its own budget."""
        if any(self.is_blocked(key, now) for key in keys):
            return 0
        return max(0, min(limit - self.spent(key, now) for key, limit in keys.items()))

    def is_blocked(self, key: str, now: datetime) -> bool:
        """Return True while the gateway refuses that key (quota reached or ban)."""
        until = self.blocked_until.get(key)
        return until is not None and now < until

    def record(self, keys: tuple[str, ...], now: datetime) -> None:
        """Count one call for each key."""
        day = self._current(now)
        if day != self.day:
            self.day = day
            self.counts = {}
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1

    def block(self, key: str, until: datetime) -> None:
        """Refuse every call of a key until an instant."""
        self.blocked_until[key] = max(until, self.blocked_until.get(key, until))

    def seed(self, key: str, day: date, count: int) -> None:
        """Take a count kept elsewhere (an older layout) unless the ledger knows more."""
        if self.day is not None and day < self.day:
            return
        if self.day is None or day > self.day:
            self.day = day
            self.counts = {}
        sane = count if 0 <= count <= TOKEN_CEILING else SPENT
        self.counts[key] = max(self.counts.get(key, 0), sane)


def encode_ledger(ledger: CallLedger) -> dict[str, Any]:
    """Encode the ledger as JSON-ready data."""
    return {
        "day": ledger.day.isoformat() if ledger.day else None,
        "counts": dict(sorted(ledger.counts.items())),
        "blocked_until": {
            key: until.isoformat()
            for key, until in sorted(ledger.blocked_until.items())
        },
    }


def decode_ledger(data: Any, now: datetime) -> CallLedger:
    """Decode a stored ledger; what cannot be trusted makes the day count as spent."""
    try:
        return _decode(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return CallLedger(untrusted_day=paris_day(now))


def _decode(data: Any) -> CallLedger:
    if not isinstance(data, dict):
        raise TypeError("ledger is not an object")
    day = data.get("day")
    counts = data.get("counts", {})
    blocked = data.get("blocked_until", {})
    if not isinstance(counts, dict) or not isinstance(blocked, dict):
        raise TypeError("ledger maps are not objects")
    ledger = CallLedger(day=date.fromisoformat(day) if day is not None else None)
    for key, count in counts.items():
        valid = type(count) is int and 0 <= count <= TOKEN_CEILING
        ledger.counts[str(key)] = count if valid else SPENT
    for key, text in blocked.items():
        until = datetime.fromisoformat(text)
        if until.tzinfo is None:
            raise ValueError("naive instant")
        ledger.blocked_until[str(key)] = until
    return ledger
