"""Per-key throttling. The counters live in the default cache (Redis in production), so every
web process shares them. Rates are read at request time from `RENOVATION_API_RATES`, so an
operator (or a test) can change them without reloading DRF's settings."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class ApiKeyRateThrottle(UserRateThrottle):
    """One bucket per user: a token belongs to exactly one user, so this is per key, and a
    browser session shares its user's bucket."""

    scope = "user"

    def get_rate(self) -> str | None:
        return settings.RENOVATION_API_RATES.get(self.scope)


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str | None:
        return settings.RENOVATION_API_RATES.get(self.scope)
