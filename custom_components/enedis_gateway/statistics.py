"""Energy dashboard: hourly external statistics built from the stored history."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from itertools import batched
from typing import Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter

from .const import DOMAIN, LOGGER
from .linky.energy_stats import (
    Digests,
    Row,
    Series,
    build_series,
    digests_of,
    limit_backfill,
    older_pending,
    source_kinds,
    sync,
)
from .linky.history import History, paris_day
from .options import EnedisOptions

# About a month of hourly rows per recorder job keeps the recorder responsive.
CHUNK_ROWS = 744
CURRENCY = "EUR"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_NAMES: dict[str, dict[Series, str]] = {
    "en": {
        Series.CONSUMPTION: "consumption",
        Series.CONSUMPTION_HP: "peak-hours consumption",
        Series.CONSUMPTION_HC: "off-peak consumption",
        Series.CONSUMPTION_COST: "consumption cost",
        Series.PRODUCTION: "production",
    },
    "fr": {
        Series.CONSUMPTION: "consommation",
        Series.CONSUMPTION_HP: "consommation heures pleines",
        Series.CONSUMPTION_HC: "consommation heures creuses",
        Series.CONSUMPTION_COST: "coût de la consommation",
        Series.PRODUCTION: "production",
    },
}


def statistic_id(pdl: str, series: Series) -> str:
    """Return the external statistic id of a series."""
    return f"{DOMAIN}:{pdl}_{series}"


def statistic_metadata(
    hass: HomeAssistant, pdl: str, series: Series
) -> StatisticMetaData:
    """Return the metadata of a series, with `unit_class` where the recorder knows it."""
    cost = series is Series.CONSUMPTION_COST
    names = _NAMES["fr" if hass.config.language.startswith("fr") else "en"]
    metadata = StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name=f"Linky {pdl} {names[series]}",
        source=DOMAIN,
        statistic_id=statistic_id(pdl, series),
        unit_of_measurement=CURRENCY if cost else UnitOfEnergy.KILO_WATT_HOUR,
    )
    if "unit_class" in StatisticMetaData.__annotations__:
        # Home Assistant 2025.11 and later: energy converts, a currency does not.
        extra: dict[str, Any] = {
            "unit_class": None if cost else EnergyConverter.UNIT_CLASS
        }
        metadata.update(extra)  # type: ignore[typeddict-item]
    return metadata


class StatisticsImporter:
    """Keep the external statistics of one PDL in step with its history."""

    def __init__(self, hass: HomeAssistant, pdl: str) -> None:
        """Initialize the importer."""
        self.hass = hass
        self.pdl = pdl
        # Digest of what the recorder holds, day by day; read back once per start.
        self._written: dict[Series, Digests] | None = None
        self._inputs: tuple[object, ...] | None = None
        # Rows queued per series since the start, reported in the diagnostics.
        self.rows_queued: Counter[Series] = Counter()

    async def async_update(self, history: History, options: EnedisOptions) -> None:
        """Write the rows whose value or running sum changed since the last update."""
        contract_text = history.contract.offpeak_hours if history.contract else None
        ranges = options.offpeak_ranges(contract_text)
        today = paris_day(dt_util.utcnow())
        # Everything the rows depend on: an update that changed none of it is free.
        inputs = (
            id(history),
            history.revision,
            today,
            sum(len(days) for days in history.blacklist.values()),
            tuple(history.floor.items()),
            ranges,
            options.prices,
            options.plan,
            options.kinds,
        )
        if inputs == self._inputs:
            return
        wanted = build_series(
            history,
            kinds=options.kinds,
            ranges=ranges,
            prices=options.prices,
            plan=options.plan,
        )
        if self._written is None:
            self._written = await self._async_read_back(list(wanted))
        for series, days in wanted.items():
            written = self._written.get(series, {})
            pending = bool(days) and older_pending(
                history, source_kinds(series, options.plan), today, days[0].day
            )
            result = sync(limit_backfill(days, written, pending=pending), written)
            if not result.clear and not result.rows:
                continue
            self._write(series, result.clear, result.rows)
            self._written[series] = result.digests
        self._inputs = inputs

    def _write(self, series: Series, clear: bool, rows: list[Row]) -> None:
        """Queue the rows in the recorder, a month per job, after a clear if asked."""
        stat_id = statistic_id(self.pdl, series)
        if clear:
            get_instance(self.hass).async_clear_statistics([stat_id])
        metadata = statistic_metadata(self.hass, self.pdl, series)
        for chunk in batched(rows, CHUNK_ROWS, strict=False):
            async_add_external_statistics(
                self.hass,
                metadata,
                [
                    StatisticData(start=row.start, state=row.state, sum=row.sum)
                    for row in chunk
                ],
            )
        self.rows_queued[series] += len(rows)
        LOGGER.debug(
            "Linky %s: %d rows of %s queued%s",
            self.pdl[-4:],
            len(rows),
            series,
            " after clearing the series" if clear else "",
        )

    async def _async_read_back(self, series: list[Series]) -> dict[Series, Digests]:
        """Return the digest of the rows the recorder already holds for each series."""
        ids = {statistic_id(self.pdl, item): item for item in series}
        stored = await get_instance(self.hass).async_add_executor_job(
            statistics_during_period,
            self.hass,
            _EPOCH,
            None,
            set(ids),
            "hour",
            None,
            {"state", "sum"},
        )
        return {
            ids[stat_id]: digests_of(
                (row["start"], row.get("state") or 0.0, row.get("sum") or 0.0)
                for row in rows
            )
            for stat_id, rows in stored.items()
        }
