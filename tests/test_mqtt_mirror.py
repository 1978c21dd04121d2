"""MQTT mirror through a real mosquitto and Home Assistant's own mqtt integration."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
import logging
from pathlib import Path
import socket
import subprocess
import threading
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import mqtt

# Imported now, before any test freezes the clock: importing it under a frozen clock
# fails (NOTES: "module 'datetime' has no attribute 'HAFakeDatetime'").
import homeassistant.components.mqtt.config_flow  # noqa: F401
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.enedis_gateway.const import DOMAIN
from simulator import Fault, Simulator

from .conftest import PDL, TOKEN, Gateway, free_port, make_entry

PARIS = dt_util.get_time_zone("Europe/Paris")
PREFIX = "enedis_gateway"
BASE = f"{PREFIX}/{PDL}"
INFLUX_TOKEN = "INFLUX-SECRET-TOKEN-42"
PRICE_BASE, PRICE_HP, PRICE_HC = 0.2, 0.25, 0.1
# Two dated price periods inside the history the tree covers (from 2023-03-25): each
# day's euros are at the prices in force that day.
PERIODS = (
    (date(2025, 8, 1), (0.21, 0.27, 0.12)),
    (date(2026, 2, 1), (0.1952, 0.2081, 0.1635)),
)
POLL = 0.02
OPTIONS: dict[str, object] = {
    "max_calls_per_day": 45,
    "addresses": True,
    "price_base": PRICE_BASE,
    "price_hp": PRICE_HP,
    "price_hc": PRICE_HC,
    "price_periods": [
        {
            "start": start.isoformat(),
            "plan": "HP/HC",
            "price_base": base,
            "price_hp": hp,
            "price_hc": hc,
        }
        for start, (base, hp, hc) in PERIODS
    ],
    "mqtt_mirror": True,
    "mqtt_retain": True,
    "mqtt_qos": 1,
    "influxdb_token": INFLUX_TOKEN,
}
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# The simulator's contract and address, as the gateway sends them.
FIXED_TOPICS: dict[str, str] = {
    "contract/usage_point_id": PDL,
    "contract/usage_point_status": "com",
    "contract/meter_type": "AMM",
    "contract/segment": "C5",
    "contract/subscribed_power": "9 kVA",
    "contract/last_activation_date": "2015-03-02+01:00",
    "contract/distribution_tariff": "BTINFMU4",
    "contract/offpeak_hours": "HC (22H00-6H00)",
    "contract/contract_status": "SERVC",
    "contract/contract_type": "Contrat GRD-F",
    "contract/last_distribution_tariff_change_date": "2019-09-01+02:00",
    "subscribed_power": "9",
    "offpeak_hours": "HC (22H00-6H00)",
    "offpeak_hours/0/start": "22H00",
    "offpeak_hours/0/stop": "6H00",
    "last_activation_date": "2015-03-02+01:00",
    "addresses/usage_point_id": PDL,
    "addresses/usage_point_status": "com",
    "addresses/meter_type": "AMM",
    "addresses/usage_point_addresses/street": "12 rue des Lilas",
    "addresses/usage_point_addresses/postal_code": "69003",
    "addresses/usage_point_addresses/insee_code": "69383",
    "addresses/usage_point_addresses/city": "Lyon",
    "addresses/usage_point_addresses/country": "France",
    "addresses/usage_point_addresses/geo_points": (
        '{"altitude": "173", "latitude": "45.7597", "longitude": "4.8422"}'
    ),
    "error": "0",
    "consumption/current_year/error": "0",
    "consumption/year-1/error": "0",
    "consumption/year-2/error": "0",
}

type Expected = dict[str, str | float]

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


@pytest.fixture
def broker(socket_enabled: None, tmp_path: Path) -> Iterator[int]:
    """Run mosquitto on a free port of 127.0.0.1; return the port."""
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
    )
    process = subprocess.Popen(
        ["/usr/sbin/mosquitto", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(int(10 / POLL)):
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        time.sleep(POLL)
    else:
        pytest.fail("mosquitto did not start")
    yield port
    process.terminate()
    process.wait(10)


async def setup_mqtt(hass: HomeAssistant, port: int, config_dir: Path) -> None:
    """Set up Home Assistant's mqtt integration on the broker and wait for the link."""
    hass.config.config_dir = str(config_dir)
    (config_dir / "configuration.yaml").write_text("")
    entry = MockConfigEntry(
        domain=mqtt.DOMAIN, data={"broker": "127.0.0.1", "port": port}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await until(lambda: mqtt.is_connected(hass))


@pytest.fixture
async def mqtt_ready(hass: HomeAssistant, broker: int, tmp_path: Path) -> int:
    """Home Assistant connected to the broker; return its port."""
    await setup_mqtt(hass, broker, tmp_path)
    return broker


@dataclass
class Message:
    """One message a subscriber received."""

    payload: str
    qos: int
    retain: bool


@dataclass
class Subscriber:
    """An MQTT client of our own (paho), as a user's dashboard would be."""

    port: int
    topic: str
    messages: list[tuple[str, Message]] = field(default_factory=list)
    client: paho.Client = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _subscribed: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        """Connect, subscribe with QoS 2 and wait for the broker's answer."""
        self.client = paho.Client(CallbackAPIVersion.VERSION2)
        self.client.on_connect = lambda client, *_: client.subscribe(self.topic, 2)
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", self.port)
        self.client.loop_start()
        assert self._subscribed.wait(10)

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self.client.disconnect()
        self.client.loop_stop()

    def _on_message(
        self, _client: paho.Client, _data: object, msg: paho.MQTTMessage
    ) -> None:
        with self._lock:
            self.messages.append(
                (msg.topic, Message(msg.payload.decode(), msg.qos, bool(msg.retain)))
            )

    def take(self) -> list[tuple[str, Message]]:
        """Return and forget the messages received so far."""
        with self._lock:
            messages, self.messages = self.messages, []
        return messages

    async def settle(self, count: int = 0) -> list[tuple[str, Message]]:
        """Wait for at least count messages and for the flow to stop; return them."""
        await until(lambda: len(self.messages) >= count)
        size = -1
        while size != len(self.messages):
            size = len(self.messages)
            await real_sleep(0.3)
        return self.take()


async def real_sleep(seconds: float) -> None:
    """Sleep in real time, whatever the frozen clock says."""
    await asyncio.get_running_loop().run_in_executor(None, time.sleep, seconds)


async def until(condition: Callable[[], bool], limit: float = 20) -> None:
    """Wait in real time until a condition holds (time.monotonic may be frozen)."""
    for _ in range(int(limit / POLL)):
        if condition():
            return
        await real_sleep(POLL)
    raise AssertionError("timed out")


@pytest.fixture
async def live(mqtt_ready: int) -> AsyncIterator[Subscriber]:
    """A subscriber to everything under the prefix, connected before any publish."""
    subscriber = Subscriber(mqtt_ready, f"{PREFIX}/#")
    await asyncio.get_running_loop().run_in_executor(None, subscriber.start)
    yield subscriber
    await asyncio.get_running_loop().run_in_executor(None, subscriber.stop)


async def late_subscriber(port: int, topic: str) -> list[tuple[str, Message]]:
    """Connect a new client, collect what the broker kept for it, disconnect."""
    subscriber = Subscriber(port, topic)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, subscriber.start)
    try:
        return await subscriber.settle()
    finally:
        await loop.run_in_executor(None, subscriber.stop)


