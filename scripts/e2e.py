"""End-to-end test: the demo in a real Home Assistant, driven in a real browser."""

# `make e2e` (and so `make test`) runs this module. It starts the demo from a fresh
# config in .e2e/ on its own ports (a running `make demo` does not clash), then drives
# Home Assistant's real UI in Debian's chromium with Playwright, in French, the way a
# user would: log in, add a second PDL through the config flow (a wrong PDL first),
# read the sensors on the device page, open the Linky dashboard and the Energy
# dashboard. Every check reads what is on screen, so missing entities, translations
# or statistics fail it. Screenshots of each step go to .e2e/screenshots/.

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
import os
from pathlib import Path
import re
import subprocess
import sys
import textwrap
import time
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserType,
    Error as PlaywrightError,
    Locator,
    Page,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)

from scripts.demo import (
    DOMAIN,
    PASSWORD,
    PDL,
    SECOND_PDL,
    THIRD_PDL,
    TOKEN,
    USER,
    Demo,
    HassApi,
)
from simulator import Household
from simulator.tempo import season_colors, season_start

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".e2e"
SHOTS = FOLDER / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
DOCS_MAX_BYTES = 150_000
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PARIS = ZoneInfo("Europe/Paris")
# Device-page rows that must show a positive number equal to the entity's state.
POSITIVE_SENSORS = (
    ("Consommation d'hier", "yesterday_consumption", "kWh"),
    ("Consommation d'hier en heures pleines", "yesterday_consumption_hp", "kWh"),
    ("Consommation d'hier en heures creuses", "yesterday_consumption_hc", "kWh"),
    ("Coût d'hier", "yesterday_cost", "€"),
    # Last month, not this one: this one is empty on its first days.
    ("Consommation du mois dernier", "last_month_consumption", "kWh"),
    ("Puissance souscrite", "subscribed_power", "kVA"),
)
TIMEOUT_MS = 60_000
# Each `expect` waits this long: the config flow's checks call the simulator.
EXPECT_MS = 20_000
ERROR_LINES = 12
# Charts grow from zero: give them time before a screenshot.
CHART_MS = 2500
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# How many days back the Energy dashboard is read: the gateway publishes a day
# after 08:00 the next morning, so two days back always has data.
ENERGY_DAYS_BACK = 2
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
DAY_LABEL = re.compile(rf"(\d{{1,2}})(?:er)? ({'|'.join(MONTHS_FR)}) (\d{{4}})")
# The UI rounds kWh to two decimals: HP + HC may differ from the total by 0.01.
ROUNDING_KWH = 0.02
# The Tempo prices the options step types (EDF's grid, example values).
TEMPO_PRICES = {
    "price_blue_hp": 0.1612,
    "price_blue_hc": 0.1325,
    "price_white_hp": 0.1871,
    "price_white_hc": 0.1499,
    "price_red_hp": 0.706,
    "price_red_hc": 0.1575,
}
TEMPO_FIELDS = (
    ("Jour bleu, heures pleines", "price_blue_hp"),
    ("Jour bleu, heures creuses", "price_blue_hc"),
    ("Jour blanc, heures pleines", "price_white_hp"),
    ("Jour blanc, heures creuses", "price_white_hc"),
    ("Jour rouge, heures pleines", "price_red_hp"),
    ("Jour rouge, heures creuses", "price_red_hc"),
)
# Visible numbers are French: decimal comma, narrow no-break space for thousands.
NUMBER = r"-?\d[\d\u202f\u00a0 ]*(?:,\d+)?"
KWH = rf"({NUMBER}) \| kWh"
# Collect the text of an element and of every open shadow root below it, in order.
DEEP_TEXT = """
element => {
    const parts = [];
    const walk = node => {
        if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent.trim());
        if (node.shadowRoot) node.shadowRoot.childNodes.forEach(walk);
        node.childNodes.forEach(walk);
    };
    walk(element);
    return parts.filter(Boolean).join(" | ");
}
"""


