"""Street offices, communities and areas (片区): create and rename, and an area's compounds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes import stale
from renovation.audit import stamp

from ..models import Area, Community, Compound, District, Street
from ._common import _clean, _locked, _name, _require

if TYPE_CHECKING:
    from renovation.models import User


@transaction.atomic
def street_create(*, by: User, district: District, name: str) -> Street:
    _require(by, district.pk)
    street = Street(district=district, name=_name(name))
    _clean(street)
    stamp(street, by=by, reason=_("Street office set up"))
    street.save()
    return street


@transaction.atomic
def street_update(*, by: User, street: Street, name: str) -> Street:
    _require(by, street.district_id)
    locked = _locked(Street, street.pk)
    locked.name = _name(name)
    _clean(locked)
    stamp(locked, by=by, reason=_("Street office renamed"))
    locked.save()
    stale.mark_dirty(street_ids=[locked.pk])
    return locked


def _street_in_district(street: Street | None, district_id: int) -> Street:
    if street is None or street.district_id != district_id:
        raise ValidationError({"street": _("Choose a street office of this district.")})
    return street


@transaction.atomic
def community_create(*, by: User, street: Street, name: str) -> Community:
    _require(by, street.district_id)
    community = Community(street=street, name=_name(name))
    _clean(community)
    stamp(community, by=by, reason=_("Community set up"))
    community.save()
    return community


@transaction.atomic
def community_update(*, by: User, community: Community, name: str, street: Street) -> Community:
    _require(by, community.street.district_id)
    locked = _locked(Community, community.pk)
    locked.street = _street_in_district(street, community.street.district_id)
    locked.name = _name(name)
    _clean(locked)
    if locked.street_id != community.street_id and locked.compounds.exists():
        raise ValidationError(
            {"street": _("The community has compounds: move them first, then the community.")}
        )
    stamp(locked, by=by, reason=_("Community changed"))
    locked.save()
    return locked


def _area_compounds(area: Area, compounds: Iterable[Compound]) -> list[Compound]:
    chosen = list(compounds)
    if any(c.street.district_id != area.district_id for c in chosen):
        raise ValidationError({"compounds": _("Choose compounds of this district only.")})
    return chosen


def _set_area_compounds(area: Area, chosen: list[Compound], *, by: User) -> set[int]:
    """Put exactly `chosen` in the area (an area groups neighbouring compounds: 连片改造);
    returns the areas whose figures changed."""
    chosen_ids = {c.pk for c in chosen}
    leaving = list(Compound.objects.filter(area=area).exclude(pk__in=chosen_ids))
    joining = list(Compound.objects.filter(pk__in=chosen_ids).exclude(area=area))
    touched = {area.pk} | {c.area_id for c in joining if c.area_id}
    for compound, target in [(c, None) for c in leaving] + [(c, area) for c in joining]:
        compound.area = target
        compound.version += 1
        audited = stamp(compound, by=by, reason=_("Area changed"))
        compound.save(update_fields=["area", "version", *audited])
    return touched


@transaction.atomic
def area_create(
    *,
    by: User,
    district: District,
    name: str,
    description: str = "",
    compounds: Iterable[Compound] = (),
) -> Area:
    _require(by, district.pk)
    area = Area(district=district, name=_name(name), description=(description or "").strip())
    _clean(area)
    chosen = _area_compounds(area, compounds)
    stamp(area, by=by, reason=_("Area set up"))
    area.save()
    stale.mark_dirty(area_ids=_set_area_compounds(area, chosen, by=by))
    return area


@transaction.atomic
def area_update(
    *,
    by: User,
    area: Area,
    name: str,
    description: str = "",
    compounds: Iterable[Compound] | None = None,
) -> Area:
    """Rename or describe an area; with `compounds`, make them exactly its compounds."""
    _require(by, area.district_id)
    locked = _locked(Area, area.pk)
    locked.name = _name(name)
    locked.description = (description or "").strip()
    _clean(locked)
    stamp(locked, by=by, reason=_("Area changed"))
    locked.save()
    touched = {locked.pk}
    if compounds is not None:
        touched |= _set_area_compounds(locked, _area_compounds(locked, compounds), by=by)
    stale.mark_dirty(area_ids=touched)
    return locked
