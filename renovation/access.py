"""Who may see and change what: the scope rules, in one place.

Every scoped model's queryset inherits `ScopedQuerySet` and names the paths from itself to its
street, district and city. Pages, API and exports all start from `Model.objects.visible_to(user)`,
so an object outside the user's scope simply does not exist for them (404, never a leak).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Self

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    # Types only: the core never imports the layers above it at run time; the rules below
    # read the few attributes they need from the records they are given.
    from funding.models import Commitment, Expenditure, Receipt
    from programmes.models import Programme, Project
    from renovation.models import User

NOTHING = Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """A queryset that can restrict itself to what a user may read.

    Subclasses set `scope_paths`: the lookup from the model to its street, district and city
    (None where the model sits above that level, "" where the model *is* that level). The path
    to the province follows from the city's (`province_path`) unless a "province" key says
    otherwise.
    """

    scope_paths: ClassVar[dict[str, str | None]] = {
        "street": "street",
        "district": "street__district",
        "city": "street__district__city",
    }

    def visible_to(self, user: User | None) -> Self:
        return self.filter(scope_q(user, self.scope_paths))


def _lookup(path: str | None) -> str | None:
    """Lookup for a model's own level ("" means the model itself, compared by pk)."""
    if path is None:
        return None
    return path or "pk"


def province_path(paths: dict[str, str | None]) -> str | None:
    """The lookup from a model to its province: given, or one step beyond its city."""
    if "province" in paths:
        return paths["province"]
    city = paths.get("city")
    if city is None:
        return None
    return "province" if city == "" else f"{city}__province"


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
        if (street := user.street) is None:
            return NOTHING
        if district_lookup is not None:
            return Q(**{district_lookup: street.district_id})
        return Q(**{city_lookup: street.district.city_id}) if city_lookup else NOTHING
    if user.district_id:
        if district_lookup is not None:
            return Q(**{district_lookup: user.district_id})
        if (district := user.district) is None:
            return NOTHING
        return Q(**{city_lookup: district.city_id}) if city_lookup else NOTHING
    if user.city_id:
        return Q(**{city_lookup: user.city_id}) if city_lookup is not None else NOTHING
    if user.province_id:
        province_lookup = province_path(paths)
        return Q(**{province_lookup: user.province_id}) if province_lookup else NOTHING
    if reads_whole_instance(user):
        return Q()
    return NOTHING


def reads_whole_instance(user: User) -> bool:
    """A city viewer or API client with no province, city, district or street set reads the
    whole instance (a national view); any other role without a scope reads nothing."""
    return not (
        user.street_id or user.district_id or user.city_id or user.province_id
    ) and user.role in (user.Role.CITY_VIEWER, user.Role.API_CLIENT)


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


def is_auditor(user: User) -> bool:
    """An auditor (not a platform administrator): reads, changes nothing."""
    return bool(user.is_authenticated and not user.is_superuser and user.role == user.Role.AUDITOR)


def can_see_personal_data(user: User | None, *, street_id: int, district_id: int) -> bool:
    """Residents' names, phone numbers and contacts, unmasked (governance/masking.py): the
    street officers of the record's street and the district officials of its district, who need
    to call committee members; everyone else (city viewers, auditors, API clients, other
    districts) sees them masked."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role == user.Role.STREET_OFFICER:
        return user.street_id == street_id
    if user.role == user.Role.DISTRICT_OFFICIAL:
        return user.district_id == district_id
    return False


def can_see_system_health(user: User) -> bool:
    """The detailed status of the services the platform runs on (/healthz/detail/) is for the
    platform administrator, who can act on it."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def can_request_recompute(user: User) -> bool:
    """District officials and platform administrators start a full recompute of the statistics,
    watch its run, and are told when the last run failed (they can act on it)."""
    return bool(
        user.is_authenticated and (user.is_superuser or user.role == user.Role.DISTRICT_OFFICIAL)
    )


def can_import_census(user: User) -> bool:
    """A district's official imports its census of compounds and buildings; a platform
    administrator imports for a district it names."""
    return can_set_up_in_district(user, user.district_id)


def responsible_users_q(*, street_ids: Iterable[int], district_ids: Iterable[int]) -> Q:
    """Who acts on what falls due in a street or a district (reminders): the street officers of
    the street, who file its records, and the district officials of the district, who approve."""
    return Q(role="street_officer", street__in=street_ids) | Q(
        role="district_official", district__in=district_ids
    )


def is_street_officer(user: User) -> bool:
    return user.role == user.Role.STREET_OFFICER


# --- Money (funding) -------------------------------------------------------------------------


