"""InfluxDB line protocol of the readings and the marks that keep the export incremental."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
import math

from .history import DayCurve, History, local_midnight, paris_day
from .tariff import Tariff

DAILY_MEASUREMENT = "enedisgateway_daily"
DETAIL_MEASUREMENT = "enedisgateway_detail"
BATCH_LINES = 5000

_MEASUREMENT_ESCAPES = str.maketrans({",": r"\,", " ": r"\ "})
_KEY_ESCAPES = str.maketrans({",": r"\,", "=": r"\=", " ": r"\ "})


class ExportKind(StrEnum):
    """What a mark tracks: the daily readings or the load curve."""

    DAILY = "daily"
    DETAIL = "detail"


class MeasureTag(StrEnum):
    """The measure_type tag of a load-curve point."""

    HP = "HP"
    HC = "HC"
    BASE = "BASE"


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportUnit:
    """The lines of one day of one kind, written and marked together."""

    kind: ExportKind
    day: date
    lines: tuple[str, ...]


def escape_measurement(text: str) -> str:
    """Escape a measurement name."""
    return text.translate(_MEASUREMENT_ESCAPES)


def escape_key(text: str) -> str:
    """Escape a tag key, a tag value or a field key."""
    return text.translate(_KEY_ESCAPES)


def _float(value: float) -> str:
    """Format a float field value, unrounded."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite field value: {value}")
    return repr(float(value))


def series_key(measurement: str, tags: Mapping[str, str]) -> str:
    """Return the escaped measurement and tags of a line, tags sorted as InfluxDB prefers."""
    tag_text = "".join(
        f",{escape_key(key)}={escape_key(tags[key])}" for key in sorted(tags)
    )
    return f"{escape_measurement(measurement)}{tag_text}"


def line(
    measurement: str,
    tags: Mapping[str, str],
    fields: Mapping[str, float],
    timestamp: int,
) -> str:
    """Return one line of line protocol."""
    field_text = ",".join(
        f"{escape_key(key)}={_float(value)}" for key, value in fields.items()
    )
    return f"{series_key(measurement, tags)} {field_text} {timestamp}"


def _day_tags(pdl: str, day: date) -> dict[str, str]:
    return {"pdl": pdl, "year": f"{day.year:04d}", "month": f"{day.month:02d}"}


def daily_line(*, pdl: str, day: date, wh: float, price: float) -> str:
    """Return the point of a daily reading, at the day's Paris-local midnight."""
    return line(
        DAILY_MEASUREMENT,
        _day_tags(pdl, day),
        {"Wh": wh, "kWh": wh / 1000, "price": price},
        int(local_midnight(day).timestamp()),
    )


def detail_lines(*, pdl: str, day: date, curve: DayCurve, tariff: Tariff) -> list[str]:
    """Return the points of a day's load curve, at each interval start."""
    # An interval across an off-peak bound gives an HP and an HC point at the same
    # instant, each with its pro-rata share: sums per measure_type stay right.
    tags = _day_tags(pdl, day) | {"interval": f"PT{curve.minutes}M"}
    # The series keys are the same all day: build them once per tag (a first export
    # formats some 35,000 points).
    keys = {
        tag: series_key(DETAIL_MEASUREMENT, tags | {"measure_type": tag.value})
        for tag in MeasureTag
    }
    shares = tariff.curve_shares(day, curve)
    # A day with no off-peak hours (its weekday's) is tagged BASE.
    base = not tariff.day_ranges[day.weekday()]
    minutes = curve.minutes
    lines: list[str] = []
    for point, share in zip(curve.points(day), _stored(curve, shares), strict=True):
        # Per point: under Tempo an interval pays the colour of its Tempo day.
        hp_price, hc_price = tariff.interval_prices(day, point.start)
        parts: tuple[tuple[MeasureTag, float, float], ...]
        if base:
            parts = ((MeasureTag.BASE, 1.0, hp_price),)
        elif share <= 0:
            parts = ((MeasureTag.HP, 1.0, hp_price),)
        elif share >= 1:
            parts = ((MeasureTag.HC, 1.0, hc_price),)
        else:
            parts = (
                (MeasureTag.HP, 1 - share, hp_price),
                (MeasureTag.HC, share, hc_price),
            )
        timestamp = int(point.start.timestamp())
        for tag, part, unit_price in parts:
            watts = point.watts * part
            wh = watts * minutes / 60
            kwh = wh / 1000
            lines.append(
                f"{keys[tag]} W={_float(watts)},kW={_float(watts / 1000)},"
                f"Wh={_float(wh)},kWh={_float(kwh)},"
                f"price={_float(kwh * unit_price)} {timestamp}"
            )
    return lines


