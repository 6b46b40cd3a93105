"""Compounds and their buildings: create and update, with their rules and plausibility warnings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import stale
from renovation.audit import stamp
from renovation.warnings import confirm_or_raise, confirmed_reason

from .. import plausibility
from ..models import Building, Compound, Street
from ._common import _check_version, _clean, _locked, _name, _require
from .areas import _street_in_district

if TYPE_CHECKING:
    from renovation.models import User

COMPOUND_FIELDS = (
    "code",
    "name",
    "address",
    "street",
    "community",
    "area",
    "year_built",
    "building_count",
    "households",
    "residents",
    "floor_area",
    "latitude",
    "longitude",
    "survey_status",
    *Compound.PROBLEM_FLAGS,
    "notes",
)
BUILDING_FIELDS = ("name", "floors", "units", "households", "has_elevator", "year_built")


def _compound_rules(compound: Compound, district_id: int) -> None:
    _street_in_district(compound.street, district_id)
    errors: dict[str, list[str]] = {}
    if compound.community is not None and compound.community.street_id != compound.street_id:
        errors["community"] = [_("Choose a community of the compound's street office.")]
    if compound.area is not None and compound.area.district_id != district_id:
        errors["area"] = [_("Choose an area of this district.")]
    this_year = timezone.localdate().year
    if compound.year_built is not None and not 1900 <= compound.year_built <= this_year:
        errors["year_built"] = [_("Enter a year between 1900 and %(year)s.") % {"year": this_year}]
    if compound.latitude is not None and not -90 <= compound.latitude <= 90:
        errors["latitude"] = [_("A latitude lies between -90 and 90.")]
    if compound.longitude is not None and not -180 <= compound.longitude <= 180:
        errors["longitude"] = [_("A longitude lies between -180 and 180.")]
    if (compound.latitude is None) != (compound.longitude is None):
        errors.setdefault("longitude", []).append(_("Give both latitude and longitude, or none."))
    if errors:
        raise ValidationError(errors)


def _apply(record: models.Model, values: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if key == "code":
            value = value or None  # a blank registry code is "none", not a duplicate ""
        setattr(record, key, value)


@transaction.atomic
def compound_create(*, by: User, street: Street, **values: Any) -> Compound:
    """Register a compound in `street` (the census import remains the way to load many)."""
    _require(by, street.district_id)
    compound = Compound(street=street)
    _apply(compound, values, COMPOUND_FIELDS)
    compound.name = _name(compound.name)
    _compound_rules(compound, street.district_id)
    _clean(compound)
    stamp(compound, by=by, reason=_("Compound registered"))
    compound.save()
    stale.mark_dirty(compound_ids=[compound.pk])
    return compound


@transaction.atomic
def compound_update(
    *,
    by: User,
    compound: Compound,
    version: int | None = None,
    confirm_warnings: bool = False,
    **values: Any,
) -> Compound:
    """Change a compound's registry fields (only those given). Moving it to another street
    office or area moves its projects' figures with it."""
    district_id = compound.street.district_id
    _require(by, district_id)
    locked = _locked(Compound, compound.pk)
    _check_version(locked, version)
    before = (locked.street_id, locked.area_id)
    _apply(locked, values, COMPOUND_FIELDS)
    if "name" in values:
        locked.name = _name(locked.name)
    _compound_rules(locked, district_id)
    _clean(locked)
    warnings = confirm_or_raise(
        plausibility.compound_households(compound=locked, households=locked.households),
        confirmed=confirm_warnings,
    )
    locked.version += 1
    stamp(locked, by=by, reason=confirmed_reason(_("Compound changed"), warnings))
    locked.save()
    stale.mark_dirty(
        compound_ids=[locked.pk],
        street_ids=[before[0]],
        area_ids=[before[1]],
        project_ids=list(locked.projects.values_list("pk", flat=True)),
    )
    return locked


def _building_rules(building: Building) -> None:
    this_year = timezone.localdate().year
    if building.year_built is not None and not 1900 <= building.year_built <= this_year:
        raise ValidationError(
            {"year_built": _("Enter a year between 1900 and %(year)s.") % {"year": this_year}}
        )
    if building.units is not None and building.units < 1:
        raise ValidationError({"units": _("A building has at least one unit (单元).")})


@transaction.atomic
def building_create(
    *, by: User, compound: Compound, confirm_warnings: bool = False, **values: Any
) -> Building:
    _require(by, compound.street.district_id)
    locked = _locked(Compound, compound.pk)  # buildings of one compound are added in turn
    building = Building(compound=locked)
    _apply(building, values, BUILDING_FIELDS)
    building.name = _name(building.name)
    _building_rules(building)
    _clean(building)
    warnings = confirm_or_raise(
        plausibility.building_households(
            compound=locked, building_name=building.name, households=building.households
        ),
        confirmed=confirm_warnings,
    )
    stamp(building, by=by, reason=confirmed_reason(_("Building added"), warnings))
    building.save()
    stale.mark_dirty(compound_ids=[locked.pk])
    return building


@transaction.atomic
def building_update(
    *,
    by: User,
    building: Building,
    version: int | None = None,
    confirm_warnings: bool = False,
    **values: Any,
) -> Building:
    _require(by, building.compound.street.district_id)
    locked = _locked(Building, building.pk)
    _check_version(locked, version)
    _apply(locked, values, BUILDING_FIELDS)
    if "name" in values:
        locked.name = _name(locked.name)
    _building_rules(locked)
    _clean(locked)
    warnings = confirm_or_raise(
        plausibility.building_households(
            compound=locked.compound,
            building_name=locked.name,
            households=locked.households,
            building_id=locked.pk,
        ),
        confirmed=confirm_warnings,
    )
    locked.version += 1
    stamp(locked, by=by, reason=confirmed_reason(_("Building changed"), warnings))
    locked.save()
    stale.mark_dirty(compound_ids=[locked.compound_id])
    return locked
