"""InfluxDB v2 export through Home Assistant against an InfluxDB write API stand-in."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
import json
import logging
from pathlib import Path
import socket
from typing import Any

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
)

from simulator import Simulator

from .conftest import PDL, TOKEN, Gateway, make_entry
from .helpers import activated_on
from .test_influx_lines import parse

PARIS = dt_util.get_time_zone("Europe/Paris")
INFLUX_TOKEN = "influx-write-token-0123456789"
ORG, BUCKET = "home", "linky"
PRICE_BASE = 0.2
TRANSLATIONS = (
    Path(__file__).parent.parent
    / "custom_components"
    / "enedis_gateway"
    / "translations"
)

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)

type PointKey = tuple[str, tuple[tuple[str, str], ...], int]


@dataclass
class WriteRequest:
    """One request received by the stand-in."""

    path: str
    query: dict[str, str]
    authorization: str | None
    content_type: str | None
    lines: list[str]
    status: int


@dataclass
class FakeInflux:
    """The InfluxDB 2 write endpoint: the checks and answers of influxd, in its order."""

    requests: list[WriteRequest] = field(default_factory=list)
    points: Counter[PointKey] = field(default_factory=Counter)
    fields: dict[PointKey, dict[str, float]] = field(default_factory=dict)
    # Statuses forced on the next writes that pass the checks (0: answer normally).
    script: list[int] = field(default_factory=list)
    url: str = ""

    async def write(self, request: web.Request) -> web.Response:
        """Check the token, the org, the bucket, then parse and store the points."""
        body = await request.text()
        lines = [text for text in body.split("\n") if text]
        status = self._status(request, lines)
        self.requests.append(
            WriteRequest(
                path=request.path,
                query=dict(request.query),
                authorization=request.headers.get("Authorization"),
                content_type=request.headers.get("Content-Type"),
                lines=lines,
                status=status,
            )
        )
        if status != 204:
            return web.json_response(ERRORS[status], status=status)
        for text in lines:
            measurement, tags, values, timestamp = parse(text)
            key = (measurement, tuple(sorted(tags.items())), timestamp)
            self.points[key] += 1
            self.fields[key] = values
        return web.Response(status=204)

    def _status(self, request: web.Request, lines: list[str]) -> int:
        if request.headers.get("Authorization") != f"Token {INFLUX_TOKEN}":
            return 401
        if request.query.get("org") != ORG or request.query.get("bucket") != BUCKET:
            return 404
        if not lines:
            return 400
        forced = self.script.pop(0) if self.script else 0
        return forced or 204


ERRORS: dict[int, dict[str, str]] = {
    400: {"code": "invalid", "message": "writing requires points"},
    401: {"code": "unauthorized", "message": "unauthorized access"},
    404: {"code": "not found", "message": 'bucket "nope" not found'},
    500: {"code": "internal error", "message": "unexpected error writing points"},
}


@pytest.fixture
async def influx(socket_enabled: None) -> AsyncIterator[FakeInflux]:
    """Serve the stand-in on a free port of 127.0.0.1."""
    fake = FakeInflux()
    app = web.Application()
    app.router.add_post("/api/v2/write", fake.write)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield fake
    await runner.cleanup()


def influx_options(fake: FakeInflux) -> dict[str, object]:
    """Return options exporting to the stand-in, on the BASE plan."""
    return {
        "max_calls_per_day": 45,
        "plan": "BASE",
        "price_base": PRICE_BASE,
        "influxdb": True,
        "influxdb_url": fake.url,
        "influxdb_token": INFLUX_TOKEN,
        "influxdb_org": ORG,
        "influxdb_bucket": BUCKET,
    }


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


def expected_points(sim: Simulator) -> dict[PointKey, dict[str, float]]:
    """Compute every point from the simulator's data and call log."""
    household = sim.household
    points: dict[PointKey, dict[str, float]] = {}
    for day in served_days(sim, "daily_consumption"):
        wh = float(household.daily_wh(day))
        tags = {"pdl": PDL, "year": f"{day.year}", "month": f"{day.month:02d}"}
        midnight = datetime.combine(day, time(), PARIS)
        points[
            (
                "enedisgateway_daily",
                tuple(sorted(tags.items())),
                int(midnight.timestamp()),
            )
        ] = {
            "Wh": wh,
            "kWh": wh / 1000,
            "price": wh / 1000 * PRICE_BASE,
        }
    for day in served_days(sim, "consumption_load_curve"):
        for start, minutes, watts in household.curve(day):
            hour = start.astimezone(PARIS).hour
            tags = {
                "pdl": PDL,
                "measure_type": "HC" if hour >= 22 or hour < 6 else "HP",
                "interval": f"PT{minutes}M",
                "year": f"{day.year}",
                "month": f"{day.month:02d}",
            }
            wh = watts * minutes / 60
            points[
                (
                    "enedisgateway_detail",
                    tuple(sorted(tags.items())),
                    int(start.timestamp()),
                )
            ] = {
                "W": watts,
                "kW": watts / 1000,
                "Wh": wh,
                "kWh": wh / 1000,
                "price": wh / 1000 * PRICE_BASE,
            }
    return points


