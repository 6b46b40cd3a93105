"""Per-key throttling. The counters live in the default cache (Redis in production), so every
web process shares them. Rates are read at request time from `RENOVATION_API_RATES`, so an
operator (or a test) can change them without reloading DRF's settings."""

from __future__ import annotations

import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

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


class ApiKeyRateThrottle(_FailOpen, UserRateThrottle):
    """One bucket per user: a token belongs to exactly one user, so this is per key, and a
    browser session shares its user's bucket."""

    scope = "user"

    def get_rate(self) -> str | None:
        return settings.RENOVATION_API_RATES.get(self.scope)


class AnonymousRateThrottle(_FailOpen, AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str | None:
        return settings.RENOVATION_API_RATES.get(self.scope)
