"""Packaging: what HACS and Home Assistant's hassfest would reject, checked by pytest.

Each rule is restated here (no code of theirs is copied) with where it comes from:
- HACS: `custom_components/hacs/utils/validate.py` and `validate/*.py` of the
  hacs/integration repository (the HACS action runs those on a repository);
- hassfest: `script/hassfest/{manifest,services,icons,quality_scale}.py` of
  home-assistant/core (its GitHub action runs them on custom integrations too);
- brand images: the home-assistant/brands README and `homeassistant/components/brands`
  of Home Assistant 2026.3+, which serves `custom_components/<domain>/brand/*.png`.
A few rules are ours, stricter than theirs; they say so. Plain pytest, with Home
Assistant's installed helpers (URL, slug, selector validators), except the last test:
on Home Assistant 2026.3+ it asks a running instance for the brand images.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from pathlib import Path
import re
from typing import Any

from awesomeversion import (
    AwesomeVersion,
    AwesomeVersionException,
    AwesomeVersionStrategy,
)
from homeassistant.core import HomeAssistant, valid_domain
from homeassistant.helpers import config_validation as cv, selector
from homeassistant.setup import async_setup_component
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol
import yaml

from custom_components.enedis_gateway import services
from scripts import brand

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "enedis_gateway"
BRAND = INTEGRATION / "brand"


def load_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_yaml(path: Path) -> Any:
    """Read a YAML file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def is_url(value: Any) -> bool:
    """Tell whether Home Assistant's URL validator (the one HACS uses) accepts it."""
    try:
        cv.url(value)
    except vol.Invalid:
        return False
    return True