def served_days(sim: Simulator, kind: str) -> set[date]:
    """Return the days the simulator answered for a measure type."""
    days: set[date] = set()
    for call in sim.calls:
        if call.type == kind and call.status == "ok":
            assert call.start is not None
            assert call.end is not None
            days.update(
                call.start + timedelta(days=n)
                for n in range((call.end - call.start).days)
            )
    return days


def month_before(day: date) -> date:
    """Return the same day one month earlier (the test dates need no clamping)."""
    return day.replace(year=day.year - (day.month == 1), month=(day.month - 2) % 12 + 1)


def prices_on(day: date) -> tuple[float, float, float]:
    """Return the (BASE, HP, HC) €/kWh in force on a day."""
    prices = (PRICE_BASE, PRICE_HP, PRICE_HC)
    for start, period in PERIODS:
        if day >= start:
            prices = period
    return prices


def expected_topics(sim: Simulator, today: date) -> Expected:
    """Compute every topic from the simulator's own data and call log."""
    household = sim.household
    expected: Expected = {f"{BASE}/{key}": value for key, value in FIXED_TOPICS.items()}
    daily = {
        day: household.daily_wh(day) for day in served_days(sim, "daily_consumption")
    }
    for years, window in enumerate(("current_year", "year-1", "year-2")):
        end = today.replace(year=today.year - years)
        begin = today.replace(year=today.year - years - 1)
        node, price_node = (
            f"{BASE}/consumption/{window}",
            f"{BASE}/consumption_price/{window}",
        )
        expected[f"{node}/dateBegin"] = begin.isoformat()
        expected[f"{node}/dateEnded"] = end.isoformat()
        week = [end - timedelta(days=n) for n in range(1, 8)]
        values = {
            DAYS_FR[day.weekday()]: float(daily[day]) for day in week if day in daily
        }
        values["this_week"] = float(sum(daily[day] for day in week if day in daily))
        values["this_month"] = float(
            sum(wh for day, wh in daily.items() if month_before(end) <= day < end)
        )
        values["this_year"] = float(
            sum(wh for day, wh in daily.items() if begin <= day < end)
        )
        # The euros of the same days, each at its BASE price.
        euros = {
            DAYS_FR[day.weekday()]: daily[day] * prices_on(day)[0] / 1000
            for day in week
            if day in daily
        }
        euros["this_week"] = sum(euros.values())
        euros["this_month"] = sum(
            wh * prices_on(day)[0] / 1000
            for day, wh in daily.items()
            if month_before(end) <= day < end
        )
        euros["this_year"] = sum(
            wh * prices_on(day)[0] / 1000
            for day, wh in daily.items()
            if begin <= day < end
        )
        for key, wh in values.items():
            expected[f"{node}/{key}"] = wh
            expected[f"{price_node}/{key}"] = euros[key]
    # Per month: Wh, HC Wh, W sum, HC W sum, then BASE, HP and HC euros.
    months: dict[tuple[int, int], list[float]] = {}
    for day in served_days(sim, "consumption_load_curve"):
        sums = months.setdefault((day.year, day.month), [0.0] * 7)
        base, hp, hc = prices_on(day)
        for start, minutes, watts in household.curve(day):
            hour = start.astimezone(PARIS).hour
            offpeak = hour >= 22 or hour < 6
            wh = watts * minutes / 60
            sums[0] += wh
            sums[1] += wh if offpeak else 0.0
            sums[2] += watts
            sums[3] += watts if offpeak else 0.0
            sums[4] += wh * base / 1000
            sums[5] += 0.0 if offpeak else wh * hp / 1000
            sums[6] += wh * hc / 1000 if offpeak else 0.0
    for (year, month), sums in months.items():
        wh, hc_wh, watt_sum, hc_watt_sum, base_euro, hp_euro, hc_euro = sums
        node = f"{BASE}/consumption/detail/{year:04d}/{month:02d}"
        hp_wh = wh - hc_wh
        hphc_euro = hp_euro + hc_euro
        versus = 100 * (hphc_euro - base_euro) / hphc_euro
        expected |= {
            f"{node}/measure_total_wh": wh,
            f"{node}/measure_hp_wh": hp_wh,
            f"{node}/measure_hc_wh": hc_wh,
            f"{node}/measure_ration_hp": 100 * hp_wh / wh,
            f"{node}/measure_ration_hc": 100 * hc_wh / wh,
            f"{node}/measure_total": watt_sum,
            f"{node}/measure_hp": watt_sum - hc_watt_sum,
            f"{node}/measure_hc": hc_watt_sum,
            f"{node}/measure_base_euro": base_euro,
            f"{node}/measure_hp_euro": hp_euro,
            f"{node}/measure_hc_euro": hc_euro,
            f"{node}/measure_hphc_euro": hphc_euro,
            f"{node}/base_vs_offpeak": versus,
            f"{node}/best_plan": "BASE" if versus >= 0 else "HC/HP",
            f"{node}/best_plan_percent": abs(versus),
        }
    return expected


