"""The attributes of the content-card-linky sensor, built from the history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from .history import History
from .models import PARIS, Direction
from .offpeak import OffpeakRange
from .summary import (
    DaySplit,
    Plan,
    Prices,
    Summary,
    build_summary,
    energy_costs,
    period_totals,
    previous_month,
    shift_year,
    week_start,
)

CARD_VERSION = "0.1.0"
MISSING = -1
WEEK_DAYS = 7
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


def card_attributes(
    history: History,
    *,
    direction: Direction,
    pdl: str,
    prices: Prices,
    plan: Plan,
    ranges: tuple[OffpeakRange, ...],
    today: date,
    offpeak_text: str,
    last_update: datetime | None,
    error: str,
    version: str = CARD_VERSION,
    summary: Summary | None = None,
) -> tuple[float | None, dict[str, Any]]:
    """Return the state (kWh of the newest complete day) and the card attributes."""
    # A summary the caller built with the same arguments saves a second pass.
    if summary is None:
        summary = build_summary(
            history,
            direction=direction,
            prices=prices,
            plan=plan,
            ranges=ranges,
            today=today,
        )
    splits = summary.splits
    series = history.series(direction)
    contract = history.contract
    subscribed = contract.subscribed_power_kva if contract is not None else None
    yesterday = today - timedelta(days=1)
    newest = summary.last_day or yesterday
    days = [newest - timedelta(days=index) for index in range(WEEK_DAYS)]

    daily: Cells = []
    hp_cells: Cells = []
    hc_cells: Cells = []
    cost_cells: Cells = []
    cost_hp_cells: Cells = []
    cost_hc_cells: Cells = []
    for day in days:
        split = splits.get(day)
        if split is None:
            for cells in (
                daily,
                hp_cells,
                hc_cells,
                cost_cells,
                cost_hp_cells,
                cost_hc_cells,
            ):
                cells.append(MISSING)
            continue
        hp_cost, hc_cost = energy_costs(split.hp_wh, split.hc_wh, prices, plan)
        daily.append(_kwh(split.wh))
        hp_cells.append(_kwh(split.hp_wh))
        hc_cells.append(_kwh(split.hc_wh))
        cost_cells.append(_eur(hp_cost + hc_cost))
        cost_hp_cells.append(_eur(hp_cost))
        cost_hc_cells.append(_eur(hc_cost))

    mp_cells: Cells = []
    mp_over: list[str | int] = []
    mp_time: list[str | int] = []
    for day in days:
        peak = series.max_power.get(day) if direction is Direction.CONSUMPTION else None
        if peak is None:
            mp_cells.append(MISSING)
            mp_over.append(MISSING)
            mp_time.append(MISSING)
            continue
        kva = peak.va / 1000
        mp_cells.append(round(kva, 3))
        mp_over.append(
            "true" if subscribed is not None and kva > subscribed else "false"
        )
        mp_time.append(_local(peak.at))

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

    activation = contract.last_activation_date if contract is not None else None
    attributes: dict[str, Any] = {
        "typeCompteur": "production"
        if direction is Direction.PRODUCTION
        else "consommation",
        "numPDL": pdl,
        "activationDate": activation.isoformat() if activation else "",
        "lastUpdate": _local(last_update),
        "timeLastCall": _local(history.last_call),
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
        "current_week_evolution": evolution(
            summary.current_week_kwh, summary.last_week_kwh
        ),
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
        "daily": daily,
        "dailyweek": [day.isoformat() for day in days],
        "dailyweek_cost": cost_cells,
        "dailyweek_costHC": cost_hc_cells,
        "dailyweek_costHP": cost_hp_cells,
        "dailyweek_HC": hc_cells,
        "dailyweek_HP": hp_cells,
        "dailyweek_MP": mp_cells,
        "dailyweek_MP_over": mp_over,
        "dailyweek_MP_time": mp_time,
        "dailyweek_Tempo": [MISSING] * WEEK_DAYS,
        "daily_cost": _scalar(summary.last_day_cost, 2),
        "yesterday_HC": _scalar(summary.last_day_hc_kwh, 3),
        "yesterday_HP": _scalar(summary.last_day_hp_kwh, 3),
        "yesterday_HC_cost": _scalar(summary.last_day_hc_cost, 2),
        "yesterday_HP_cost": _scalar(summary.last_day_hp_cost, 2),
        "peak_offpeak_percent": _scalar(hp_share, 2),
        "offpeak_hours": offpeak_text,
        "offpeak_hours_enedis": (contract.offpeak_hours or "") if contract else "",
        "subscribed_power": f"{subscribed:g} kVA" if subscribed is not None else "",
        "errorLastCall": error,
        "versionUpdateAvailable": False,
        "versionGit": version,
    }
    state = round(yesterday_kwh, 3) if yesterday_kwh is not None else None
    return state, attributes