def is_str_list(value: Any) -> bool:
    """Tell whether a value is a list of strings."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def pinned_home_assistant() -> str | None:
    """Return the Home Assistant version the test stack of requirements_test.txt pins.

    pytest-homeassistant-custom-component pins exactly one Home Assistant release
    (0.13.236 pins 2025.4.4): read it from the installed package's metadata. None
    when this run has another stack installed (requirements_test_latest.txt).
    """
    text = (ROOT / "requirements_test.txt").read_text(encoding="utf-8")
    package = "pytest-homeassistant-custom-component"
    match = re.search(rf"^{package}==(\S+)", text, re.MULTILINE)
    assert match, f"requirements_test.txt pins no {package}"
    if importlib.metadata.version(package) != match[1]:
        return None
    for requirement in importlib.metadata.requires(package) or []:
        if found := re.fullmatch(r"homeassistant==(\S+)", requirement.strip()):
            return found[1]
    raise AssertionError(f"{package} {match[1]} pins no homeassistant version")


# ----------------------------------------------------------------------------------
# hacs.json
# ----------------------------------------------------------------------------------

# HACS_MANIFEST_JSON_SCHEMA (hacs/integration, custom_components/hacs/utils/
# validate.py): `name` required, these optional keys with these types, and
# extra=vol.PREVENT_EXTRA, so any other key fails the HACS action's hacs.json check.
HACS_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "content_in_root": (bool,),
    "country": (str, list),
    "filename": (str,),
    "hacs": (str,),
    "hide_default_branch": (bool,),
    "homeassistant": (str,),
    "persistent_directory": (str,),
    "render_readme": (bool,),
    "zip_release": (bool,),
    "name": (str,),
}


def hacs_json_problems(data: Any) -> list[str]:
    """List what HACS would reject in hacs.json, and ours: the minimum HA tested."""
    if not isinstance(data, dict):
        return ["hacs.json is not an object"]
    problems = [
        f"{key!r} is not a key HACS accepts"
        for key in data
        if key not in HACS_JSON_TYPES
    ]
    if "name" not in data:
        problems.append("'name' is required")
    for key, value in data.items():
        # `type(...) in` and not isinstance: JSON true is not a string, 1 no bool.
        if key in HACS_JSON_TYPES and type(value) not in HACS_JSON_TYPES[key]:
            problems.append(f"{key!r} must be {HACS_JSON_TYPES[key][0].__name__}")
    # _country_validator: a string or a list of them, each (upper-cased) in HACS's
    # LOCALE list, i.e. ISO 3166-1 alpha-2 codes and "ALL".
    countries = data.get("country", [])
    problems += [
        f"country {country!r} is not an ISO 3166-1 alpha-2 code"
        for country in ([countries] if isinstance(countries, str) else countries)
        if not (isinstance(country, str) and re.fullmatch(r"[A-Z]{2}|ALL", country))
    ]
    # validate/hacsjson.py: "zip_release is True, but filename is not set".
    if data.get("zip_release") and not data.get("filename"):
        problems.append("zip_release needs a filename")
    # HACS compares `homeassistant` (and `hacs`) with AwesomeVersion, and installs
    # nothing on an older Home Assistant. Ours: the oldest release we claim is the
    # one requirements_test.txt runs the suite on (checked on that stack; a run on
    # a newer stack checks that it is not below the minimum).
    problems += [
        f"{key!r} is not a version"
        for key in ("homeassistant", "hacs")
        if isinstance(data.get(key), str) and not AwesomeVersion(data[key]).valid
    ]
    minimum = data.get("homeassistant")
    pinned = pinned_home_assistant()
    if pinned is not None and minimum != pinned:
        problems.append(
            f"'homeassistant' is {minimum!r}, the tests run on {pinned!r}"
            " (requirements_test.txt)"
        )
    running = importlib.metadata.version("homeassistant")
    if isinstance(minimum, str) and AwesomeVersion(minimum) > running:
        problems.append(f"'homeassistant' {minimum} is above this run's {running}")
    return problems


def test_hacs_json() -> None:
    """hacs.json holds only keys HACS accepts, and the minimum HA the tests run."""
    assert hacs_json_problems(load_json(ROOT / "hacs.json")) == []


# ----------------------------------------------------------------------------------
# manifest.json
# ----------------------------------------------------------------------------------

# hassfest manifest.py, CUSTOM_INTEGRATION_MANIFEST_SCHEMA (a vol.Schema, so no other
# key): the keys a custom integration's manifest may hold. Discovery matchers
# (bluetooth, dhcp, homekit, mqtt, ssdp, usb, zeroconf) are allowed but unchecked.
MANIFEST_KEYS = {
    "after_dependencies",
    "bluetooth",
    "codeowners",
    "config_flow",
    "dependencies",
    "dhcp",
    "disabled",
    "documentation",
    "domain",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "name",
    "quality_scale",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
# Required: domain, name, documentation, codeowners (hassfest's schema); version
# (hassfest validate_version, and Home Assistant's loader refuses a custom
# integration without one); iot_class (hassfest: "Domain is missing an IoT Class");
# issue_tracker (HACS INTEGRATION_MANIFEST_JSON_SCHEMA, with codeowners,
# documentation, domain, name, version). Ours: requirements, config_flow and
# integration_type written out rather than left to defaults (hassfest: "hub").
MANIFEST_REQUIRED = (
    "domain",
    "name",
    "codeowners",
    "config_flow",
    "documentation",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "requirements",
    "version",
)
# hassfest SUPPORTED_IOT_CLASSES and the integration_type values of its schema
# ("virtual" has a schema of its own, for integrations without code).
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
}
# Home Assistant's loader (and hassfest verify_version) accept these version schemes.
VERSION_STRATEGIES = [
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
]


def manifest_problems(manifest: Any, folder: Path) -> list[str]:
    """List what hassfest or HACS would reject in the manifest of `folder`."""
    if not isinstance(manifest, dict):
        return ["manifest.json is not an object"]
    problems = [
        f"{key!r} is not a manifest key" for key in manifest if key not in MANIFEST_KEYS
    ]
    problems += [
        f"{key!r} is required" for key in MANIFEST_REQUIRED if key not in manifest
    ]
    # hassfest sort_manifest: "domain, name, then alphabetical order".
    keys = list(manifest)
    wanted = sorted(
        keys, key=lambda key: {"domain": "0", "name": "1"}.get(key, "2" + key)
    )
    if keys != wanted:
        problems.append(
            f"keys are not sorted: domain, name, then alphabetical: {wanted}"
        )
    domain = manifest.get("domain")
    # hassfest: "Domain does not match dir name"; Home Assistant's valid_domain.
    if domain != folder.name:
        problems.append(f"domain {domain!r} is not the folder name {folder.name!r}")
    if not (isinstance(domain, str) and valid_domain(domain)):
        problems.append(f"domain {domain!r} is not a valid domain")
    if not (isinstance(manifest.get("name"), str) and manifest["name"].strip()):
        problems.append("'name' must be a non-empty string")
    # hassfest documentation_url: an https URL; issue_tracker: a URL (HACS: cv.url).
    documentation = manifest.get("documentation")
    if not (is_url(documentation) and str(documentation).startswith("https://")):
        problems.append("'documentation' must be an https URL")
    if not is_url(manifest.get("issue_tracker")):
        problems.append("'issue_tracker' must be a URL")
    # codeowners: [str]; hassfest writes them into GitHub's CODEOWNERS, where an
    # owner is @user or @org/team.
    codeowners = manifest.get("codeowners")
    if not (
        is_str_list(codeowners)
        and codeowners
        and all(re.fullmatch(r"@[\w.-]+(/[\w.-]+)?", owner) for owner in codeowners)
    ):
        problems.append("'codeowners' must list GitHub @handles")
    for key in ("requirements", "dependencies", "after_dependencies", "loggers"):
        if key in manifest and not is_str_list(manifest[key]):
            problems.append(f"{key!r} must be a list of strings")
    for key in ("dependencies", "after_dependencies"):
        for dependency in manifest.get(key, []):
            if not (isinstance(dependency, str) and valid_domain(dependency)):
                problems.append(f"{key!r}: {dependency!r} is not a domain")
    for key in ("config_flow", "single_config_entry", "import_executor"):
        if key in manifest and type(manifest[key]) is not bool:
            problems.append(f"{key!r} must be true or false")
    # hassfest config_flow.py needs config_flow.py when the manifest says true;
    # Home Assistant offers a flow in "Add integration" only when it says true.
    has_flow = (folder / "config_flow.py").is_file()
    if manifest.get("config_flow", False) is not has_flow:
        problems.append(
            f"'config_flow' must be {has_flow}: config_flow.py exists={has_flow}"
        )
    if manifest.get("iot_class") not in IOT_CLASSES:
        problems.append(
            f"'iot_class' {manifest.get('iot_class')!r} is not one of {sorted(IOT_CLASSES)}"
        )
    if manifest.get("integration_type", "hub") not in INTEGRATION_TYPES:
        problems.append(f"'integration_type' is not one of {sorted(INTEGRATION_TYPES)}")
    version = manifest.get("version")
    try:
        AwesomeVersion(str(version), ensure_strategy=VERSION_STRATEGIES)
    except AwesomeVersionException:
        problems.append(f"'version' {version!r} is not a version Home Assistant loads")
    if not isinstance(version, str):
        problems.append("'version' must be a string")
    return problems


def test_manifest() -> None:
    """manifest.json has every key hassfest and HACS require, typed and sorted."""
    assert (
        manifest_problems(load_json(INTEGRATION / "manifest.json"), INTEGRATION) == []
    )


# ----------------------------------------------------------------------------------
# services.yaml, its translations and icons
# ----------------------------------------------------------------------------------

# hassfest services.py, CUSTOM_INTEGRATION_SERVICES_SCHEMA: slug keys; an action
# holds fields (and target, name, description); a field holds these keys (filter
# only on a targeted action), its selector valid for Home Assistant; a section
# holds fields, collapsed, name and description.
ACTION_KEYS = {"description", "fields", "name", "target"}
FIELD_KEYS = {
    "advanced",
    "default",
    "description",
    "example",
    "filter",
    "name",
    "required",
    "selector",
}
SECTION_KEYS = {"collapsed", "description", "fields", "name"}


def action_fields(action: dict[str, Any] | None) -> tuple[set[str], set[str]]:
    """Return an action's field names (those of sections included) and sections."""
    fields: set[str] = set()
    sections: set[str] = set()
    for name, field in ((action or {}).get("fields") or {}).items():
        if isinstance(field, dict) and "fields" in field:
            sections.add(name)
            fields |= set(field["fields"])
        else:
            fields.add(name)
    return fields, sections


