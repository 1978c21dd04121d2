"""Off-peak hours that differ by weekday: the split, the memo, repricing, the encoding."""

from __future__ import annotations

from datetime import UTC, date, timedelta
import json

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.history import (
    DayCurve,
    History,
    SeriesHistory,
    day_minutes,
    local_midnight,
)
from custom_components.enedis_gateway.linky.influx_lines import detail_lines
from custom_components.enedis_gateway.linky.models import PARIS, MeasureType
from custom_components.enedis_gateway.linky.offpeak import (
    OffpeakRange,
    format_offpeak,
    parse_offpeak,
)
from custom_components.enedis_gateway.linky.tariff import (
    Plan,
    PricePeriod,
    Prices,
    Tariff,
    decode_prices,
    encode_prices,
    repriced_days,
)

from .curves import OFFPEAK_RANGES, day_points

PRICES = Prices(base=0.2, hp=0.25, hc=0.15)
NIGHT = parse_offpeak("22h00-06h00")
ALL_DAY = parse_offpeak("00h00-24h00")
NO_OWN_HOURS = [""] * 7
WEEKEND = ["", "", "", "", "", "00h00-24h00", "00h00-24h00"]
FRIDAY = date(2025, 10, 24)
SATURDAY = date(2025, 10, 25)
# The autumn DST day: 25 hours, a Sunday.
DST_SUNDAY = date(2025, 10, 26)
MONDAY = date(2025, 10, 27)


def tariff(default: str, weekdays: list[str] = NO_OWN_HOURS) -> Tariff:
    """Return an HP/HC tariff of default off-peak hours and each weekday's own."""
    return Tariff.from_offpeak_text(Plan.HPHC, PRICES, default, weekday_texts=weekdays)


