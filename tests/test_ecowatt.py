"""EcoWatt: the planner, the stored days, and the sensors through Home Assistant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.enedis_gateway.const import DOMAIN
from custom_components.enedis_gateway.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.enedis_gateway.linky.ecowatt_plan import ecowatt_due
from custom_components.enedis_gateway.linky.history import (
    EcoWattCalls,
    FetchState,
    History,
    InvalidHistoryError,
    decode_history,
    encode_history,
)
from custom_components.enedis_gateway.linky.models import (
    Contract,
    DailyReading,
    MeasureType,
)
from custom_components.enedis_gateway.linky.planner import spare_calls
from custom_components.enedis_gateway.linky.tempo import EcoWattDay
from custom_components.enedis_gateway.store import SAVE_DELAY
from simulator import tempo as sim_tempo
from simulator.tempo import ecowatt_signal

from .conftest import PDL, Gateway, make_entry
from .helpers import CALLS, CARD, RECENT, activated_on, advance, paris, setup

PROTOCOLS = ["myelectricaldata", "enedis_gateway", "myelectricaldata_v2"]
V2 = "myelectricaldata_v2"
PREFIX = f"sensor.linky_{PDL}"
# English names: "EcoWatt today", "EcoWatt tomorrow", "EcoWatt day after tomorrow".
SENSORS = (
    f"{PREFIX}_ecowatt_today",
    f"{PREFIX}_ecowatt_tomorrow",
    f"{PREFIX}_ecowatt_day_after_tomorrow",
)
# The simulator's signal: level 1 on the 27th and 28th, 2 on the 29th (tense hours).
DAY = date(2026, 11, 27)
ON: dict[str, object] = {"ecowatt": True}
HA_TESTS = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


def at(text: str) -> datetime:
    """Return a Paris time as UTC, as the coordinator's clock gives it."""
    return paris(text).astimezone(UTC)


def signal(day: date, level: int = 1) -> EcoWattDay:
    """Return a signal of a day, green hours."""
    return EcoWattDay(day=day, level=level, hours=(1,) * 24)


# The planner, pure.


@pytest.mark.parametrize(
    ("calls", "stored", "now", "serves_today", "due"),
    [
        # Nothing asked yet: ask.
        (EcoWattCalls(), set(), "2026-11-27 00:30:00", True, True),
        # Answered today with today's signal: done for the day.
        (
            EcoWattCalls(
                day=DAY, count=1, last=at("2026-11-27 00:30:00"), answered=True
            ),
            {DAY},
            "2026-11-27 23:30:00",
            True,
            False,
        ),
        # The forecast stored was fetched on an earlier Paris day: ask.
        (
            EcoWattCalls(
                day=DAY - timedelta(days=1),
                count=2,
                last=at("2026-11-26 23:30:00"),
                answered=True,
            ),
            {DAY, DAY + timedelta(days=1)},
            "2026-11-27 00:10:00",
            True,
            True,
        ),
        # A failure: tried again an hour later at the earliest.
        (
            EcoWattCalls(
                day=DAY, count=1, last=at("2026-11-27 00:30:00"), answered=False
            ),
            set(),
            "2026-11-27 01:29:00",
            True,
            False,
        ),
        (
            EcoWattCalls(
                day=DAY, count=1, last=at("2026-11-27 00:30:00"), answered=False
            ),
            set(),
            "2026-11-27 01:30:00",
            True,
            True,
        ),
        # Two calls a day at most, answered or not.
        (
            EcoWattCalls(
                day=DAY, count=2, last=at("2026-11-27 01:30:00"), answered=False
            ),
            set(),
            "2026-11-27 12:00:00",
            True,
            False,
        ),
        # Answered without today's signal: once more, where the gateway serves today.
        (
            EcoWattCalls(
                day=DAY, count=1, last=at("2026-11-27 00:30:00"), answered=True
            ),
            {DAY + timedelta(days=1)},
            "2026-11-27 02:00:00",
            True,
            True,
        ),
        # MyElectricalData v2's forecast leaves today out: its reply is final.
        (
            EcoWattCalls(
                day=DAY, count=1, last=at("2026-11-27 09:30:00"), answered=True
            ),
            {DAY + timedelta(days=1)},
            "2026-11-27 12:00:00",
            False,
            False,
        ),
    ],
)
def test_ecowatt_due(
    calls: EcoWattCalls, stored: set[date], now: str, serves_today: bool, due: bool
) -> None:
    """Asked once a Paris day, a failure once more an hour later, never a third time."""
    assert ecowatt_due(stored, calls, at(now), serves_today=serves_today) is due


