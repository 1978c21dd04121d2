"""The coordinator: plans the calls, fetches, merges into the history, rebuilds summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.loader import async_get_loaded_integration
from homeassistant.util import dt as dt_util

from . import issues
from .budget import CallBudget
from .const import CONF_CONTRACT, CONF_GATEWAY, CONF_PDL, DOMAIN, LOGGER
from .linky.budget import gateway_clock, next_day
from .linky.client import EnedisClient
from .linky.ecowatt_plan import ecowatt_due
from .linky.exceptions import (
    AuthError,
    EndOfHistoryError,
    EnedisError,
    NoDataError,
    QuotaError,
)
from .linky.history import (
    FetchState,
    History,
    decode_contract,
    measure_direction,
    paris_day,
)
from .linky.models import PARIS, Gateway, MeasureType, UsageStats
from .linky.pipeline import Snapshot, build_snapshot
from .linky.planner import Request, Resource, plan, spare_calls
from .linky.tempo_plan import TempoCalls, tempo_window
from .options import EnedisOptions
from .store import HistoryStore

if TYPE_CHECKING:
    from .outputs import EnedisOutputs

type EnedisConfigEntry = ConfigEntry[EnedisRuntimeData]

AUTH_RETRY = timedelta(hours=6)


@dataclass(kw_only=True, slots=True)
class EnedisRuntimeData:
    """Runtime data of a config entry."""

    coordinator: EnedisCoordinator
    outputs: EnedisOutputs


class EnedisCoordinator(DataUpdateCoordinator[Snapshot]):
    """Fetch the Linky data within the daily call budget and keep the history."""

    config_entry: EnedisConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EnedisConfigEntry,
        client: EnedisClient,
        store: HistoryStore,
        budget: CallBudget,
    ) -> None:
        """Initialize the coordinator."""
        self.options = EnedisOptions.from_entry_options(entry.options)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.data[CONF_PDL]}",
            update_interval=timedelta(seconds=self.options.cycle),
        )
        self.pdl: str = entry.data[CONF_PDL]
        self.gateway = Gateway(entry.data[CONF_GATEWAY])
        # The budget counts calls per day of the gateway's own quota.
        self.clock = gateway_clock(self.gateway)
        # What the gateway says the account spent today (MyElectricalData v2 only).
        self.usage: UsageStats | None = None
        self.client = client
        self.store = store
        self.budget = budget
        self.history = History()
        self.fetch = FetchState()
        # InfluxDB marks an older version kept in the history file, for the exporter.
        self.legacy_export_marks: dict[str, datetime] = {}
        self._token: str = entry.data[CONF_ACCESS_TOKEN]
        self._error_logged = False
        self._auth_retry_at: datetime | None = None
        # Resources the gateway had no data for, and the Paris day it said so.
        self._no_data: dict[Resource, date] = {}
        # Set once unloaded: a reload's new coordinator owns the stored history then.
        self._closed = False
        self._calls_made = 0
        # Tempo colours come from public routes, outside the metering budget: their
        # calls are counted here, per Paris day, and not stored (the colours are).
        self.tempo_calls = TempoCalls()
        self.tempo_error = ""
        # EcoWatt's calls are counted in the fetch state (stored); its error is here.
        self.ecowatt_error = ""
        self.version = str(async_get_loaded_integration(hass, DOMAIN).version)

    async def _async_setup(self) -> None:
        """Load the stored history, seeded with the contract read by the config flow."""
        # After a reload, wait for the old coordinator's fetch to finish and save.
        async with self.budget.meter_lock(self.pdl):
            stored, aside = await self.store.async_load_history()
        self.history, self.fetch = stored.history, stored.fetch
        self.legacy_export_marks = stored.export_marks
        if aside is not None:
            issues.storage_unreadable(self.hass, self.pdl, aside)
        seed = self.config_entry.data.get(CONF_CONTRACT)
        if self.history.contract is None and seed:
            try:
                self.history.set_contract(decode_contract(seed))
            except ValueError:
                LOGGER.debug(
                    "Linky %s: contract of the setup unreadable", self.pdl[-4:]
                )
        fetch = self.fetch
        if fetch.calls_day is not None:
            # Older versions counted the calls in the history: hand them to the budget.
            await self.budget.async_seed(
                self.pdl,
                self._token,
                fetch.calls_day,
                fetch.calls_count,
            )
            fetch.calls_day, fetch.calls_count = None, 0

    async def async_shutdown(self) -> None:
        """Write the history now: a pending delayed save would be lost on unload."""
        await super().async_shutdown()
        async with self.budget.meter_lock(self.pdl):
            self._closed = True
            await self.store.async_save_history(self.history, self.fetch)

    @callback
    def async_save_soon(self) -> None:
        """Write the history soon, unless a newer coordinator owns it."""
        if not self._closed:
            self.store.schedule_save(self.history, self.fetch)

    async def _async_update_data(self) -> Snapshot:
        """Spend the calls the planner asks for, then rebuild the summaries."""
        error = await self._async_fetch()
        quota_until = self.fetch.quota_until
        if quota_until is None or dt_util.utcnow() >= quota_until:
            issues.clear(self.hass, self.pdl, "quota_reached")
        if error and not self._has_data():
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": error},
            )
        if error and not self._error_logged:
            LOGGER.warning(
                "Linky %s: keeping the stored data after an error: %s",
                self.pdl[-4:],
                error,
            )
            self._error_logged = True
        elif not error and self._error_logged:
            LOGGER.info("Linky %s: the gateway answers again", self.pdl[-4:])
            self._error_logged = False
        return self.build_data()

    async def _async_fetch(self) -> str:
        """Make the planned calls, one fetch at a time per meter; return the error, or ""."""
        async with self.budget.meter_lock(self.pdl):
            if self._closed:
                return self.fetch.last_error
            calls = self._calls_made
            try:
                error = await self._async_fetch_planned()
                self.fetch.last_error = error
                await self._async_fetch_tempo()
                await self._async_fetch_ecowatt()
            finally:
                self.fetch.forget_stored(self.history)
                if self._calls_made != calls:
                    # Written before the lock is released: a reload loads it whole.
                    await self.store.async_save_history(self.history, self.fetch)
                else:
                    self.async_save_soon()
        if self.gateway is Gateway.MYELECTRICALDATA_V2 and self._calls_made != calls:
            await self._async_read_usage()
        return error

    async def _async_fetch_tempo(self) -> None:
        """Ask for the Tempo colours missing now; a failure keeps the stored ones."""
        now = dt_util.utcnow()
        window = tempo_window(self.history, now, self.tempo_calls)
        if window is None:
            return
        try:
            colours = await self.client.get_tempo(window.start, window.end)
        except EnedisError as err:
            self.tempo_calls.record(window, now, answered=False)
            if not self.tempo_error:
                LOGGER.warning(
                    "Linky %s: no Tempo colours this time, keeping the stored ones: %s",
                    self.pdl[-4:],
                    err,
                )
            self.tempo_error = str(err) or "gateway error"
            return
        self.tempo_calls.record(window, now, answered=True)
        if self.tempo_error:
            LOGGER.info("Linky %s: the Tempo colours come again", self.pdl[-4:])
            self.tempo_error = ""
        self.history.merge_tempo(colours)

    async def _async_fetch_ecowatt(self) -> None:
        """
        Ask for the EcoWatt signal when due; a failure keeps the stored one.

        On MyElectricalData v2 the call is one of the account's quota: it goes
        through the budget, after the metering calls of the cycle, and only with a
        call the metering leaves (none while a backfill is under way, none of
        those kept for yesterday's data). Elsewhere the route is public and outside
        the budget.
        """
        if not self.options.ecowatt:
            return
        now = dt_util.utcnow()
        calls = self.fetch.ecowatt
        med2 = self.gateway is Gateway.MYELECTRICALDATA_V2
        if not ecowatt_due(self.history.ecowatt, calls, now, serves_today=not med2):
            return
        if med2:
            # A refused token is not tried again before the metering calls are.
            if self._auth_retry_at and now < self._auth_retry_at:
                return
            if self._spare_calls(now) < 1 or not await self._async_reserve():
                return
            self._calls_made += 1
        today = paris_day(now)
        try:
            days = await self.client.get_ecowatt(today)
        except EnedisError as err:
            calls.record(now, answered=False)
            await self._async_ecowatt_failed(err, med2=med2)
            return
        calls.record(now, answered=True)
        if self.ecowatt_error:
            LOGGER.info("Linky %s: the EcoWatt signal comes again", self.pdl[-4:])
            self.ecowatt_error = ""
        self.history.merge_ecowatt(days, today)

    async def _async_ecowatt_failed(self, err: EnedisError, *, med2: bool) -> None:
        """Log a failed EcoWatt call once; a v2 quota reply stops the token's calls."""
        if med2 and isinstance(err, QuotaError):
            await self._async_quota_reached()
        if not self.ecowatt_error:
            LOGGER.warning(
                "Linky %s: no EcoWatt signal this time, keeping the stored one: %s",
                self.pdl[-4:],
                err,
            )
        self.ecowatt_error = str(err) or "gateway error"

    async def _async_read_usage(self) -> None:
        """Read what the account spent today; the gateway does not count this call."""
        try:
            self.usage = await self.client.usage_stats()
        except EnedisError as err:
            LOGGER.debug("Linky %s: no usage stats: %s", self.pdl[-4:], err)

    async def _async_fetch_planned(self) -> str:
        """Make the planned calls; return the text of the error that stopped them, or ""."""
        now = dt_util.utcnow()
        if self._auth_retry_at and now < self._auth_retry_at:
            return self.fetch.last_error
        contract_known = self.history.contract is not None
        requests = self._plan(now)
        while requests:
            request = requests.pop(0)
            if not await self._async_reserve():
                break
            try:
                await self._async_call(request)
            except EnedisError as err:
                if (error := await self._async_handle_error(request, err)) is not None:
                    return error
            else:
                issues.clear(self.hass, self.pdl, "consent_expired")
                self._auth_retry_at = None
            if not contract_known and self.history.contract is not None:
                # The activation date bounds the history: plan the windows again, or
                # one reaching before it is refused and its days given up.
                contract_known = True
                requests = self._plan(now)
        return ""

    def _plan(self, now: datetime) -> list[Request]:
        """Return the calls to make now within what the budget leaves."""
        return plan(
            self.history,
            self.fetch,
            kinds=self.options.kinds,
            addresses=self.options.addresses,
            now=now,
            budget=self.calls_left(),
            skip=self._skip(now),
            gateway=self.gateway,
        )

    def _spare_calls(self, now: datetime) -> int:
        """Return the calls left today that the metering neither plans nor keeps."""
        return spare_calls(
            self.history,
            self.fetch,
            kinds=self.options.kinds,
            addresses=self.options.addresses,
            now=now,
            budget=self.calls_left(),
            skip=self._skip(now),
            gateway=self.gateway,
        )

    def _skip(self, now: datetime) -> frozenset[Resource]:
        """Return the resources the gateway had none of today: not asked again."""
        today = paris_day(now)
        return frozenset(
            resource for resource, day in self._no_data.items() if day >= today
        )

    async def _async_handle_error(
        self, request: Request, err: EnedisError
    ) -> str | None:
        """Map a client error: the text that stops this fetch, or None to go on."""
        if isinstance(err, AuthError):
            issues.consent_expired(self.hass, self.pdl, self.gateway)
            if not self._has_data():
                raise ConfigEntryAuthFailed(
                    translation_domain=DOMAIN, translation_key="invalid_auth"
                ) from err
            # Keep the entities on their stored values while the user renews
            # the consent, and don't spend the budget on a refused token.
            self.config_entry.async_start_reauth(self.hass)
            self._auth_retry_at = dt_util.utcnow() + AUTH_RETRY
            return str(err) or "invalid token"
        if isinstance(err, QuotaError):
            await self._async_quota_reached()
            return str(err) or "quota reached"
        if isinstance(err, NoDataError) and isinstance(request.kind, Resource):
            # The gateway has no contract or address for this meter: ask again tomorrow.
            self._no_data[request.kind] = paris_day(dt_util.utcnow())
            LOGGER.debug("Linky %s: no %s on the gateway", self.pdl[-4:], request.kind)
            return None
        return str(err) or "gateway error"

    async def _async_quota_reached(self) -> None:
        """Stop the token's calls: the gateway says its quota is spent."""
        # The quota belongs to the token: every meter using it stops until the
        # gateway's day ends (Paris midnight, UTC midnight for MyElectricalData v2).
        self.fetch.quota_until = next_day(dt_util.utcnow(), self.clock)
        await self.budget.async_block(self._token, self.fetch.quota_until)
        issues.quota_reached(self.hass, self.pdl, self.fetch.quota_until)

    def calls_left(self) -> int:
        """Return the calls this meter may still make today."""
        return self.budget.left(
            self.pdl, self._token, self.options.max_calls, self.clock
        )

    async def _async_reserve(self) -> bool:
        """Count one call in the shared budget before making it."""
        return await self.budget.async_reserve(
            self.pdl, self._token, self.options.max_calls, self.clock
        )

    async def _async_call(self, request: Request) -> None:
        """Make one call, already counted, and merge its answer."""
        history = self.history
        self.fetch.last_call = dt_util.utcnow()
        self._calls_made += 1
        kind = request.kind
        if kind is Resource.CONTRACT:
            history.set_contract(await self.client.get_contract())
            return
        if kind is Resource.ADDRESSES:
            history.addresses = await self.client.get_addresses()
            return
        assert isinstance(kind, MeasureType)
        assert request.start is not None
        assert request.end is not None
        try:
            await self._async_fetch_window(kind, request.start, request.end)
        except EndOfHistoryError:
            self.fetch.raise_floor(kind, request.end)
        except NoDataError:
            self._check_load_curve_activation(kind, request)
        else:
            if kind.is_load_curve:
                issues.clear(self.hass, self.pdl, "load_curve_not_activated")
        self.fetch.record_failure(history, kind, request.days, dt_util.utcnow())

    def _check_load_curve_activation(self, kind: MeasureType, request: Request) -> None:
        """Say so when the load curve is empty where the daily data is not."""
        series = self.history.series(measure_direction(kind))
        if (
            kind.is_load_curve
            and not any(curve.is_complete() for curve in series.curve.values())
            and all(day in series.daily for day in request.days)
        ):
            issues.load_curve_not_activated(self.hass, self.pdl)

    async def _async_fetch_window(
        self, kind: MeasureType, start: date, end: date
    ) -> None:
        """Fetch one window and merge it."""
        history = self.history
        if kind.is_load_curve:
            history.merge_curve(
                kind, await self.client.get_load_curve(kind, start, end)
            )
        elif kind is MeasureType.DAILY_CONSUMPTION_MAX_POWER:
            history.merge_max_power(await self.client.get_max_power(start, end))
        else:
            history.merge_daily(kind, await self.client.get_daily(kind, start, end))

    def _has_data(self) -> bool:
        series = self.history.consumption
        return bool(series.daily or series.curve or self.history.production.daily)

    def build_data(self) -> Snapshot:
        """Rebuild every summary from the stored history; makes no call."""
        options = self.options
        today = dt_util.now(PARIS).date()
        return build_snapshot(
            self.history,
            self.fetch,
            pdl=self.pdl,
            plan=options.plan,
            prices=options.prices,
            offpeak_override=options.offpeak_override,
            offpeak_weekdays=options.offpeak_weekdays,
            kinds=options.kinds,
            today=today,
            calls_today=self.budget.spent_by_meter(self.pdl, self.clock),
            version=self.version,
            gateway=self.gateway,
            usage=self.usage,
            later_prices=options.later_prices,
            tempo_calls_today=self.tempo_calls.on(today),
            ecowatt_calls_today=(
                self.fetch.ecowatt.on(today) if options.ecowatt else None
            ),
            previous=self.data.tariff if self.data is not None else None,
        )

    async def async_apply_options(self) -> None:
        """Take new options into account without any call."""
        self.options = EnedisOptions.from_entry_options(self.config_entry.options)
        self.update_interval = timedelta(seconds=self.options.cycle)
        self.async_set_updated_data(self.build_data())

    async def async_refresh_resource(self, resource: Resource) -> None:
        """Fetch the contract or the addresses again, one call, within the budget."""
        async with self.budget.meter_lock(self.pdl):
            if not await self._async_reserve():
                raise BudgetExhaustedError
            try:
                await self._async_call(Request(kind=resource))
            except EnedisError as err:
                raise ResourceFailedError(str(err)) from err
            finally:
                self.async_save_soon()
        self._no_data.pop(resource, None)
        self.async_set_updated_data(self.build_data())

    async def async_retry_skipped_days(self) -> int:
        """Forget the skipped days and fetch again what they held."""
        async with self.budget.meter_lock(self.pdl):
            freed = self.fetch.retry_skipped()
            self.async_save_soon()
        await self.async_request_refresh()
        return freed

    async def async_wipe_cache(self) -> None:
        """Forget every stored reading (the call budget is kept) and start over."""
        async with self.budget.meter_lock(self.pdl):
            self.history = self.history.emptied()
            quota_until, last_call = self.fetch.quota_until, self.fetch.last_call
            # The EcoWatt signal is kept (History.emptied), and so are its calls.
            self.fetch = FetchState(
                quota_until=quota_until, last_call=last_call, ecowatt=self.fetch.ecowatt
            )
            await self.store.async_save_history(self.history, self.fetch)
        self.async_set_updated_data(self.build_data())
        await self.async_request_refresh()


class BudgetExhaustedError(Exception):
    """The daily call budget is spent."""


class ResourceFailedError(Exception):
    """A one-shot refresh failed."""
