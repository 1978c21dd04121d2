"""Topics and plain-text payloads of the MQTT mirror: the EnedisGateway2MQTT tree."""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
import json
from typing import Any

from .history import History, SeriesHistory
from .models import Direction
from .offpeak import DAY_MINUTES, OffpeakRange
from .summary import shift_year
from .tariff import DaySplit, Plan, Tariff

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WINDOWS = ("current_year", "year-1", "year-2")
# The keys of the addresses reply's usage_point, which the contract reply repeats.
USAGE_POINT_KEYS = ("usage_point_id", "usage_point_status", "meter_type")
_WEEK = 7
_TOPIC_UNSAFE = str.maketrans(dict.fromkeys("/+#\0", "_"))


def number(value: float, digits: int = 2) -> str:
    """Format a number as plain text: rounded, dot decimals, no trailing zeros."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def hours_text(minute: int) -> str:
    """Format a minute of day the way Enedis contracts write hours: "22H00", "6H00"."""
    minute %= DAY_MINUTES
    return f"{minute // 60}H{minute % 60:02d}"


def _segment(key: str) -> str:
    """Return a contract or address key usable as one topic level."""
    return key.translate(_TOPIC_UNSAFE) or "_"


def _text(value: Any) -> str:
    """Return a raw value as plain text: strings as they are, containers as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _days(first: date, last: date) -> Iterator[date]:
    """Yield the days of [first, last)."""
    day = first
    one = timedelta(days=1)
    while day < last:
        yield day
        day += one


def _month_before(day: date) -> date:
    """Return the same day one month earlier, clamped to the end of a short month."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(kw_only=True, slots=True)
class _Month:
    """
    Load-curve energy of one month: Wh, and the sums of the W values like the original.

    With a tariff, its cost under BASE and under HP/HC, each day at its own prices.
    """

    wh: float = 0.0
    hc_wh: float = 0.0
    watts: float = 0.0
    hc_watts: float = 0.0
    base_euro: float = 0.0
    hp_euro: float = 0.0
    hc_euro: float = 0.0

    def add(self, split: DaySplit, minutes: int, tariff: Tariff | None) -> None:
        """Add one day measured at some interval length."""
        per_wh = 60 / minutes
        self.wh += split.wh
        self.hc_wh += split.hc_wh
        self.watts += split.wh * per_wh
        self.hc_watts += split.hc_wh * per_wh
        if tariff is not None:
            hp_kwh, hc_kwh = split.hp_wh / 1000, split.hc_wh / 1000
            self.base_euro += tariff.cost(hp_kwh, hc_kwh, Plan.BASE, split.day)
            hp_euro, hc_euro = tariff.costs(hp_kwh, hc_kwh, Plan.HPHC, split.day)
            self.hp_euro += hp_euro
            self.hc_euro += hc_euro


def _contract_topics(history: History, base: str) -> dict[str, str]:
    """Return the contract topics: every raw key, then the original's shortcuts."""
    contract = history.contract
    if contract is None:
        return {}
    topics = {
        f"{base}/contract/{_segment(key)}": value for key, value in contract.raw.items()
    }
    if contract.subscribed_power_kva is not None:
        topics[f"{base}/subscribed_power"] = number(contract.subscribed_power_kva)
    if contract.offpeak_hours:
        topics[f"{base}/offpeak_hours"] = contract.offpeak_hours
    activation = contract.raw.get("last_activation_date") or (
        contract.last_activation_date.isoformat()
        if contract.last_activation_date
        else None
    )
    if activation:
        topics[f"{base}/last_activation_date"] = activation
    return topics


def _offpeak_topics(ranges: tuple[OffpeakRange, ...], base: str) -> dict[str, str]:
    """Return start and stop of each effective off-peak range."""
    topics: dict[str, str] = {}
    for index, item in enumerate(ranges):
        topics[f"{base}/offpeak_hours/{index}/start"] = hours_text(item.start)
        topics[f"{base}/offpeak_hours/{index}/stop"] = hours_text(item.end)
    return topics


def _address_topics(history: History, base: str, pdl: str) -> dict[str, str]:
    """Return the address topics: usage point keys, then each address key."""
    addresses = history.addresses
    if addresses is None:
        return {}
    contract_raw = history.contract.raw if history.contract else {}
    usage_point = {"usage_point_id": pdl} | {
        key: contract_raw[key] for key in USAGE_POINT_KEYS if key in contract_raw
    }
    topics = {f"{base}/addresses/{key}": value for key, value in usage_point.items()}
    topics.update(
        {
            f"{base}/addresses/usage_point_addresses/{_segment(key)}": _text(value)
            for key, value in addresses.raw.items()
            if value is not None
        }
    )
    return topics