def test_calls_counted_per_paris_day() -> None:
    """The count starts again at Paris midnight (23:00 UTC in winter)."""
    calls = EcoWattCalls()
    calls.record(at("2026-11-27 00:30:00"), answered=False)
    calls.record(at("2026-11-27 23:59:00"), answered=True)
    assert (calls.day, calls.count, calls.answered) == (DAY, 2, True)
    calls.record(at("2026-11-28 00:00:00"), answered=False)
    assert calls.on(DAY) == 0
    assert calls.on(DAY + timedelta(days=1)) == 1
    assert calls.answered is False


DAILY = (MeasureType.DAILY_CONSUMPTION,)
# 111 days of history: with a load curve, a backfill larger than a day's budget.
AUGUST = date(2026, 8, 1)


@pytest.mark.parametrize(
    ("kinds", "newest", "now", "budget", "spare"),
    [
        # Yesterday's reading is kept a call until it is published (from 08:00).
        (DAILY, date(2026, 11, 25), "2026-11-27 00:30:00", 5, 4),
        # Due now: planned, not spare.
        (DAILY, date(2026, 11, 25), "2026-11-27 09:30:00", 5, 4),
        # Nothing left to fetch today: all spare.
        (DAILY, date(2026, 11, 26), "2026-11-27 00:30:00", 5, 5),
        # A backfill larger than the budget (a load curve: 7 days a call): none.
        (
            (*DAILY, MeasureType.CONSUMPTION_LOAD_CURVE),
            date(2026, 11, 26),
            "2026-11-27 09:30:00",
            10,
            0,
        ),
    ],
)
def test_spare_calls(
    kinds: tuple[MeasureType, ...], newest: date, now: str, budget: int, spare: int
) -> None:
    """EcoWatt on v2 takes only the calls the metering neither plans nor keeps."""
    history = History()
    history.set_contract(Contract(last_activation_date=AUGUST))
    days = (newest - AUGUST).days + 1
    history.merge_daily(
        MeasureType.DAILY_CONSUMPTION,
        [DailyReading(day=AUGUST + timedelta(days=n), wh=1000) for n in range(days)],
    )
    assert (
        spare_calls(
            history,
            FetchState(),
            kinds=kinds,
            addresses=False,
            now=at(now),
            budget=budget,
        )
        == spare
    )


# The stored days, pure.


def test_merge_keeps_yesterday_on() -> None:
    """A merge stores the new days over the old and drops those before yesterday."""
    history = History()
    history.merge_ecowatt(
        {DAY + timedelta(days=n): signal(DAY + timedelta(days=n)) for n in range(3)},
        DAY,
    )
    tomorrow = DAY + timedelta(days=1)
    history.merge_ecowatt({tomorrow: signal(tomorrow, 3)}, DAY + timedelta(days=2))
    assert sorted(history.ecowatt) == [tomorrow, DAY + timedelta(days=2)]
    assert history.ecowatt[tomorrow].level == 3
    # No statistics depend on it: the readings' revision stays.
    assert history.revision == 0


def test_stored_and_loaded_back() -> None:
    """The days and the day's calls go through the history file unchanged."""
    history, fetch = History(), FetchState()
    hours = (0, 1, 1, 2, 3, *([1] * 19))
    history.merge_ecowatt({DAY: EcoWattDay(day=DAY, level=3, hours=hours)}, DAY)
    fetch.ecowatt.record(at("2026-11-27 00:30:00"), answered=True)
    data = encode_history(history, fetch)
    assert data["ecowatt"] == {"2026-11-27": "3|0,1,1,2,3," + ",".join(["1"] * 19)}
    loaded = decode_history(data)
    assert loaded.history.ecowatt == history.ecowatt
    assert loaded.fetch.ecowatt == fetch.ecowatt
    # Emptied (the wipe action): the signal is kept, as the Tempo colours.
    assert history.emptied().ecowatt == history.ecowatt


