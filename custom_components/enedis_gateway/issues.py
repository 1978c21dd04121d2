"""Repair issues: quota, consent, load curve not activated, unreadable storage."""

from __future__ import annotations

from datetime import datetime

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .linky.models import PARIS, SITE_URLS, Gateway

ENEDIS_ACCOUNT_URL = "https://mon-compte-client.enedis.fr"


def _issue_id(kind: str, pdl: str) -> str:
    return f"{kind}_{pdl}"


def quota_reached(hass: HomeAssistant, pdl: str, resume_at: datetime) -> None:
    """Say that the gateway's quota is reached and when calls resume."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id("quota_reached", pdl),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="quota_reached",
        translation_placeholders={
            "pdl": pdl,
            "resume_at": resume_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
        },
    )


def consent_expired(hass: HomeAssistant, pdl: str, gateway: Gateway) -> None:
    """Say that the consent or the token must be renewed on the gateway's site."""
    url = SITE_URLS[gateway]
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id("consent_expired", pdl),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        learn_more_url=url,
        translation_key="consent_expired",
        translation_placeholders={"pdl": pdl, "url": url},
    )


def storage_unreadable(hass: HomeAssistant, pdl: str, path: str) -> None:
    """Say that the stored history could not be read and where it was kept."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id("storage_unreadable", pdl),
        is_fixable=False,
        is_persistent=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="storage_unreadable",
        translation_placeholders={"pdl": pdl, "path": path},
    )


def deprecated_action(hass: HomeAssistant, old: str, new: str) -> None:
    """Say that an automation calls an action by its old name."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"deprecated_action_{old}",
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="deprecated_action",
        translation_placeholders={
            "old": f"{DOMAIN}.{old}",
            "new": f"{DOMAIN}.{new}",
        },
    )


def load_curve_not_activated(hass: HomeAssistant, pdl: str) -> None:
    """Say that the half-hourly collection must be activated on the Enedis account."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id("load_curve_not_activated", pdl),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        learn_more_url=ENEDIS_ACCOUNT_URL,
        translation_key="load_curve_not_activated",
        translation_placeholders={"pdl": pdl, "url": ENEDIS_ACCOUNT_URL},
    )


def clear(hass: HomeAssistant, pdl: str, *kinds: str) -> None:
    """Delete issues that no longer apply."""
    for kind in kinds:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, pdl))
