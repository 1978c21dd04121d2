"""
Screenshot the integration's page of a running demo and check its icon is drawn.

`make demo HA=latest` (Home Assistant 2026.3+ serves a custom integration's own
`brand/` images), then `python -m scripts.integration_page` saves
docs/screenshots/integration-page-<version>.png. It fails when the page shows no
icon of ours, or an icon that did not load (the empty square of older versions).
"""

from __future__ import annotations

import argparse
from pathlib import Path
import re
import sys
from types import SimpleNamespace

from PIL import Image
from playwright.sync_api import expect, sync_playwright

from scripts.demo import DOMAIN
from scripts.e2e import CHROMIUM, CHROMIUM_ARGS, DOCS_MAX_BYTES, DOCS_SHOTS, E2E

VIEWPORT = {"width": 1100, "height": 640}


def main() -> int:
    """Log in, open the integration's page, check the icon, save the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", viewport=VIEWPORT
        )
        # Offline, like CI: an icon fetched from the internet would not count.
        context.route(
            re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
            lambda route, _request: route.abort(),
        )
        page = context.new_page()
        e2e = E2E(SimpleNamespace(ha_url=args.url), page)  # type: ignore[arg-type]
        e2e.login()
        version = page.evaluate(
            "() => document.querySelector('home-assistant').hass.config.version"
        )
        e2e.goto(f"/config/integrations/integration/{DOMAIN}")
        expect(page.get_by_text("Enedis Gateway (Linky)").first).to_be_visible()
        icons = page.locator(f"img[src*='{DOMAIN}']")
        expect(icons.first).to_be_visible()
        widths = [
            icon.evaluate("img => img.complete ? img.naturalWidth : 0")
            for icon in icons.all()
        ]
        target = DOCS_SHOTS / f"integration-page-{version.rsplit('.', 1)[0]}.png"
        shot = Path(f"{target}.raw.png")
        page.screenshot(path=shot)
        browser.close()
    with Image.open(shot) as image:
        image.convert("RGB").quantize(colors=64).save(target, optimize=True)
    shot.unlink()
    size = target.stat().st_size
    print(f"Home Assistant {version}: icons of {DOMAIN} {widths} px wide; {target}")
    if not widths or 0 in widths:
        print("FAILED: an icon of the integration did not load", file=sys.stderr)
        return 1
    if size > DOCS_MAX_BYTES:
        print(f"FAILED: {target.name} is {size} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