def in_thread[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from Playwright's sync API (which owns the loop)."""
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


class CheckFailedError(AssertionError):
    """What the browser showed is not what the user should see."""


def french_number(text: str) -> float:
    """Return the float of a number as the French UI prints it."""
    return float(re.sub(r"[\u202f\u00a0 ]", "", text).replace(",", "."))


def deep_text(locator: Locator) -> str:
    """Return the visible text of an element, shadow roots included."""
    text: str = locator.evaluate(DEEP_TEXT)
    return text


def wait_for_text(
    locator: Locator,
    pattern: str,
    seconds: float = TIMEOUT_MS / 1000,
    accept: Callable[[re.Match[str]], bool] = bool,
) -> re.Match[str]:
    """Wait until the deep text of one of the elements matches a pattern."""
    deadline = time.monotonic() + seconds
    texts: list[str] = []
    while True:
        texts = [deep_text(element) for element in locator.all()]
        for text in texts:
            if (match := re.search(pattern, text)) and accept(match):
                return match
        if time.monotonic() > deadline:
            raise CheckFailedError(
                f"nothing matches {pattern!r} after {seconds:.0f} s; "
                f"the page shows: {texts!r}"
            )
        time.sleep(0.5)


def row_number(rows: Locator, name: str, unit: str) -> float:
    """Wait for an entity row showing a number with its unit; return the number."""
    match = wait_for_text(
        rows, rf"^{re.escape(name)} \| ({NUMBER})[ \u00a0\u202f]?{re.escape(unit)}$"
    )
    return french_number(match.group(1))


class E2E:
    """The browser walk-through; each step screenshots what it checked."""

    def __init__(self, demo: Demo, page: Page) -> None:
        """Initialize the walk-through."""
        self.demo = demo
        self.page = page
        self.shot = 0
        self.findings: list[str] = []

    def screenshot(self, name: str) -> Path:
        """Save a screenshot of the page in .e2e/screenshots/."""
        self.shot += 1
        path = SHOTS / f"{self.shot:02d}-{name}.png"
        self.page.screenshot(path=path)
        return path

    def goto(self, path: str) -> None:
        """Open a page of the UI."""
        self.page.goto(f"{self.demo.ha_url}{path}")

    def login(self) -> None:
        """Log in through the real login page, in French."""
        page = self.page
        self.goto("/")
        expect(page.get_by_text("Bienvenue à la maison")).to_be_visible()
        page.get_by_role("textbox", name="Nom d'utilisateur").fill(USER)
        page.get_by_role("textbox", name="Mot de passe").fill(PASSWORD)
        self.screenshot("login")
        page.get_by_role("button", name="Se connecter").click()
        # The frontend trades the code for a token, then drops it from the URL.
        page.wait_for_url(
            lambda url: "auth_callback" not in url and "/auth/" not in url
        )
        expect(page.get_by_text("Paramètres", exact=True)).to_be_visible()

    def add_second_pdl(self) -> None:
        """
        Add the second PDL through the config flow UI, in French.

        A wrong PDL on the default gateway first, then MyElectricalData's new API (v2):
        a wrong client secret, the right one, and the PDL picked from the account's list.
        """
        page = self.page
        self.goto("/config/integrations/dashboard")
        page.get_by_role(
            "button", name=re.compile("Ajouter une intégration", re.I)
        ).click()
        page.get_by_role("textbox", name="Rechercher un nom de marque").fill("Enedis")
        page.locator("ha-integration-list-item").get_by_text(
            "Enedis Gateway (Linky)"
        ).click()
        dialog = page.locator("dialog-data-entry-flow")
        # The labels come from translations/fr.json.
        expect(dialog.get_by_role("heading", name="Compteur Linky")).to_be_visible()
        token = dialog.get_by_role("textbox", name=re.compile(r"^Jeton d'accès"))
        pdl = dialog.get_by_role(
            "textbox", name=re.compile(r"^PDL \(point de livraison\)")
        )
        # The gateway's address is in a collapsed section: open it.
        dialog.get_by_text("Options avancées").click()
        url = dialog.get_by_role(
            "textbox", name=re.compile(r"^Adresse de la passerelle")
        )
        token.fill(TOKEN)
        pdl.fill("1234")
        url.fill(self.demo.sim_url)
        self.screenshot("config-flow-user-step")
        dialog.get_by_role("button", name="Valider").click()
        expect(dialog.get_by_text("Ce PDL n'est pas valide")).to_be_visible()
        self.screenshot("config-flow-invalid-pdl")
        # MyElectricalData v2: no PDL typed, the account's PDLs are listed.
        dialog.get_by_role("radio", name="MyElectricalData (nouvelle API, v2)").check()
        pdl.fill("")
        url.fill(f"{self.demo.sim_url}/api")
        token.fill("not-the-client-secret")
        dialog.get_by_role("button", name="Valider").click()
        expect(dialog.get_by_text("La passerelle a refusé ce jeton")).to_be_visible()
        token.fill(TOKEN)
        dialog.get_by_role("button", name="Valider").click()
        expect(
            dialog.get_by_role("heading", name="Choisissez votre compteur")
        ).to_be_visible()
        # The account lists three PDLs; the demo added the first one already.
        expect(dialog.get_by_text("2 compteurs pas encore ajoutés")).to_be_visible()
        expect(dialog.get_by_role("radio")).to_have_count(2)
        expect(
            dialog.get_by_role("radio", name=f"Linky 3 ({THIRD_PDL})")
        ).to_be_visible()
        dialog.get_by_role("radio", name=f"Linky 2 ({SECOND_PDL})").check()
        self.screenshot("config-flow-pdl-picker")
        dialog.get_by_role("button", name="Valider").click()
        expect(dialog.get_by_role("heading", name="Prix et offre")).to_be_visible()
        expect(dialog.get_by_text("Prix heures pleines (HP)")).to_be_visible()
        expect(dialog.get_by_text("HC (22H00-6H00)")).to_be_visible()
        self.screenshot("config-flow-prices-step")
        dialog.get_by_role("button", name="Valider").click()
        expect(dialog.get_by_text(f"Linky {SECOND_PDL}").first).to_be_visible()
        expect(dialog.get_by_role("heading", name="Succès")).to_be_visible()
        self.screenshot("config-flow-success")
        dialog.get_by_role("button", name="Terminer").click()
        expect(dialog).to_be_hidden()
        diagnostics = in_thread(self._diagnostics(SECOND_PDL))
        data = diagnostics["entry"]["data"]
        if data["gateway"] != "myelectricaldata_v2" or TOKEN in str(diagnostics):
            raise CheckFailedError(f"the second PDL's entry: {data}")
        self.findings.append(f"PDL {SECOND_PDL} added through {data['gateway']}")

    async def _diagnostics(self, pdl: str) -> dict[str, Any]:
        """Download the diagnostics of a PDL's entry, as a user would."""
        async with aiohttp.ClientSession() as session:
            api = HassApi(session, self.demo.ha_url, self.demo.access_token)
            entries = await api.get("config/config_entries/entry?domain=" + DOMAIN)
            entry_id = next(
                e["entry_id"] for e in entries if e["title"] == f"Linky {pdl}"
            )
            diagnostics = await api.get(f"diagnostics/config_entry/{entry_id}")
        return diagnostics["data"]

    def device_page(self) -> None:
        """Open the device of the first PDL and read its sensors' values."""
        states = in_thread(self._states())
        device_id = self.demo.device_ids[PDL]
        self.goto(f"/config/devices/device/{device_id}")
        expect(self.page.get_by_text(f"Linky {PDL}").first).to_be_visible()
        rows = self.page.locator("hui-sensor-entity-row, hui-simple-entity-row")
        for name, key, unit in POSITIVE_SENSORS:
            shown = row_number(rows, name, unit)
            state = float(states[key])
            if shown <= 0 or abs(shown - state) > 0.01:
                raise CheckFailedError(
                    f"{name}: the page shows {shown} {unit}, the entity is {state}"
                )
            self.findings.append(f"{name}: {shown} {unit}")
        self._max_power(rows, states["max_power_yesterday"])
        plan = wait_for_text(rows, r"^Meilleure offre \| (BASE|HP/HC)$")
        self.findings.append(f"Meilleure offre: {plan.group(1)}")
        self.screenshot("device-page")

    def _max_power(self, rows: Locator, state: str) -> None:
        """Check yesterday's peak: a value, or "Inconnu" while it is not fetched yet."""
        name = "Puissance maximale d'hier"
        # Max power comes after the load-curve backfill (the planner's order, docs/architecture.md): a demo started
        # before 08:00, when yesterday is not published yet, has no peak on day one.
        if state == "unknown":
            wait_for_text(rows, rf"^{re.escape(name)} \| Inconnu$")
            self.findings.append(f"{name}: Inconnu (not fetched yet)")
            return
        shown = row_number(rows, name, "kVA")
        if abs(shown - float(state)) > 0.01:
            raise CheckFailedError(
                f"{name}: the page shows {shown} kVA, the entity is {state}"
            )
        self.findings.append(f"{name}: {shown} kVA")

    async def _states(self) -> dict[str, str]:
        """Return the states of the first PDL's sensors, by sensor key."""
        async with aiohttp.ClientSession() as session:
            api = HassApi(session, self.demo.ha_url, self.demo.access_token)
            by_id = {
                state["entity_id"]: state["state"] for state in await api.get("states")
            }
            async with api.websocket():
                entities = await api.ws("config/entity_registry/list")
        return {
            entity["unique_id"].removeprefix(f"{PDL}_"): by_id.get(
                entity["entity_id"], ""
            )
            for entity in entities
            if entity["platform"] == DOMAIN
            and entity["unique_id"].startswith(f"{PDL}_")
        }

    def linky_dashboard(self) -> None:
        """Open the demo's Linky dashboard."""
        self.goto("/linky-demo")
        card = self.page.locator("hui-entities-card").first
        wait_for_text(card, rf"Consommation d'hier \| {NUMBER} ?kWh")
        self.page.wait_for_timeout(CHART_MS)
        self.screenshot("linky-dashboard")

    def tempo_period(self) -> None:
        """
        Add a Tempo price period through the options flow, in French.

        From the day the Energy dashboard step reads: that day's cost is then Tempo's,
        at the colour of each hour's Tempo day.
        """
        page = self.page
        day = datetime.now(PARIS).date() - timedelta(days=ENERGY_DAYS_BACK)
        self.goto(f"/config/integrations/integration/{DOMAIN}")
        # The entries are listed by title: the first PDL's row comes first.
        expect(page.get_by_text(f"Linky {PDL}", exact=True)).to_be_visible()
        page.get_by_role("button", name="Configurer").first.click()
        dialog = page.locator("dialog-data-entry-flow")
        dialog.get_by_text("Ajouter une période de prix").click()
        expect(
            dialog.get_by_role("heading", name="Ajouter une période de prix")
        ).to_be_visible()
        # The date picker is a calendar dialog: set the field the way it does.
        dialog.locator("ha-selector-date").evaluate(
            """(element, value) => element.dispatchEvent(new CustomEvent(
                "value-changed", {detail: {value}, bubbles: true, composed: true}))""",
            day.isoformat(),
        )
        dialog.get_by_role("radio", name=re.compile("^Tempo")).check()
        dialog.get_by_text("Prix Tempo", exact=True).click()
        for label, key in TEMPO_FIELDS:
            # A number field: the browser takes the number, whatever the locale.
            dialog.get_by_role("spinbutton", name=re.compile(label)).fill(
                str(TEMPO_PRICES[key])
            )
        self.screenshot("options-tempo-period")
        dialog.get_by_role("button", name="Valider").click()
        expect(dialog.get_by_role("heading", name="Succès")).to_be_visible()
        dialog.get_by_role("button", name="Terminer").click()
        expect(dialog).to_be_hidden()
        self.findings.append(f"Tempo period from {day} added in the options flow")

    def energy_dashboard(self) -> None:
        """Open the Energy dashboard on a past day and read its consumption."""
        page = self.page
        day = datetime.now(PARIS).date() - timedelta(days=ENERGY_DAYS_BACK)
        expected = in_thread(self._simulator_day(day))
        self.goto("/energy")
        expect(page.get_by_text("Sources", exact=True)).to_be_visible()
        # The dashboard opens on today, or on yesterday just after midnight.
        for _ in range((self._shown_day() - day).days):
            page.get_by_role("button", name="Précédent").click()
        month = MONTHS_FR[day.month - 1]
        expect(
            page.get_by_text(re.compile(rf"(?<!\d){day.day}(er)? {month} {day.year}"))
        ).to_be_visible()
        table = page.locator("hui-energy-sources-table-card")
        try:
            # The table shows 0 until the statistics arrive: wait for a total.
            match = wait_for_text(
                table,
                rf"Total du réseau \| ({NUMBER}) \| kWh",
                seconds=30,
                accept=lambda match: french_number(match.group(1)) > 0,
            )
        except CheckFailedError as err:
            raise CheckFailedError(
                f"the Energy dashboard shows no consumption on {day} "
                f"(are the statistics imported?): {err}"
            ) from err
        finally:
            page.wait_for_timeout(CHART_MS)
            self.screenshot("energy-dashboard")
        total = french_number(match.group(1))
        text = deep_text(table)
        # The sources table lists the HP flow, the HC flow, then the total.
        values = [french_number(value) for value in re.findall(KWH, text)]
        if len(values) != 3 or min(values) <= 0:
            raise CheckFailedError(f"expected HP, HC and a total on {day}: {text}")
        hp, hc, _ = values
        if abs(hp + hc - total) > ROUNDING_KWH:
            raise CheckFailedError(f"HP + HC != total on {day}: {text}")
        if abs(total - expected) > ROUNDING_KWH:
            raise CheckFailedError(
                f"the Energy dashboard shows {total} kWh on {day}, "
                f"the gateway served {expected:.3f} kWh"
            )
        cost = self._total_cost(text)
        # The day is in the Tempo period the previous step added.
        priced = tempo_cost(day)
        if abs(cost - priced) > 0.02:
            raise CheckFailedError(
                f"the cost on {day} is {cost} €, its hours at the Tempo prices of "
                f"their colours make {priced:.2f} €: {text}"
            )
        self.findings.append(
            f"Energy {day}: HP {hp} + HC {hc} = {total} kWh "
            f"(gateway: {expected:.3f} kWh), {cost} €"
        )

    @staticmethod
    def _total_cost(text: str) -> float:
        """Return the total cost the Energy sources table shows."""
        match = re.search(rf"Total du réseau \| {KWH} \| ({NUMBER})\W*€", text)
        if match is None:
            raise CheckFailedError(f"no total cost in the sources table: {text}")
        return french_number(match.group(2))

    def _shown_day(self) -> date:
        """Return the day the Energy dashboard's period selector shows."""
        label = self.page.get_by_text(DAY_LABEL).first
        match = DAY_LABEL.search(label.inner_text())
        if match is None:
            raise CheckFailedError(f"no day in {label.inner_text()!r}")
        day, month, year = match.groups()
        return date(int(year), MONTHS_FR.index(month) + 1, int(day))

    async def _simulator_day(self, day: date) -> float:
        """Ask the simulator for a day's consumption, in kWh."""
        end = day + timedelta(days=1)
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                f"{self.demo.sim_url}/daily_consumption/{PDL}/start/{day}/end/{end}",
                headers={"Authorization": TOKEN},
            ) as response,
        ):
            response.raise_for_status()
            body = await response.json()
        readings = body["meter_reading"]["interval_reading"]
        return sum(float(reading["value"]) for reading in readings) / 1000


