"""The real content-card-linky drawing the demo's Tempo days, checked and screenshot."""

# `make card-shot CARD=path/to/content-card-linky.js` runs this module. It starts the
# demo from a fresh config in .card/ on its own ports, serves the given card from the
# config's www/ folder (/local/), registers it as a dashboard resource, enables the
# two Tempo sensors made for the card (disabled by default), creates a dashboard with
# one content-card-linky card and opens it in Debian's chromium, in French. It checks
# what the card draws against the integration's attributes and the simulator's Tempo
# calendar, then saves docs/screenshots/card-tempo.png, cropped to the card.
# The card's code is read from where it is given, never copied into this repository.

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import date
import hashlib
from pathlib import Path
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from typing import Any

import aiohttp
from PIL import Image
from playwright.sync_api import (
    Error as PlaywrightError,
    Page,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)

from scripts.demo import DOMAIN, PASSWORD, PDL, USER, Demo, HassApi
from scripts.e2e import (
    DOCS_MAX_BYTES,
    DOCS_SHOTS,
    CheckFailedError,
    deep_text,
    ensure_chromium,
    launch,
)
from simulator.tempo import tempo_color

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".card"
# Where this machine keeps a checkout of the card (read with `git show`, no work tree).
CARD_MIRROR = Path("/work/.mirror/MyElectricalData+content-card-linky/repo")
CARD_PATH = "dist/content-card-linky.js"
CARD_REPO = "https://github.com/MyElectricalData/content-card-linky"
CARD_FILE = "content-card-linky.js"
DASHBOARD = "linky-card"
SHOT = DOCS_SHOTS / "card-tempo.png"
DAYS = 7
TIMEOUT_MS = 60_000
# One column: the card about 500 px wide, as on a phone or a narrow column.
VIEWPORT: ViewportSize = {"width": 560, "height": 900}
# The entity states come a moment after a reload.
STATE_SECONDS = 120
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# The text colours of the card's CSS (.tempoday-blue, .tempoday-red).
DAY_COLOURS = {"blue": "rgb(0, 157, 250)", "red": "rgb(255, 39, 0)"}
ECOWATT_COLOURS = {1: "green", 2: "yellow", 3: "red"}
TEMPO_KEYS = ("tempo_card_today", "tempo_card_tomorrow", "tempo_days_left")
ECOWATT_KEYS = ("ecowatt_today", "ecowatt_tomorrow", "ecowatt_day_after")
CELLS_JS = """
elements => elements.map(element => ({
    cls: element.className,
    text: element.textContent.trim(),
    colour: getComputedStyle(element).color,
    background: element.style.background || getComputedStyle(element).backgroundColor,
}))
"""


@dataclass(kw_only=True)
class CardDemo(Demo):
    """The demo, with the card served from its config's www/ folder."""

    card: Path

    def write_config(self, *, fresh: bool) -> None:
        """Lay out the config dir; www/ must exist before Home Assistant starts."""
        super().write_config(fresh=fresh)
        www = self.config / "www"
        www.mkdir(exist_ok=True)
        shutil.copyfile(self.card, www / CARD_FILE)


@dataclass
class Expected:
    """What the card should draw, read from Home Assistant's REST API."""

    card: dict[str, Any]
    main: dict[str, Any]
    states: dict[str, dict[str, Any]]