def test_file_of_an_older_version_loads() -> None:
    """A file written before EcoWatt holds none: no day, no call."""
    data = encode_history(History(), FetchState())
    del data["ecowatt"], data["ecowatt_calls"]
    loaded = decode_history(data)
    assert loaded.history.ecowatt == {}
    assert loaded.fetch.ecowatt == EcoWattCalls()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ecowatt", {"2026-11-27": "4|" + ",".join(["1"] * 24)}),
        ("ecowatt", {"2026-11-27": "1|" + ",".join(["1"] * 23)}),
        ("ecowatt", {"2026-11-27": "1|" + ",".join(["x"] * 24)}),
        ("ecowatt", {"2026-11-27": 1}),
        ("ecowatt_calls", {"day": "2026-11-27", "count": -1}),
        ("ecowatt_calls", {"day": "2026-11-27", "count": 1, "answered": "yes"}),
        ("ecowatt_calls", {"day": "2026-11-27", "last": "2026-11-27T00:30:00"}),
    ],
)
def test_bad_stored_values_refused(key: str, value: object) -> None:
    """Levels and hours off RTE's scale, bad counts and naive times are refused."""
    data = encode_history(History(), FetchState())
    data[key] = value
    with pytest.raises(InvalidHistoryError):
        decode_history(data)


# Through Home Assistant, against the simulator.


def ecowatt_calls(gateway: Gateway) -> list[Any]:
    """Return the EcoWatt calls the simulator served."""
    return [call for call in gateway.sim.calls if call.type == "ecowatt"]


def budget_calls(gateway: Gateway, *, with_ecowatt: bool) -> int:
    """Return the calls the budget should count: metering, and v2's EcoWatt."""
    free = {"tempo", "usage_stats"} | (set() if with_ecowatt else {"ecowatt"})
    return sum(1 for call in gateway.sim.calls if call.type not in free)


def expected(day: date) -> tuple[str, dict[str, Any]]:
    """Return the simulator's signal of a day as a sensor shows it."""
    sim = ecowatt_signal(day)
    forecast = {f"{hour:02d} h": value for hour, value in enumerate(sim.hours)}
    return str(sim.level), {"date": day.isoformat(), "forecast": forecast}


def shown(hass: HomeAssistant) -> list[tuple[str, dict[str, Any]]]:
    """Return the state and attributes of the three EcoWatt sensors."""
    states = [hass.states.get(entity_id) for entity_id in SENSORS]
    return [
        (
            state.state,
            {key: state.attributes[key] for key in ("date", "forecast")},
        )
        for state in states
    ]


def stored_v2_calls(hass_storage: dict[str, Any]) -> int:
    """Return the calls of today (UTC) the shared budget file holds for the meter."""
    ledger = hass_storage[f"{DOMAIN}.budget"]["data"]
    return int(ledger["utc"]["counts"][f"pdl:{PDL}"])


def days_from(day: date) -> list[date]:
    """Return day and the next 2 days."""
    return [day + timedelta(days=n) for n in range(3)]


