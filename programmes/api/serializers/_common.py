"""What the programmes serializers share: the version bound and the username field."""

from __future__ import annotations

from rest_framework import serializers

# Versions are PositiveIntegerField: keep inputs inside what every database stores.
MAX_VERSION = 2**31 - 1


class UsernameField(serializers.CharField):
    """A user reference as the username (read only)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return value.username
