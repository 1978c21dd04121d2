"""Shared fixtures: the gateway simulator on 127.0.0.1 and a Paris-time Home Assistant."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
import logging
import socket
from typing import Any

from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

# Import our package before Home Assistant mounts its test config dir's custom_components.
import custom_components.enedis_gateway  # noqa: F401
from custom_components.enedis_gateway.const import (
    CONF_CONTRACT,
    CONF_GATEWAY,
    CONF_PDL,
    DOMAIN,
)
from simulator import Household, Simulator
from simulator.testing import RunningSimulator, start_simulator

# The test plugin logs every SQL statement of the recorder; statistics imports
# write tens of thousands of rows, so keep that logger quiet, and the recorder's
# own debug lines (its thread outlives a test's log capture) too.
logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
logging.getLogger("homeassistant.components.recorder").setLevel(logging.INFO)

PDL = "12345678901234"
TOKEN = "SIM-TOKEN-0123456789"


# How Home Assistant reports a deprecated API used by an integration (frame.report_usage,
# helpers.deprecation: a warning): a test fails when one names ours.
DEPRECATION_HINTS = (
    "deprecated",
    "will stop working",
    "please report it to the author",
)


@pytest.fixture(autouse=True)
def no_deprecated_api(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test in which Home Assistant reports our use of a deprecated API."""
    yield
    reports = [
        record.getMessage()
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if record.levelno >= logging.WARNING
        and not record.name.startswith("custom_components.")
        and DOMAIN in record.getMessage()
        and any(hint in record.getMessage().lower() for hint in DEPRECATION_HINTS)
    ]
    assert not reports, f"deprecated API used: {reports}"


@pytest.fixture(autouse=True)
async def timers_due_at_the_frozen_instant_run() -> None:
    """Let a timer due exactly at the frozen test clock's instant run.

    Under freezegun the event loop's clock is an epoch timestamp (1.8e9 s), where
    asyncio's clock resolution (1 ns) is lost in rounding: a timer due exactly now
    is neither run nor waited for, and the loop spins on a zero timeout until the
    clock moves, holding the GIL while the recorder's thread writes statistics
    (one budget test took 172 s instead of 26 s). One microsecond survives rounding.
    """
    asyncio.get_running_loop()._clock_resolution = 1e-6  # type: ignore[attr-defined]


def stored_calls(hass_storage: dict[str, Any], pdl: str = PDL) -> int:
    """Return the calls of today the shared budget file holds for a meter."""
    return int(hass_storage[f"{DOMAIN}.budget"]["data"]["counts"][f"pdl:{pdl}"])


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Gateway:
    """The simulator and where it listens."""

    sim: Simulator
    running: RunningSimulator

    def url(self, protocol: str) -> str:
        """Return the URL of a protocol."""
        # The original gateway's POST /api and MyElectricalData v2 share /api.
        if protocol in ("enedis_gateway", "myelectricaldata_v2"):
            return self.running.api_url
        return self.running.base_url


@pytest.fixture
def household() -> Household:
    """Return the synthetic household."""
    return Household(seed=1)


@pytest.fixture
def activation() -> date:
    """Return the meter's activation date: the oldest day the gateway serves."""
    return date(2015, 3, 2)


@pytest.fixture
async def gateway(
    socket_enabled: None, household: Household, activation: date
) -> AsyncIterator[Gateway]:
    """Run the gateway simulator on a free port of 127.0.0.1."""
    sim = Simulator(
        household, token=TOKEN, pdls=(PDL, "98765432109876"), activation=activation
    )
    running = await start_simulator(sim)
    yield Gateway(sim=sim, running=running)
    await running.close()


@pytest.fixture
async def paris(hass: HomeAssistant) -> HomeAssistant:
    """Put Home Assistant in the Paris time zone."""
    await hass.config.async_set_time_zone("Europe/Paris")
    return hass


def make_entry(
    gateway: Gateway,
    *,
    protocol: str = "myelectricaldata",
    options: dict[str, object] | None = None,
    pdl: str = PDL,
    contract: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """Return a config entry pointing at the simulator, with the contract given."""
    data = {
        CONF_GATEWAY: protocol,
        CONF_URL: gateway.url(protocol),
        CONF_ACCESS_TOKEN: TOKEN,
        CONF_PDL: pdl,
    }
    if contract is not None:
        data[CONF_CONTRACT] = contract
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Linky {pdl}",
        unique_id=pdl,
        data=data,
        options=options or {},
    )
