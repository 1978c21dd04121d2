"""MQTT mirror of the original EnedisGateway2MQTT topic tree."""

from __future__ import annotations

import asyncio
import time

from homeassistant.components import mqtt
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

from .const import (
    DOMAIN,
    LOGGER,
)
from .linky.history import History
from .linky.mqtt_payloads import mqtt_payloads
from .linky.pipeline import Snapshot
from .linky.redact import MARKER
from .options import EnedisOptions

ISSUE_MQTT_UNAVAILABLE = "mqtt_unavailable"


def _mqtt_connected(hass: HomeAssistant) -> bool:
    """Return True when Home Assistant's MQTT integration is loaded and connected."""
    return bool(hass.config_entries.async_loaded_entries(mqtt.DOMAIN)) and (
        mqtt.is_connected(hass)
    )


class MqttMirror:
    """Publish what changed through Home Assistant's MQTT integration."""

    def __init__(self, hass: HomeAssistant, pdl: str) -> None:
        """Initialize the mirror."""
        self.hass = hass
        self.pdl = pdl
        self._lock = asyncio.Lock()
        # What the broker holds as far as we know, and what it should hold.
        self._published: dict[str, str] = {}
        self._wanted: dict[str, str] = {}
        self._settings: tuple[bool, int] = (False, 0)
        self._secrets: tuple[str, ...] = ()
        self._listening = False
        self._unavailable = False
        self._failing = False

    @property
    def _issue_id(self) -> str:
        return f"{ISSUE_MQTT_UNAVAILABLE}_{self.pdl}"

    async def async_publish(
        self, history: History, options: EnedisOptions, data: Snapshot
    ) -> None:
        """Publish the topics whose payload changed."""
        if (mqtt_settings := options.mqtt) is None:
            self._published = {}
            self._wanted = {}
            self._unavailable = False
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
            return
        wanted = mqtt_payloads(
            history,
            pdl=self.pdl,
            prefix=mqtt_settings.prefix,
            tariff=data.tariff,
            today=data.today,
            production=options.production,
            error=data.last_error,
        )
        settings = (mqtt_settings.retain, mqtt_settings.qos)
        if settings != self._settings:
            # Republish everything with the new retain flag and QoS.
            self._published = {}
            self._settings = settings
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, self.pdl
        )
        self._secrets = tuple(
            secret
            for secret in (
                entry.data.get(CONF_ACCESS_TOKEN) if entry else None,
                options.influxdb.token if options.influxdb else None,
            )
            if isinstance(secret, str) and secret
        )
        self._wanted = {
            topic: self._redact(payload) for topic, payload in wanted.items()
        }
        if entry is not None and not self._listening:
            # Publish everything again each time the client (re)connects: a broker
            # restarted without persistence has lost the retained topics.
            entry.async_on_unload(
                mqtt.async_subscribe_connection_status(self.hass, self._on_connection)
            )
            self._listening = True
        await self._async_flush()

    def _redact(self, payload: str) -> str:
        """
        Blank any secret out of a payload.

        Error texts reach the history already cleared of any echo of the token by
        the client; here only whole secrets are looked for, as fragments of 8
        characters would also hit plain numbers such as a PDL.
        """
        for secret in self._secrets:
            payload = payload.replace(secret, MARKER)
        return payload

    @callback
    def _on_connection(self, connected: bool) -> None:
        """Republish everything after a (re)connection."""
        self._published = {}
        if connected and self._wanted:
            # MQTT connects while its entry is still being set up: trust the signal,
            # the entry is not loaded yet.
            self.hass.async_create_background_task(
                self._async_flush(connected=True),
                f"{DOMAIN} MQTT mirror {self.pdl[-4:]}",
            )

    async def _async_flush(self, *, connected: bool = False) -> None:
        """Send the wanted payloads that differ from the published ones."""
        async with self._lock:
            if not (connected or _mqtt_connected(self.hass)):
                self._set_unavailable()
                return
            if self._unavailable:
                LOGGER.info("Linky %s: MQTT is available again", self.pdl[-4:])
                self._unavailable = False
                ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
            await self._async_send()

    def _set_unavailable(self) -> None:
        """Log once and raise a repair issue: the mirror is on but MQTT is not."""
        if self._unavailable:
            return
        self._unavailable = True
        LOGGER.warning(
            "Linky %s: the MQTT mirror is on but MQTT is not set up or not connected",
            self.pdl[-4:],
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_MQTT_UNAVAILABLE,
            translation_placeholders={"pdl": self.pdl},
        )

    async def _async_send(self) -> None:
        """Publish the changed topics; an empty payload clears a topic that is gone."""
        retain, qos = self._settings
        wanted = self._wanted
        published = self._published
        changes = [
            (topic, payload)
            for topic, payload in wanted.items()
            if published.get(topic) != payload
        ]
        changes.extend((topic, "") for topic in published.keys() - wanted.keys())
        started = time.monotonic()
        for topic, payload in changes:
            try:
                await mqtt.async_publish(self.hass, topic, payload, qos, retain)
            except (HomeAssistantError, ValueError) as err:
                # ValueError: paho refuses a topic or a payload; the update goes on.
                if not self._failing:
                    LOGGER.warning(
                        "Linky %s: MQTT publish failed, retried next update: %s",
                        self.pdl[-4:],
                        err,
                    )
                    self._failing = True
                return
            if topic in wanted:
                published[topic] = payload
            else:
                del published[topic]
        if changes:
            LOGGER.debug(
                "Linky %s: %d MQTT topics published in %.2f s",
                self.pdl[-4:],
                len(changes),
                time.monotonic() - started,
            )
        self._failing = False
