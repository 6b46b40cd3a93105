"""Who may see and change what: the scope rules, in one place.

Every scoped model's queryset inherits `ScopedQuerySet` and names the paths from itself to its
street, district and city. Pages, API and exports all start from `Model.objects.visible_to(user)`,
so an object outside the user's scope simply does not exist for them (404, never a leak).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from renovation.models import User

NOTHING = Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """A queryset that can restrict itself to what a user may read.

    Subclasses set `scope_paths`: the lookup from the model to its street, district and city
    (None where the model sits above that level, "" where the model *is* that level).
    """

    scope_paths: ClassVar[dict[str, str | None]] = {
        "street": "street",
        "district": "street__district",
        "city": "street__district__city",
    }

    def visible_to(self, user: User | None) -> ScopedQuerySet:
        return self.filter(scope_q(user, self.scope_paths))


def _lookup(path: str | None) -> str | None:
    """Lookup for a model's own level ("" means the model itself, compared by pk)."""
    if path is None:
        return None
    return path or "pk"


def scope_q(user: User | None, paths: dict[str, str | None]) -> Q:
    """The filter that keeps only rows inside the user's scope."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    street_lookup = _lookup(paths.get("street"))
    district_lookup = _lookup(paths.get("district"))
    city_lookup = _lookup(paths.get("city"))
    if user.street_id:
        if street_lookup is not None:
            return Q(**{street_lookup: user.street_id})
        # Models above street level (district, city): a street officer reads its own district.
        if district_lookup is not None:
            return Q(**{district_lookup: user.street.district_id})
        return Q(**{city_lookup: user.street.district.city_id}) if city_lookup else NOTHING
    if user.district_id:
        if district_lookup is not None:
            return Q(**{district_lookup: user.district_id})
        return Q(**{city_lookup: user.district.city_id}) if city_lookup else NOTHING
    if user.city_id:
        return Q(**{city_lookup: user.city_id}) if city_lookup is not None else NOTHING
    if user.role in (user.Role.CITY_VIEWER, user.Role.API_CLIENT):
        return Q()  # an unscoped viewer reads the whole instance
    return NOTHING


def can_file_street_records(user: User, street_id: int) -> bool:
    """Street officers write progress, problems and governance records for their own street."""
    if user.is_superuser:
        return True
    return user.role == user.Role.STREET_OFFICER and user.street_id == street_id


def can_approve_in_district(user: User, district_id: int) -> bool:
    """District officials approve stage changes and return reports within their district."""
    if user.is_superuser:
        return True
    return user.role == user.Role.DISTRICT_OFFICIAL and user.district_id == district_id


def can_set_up_in_district(user: User, district_id: int | None) -> bool:
    """District officials set up their own district's programmes, projects, work items,
    acceptance records and district work types (no superuser needed)."""
    if user.is_superuser:
        return True
    return (
        user.is_authenticated
        and user.role == user.Role.DISTRICT_OFFICIAL
        and district_id is not None
        and user.district_id == district_id
    )


def can_read_audit_trail(user: User) -> bool:
    """Auditors (and platform administrators) read the change history of the records in their
    scope: who changed what, and when."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role == user.Role.AUDITOR


def is_read_only_role(user: User) -> bool:
    """Roles that change nothing, whatever their scope: API clients and auditors."""
    return bool(
        user.is_authenticated
        and not user.is_superuser
        and user.role in (user.Role.API_CLIENT, user.Role.AUDITOR)
    )


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("Your role does not allow this action."))


def can_enter_historical_record(user: User, district_id: int) -> bool:
    """A project that started or finished in the past is entered with its dates, its gates
    waived on the official's word, by the district's officials (who approve stage changes)."""
    return can_approve_in_district(user, district_id)


def can_set_up_geography(user: User, district_id: int) -> bool:
    """District officials set up their own district's streets, communities, areas, compounds
    and buildings, and merge its duplicate compounds (street officers report on them): the
    same rule as the rest of a district's set-up."""
    if not user.is_authenticated or not user.is_active:
        return False
    return can_set_up_in_district(user, district_id)