@HA_TESTS
@pytest.mark.parametrize(
    ("protocol", "in_budget"),
    [(PROTOCOLS[0], False), (PROTOCOLS[1], False), (V2, True)],
)
async def test_sensors_show_the_signal(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    protocol: str,
    in_budget: bool,
) -> None:
    """
    One call a Paris day gives today, tomorrow and the day after; a restart asks nothing.

    Set up at 00:30 Paris: MyElectricalData v2's forecast serves today only
    between Paris and UTC midnight, so the first cycle of a day gets all three.
    """
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-27 00:30:00"))
    entry = make_entry(gateway, protocol=protocol, options=ON, contract=contract)
    await setup(hass, entry)

    calls = ecowatt_calls(gateway)
    assert len(calls) == 1
    assert calls[0].status == "ok"
    # The original gateway's entries ask MyElectricalData v1's public route.
    assert calls[0].protocol == (V2 if in_budget else PROTOCOLS[0])
    assert shown(hass) == [expected(day) for day in days_from(DAY)]
    assert hass.states.get(SENSORS[2]).state == "2"
    # In the budget on v2 only; counted apart in the attributes everywhere.
    assert hass.states.get(CALLS).state == str(
        budget_calls(gateway, with_ecowatt=in_budget)
    )
    assert hass.states.get(CALLS).attributes["ecowatt_calls_today"] == 1
    assert hass.states.get(CARD).attributes["serviceEnedis"] == "myElectricalData"

    # A restart: no call, the same values, the three days in the history file.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(ecowatt_calls(gateway)) == 1
    assert shown(hass) == [expected(day) for day in days_from(DAY)]
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]
    assert sorted(stored["ecowatt"]) == [day.isoformat() for day in days_from(DAY)]
    assert stored["ecowatt_calls"]["count"] == 1

    # The rest of the day asks nothing; the next day's first cycle asks once.
    await advance(hass, freezer, 23)
    assert len(ecowatt_calls(gateway)) == 1
    await advance(hass, freezer, 1)
    assert len(ecowatt_calls(gateway)) == 2
    tomorrow = DAY + timedelta(days=1)
    assert shown(hass) == [expected(day) for day in days_from(tomorrow)]
    # With the backfill done, that cycle made no metering call (an EcoWatt call is
    # none on v1): the history is written with the store's delay.
    freezer.tick(timedelta(seconds=SAVE_DELAY))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]
    assert sorted(stored["ecowatt"]) == [
        day.isoformat() for day in [DAY, *days_from(tomorrow)]
    ]
    assert hass.states.get(CALLS).attributes["ecowatt_calls_today"] == 1
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["ecowatt"]["calls_today"] == 1
    assert diagnostics["ecowatt"]["in_budget"] is in_budget
    assert diagnostics["ecowatt"]["levels"] == {
        day.isoformat(): ecowatt_signal(day).level
        for day in [DAY, *days_from(tomorrow)]
    }