def services_yaml_problems(actions: Any) -> list[str]:
    """List what hassfest would reject in services.yaml."""
    if not isinstance(actions, dict):
        return ["services.yaml is not a mapping"]
    problems = []
    for name, action in actions.items():
        try:
            cv.slug(name)
        except vol.Invalid:
            problems.append(f"{name!r} is not a slug")
        if action is None:
            continue
        if not isinstance(action, dict):
            problems.append(f"{name}: not a mapping")
            continue
        problems += [
            f"{name}: unknown key {key!r}" for key in action if key not in ACTION_KEYS
        ]
        fields = action.get("fields") or {}
        flat = []
        for field_name, field in fields.items():
            if isinstance(field, dict) and "fields" in field:
                problems += [
                    f"{name}.{field_name}: unknown key {key!r}"
                    for key in field
                    if key not in SECTION_KEYS
                ]
                flat += list(field["fields"].items())
            else:
                flat.append((field_name, field))
        seen: set[str] = set()
        for field_name, field_or_none in flat:
            if field_name in seen:
                problems.append(f"{name}: field {field_name!r} twice")
            seen.add(field_name)
            field = field_or_none or {}
            problems += [
                f"{name}.{field_name}: unknown key {key!r}"
                for key in field
                if key not in FIELD_KEYS
            ]
            if "filter" in field and "target" not in action:
                problems.append(
                    f"{name}.{field_name}: a filter needs a targeted action"
                )
            for key in ("required", "advanced"):
                if key in field and type(field[key]) is not bool:
                    problems.append(
                        f"{name}.{field_name}: {key!r} must be true or false"
                    )
            if "selector" in field:
                try:
                    selector.validate_selector(field["selector"])
                except vol.Invalid as err:
                    problems.append(f"{name}.{field_name}: bad selector: {err}")
    return problems