def assert_exported_once(fake: FakeInflux, sim: Simulator) -> None:
    """Every point the gateway served reached InfluxDB exactly once, with its values."""
    expected = expected_points(sim)
    assert fake.points.keys() == expected.keys()
    assert set(fake.points.values()) == {1}
    for key, values in expected.items():
        assert fake.fields[key] == pytest.approx(values, rel=1e-12), key


def assert_well_formed(fake: FakeInflux) -> None:
    """Every write: path, query, token header, text body, at most 5000 lines."""
    for request in fake.requests:
        assert request.path == "/api/v2/write"
        assert request.query == {"org": ORG, "bucket": BUCKET, "precision": "s"}
        assert request.authorization == f"Token {INFLUX_TOKEN}"
        assert request.content_type == "text/plain; charset=utf-8"
        assert 0 < len(request.lines) <= 5000


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move the clock and let the coordinator's cycle run."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_export_incremental_and_retried(
    hass: HomeAssistant,
    gateway: Gateway,
    influx: FakeInflux,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    hass_storage: dict[str, Any],
) -> None:
    """Everything once, then only new points; failures lose and duplicate nothing."""
    caplog.set_level(logging.DEBUG, logger="custom_components.enedis_gateway")
    freezer.move_to(datetime(2026, 3, 25, 10, 5, tzinfo=PARIS))
    entry = make_entry(gateway, options=influx_options(influx))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # 3 years of daily readings and 40 weeks of load curve: 3 batches of whole days.
    sizes = [len(request.lines) for request in influx.requests]
    assert len(sizes) == 3
    # 280 days of curve, one of them the autumn DST day (50 half-hours).
    assert sum(sizes) == len(expected_points(gateway.sim)) == 1095 + 279 * 48 + 50
    assert_exported_once(influx, gateway.sim)
    assert_well_formed(influx)

    # No new data: no write at all.
    await tick(hass, freezer, timedelta(hours=1))
    assert len(influx.requests) == 3

    # The next day brings a new day and older weeks: the second batch fails...
    influx.script = [0, 500]
    await tick(hass, freezer, timedelta(hours=23))
    assert [request.status for request in influx.requests[3:]] == [204, 500]
    # ... then InfluxDB is down for a cycle...
    influx.script = [503]
    await tick(hass, freezer, timedelta(hours=1))
    assert influx.requests[-1].status == 503
    # ... and the next cycle writes what is left, nothing twice.
    await tick(hass, freezer, timedelta(hours=1))
    assert_exported_once(influx, gateway.sim)
    assert_well_formed(influx)
    assert caplog.text.count("InfluxDB export failed") == 1
    assert "InfluxDB export works again" in caplog.text
    assert INFLUX_TOKEN not in caplog.text
    assert TOKEN not in caplog.text

    # The exporter stores its marks apart: a restart exports nothing again.
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    marks = hass_storage[f"enedis_gateway.{entry.entry_id}.influxdb"]["data"]["marks"]
    assert "exported" not in hass_storage[f"enedis_gateway.{entry.entry_id}"]["data"]
    # One span of consecutive days per kind, ending at the Paris midnight after it.
    assert marks == {
        f"{kind}:{min(days)}": datetime.combine(
            max(days) + timedelta(days=1), time(), PARIS
        )
        .astimezone(UTC)
        .isoformat()
        for kind, days in (
            ("daily", served_days(gateway.sim, "daily_consumption")),
            ("detail", served_days(gateway.sim, "consumption_load_curve")),
        )
    }
    written = len(influx.requests)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert len(influx.requests) == written


