"""Base entity of the integration."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import EnedisCoordinator


class EnedisEntity(CoordinatorEntity[EnedisCoordinator]):
    """An entity of a Linky PDL."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: EnedisCoordinator, description: EntityDescription
    ) -> None:
        """Initialize the entity."""
        super().__init__(coordinator)
        self.entity_description = description
        pdl = coordinator.pdl
        self._attr_unique_id = f"{pdl}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, pdl)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Enedis",
            model="Linky",
            name=f"Linky {pdl}",
            serial_number=pdl,
        )
