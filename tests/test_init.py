"""Setup, unload, removal and recovery from an unreadable stored history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.enedis_gateway.const import DOMAIN
from custom_components.enedis_gateway.linky.history import decode_history

from .conftest import PDL, Gateway, make_entry
from .helpers import paris, setup
from .test_store import real_storage, store_file

pytestmark = pytest.mark.usefixtures(
    "recorder_mock", "enable_custom_integrations", "paris"
)


async def test_setup_unload_remove(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An entry loads, unloads cleanly and takes its stored history when removed."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(f"sensor.enedisgateway_{PDL}").state != "unavailable"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(f"sensor.enedisgateway_{PDL}").state == "unavailable"
    assert f"{DOMAIN}.{entry.entry_id}" in hass_storage
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{entry.entry_id}" not in hass_storage


@pytest.mark.parametrize(
    "content",
    [
        store_file({"consumption": 12}),
        store_file({"floor": {"daily_consumption": "nope"}}),
        store_file({}, version=99),
        store_file({"quota_until": "2026-11-20T12:00:00"}),
        store_file({"consumption": {"curve": {"2026-11-18": "30|" + "5," * 51 + "5"}}}),
        b"[1, 2, 3]",
        b'{"version": 1, "minor_version": 1, "key": "x"}',
    ],
    ids=[
        "bad-layout",
        "bad-value",
        "future-version",
        "naive-quota-until",
        "52-half-hours",
        "top-level-list",
        "no-data",
    ],
)
async def test_unreadable_storage_is_kept_aside(
    hass: HomeAssistant,
    gateway: Gateway,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    content: bytes,
) -> None:
    """A history that cannot be read is kept aside as it is; setup goes on with an empty one."""
    freezer.move_to(paris("2026-11-20 09:00:00"))
    entry = make_entry(gateway)
    key = f"{DOMAIN}.{entry.entry_id}"
    with real_storage(hass, tmp_path) as storage_dir:
        (storage_dir / key).write_bytes(content)
        await setup(hass, entry)
        assert entry.state is ConfigEntryState.LOADED
        aside = storage_dir / f"{key}.unreadable"
        assert aside.read_bytes() == content
        issue = ir.async_get(hass).async_get_issue(DOMAIN, f"storage_unreadable_{PDL}")
        assert issue is not None
        assert issue.translation_placeholders["path"] == str(aside)
        # The history is fetched again, within the budget.
        assert len(gateway.sim.calls) == 15
        assert hass.states.get(f"sensor.enedisgateway_{PDL}").state != "unknown"
        # Unloading writes the new history over the file; the copy stays.
        assert await hass.config_entries.async_unload(entry.entry_id)
        saved = json.loads((storage_dir / key).read_bytes())["data"]
        assert decode_history(saved).history.consumption.daily
        assert aside.read_bytes() == content