def tempo_cost(day: date) -> float:
    """Return a day's cost under Tempo, from the simulator's household and calendar."""
    cost = 0.0
    for start, minutes, watts in Household(1).curve(day):
        local = start.astimezone(PARIS)
        # The Tempo day runs 06:00 to 06:00; HC is 22:00 to 06:00.
        tempo_day = local.date() - timedelta(days=local.hour < 6)
        colour = season_colors(season_start(tempo_day))[tempo_day].lower()
        period = "hc" if local.hour < 6 or local.hour >= 22 else "hp"
        cost += watts * minutes / 60 / 1000 * TEMPO_PRICES[f"price_{colour}_{period}"]
    return cost


def ensure_chromium() -> None:
    """Install Debian's chromium when it is missing (root, or sudo)."""
    if CHROMIUM.exists():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("Installing Debian's chromium (apt)…", flush=True)
    if _apt([*sudo, "apt-get", "install", "-y", "-q", "chromium"]):
        _apt([*sudo, "apt-get", "update", "-q"])
        if _apt([*sudo, "apt-get", "install", "-y", "-q", "chromium"]):
            raise RuntimeError("apt-get install chromium failed")


def _apt(command: list[str]) -> int:
    return subprocess.run(  # noqa: S603 - fixed apt-get commands
        command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    ).returncode