def can_write_project_money(user: User, project: Project) -> bool:
    """Street officers book their street's project money; the district books any of its own."""
    street = project.compound.street
    return can_file_street_records(user, street.pk) or can_approve_in_district(
        user, street.district_id
    )


def can_write_line(user: User, commitment: Commitment, project: Project | None) -> bool:
    """Who may book receipts and expenditures on a line (a commitment and its project)."""
    if project is not None:
        return can_write_project_money(user, project)
    return can_approve_in_district(user, commitment.programme.district_id)


def can_manage_programme_money(user: User, programme: Programme) -> bool:
    """Programme-level money (a district bond issue) and its allocation are district business."""
    return can_approve_in_district(user, programme.district_id)


def can_reverse_commitment(user: User, commitment: Commitment) -> bool:
    """A commitment is corrected (冲销, its value assessed) by whoever may plan it while it is
    planned; approved money only by the district, which approved it."""
    if commitment.status == "approved":
        return can_approve_in_district(user, commitment.programme.district_id)
    if commitment.project is not None:
        return can_write_project_money(user, commitment.project)
    return can_manage_programme_money(user, commitment.programme)


def can_assess(user: User, commitment: Commitment) -> bool:
    """The value of a contribution in kind is set as a correction is made."""
    return can_reverse_commitment(user, commitment)


def can_reverse_record(user: User, record: Receipt | Expenditure) -> bool:
    """A receipt or expenditure is reversed by whoever may book on its line."""
    return can_write_line(user, record.commitment, record.project)


def can_attach_voucher(user: User, record: Receipt | Expenditure) -> bool:
    """Whoever may book on the record's line attaches its vouchers."""
    return can_reverse_record(user, record)


def can_split(user: User, commitment: Commitment) -> bool:
    """A line published as combining sub-types is split by the district's officials."""
    return can_approve_in_district(user, commitment.programme.district_id)


# --- People and API keys (delegated administration) -----------------------------------------
#
# District officials manage the people and keys of their own district: they create, re-scope,
# deactivate and reset the passwords of street officers, colleagues and API clients there, and
# issue and revoke keys. Never beyond their district, never a role or scope above their own,
# never a superuser or staff account, never themselves (their own account is changed by a
# colleague or the platform administrator).


def can_manage_people(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role == user.Role.DISTRICT_OFFICIAL and user.district_id is not None


def managed_users_q(manager: User) -> Q:
    """The accounts `manager` may see and change on the people pages and `/api/v1/users/`."""
    if not can_manage_people(manager):
        return NOTHING
    if manager.is_superuser:
        return Q(is_superuser=False)
    district = manager.district_id
    return (Q(district_id=district) | Q(street__district_id=district)) & Q(
        is_superuser=False, is_staff=False
    )


def managed_keys_q(manager: User) -> Q:
    """The API keys `manager` may list and revoke: those issued in its district."""
    if not can_manage_people(manager):
        return NOTHING
    if manager.is_superuser:
        return Q()
    return Q(district_id=manager.district_id)


def assignable_roles(manager: User) -> list[str]:
    """Roles `manager` may give: its own (colleagues) and those below it, never a reader of a
    wider scope (city viewers, auditors) nor platform administration."""
    from renovation.models import User as UserModel

    roles = [
        UserModel.Role.STREET_OFFICER,
        UserModel.Role.DISTRICT_OFFICIAL,
        UserModel.Role.API_CLIENT,
    ]
    if manager.is_superuser:
        roles += [UserModel.Role.CITY_VIEWER, UserModel.Role.AUDITOR]
    return [str(role) for role in roles]


def may_scope_to_district(manager: User, district_id: int | None) -> bool:
    """A district (or a street of it) `manager` may give a user or a key."""
    if manager.is_superuser:
        return True
    return district_id is not None and district_id == manager.district_id


# API keys: a read key reads; a progress key also writes what a street office files on site.
PROGRESS_WRITE_ENDPOINTS = frozenset(
    {
        "project-progress-reports",
        "progress-report-photos",
        "project-site-problems",
        "site-problem-close",
    }
)


def may_hold_progress_key(owner: User) -> bool:
    """A progress key files what its holder could file on the pages: only street officers and
    district officials hold one."""
    return owner.role in (owner.Role.STREET_OFFICER, owner.Role.DISTRICT_OFFICIAL)


def key_allows_write(permission: str, url_name: str | None) -> bool:
    """Whether a key with `permission` may send a write to the endpoint named `url_name`
    (what the key's holder may do is then checked by the services, as for any request)."""
    return permission == "write_progress" and url_name in PROGRESS_WRITE_ENDPOINTS


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
