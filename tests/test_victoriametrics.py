"""The InfluxDB v2 export through Home Assistant, into a real VictoriaMetrics.

Debian's `victoria-metrics` speaks the InfluxDB v2 write API (`POST /api/v2/write`,
any org, bucket and token) and gives the points back through `/api/v1/export`, as
`<measurement>_<field>` series with the tags as labels. These tests start one on a
free port of 127.0.0.1, let the integration export to it and read everything back;
the expected points are computed here from the simulator's raw readings and the
off-peak ranges, not by the integration's code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
import functools
import json
import logging
import math
from pathlib import Path
import shutil
import subprocess
import time as real_time
from typing import Any
from urllib.parse import urlencode
from urllib.request import urlopen

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from simulator import Household, Simulator

from .conftest import PDL, Gateway, free_port, make_entry
from .helpers import PARIS, activated_on, setup

VICTORIA = shutil.which("victoria-metrics")
# Any org, bucket and token: VictoriaMetrics checks none of them.
INFLUX_TOKEN, ORG, BUCKET = "any-token-0123456789", "any-org", "any-bucket"
PRICE_HP, PRICE_HC = 0.25, 0.1
# Off-peak hours whose bounds cut half-hours unevenly (such an interval gives an HP
# and an HC point at the same instant, with unequal shares), one of them inside the
# hour the clocks skip in spring and repeat in autumn.
OFFPEAK_TEXT = "HC (2H10-7H20;12H40-14H05)"
OFFPEAK = ((2 * 60 + 10, 7 * 60 + 20), (12 * 60 + 40, 14 * 60 + 5))
SPRING, AUTUMN = date(2025, 3, 30), date(2024, 10, 27)
MATCH = '{__name__=~"enedisgateway_.*"}'
DAILY, DETAIL = "enedisgateway_daily", "enedisgateway_detail"
METRICS_CACHE = 1.5

pytestmark = [
    pytest.mark.skipif(
        VICTORIA is None,
        reason="Debian's victoria-metrics package is not installed "
        "(scripts/bootstrap.sh installs it)",
    ),
    pytest.mark.usefixtures("recorder_mock", "enable_custom_integrations", "paris"),
]

# (series name, sorted labels, timestamp in ms)
type SampleKey = tuple[str, tuple[tuple[str, str], ...], int]


def http(url: str) -> bytes:
    """GET a URL; return the body."""
    with urlopen(url, timeout=30) as response:
        return bytes(response.read())


@dataclass
class Victoria:
    """A victoria-metrics process on a fixed storage dir and port."""

    storage: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    metrics_read: bool = False

    @property
    def url(self) -> str:
        """Return the base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server and wait until it answers /health."""
        assert VICTORIA is not None
        assert self.process is None
        self.metrics_read = False
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    VICTORIA,
                    f"-storageDataPath={self.storage}",
                    f"-httpListenAddr=127.0.0.1:{self.port}",
                    # The default keeps one month: older points would be dropped.
                    "-retentionPeriod=100y",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # Counted real sleeps: the test's clock may be frozen.
        for _ in range(400):
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                if http(f"{self.url}/health") == b"OK":
                    return
            real_time.sleep(0.025)
        self.stop()
        tail = self.log.read_text(errors="replace")[-2000:]
        pytest.fail(f"victoria-metrics did not answer /health:\n{tail}")

    def stop(self) -> None:
        """Stop the server (SIGTERM flushes its data), killing it if it hangs."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        for _ in range(400):
            if process.poll() is not None:
                return
            real_time.sleep(0.025)
        process.kill()
        process.wait()

    def export(self) -> tuple[Counter[SampleKey], dict[SampleKey, float]]:
        """Return every sample of our series: how many per key, and their values."""
        # Searchable at once, instead of about a second after the write.
        http(f"{self.url}/internal/force_flush")
        query = urlencode({"match[]": MATCH, "start": "0"})
        counts: Counter[SampleKey] = Counter()
        values: dict[SampleKey, float] = {}
        for text in http(f"{self.url}/api/v1/export?{query}").splitlines():
            series = json.loads(text)
            labels = dict(series["metric"])
            name = labels.pop("__name__")
            tags = tuple(sorted(labels.items()))
            for stamp, value in zip(
                series["timestamps"], series["values"], strict=True
            ):
                key = (name, tags, int(stamp))
                counts[key] += 1
                values[key] = float(value)
        return counts, values

    def write_requests(self) -> int:
        """Return how many InfluxDB write requests the server received."""
        # The server rebuilds /metrics at most once a second: wait out a page it
        # may have kept from the last read.
        if self.metrics_read:
            real_time.sleep(METRICS_CACHE)
        self.metrics_read = True
        total = 0
        for text in http(f"{self.url}/metrics").decode().splitlines():
            if text.startswith('vm_http_requests_total{path="/influx/'):
                total += int(float(text.rsplit(" ", 1)[1]))
        return total


