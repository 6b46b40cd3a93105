"""Template context for the site header: the notification bell."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict:
    """`unread_notifications`: the user's unread count, computed only when a template uses
    it (one query), so pages without the bell pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return unread_count(user=user)

    return {"unread_notifications": SimpleLazyObject(count)}
