"""The call ledger: every gateway call counted per meter and per token, one gateway day at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
import hashlib
from typing import Any

from .history import local_midnight, paris_day
from .models import Gateway

# The gateways ban a token for 24 h at its 50th call of a day; no budget goes past this.
TOKEN_CEILING = 45
# A stored count outside [0, TOKEN_CEILING] cannot come from us: the day counts as
# spent, shown as the ceiling that no budget goes past.
SPENT = TOKEN_CEILING


class DayClock(StrEnum):
    """Whose midnight starts a gateway's day, and with it its quota."""

    PARIS = "paris"
    UTC = "utc"


def gateway_clock(gateway: Gateway) -> DayClock:
    """Return the clock of a gateway's quota: MyElectricalData v2 counts per UTC day."""
    return DayClock.UTC if gateway is Gateway.MYELECTRICALDATA_V2 else DayClock.PARIS


def day_of(now: datetime, clock: DayClock) -> date:
    """Return the day an instant belongs to on a clock."""
    return now.astimezone(UTC).date() if clock is DayClock.UTC else paris_day(now)


def next_day(now: datetime, clock: DayClock) -> datetime:
    """Return the start of the next day on a clock: when the gateway's quota resets."""
    day = day_of(now, clock) + timedelta(days=1)
    if clock is DayClock.UTC:
        return datetime.combine(day, time(), UTC)
    return local_midnight(day)


def meter_key(pdl: str) -> str:
    """Return the ledger key of a meter."""
    return f"pdl:{pdl}"


def token_key(token: str) -> str:
    """Return the ledger key of a token: a short digest, never the token itself."""
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass(kw_only=True, slots=True)
class DayCounts:
    """
    Calls of the current day of one clock per key, whatever the order the clock shows days in.

    The day only moves forward: a clock stepped back (a board booting with a stale
    clock) keeps counting into the newest day seen, so a day never gets a second
    budget, and a call recorded "in the future" counts for today.
    """

    day: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # Set when the stored ledger could not be trusted: that day counts as spent.
    untrusted_day: date | None = None

    def spent(self, key: str, today: date) -> int:
        """Return the calls counted for a key on the current day."""
        if self.untrusted_day is not None and today <= self.untrusted_day:
            return SPENT
        if self.day is None or today > self.day:
            return 0
        return self.counts.get(key, 0)

    def record(self, keys: tuple[str, ...], today: date) -> None:
        """Count one call for each key, on the newest day seen."""
        if self.day is None or today > self.day:
            self.day = today
            self.counts = {}
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1

    def seed(self, key: str, day: date, count: int) -> None:
        """Take a count kept elsewhere (an older layout) unless the ledger knows more."""
        if self.day is not None and day < self.day:
            return
        if self.day is None or day > self.day:
            self.day = day
            self.counts = {}
        sane = count if 0 <= count <= TOKEN_CEILING else SPENT
        self.counts[key] = max(self.counts.get(key, 0), sane)


@dataclass(kw_only=True, slots=True)
class CallLedger:
    """
    Calls of the current day per key, on the clock of each key's gateway.

    Most gateways count per Paris day; MyElectricalData v2 per UTC day. A key is
    counted on the clock its caller names, which never changes for a gateway.
    """

    paris: DayCounts = field(default_factory=DayCounts)
    utc: DayCounts = field(default_factory=DayCounts)
    blocked_until: dict[str, datetime] = field(default_factory=dict)

    def _counts(self, clock: DayClock) -> DayCounts:
        return self.utc if clock is DayClock.UTC else self.paris

    def spent(self, key: str, now: datetime, clock: DayClock = DayClock.PARIS) -> int:
        """Return the calls counted for a key on the current day of its clock."""
        return self._counts(clock).spent(key, day_of(now, clock))

    def left(
        self, keys: dict[str, int], now: datetime, clock: DayClock = DayClock.PARIS
    ) -> int:
        """Return the calls still allowed now for every key with its own budget."""
        if any(self.is_blocked(key, now) for key in keys):
            return 0
        return max(
            0, min(limit - self.spent(key, now, clock) for key, limit in keys.items())
        )

    def is_blocked(self, key: str, now: datetime) -> bool:
        """Return True while the gateway refuses that key (quota reached or ban)."""
        until = self.blocked_until.get(key)
        return until is not None and now < until

    def record(
        self, keys: tuple[str, ...], now: datetime, clock: DayClock = DayClock.PARIS
    ) -> None:
        """Count one call for each key."""
        self._counts(clock).record(keys, day_of(now, clock))

    def block(self, key: str, until: datetime) -> None:
        """Refuse every call of a key until an instant."""
        self.blocked_until[key] = max(until, self.blocked_until.get(key, until))

    def seed(self, key: str, day: date, count: int) -> None:
        """Take a Paris day's count kept by an older layout (it had no UTC gateway)."""
        self.paris.seed(key, day, count)


def encode_ledger(ledger: CallLedger) -> dict[str, Any]:
    """Encode the ledger as JSON-ready data; the UTC day only once it was used."""
    data: dict[str, Any] = {
        "day": ledger.paris.day.isoformat() if ledger.paris.day else None,
        "counts": dict(sorted(ledger.paris.counts.items())),
        "blocked_until": {
            key: until.isoformat()
            for key, until in sorted(ledger.blocked_until.items())
        },
    }
    if ledger.utc.day is not None:
        data["utc"] = {
            "day": ledger.utc.day.isoformat(),
            "counts": dict(sorted(ledger.utc.counts.items())),
        }
    return data


def decode_ledger(data: Any, now: datetime) -> CallLedger:
    """Decode a stored ledger; what cannot be trusted makes the day count as spent."""
    try:
        return _decode(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return CallLedger(
            paris=DayCounts(untrusted_day=day_of(now, DayClock.PARIS)),
            utc=DayCounts(untrusted_day=day_of(now, DayClock.UTC)),
        )


def _decode_counts(day: Any, counts: Any) -> DayCounts:
    """Decode the counts of one clock; an absurd count spends the day."""
    if not isinstance(counts, dict):
        raise TypeError("ledger counts are not an object")
    decoded = DayCounts(day=date.fromisoformat(day) if day is not None else None)
    for key, count in counts.items():
        valid = type(count) is int and 0 <= count <= TOKEN_CEILING
        decoded.counts[str(key)] = count if valid else SPENT
    return decoded


def _decode(data: Any) -> CallLedger:
    if not isinstance(data, dict):
        raise TypeError("ledger is not an object")
    blocked = data.get("blocked_until", {})
    if not isinstance(blocked, dict):
        raise TypeError("ledger maps are not objects")
    ledger = CallLedger(paris=_decode_counts(data.get("day"), data.get("counts", {})))
    if (utc := data.get("utc")) is not None:
        if not isinstance(utc, dict):
            raise TypeError("ledger UTC day is not an object")
        ledger.utc = _decode_counts(utc["day"], utc.get("counts", {}))
    for key, text in blocked.items():
        until = datetime.fromisoformat(text)
        if until.tzinfo is None:
            raise ValueError("naive instant")
        ledger.blocked_until[str(key)] = until
    return ledger