@pytest.fixture
def victoria(socket_enabled: None, tmp_path: Path) -> Iterator[Victoria]:
    """Run victoria-metrics on a free port of 127.0.0.1; always stop it."""
    server = Victoria(
        storage=tmp_path / "victoria", port=free_port(), log=tmp_path / "vm.log"
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


# The expected points, from the simulator's raw readings.


@functools.cache
def offpeak_minutes(start: datetime, minutes: int) -> int:
    """Count the minutes of [start, start + minutes) whose Paris wall clock is off-peak."""
    count = 0
    for step in range(minutes):
        local = (start + timedelta(minutes=step)).astimezone(PARIS)
        wall = local.hour * 60 + local.minute
        count += any(low <= wall < high for low, high in OFFPEAK)
    return count


def midnight_ms(day: date) -> int:
    """Return the Paris midnight starting a day, in ms."""
    return int(datetime.combine(day, time(), PARIS).timestamp()) * 1000


def day_of(stamp_ms: int) -> date:
    """Return the Paris day of an instant in ms."""
    return datetime.fromtimestamp(stamp_ms / 1000, UTC).astimezone(PARIS).date()


def offpeak_wh(household: Household, day: date) -> float:
    """Return the off-peak energy of a day, from its half-hours."""
    return sum(
        watts * offpeak_minutes(start, minutes) / 60
        for start, minutes, watts in household.curve(day)
    )


def expected_samples(household: Household, days: list[date]) -> dict[SampleKey, float]:
    """Return every sample the export of these days must give, by key."""
    samples: dict[SampleKey, float] = {}

    def add(
        measurement: str, tags: dict[str, str], stamp: int, fields: dict[str, float]
    ) -> None:
        for name, value in fields.items():
            key = (f"{measurement}_{name}", tuple(sorted(tags.items())), stamp)
            assert key not in samples, key
            samples[key] = value

    for day in days:
        tags = {"pdl": PDL, "year": f"{day.year}", "month": f"{day.month:02d}"}
        wh = household.daily_wh(day)
        hc_wh = offpeak_wh(household, day)
        price = (wh - hc_wh) / 1000 * PRICE_HP + hc_wh / 1000 * PRICE_HC
        add(DAILY, tags, midnight_ms(day), {"Wh": wh, "kWh": wh / 1000, "price": price})
        for start, minutes, watts in household.curve(day):
            off = offpeak_minutes(start, minutes)
            for measure, part, unit_price in (
                ("HP", minutes - off, PRICE_HP),
                ("HC", off, PRICE_HC),
            ):
                if not part:
                    continue
                share_w = watts * part / minutes
                share_wh = share_w * minutes / 60
                add(
                    DETAIL,
                    tags | {"measure_type": measure, "interval": f"PT{minutes}M"},
                    int(start.timestamp()) * 1000,
                    {
                        "W": share_w,
                        "kW": share_w / 1000,
                        "Wh": share_wh,
                        "kWh": share_wh / 1000,
                        "price": share_wh / 1000 * unit_price,
                    },
                )
    return samples


def assert_exported_once(
    counts: Counter[SampleKey],
    values: dict[SampleKey, float],
    expected: dict[SampleKey, float],
) -> None:
    """The server holds exactly the expected samples, each once, with its value."""
    twice = sorted(key for key, count in counts.items() if count > 1)
    assert not twice, f"{len(twice)} samples written more than once: {twice[:5]}"
    missing = sorted(expected.keys() - counts.keys())
    extra = sorted(counts.keys() - expected.keys())
    assert not missing, f"{len(missing)} samples missing: {missing[:5]}"
    assert not extra, f"{len(extra)} unexpected samples: {extra[:5]}"
    wrong = [
        (key, values[key], value)
        for key, value in expected.items()
        if not math.isclose(values[key], value, rel_tol=1e-9, abs_tol=1e-9)
    ]
    assert not wrong, f"{len(wrong)} wrong values (key, stored, expected): {wrong[:5]}"


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


def span(first: date, last: date) -> list[date]:
    """Return the days from first to last, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def export_options(server: Victoria) -> dict[str, object]:
    """Return options exporting to the server, on the HP/HC plan."""
    return {
        "max_calls_per_day": 45,
        "plan": "HP/HC",
        "price_hp": PRICE_HP,
        "price_hc": PRICE_HC,
        "influxdb": True,
        "influxdb_url": server.url,
        "influxdb_token": INFLUX_TOKEN,
        "influxdb_org": ORG,
        "influxdb_bucket": BUCKET,
    }


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move the clock and let the coordinator's cycle and the export run."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_full_history_read_back(
    hass: HomeAssistant,
    gateway: Gateway,
    victoria: Victoria,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Five months across both DST changes, read back: values, split, counts, no rewrite."""
    first, last = date(2024, 10, 26), date(2025, 3, 31)
    days = span(first, last)
    household = gateway.sim.household
    gateway.sim.offpeak = OFFPEAK_TEXT
    contract = activated_on(gateway, first)
    freezer.move_to(datetime(2025, 4, 1, 10, 5, tzinfo=PARIS))
    entry = make_entry(gateway, options=export_options(victoria), contract=contract)
    await setup(hass, entry)

    # The whole history came over the backfill.
    assert served_days(gateway.sim, "daily_consumption") == set(days)
    assert served_days(gateway.sim, "consumption_load_curve") == set(days)
    counts, values = await hass.async_add_executor_job(victoria.export)
    assert_exported_once(counts, values, expected_samples(household, days))

    # The same facts, one by one. Each daily point at its Paris midnight, with its Wh
    # and its price (HP and HC energy at their prices).
    daily_wh = {
        key[2]: value
        for key, value in values.items()
        if key[0] == "enedisgateway_daily_Wh"
    }
    assert daily_wh == {midnight_ms(day): household.daily_wh(day) for day in days}
    for day in (AUTUMN, date(2025, 1, 15), SPRING):
        hc_wh = offpeak_wh(household, day)
        assert 0 < hc_wh < household.daily_wh(day)
        (price,) = (
            value
            for key, value in values.items()
            if key[0] == "enedisgateway_daily_price" and key[2] == midnight_ms(day)
        )
        assert price == pytest.approx(
            (household.daily_wh(day) - hc_wh) / 1000 * PRICE_HP
            + hc_wh / 1000 * PRICE_HC,
            rel=1e-9,
        )
    # Each day's detail points sum to its energy, their HC part to its off-peak
    # energy; the DST days have 46 and 50 half-hours.
    sums: dict[date, Counter[str]] = {}
    instants: dict[date, set[int]] = {}
    for (name, tags, stamp), value in values.items():
        if name != "enedisgateway_detail_Wh":
            continue
        labels = dict(tags)
        assert labels["interval"] == "PT30M"
        sums.setdefault(day_of(stamp), Counter())[labels["measure_type"]] += value
        instants.setdefault(day_of(stamp), set()).add(stamp)
    assert sorted(sums) == days
    for day in days:
        assert set(sums[day]) == {"HP", "HC"}, day
        assert sums[day].total() == pytest.approx(household.daily_wh(day), abs=1e-6)
        assert sums[day]["HC"] == pytest.approx(offpeak_wh(household, day), abs=1e-6)
        halves = {SPRING: 46, AUTUMN: 50}.get(day, 48)
        assert len(instants[day]) == halves, day
    # The reference itself: off-peak is 5h10 + 1h25 a day; 4h20 + 1h25 on the spring
    # day (the clock jumps from 2h to 3h, past 2h10); 6h + 1h25 in autumn (the
    # repeated hour holds 50 off-peak minutes twice).
    assert [
        sum(
            offpeak_minutes(start, minutes)
            for start, minutes, _ in household.curve(day)
        )
        for day in (SPRING, AUTUMN, date(2025, 1, 15))
    ] == [345, 445, 395]

    # A restart of the entry (its first update exports what is pending) writes
    # nothing: no request, the same series and samples, each once.
    requests = await hass.async_add_executor_job(victoria.write_requests)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.async_add_executor_job(victoria.write_requests) == requests
    assert await hass.async_add_executor_job(victoria.export) == (counts, values)


async def test_points_missed_while_down_arrive(
    hass: HomeAssistant,
    gateway: Gateway,
    victoria: Victoria,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The server is down when a new day comes: its points arrive once it is back."""
    caplog.set_level(logging.INFO, logger="custom_components.enedis_gateway")
    first = date(2025, 1, 13)
    household = gateway.sim.household
    gateway.sim.offpeak = OFFPEAK_TEXT
    contract = activated_on(gateway, first)
    freezer.move_to(datetime(2025, 1, 16, 10, 5, tzinfo=PARIS))
    entry = make_entry(gateway, options=export_options(victoria), contract=contract)
    await setup(hass, entry)
    before = await hass.async_add_executor_job(victoria.export)
    assert_exported_once(
        *before, expected_samples(household, span(first, date(2025, 1, 15)))
    )

    # Down for an update while the next day is published and fetched.
    await hass.async_add_executor_job(victoria.stop)
    await tick(hass, freezer, timedelta(days=1))
    assert date(2025, 1, 16) in served_days(gateway.sim, "consumption_load_curve")
    assert caplog.text.count("InfluxDB export failed") == 1
    # Back on the same storage: the old points are there, the new day is not yet.
    await hass.async_add_executor_job(victoria.start)
    assert await hass.async_add_executor_job(victoria.export) == before

    # The next cycle sends the missed day, and nothing twice.
    await tick(hass, freezer, timedelta(hours=1))
    assert "InfluxDB export works again" in caplog.text
    assert_exported_once(
        *await hass.async_add_executor_job(victoria.export),
        expected_samples(household, span(first, date(2025, 1, 16))),
    )
    assert INFLUX_TOKEN not in caplog.text


async def test_options_flow_check_passes(
    hass: HomeAssistant, gateway: Gateway, victoria: Victoria
) -> None:
    """The options flow's one real, empty write passes: the options save, nothing is stored."""
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    form: dict[str, Any] = {
        "plan": "HP/HC",
        "price_base": 0.2516,
        "price_hp": PRICE_HP,
        "price_hc": PRICE_HC,
        "mqtt_mirror": False,
        "mqtt_prefix": "enedis_gateway",
        "mqtt_retain": False,
        "mqtt_qos": 0,
        "influxdb": True,
        "influxdb_url": victoria.url,
        "influxdb_token": INFLUX_TOKEN,
        "influxdb_org": ORG,
        "influxdb_bucket": BUCKET,
    }
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    # The check is real: a port where nothing listens fails it.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form, "influxdb_url": f"http://127.0.0.1:{free_port()}"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"influxdb_url": "influxdb_cannot_connect"}
    result = await hass.config_entries.options.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {key: entry.options[key] for key in form} == form
    # One request reached the server (its first), and it stored nothing.
    assert await hass.async_add_executor_job(victoria.write_requests) == 1
    assert await hass.async_add_executor_job(victoria.export) == (Counter(), {})