@HA_TESTS
async def test_v2_counts_it_in_the_account_quota(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """
    On v2 the call is one of the budget's and of the account's no-cache bucket.

    Set up at 09:30: the forecast leaves today out, and that reply is not asked
    again; the next day's first cycle brings today.
    """
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-27 09:30:00"))
    entry = make_entry(gateway, protocol=V2, options=ON, contract=contract)
    await setup(hass, entry)
    assert len(ecowatt_calls(gateway)) == 1
    assert hass.states.get(SENSORS[0]).state == "unknown"
    assert hass.states.get(SENSORS[0]).attributes["forecast"] == {}
    assert shown(hass)[1:] == [expected(day) for day in days_from(DAY)[1:]]
    spent = budget_calls(gateway, with_ecowatt=True)
    assert hass.states.get(CALLS).state == str(spent)
    assert stored_v2_calls(hass_storage) == spent
    # The account's no-cache bucket: the EcoWatt call and the metering calls but
    # the batch ones (counted in the cached bucket).
    utc_day = paris("2026-11-27 09:30:00").astimezone(UTC).date()
    cached = {"tempo", "usage_stats", "consumption_load_curve", "production_load_curve"}
    no_cache = [call for call in gateway.sim.calls if call.type not in cached]
    assert "ecowatt" in {call.type for call in no_cache}
    assert gateway.sim.med2.counts[(utc_day, False)] == len(no_cache)
    # 23:30: nothing more today; 00:30 (23:30 UTC): the new day's three days.
    await advance(hass, freezer, 14)
    assert len(ecowatt_calls(gateway)) == 1
    await advance(hass, freezer, 1)
    assert len(ecowatt_calls(gateway)) == 2
    assert shown(hass) == [expected(day) for day in days_from(DAY + timedelta(days=1))]


@HA_TESTS
async def test_v2_no_call_past_the_budget(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """
    A budget the metering needs whole leaves no call for EcoWatt, all day long.

    2 calls a day for a history of four months: at 00:30 both are kept for
    yesterday's data (published from 08:00), at 09:30 both are spent on it and
    the backfill.
    """
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-27 00:30:00"))
    entry = make_entry(
        gateway,
        protocol=V2,
        options={**ON, "max_calls_per_day": 2},
        contract=contract,
    )
    await setup(hass, entry)
    assert ecowatt_calls(gateway) == []
    assert hass.states.get(CALLS).state == "0"
    await advance(hass, freezer, 12)
    assert ecowatt_calls(gateway) == []
    assert hass.states.get(CALLS).state == "2"
    assert stored_v2_calls(hass_storage) == 2
    assert [state for state, _ in shown(hass)] == ["unknown"] * 3
    assert hass.states.get(CALLS).attributes["ecowatt_calls_today"] == 0


@HA_TESTS
@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_failure_keeps_the_stored_signal(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    protocol: str,
) -> None:
    """
    A gateway fault: one warning, the stored days shown, two tries a day.

    The simulator has no EcoWatt fault: its signal is made to fail (HTTP 500)
    by replacing the function every EcoWatt route reads.
    """
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-27 00:30:00"))
    await setup(
        hass, make_entry(gateway, protocol=protocol, options=ON, contract=contract)
    )
    before = shown(hass)
    # A failing route logs no call in the simulator: the attempts are counted here.
    failed: list[datetime] = []

    def broken(*_: object) -> None:
        failed.append(gateway.sim.now())
        raise RuntimeError("RTE is down")

    monkeypatch.setattr(sim_tempo, "ecowatt_signal", broken)
    caplog.set_level(logging.INFO, logger="custom_components.enedis_gateway")
    # The next day: 00:30 and 01:30 fail, then no more tries.
    await advance(hass, freezer, 24 + 4)
    assert failed == [paris("2026-11-28 00:30:00"), paris("2026-11-28 01:30:00")]
    assert hass.states.get(CALLS).attributes["ecowatt_calls_today"] == 2
    warnings = [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING and "EcoWatt" in record.getMessage()
    ]
    assert len(warnings) == 1
    assert "keeping the stored one" in warnings[0].getMessage()
    # Today and tomorrow as stored yesterday; the day after is not known.
    assert shown(hass)[:2] == before[1:]
    day_after = DAY + timedelta(days=3)
    assert shown(hass)[2] == (
        "unknown",
        {"date": day_after.isoformat(), "forecast": {}},
    )
    assert hass.states.get(CARD).attributes["errorLastCall"] == ""

    # Back: the next day's first cycle asks again.
    monkeypatch.undo()
    await advance(hass, freezer, 20)
    assert shown(hass) == [expected(day) for day in days_from(DAY + timedelta(days=2))]
    assert hass.states.get(CALLS).attributes["ecowatt_calls_today"] == 1
    assert "the EcoWatt signal comes again" in caplog.text


@HA_TESTS
@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_off_by_default_then_on(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    protocol: str,
) -> None:
    """Off: no entity, no call; turned on in the settings form: a reload, one call."""
    contract = activated_on(gateway, RECENT)
    freezer.move_to(paris("2026-11-27 00:30:00"))
    entry = make_entry(gateway, protocol=protocol, contract=contract)
    await setup(hass, entry)
    await advance(hass, freezer, 2)
    assert ecowatt_calls(gateway) == []
    for entity_id in SENSORS:
        assert hass.states.get(entity_id) is None
        assert entity_registry.async_get(entity_id) is None
    assert "ecowatt_calls_today" not in hass.states.get(CALLS).attributes

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    assert "ecowatt" in {key.schema for key in result["data_schema"].schema}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "plan": "HP/HC",
            "price_base": 0.2516,
            "price_hp": 0.27,
            "price_hc": 0.2068,
            "offpeak_hours": "",
            "ecowatt": True,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["ecowatt"] is True
    await hass.async_block_till_done()
    assert len(ecowatt_calls(gateway)) == 1
    assert shown(hass)[1:] == [expected(day) for day in days_from(DAY)][1:]


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("fr", ["EcoWatt aujourd'hui", "EcoWatt demain", "EcoWatt après-demain"]),
        ("en", ["EcoWatt today", "EcoWatt tomorrow", "EcoWatt day after tomorrow"]),
    ],
)
@pytest.mark.usefixtures("enable_custom_integrations")
async def test_translated_names(
    hass: HomeAssistant, language: str, names: list[str]
) -> None:
    """The three sensors' names, in French and English."""
    strings = await async_get_translations(hass, language, "entity", [DOMAIN])
    keys = ("ecowatt_today", "ecowatt_tomorrow", "ecowatt_day_after")
    assert [
        strings[f"component.{DOMAIN}.entity.sensor.{key}.name"] for key in keys
    ] == names