async def test_new_price_period_rewrites_only_its_days(
    hass: HomeAssistant,
    gateway: Gateway,
    influx: FakeInflux,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A price period added later: its days' points written again at its price, no call."""
    freezer.move_to(datetime(2026, 3, 25, 10, 5, tzinfo=PARIS))
    contract = activated_on(gateway, date(2026, 1, 5))
    entry = make_entry(gateway, options=influx_options(influx), contract=contract)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert_exported_once(influx, gateway.sim)
    written, calls = len(influx.requests), len(gateway.sim.calls)
    before = dict(influx.fields)

    period = {"start": "2026-02-01", "plan": "BASE", "price_base": 0.3}
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            "price_periods": [{**period, "price_hp": 0.0, "price_hc": 0.0}],
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(gateway.sim.calls) == calls
    rewritten = Counter(
        parse(text)[3]
        for request in influx.requests[written:]
        for text in request.lines
    )
    february = int(datetime(2026, 2, 1, tzinfo=PARIS).timestamp())
    # Every point from 1 February on, once; none before.
    assert rewritten
    assert min(rewritten) == february
    assert set(rewritten.values()) <= {
        1,
        2,
    }  # an HP and an HC point may share an instant
    for key, count in influx.points.items():
        moved = key[2] >= february
        assert count == (2 if moved else 1), key
        factor = 0.3 / PRICE_BASE if moved else 1.0
        assert influx.fields[key]["price"] == pytest.approx(
            before[key]["price"] * factor, rel=1e-9
        )
        assert influx.fields[key]["Wh"] == before[key]["Wh"]

    # A restart knows the prices the points were written at: nothing again.
    written = len(influx.requests)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(influx.requests) == written


async def test_weekday_offpeak_hours_rewrite_only_their_days(
    hass: HomeAssistant,
    gateway: Gateway,
    influx: FakeInflux,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Saturday and Sunday all off-peak: only the weekend's points again, all HC."""
    freezer.move_to(datetime(2026, 3, 25, 10, 5, tzinfo=PARIS))
    contract = activated_on(gateway, date(2026, 1, 5))
    entry = make_entry(gateway, options=influx_options(influx), contract=contract)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert_exported_once(influx, gateway.sim)
    written, calls = len(influx.requests), len(gateway.sim.calls)

    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            "offpeak_saturday": "00h00-24h00",
            "offpeak_sunday": "00h00-24h00",
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(gateway.sim.calls) == calls
    rewritten = [
        parse(text) for request in influx.requests[written:] for text in request.lines
    ]
    served = served_days(gateway.sim, "daily_consumption") | served_days(
        gateway.sim, "consumption_load_curve"
    )
    weekend = {day for day in served if day.weekday() >= 5}
    assert weekend
    assert {
        datetime.fromtimestamp(timestamp, PARIS).date()
        for _, _, _, timestamp in rewritten
    } == weekend
    details = [
        tags["measure_type"]
        for measurement, tags, _, _ in rewritten
        if measurement == "enedisgateway_detail"
    ]
    assert set(details) == {"HC"}
    assert len(details) == sum(
        len(gateway.sim.household.curve(day))
        for day in served_days(gateway.sim, "consumption_load_curve")
        if day.weekday() >= 5
    )

    # A restart knows the weekday hours the points were written with: nothing again.
    written = len(influx.requests)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(influx.requests) == written


async def test_marks_of_0_1_0_are_taken_over(
    hass: HomeAssistant,
    gateway: Gateway,
    influx: FakeInflux,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Marks a history file of 0.1.0 holds move to the exporter: nothing written twice."""
    freezer.move_to(datetime(2026, 3, 25, 10, 5, tzinfo=PARIS))
    gateway.sim.activation = date(2026, 1, 1)
    entry = make_entry(gateway, options=influx_options(influx))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert_exported_once(influx, gateway.sim)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    # The layout of 0.1.0: the marks inside the history file, no store of their own.
    key = f"enedis_gateway.{entry.entry_id}"
    marks = hass_storage.pop(f"{key}.influxdb")["data"]["marks"]
    hass_storage[key]["data"]["exported"] = marks
    written = len(influx.requests)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert len(influx.requests) == written
    assert hass_storage[f"{key}.influxdb"]["data"]["marks"] == marks
    # The next day is exported once, and the history file leaves the marks out.
    await tick(hass, freezer, timedelta(days=1))
    assert len(influx.requests) > written
    assert_exported_once(influx, gateway.sim)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert "exported" not in hass_storage[key]["data"]


async def test_unreachable_influxdb_keeps_the_update(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A closed port: one warning, the sensors are fine, the token is not logged."""
    freezer.move_to(datetime(2026, 3, 25, 10, 5, tzinfo=PARIS))
    options = influx_options(FakeInflux(url=f"http://127.0.0.1:{closed_port()}"))
    entry = make_entry(gateway, options={**options, "max_calls_per_day": 5})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await tick(hass, freezer, timedelta(hours=1))
    card = hass.states.get(f"sensor.enedisgateway_{PDL}")
    assert card is not None
    assert card.state != "unavailable"
    assert caplog.text.count("InfluxDB export failed") == 1
    assert "ClientConnectorError" in caplog.text
    assert INFLUX_TOKEN not in caplog.text


def closed_port() -> int:
    """Return a port of 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def options_form(fake: FakeInflux, **changes: object) -> dict[str, Any]:
    """Return a complete options form exporting to the stand-in."""
    return {
        "plan": "HP/HC",
        "price_base": 0.2516,
        "price_hp": 0.27,
        "price_hc": 0.2068,
        "mqtt_mirror": False,
        "mqtt_prefix": "enedis_gateway",
        "mqtt_retain": False,
        "mqtt_qos": 0,
        "influxdb": True,
        "influxdb_url": fake.url,
        "influxdb_token": INFLUX_TOKEN,
        "influxdb_org": ORG,
        "influxdb_bucket": BUCKET,
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"influxdb_token": "wrong"}, {"influxdb_token": "influxdb_invalid_auth"}),
        ({"influxdb_url": "CLOSED"}, {"influxdb_url": "influxdb_cannot_connect"}),
        ({"influxdb_url": "not a url"}, {"influxdb_url": "influxdb_cannot_connect"}),
        ({"influxdb_url": ""}, {"influxdb_url": "influxdb_cannot_connect"}),
        ({"influxdb_bucket": "nope"}, {"influxdb_bucket": "influxdb_bucket_not_found"}),
        ({"influxdb_org": "nope"}, {"influxdb_bucket": "influxdb_bucket_not_found"}),
        ({"mqtt_prefix": "a/+/b"}, {"mqtt_prefix": "invalid_mqtt_prefix"}),
        ({"mqtt_prefix": " / "}, {"mqtt_prefix": "invalid_mqtt_prefix"}),
    ],
)
async def test_options_flow_validation(
    hass: HomeAssistant,
    gateway: Gateway,
    influx: FakeInflux,
    changes: dict[str, str],
    errors: dict[str, str],
) -> None:
    """One real write checks the InfluxDB settings; every error recovers to a saved entry."""
    entry = make_entry(gateway)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    closed = f"http://127.0.0.1:{closed_port()}"
    form = options_form(influx, **changes)
    form["influxdb_url"] = form["influxdb_url"].replace("CLOSED", closed)
    result = await hass.config_entries.options.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert entry.options == {}
    for lang in ("en", "fr"):
        texts = json.loads((TRANSLATIONS / f"{lang}.json").read_text(encoding="utf-8"))
        assert all(texts["options"]["error"][key] for key in errors.values())
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options_form(influx, mqtt_prefix="/linky/")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {key: entry.options[key] for key in options_form(influx)} == options_form(
        influx, mqtt_prefix="linky"
    )
    # The check is an empty write: InfluxDB answers "writing requires points".
    assert influx.requests[-1].lines == []
    assert influx.requests[-1].status == 400
    assert influx.points == Counter()


async def test_options_keep_token_and_skip_needless_checks(
    hass: HomeAssistant, gateway: Gateway, influx: FakeInflux
) -> None:
    """An empty token field keeps the stored token; unchanged settings make no call."""
    entry = make_entry(gateway, options=influx_options(influx))
    entry.add_to_hass(hass)

    async def submit(**changes: object) -> ConfigFlowResult:
        result = await hass.config_entries.options.async_init(entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"next_step_id": "settings"}
        )
        return await hass.config_entries.options.async_configure(
            result["flow_id"], options_form(influx, **changes)
        )

    # Prices change: the options save without any call to InfluxDB.
    result = await submit(influxdb_token="", price_hp=0.3)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["influxdb_token"] == INFLUX_TOKEN
    assert entry.options["price_hp"] == 0.3
    assert influx.requests == []
    # The bucket changes: checked with the stored token.
    result = await submit(influxdb_token="", influxdb_bucket="nope")
    assert result["errors"] == {"influxdb_bucket": "influxdb_bucket_not_found"}
    assert [request.authorization for request in influx.requests] == [
        f"Token {INFLUX_TOKEN}"
    ]
    assert entry.options["influxdb_bucket"] == BUCKET
