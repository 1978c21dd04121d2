"""
The one-way walk from the stored history to what every output shows.

`build_snapshot` takes the history, the tariff settings and today, and computes the
summaries and the card once per update. The entities read the snapshot; the
statistics, the MQTT tree and the InfluxDB points take its tariff and its day.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .card import card_attributes
from .history import FetchState, History, measure_direction
from .models import Contract, Direction, Gateway, MeasureType, UsageStats
from .summary import Summary, build_summary
from .tariff import Plan, PricePeriod, Prices, Tariff
from .tempo import EcoWattDay, TempoDays, tempo_days


@dataclass(frozen=True, kw_only=True, slots=True)
class CardData:
    """State and attributes of a content-card-linky sensor."""

    state: float | None
    attributes: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class Snapshot:
    """Everything shown after an update, computed from the history without a call."""

    today: date
    tariff: Tariff
    offpeak_text: str
    contract: Contract | None
    consumption: Summary
    production: Summary | None
    card: CardData
    production_card: CardData | None
    calls_today: int
    # The gateway the data comes from, and what it says the account spent today
    # (MyElectricalData v2 tells it; None until read, and for the other gateways).
    gateway: Gateway
    usage: UsageStats | None
    last_error: str
    skipped_days: int
    # RTE's Tempo colours of today and tomorrow, the days left in the season, and
    # the Tempo calls of today (public calls, outside the metering budget).
    tempo: TempoDays
    tempo_calls_today: int
    # RTE's EcoWatt signal of the stored days, and the EcoWatt calls of today (None
    # when the option is off).
    ecowatt: Mapping[date, EcoWattDay]
    ecowatt_calls_today: int | None


def offpeak_text(override: str, history: History) -> str:
    """Return the effective off-peak hours: the option wins over the contract."""
    contract = history.contract
    return override or (contract.offpeak_hours if contract else None) or ""


def build_snapshot(
    history: History,
    fetch: FetchState,
    *,
    pdl: str,
    plan: Plan,
    prices: Prices,
    offpeak_override: str,
    offpeak_weekdays: Collection[str] = (),
    kinds: Collection[MeasureType],
    today: date,
    calls_today: int,
    version: str,
    gateway: Gateway = Gateway.MYELECTRICALDATA,
    usage: UsageStats | None = None,
    later_prices: tuple[PricePeriod, ...] = (),
    tempo_calls_today: int = 0,
    ecowatt_calls_today: int | None = None,
    previous: Tariff | None = None,
) -> Snapshot:
    """
    Compute the summaries and cards of the enabled directions as of a Paris day.

    plan and prices apply before the first of later_prices, each from its start.
    offpeak_weekdays: from Monday on, a weekday's own off-peak hours ("" for the
    effective ones, which `offpeak_text` shows). previous: the tariff of the last
    snapshot, whose curve splits still hold for the curves the history kept.
    """
    text = offpeak_text(offpeak_override, history)
    tariff = Tariff.from_offpeak_text(
        plan, prices, text, later_prices, history.tempo, offpeak_weekdays
    )
    if previous is not None:
        tariff.inherit_splits(previous)

    def summarize(direction: Direction) -> tuple[Summary, CardData]:
        summary = build_summary(
            history,
            fetch,
            direction=direction,
            tariff=tariff,
            today=today,
            kinds=[kind for kind in kinds if measure_direction(kind) is direction],
            gateway=gateway,
        )
        state, attributes = card_attributes(
            history,
            pdl=pdl,
            tariff=tariff,
            summary=summary,
            offpeak_text=text,
            last_call=fetch.last_call,
            error=fetch.last_error,
            version=version,
        )
        return summary, CardData(state=state, attributes=attributes)

    consumption, card = summarize(Direction.CONSUMPTION)
    production, production_card = (
        summarize(Direction.PRODUCTION)
        if any(measure_direction(kind) is Direction.PRODUCTION for kind in kinds)
        else (None, None)
    )
    return Snapshot(
        today=today,
        tariff=tariff,
        offpeak_text=text,
        contract=history.contract,
        consumption=consumption,
        production=production,
        card=card,
        production_card=production_card,
        calls_today=calls_today,
        gateway=gateway,
        usage=usage,
        last_error=fetch.last_error,
        skipped_days=fetch.skipped_count(),
        tempo=tempo_days(history.tempo, today),
        tempo_calls_today=tempo_calls_today,
        ecowatt=dict(history.ecowatt),
        ecowatt_calls_today=ecowatt_calls_today,
    )
