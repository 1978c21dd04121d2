"""Run the simulator on a local port from tests and scripts."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from .app import Simulator

SHUTDOWN_TIMEOUT = 1.0


@dataclass(kw_only=True, slots=True)
class RunningSimulator:
    """A simulator listening on a TCP port."""

    simulator: Simulator
    runner: web.AppRunner
    host: str
    port: int

    @property
    def base_url(self) -> str:
        """Return the myelectricaldata URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """Return the enedis_gateway URL."""
        return f"{self.base_url}/api"

    async def close(self) -> None:
        """Stop listening and drop pending requests."""
        await self.runner.cleanup()


async def start_simulator(
    sim: Simulator, host: str = "127.0.0.1", port: int = 0
) -> RunningSimulator:
    """Start serving the simulator; port 0 picks a free port."""
    # Cancel a handler whose client went away, so a TIMEOUT fault never outlives it.
    runner = web.AppRunner(
        sim.app,
        handler_cancellation=True,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        access_log=None,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    bound = runner.addresses[0][1]
    return RunningSimulator(simulator=sim, runner=runner, host=host, port=int(bound))
