"""The statistics rows, pure: cumulative sums, day digests, what each update writes."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.enedis_gateway.linky.energy_stats import (
    TEMPO_SERIES,
    DayRows,
    Digests,
    Series,
    Sync,
    build_series,
    digests_of,
    limit_backfill,
    sync,
)
from custom_components.enedis_gateway.linky.history import History, local_midnight
from custom_components.enedis_gateway.linky.models import (
    PARIS,
    DailyReading,
    LoadCurvePoint,
    MeasureType,
)
from custom_components.enedis_gateway.linky.offpeak import parse_offpeak
from custom_components.enedis_gateway.linky.tariff import Plan, Prices, Tariff
from custom_components.enedis_gateway.linky.tempo import TempoColor

from .curves import day_points

DAY = date(2025, 1, 6)
PRICES = Prices(base=0.25, hp=0.3, hc=0.2)
KINDS = (MeasureType.DAILY_CONSUMPTION, MeasureType.CONSUMPTION_LOAD_CURVE)
HC_22_6 = parse_offpeak("HC (22H00-6H00)")

type Recorder = dict[float, tuple[float, float]]


def daily(day: date, kwh: float) -> DayRows:
    """Return one daily row at local midnight."""
    return DayRows(day, ((local_midnight(day), kwh),))


def hourly(day: date, values: list[float]) -> DayRows:
    """Return hourly rows from local midnight."""
    start = local_midnight(day)
    return DayRows(
        day, tuple((start + timedelta(hours=n), v) for n, v in enumerate(values))
    )


def apply(recorder: Recorder, result: Sync) -> None:
    """Do what the recorder does with a sync: clear, then insert or overwrite."""
    if result.clear:
        recorder.clear()
    for start, state, total in result.rows:
        recorder[start.timestamp()] = (state, total)


def written(recorder: Recorder) -> Digests:
    """Return the digests of what the recorder holds."""
    return digests_of((start, s, total) for start, (s, total) in recorder.items())


def test_first_sync_is_cumulative_from_the_oldest_row() -> None:
    """The oldest row's sum equals its state and the sums never jump."""
    result = sync([daily(DAY, 10), hourly(DAY + timedelta(days=1), [1, 2, 3])], {})
    assert not result.clear
    assert [(state, total) for _, state, total in result.rows] == [
        (10, 10),
        (1, 11),
        (2, 13),
        (3, 16),
    ]


def test_new_day_appends_and_refining_a_day_keeps_the_next_days() -> None:
    """A new day writes its rows only; a day refined with the same total too."""
    recorder: Recorder = {}
    days = [daily(DAY + timedelta(days=n), 24) for n in range(3)]
    apply(recorder, sync(days, {}))

    days.append(daily(DAY + timedelta(days=3), 5))
    result = sync(days, written(recorder))
    assert list(result.rows) == [(local_midnight(DAY + timedelta(days=3)), 5, 77)]
    apply(recorder, result)

    days[1] = hourly(DAY + timedelta(days=1), [1.0] * 24)
    result = sync(days, written(recorder))
    assert not result.clear
    assert len(result.rows) == 24
    assert {start.date() for start, _, _ in result.rows} <= {
        DAY + timedelta(days=1),
        DAY,  # 00:00 Paris is 23:00 UTC the day before
    }
    assert result.rows[-1][2] == 48
    apply(recorder, result)
    assert not sync(days, written(recorder)).rows


def test_older_history_rewrites_everything_after_it() -> None:
    """A day before the oldest row shifts every sum: the whole series is written."""
    recorder: Recorder = {}
    days = [daily(DAY + timedelta(days=n), 1) for n in range(1, 4)]
    apply(recorder, sync(days, {}))
    result = sync([daily(DAY, 2), *days], written(recorder))
    assert not result.clear
    assert [total for _, _, total in result.rows] == [2, 3, 4, 5]


def test_a_day_that_loses_rows_clears_the_series() -> None:
    """Hourly rows cannot become one daily row in place: clear and write again."""
    recorder: Recorder = {}
    days = [hourly(DAY, [1.0] * 24), daily(DAY + timedelta(days=1), 3)]
    apply(recorder, sync(days, {}))
    result = sync([daily(DAY, 24), days[1]], written(recorder))
    assert result.clear
    assert len(result.rows) == 2
    gone = sync([], written(recorder))
    assert gone.clear
    assert not gone.rows