def mirror_card(target: Path) -> str:
    """Extract the card from the mirror's HEAD into target; return the commit."""
    if not CARD_MIRROR.exists():
        raise RuntimeError(
            f"no --card given and no checkout of the card at {CARD_MIRROR}: download "
            f"{CARD_PATH} from {CARD_REPO} and pass it with --card (make card-shot "
            "CARD=...)"
        )
    git = ["git", "-C", str(CARD_MIRROR)]
    commit = subprocess.run(  # noqa: S603 - fixed git commands
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    target.write_bytes(
        subprocess.run(  # noqa: S603 - fixed git commands
            [*git, "show", f"HEAD:{CARD_PATH}"], check=True, capture_output=True
        ).stdout
    )
    return commit


async def set_up(demo: CardDemo) -> dict[str, Any]:
    """Register the card, enable its Tempo sensors and create its dashboard."""
    async with aiohttp.ClientSession() as session:
        api = HassApi(session, demo.ha_url, demo.access_token)
        async with api.websocket():
            digest = hashlib.sha256(demo.card.read_bytes()).hexdigest()[:12]
            await api.ws(
                "lovelace/resources/create",
                res_type="module",
                url=f"/local/{CARD_FILE}?v={digest}",
            )
            entities = {
                entity["unique_id"].removeprefix(f"{PDL}_"): entity
                for entity in await api.ws("config/entity_registry/list")
                if entity["platform"] == DOMAIN
                and entity["unique_id"].startswith(f"{PDL}_")
            }
            missing = [key for key in ("card", *TEMPO_KEYS) if key not in entities]
            if missing:
                raise RuntimeError(f"no entities {missing} in the registry")
            for key in TEMPO_KEYS:
                if entities[key]["disabled_by"]:
                    await api.ws(
                        "config/entity_registry/update",
                        entity_id=entities[key]["entity_id"],
                        disabled_by=None,
                    )
            # Enabled entities get a state once the entry is reloaded.
            entry_id = demo.entry_ids[PDL]
            await api.post(f"config/config_entries/entry/{entry_id}/reload", {})
            ids = {key: entity["entity_id"] for key, entity in entities.items()}
            await wait_states(api, [ids[key] for key in ("card", *TEMPO_KEYS)])
            card: dict[str, Any] = {
                "type": "custom:content-card-linky",
                "entity": ids["card"],
                "showTempo": True,
                "showTempoColor": True,
                "tempoEntityJ0": ids["tempo_card_today"],
                "tempoEntityJ1": ids["tempo_card_tomorrow"],
                "tempoEntityInfo": ids["tempo_days_left"],
                "nbJoursAffichage": str(DAYS),
                "showHistory": True,
            }
            if all(key in entities for key in ECOWATT_KEYS):
                # The card throws on an EcoWatt entity without a forecast.
                states = await wait_states(api, [ids[key] for key in ECOWATT_KEYS])
                if all(
                    isinstance(states[ids[key]]["attributes"].get("forecast"), dict)
                    for key in ECOWATT_KEYS
                ):
                    card |= {
                        "showEcoWatt": True,
                        "ewEntity": ids["ecowatt_today"],
                        "ewEntityJ1": ids["ecowatt_tomorrow"],
                        "ewEntityJ2": ids["ecowatt_day_after"],
                    }
            await api.ws(
                "lovelace/dashboards/create",
                url_path=DASHBOARD,
                title="Carte Linky",
                icon="mdi:flash",
                show_in_sidebar=True,
                require_admin=False,
            )
            await api.ws(
                "lovelace/config/save",
                url_path=DASHBOARD,
                config={"views": [{"title": "Linky", "cards": [card]}]},
            )
    return card


async def wait_states(api: HassApi, entity_ids: list[str]) -> dict[str, Any]:
    """Wait until every entity has a state other than unavailable; return them."""
    deadline = time.monotonic() + STATE_SECONDS
    while True:
        states = {
            state["entity_id"]: state
            for state in await api.get("states")
            if state["entity_id"] in entity_ids
        }
        waiting = [
            entity_id
            for entity_id in entity_ids
            if states.get(entity_id, {}).get("state", "unavailable") == "unavailable"
        ]
        if not waiting:
            return states
        if time.monotonic() > deadline:
            raise RuntimeError(f"no state after {STATE_SECONDS} s: {waiting}")
        await asyncio.sleep(1)


async def read_states(demo: Demo, card: dict[str, Any]) -> Expected:
    """Read the states of the card's entities."""
    async with aiohttp.ClientSession() as session:
        api = HassApi(session, demo.ha_url, demo.access_token)
        states = {state["entity_id"]: state for state in await api.get("states")}
    return Expected(card=card, main=states[card["entity"]], states=states)


def login(page: Page, demo: Demo) -> None:
    """Log in through the real login page, in French."""
    page.goto(f"{demo.ha_url}/")
    expect(page.get_by_text("Bienvenue à la maison")).to_be_visible()
    page.get_by_role("textbox", name="Nom d'utilisateur").fill(USER)
    page.get_by_role("textbox", name="Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "auth_callback" not in url and "/auth/" not in url)


def check_week(page: Page, expected: Expected, findings: list[str]) -> None:
    """Check the seven day cells against dailyweek_Tempo and the simulator."""
    attributes = expected.main["attributes"]
    if attributes.get("serviceEnedis") != "myElectricalData":
        raise CheckFailedError(
            f"serviceEnedis is {attributes.get('serviceEnedis')!r}: the card hides Tempo"
        )
    days = [date.fromisoformat(day) for day in attributes["dailyweek"]][:DAYS]
    colours = [str(colour).lower() for colour in attributes["dailyweek_Tempo"]][:DAYS]
    # The card draws the oldest day first: dailyweek is newest first.
    days.reverse()
    colours.reverse()
    simulator = [tempo_color(day).lower() for day in days]
    if colours != simulator:
        raise CheckFailedError(
            f"dailyweek_Tempo {colours} is not the simulator's {simulator} ({days})"
        )
    spans = page.locator("content-card-linky .week-history .day span[class^=tempoday-]")
    expect(spans).to_have_count(DAYS)
    cells = spans.evaluate_all(CELLS_JS)
    drawn = [cell["cls"].removeprefix("tempoday-") for cell in cells]
    if drawn != colours:
        raise CheckFailedError(f"the card draws {drawn}, dailyweek_Tempo is {colours}")
    for day, cell in zip(days, cells, strict=True):
        if cell["text"].lower() != WEEKDAYS_FR[day.weekday()]:
            raise CheckFailedError(f"{day}: the card names it {cell['text']!r}")
        colour = cell["cls"].removeprefix("tempoday-")
        if colour in DAY_COLOURS and cell["colour"] != DAY_COLOURS[colour]:
            raise CheckFailedError(f"{day} ({colour}) is drawn in {cell['colour']}")
    findings.append(
        "week (card = dailyweek_Tempo = simulator): "
        + ", ".join(
            f"{cell['text']} {day:%d/%m} {cell['cls']} {cell['colour']}"
            for day, cell in zip(days, cells, strict=True)
        )
    )


def check_tempo(page: Page, expected: Expected, findings: list[str]) -> None:
    """Check today's and tomorrow's colours and the days left the card shows."""
    card, states = expected.card, expected.states
    cells = page.locator("content-card-linky table.tempo-color td").evaluate_all(
        CELLS_JS
    )
    if len(cells) != 2:
        raise CheckFailedError(f"no J0/J1 cells in the card: {cells}")
    for key, cell in zip(("tempoEntityJ0", "tempoEntityJ1"), cells, strict=True):
        state = states[card[key]]
        day = date.fromisoformat(state["attributes"]["date"])
        if state["state"] in ("BLUE", "WHITE", "RED"):
            want = state["state"].lower()
            if want != tempo_color(day).lower():
                raise CheckFailedError(
                    f"{card[key]} is {state['state']}, the simulator's {day} is "
                    f"{tempo_color(day)}"
                )
        elif key == "tempoEntityJ1" and state["state"] == "unknown":
            want = "grey"  # not published before 10:40
        else:
            raise CheckFailedError(f"{card[key]} is {state['state']!r} on {day}")
        if cell["cls"] != f"tempo-{want}":
            raise CheckFailedError(f"{key}: {cell['cls']} for {state['state']}")
        if not cell["text"].lower().startswith(WEEKDAYS_FR[day.weekday()]):
            raise CheckFailedError(f"{key}: {cell['text']!r} is not {day}")
        findings.append(f"{key}: {cell['text']} {cell['cls']} ({state['state']})")
    info = states[card["tempoEntityInfo"]]["attributes"]
    shown = [
        cell["text"]
        for cell in page.locator("content-card-linky table.tempo-days td").evaluate_all(
            CELLS_JS
        )
    ]
    wanted = [info.get(f"days_{colour}") for colour in ("blue", "white", "red")]
    if shown != wanted or not all(re.fullmatch(r"\d+ / \d+", text) for text in shown):
        raise CheckFailedError(f"days left: the card shows {shown}, wanted {wanted}")
    findings.append(f"days left (blue, white, red): {' | '.join(shown)}")


def check_ecowatt(page: Page, expected: Expected, findings: list[str]) -> None:
    """Check the EcoWatt hours of today, when the card shows them."""
    card = expected.card
    if not card.get("showEcoWatt"):
        findings.append(
            "EcoWatt: not shown (no ecowatt_* sensors with a forecast attribute in"
            " the registry: they exist with the EcoWatt option on)"
        )
        return
    forecast = expected.states[card["ewEntity"]]["attributes"]["forecast"]
    hours = page.locator("content-card-linky ul.oneHour li").evaluate_all(CELLS_JS)
    wanted = [ECOWATT_COLOURS.get(value) for value in forecast.values()]
    drawn = [cell["background"] or None for cell in hours]
    if len(hours) != len(forecast) or any(
        want is not None and (got is None or want not in got)
        for want, got in zip(wanted, drawn, strict=False)
    ):
        raise CheckFailedError(f"EcoWatt: the card draws {drawn}, forecast {forecast}")
    findings.append(f"EcoWatt today: {len(hours)} hours drawn as the forecast says")


def shoot(demo: Demo, expected: Expected) -> list[str]:
    """Open the dashboard in chromium, check the card and screenshot it."""
    findings: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright.chromium)
        try:
            context = browser.new_context(
                locale="fr-FR", timezone_id="Europe/Paris", viewport=VIEWPORT
            )
            # Nothing leaves the machine (brand icons, fonts): offline like CI.
            context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), _abort)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda error: errors.append(str(error.stack)))
            expect.set_options(timeout=TIMEOUT_MS)
            login(page, demo)
            page.goto(f"{demo.ha_url}/{DASHBOARD}")
            element = page.locator("content-card-linky")
            expect(element.locator("ha-card")).to_be_visible()
            try:
                check_week(page, expected, findings)
                check_tempo(page, expected, findings)
                check_ecowatt(page, expected, findings)
                text = deep_text(element)
                if "NaN" in text or "undefined" in text:
                    raise CheckFailedError(f"NaN or undefined in the card: {text}")
                findings.append("no NaN nor undefined in the card's text")
                card_errors = [error for error in errors if CARD_FILE in error]
                if card_errors:
                    raise CheckFailedError(f"the card threw: {card_errors}")
            except (AssertionError, PlaywrightError):
                page.screenshot(path=FOLDER / "failed.png")
                print(
                    f"Screenshot of the failure: {FOLDER.relative_to(ROOT)}/failed.png"
                )
                raise
            element.screenshot(path=FOLDER / "card.png")
        finally:
            browser.close()
    return findings


