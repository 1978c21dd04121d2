"""The attributes of the content-card-linky sensor, built from the history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from .history import History
from .models import PARIS, Direction, MaxPowerReading
from .summary import (
    Summary,
    period_totals,
    previous_month,
    shift_year,
    week_start,
)
from .tariff import DaySplit, Tariff
from .tempo import TempoColor

MISSING = -1
WEEK_DAYS = 7
# The card shows its Tempo and EcoWatt sections only under this exact value (any
# other shows a migration banner): set once there are colours or signals to show.
SERVICE_ENEDIS = "myElectricalData"
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

type Cell = float | int
type Cells = list[Cell]


def _kwh(wh: float) -> float:
    return round(wh / 1000, 3)


def _eur(value: float) -> float:
    return round(value, 2)


def _scalar(value: float | None, digits: int) -> float:
    """Return a rounded scalar; unknown is 0, never -1 (the cards print -1 literally)."""
    return 0.0 if value is None else round(value, digits)


def _local(instant: datetime | None) -> str:
    return instant.astimezone(PARIS).strftime(_TIME_FORMAT) if instant else ""


def evolution(now: float | None, then: float | None) -> float:
    """Return 100 * (now - then) / then rounded to 2 decimals; 0 when either is unknown or then is 0."""
    if now is None or then is None or then == 0:
        return 0.0
    return round(100 * (now - then) / then, 2)


def _period_kwh(
    splits: Mapping[date, DaySplit], first: date, last: date
) -> float | None:
    totals = period_totals(splits, first, last)
    return None if totals is None else totals.wh / 1000


def _week_cells(
    splits: Mapping[date, DaySplit], days: list[date], tariff: Tariff
) -> dict[str, Cells]:
    """Return the energy and cost cells of the week, newest day first, -1 when unknown."""
    cells: dict[str, Cells] = {
        key: [] for key in ("daily", "hp", "hc", "cost", "cost_hp", "cost_hc")
    }
    for day in days:
        split = splits.get(day)
        if split is None:
            for column in cells.values():
                column.append(MISSING)
            continue
        hp_cost, hc_cost = tariff.day_costs(split)
        cells["daily"].append(_kwh(split.wh))
        cells["hp"].append(_kwh(split.hp_wh))
        cells["hc"].append(_kwh(split.hc_wh))
        cells["cost"].append(_eur(hp_cost + hc_cost))
        cells["cost_hp"].append(_eur(hp_cost))
        cells["cost_hc"].append(_eur(hc_cost))
    return cells


def _max_power_cells(
    peaks: Mapping[date, MaxPowerReading],
    days: list[date],
    subscribed: float | None,
) -> dict[str, list[Any]]:
    """Return the peak power cells of the week: kVA, over the subscription, time."""
    cells: dict[str, list[Any]] = {"kva": [], "over": [], "time": []}
    for day in days:
        peak = peaks.get(day)
        if peak is None:
            for column in cells.values():
                column.append(MISSING)
            continue
        kva = peak.va / 1000
        cells["kva"].append(round(kva, 3))
        cells["over"].append(
            "true" if subscribed is not None and kva > subscribed else "false"
        )
        cells["time"].append(_local(peak.at))
    return cells


def _tempo_cells(
    colours: Mapping[date, TempoColor], days: list[date]
) -> list[str | int]:
    """Return the colour of each day of the week as the card reads it ("BLUE"), or -1."""
    return [
        colour.value if (colour := colours.get(day)) is not None else MISSING
        for day in days
    ]


def card_attributes(
    history: History,
    *,
    pdl: str,
    tariff: Tariff,
    summary: Summary,
    offpeak_text: str,
    last_call: datetime | None,
    error: str,
    version: str,
) -> tuple[float | None, dict[str, Any]]:
    """Return the state (kWh of the newest complete day) and the card attributes."""
    today, direction = summary.today, summary.direction
    splits = summary.splits
    series = history.series(direction)
    contract = history.contract
    subscribed = contract.subscribed_power_kva if contract is not None else None
    yesterday = today - timedelta(days=1)
    newest = summary.last_day or yesterday
    days = [newest - timedelta(days=index) for index in range(WEEK_DAYS)]

    week = _week_cells(splits, days, tariff)
    peaks = (
        _max_power_cells(series.max_power, days, subscribed)
        if direction is Direction.CONSUMPTION
        else _max_power_cells({}, days, subscribed)
    )

    newest_split = splits.get(newest)
    day_2 = splits.get(newest - timedelta(days=1))
    last_year_day = shift_year(newest)
    last_year_split = splits.get(last_year_day)
    yesterday_kwh = newest_split.wh / 1000 if newest_split else None
    day_2_kwh = day_2.wh / 1000 if day_2 else None
    hp_share = (
        100 * newest_split.hp_wh / newest_split.wh
        if newest_split is not None and newest_split.wh > 0
        else None
    )

    month_first, month_last = previous_month(today)
    current_week_last_year = _period_kwh(
        splits, shift_year(week_start(today)), shift_year(yesterday)
    )
    last_month_last_year = _period_kwh(
        splits, shift_year(month_first), shift_year(month_last)
    )
    current_month_last_year = _period_kwh(
        splits, shift_year(today.replace(day=1)), shift_year(yesterday)
    )
    current_year_last_year = _period_kwh(
        splits, date(today.year - 1, 1, 1), shift_year(yesterday)
    )
    # The week so far (Monday to the newest day) against the same weekdays a week
    # earlier; nothing to compare (0) while the newest day is before this Monday.
    monday, week_ago = week_start(today), timedelta(days=7)
    week_now: float | None = None
    week_then: float | None = None
    if newest >= monday:
        week_now = _period_kwh(splits, monday, newest)
        week_then = _period_kwh(splits, monday - week_ago, newest - week_ago)

    activation = contract.last_activation_date if contract is not None else None
    attributes: dict[str, Any] = {
        "typeCompteur": "production"
        if direction is Direction.PRODUCTION
        else "consommation",
        "numPDL": pdl,
        "activationDate": activation.isoformat() if activation else "",
        # The data comes from the last call: both times are that call's.
        "lastUpdate": _local(last_call),
        "timeLastCall": _local(last_call),
        "yesterdayDate": newest.isoformat(),
        "yesterday": _scalar(yesterday_kwh, 3),
        "day_2": _scalar(day_2_kwh, 3),
        "yesterdayLastYearDate": last_year_day.isoformat(),
        "yesterdayLastYear": _scalar(
            last_year_split.wh / 1000 if last_year_split else None, 3
        ),
        "yesterday_evolution": evolution(yesterday_kwh, day_2_kwh),
        "last_week": _scalar(summary.last_week_kwh, 3),
        "current_week": _scalar(summary.current_week_kwh, 3),
        "current_week_last_year": _scalar(current_week_last_year, 3),
        "current_week_evolution": evolution(week_now, week_then),
        "current_week_number": today.isocalendar().week,
        "last_month": _scalar(summary.last_month_kwh, 3),
        "last_month_last_year": _scalar(last_month_last_year, 3),
        "monthly_evolution": evolution(summary.last_month_kwh, last_month_last_year),
        "current_month": _scalar(summary.current_month_kwh, 3),
        "current_month_last_year": _scalar(current_month_last_year, 3),
        "current_month_evolution": evolution(
            summary.current_month_kwh, current_month_last_year
        ),
        "last_year": _scalar(summary.last_year_kwh, 3),
        "current_year": _scalar(summary.current_year_kwh, 3),
        "current_year_last_year": _scalar(current_year_last_year, 3),
        "yearly_evolution": evolution(summary.current_year_kwh, current_year_last_year),
        "daily": week["daily"],
        "dailyweek": [day.isoformat() for day in days],
        "dailyweek_cost": week["cost"],
        "dailyweek_costHC": week["cost_hc"],
        "dailyweek_costHP": week["cost_hp"],
        "dailyweek_HC": week["hc"],
        "dailyweek_HP": week["hp"],
        "dailyweek_MP": peaks["kva"],
        "dailyweek_MP_over": peaks["over"],
        "dailyweek_MP_time": peaks["time"],
        "dailyweek_Tempo": _tempo_cells(history.tempo, days),
        "daily_cost": _scalar(summary.last_day_cost, 2),
        "yesterday_HC": _scalar(summary.last_day_hc_kwh, 3),
        "yesterday_HP": _scalar(summary.last_day_hp_kwh, 3),
        "yesterday_HC_cost": _scalar(summary.last_day_hc_cost, 2),
        "yesterday_HP_cost": _scalar(summary.last_day_hp_cost, 2),
        "peak_offpeak_percent": _scalar(hp_share, 2),
        # The default hours: the card has one text, not one per weekday.
        "offpeak_hours": offpeak_text,
        "offpeak_hours_enedis": (contract.offpeak_hours or "") if contract else "",
        "subscribed_power": f"{subscribed:g} kVA" if subscribed is not None else "",
        "errorLastCall": error,
        "versionUpdateAvailable": False,
        "versionGit": version,
    }
    if history.tempo or history.ecowatt:
        attributes["serviceEnedis"] = SERVICE_ENEDIS
    state = round(yesterday_kwh, 3) if yesterday_kwh is not None else None
    return state, attributes
