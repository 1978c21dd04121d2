"""Run the integration for real: the gateway simulator and Home Assistant on 127.0.0.1."""

# `make demo` runs this module. It starts the gateway simulator, a mosquitto broker
# (when installed) and a real Home Assistant whose config dir lives in `.demo/`, then
# sets everything up through Home Assistant's own HTTP and websocket APIs, as a user
# would in the UI: onboarding, the French locale, the Linky integration with its
# prices, the Energy dashboard, a Linky dashboard and the MQTT mirror. The end-to-end
# test (scripts/e2e.py) reuses `Demo` on other ports and in another folder.

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import itertools
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import aiohttp

from simulator.app import Simulator
from simulator.household import Household
from simulator.testing import start_simulator

ROOT = Path(__file__).resolve().parent.parent
USER = "demo"
PASSWORD = "linky-demo"  # noqa: S105 - a local demo account, printed to the user
TOKEN = "SIM-TOKEN-0123456789"  # noqa: S105 - the simulator's own token
PDL = "12345678901234"
SECOND_PDL = "98765432109876"
# A third PDL on the same account, so that MyElectricalData v2's picker lists two.
THIRD_PDL = "55555555555555"
DOMAIN = "enedis_gateway"
MOSQUITTO = Path("/usr/sbin/mosquitto")
DASHBOARD = "linky-demo"
# Two PDLs share the simulator's token. The integration keeps a token under 45 calls
# a day across its meters: the first takes 30, which leaves the second meter's
# config-flow check and backfill 15. The simulator's own quota is no constraint.
SIM_DAILY_LIMIT = 120
# Realistic 2025 regulated prices (TRV), €/kWh.
PRICES = {"price_base": 0.2516, "price_hp": 0.27, "price_hc": 0.2068}
MAX_CALLS = 30
HA_START_SECONDS = 300
# The first import writes two years of hourly rows per series: about a minute here.
STATISTICS_SECONDS = 300
# What the Energy dashboard reads (README, Energy dashboard): HP and HC flows and the cost.
ENERGY_SERIES = ("consumption_hp", "consumption_hc", "consumption_cost")
# --gateway: the protocol the demo adds its entries through, and where the simulator
# serves it (the original gateway and MyElectricalData v2 under /api).
GATEWAYS = {
    "original": ("enedis_gateway", "/api"),
    "med1": ("myelectricaldata", ""),
    "med2": ("myelectricaldata_v2", "/api"),
}
GATEWAY_NAMES = {
    "original": "Enedis Gateway (historique)",
    "med1": "MyElectricalData",
    "med2": "MyElectricalData (nouvelle API, v2)",
}

CONFIGURATION = """\
# Written by scripts/demo.py; the folder is ignored by git.
# What the UI needs, without default_config: several of its components want
# packages and network access (bluetooth, cloud, go2rtc…) that the demo does not.
homeassistant:
  name: Démo Linky
http:
  server_host: 127.0.0.1
  server_port: {ha_port}
frontend:
config:
energy:
history:
logbook:
recorder:
  commit_interval: 1
logger:
  default: warning
  logs:
    custom_components.enedis_gateway: debug
"""

MOSQUITTO_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
log_dest stdout
"""

# The core_config onboarding step also starts met, google_translate and
# radio_browser, which need extra packages and the internet; the demo marks the
# step done beforehand and sets the core config over the websocket instead.
ONBOARDING_SEED = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config", "analytics"]},
}

ONBOARDING_STEPS = ("user", "core_config", "analytics", "integration")

CORE_CONFIG = {
    "location_name": "Démo Linky",
    "latitude": 48.8566,
    "longitude": 2.3522,
    "elevation": 35,
    "unit_system": "metric",
    "time_zone": "Europe/Paris",
    "country": "FR",
    "currency": "EUR",
    "language": "fr",
}

USER_LANGUAGE = {
    "language": "fr",
    "number_format": "language",
    "time_format": "language",
    "date_format": "language",
    "time_zone": "server",
    "first_weekday": "language",
}

# The sensors shown on the Linky dashboard, by key, in order.
MAIN_KEYS = (
    "yesterday_consumption",
    "yesterday_consumption_hp",
    "yesterday_consumption_hc",
    "yesterday_cost",
    "current_week_consumption",
    "current_month_consumption",
    "current_year_consumption",
    "current_month_cost",
    "current_year_cost",
    "best_plan",
    "max_power_yesterday",
)
DIAGNOSTIC_KEYS = (
    "subscribed_power",
    "offpeak_hours",
    "contract_status",
    "api_calls_today",
    "history_completeness",
    "last_data_date",
)


def statistic_id(pdl: str, series: str) -> str:
    """Return the external statistic id of a series (README, Energy dashboard)."""
    return f"{DOMAIN}:{pdl}_{series}"


def port_taken(port: int) -> bool:
    """Return True when something already listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass(kw_only=True)