def test_services_yaml() -> None:
    """services.yaml is valid for hassfest and lists exactly the registered actions."""
    actions = load_yaml(INTEGRATION / "services.yaml")
    assert services_yaml_problems(actions) == []
    # Ours: every action registered in code is described, and nothing else.
    registered = set(services.ACTIONS) | set(services.DEPRECATED_ACTIONS)
    assert set(actions) == registered
    for name, action in actions.items():
        field = action["fields"][services.ATTR_CONFIG_ENTRY_ID]
        assert field["required"] is True, name  # vol.Required in SERVICE_SCHEMA
        assert action_fields(action)[0] == {services.ATTR_CONFIG_ENTRY_ID}, name


# The languages we ship, and strings.json if there ever is one (core's source file).
TRANSLATIONS = {
    "en": INTEGRATION / "translations" / "en.json",
    "fr": INTEGRATION / "translations" / "fr.json",
    **(
        {"strings": INTEGRATION / "strings.json"}
        if (INTEGRATION / "strings.json").is_file()
        else {}
    ),
}


def services_translation_problems(actions: dict[str, Any], strings: Any) -> list[str]:
    """List where the `services` of a translation file and services.yaml disagree.

    hassfest (services.py) asks core integrations for a name and a description of
    each action and field, and a name of each section, in the translations (for a
    custom integration it reads translations/en.json). Ours: the same of every
    language we ship, and no text for an action or field that does not exist.
    """
    texts = strings.get("services") if isinstance(strings, dict) else None
    if not isinstance(texts, dict):
        return ["no 'services' section"]
    problems = [f"{name}: no text" for name in actions if name not in texts]
    problems += [f"{name}: text for no action" for name in texts if name not in actions]

    def check_texts(
        where: str, entry: Any, keys: set[str], required: tuple[str, ...]
    ) -> None:
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            return
        problems.extend(
            f"{where}: unknown key {key!r}" for key in entry if key not in keys
        )
        for key in required:
            if not (isinstance(entry.get(key), str) and entry[key].strip()):
                problems.append(f"{where}: no {key}")

    for name in set(actions) & set(texts):
        entry = texts[name]
        check_texts(
            name,
            entry,
            {"name", "description", "fields", "sections"},
            ("name", "description"),
        )
        if not isinstance(entry, dict):
            continue
        fields, sections = action_fields(actions[name])
        field_texts = entry.get("fields") or {}
        problems += [
            f"{name}.{field}: no text" for field in fields if field not in field_texts
        ]
        problems += [
            f"{name}.{field}: text for no field"
            for field in field_texts
            if field not in fields
        ]
        for field in fields & set(field_texts):
            check_texts(
                f"{name}.{field}",
                field_texts[field],
                {"name", "description", "example"},
                ("name", "description"),
            )
        section_texts = entry.get("sections") or {}
        problems += [
            f"{name}.{section}: no section text"
            for section in sections
            if section not in section_texts
        ]
        problems += [
            f"{name}.{section}: text for no section"
            for section in section_texts
            if section not in sections
        ]
        for section in sections & set(section_texts):
            check_texts(
                f"{name}.{section}",
                section_texts[section],
                {"name", "description"},
                ("name",),
            )
    return problems


