"""Reads of the people pages and API: the accounts and keys a district official manages, each
list in a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from renovation import access
from renovation.api_keys import ApiKey
from renovation.models import User

# The geography lives in programmes (a layer above): reached through the user's own relations
# rather than imported (the type checker reads the models themselves).
if TYPE_CHECKING:
    from programmes.models import District, Street
else:
    District = User._meta.get_field("district").related_model
    Street = User._meta.get_field("street").related_model


def managed_user_list(*, manager: User) -> QuerySet[User]:
    """The accounts `manager` manages, with their scope and active keys (one query)."""
    return (
        User.objects.filter(access.managed_users_q(manager))
        .select_related("district", "street", "street__district")
        .annotate(active_keys=Count("api_keys", filter=Q(api_keys__revoked_at__isnull=True)))
        .order_by("-is_active", "role", "username", "id")
    )


def managed_key_list(*, manager: User) -> QuerySet[ApiKey]:
    """The keys issued in `manager`'s district, newest first (one query)."""
    return (
        ApiKey.objects.filter(access.managed_keys_q(manager))
        .select_related("owner", "created_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def assignable_districts(*, manager: User) -> QuerySet[District]:
    if manager.is_superuser:
        return District.objects.order_by("code")
    if manager.district_id is None:
        return District.objects.none()
    return District.objects.filter(pk=manager.district_id)


def assignable_streets(*, manager: User) -> QuerySet[Street]:
    streets = Street.objects.select_related("district").order_by("district_id", "name")
    if manager.is_superuser:
        return streets
    if manager.district_id is None:
        return streets.none()
    return streets.filter(district_id=manager.district_id)


def user_history(*, user: User, limit: int = 20) -> list:
    """The latest changes of one account, with who made them (one query)."""
    return list(
        user.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    )