def _abort(route: Route) -> None:
    route.abort()


def save_screenshot(source: Path) -> None:
    """Save the card's screenshot to docs/ with 64 colours (well under 150 kB)."""
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=64).save(SHOT, optimize=True)
    if SHOT.stat().st_size > DOCS_MAX_BYTES:
        raise CheckFailedError(f"{SHOT.name} is over {DOCS_MAX_BYTES // 1000} kB")


def card_yaml(card: dict[str, Any]) -> str:
    """Return the card's configuration as dashboard YAML."""
    return "\n".join(
        f'{key}: "{value}"'
        if isinstance(value, str) and value.isdigit()
        else f"{key}: {str(value).lower() if isinstance(value, bool) else value}"
        for key, value in card.items()
    )


def run(args: argparse.Namespace, work: Path) -> list[str]:
    """Start the demo, set the card up, check it in chromium; return the findings."""
    if args.card is None:
        args.card = work / CARD_FILE
        commit = mirror_card(args.card)
        print(f"Card: {CARD_PATH} at {commit[:7]} of {CARD_MIRROR}")
    elif not args.card.is_file():
        raise RuntimeError(f"no card at {args.card}")
    else:
        print(f"Card: {args.card}")
    ensure_chromium()
    demo = CardDemo(
        folder=FOLDER,
        ha_port=args.ha_port,
        sim_port=args.sim_port,
        mqtt_port=args.mqtt_port,
        card=args.card.resolve(),
    )
    try:
        print(
            f"Starting the demo in {FOLDER.relative_to(ROOT)}/ on port {args.ha_port}…"
        )
        demo.start(fresh=True)
        asyncio.run(demo.prepare())
        card = asyncio.run(set_up(demo))
        print("Card configuration:\n" + textwrap.indent(card_yaml(card), "  "))
        expected = asyncio.run(read_states(demo, card))
        findings = shoot(demo, expected)
    finally:
        demo.stop()
    # An exception in our code shows as an ERROR line naming the integration.
    log = (FOLDER / "home-assistant.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if " ERROR " in line and DOMAIN in line]
    if errors:
        raise CheckFailedError(
            f"{len(errors)} ERROR lines about {DOMAIN} in the log:\n"
            + "\n".join(errors[:5])
        )
    findings.append(f"no ERROR line about {DOMAIN} in the Home Assistant log")
    # Only a card that passed every check reaches the README.
    save_screenshot(FOLDER / "card.png")
    findings.append(
        f"{SHOT.relative_to(ROOT)}: {SHOT.stat().st_size // 1000} kB, 64 colours"
    )
    return findings


def main() -> int:
    """Check the card and save its screenshot; exit 1 when a check fails."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--card",
        type=Path,
        help=f"content-card-linky.js (default: {CARD_PATH} of {CARD_MIRROR})",
    )
    parser.add_argument("--ha-port", type=int, default=28123)
    parser.add_argument("--sim-port", type=int, default=28099)
    parser.add_argument("--mqtt-port", type=int, default=21883)
    args = parser.parse_args()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as work:
            findings = run(args, Path(work))
    except (
        RuntimeError,
        OSError,
        subprocess.CalledProcessError,
        aiohttp.ClientError,
        PlaywrightError,
        AssertionError,
    ) as err:
        print(
            f"Card shot FAILED in {time.monotonic() - started:.0f} s:", file=sys.stderr
        )
        print(
            textwrap.indent("\n".join(str(err).splitlines()[:12]), "  "),
            file=sys.stderr,
        )
        return 1
    for finding in findings:
        print(f"  ok   {finding}")
    print(f"Card shot passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