class Demo:
    """The simulator, the broker and Home Assistant, started and set up together."""

    folder: Path = ROOT / ".demo"
    ha_port: int = 8123
    sim_port: int = 8099
    mqtt_port: int = 1883
    gateway: str = "med1"
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    mqtt: bool = False
    notes: list[str] = field(default_factory=list)
    progress: str = ""
    access_token: str = ""
    entry_ids: dict[str, str] = field(default_factory=dict)
    device_ids: dict[str, str] = field(default_factory=dict)

    @property
    def config(self) -> Path:
        """Return Home Assistant's config dir."""
        return self.folder / "config"

    @property
    def ha_url(self) -> str:
        """Return Home Assistant's base URL."""
        return f"http://127.0.0.1:{self.ha_port}"

    @property
    def sim_url(self) -> str:
        """Return the simulator's myelectricaldata URL."""
        return f"http://127.0.0.1:{self.sim_port}"

    @property
    def protocol(self) -> str:
        """Return the config entries' gateway (the --gateway choice)."""
        return GATEWAYS[self.gateway][0]

    @property
    def gateway_url(self) -> str:
        """Return where the simulator serves the chosen gateway's protocol."""
        return self.sim_url + GATEWAYS[self.gateway][1]

    @property
    def client_id(self) -> str:
        """Return the OAuth client id of the scripted logins (the frontend's)."""
        return f"{self.ha_url}/"

    # Processes.

    def write_config(self, *, fresh: bool) -> None:
        """Lay out the Home Assistant config dir with our integration linked in."""
        if fresh and self.folder.exists():
            shutil.rmtree(self.folder)
        (self.config / "custom_components").mkdir(parents=True, exist_ok=True)
        (self.config / "configuration.yaml").write_text(
            CONFIGURATION.format(ha_port=self.ha_port)
        )
        link = self.config / "custom_components" / DOMAIN
        if not link.exists():
            link.symlink_to(ROOT / "custom_components" / DOMAIN)
        onboarding = self.config / ".storage" / "onboarding"
        if not onboarding.exists():
            onboarding.parent.mkdir(exist_ok=True)
            onboarding.write_text(json.dumps(ONBOARDING_SEED))

    def _spawn(self, name: str, args: list[str]) -> None:
        """Start a child process in its own process group, logging to a file."""
        with (self.folder / f"{name}.log").open("ab") as out:
            child = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                args,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.children[name] = child
        (self.folder / "pids").write_text(
            "".join(f"{proc.pid}\n" for proc in self.children.values())
        )

    def start(self, *, fresh: bool) -> None:
        """Write the config and start the simulator, the broker and Home Assistant."""
        for port in (self.ha_port, self.sim_port):
            if port_taken(port):
                raise RuntimeError(
                    f"port {port} is already in use (another demo running?)"
                )
        self.write_config(fresh=fresh)
        python = sys.executable
        self._spawn(
            "simulator",
            [
                python,
                *("-m", "scripts.demo", "--serve-simulator"),
                *("--sim-port", str(self.sim_port)),
            ],
        )
        if not MOSQUITTO.exists():
            self.notes.append("MQTT skipped: mosquitto is not installed")
        elif port_taken(self.mqtt_port):
            self.notes.append(f"MQTT skipped: port {self.mqtt_port} is already taken")
        else:
            conf = self.folder / "mosquitto.conf"
            conf.write_text(MOSQUITTO_CONF.format(port=self.mqtt_port))
            self._spawn("mosquitto", [str(MOSQUITTO), "-c", str(conf)])
            self.mqtt = True
        self._spawn(
            "home-assistant",
            [python, "-m", "homeassistant", "-c", str(self.config), "--log-no-color"],
        )

    def stop(self) -> None:
        """Stop every child process group, politely then firmly."""
        for child in self.children.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.children.clear()
        (self.folder / "pids").unlink(missing_ok=True)

    def check_alive(self) -> None:
        """Fail early when a child died (its log says why)."""
        for name, child in self.children.items():
            if child.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {child.returncode}; "
                    f"see {self.folder / name}.log"
                )

    # Setup through Home Assistant's APIs.

    async def prepare(self) -> None:
        """Wait for Home Assistant, then set everything up; safe to run again."""
        async with aiohttp.ClientSession() as session:
            await self._wait_ready(session)
            self.access_token = await self._onboard(session)
            api = HassApi(session, self.ha_url, self.access_token)
            async with api.websocket():
                await api.ws("config/core/update", **CORE_CONFIG)
                await self._keep_http_config(api)
                # The UI in French whatever the browser's language.
                await api.ws(
                    "frontend/set_user_data", key="language", value=USER_LANGUAGE
                )
                entry_id = await self._add_linky(api, PDL)
                if self.mqtt:
                    await self._add_mqtt(api)
                await self._wait_loaded(api, entry_id)
                if await self._set_options(api, entry_id):
                    # The first update ran with the default budget: spend the new
                    # one now rather than in an hour.
                    await self._refresh(api, entry_id)
                await self._read_registries(api)
                await self._energy_prefs(api, PDL)
                await self._dashboard(api, PDL)
                await self._wait_statistics(api, PDL)
                await self._read_progress(api, PDL)

    async def _wait_ready(self, session: aiohttp.ClientSession) -> None:
        """Wait until Home Assistant serves its UI (it starts with the frontend)."""
        deadline = time.monotonic() + HA_START_SECONDS
        while time.monotonic() < deadline:
            self.check_alive()
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with session.get(f"{self.ha_url}/manifest.json") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(1)
        raise RuntimeError(f"Home Assistant did not answer in {HA_START_SECONDS} s")

    async def _onboard(self, session: aiohttp.ClientSession) -> str:
        """Create the owner (or log in) through the HTTP API; return an access token."""
        async with session.get(f"{self.ha_url}/api/onboarding") as response:
            # Once onboarding is complete, its endpoints are gone (404).
            steps = (
                {step["step"]: step["done"] for step in await response.json()}
                if response.status == 200
                else dict.fromkeys(ONBOARDING_STEPS, True)
            )
        if not steps.get("user"):
            async with session.post(
                f"{self.ha_url}/api/onboarding/users",
                json={
                    "client_id": self.client_id,
                    "name": "Démo",
                    "username": USER,
                    "password": PASSWORD,
                    "language": "fr",
                },
            ) as response:
                response.raise_for_status()
                code = (await response.json())["auth_code"]
        else:
            code = await self._login_code(session)
        async with session.post(
            f"{self.ha_url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        ) as response:
            response.raise_for_status()
            token: str = (await response.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for step, body in (
            ("core_config", {}),
            ("analytics", {}),
            (
                "integration",
                {"client_id": self.client_id, "redirect_uri": self.client_id},
            ),
        ):
            if not steps.get(step):
                async with session.post(
                    f"{self.ha_url}/api/onboarding/{step}", json=body, headers=headers
                ) as response:
                    response.raise_for_status()
        return token

    async def _login_code(self, session: aiohttp.ClientSession) -> str:
        """Log the demo user in through the login flow; return an authorization code."""
        async with session.post(
            f"{self.ha_url}/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.client_id,
            },
        ) as response:
            flow_id = (await response.json())["flow_id"]
        async with session.post(
            f"{self.ha_url}/auth/login_flow/{flow_id}",
            json={"client_id": self.client_id, "username": USER, "password": PASSWORD},
        ) as response:
            result: dict[str, Any] = await response.json()
        if result.get("type") != "create_entry":
            raise RuntimeError(f"login refused: {result.get('errors')}")
        return str(result["result"])

    async def _add_linky(self, api: HassApi, pdl: str) -> str:
        """Add a PDL through the config flow, like a user would; return its entry id."""
        if entry_id := (await self._linky_entries(api)).get(pdl):
            return entry_id
        result = await api.post(
            "config/config_entries/flow",
            {"handler": DOMAIN},
        )
        first: dict[str, Any] = {
            "gateway": self.protocol,
            "access_token": TOKEN,
            "advanced": {"url": self.gateway_url},
        }
        # MyElectricalData v2 lists the account's PDLs: the PDL is picked, not typed.
        steps = (
            [first, {"pdl": pdl}] if self.gateway == "med2" else [{**first, "pdl": pdl}]
        )
        for step in [*steps, {"plan": "HP/HC", **PRICES, "offpeak_hours": ""}]:
            result = await api.post(
                f"config/config_entries/flow/{result['flow_id']}", step
            )
            if result.get("errors"):
                raise RuntimeError(f"the config flow refused the demo: {result}")
        if result.get("type") != "create_entry":
            raise RuntimeError(f"the config flow did not create the entry: {result}")
        return str(result["result"]["entry_id"])

    @staticmethod
    async def _keep_http_config(api: HassApi) -> None:
        """
        Confirm the HTTP settings of configuration.yaml (Home Assistant 2026).

        Newer versions take them as a trial, reverted (with a restart) unless
        confirmed within five minutes; older ones have no such command.
        """
        try:
            await api.ws("http/config/promote")
        except RuntimeError as err:
            if "unknown_command" not in str(err) and "not_allowed" not in str(err):
                raise

    async def _add_mqtt(self, api: HassApi) -> None:
        """Add Home Assistant's MQTT integration pointing at the demo broker."""
        if any(
            entry["domain"] == "mqtt"
            for entry in await api.get("config/config_entries/entry")
        ):
            return
        result = await api.post("config/config_entries/flow", {"handler": "mqtt"})
        if result.get("step_id") != "broker":
            raise RuntimeError(f"unexpected MQTT config flow step: {result}")
        broker: dict[str, Any] = {"broker": "127.0.0.1", "port": self.mqtt_port}
        # Home Assistant 2026 asks for the TLS settings in a section: none here.
        if any(item.get("name") == "other_settings" for item in result["data_schema"]):
            broker["other_settings"] = {"set_client_cert": False, "set_ca_cert": "off"}
        result = await api.post(
            f"config/config_entries/flow/{result['flow_id']}", broker
        )
        if result.get("type") != "create_entry":
            raise RuntimeError(f"the MQTT config flow failed: {result}")

    async def _wait_loaded(self, api: HassApi, entry_id: str) -> None:
        """Wait until Home Assistant has set up an entry (it may still be starting)."""
        deadline = time.monotonic() + HA_START_SECONDS
        state = ""
        while time.monotonic() < deadline:
            for entry in await api.get("config/config_entries/entry"):
                if entry["entry_id"] == entry_id:
                    state = entry["state"]
            if state not in ("not_loaded", "setup_in_progress"):
                return
            await asyncio.sleep(1)
        raise RuntimeError(f"the Linky entry is still {state}")

    async def _set_options(self, api: HassApi, entry_id: str) -> bool:
        """Raise the call budget and turn the MQTT mirror on; return True if changed."""
        menu = await api.post(
            "config/config_entries/options/flow",
            {"handler": entry_id},
        )
        # The options open on a menu: the settings, or the dated price periods.
        form = (
            await api.post(
                f"config/config_entries/options/flow/{menu['flow_id']}",
                {"next_step_id": "settings"},
            )
            if menu.get("type") == "menu"
            else menu
        )
        if form.get("type") != "form":
            await api.delete(f"config/config_entries/options/flow/{form['flow_id']}")
            self.notes.append(
                f"options not set: the options flow starts with a {form.get('type')}"
            )
            return False
        current = form_defaults(form)
        values = {**current, "max_calls_per_day": MAX_CALLS}
        if self.mqtt:
            # Retained, so that a subscriber sees the whole tree at once, not in
            # an hour at the next cycle.
            values |= {"mqtt_mirror": True, "mqtt_retain": True}
        result = await api.post(
            f"config/config_entries/options/flow/{form['flow_id']}", values
        )
        if result.get("type") != "create_entry":
            raise RuntimeError(f"the options flow refused the demo: {result}")
        return values != current

    async def _refresh(self, api: HassApi, entry_id: str) -> None:
        """Run an update of an entry now, as `homeassistant.update_entity` does."""
        # Not a reload: that would log every sensor as unavailable for a moment.
        entity_id = next(
            entity["entity_id"]
            for entity in await api.ws("config/entity_registry/list")
            if entity["config_entry_id"] == entry_id and not entity["disabled_by"]
        )
        await api.post("services/homeassistant/update_entity", {"entity_id": entity_id})

    async def _linky_entries(self, api: HassApi) -> dict[str, str]:
        """Return the entry id of each configured PDL (entries are titled Linky <pdl>)."""
        return {
            entry["title"].removeprefix("Linky "): entry["entry_id"]
            for entry in await api.get("config/config_entries/entry")
            if entry["domain"] == DOMAIN
        }

    async def _read_registries(self, api: HassApi) -> None:
        """Remember the entry and device ids of our PDLs."""
        self.entry_ids = await self._linky_entries(api)
        for device in await api.ws("config/device_registry/list"):
            for domain, identifier in device["identifiers"]:
                if domain == DOMAIN:
                    self.device_ids[identifier] = device["id"]

    async def _energy_prefs(self, api: HassApi, pdl: str) -> None:
        """Point the Energy dashboard at the HP and HC statistics and the cost."""
        # HP + HC, never the total as well (it would count everything twice). The
        # integration publishes one cost series for the whole consumption: it goes
        # with the first flow, so the dashboard's total cost is right.
        flows = [
            {
                "stat_energy_from": statistic_id(pdl, "consumption_hp"),
                "stat_cost": statistic_id(pdl, "consumption_cost"),
                "entity_energy_price": None,
                "number_energy_price": None,
            },
            {
                "stat_energy_from": statistic_id(pdl, "consumption_hc"),
                "stat_cost": None,
                "entity_energy_price": None,
                "number_energy_price": None,
            },
        ]
        version = str((await api.get("config"))["version"])
        if tuple(int(part) for part in version.split(".")[:2]) >= (2026, 1):
            # The unified grid of Home Assistant 2026: a source per import meter.
            sources = [
                {"type": "grid", **flow, "cost_adjustment_day": 0} for flow in flows
            ]
        else:
            sources = [
                {
                    "type": "grid",
                    "flow_from": flows,
                    "flow_to": [],
                    "cost_adjustment_day": 0,
                }
            ]
        await api.ws("energy/save_prefs", energy_sources=sources)

    async def _wait_statistics(self, api: HassApi, pdl: str) -> None:
        """Wait until the recorder holds the Energy dashboard's recent days."""
        ids = [statistic_id(pdl, series) for series in ENERGY_SERIES]
        start = (datetime.now(UTC) - timedelta(days=4)).isoformat()
        deadline = time.monotonic() + STATISTICS_SECONDS
        while time.monotonic() < deadline:
            rows = await api.ws(
                "recorder/statistics_during_period",
                start_time=start,
                statistic_ids=ids,
                period="day",
                types=["sum"],
            )
            if all(rows.get(stat) for stat in ids):
                return
            await asyncio.sleep(2)
        self.notes.append(
            f"no Energy statistics of the last days after {STATISTICS_SECONDS} s: "
            "the Energy dashboard stays empty"
        )

    async def _read_progress(self, api: HassApi, pdl: str) -> None:
        """Describe how much of the history the first updates fetched."""
        wanted = {f"{pdl}_api_calls_today", f"{pdl}_history_completeness"}
        ids = {
            entity["entity_id"]: entity["unique_id"].removeprefix(f"{pdl}_")
            for entity in await api.ws("config/entity_registry/list")
            if entity["unique_id"] in wanted and entity["platform"] == DOMAIN
        }
        values = {
            ids[state["entity_id"]]: state["state"]
            for state in await api.get("states")
            if state["entity_id"] in ids
        }
        self.progress = (
            f"{values.get('api_calls_today', '?')} gateway calls so far today; "
            f"{float(values.get('history_completeness', 'nan')):.0f} % of the history "
            f"is stored, the rest comes at the next hourly cycles ({MAX_CALLS} calls"
            " a day)."
        )

    async def _dashboard(self, api: HassApi, pdl: str) -> None:
        """Create a Linky dashboard showing the integration's entities."""
        entities = {
            entity["unique_id"]: entity["entity_id"]
            for entity in await api.ws("config/entity_registry/list")
            if entity["platform"] == DOMAIN
        }
        names = {
            state["entity_id"]: state["attributes"].get("friendly_name", "")
            for state in await api.get("states")
        }

        def rows(keys: tuple[str, ...]) -> list[dict[str, str]]:
            # The card title names the meter: drop "Linky <pdl>" from each row.
            rows = []
            for key in keys:
                if entity_id := entities.get(f"{pdl}_{key}"):
                    name = names.get(entity_id, "").removeprefix(f"Linky {pdl} ")
                    rows.append({"entity": entity_id, "name": name or key})
            return rows

        dashboards = await api.ws("lovelace/dashboards/list")
        if not any(board["url_path"] == DASHBOARD for board in dashboards):
            await api.ws(
                "lovelace/dashboards/create",
                url_path=DASHBOARD,
                title="Linky",
                icon="mdi:meter-electric",
                show_in_sidebar=True,
                require_admin=False,
            )
        cards: list[dict[str, Any]] = [
            {
                "type": "entities",
                "title": f"Linky {pdl}",
                "state_color": True,
                "entities": rows(MAIN_KEYS),
            },
            {
                "type": "statistics-graph",
                "title": "Consommation par jour",
                "entities": [
                    {
                        "entity": statistic_id(pdl, "consumption_hp"),
                        "name": "Heures pleines",
                    },
                    {
                        "entity": statistic_id(pdl, "consumption_hc"),
                        "name": "Heures creuses",
                    },
                ],
                "stat_types": ["change"],
                "period": "day",
                "days_to_show": 30,
                "chart_type": "bar",
            },
            {
                "type": "entities",
                "title": "Diagnostic",
                "entities": rows(DIAGNOSTIC_KEYS),
            },
        ]
        if card := entities.get(f"{pdl}_card"):
            cards.append(
                {"type": "entity", "entity": card, "name": "Carte content-card-linky"}
            )
        await api.ws(
            "lovelace/config/save",
            url_path=DASHBOARD,
            config={"title": "Linky", "views": [{"title": "Linky", "cards": cards}]},
        )


def form_defaults(form: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values a form would submit untouched (defaults, suggested values)."""
    values: dict[str, Any] = {}
    for item in form.get("data_schema", []):
        suggested = (item.get("description") or {}).get("suggested_value")
        if "default" in item:
            values[item["name"]] = item["default"]
        elif suggested is not None:
            values[item["name"]] = suggested
    return values


class HassApi:
    """Home Assistant's REST and websocket APIs with one access token."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str) -> None:
        """Initialize the client."""
        self.session = session
        self.url = url
        self.token = token
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    @property
    def headers(self) -> dict[str, str]:
        """Return the authorization header."""
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str) -> Any:
        """GET a REST endpoint."""
        async with self.session.get(
            f"{self.url}/api/{path}", headers=self.headers
        ) as response:
            response.raise_for_status()
            return await response.json()

    async def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST to a REST endpoint."""
        async with self.session.post(
            f"{self.url}/api/{path}", json=body, headers=self.headers
        ) as response:
            if response.status >= 400:
                raise RuntimeError(
                    f"POST {path}: {response.status} {await response.text()}"
                )
            return await response.json()

    async def delete(self, path: str) -> None:
        """DELETE a REST resource."""
        async with self.session.delete(
            f"{self.url}/api/{path}", headers=self.headers
        ) as response:
            response.raise_for_status()

    @contextlib.asynccontextmanager
    async def websocket(self) -> Any:
        """Open an authenticated websocket for ws()."""
        async with self.session.ws_connect(
            f"{self.url}/api/websocket", max_msg_size=0
        ) as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": self.token})
            answer = await ws.receive_json()
            if answer.get("type") != "auth_ok":
                raise RuntimeError(f"websocket authentication failed: {answer}")
            self._ws = ws
            try:
                yield self
            finally:
                self._ws = None

    async def ws(self, command: str, **fields: Any) -> Any:
        """Send one websocket command and return its result."""
        assert self._ws is not None, "call inside `async with api.websocket()`"
        msg_id = next(self._ids)
        await self._ws.send_json({"id": msg_id, "type": command, **fields})
        while True:
            answer = await self._ws.receive_json()
            if answer.get("id") == msg_id and answer.get("type") == "result":
                break
        if not answer["success"]:
            raise RuntimeError(f"{command}: {answer['error']}")
        return answer["result"]


async def serve_simulator(port: int) -> None:
    """Serve the simulator with the demo's PDLs until cancelled."""
    # `python -m simulator` takes a single --pdl; the demo needs more PDLs on one
    # token for the second-PDL walk-through, so it builds the simulator here.
    running = await start_simulator(
        Simulator(
            Household(1),
            token=TOKEN,
            pdls=(PDL, SECOND_PDL, THIRD_PDL),
            daily_limit=SIM_DAILY_LIMIT,
        ),
        "127.0.0.1",
        port,
    )
    print(
        f"Simulator on {running.base_url}, token {TOKEN},"
        f" PDLs {PDL} {SECOND_PDL} {THIRD_PDL}",
        flush=True,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await running.close()


def banner(demo: Demo) -> str:
    """Return what to tell the user once the demo is ready."""
    lines = [
        f"\nHome Assistant is ready: {demo.ha_url}",
        f"  login: {USER} / {PASSWORD}",
        "  look at:",
        f"    - the Linky dashboard ({demo.ha_url}/{DASHBOARD}): the sensors of PDL {PDL}",
        f"    - Settings > Devices & services > Enedis Gateway (Linky) > Linky {PDL}",
        f"    - the Energy dashboard ({demo.ha_url}/energy): HP/HC and the cost,"
        " per hour; pick yesterday or an earlier day",
        f"    - add a second PDL: Add integration > Enedis,"
        f" gateway {GATEWAY_NAMES[demo.gateway]}, token {TOKEN},"
        + (
            f" PDL {SECOND_PDL} picked from the account's list"
            if demo.gateway == "med2"
            else f" PDL {SECOND_PDL}"
        )
        + f", gateway address {demo.gateway_url}",
        f"  {demo.progress}",
        f"  simulator: {demo.sim_url} (token {TOKEN})",
    ]
    if demo.mqtt:
        lines.append(
            f"  MQTT mirror: broker 127.0.0.1:{demo.mqtt_port}, retained topics"
            f" {DOMAIN}/# (mosquitto_sub -p {demo.mqtt_port} -t '{DOMAIN}/#' -v,"
            " from Debian's mosquitto-clients)"
        )
    lines += [f"  note: {note}" for note in demo.notes]
    lines.append(f"  logs: {demo.folder}/home-assistant.log")
    return "\n".join(lines)


def stop_detached(folder: Path) -> None:
    """Stop the process groups a --no-wait run left behind."""
    pids = folder / "pids"
    if not pids.exists():
        print(f"Nothing to stop in {folder}")
        return
    for line in pids.read_text().split():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(int(line), signal.SIGTERM)
            print(f"Stopped process group {line}")
    pids.unlink()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fresh", action="store_true", help="start from an empty config"
    )
    parser.add_argument("--dir", type=Path, default=ROOT / ".demo")
    parser.add_argument("--ha-port", type=int, default=8123)
    parser.add_argument("--sim-port", type=int, default=8099)
    parser.add_argument("--mqtt-port", type=int, default=1883)
    parser.add_argument(
        "--gateway",
        choices=sorted(GATEWAYS),
        default="med1",
        help="the protocol the entries use: original, med1 (default) or med2 (v2 API)",
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        default=bool(os.environ.get("DEMO_NO_WAIT")),
        help="return once set up and leave the processes running (DEMO_NO_WAIT=1)",
    )
    parser.add_argument(
        "--stop", action="store_true", help="stop what a --no-wait run left running"
    )
    parser.add_argument(
        "--serve-simulator", action="store_true", help=argparse.SUPPRESS
    )
    return parser.parse_args()


def main() -> int:
    """Run the demo until Ctrl-C."""
    args = _arguments()
    folder = args.dir.resolve()
    if args.serve_simulator:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_simulator(args.sim_port))
        return 0
    if args.stop:
        stop_detached(folder)
        return 0
    demo = Demo(
        folder=folder,
        ha_port=args.ha_port,
        sim_port=args.sim_port,
        mqtt_port=args.mqtt_port,
        gateway=args.gateway,
    )
    # Ctrl-C, `kill` and a closed terminal all end in the finally clause below
    # (SIGINT too: a shell ignores it in background jobs, and Python keeps that).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)
    started = time.monotonic()
    detached = False
    try:
        demo.start(fresh=args.fresh)
        print("Starting the gateway simulator and Home Assistant (under a minute)…")
        asyncio.run(demo.prepare())
        print(banner(demo))
        print(f"Ready in {time.monotonic() - started:.0f} s.")
        if args.no_wait:
            detached = True
            print(
                f"Left running; stop with: python -m scripts.demo --stop --dir {folder}"
            )
            return 0
        print("Press Ctrl-C to stop.")
        while True:
            time.sleep(1)
            demo.check_alive()
    except KeyboardInterrupt:
        print("\nStopping…")
    except (RuntimeError, OSError, aiohttp.ClientError) as err:
        print(f"Demo failed: {err}", file=sys.stderr)
        return 1
    finally:
        if not detached:
            demo.stop()
            print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