def same(payload: str | float, value: str | float) -> bool:
    """Compare a payload with a value: texts exactly, numbers to the 2 decimals published."""
    if isinstance(value, str):
        return payload == value
    return abs(float(payload) - value) <= 0.006


def assert_matches(received: dict[str, str], expected: Expected) -> None:
    """Assert every expected topic and no other was received, with its value."""
    assert received.keys() == expected.keys()
    for topic, value in expected.items():
        assert same(received[topic], value), (topic, received[topic], value)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up our entry."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move the clock and let the coordinator's cycle run."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def start_clock(freezer: FrozenDateTimeFactory) -> date:
    """Freeze the clock on a Wednesday after the daily publication; return the day."""
    start = datetime(2026, 3, 25, 10, 5, tzinfo=PARIS)
    freezer.move_to(start)
    return start.date()


async def test_full_tree_retain_qos_and_changes_only(
    hass: HomeAssistant,
    gateway: Gateway,
    live: Subscriber,
    mqtt_ready: int,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every topic once with the simulator's values, retained at QoS 1; then only changes."""
    today = start_clock(freezer)
    await setup_entry(hass, make_entry(gateway, options=OPTIONS))
    expected = expected_topics(gateway.sim, today)
    messages = await live.settle(len(expected))
    received = dict(messages)
    assert len(messages) == len(received), "a topic was published twice"
    assert_matches({topic: msg.payload for topic, msg in messages}, expected)
    assert {msg.qos for msg in received.values()} == {1}
    # 16 contract and off-peak, 9 address, 4 error, 3 windows x 22, 15 per month.
    months = {topic.rsplit("/", 1)[0] for topic in expected if "/detail/" in topic}
    assert len(months) == 10
    assert len(expected) == 16 + 9 + 4 + 66 + 15 * len(months)
    for topic, msg in messages:
        assert TOKEN not in topic
        assert TOKEN not in msg.payload
        assert INFLUX_TOKEN not in msg.payload

    # A client connecting later gets every topic from the broker.
    kept = await late_subscriber(mqtt_ready, f"{PREFIX}/#")
    assert {topic: msg.payload for topic, msg in kept} == {
        topic: msg.payload for topic, msg in messages
    }
    assert all(msg.retain for _, msg in kept)

    # An hour later the budget is spent: no new data, nothing published.
    await tick(hass, freezer, timedelta(hours=1))
    assert await live.settle() == []

    # The next day brings new data: only the topics that changed are sent.
    await tick(hass, freezer, timedelta(hours=23))
    new_expected = expected_topics(gateway.sim, today + timedelta(days=1))
    changes = {topic: msg.payload for topic, msg in await live.settle()}
    changed = {
        topic
        for topic, value in new_expected.items()
        if topic not in expected or not same(expected[topic], value)
    }
    assert changed <= changes.keys() <= new_expected.keys()
    assert not [
        topic for topic in changes if "/contract/" in topic or "/addresses/" in topic
    ]
    assert_matches(
        {topic: msg.payload for topic, msg in received.items()} | changes, new_expected
    )


async def test_prefix_change_moves_the_tree(
    hass: HomeAssistant,
    gateway: Gateway,
    live: Subscriber,
    mqtt_ready: int,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new prefix publishes everything under it and clears the old retained topics."""
    start_clock(freezer)
    entry = make_entry(gateway, options=OPTIONS)
    await setup_entry(hass, entry)
    first = dict(await live.settle(100))
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "mqtt_prefix": "/linky/"}
    )
    await hass.async_block_till_done()
    assert await late_subscriber(mqtt_ready, f"{PREFIX}/#") == []
    moved = await late_subscriber(mqtt_ready, "linky/#")
    assert {topic: msg.payload for topic, msg in moved} == {
        topic.replace(PREFIX, "linky", 1): payload.payload
        for topic, payload in first.items()
    }
    # Live clients saw the old topics emptied.
    cleared = [
        (topic, msg.payload)
        for topic, msg in await live.settle()
        if topic.startswith(PREFIX)
    ]
    assert sorted(cleared) == sorted((topic, "") for topic in first)


async def test_mqtt_unavailable_then_connected(
    hass: HomeAssistant,
    gateway: Gateway,
    broker: int,
    tmp_path: Path,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without MQTT: one log line, a repair issue, the update goes on; MQTT later: published."""
    today = start_clock(freezer)
    entry = make_entry(gateway, options=OPTIONS)
    with caplog.at_level(logging.WARNING):
        await setup_entry(hass, entry)
        await tick(hass, freezer, timedelta(hours=1))
    assert entry.state is ConfigEntryState.LOADED
    card = hass.states.get(f"sensor.enedisgateway_{PDL}")
    assert card is not None
    assert card.state != "unavailable"
    assert caplog.text.count("MQTT is not set up or not connected") == 1
    issue_id = f"mqtt_unavailable_{PDL}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "mqtt_unavailable"

    await setup_mqtt(hass, broker, tmp_path)
    # The mirror publishes as soon as the client connects, without waiting for a cycle.
    await until(lambda: ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None)
    kept = await late_subscriber(broker, f"{PREFIX}/#")
    assert_matches(
        {topic: msg.payload for topic, msg in kept},
        expected_topics(gateway.sim, today),
    )


async def test_mirror_off_publishes_nothing(
    hass: HomeAssistant,
    gateway: Gateway,
    live: Subscriber,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The mirror is off by default: nothing on the broker, no repair issue."""
    start_clock(freezer)
    await setup_entry(hass, make_entry(gateway, options={"max_calls_per_day": 5}))
    assert await live.settle() == []
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"mqtt_unavailable_{PDL}") is None


async def test_token_echo_never_reaches_the_broker(
    hass: HomeAssistant,
    gateway: Gateway,
    live: Subscriber,
    mqtt_ready: int,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An error text echoing the token, re-cased or cut, is published redacted."""
    start_clock(freezer)
    await setup_entry(hass, make_entry(gateway, options=OPTIONS))
    await live.settle(100)
    gateway.sim.inject(Fault.TOKEN_ECHO, count=None)
    await tick(hass, freezer, timedelta(days=1))
    published = {topic: msg.payload for topic, msg in await live.settle()}
    errors = {topic: text for topic, text in published.items() if "errorMsg" in topic}
    assert errors
    assert all("**REDACTED**" in text for text in errors.values())
    fragments = (TOKEN, TOKEN.lower(), TOKEN[:10], TOKEN[-8:])
    assert not [
        text for text in published.values() for part in fragments if part in text
    ]