def day_curve(day: date, watts: float = 600.0) -> DayCurve:
    """Return a complete 30-minute curve of constant power for a Paris-local day."""
    return DayCurve(minutes=30, watts=[watts] * (day_minutes(day) // 30))


def uneven_curve(day: date) -> DayCurve:
    """Return a complete 30-minute curve whose power changes every interval."""
    count = day_minutes(day) // 30
    return DayCurve(minutes=30, watts=[100.0 + 37.5 * (i % 11) for i in range(count)])


def test_weekday_range_parsing() -> None:
    """00h00-24h00 is the whole day; an empty or unreadable weekday takes the default."""
    assert parse_offpeak("00h00-24h00") == (OffpeakRange(start=0, end=1440),)
    rule = tariff("22h00-06h00", ["", "garbage", *WEEKEND[2:]])
    assert rule.weekdays == (None, None, None, None, None, ALL_DAY, ALL_DAY)
    assert rule.day_ranges == (NIGHT,) * 5 + (ALL_DAY,) * 2
    assert rule.ranges == NIGHT


@pytest.mark.parametrize(
    ("day", "hours"),
    [(FRIDAY, 24), (SATURDAY, 24), (DST_SUNDAY, 25), (MONDAY, 24)],
)
def test_weekend_all_day(day: date, hours: int) -> None:
    """Saturday and Sunday (25 hours on the DST day) are all HC; other days unchanged."""
    weekend = tariff("22h00-06h00", WEEKEND)
    plain = tariff("22h00-06h00")
    curve = uneven_curve(day)
    assert len(curve.watts) == 2 * hours
    wh, hc_wh, _ = weekend.curve_split(day, curve)
    assert wh == pytest.approx(sum(curve.watts) / 2)
    if day.weekday() >= 5:
        assert hc_wh == wh
        assert weekend.curve_shares(day, curve) == (1.0,) * (2 * hours)
    else:
        # Bit for bit what the tariff without weekday hours gives.
        assert weekend.curve_split(day, curve) == plain.curve_split(day, curve)
        assert weekend.curve_shares(day, curve) == plain.curve_shares(day, curve)


def test_offpeak_share_takes_the_weekday_of_the_local_start() -> None:
    """23:30 UTC on a Friday is 01:30 on Saturday in Paris (summer): Saturday's hours."""
    weekend = tariff("01h00-02h00", WEEKEND)
    saturday_noon = local_midnight(SATURDAY) + timedelta(hours=12)
    friday_noon = local_midnight(FRIDAY) + timedelta(hours=12)
    assert weekend.offpeak_share(saturday_noon, 30) == 1.0
    assert weekend.offpeak_share(friday_noon, 30) == 0.0
    friday_late_utc = (local_midnight(SATURDAY) + timedelta(minutes=90)).astimezone(UTC)
    assert friday_late_utc.weekday() == 4
    assert friday_late_utc.astimezone(PARIS).weekday() == 5
    assert weekend.offpeak_share(friday_late_utc, 30) == 1.0
    # Friday 10:00 Paris: peak.
    assert weekend.offpeak_share(friday_noon - timedelta(hours=2), 60) == 0.0


def test_no_default_range_but_weekend_hours() -> None:
    """Without default hours, only the weekend has off-peak energy; InfluxDB tags follow."""
    weekend = tariff("", WEEKEND)
    assert weekend.has_offpeak
    assert weekend.curve_split(FRIDAY, day_curve(FRIDAY))[1] == 0.0
    assert weekend.curve_split(SATURDAY, day_curve(SATURDAY))[1] == 14_400.0
    friday = detail_lines(pdl="1", day=FRIDAY, curve=day_curve(FRIDAY), tariff=weekend)
    saturday = detail_lines(
        pdl="1", day=SATURDAY, curve=day_curve(SATURDAY), tariff=weekend
    )
    # A day without off-peak hours stays BASE, as with no hours at all.
    assert all("measure_type=BASE" in line for line in friday)
    assert all("measure_type=HC" in line for line in saturday)
    assert not tariff("").has_offpeak


def whole_history(first: date, days: int) -> SeriesHistory:
    """Return a history of curves and daily readings, some days with a curve only."""
    series = SeriesHistory()
    for offset in range(days):
        day = first + timedelta(days=offset)
        series.curve[day] = uneven_curve(day)
        if offset % 5:
            series.daily[day] = 10_000 + offset
    return series


# A year and a bit: both DST days, every weekday many times.
HISTORY = whole_history(date(2025, 1, 1), 400)


@settings(max_examples=25, deadline=None)
@given(ranges=OFFPEAK_RANGES)
def test_no_weekday_hours_changes_nothing(ranges: tuple[OffpeakRange, ...]) -> None:
    """Without weekday hours, every split of a whole history is the one of the default."""
    text = format_offpeak(ranges)
    plain = Tariff(Plan.HPHC, PRICES, ranges)
    for other in (
        tariff(text),
        Tariff(Plan.HPHC, PRICES, ranges, weekdays=[None] * 7),
        # Every weekday given the default's own hours: the same schedule.
        Tariff(Plan.HPHC, PRICES, ranges, weekdays=[ranges or None] * 7),
    ):
        assert other == plain
        assert hash(other) == hash(plain)
        assert other.day_splits(HISTORY) == plain.day_splits(HISTORY)
        assert repriced_days(plain, other, HISTORY.curve) == set()
    # And each share is the wall clock's, minute by minute.
    for day in (date(2025, 3, 30), date(2025, 6, 7), DST_SUNDAY):
        inside = {
            minute % 1440
            for item in ranges
            for minute in range(item.start, item.end + 1440 * (item.end < item.start))
        }
        expected = []
        for point in day_points(day):
            local = point.start.astimezone(PARIS)
            first = local.hour * 60 + local.minute
            expected.append(
                sum((first + offset) % 1440 in inside for offset in range(30)) / 30
            )
        assert list(plain.curve_shares(day, day_curve(day))) == expected


def test_weekday_tables_are_shared_and_memoized() -> None:
    """Weekdays of one schedule read one table; a DST day keeps its own memo."""
    weekend = tariff("22h00-06h00", WEEKEND)
    monday = weekend.curve_shares(MONDAY, day_curve(MONDAY))
    assert weekend.curve_shares(FRIDAY, day_curve(FRIDAY)) is monday
    saturday = weekend.curve_shares(SATURDAY, day_curve(SATURDAY))
    assert saturday is not monday
    assert weekend.curve_shares(SATURDAY + timedelta(days=7), day_curve(SATURDAY)) is (
        saturday
    )
    sunday = weekend.curve_shares(DST_SUNDAY, day_curve(DST_SUNDAY))
    assert len(sunday) == 50
    assert weekend.curve_shares(DST_SUNDAY, day_curve(DST_SUNDAY)) is sunday


def days_of(first: date, count: int) -> list[date]:
    """Return count days from first."""
    return [first + timedelta(days=offset) for offset in range(count)]


def test_repriced_days_follow_the_weekday() -> None:
    """Only the days of a weekday whose hours changed are written again."""
    days = days_of(date(2026, 1, 1), 60)
    plain = tariff("22h00-06h00")
    saturdays = tariff("22h00-06h00", ["", "", "", "", "", "00h00-24h00", ""])
    assert repriced_days(plain, saturdays, days) == {
        day for day in days if day.weekday() == 5
    }
    # The default moves: every day but Saturday, which keeps its own hours.
    moved = tariff("23h00-07h00", ["", "", "", "", "", "00h00-24h00", ""])
    assert repriced_days(saturdays, moved, days) == {
        day for day in days if day.weekday() != 5
    }
    # Saturday given back the default: Saturdays only.
    assert repriced_days(saturdays, plain, days) == {
        day for day in days if day.weekday() == 5
    }
    # A price change from 1 February on top of Saturday's hours.
    february = PricePeriod(
        start=date(2026, 2, 1), plan=Plan.HPHC, prices=Prices(base=0.2, hp=0.3, hc=0.1)
    )
    priced = Tariff(Plan.HPHC, PRICES, NIGHT, (february,), weekdays=saturdays.weekdays)
    assert repriced_days(plain, priced, days) == {
        day for day in days if day.weekday() == 5 or day >= date(2026, 2, 1)
    }


def test_equality_copy_and_encoding() -> None:
    """Weekday hours take part in equality, the copy and the stored encoding."""
    plain = tariff("22h00-06h00")
    weekend = tariff("22h00-06h00", WEEKEND)
    assert weekend != plain
    assert weekend.copy() == weekend
    assert hash(weekend.copy()) == hash(weekend)
    assert weekend.copy().weekdays == weekend.weekdays
    encoded = json.loads(json.dumps(encode_prices(weekend)))
    assert encoded["weekdays"] == [None] * 5 + [[[0, 1440]]] * 2
    decoded = decode_prices(encoded)
    assert decoded == weekend
    assert decoded.weekdays == weekend.weekdays
    # A tariff without weekday hours encodes as before, and the old encoding decodes.
    old = encode_prices(plain)
    assert "weekdays" not in old
    assert decode_prices(old) == plain
    with pytest.raises(ValueError, match="seven weekdays"):
        decode_prices({**encoded, "weekdays": [None] * 6})
    with pytest.raises(TypeError):
        decode_prices({**encoded, "weekdays": [None] * 6 + [5]})


def test_summaries_of_a_weekend_tariff() -> None:
    """A day without curve takes the average share of the curves, weekends included."""
    history = History()
    for day in (FRIDAY, SATURDAY):
        history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, day_points(day))
    series = history.consumption
    series.daily[MONDAY] = 1000
    splits = tariff("22h00-06h00", WEEKEND).day_splits(series)
    assert splits[FRIDAY].hc_wh == pytest.approx(4_800)
    assert splits[SATURDAY].hc_wh == pytest.approx(14_400)
    # Monday has no curve: (4 800 + 14 400) / 28 800 of its energy.
    assert splits[MONDAY].hc_wh == pytest.approx(1000 * 19_200 / 28_800)


@settings(deadline=None)
@given(st.integers(0, 6))
def test_one_weekday_all_day(weekday: int) -> None:
    """Any single weekday set to the whole day is all HC, the others unchanged."""
    texts = [""] * 7
    texts[weekday] = "00h00-24h00"
    rule = tariff("22h00-06h00", texts)
    plain = tariff("22h00-06h00")
    for day in days_of(MONDAY, 7):
        split = rule.curve_split(day, day_curve(day))
        if day.weekday() == weekday:
            assert split[1] == split[0]
        else:
            assert split == plain.curve_split(day, day_curve(day))
