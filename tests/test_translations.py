"""Translations: French and English hold the same keys and cover every key in use."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.enedis_gateway import button, calendar, sensor

ROOT = Path(__file__).parent.parent / "custom_components" / "enedis_gateway"


def load(lang: str) -> dict[str, Any]:
    """Load a translation file."""
    return json.loads(
        (ROOT / "translations" / f"{lang}.json").read_text(encoding="utf-8")
    )


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Return {dotted.key: text}."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_same_keys_and_placeholders() -> None:
    """fr.json and en.json hold the same keys with the same placeholders."""
    english, french = flatten(load("en")), flatten(load("fr"))
    assert english.keys() == french.keys()
    for key, text in english.items():
        assert set(re.findall(r"{\w+}", text)) == set(
            re.findall(r"{\w+}", french[key])
        ), key
        assert text.strip(), key
        assert french[key].strip(), key


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_key_in_code_is_translated(lang: str) -> None:
    """Entities, exceptions and services used in code all have a text."""
    flat = flatten(load(lang))
    for description in (*sensor.SENSORS, *sensor.CARDS):
        assert f"entity.sensor.{description.translation_key}.name" in flat
    for description in button.BUTTONS:
        assert f"entity.button.{description.translation_key}.name" in flat
    assert f"entity.calendar.{calendar.TEMPO_CALENDAR.translation_key}.name" in flat
    code = "\n".join(path.read_text() for path in ROOT.glob("*.py"))
    for key in re.findall(r'translation_key="(\w+)"', code):
        assert (
            f"exceptions.{key}.message" in flat
            or f"entity.sensor.{key}.name" in flat
            or f"entity.button.{key}.name" in flat
            or f"entity.calendar.{key}.name" in flat
            or f"issues.{key}.title" in flat
        ), key
    for key in re.findall(r'errors\[[^]]+\] = "(\w+)"', code):
        assert f"config.error.{key}" in flat, key
    services = (ROOT / "services.yaml").read_text()
    for service in re.findall(r"^(\w+):$", services, re.MULTILINE):
        assert f"services.{service}.name" in flat
    assert "entity.sensor.best_plan.state.hp_hc" in flat


def test_version_lives_in_the_manifest_only() -> None:
    """The card and the User-Agent read the manifest's version; no module repeats it."""
    version = json.loads((ROOT / "manifest.json").read_text())["version"]
    repeated = [
        path.name
        for path in ROOT.rglob("*.py")
        if f'"{version}"' in path.read_text() or f"'{version}'" in path.read_text()
    ]
    assert repeated == []