def _window_topics(
    wh_by_day: Mapping[date, float],
    *,
    base: str,
    mode: str,
    today: date,
    tariff: Tariff | None,
) -> dict[str, str]:
    """Return the three one-year windows: dates, last 7 days by weekday, week/month/year sums."""
    topics: dict[str, str] = {}
    for years, window in enumerate(WINDOWS):
        end = shift_year(today, years)
        begin = shift_year(today, years + 1)
        node = f"{base}/{mode}/{window}"
        price_node = f"{base}/{mode}_price/{window}"
        topics[f"{node}/dateBegin"] = begin.isoformat()
        topics[f"{node}/dateEnded"] = end.isoformat()
        # Each key's stored days: a weekday, or the days of a week, month or year.
        spans: dict[str, list[date]] = {}
        for day in _days(end - timedelta(days=_WEEK), end):
            if day in wh_by_day:
                spans[WEEKDAYS[day.weekday()]] = [day]
        for key, first in (
            ("this_week", end - timedelta(days=_WEEK)),
            ("this_month", _month_before(end)),
            ("this_year", begin),
        ):
            if stored := [day for day in _days(first, end) if day in wh_by_day]:
                spans[key] = stored
        for key, days in spans.items():
            topics[f"{node}/{key}"] = number(sum(wh_by_day[day] for day in days))
            if tariff is not None:
                # The original prices these sums at the BASE price, whatever the plan;
                # each day at the prices in force that day.
                topics[f"{price_node}/{key}"] = number(
                    sum(
                        tariff.cost(wh_by_day[day] / 1000, 0.0, Plan.BASE, day)
                        for day in days
                    )
                )
    return topics


def _month_topics(
    node: str, month: _Month, tariff: Tariff | None
) -> Iterator[tuple[str, str]]:
    """Yield the detail topics of one month; no tariff leaves the euros out."""
    hp_wh = month.wh - month.hc_wh
    yield f"{node}/measure_total_wh", number(month.wh)
    yield f"{node}/measure_hp_wh", number(hp_wh)
    yield f"{node}/measure_hc_wh", number(month.hc_wh)
    hc_ratio = 100 * month.hc_wh / month.wh if month.wh > 0 else 0.0
    yield f"{node}/measure_ration_hp", number(100 - hc_ratio if month.wh > 0 else 0.0)
    yield f"{node}/measure_ration_hc", number(hc_ratio)
    yield f"{node}/measure_total", number(month.watts)
    yield f"{node}/measure_hp", number(month.watts - month.hc_watts)
    yield f"{node}/measure_hc", number(month.hc_watts)
    if tariff is None:
        return
    base_euro, hp_euro, hc_euro = month.base_euro, month.hp_euro, month.hc_euro
    hphc_euro = hp_euro + hc_euro
    # The original's sign: positive when BASE costs less than HP/HC.
    base_vs_offpeak = 100 * (hphc_euro - base_euro) / hphc_euro if hphc_euro else 0.0
    yield f"{node}/measure_base_euro", number(base_euro)
    yield f"{node}/measure_hp_euro", number(hp_euro)
    yield f"{node}/measure_hc_euro", number(hc_euro)
    yield f"{node}/measure_hphc_euro", number(hphc_euro)
    yield f"{node}/base_vs_offpeak", number(base_vs_offpeak)
    yield f"{node}/best_plan", "BASE" if base_euro <= hphc_euro else "HC/HP"
    yield f"{node}/best_plan_percent", number(abs(base_vs_offpeak))


def _detail_topics(
    series: SeriesHistory,
    curve_splits: Mapping[date, DaySplit],
    *,
    node: str,
    tariff: Tariff | None,
) -> dict[str, str]:
    """Return the monthly load-curve topics, one set per month holding a complete day."""
    months: dict[tuple[int, int], _Month] = {}
    for day, split in curve_splits.items():
        month = months.get((day.year, day.month))
        if month is None:
            month = months[day.year, day.month] = _Month()
        month.add(split, series.curve[day].minutes, tariff)
    topics: dict[str, str] = {}
    for (year, month_number), month in sorted(months.items()):
        topics.update(
            _month_topics(f"{node}/{year:04d}/{month_number:02d}", month, tariff)
        )
    return topics


def _error_topics(error: str, *, base: str, modes: tuple[str, ...]) -> dict[str, str]:
    """Return the error flag (and message) at the root and in each window, as the original."""
    topics: dict[str, str] = {}
    nodes = [base, *(f"{base}/{mode}/{window}" for mode in modes for window in WINDOWS)]
    for node in nodes:
        topics[f"{node}/error"] = "1" if error else "0"
        if error:
            topics[f"{node}/errorMsg/description"] = error
    return topics


def mqtt_payloads(
    history: History,
    *,
    pdl: str,
    prefix: str,
    tariff: Tariff,
    today: date,
    production: bool,
    error: str,
) -> dict[str, str]:
    """Return every topic of a PDL and its payload, computed from the history only."""
    base = f"{prefix}/{pdl}"
    topics = _contract_topics(history, base)
    # The default ranges: the original tree has no per-weekday off-peak topic.
    topics.update(_offpeak_topics(tariff.ranges, base))
    topics.update(_address_topics(history, base, pdl))
    modes = (
        (Direction.CONSUMPTION, Direction.PRODUCTION)
        if production
        else (Direction.CONSUMPTION,)
    )
    for direction in modes:
        series = history.series(direction)
        # The split of the load curve alone: the detail topics are the curve's energy.
        curve_splits = tariff.day_splits(SeriesHistory(curve=series.curve))
        wh_by_day: dict[date, float] = {
            day: split.wh for day, split in curve_splits.items()
        }
        wh_by_day.update(series.daily)
        consumption = direction is Direction.CONSUMPTION
        topics.update(
            _window_topics(
                wh_by_day,
                base=base,
                mode=direction.value,
                today=today,
                # There is no sale price option: production has no price topics.
                tariff=tariff if consumption and tariff.prices.base > 0 else None,
            )
        )
        topics.update(
            _detail_topics(
                series,
                curve_splits,
                node=f"{base}/{direction.value}/detail",
                tariff=tariff if consumption else None,
            )
        )
    topics.update(
        _error_topics(error, base=base, modes=tuple(mode.value for mode in modes))
    )
    return topics
