"""Buttons for the one-shot actions."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EnedisConfigEntry
from .entity import EnedisEntity
from .services import (
    Action,
    refresh_addresses,
    refresh_contract,
    retry_skipped_days,
    wipe_cache,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class EnedisButtonEntityDescription(ButtonEntityDescription):
    """Describes a button running one action."""

    press_fn: Action


BUTTONS: tuple[EnedisButtonEntityDescription, ...] = (
    EnedisButtonEntityDescription(
        key="refresh_contract",
        translation_key="refresh_contract",
        entity_category=EntityCategory.CONFIG,
        press_fn=refresh_contract,
    ),
    EnedisButtonEntityDescription(
        key="refresh_addresses",
        translation_key="refresh_addresses",
        entity_category=EntityCategory.CONFIG,
        press_fn=refresh_addresses,
    ),
    EnedisButtonEntityDescription(
        key="retry_skipped_days",
        translation_key="retry_skipped_days",
        entity_category=EntityCategory.CONFIG,
        press_fn=retry_skipped_days,
    ),
    EnedisButtonEntityDescription(
        key="wipe_cache",
        translation_key="wipe_cache",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=wipe_cache,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnedisConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the buttons."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        EnedisButtonEntity(coordinator, description) for description in BUTTONS
    )


class EnedisButtonEntity(EnedisEntity, ButtonEntity):
    """A button running one action."""

    entity_description: EnedisButtonEntityDescription

    async def async_press(self) -> None:
        """Run the action."""
        await self.entity_description.press_fn(self.coordinator)
