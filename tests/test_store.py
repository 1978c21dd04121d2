"""The history store on real files: what cannot be read is kept aside byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
import json
from pathlib import Path
import stat
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import storage
import pytest

from custom_components.enedis_gateway.linky.history import (
    FetchState,
    History,
    StoredHistory,
    encode_history,
)
from custom_components.enedis_gateway.linky.models import DailyReading, MeasureType
from custom_components.enedis_gateway.store import HistoryStore

ENTRY_ID = "entry"
KEY = f"enedis_gateway.{ENTRY_ID}"

# Taken before any test runs: the hass fixture replaces them with hass_storage's mock.
REAL_STORE = {
    name: getattr(storage.Store, name)
    for name in ("_async_load", "_async_write_data", "async_remove")
}


@contextmanager
def real_storage(hass: HomeAssistant, config_dir: Path) -> Iterator[Path]:
    """Let Home Assistant's stores read and write real files; yield their folder."""
    hass.config.config_dir = str(config_dir)
    folder = config_dir / storage.STORAGE_DIR
    folder.mkdir()
    with ExitStack() as stack:
        for name, method in REAL_STORE.items():
            stack.enter_context(patch.object(storage.Store, name, method))
        yield folder


@pytest.fixture
def storage_dir(hass: HomeAssistant, tmp_path: Path) -> Iterator[Path]:
    """Return the real .storage folder of Home Assistant."""
    with real_storage(hass, tmp_path) as folder:
        yield folder


def store_file(data: dict[str, Any], version: int = 1, minor_version: int = 1) -> bytes:
    """Return the bytes of a store file, spaced unlike Home Assistant would write it."""
    body = {
        "version": version,
        "minor_version": minor_version,
        "key": KEY,
        "data": data,
    }
    return json.dumps(body, separators=(" ,", ":  ")).encode() + b"\n\n"


@pytest.mark.parametrize(
    "content",
    [
        b"[1, 2, 3]",
        b'{"version": 1, "minor_version": 1, "key": "x"}',
        b'"just a string"',
        b"null",
        store_file({}, version=99),
        store_file({"consumption": {"daily": {"2026-11-19": "12"}}}),
        store_file({"quota_until": "2026-11-20T12:00:00"}),
        store_file({"consumption": {"curve": {"2026-11-18": "30|" + "5," * 51 + "5"}}}),
        # A newer minor version goes through the migrate hook, then HA saves.
        store_file({"last_call": "2026-11-20T09:00:00"}, minor_version=2),
    ],
    ids=[
        "top-level-list",
        "no-data",
        "top-level-string",
        "top-level-null",
        "future-version",
        "wrong-type",
        "naive-quota-until",
        "52-half-hours",
        "newer-minor-bad-value",
    ],
)
async def test_unreadable_file_kept_byte_for_byte(
    hass: HomeAssistant, storage_dir: Path, content: bytes
) -> None:
    """A file that does not load is copied as it is, privately; the history starts empty."""
    (storage_dir / KEY).write_bytes(content)
    stored, aside = await HistoryStore(hass, ENTRY_ID).async_load_history()
    assert stored == StoredHistory()
    assert aside == str(storage_dir / f"{KEY}.unreadable")
    assert Path(aside).read_bytes() == content
    assert stat.S_IMODE(Path(aside).stat().st_mode) == 0o600
    # Nothing wrote over the original before it was copied.
    assert (storage_dir / KEY).read_bytes() == content


async def test_earlier_copies_are_never_overwritten(
    hass: HomeAssistant, storage_dir: Path
) -> None:
    """Each unreadable file gets its own copy, the earlier ones left alone."""
    contents = [b"[1]", b"[2]", b"[3]"]
    paths = []
    for content in contents:
        (storage_dir / KEY).write_bytes(content)
        _, aside = await HistoryStore(hass, ENTRY_ID).async_load_history()
        paths.append(aside)
    assert paths == [
        str(storage_dir / f"{KEY}.unreadable"),
        str(storage_dir / f"{KEY}.unreadable.1"),
        str(storage_dir / f"{KEY}.unreadable.2"),
    ]
    assert [Path(path).read_bytes() for path in paths] == contents


async def test_newer_home_assistant_refusal_is_kept_aside(
    hass: HomeAssistant, storage_dir: Path
) -> None:
    """Home Assistant 2026.3+ refuses a newer major version itself: kept aside too."""

    class UnsupportedStorageVersionError(HomeAssistantError):
        """Stand-in for the error of Home Assistant 2026.3+, absent in 2025.4."""

    async def load_like_2026(store: storage.Store[Any]) -> Any:
        """Refuse a newer major version before any migrate hook, as 2026.3+ does."""
        raw = await hass.async_add_executor_job(Path(store.path).read_bytes)
        if json.loads(raw)["version"] > store.version:
            raise UnsupportedStorageVersionError(store.key)
        return await REAL_STORE["_async_load"](store)

    content = store_file({}, version=2)
    (storage_dir / KEY).write_bytes(content)
    with (
        patch.object(
            storage,
            "UnsupportedStorageVersionError",
            UnsupportedStorageVersionError,
            create=True,
        ),
        patch.object(storage.Store, "_async_load", load_like_2026),
    ):
        stored, aside = await HistoryStore(hass, ENTRY_ID).async_load_history()
    assert stored == StoredHistory()
    assert aside is not None
    assert Path(aside).read_bytes() == content


async def test_invalid_json_left_to_home_assistant(
    hass: HomeAssistant, storage_dir: Path
) -> None:
    """Home Assistant renames a file that is not JSON itself; nothing is lost."""
    content = b'{"version": 1, "data": {"consumption": '
    (storage_dir / KEY).write_bytes(content)
    stored, aside = await HistoryStore(hass, ENTRY_ID).async_load_history()
    assert (stored, aside) == (StoredHistory(), None)
    assert [path.read_bytes() for path in storage_dir.glob(f"{KEY}.corrupt.*")] == [
        content
    ]
    assert not list(storage_dir.glob(f"{KEY}.unreadable*"))


async def test_readable_file_loads_untouched(
    hass: HomeAssistant, storage_dir: Path
) -> None:
    """A valid file loads as it was saved, and nothing is kept aside."""
    saved = History()
    fetch = FetchState(quota_until=datetime(2026, 11, 20, 12, tzinfo=UTC))
    saved.merge_daily(
        MeasureType.DAILY_CONSUMPTION, [DailyReading(day=date(2026, 11, 19), wh=9000)]
    )
    content = store_file(encode_history(saved, fetch))
    (storage_dir / KEY).write_bytes(content)
    stored, aside = await HistoryStore(hass, ENTRY_ID).async_load_history()
    assert aside is None
    assert stored.history.consumption.daily == {date(2026, 11, 19): 9000}
    assert stored.fetch == fetch
    assert (storage_dir / KEY).read_bytes() == content
    assert not list(storage_dir.glob(f"{KEY}.unreadable*"))
