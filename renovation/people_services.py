"""Delegated administration: district officials create, re-scope, deactivate and reset the
passwords of the people of their district, and issue and revoke named API keys. The pages
(renovation/people_views.py) and the API (renovation/api/people_views.py) call these.

Who may do what is in renovation/access.py; every change is kept in the user's or the key's
history (django-simple-history) with who and why, so the audit trail lists it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record

from renovation import access
from renovation.api.caching import data_changed
from renovation.api_keys import (
    DEFAULT_LIFETIME_DAYS,
    LONGEST_LIFETIME_DAYS,
    ApiKey,
    issue_key,
)
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.models import User

# The geography lives in programmes (a layer above): reached through the user's own relations
# rather than imported (the type checker reads the models themselves).
if TYPE_CHECKING:
    from programmes.models import District, Street
else:
    District = User._meta.get_field("district").related_model
    Street = User._meta.get_field("street").related_model


def _require_manager(by: User) -> None:
    access.require(
        access.can_manage_people(by),
        _("Only district officials manage people and API keys."),
    )


def _require_managed(by: User, user: User) -> None:
    """The account is one `by` manages, and not `by` itself (a colleague or the platform
    administrator changes one's own account)."""
    _require_manager(by)
    if user.pk == by.pk:
        raise PermissionDenied(
            _("You cannot change your own account here; ask a colleague or the administrator.")
        )
    if not User.objects.filter(access.managed_users_q(by), pk=user.pk).exists():
        raise PermissionDenied(_("This account is outside your district."))


def _check_version(user: User, version: int | None) -> None:
    if version is not None and version != user.version:
        raise ConflictError()


def _scope(
    *, by: User, role: str, district: District | None, street: Street | None
) -> tuple[District | None, Street | None]:
    """The scope a role gets: (district, street) to store, checked against `by`'s own."""
    if role not in access.assignable_roles(by):
        raise ValidationError(
            {
                "role": _(
                    "You cannot give this role: choose a street officer, a district "
                    "official or an API client."
                )
            }
        )
    if street is not None and district is not None and street.district_id != district.pk:
        raise ValidationError({"street": _("This street office is not in the chosen district.")})
    if role == User.Role.STREET_OFFICER:
        if street is None:
            raise ValidationError({"street": _("A street officer needs a street office.")})
        district = None
    elif role == User.Role.API_CLIENT:
        if street is None and district is None:
            raise ValidationError({"district": _("Choose the district or street office.")})
        if street is not None:
            district = None
    else:
        if street is not None:
            raise ValidationError(
                {"street": _("This role is scoped to a whole district: leave the street empty.")}
            )
        if district is None:
            raise ValidationError({"district": _("Choose the district.")})
    # Every role above stores a street or a district.
    district_id = (
        street.district_id if street is not None else district.pk if district is not None else None
    )
    if not access.may_scope_to_district(by, district_id):
        raise ValidationError(
            {"district": _("You can only give a scope inside your own district.")}
        )
    return district, street


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None


def _revoke_keys_of(user: User, *, by: User, reason: str) -> None:
    for key in ApiKey.objects.filter(owner=user, revoked_at__isnull=True):
        key.revoked_at = timezone.now()
        key.revoked_by = by
        key.revoke_reason = reason[:200]
        stamp(key, by=by, reason=reason)
        key.save()


@transaction.atomic
def user_create(
    *,
    by: User,
    username: str,
    role: str,
    password: str,
    district: District | None = None,
    street: Street | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    reason: str = "",
) -> User:
    """A new account in `by`'s district, with a password under the password policy."""
    _require_manager(by)
    username = username.strip()
    errors: dict[str, list[str]] = {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        errors["username"] = error.messages
    if not username:
        errors["username"] = [_("Enter a username.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is already taken.")]
    if errors:
        raise ValidationError(errors)
    district, street = _scope(by=by, role=role, district=district, street=street)
    user = User(
        username=username,
        role=role,
        district=district,
        street=street,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
    )
    _check_password(password, user)
    user.set_password(password)
    stamp(user, by=by, reason=reason or _("Account created"))
    user.save()
    return user


@transaction.atomic
def user_update(
    *,
    by: User,
    user: User,
    version: int | None,
    role: str,
    district: District | None = None,
    street: Street | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    reason: str = "",
) -> User:
    """Change a person's name, contact, role or scope (re-scoping revokes its API keys: a key
    issued for one street must not follow its holder to another)."""
    _require_managed(by, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    _check_version(locked, version)
    district, street = _scope(by=by, role=role, district=district, street=street)
    rescoped = (locked.role, locked.district_id, locked.street_id) != (
        role,
        district.pk if district else None,
        street.pk if street else None,
    )
    locked.role = role
    locked.district = district
    locked.street = street
    locked.city = None
    locked.province = None
    locked.first_name = first_name.strip()
    locked.last_name = last_name.strip()
    locked.email = email.strip()
    locked.phone = phone.strip()
    locked.version += 1
    reason = reason or (_("Role or scope changed") if rescoped else _("Details changed"))
    stamp(locked, by=by, reason=reason)
    locked.save()
    if rescoped:
        _revoke_keys_of(locked, by=by, reason=_("Holder's role or scope changed"))
        # Cached API statistics are kept per user: they must follow the new scope at once.
        transaction.on_commit(data_changed)
    return locked


@transaction.atomic
def user_set_active(
    *, by: User, user: User, active: bool, reason: str, version: int | None = None
) -> User:
    """Deactivate (the person can no longer sign in, its keys are revoked) or reactivate."""
    _require_managed(by, user)
    reason = reason.strip()
    if not active and not reason:
        raise ValidationError({"reason": _("Say why the account is deactivated.")})
    locked = User.objects.select_for_update().get(pk=user.pk)
    _check_version(locked, version)
    if locked.is_active == active:
        raise ValidationError(
            _("This account is already active.")
            if active
            else _("This account is already deactivated.")
        )
    locked.is_active = active
    locked.version += 1
    stamp(
        locked,
        by=by,
        reason=reason or (_("Account reactivated") if active else _("Account deactivated")),
    )
    locked.save()
    if not active:
        _revoke_keys_of(locked, by=by, reason=_("Holder's account deactivated"))
    return locked


@transaction.atomic
def user_password_reset(*, by: User, user: User, password: str, reason: str = "") -> User:
    """Set a new password for a person (who then changes it on the password page)."""
    _require_managed(by, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    _check_password(password, locked)
    locked.set_password(password)
    locked.version += 1
    stamp(locked, by=by, reason=reason or _("Password reset"))
    locked.save()
    return locked


# --- API keys --------------------------------------------------------------------------------


def _key_scope(owner: User) -> tuple[int | None, int | None]:
    """(district id, city id) where a key of `owner` is issued."""
    if owner.street is not None:
        district = owner.street.district
        return district.pk, district.city_id
    if owner.district is not None:
        return owner.district.pk, owner.district.city_id
    return None, owner.city_id


@transaction.atomic
def api_key_issue(
    *,
    by: User,
    name: str,
    owner: User | None = None,
    permission: str = ApiKey.Permission.READ,
    expires_on: dt.date | None = None,
) -> tuple[ApiKey, str]:
    """A new named key for `owner` (an account `by` manages, or `by` itself). Returns the key
    record and the key itself, which is shown once and never stored."""
    _require_manager(by)
    owner = owner or by
    if (
        owner.pk != by.pk
        and not User.objects.filter(access.managed_users_q(by), pk=owner.pk).exists()
    ):
        raise ValidationError({"owner": _("This account is outside your district.")})
    if not owner.is_active:
        raise ValidationError({"owner": _("This account is deactivated.")})
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the key a name, e.g. the system that will use it.")]
    elif ApiKey.objects.filter(owner=owner, name=name, revoked_at__isnull=True).exists():
        errors["name"] = [_("This holder already has an active key of this name.")]
    if permission not in ApiKey.Permission.values:
        errors["permission"] = [_("Choose what the key may do.")]
    elif permission == ApiKey.Permission.WRITE_PROGRESS and not access.may_hold_progress_key(owner):
        errors["permission"] = [
            _("Only keys of street officers and district officials may file progress.")
        ]
    today = timezone.localdate()
    if expires_on is None:
        expires_on = today + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)
    if expires_on <= today:
        errors["expires_on"] = [_("The expiry date must be after today.")]
    elif expires_on > today + dt.timedelta(days=LONGEST_LIFETIME_DAYS):
        errors["expires_on"] = [_("A key may be valid for at most three years.")]
    if errors:
        raise ValidationError(errors)
    district_id, city_id = _key_scope(owner)
    if owner.pk != by.pk and not access.may_scope_to_district(by, district_id):
        raise ValidationError({"owner": _("This account is outside your district.")})
    return issue_key(
        owner=owner,
        name=name,
        permission=permission,
        expires_on=expires_on,
        by=by,
        district_id=district_id,
        city_id=city_id,
        reason=_("Key issued"),
    )


@transaction.atomic
def api_key_revoke(*, by: User, key: ApiKey, reason: str) -> ApiKey:
    """Revoke a key at once: the next request made with it is refused (401)."""
    _require_manager(by)
    if not ApiKey.objects.filter(access.managed_keys_q(by), pk=key.pk).exists():
        raise PermissionDenied(_("This key is outside your district."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the key is revoked.")})
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This key is already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revoke_reason = reason[:200]
    stamp(locked, by=by, reason=reason)
    locked.save()
    return locked


# --- History rows of users carry where the user sat (for the audit trail's scope) ----------


@receiver(pre_create_historical_record)
def _user_history_scope(sender, instance=None, history_instance=None, **kwargs) -> None:
    if not isinstance(instance, User) or history_instance is None:
        return
    if instance.street_id:
        street = Street.objects.select_related("district").get(pk=instance.street_id)
        history_instance.scope_district_id = street.district_id
        history_instance.scope_city_id = street.district.city_id
    elif instance.district_id:
        history_instance.scope_district_id = instance.district_id
        history_instance.scope_city_id = (
            District.objects.filter(pk=instance.district_id)
            .values_list("city_id", flat=True)
            .first()
        )
    else:
        history_instance.scope_city_id = instance.city_id
