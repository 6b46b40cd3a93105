"""Shared checks of the governance services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Building, Compound, Project
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.errors import ConflictError
from renovation.validation import (
    EARLIEST_DATE,
    date_range_errors,
)

from ..models import (
    ScopeKind,
)

if TYPE_CHECKING:
    from renovation.models import User


CENT = Decimal("0.01")
MINUTES_MAX_BYTES = 10 * 1024 * 1024


class RateLimitedError(Exception):
    """Too many public submissions from one address; nothing was written."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# --- Shared checks -------------------------------------------------------------------------


def _require_street(by: User, compound: Compound) -> None:
    require(
        can_file_street_records(by, compound.street_id),
        _("Only the street office in charge records governance for this compound."),
    )


def _require_street_or_district(by: User, compound: Compound) -> None:
    street = compound.street
    require(
        can_file_street_records(by, street.pk) or can_approve_in_district(by, street.district_id),
        _("Only the street office in charge or the district may do this."),
    )


def _check_version(locked: Any, version: int | None) -> None:
    if version is not None and locked.version != version:
        raise ConflictError()


def _not_in_future(errors: dict, key: str, day: dt.date | None, label: str) -> None:
    if day is None:
        errors.setdefault(key, []).append(_("Enter the date."))
    elif day < EARLIEST_DATE:
        date_range_errors(errors, key, day)
    elif day > timezone.localdate():
        errors.setdefault(key, []).append(
            _("%(label)s cannot be in the future.") % {"label": label}
        )


def _text(value: str | None) -> str:
    return (value or "").strip()


def _project_of(compound: Compound, project: Project | None) -> Project | None:
    if project is not None and project.compound_id != compound.pk:
        raise ValidationError({"project": _("The project belongs to another compound.")})
    return project


def _scope_fields(
    errors: dict, compound: Compound, scope_kind: str, building: Building | None, unit: str
) -> tuple[Building | None, str]:
    """Validate a survey's or vote's scope; returns the building and unit to store."""
    unit = _text(unit)
    if scope_kind not in ScopeKind.values:
        errors.setdefault("scope_kind", []).append(_("Choose what the vote covers."))
        return None, ""
    if scope_kind == ScopeKind.COMPOUND:
        return None, ""
    if building is None:
        errors.setdefault("building", []).append(_("Choose the building."))
    elif building.compound_id != compound.pk:
        errors.setdefault("building", []).append(_("The building belongs to another compound."))
    if scope_kind == ScopeKind.UNIT and not unit:
        errors.setdefault("unit", []).append(_("Name the building unit (for example 2单元)."))
    return building, unit if scope_kind == ScopeKind.UNIT else ""