def test_limit_backfill_waits_for_the_span_to_quadruple() -> None:
    """Older days are held while the backfill runs, until the span quadruples."""
    days = [daily(DAY + timedelta(days=n), 1) for n in range(50)]
    held = {d.day: (1, 0) for d in days[40:]}  # 10 days written
    assert limit_backfill(days[20:], held, pending=True) == days[40:]
    assert limit_backfill(days[11:], held, pending=True) == days[40:]
    assert limit_backfill(days[10:], held, pending=True) == days[10:]
    assert limit_backfill(days[20:], held, pending=False) == days[20:]
    assert limit_backfill(days[20:], {}, pending=True) == days[20:]


def test_digests_read_back_match() -> None:
    """What the recorder gives back digests like what was written."""
    days = [hourly(DAY, [0.1234567] * 24), daily(DAY + timedelta(days=1), 7.5)]
    recorder: Recorder = {}
    result = sync(days, {})
    apply(recorder, result)
    assert written(recorder) == result.digests


def _history(curve_days: int, daily_days: int, factor: float = 1.0) -> History:
    """Return a history: daily readings, and a flat 1 kW curve on the newest days."""
    history = History()
    last = DAY + timedelta(days=daily_days - 1)
    history.merge_daily(
        MeasureType.DAILY_CONSUMPTION,
        [
            DailyReading(day=DAY + timedelta(days=n), wh=round(24_000 * factor))
            for n in range(daily_days)
        ],
    )
    for n in range(curve_days):
        day = last - timedelta(days=n)
        start = local_midnight(day)
        history.merge_curve(
            MeasureType.CONSUMPTION_LOAD_CURVE,
            [
                LoadCurvePoint(
                    start=start + timedelta(minutes=30 * i), minutes=30, watts=1000.0
                )
                for i in range(48)
            ],
        )
    return history


def test_build_series_hourly_split_and_costs() -> None:
    """Hourly rows where the curve is, HP + HC = total, costs per plan."""
    history = _history(curve_days=2, daily_days=5)
    series = build_series(
        history, kinds=KINDS, tariff=Tariff(Plan.HPHC, PRICES, HC_22_6)
    )
    total = series[Series.CONSUMPTION]
    assert [len(d.rows) for d in total] == [1, 1, 1, 24, 24]
    hp = series[Series.CONSUMPTION_HP]
    hc = series[Series.CONSUMPTION_HC]
    assert len(hp) == len(hc) == 2
    for t_day, hp_day, hc_day in zip(total[3:], hp, hc, strict=True):
        for (_, kwh), (_, hp_kwh), (_, hc_kwh) in zip(
            t_day.rows, hp_day.rows, hc_day.rows, strict=True
        ):
            assert hp_kwh + hc_kwh == pytest.approx(kwh)
    # 8 off-peak hours of 1 kWh, 16 peak hours.
    assert sum(v for _, v in hc[0].rows) == pytest.approx(8)
    assert sum(v for _, v in hp[0].rows) == pytest.approx(16)
    cost = series[Series.CONSUMPTION_COST]
    assert len(cost) == 2
    assert sum(v for _, v in cost[0].rows) == pytest.approx(16 * 0.3 + 8 * 0.2)
    base = build_series(
        history, kinds=KINDS, tariff=Tariff(Plan.BASE, PRICES, HC_22_6)
    )[Series.CONSUMPTION_COST]
    assert len(base) == 5
    assert base[0].rows[0][1] == pytest.approx(24 * 0.25)


def test_hourly_rows_keep_the_daily_reading() -> None:
    """A curve that disagrees with the daily reading is scaled to it."""
    history = _history(curve_days=1, daily_days=1, factor=1.01)
    total = build_series(history, kinds=KINDS, tariff=Tariff(Plan.BASE, PRICES, ()))[
        Series.CONSUMPTION
    ]
    assert sum(v for _, v in total[0].rows) == pytest.approx(24.24)