def launch(browser_type: BrowserType) -> Browser:
    """Start Debian's chromium, headless."""
    return browser_type.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def run_steps(demo: Demo) -> list[str]:
    """Drive the UI through every step; return the failures."""
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright.chromium)
        context = browser.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", viewport=VIEWPORT
        )
        # Nothing leaves the machine (brand icons, fonts): offline like CI.
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), _abort)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=EXPECT_MS)
        e2e = E2E(demo, page)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("log in", e2e.login),
            ("add a second PDL, picked from a v2 account", e2e.add_second_pdl),
            ("read the sensors on the device page", e2e.device_page),
            ("open the Linky dashboard", e2e.linky_dashboard),
            ("add a Tempo price period in the options", e2e.tempo_period),
            ("read a past day on the Energy dashboard", e2e.energy_dashboard),
        ]
        for index, (title, step) in enumerate(steps):
            started = time.monotonic()
            try:
                step()
            # Playwright's `expect` raises a plain AssertionError.
            except (AssertionError, PlaywrightError, KeyError) as err:
                failures.append(f"{title}: {err}")
                e2e.screenshot("failed")
                print(f"  FAIL {title} ({time.monotonic() - started:.1f} s)")
                # Playwright appends the whole page's ARIA tree: keep the head.
                head = "\n".join(str(err).splitlines()[:ERROR_LINES])
                print(textwrap.indent(head, "       "), flush=True)
                if index == 0:
                    break
            else:
                print(f"  ok   {title} ({time.monotonic() - started:.1f} s)")
        for finding in e2e.findings:
            print(f"       {finding}")
        browser.close()
    return failures