def _stored(curve: DayCurve, shares: Sequence[float]) -> Iterator[float]:
    """Yield the share of each stored interval, in the order of curve.points."""
    return (
        share
        for watts, share in zip(curve.watts, shares, strict=True)
        if watts is not None
    )


def exported_days(marks: Mapping[str, datetime], kind: ExportKind) -> set[date]:
    """Return the days already exported, from marks "<kind>:<first day>" -> end of the span."""
    days: set[date] = set()
    prefix = f"{kind.value}:"
    one = timedelta(days=1)
    for key, end in marks.items():
        if not key.startswith(prefix):
            continue
        try:
            day = date.fromisoformat(key.removeprefix(prefix))
        except ValueError:
            continue
        last = paris_day(end)
        while day < last:
            days.add(day)
            day += one
    return days


def mark_exported(
    marks: Mapping[str, datetime], kind: ExportKind, days: Iterable[date]
) -> dict[str, datetime]:
    """Return the marks with more days exported, as spans "<kind>:<first day>" -> end."""
    # The backfill adds older days and the planner fills holes late, so a single
    # high-water mark would miss them; spans of consecutive days stay few (one per
    # hole) and keep the exporter's store small. A span ends at the Paris midnight after it.
    return _spans(marks, kind, exported_days(marks, kind).union(days))


def unmark_exported(
    marks: Mapping[str, datetime], kind: ExportKind, days: Iterable[date]
) -> dict[str, datetime]:
    """Return the marks with some days to export again (their prices changed)."""
    return _spans(marks, kind, exported_days(marks, kind).difference(days))


def _spans(
    marks: Mapping[str, datetime], kind: ExportKind, days: Iterable[date]
) -> dict[str, datetime]:
    """Return the marks with a kind's exported days replaced by the spans of days."""
    every = sorted(days)
    prefix = f"{kind.value}:"
    updated = {key: end for key, end in marks.items() if not key.startswith(prefix)}
    one = timedelta(days=1)
    index = 0
    while index < len(every):
        first = last = every[index]
        index += 1
        while index < len(every) and every[index] == last + one:
            last = every[index]
            index += 1
        updated[f"{prefix}{first.isoformat()}"] = local_midnight(last + one)
    return updated


def encode_marks(marks: Mapping[str, datetime]) -> dict[str, str]:
    """Encode export marks as JSON-ready data."""
    return {key: end.isoformat() for key, end in sorted(marks.items())}


def decode_marks(data: object) -> dict[str, datetime]:
    """Decode export marks; raise ValueError (or TypeError) when they are not marks."""
    if not isinstance(data, dict):
        raise TypeError("export marks are not an object")
    marks: dict[str, datetime] = {}
    for key, text in data.items():
        end = datetime.fromisoformat(text) if isinstance(text, str) else None
        if end is None or end.tzinfo is None or ":" not in key:
            raise ValueError(f"invalid export mark {key!r}")
        marks[key] = end
    return marks


def pending_units(
    history: History,
    marks: Mapping[str, datetime],
    *,
    pdl: str,
    tariff: Tariff,
) -> Iterator[ExportUnit]:
    """Yield the consumption days not exported yet: daily ones, then the load curve."""
    # The pending days are listed before the first unit is yielded; each unit's lines
    # are built when reached, so a first export of two years never sits in memory.
    series = history.consumption
    daily_done = exported_days(marks, ExportKind.DAILY)
    detail_done = exported_days(marks, ExportKind.DETAIL)
    daily_days = sorted(day for day in series.daily if day not in daily_done)
    # Only complete days: a partial curve is completed by a later call.
    curve_days = sorted(
        day
        for day, curve in series.curve.items()
        if day not in detail_done and curve.is_complete()
    )
    if daily_days:
        splits = tariff.day_splits(series)
        for day in daily_days:
            split = splits[day]
            price = sum(tariff.day_costs(split))
            yield ExportUnit(
                kind=ExportKind.DAILY,
                day=day,
                lines=(daily_line(pdl=pdl, day=day, wh=split.wh, price=price),),
            )
    for day in curve_days:
        yield ExportUnit(
            kind=ExportKind.DETAIL,
            day=day,
            lines=tuple(
                detail_lines(
                    pdl=pdl,
                    day=day,
                    curve=series.curve[day],
                    tariff=tariff,
                )
            ),
        )


def batches(
    units: Iterable[ExportUnit], size: int = BATCH_LINES
) -> Iterator[list[ExportUnit]]:
    """Group whole days into batches of at most size lines (a bigger day goes alone)."""
    batch: list[ExportUnit] = []
    count = 0
    for unit in units:
        if batch and count + len(unit.lines) > size:
            yield batch
            batch, count = [], 0
        batch.append(unit)
        count += len(unit.lines)
    if batch:
        yield batch
