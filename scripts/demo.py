"""Run the integration for real: the gateway simulator and Home Assistant on 127.0.0.1."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo"
CONFIG = DEMO / "config"
HA_URL = "http://127.0.0.1:8123"
SIM_PORT = 8099
USER = "demo"
PASSWORD = "linky-demo"  # noqa: S105 - a local demo account, printed to the user
CLIENT_ID = f"{HA_URL}/"
PDL = "12345678901234"
TOKEN = "SIM-TOKEN-0123456789"  # noqa: S105 - the simulator's own token

CONFIGURATION = """\
# Written by `make demo`; the folder is ignored by git.
default_config:
logger:
  default: warning
  logs:
    custom_components.enedis_gateway: debug
"""


def write_config(fresh: bool) -> None:
    """Lay out the Home Assistant config dir with our integration linked in."""
    if fresh and DEMO.exists():
        shutil.rmtree(DEMO)
    (CONFIG / "custom_components").mkdir(parents=True, exist_ok=True)
    (CONFIG / "configuration.yaml").write_text(CONFIGURATION)
    link = CONFIG / "custom_components" / "enedis_gateway"
    if not link.exists():
        link.symlink_to(ROOT / "custom_components" / "enedis_gateway")


def start(args: list[str], log: str) -> subprocess.Popen[bytes]:
    """Start a child process logging to a file of the demo folder."""
    out = (DEMO / log).open("ab")
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


async def wait_http(session: aiohttp.ClientSession, url: str, seconds: int) -> None:
    """Wait until a URL answers."""
    for _ in range(seconds):
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(url) as response:
                if response.status < 500:
                    return
        await asyncio.sleep(1)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


async def onboard(session: aiohttp.ClientSession) -> str:
    """Complete onboarding through the HTTP API; return an access token."""
    async with session.get(f"{HA_URL}/api/onboarding") as response:
        steps = {step["step"]: step["done"] for step in await response.json()}
    if not steps.get("user"):
        async with session.post(
            f"{HA_URL}/api/onboarding/users",
            json={
                "client_id": CLIENT_ID,
                "name": "Démo",
                "username": USER,
                "password": PASSWORD,
                "language": "fr",
            },
        ) as response:
            code = (await response.json())["auth_code"]
    else:
        code = await login_code(session)
    async with session.post(
        f"{HA_URL}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
    ) as response:
        token: str = (await response.json())["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for step, body in (
        ("core_config", {}),
        ("analytics", {}),
        ("integration", {"client_id": CLIENT_ID, "redirect_uri": CLIENT_ID}),
    ):
        if not steps.get(step):
            async with session.post(
                f"{HA_URL}/api/onboarding/{step}", json=body, headers=headers
            ):
                pass
    return token


async def login_code(session: aiohttp.ClientSession) -> str:
    """Log the demo user in through the login flow; return an authorization code."""
    async with session.post(
        f"{HA_URL}/auth/login_flow",
        json={
            "client_id": CLIENT_ID,
            "handler": ["homeassistant", None],
            "redirect_uri": CLIENT_ID,
        },
    ) as response:
        flow_id = (await response.json())["flow_id"]
    async with session.post(
        f"{HA_URL}/auth/login_flow/{flow_id}",
        json={"client_id": CLIENT_ID, "username": USER, "password": PASSWORD},
    ) as response:
        result: dict[str, Any] = await response.json()
    return str(result["result"])


async def configure(session: aiohttp.ClientSession, token: str) -> None:
    """Add the demo PDL through the config flow, like a user would."""
    headers = {"Authorization": f"Bearer {token}"}
    async with session.get(
        f"{HA_URL}/api/config/config_entries/entry", headers=headers
    ) as response:
        if any(entry["domain"] == "enedis_gateway" for entry in await response.json()):
            return
    async with session.post(
        f"{HA_URL}/api/config/config_entries/flow",
        json={"handler": "enedis_gateway", "show_advanced_options": True},
        headers=headers,
    ) as response:
        flow_id = (await response.json())["flow_id"]
    for step in (
        {
            "gateway": "myelectricaldata",
            "access_token": TOKEN,
            "pdl": PDL,
            "url": f"http://127.0.0.1:{SIM_PORT}",
        },
        {
            "plan": "HP/HC",
            "price_base": 0.2516,
            "price_hp": 0.27,
            "price_hc": 0.2068,
            "offpeak_hours": "",
        },
    ):
        async with session.post(
            f"{HA_URL}/api/config/config_entries/flow/{flow_id}",
            json=step,
            headers=headers,
        ) as response:
            result = await response.json()
            if result.get("errors"):
                raise RuntimeError(f"config flow refused the demo: {result['errors']}")


async def prepare() -> None:
    """Wait for Home Assistant, onboard it and add the demo PDL."""
    async with aiohttp.ClientSession() as session:
        await wait_http(session, f"{HA_URL}/api/onboarding", 240)
        token = await onboard(session)
        await configure(session, token)


def main() -> int:
    """Run the demo until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--fresh", action="store_true", help="start from an empty config"
    )
    args = parser.parse_args()
    write_config(args.fresh)
    python = sys.executable
    children = [
        start([python, "-m", "simulator", "--port", str(SIM_PORT)], "simulator.log"),
        start([python, "-m", "homeassistant", "-c", str(CONFIG)], "home-assistant.log"),
    ]
    try:
        print("Starting the gateway simulator and Home Assistant (about a minute)…")
        asyncio.run(prepare())
        print(
            f"\nHome Assistant is ready: {HA_URL}\n"
            f"  login: {USER} / {PASSWORD}\n"
            f"  integration: Settings > Devices & services > Enedis Gateway (Linky {PDL})\n"
            f"  simulator: http://127.0.0.1:{SIM_PORT} (token {TOKEN})\n"
            f"  logs: {DEMO}/home-assistant.log\n"
            "Press Ctrl-C to stop."
        )
        if os.environ.get("DEMO_NO_WAIT"):
            return 0
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    except KeyboardInterrupt:
        pass
    finally:
        if not os.environ.get("DEMO_NO_WAIT"):
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
            for child in children:
                child.wait(timeout=30)
            print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