def _abort(route: Route) -> None:
    route.abort()


def save_docs_screenshots() -> list[str]:
    """Copy the device page, Energy dashboard and v2 PDL picker screenshots to docs/."""
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    for pattern, name in (
        ("*-device-page.png", "device-page.png"),
        ("*-energy-dashboard.png", "energy-dashboard.png"),
        ("*-config-flow-pdl-picker.png", "config-flow-pdl-picker.png"),
    ):
        source = sorted(SHOTS.glob(pattern))[-1]
        target = DOCS_SHOTS / name
        # A 64-colour palette keeps a UI screenshot sharp and well under 150 kB.
        with Image.open(source) as image:
            image.convert("RGB").quantize(colors=64).save(target, optimize=True)
        size = target.stat().st_size
        print(f"  {target.relative_to(ROOT)}: {size // 1000} kB")
        if size > DOCS_MAX_BYTES:
            failures.append(f"{target.name} is over {DOCS_MAX_BYTES // 1000} kB")
    return failures


def main() -> int:
    """Run the end-to-end test; exit 1 when any step fails."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ha-port", type=int, default=18123)
    parser.add_argument("--sim-port", type=int, default=18099)
    parser.add_argument("--mqtt-port", type=int, default=11883)
    parser.add_argument(
        "--docs",
        action="store_true",
        help="also refresh docs/screenshots/ from this run",
    )
    args = parser.parse_args()
    started = time.monotonic()
    demo = Demo(
        folder=FOLDER,
        ha_port=args.ha_port,
        sim_port=args.sim_port,
        mqtt_port=args.mqtt_port,
    )
    failures: list[str] = []
    try:
        ensure_chromium()
        print(
            f"Starting the demo in {FOLDER.relative_to(ROOT)}/ on port {args.ha_port}…"
        )
        demo.start(fresh=True)
        SHOTS.mkdir(parents=True)
        asyncio.run(demo.prepare())
        print(f"  ok   Home Assistant set up ({time.monotonic() - started:.1f} s)")
        for note in demo.notes:
            print(f"  note {note}")
        failures = run_steps(demo)
    except (RuntimeError, OSError, aiohttp.ClientError, PlaywrightError) as err:
        failures.append(f"setup: {err}")
    finally:
        demo.stop()
    # An exception in our code shows as an ERROR line naming the integration.
    log = (FOLDER / "home-assistant.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if " ERROR " in line and DOMAIN in line]
    for line in errors[:10]:
        print(f"  log  {line}")
    if errors:
        failures.append(f"{len(errors)} ERROR lines about {DOMAIN} in the log")
    if args.docs and not failures:
        failures += save_docs_screenshots()
    print(f"Screenshots: {SHOTS.relative_to(ROOT)}/")
    duration = time.monotonic() - started
    if failures:
        print(f"E2E FAILED in {duration:.0f} s:", file=sys.stderr)
        for failure in failures:
            print(f"  - {textwrap.shorten(failure, 300)}", file=sys.stderr)
        return 1
    print(f"E2E passed in {duration:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
