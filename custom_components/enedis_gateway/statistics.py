"""Energy dashboard: hourly external statistics built from the stored history."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
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
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import EnergyConverter

from .const import DOMAIN, LOGGER
from .linky.energy_stats import (
    Digests,
    Series,
    Sync,
    backfill_frontier,
    digests_of,
    plan_writes,
)
from .linky.history import FetchState, History
from .linky.models import MeasureType
from .linky.pipeline import Snapshot
from .linky.tariff import Tariff

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
        Series.CONSUMPTION_TEMPO_BLUE_HP: "Tempo blue day peak-hours consumption",
        Series.CONSUMPTION_TEMPO_BLUE_HC: "Tempo blue day off-peak consumption",
        Series.CONSUMPTION_TEMPO_WHITE_HP: "Tempo white day peak-hours consumption",
        Series.CONSUMPTION_TEMPO_WHITE_HC: "Tempo white day off-peak consumption",
        Series.CONSUMPTION_TEMPO_RED_HP: "Tempo red day peak-hours consumption",
        Series.CONSUMPTION_TEMPO_RED_HC: "Tempo red day off-peak consumption",
    },
    "fr": {
        Series.CONSUMPTION: "consommation",
        Series.CONSUMPTION_HP: "consommation heures pleines",
        Series.CONSUMPTION_HC: "consommation heures creuses",
        Series.CONSUMPTION_COST: "coût de la consommation",
        Series.PRODUCTION: "production",
        Series.CONSUMPTION_TEMPO_BLUE_HP: "consommation jour bleu Tempo heures pleines",
        Series.CONSUMPTION_TEMPO_BLUE_HC: "consommation jour bleu Tempo heures creuses",
        Series.CONSUMPTION_TEMPO_WHITE_HP: (
            "consommation jour blanc Tempo heures pleines"
        ),
        Series.CONSUMPTION_TEMPO_WHITE_HC: (
            "consommation jour blanc Tempo heures creuses"
        ),
        Series.CONSUMPTION_TEMPO_RED_HP: "consommation jour rouge Tempo heures pleines",
        Series.CONSUMPTION_TEMPO_RED_HC: "consommation jour rouge Tempo heures creuses",
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


@dataclass(frozen=True, slots=True)
class StatisticsJob:
    """What the rows of an update depend on; an update with the same job is free."""

    revision: int
    kinds: frozenset[MeasureType]
    tariff: Tariff
    # The oldest day left to fetch per type (see backfill_frontier).
    frontier: tuple[tuple[MeasureType, date], ...]


class StatisticsImporter:
    """Keep the external statistics of one PDL in step with its history."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, pdl: str) -> None:
        """Initialize the importer."""
        self.hass = hass
        self.entry = entry
        self.pdl = pdl
        # Digest of what the recorder holds, day by day; read back once per start.
        self._written: dict[Series, Digests] | None = None
        self._job: StatisticsJob | None = None
        # The job to run and the readings it reads, copied for the worker thread.
        self._pending: tuple[StatisticsJob, History] | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = False
        # Rows queued per series since the start, reported in the diagnostics.
        self.rows_queued: Counter[Series] = Counter()

    @callback
    def async_schedule(
        self,
        history: History,
        fetch: FetchState,
        snapshot: Snapshot,
        kinds: Collection[MeasureType],
    ) -> None:
        """Bring the statistics in line with the history, in the background."""
        tariff = snapshot.tariff
        frontier = backfill_frontier(
            history, fetch, kinds, snapshot.today, snapshot.gateway
        )
        job = StatisticsJob(
            revision=history.revision,
            kinds=frozenset(kinds),
            # The thread gets a tariff of its own: its memo is not shared.
            tariff=tariff.copy(),
            frontier=tuple(sorted(frontier.items())),
        )
        if job == self._job:
            return
        self._job = job
        self._pending = (job, history.readings_copy())
        self._async_run_pending()

    @callback
    def async_start(self) -> None:
        """Start writing, once the entry is set up and Home Assistant has started."""
        self._started = True
        self._async_run_pending()

    @callback
    def _async_run_pending(self) -> None:
        """Run the pending job unless a run is going on, which will take it."""
        if (
            self._started
            and self._pending
            and (self._task is None or self._task.done())
        ):
            self._task = self.entry.async_create_background_task(
                self.hass, self._async_run(), f"{DOMAIN} {self.pdl[-4:]} statistics"
            )

    async def _async_run(self) -> None:
        """Write the pending jobs, the newest one last, until none is left."""
        while (pending := self._pending) is not None:
            self._pending = None
            job, history = pending
            if self._written is None:
                self._written = await get_instance(self.hass).async_add_executor_job(
                    self._read_back
                )
            writes = await self.hass.async_add_executor_job(
                partial(
                    plan_writes,
                    history,
                    dict(self._written),
                    kinds=job.kinds,
                    tariff=job.tariff,
                    frontier=dict(job.frontier),
                )
            )
            for series, result in writes.items():
                await self._async_write(series, result)
                self._written[series] = result.digests

    async def _async_write(self, series: Series, result: Sync) -> None:
        """Queue the rows a month at a time, each once the recorder wrote the last."""
        recorder = get_instance(self.hass)
        stat_id = statistic_id(self.pdl, series)
        if result.clear:
            recorder.async_clear_statistics([stat_id])
        metadata = statistic_metadata(self.hass, self.pdl, series)
        for chunk in batched(result.rows, CHUNK_ROWS, strict=False):
            async_add_external_statistics(
                self.hass,
                metadata,
                [
                    StatisticData(start=start, state=state, sum=total)
                    for start, state, total in chunk
                ],
            )
            self.rows_queued[series] += len(chunk)
            # Waiting keeps the recorder free for other work and few rows in memory.
            await recorder.async_block_till_done()
        LOGGER.debug(
            "Linky %s: %d rows of %s written%s",
            self.pdl[-4:],
            len(result.rows),
            series,
            " after clearing the series" if result.clear else "",
        )

    def _read_back(self) -> dict[Series, Digests]:
        """Return the digest of the rows the recorder already holds for each series."""
        ids = {statistic_id(self.pdl, series): series for series in Series}
        stored = statistics_during_period(
            self.hass, _EPOCH, None, set(ids), "hour", None, {"state", "sum"}
        )
        return {
            ids[stat_id]: digests_of(
                (row["start"], row.get("state") or 0.0, row.get("sum") or 0.0)
                for row in rows
            )
            for stat_id, rows in stored.items()
        }
