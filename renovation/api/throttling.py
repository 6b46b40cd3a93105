"""Per-key throttling. The counters live in the default cache (Redis in production), so every
web process shares them. Rates are read at request time from `RENOVATION_API_RATES`, so an
operator (or a test) can change them without reloading DRF's settings. An anonymous caller is
counted by the address of `renovation.security.client_ip`, the rule of the login throttle:
DRF's own would believe any X-Forwarded-For the caller sends."""

from __future__ import annotations

import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from renovation.security import client_ip

logger = logging.getLogger(__name__)


class _FailOpen:
    """When the cache (Redis) cannot be reached, let the request through unthrottled rather
    than fail it: a street officer's report must be saved while Redis is down."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning("API throttling skipped: the cache is unreachable (%s)", error)
            return True


class _ClientAddress:
    """Anonymous callers are counted by the platform's one rule for the client's address
    (X-Forwarded-For only behind the configured number of proxies)."""

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class ApiKeyRateThrottle(_ClientAddress, _FailOpen, UserRateThrottle):
    """One bucket per user: a token belongs to exactly one user, so this is per key, and a
    browser session shares its user's bucket."""

    scope = "user"

    def get_rate(self) -> str | None:
        return settings.RENOVATION_API_RATES.get(self.scope)


class AnonymousRateThrottle(_ClientAddress, _FailOpen, AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str | None:
        return settings.RENOVATION_API_RATES.get(self.scope)
