"""Errors raised by the gateway client."""

from __future__ import annotations


class EnedisError(Exception):
    """Base of every error the gateway client raises."""


class AuthError(EnedisError):
    """The token is wrong or the consent has to be renewed."""


class InvalidPdlError(AuthError):
    """The PDL is malformed or unknown to the gateway."""


class QuotaError(EnedisError):
    """The daily quota is reached or the client is banned: stop until the next local day."""


class NoDataError(EnedisError):
    """The window holds no data: a hole, or the end of the reachable history."""


class GatewayError(EnedisError):
    """Server fault, timeout or unparseable reply: retry at the next cycle."""


class EndOfHistoryError(NoDataError):
    """The window starts before the reachable history (activation date or API depth)."""
