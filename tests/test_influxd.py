"""The exporter's line protocol, read by a real influxd (Debian's InfluxDB 1.x).

Debian ships InfluxDB 1.6, which has no /api/v2 endpoints: the exporter's HTTP side
is tested against a v2 stand-in (test_influxdb.py); here the very lines it sends go
through influxd's own parser and storage, and are queried back.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from datetime import date, timedelta
import json
from pathlib import Path
import shutil
import subprocess
import time
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from custom_components.enedis_gateway.linky.history import History, local_midnight
from custom_components.enedis_gateway.linky.influx_lines import (
    DAILY_MEASUREMENT,
    DETAIL_MEASUREMENT,
    batches,
    pending_units,
)
from custom_components.enedis_gateway.linky.models import (
    PARIS,
    DailyReading,
    LoadCurvePoint,
    MeasureType,
)
from custom_components.enedis_gateway.linky.offpeak import parse_offpeak
from custom_components.enedis_gateway.linky.tariff import Plan, Prices, Tariff
from simulator import Household

from .conftest import free_port

INFLUXD = shutil.which("influxd")
PDL = "12345678901234"
DB = "linky"
PRICES = Prices(base=0.2, hp=0.25, hc=0.1)
RANGES = parse_offpeak("HC (22H00-6H00)")
# 70 days of load curve across the spring DST change, 100 days of daily readings.
LAST = date(2026, 4, 30)
CURVE_DAYS = [LAST - timedelta(days=n) for n in range(70)]
DAILY_DAYS = [LAST - timedelta(days=n) for n in range(100)]

pytestmark = pytest.mark.skipif(
    INFLUXD is None, reason="Debian's influxdb package is not installed"
)


def http(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    """Send a request; return the status and the body."""
    with urlopen(Request(url, data=data), timeout=10) as response:
        return response.status, response.read()


@pytest.fixture
def influxd(socket_enabled: None, tmp_path: Path) -> Iterator[str]:
    """Run influxd on free ports of 127.0.0.1 with a database; return its URL."""
    port = free_port()
    conf = tmp_path / "influxdb.conf"
    conf.write_text(
        "reporting-disabled = true\n"
        f'bind-address = "127.0.0.1:{free_port()}"\n'
        f'[meta]\n  dir = "{tmp_path / "meta"}"\n'
        f'[data]\n  dir = "{tmp_path / "data"}"\n  wal-dir = "{tmp_path / "wal"}"\n'
        "  query-log-enabled = false\n"
        f'[http]\n  bind-address = "127.0.0.1:{port}"\n  log-enabled = false\n'
    )
    assert INFLUXD is not None
    process = subprocess.Popen(
        [INFLUXD, "-config", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                if http(f"{url}/ping")[0] == 204:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("influxd did not answer /ping")
        http(f"{url}/query", urlencode({"q": f"CREATE DATABASE {DB}"}).encode())
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def query(url: str, text: str) -> list[dict[str, Any]]:
    """Run an InfluxQL query; return its series."""
    params = urlencode({"db": DB, "q": text, "epoch": "s"})
    _, body = http(f"{url}/query?{params}")
    result = json.loads(body)["results"][0]
    assert "error" not in result, result
    return list(result.get("series", []))


def history_of(household: Household) -> History:
    """Return a history with the simulator's readings."""
    history = History()
    history.merge_daily(
        MeasureType.DAILY_CONSUMPTION,
        [DailyReading(day=day, wh=household.daily_wh(day)) for day in DAILY_DAYS],
    )
    for day in CURVE_DAYS:
        history.merge_curve(
            MeasureType.CONSUMPTION_LOAD_CURVE,
            [
                LoadCurvePoint(start=start, minutes=minutes, watts=watts)
                for start, minutes, watts in household.curve(day)
            ],
        )
    return history


def test_influxd_stores_every_point_at_its_instant(influxd: str) -> None:
    """influxd takes every batch and gives back each day's energy at its true time."""
    household = Household(seed=5)
    units = list(
        pending_units(
            history_of(household),
            {},
            pdl=PDL,
            tariff=Tariff(Plan.HPHC, PRICES, RANGES),
        )
    )
    sent = 0
    for batch in batches(units):
        lines = [line for unit in batch for line in unit.lines]
        params = urlencode({"db": DB, "precision": "s"})
        status, body = http(f"{influxd}/write?{params}", "\n".join(lines).encode())
        assert (status, body) == (204, b"")
        sent += len(lines)

    # Every line is a distinct point: HP and HC halves share an instant, not a series.
    daily = query(influxd, f'SELECT count("Wh") FROM "{DAILY_MEASUREMENT}"')
    detail = query(influxd, f'SELECT count("Wh") FROM "{DETAIL_MEASUREMENT}"')
    assert daily[0]["values"][0][1] == len(DAILY_DAYS)
    assert daily[0]["values"][0][1] + detail[0]["values"][0][1] == sent

    # Each daily point sits at its Paris midnight, with the day's Wh.
    rows = query(
        influxd,
        f'SELECT "Wh", "pdl" FROM "{DAILY_MEASUREMENT}" ORDER BY time ASC',
    )[0]["values"]
    assert [(stamp, wh, pdl) for stamp, wh, pdl in rows] == [
        (int(local_midnight(day).timestamp()), household.daily_wh(day), PDL)
        for day in sorted(DAILY_DAYS)
    ]

    # The load-curve points of a day, summed between its two Paris midnights, give
    # the day's energy, HP + HC; the spring DST day has 46 half-hours.
    for day in (date(2026, 3, 29), date(2026, 4, 15)):
        start = int(local_midnight(day).timestamp())
        end = int(local_midnight(day + timedelta(days=1)).timestamp())
        where = f"time >= {start}s AND time < {end}s"
        by_type = query(
            influxd,
            f'SELECT sum("Wh"), count("Wh") FROM "{DETAIL_MEASUREMENT}" '
            f'WHERE {where} GROUP BY "measure_type"',
        )
        sums = {item["tags"]["measure_type"]: item["values"][0] for item in by_type}
        assert set(sums) == {"HP", "HC"}
        assert sum(values[1] for values in sums.values()) == pytest.approx(
            household.daily_wh(day), abs=1e-6
        )
        offpeak_wh = sum(
            watts * minutes / 60
            for stamp, minutes, watts in household.curve(day)
            if not 6 <= stamp.astimezone(PARIS).hour < 22
        )
        assert sums["HC"][1] == pytest.approx(offpeak_wh, abs=1e-6)
        instants = query(
            influxd, f'SELECT "W" FROM "{DETAIL_MEASUREMENT}" WHERE {where}'
        )
        stamps = {row[0] for row in instants[0]["values"]}
        assert stamps == {
            int(stamp.timestamp()) for stamp, _, _ in household.curve(day)
        }
        assert len(stamps) == (46 if day == date(2026, 3, 29) else 48)