@pytest.mark.parametrize("language", sorted(TRANSLATIONS))
def test_services_translated(language: str) -> None:
    """Every action and field has a name and a description, and nothing more."""
    actions = load_yaml(INTEGRATION / "services.yaml")
    strings = load_json(TRANSLATIONS[language])
    assert services_translation_problems(actions, strings) == []


# hassfest icons.py: every icon is a string starting with "mdi:". An action's icon
# is {"service": icon, "sections": {name: icon}} (developers.home-assistant.io
# blog, 2024-08-27, "Changes to the icon translations schema": the bare string is
# deprecated; every core integration of Home Assistant 2025.4.4 uses the object). hassfest services.py wants one for each
# action of a core integration: ours too, and none for an unknown action.
MDI = re.compile(r"mdi:[a-z0-9]+(-[a-z0-9]+)*")


def icons_problems(icons: Any, actions: dict[str, Any]) -> list[str]:
    """List icons that are not MDI names and actions without an icon."""
    if not isinstance(icons, dict):
        return ["icons.json is not an object"]
    problems: list[str] = []

    def walk(where: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(f"{where}.{key}" if where else key, child)
        elif not (isinstance(value, str) and MDI.fullmatch(value)):
            problems.append(f"{where}: {value!r} is not an mdi: icon")

    walk("", icons)
    service_icons = icons.get("services") or {}
    problems += [
        f"services.{name}: no icon" for name in actions if name not in service_icons
    ]
    problems += [
        f"services.{name}: icon for no action"
        for name in service_icons
        if name not in actions
    ]
    for name, icon in service_icons.items():
        if not (
            isinstance(icon, dict)
            and set(icon) <= {"service", "sections"}
            and "service" in icon
        ):
            problems.append(
                f"services.{name}: not {{'service': icon, 'sections': {{...}}}}"
            )
            continue
        sections = action_fields(actions.get(name))[1]
        for section in icon.get("sections") or {}:
            if section not in sections:
                problems.append(f"services.{name}.sections.{section}: no such section")
    return problems


def test_icons() -> None:
    """icons.json has an MDI icon for each action, in the current schema."""
    actions = load_yaml(INTEGRATION / "services.yaml")
    assert icons_problems(load_json(INTEGRATION / "icons.json"), actions) == []


# ----------------------------------------------------------------------------------
# quality_scale.yaml
# ----------------------------------------------------------------------------------

# hassfest quality_scale.py, ALL_RULES (the 52 rules of the integration quality
# scale, developers.home-assistant.io/docs/core/integration-quality-scale/rules).
QUALITY_RULES = {
    "bronze": (
        "action-setup appropriate-polling brands common-modules config-flow"
        " config-flow-test-coverage dependency-transparency docs-actions"
        " docs-high-level-description docs-installation-instructions"
        " docs-removal-instructions entity-event-setup entity-unique-id"
        " has-entity-name runtime-data test-before-configure test-before-setup"
        " unique-config-entry"
    ),
    "silver": (
        "action-exceptions config-entry-unloading docs-configuration-parameters"
        " docs-installation-parameters entity-unavailable integration-owner"
        " log-when-unavailable parallel-updates reauthentication-flow test-coverage"
    ),
    "gold": (
        "devices diagnostics discovery discovery-update-info docs-data-update"
        " docs-examples docs-known-limitations docs-supported-devices"
        " docs-supported-functions docs-troubleshooting docs-use-cases dynamic-devices"
        " entity-category entity-device-class entity-disabled-by-default"
        " entity-translations exception-translations icon-translations"
        " reconfiguration-flow repair-issues stale-devices"
    ),
    "platinum": "async-dependency inject-websession strict-typing",
}
ALL_RULES = {rule for rules in QUALITY_RULES.values() for rule in rules.split()}


def quality_scale_problems(data: Any) -> list[str]:
    """List what hassfest's quality-scale SCHEMA would reject, and our own rules.

    hassfest: a `rules` mapping and nothing else; each rule one of ALL_RULES, whose
    value is "done" or "todo", or {status: done|todo, comment?: str}, or
    {status: exempt, comment: str} (an exemption says why). hassfest only runs this
    on core integrations; ours holds to it anyway, and lists every rule.
    """
    if (
        not isinstance(data, dict)
        or set(data) != {"rules"}
        or not isinstance(data["rules"], dict)
    ):
        return ["quality_scale.yaml must be {rules: {...}}"]
    rules = data["rules"]
    problems = [
        f"{rule!r} is not a quality-scale rule"
        for rule in rules
        if rule not in ALL_RULES
    ]
    problems += [f"{rule!r} is missing" for rule in sorted(ALL_RULES - set(rules))]
    for rule, value in rules.items():
        if value in ("done", "todo"):
            continue
        if not isinstance(value, dict) or not set(value) <= {"status", "comment"}:
            problems.append(f"{rule}: must be done, todo or {{status, comment}}")
        elif value.get("status") not in ("done", "todo", "exempt"):
            problems.append(f"{rule}: status {value.get('status')!r}")
        elif "comment" in value and not isinstance(value["comment"], str):
            problems.append(f"{rule}: the comment must be text")
        elif value["status"] == "exempt" and not str(value.get("comment", "")).strip():
            problems.append(f"{rule}: an exemption needs a comment")
    return problems


def test_quality_scale() -> None:
    """quality_scale.yaml names only real rules, each done, todo or exempt with why."""
    data = load_yaml(INTEGRATION / "quality_scale.yaml")
    assert quality_scale_problems(data) == []
    # Ours: `brands` is done exactly when the integration ships its brand images.
    brands = data["rules"]["brands"]
    status = brands["status"] if isinstance(brands, dict) else brands
    assert (status == "done") is (BRAND / "icon.png").is_file()


# ----------------------------------------------------------------------------------
# Brand images
# ----------------------------------------------------------------------------------

# homeassistant/components/brands/const.py (HA 2026.3+), ALLOWED_IMAGES: the only
# names it serves from custom_components/<domain>/brand/. HACS's brands check
# (validate/brands.py) looks for brand/icon.png. Ours: all eight, nothing else.
BRAND_FILES = {
    f"{dark}{kind}{scale}.png"
    for dark in ("", "dark_")
    for kind in ("icon", "logo")
    for scale in ("", "@2x")
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def brand_problems(folder: Path) -> list[str]:
    """List what the home-assistant/brands image rules would reject in `folder`.

    README of home-assistant/brands: PNG, transparency preferred, trimmed (no empty
    border), icon 1:1 at 256 x 256 (512 x 512 for @2x); logo landscape preferred,
    its shortest side 128 to 256 pixels (256 to 512 for @2x). Ours: transparency
    required, the logo landscape, and @2x exactly twice the size of its 1x file.
    """
    present = {path.name for path in folder.iterdir()} if folder.is_dir() else set()
    problems = [f"{name}: missing" for name in sorted(BRAND_FILES - present)]
    problems += [
        f"{name}: Home Assistant serves no such name"
        for name in sorted(present - BRAND_FILES)
    ]
    sizes: dict[str, tuple[int, int]] = {}
    for name in sorted(BRAND_FILES & present):
        path = folder / name
        if not path.read_bytes().startswith(PNG_SIGNATURE):
            problems.append(f"{name}: not a PNG file")
            continue
        with Image.open(path) as image:
            image.load()
            sizes[name] = width, height = image.size
            scale = 2 if "@2x" in name else 1
            if image.mode != "RGBA":
                problems.append(f"{name}: mode {image.mode}, not RGBA (transparency)")
                continue
            alpha = image.getchannel("A")
            if alpha.getextrema()[0] != 0:
                problems.append(f"{name}: no transparent pixel")
            if alpha.getbbox() != (0, 0, width, height):
                problems.append(
                    f"{name}: not trimmed: artwork within {alpha.getbbox()}"
                )
        if "icon" in name and (width, height) != (256 * scale, 256 * scale):
            problems.append(f"{name}: {width}x{height}, not {256 * scale} square")
        if "logo" in name:
            if width < height:
                problems.append(f"{name}: {width}x{height} is not landscape")
            if not 128 * scale <= min(width, height) <= 256 * scale:
                problems.append(
                    f"{name}: shortest side {min(width, height)} not in {128 * scale}..{256 * scale}"
                )
    for name, (width, height) in sizes.items():
        double = name.replace(".png", "@2x.png")
        if double in sizes and sizes[double] != (2 * width, 2 * height):
            problems.append(
                f"{double}: {sizes[double]}, not twice {name} {(width, height)}"
            )
    return problems


def test_brand_images() -> None:
    """The eight brand images exist, as PNG of the sizes Home Assistant expects."""
    assert brand_problems(BRAND) == []


def test_brand_images_are_drawn_by_the_script() -> None:
    """The committed images are what `python -m scripts.brand` draws today."""
    if not any(path.is_file() for path in brand.FONT_PATHS):
        pytest.skip("DejaVu Sans Bold missing (apt-get install fonts-dejavu-core)")
    drawn_with = set()
    for name in sorted(BRAND_FILES):
        with Image.open(BRAND / name) as stored:
            software = stored.info.get("Software", "")
        assert software.startswith("scripts/brand.py, Pillow "), (
            f"{name} was not drawn by scripts/brand.py: run `python -m scripts.brand`"
        )
        drawn_with.add(software)
    assert len(drawn_with) == 1, f"drawn by different Pillows: {drawn_with}"
    if drawn_with != {brand.software()}:
        # Another Pillow (a newer test stack) may scale and rasterise differently.
        pytest.skip(f"the images were drawn by {drawn_with.pop()!r}, not here")
    for name, drawn in sorted(brand.render_all().items()):
        with Image.open(BRAND / name) as stored:
            assert stored.size == drawn.size, name
            assert stored.convert("RGBA").tobytes() == drawn.tobytes(), (
                f"{name} differs from the drawing: run `python -m scripts.brand`"
            )


@pytest.mark.skipif(
    importlib.util.find_spec("homeassistant.components.brands") is None,
    reason="Home Assistant before 2026.3 has no brands integration to serve brand/",
)
@pytest.mark.usefixtures("enable_custom_integrations")
async def test_home_assistant_serves_the_brand_images(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """On Home Assistant 2026.3+, /api/brands/integration/... returns our files."""
    assert await async_setup_component(hass, "brands", {})
    client = await hass_client()
    for name in sorted(BRAND_FILES):
        response = await client.get(f"/api/brands/integration/enedis_gateway/{name}")
        assert response.status == 200, name
        assert await response.read() == (BRAND / name).read_bytes(), name