@pytest.mark.parametrize(
    ("day", "hours"), [(date(2025, 3, 30), 23), (date(2025, 10, 26), 25)]
)
def test_dst_days(day: date, hours: int) -> None:
    """DST days give 23 and 25 hourly rows, on the hour."""
    history = History()
    start = local_midnight(day)
    history.merge_curve(
        MeasureType.CONSUMPTION_LOAD_CURVE,
        [
            LoadCurvePoint(
                start=start + timedelta(minutes=30 * i), minutes=30, watts=2.0
            )
            for i in range(hours * 2)
        ],
    )
    series = build_series(
        history, kinds=KINDS, tariff=Tariff(Plan.HPHC, PRICES, HC_22_6)
    )
    rows = series[Series.CONSUMPTION][0].rows
    assert len(rows) == hours
    assert all(start.minute == 0 and start.tzinfo is UTC for start, _ in rows)
    hc = sum(v for _, v in series[Series.CONSUMPTION_HC][0].rows)
    # The missing or repeated hour (02:00-03:00) is an off-peak hour.
    assert hc == pytest.approx((hours - 16) * 0.002)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=40),  # day offset
            st.sampled_from(["daily", "hourly"]),
            st.floats(min_value=0, max_value=50, allow_nan=False),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_any_sequence_of_updates_leaves_exactly_the_wanted_rows(
    updates: list[tuple[int, str, float]],
) -> None:
    """Whatever arrives in whatever order, the recorder ends up with the wanted rows."""
    recorder: Recorder = {}
    days: dict[date, DayRows] = {}
    for offset, kind, kwh in updates:
        day = DAY + timedelta(days=offset)
        days[day] = daily(day, kwh) if kind == "daily" else hourly(day, [kwh / 24] * 24)
        wanted = [days[d] for d in sorted(days)]
        apply(recorder, sync(wanted, written(recorder)))
        fresh = sync(wanted, {})
        assert recorder == {
            start.timestamp(): (state, total) for start, state, total in fresh.rows
        }
        first = min(recorder)
        assert recorder[first][0] == recorder[first][1]


TEMPO_PRICES = Prices(
    base=0.25,
    hp=0.3,
    hc=0.2,
    blue_hp=0.16,
    blue_hc=0.13,
    white_hp=0.19,
    white_hc=0.15,
    red_hp=0.76,
    red_hc=0.16,
)


@pytest.mark.parametrize(
    "day", [date(2025, 1, 7), date(2025, 3, 30), date(2025, 10, 26)]
)
def test_tempo_series_and_cost_follow_the_tempo_day(day: date) -> None:
    """Six Tempo series sum to the total each hour; before 06:00, the day before's colour."""
    history = History()
    # Each interval's watts is its index: every hour has its own energy.
    points = day_points(day, lambda index: 100.0 + index)
    history.merge_curve(MeasureType.CONSUMPTION_LOAD_CURVE, points)
    eve = day - timedelta(days=1)
    colours = {eve: TempoColor.WHITE, day: TempoColor.RED}
    tariff = Tariff(Plan.TEMPO, TEMPO_PRICES, HC_22_6, (), colours)
    series = build_series(history, kinds=KINDS, tariff=tariff)
    total = dict(series[Series.CONSUMPTION][0].rows)
    tempo = {key: dict(series[value][0].rows) for key, value in TEMPO_SERIES.items()}
    cost = dict(series[Series.CONSUMPTION_COST][0].rows)
    assert len(total) == len(points) // 2
    for start, kwh in total.items():
        hour = start.astimezone(PARIS).hour
        # The hour's colour: the Tempo day starts at 06:00.
        colour = TempoColor.WHITE if hour < 6 else TempoColor.RED
        offpeak = hour < 6 or hour >= 22
        assert sum(rows[start] for rows in tempo.values()) == pytest.approx(kwh)
        assert tempo[colour, offpeak][start] == pytest.approx(kwh)
        hp_price, hc_price = TEMPO_PRICES.tempo(colour)
        assert cost[start] == pytest.approx(kwh * (hc_price if offpeak else hp_price))
    # The day's cost from its split agrees with the sum of its hours.
    split = tariff.day_splits(history.consumption)[day]
    assert sum(tariff.day_costs(split)) == pytest.approx(sum(cost.values()))
    # A colour not known yet: no Tempo row for its hours, blue prices meanwhile.
    unknown = Tariff(Plan.TEMPO, TEMPO_PRICES, HC_22_6, (), {day: TempoColor.RED})
    hours = build_series(history, kinds=KINDS, tariff=unknown)
    early = [start for start in total if start.astimezone(PARIS).hour < 6]
    for value in TEMPO_SERIES.values():
        assert not set(early) & set(dict(hours[value][0].rows)), value
    # No Tempo period: no Tempo series.
    plain = build_series(
        history, kinds=KINDS, tariff=Tariff(Plan.HPHC, PRICES, HC_22_6)
    )
    assert not set(TEMPO_SERIES.values()) & set(plain)
