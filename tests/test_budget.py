"""The call ledger: per meter and per token, one Paris day at a time, whatever the clock does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from custom_components.enedis_gateway.linky.budget import (
    TOKEN_CEILING,
    CallLedger,
    decode_ledger,
    encode_ledger,
    meter_key,
    token_key,
)

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # 09:00 Paris
METER = meter_key("12345678901234")
OTHER = meter_key("98765432109876")
TOKEN = token_key("SIM-TOKEN-0123456789")


def spend(ledger: CallLedger, keys: dict[str, int], now: datetime) -> int:
    """Record calls while the ledger allows them; return how many were made."""
    made = 0
    while ledger.left(keys, now) > 0:
        ledger.record(tuple(keys), now)
        made += 1
    return made


def test_token_key_hides_the_token() -> None:
    """The ledger never holds the token, only a short digest of it."""
    assert "SIM-TOKEN" not in TOKEN
    assert token_key("SIM-TOKEN-0123456789") == TOKEN
    assert token_key("SIM-TOKEN-0123456788") != TOKEN


def test_meter_budget_and_token_ceiling() -> None:
    """Two meters on one token: 45 + 45 asked, 45 made in all."""
    ledger = CallLedger()
    first = spend(ledger, {METER: 45, TOKEN: TOKEN_CEILING}, NOW)
    second = spend(ledger, {OTHER: 45, TOKEN: TOKEN_CEILING}, NOW)
    assert (first, second) == (45, 0)
    assert ledger.spent(TOKEN, NOW) == 45


def test_meter_budget_then_other_meter() -> None:
    """15 for the first meter leaves 30 of the token's 45 to the second."""
    ledger = CallLedger()
    assert spend(ledger, {METER: 15, TOKEN: TOKEN_CEILING}, NOW) == 15
    assert spend(ledger, {OTHER: 45, TOKEN: TOKEN_CEILING}, NOW) == 30


def test_new_paris_day_resets() -> None:
    """The count starts again at Paris midnight, not UTC midnight."""
    ledger = CallLedger()
    keys = {METER: 15, TOKEN: TOKEN_CEILING}
    spend(ledger, keys, datetime(2026, 11, 20, 22, 30, tzinfo=UTC))  # 23:30 Paris
    assert ledger.left(keys, datetime(2026, 11, 20, 22, 59, tzinfo=UTC)) == 0
    assert ledger.left(keys, datetime(2026, 11, 20, 23, 0, tzinfo=UTC)) == 15


@pytest.mark.parametrize(
    "back", [timedelta(hours=12), timedelta(days=1), timedelta(days=400)]
)
def test_clock_going_back_never_gives_a_second_budget(back: timedelta) -> None:
    """A clock stepped back, then forward again: the day's 15 calls are all there is."""
    ledger = CallLedger()
    keys = {METER: 15, TOKEN: TOKEN_CEILING}
    made = spend(ledger, keys, NOW)
    made += spend(ledger, keys, NOW - back)
    made += spend(ledger, keys, NOW + timedelta(hours=1))
    assert made == 15
    # A call recorded "in the future" counts for today.
    assert ledger.spent(METER, NOW - back) == 15


def test_call_counted_in_the_future_counts_today() -> None:
    """Calls made while the clock was ahead count for the day the clock comes back to."""
    ledger = CallLedger()
    keys = {METER: 15, TOKEN: TOKEN_CEILING}
    spend(ledger, keys, NOW + timedelta(days=1))
    assert ledger.left(keys, NOW) == 0
    assert ledger.left(keys, NOW + timedelta(days=2)) == 15


def test_blocked_token() -> None:
    """A quota reply blocks every meter of the token until the given instant."""
    ledger = CallLedger()
    ledger.block(TOKEN, NOW + timedelta(hours=15))
    assert ledger.left({OTHER: 45, TOKEN: TOKEN_CEILING}, NOW) == 0
    assert (
        ledger.left({OTHER: 45, TOKEN: TOKEN_CEILING}, NOW + timedelta(hours=15)) == 45
    )


def test_round_trip() -> None:
    """What is written reads back the same."""
    ledger = CallLedger()
    ledger.record((METER, TOKEN), NOW)
    ledger.block(TOKEN, NOW + timedelta(hours=3))
    assert decode_ledger(encode_ledger(ledger), NOW) == ledger


@pytest.mark.parametrize(
    "count", [-36, -1, TOKEN_CEILING + 1, 2**70, "3", 2.5, None, True]
)
def test_absurd_count_is_not_trusted(count: Any) -> None:
    """A negative, absurd or wrongly typed count means the day is spent."""
    data = {"day": "2026-11-20", "counts": {METER: count}, "blocked_until": {}}
    ledger = decode_ledger(data, NOW)
    assert ledger.left({METER: 15, TOKEN: TOKEN_CEILING}, NOW) == 0
    # The next day is a normal one.
    assert ledger.left({METER: 15, TOKEN: TOKEN_CEILING}, NOW + timedelta(days=1)) == 15


@pytest.mark.parametrize(
    "data",
    [
        [1, 2, 3],
        {"day": "yesterday", "counts": {}},
        {"day": "2026-11-20", "counts": []},
        {
            "day": "2026-11-20",
            "counts": {},
            "blocked_until": {TOKEN: "2026-11-21T00:00"},
        },
        None,
    ],
    ids=["list", "bad-day", "counts-list", "naive-block", "none"],
)
def test_unreadable_ledger_spends_the_day(data: Any) -> None:
    """A ledger that cannot be read is not trusted: no call until the next Paris day."""
    ledger = decode_ledger(data, NOW)
    keys = {METER: 15, TOKEN: TOKEN_CEILING}
    assert ledger.left(keys, NOW) == 0
    assert ledger.left(keys, NOW + timedelta(days=1)) == 15


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 11, 20), 7, 8),
        (date(2026, 11, 20), -36, 0),
        (date(2026, 11, 19), 12, 15),
    ],
)
def test_seed_from_an_older_layout(day: date, count: int, expected: int) -> None:
    """A count kept by an older version is taken over; a bad one spends the day."""
    ledger = CallLedger()
    ledger.seed(METER, day, count)
    assert ledger.left({METER: 15, TOKEN: TOKEN_CEILING}, NOW) == expected
