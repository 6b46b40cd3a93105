"""Writes that set up a district's geography: streets, communities, areas (片区), compounds and
buildings, and the merge of two duplicate compounds.

District officials of the district only (renovation.access.can_set_up_geography). Every write
validates, runs in one transaction, is kept in history with who and why, bumps the version of
versioned records (a stale form is a ConflictError) and marks the statistics it changes dirty.
Plausible-but-odd figures are warnings to confirm (renovation/warnings.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import stale
from renovation.access import can_set_up_geography, require
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.warnings import confirm_or_raise, confirmed_reason

from . import plausibility
from .models import (
    Area,
    Building,
    Community,
    Compound,
    CompoundMerge,
    District,
    Project,
    Street,
    compound_current_project_refresh,
)

if TYPE_CHECKING:
    from renovation.models import User

M = TypeVar("M", bound=models.Model)

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


def _require(by: User, district_id: int) -> None:
    require(
        can_set_up_geography(by, district_id),
        _("Streets, areas and compounds are set up by the district's officials."),
    )


def _clean(record: models.Model, exclude: Iterable[str] = ()) -> None:
    """The model's own rules (lengths, ranges, unique names) with its translated messages."""
    try:
        record.full_clean(exclude=[*exclude, "created_by", "updated_by", "current_project"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _name(value: str, field: str = "name") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Enter a name.")})
    return value


def _check_version(record: Compound | Building, version: int | None) -> None:
    if version is not None and record.version != version:
        raise ConflictError()


def _locked(model: type[M], pk: int) -> M:
    """The row, locked; a row deleted meanwhile (a merged compound) is a conflict."""
    record = model._default_manager.select_for_update().filter(pk=pk).first()
    if record is None:
        raise ConflictError(
            _(
                "This record no longer exists (merged into another or deleted) since you opened "
                "it. Nothing was saved."
            )
        )
    return record


# --- Streets, communities, areas -----------------------------------------------------------


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


# --- Compounds and buildings ---------------------------------------------------------------


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


# --- Merging duplicate compounds -----------------------------------------------------------


def _relations_to(model: type[models.Model], *, skip: tuple[type, ...] = ()) -> list:
    """Every foreign key that points at `model` from another app's or this app's records
    (history tables excluded: they keep what was)."""
    return [
        rel
        for rel in model._meta.related_objects
        if (rel.one_to_many or rel.one_to_one)
        and rel.related_model not in skip
        and not rel.related_model.__name__.startswith("Historical")
    ]


def _repoint(records: Iterable[models.Model], field: str, target: models.Model, *, by, reason):
    """Point each record at `target`, one save each so that history names who and why; a
    versioned record gets a new version (a form opened before the merge conflicts)."""
    moved = []
    for record in records:
        setattr(record, field, target)
        update = [field]
        if isinstance(target, Compound) and hasattr(record, "street_id"):
            # A record that names the compound's street (a committee) follows the compound.
            record.street_id = target.street_id
            update.append("street")
        if hasattr(record, "version"):
            record.version += 1
            update.append("version")
        update += stamp(record, by=by, reason=reason)
        record.save(update_fields=update)
        moved.append(record.pk)
    return moved


@transaction.atomic
def compound_merge(
    *,
    by: User,
    kept: Compound,
    duplicate: Compound,
    reason: str,
    version: int | None = None,
    duplicate_version: int | None = None,
) -> CompoundMerge:
    """Merge `duplicate` into `kept`: its buildings, projects and governance records (and with
    the projects their money) move onto the kept compound and the duplicate is deleted.

    Refused when both have a project in the same programme (one compound, one project per
    programme: decide which project stays first). A building of the same name in both is one
    building: what pointed at the duplicate's moves to the kept one's. Both rows are locked
    (in id order, so two merges cannot deadlock) and their versions checked, so a concurrent
    edit of either is a conflict, not a lost change."""
    _require(by, kept.street.district_id)
    _require(by, duplicate.street.district_id)
    if kept.pk == duplicate.pk:
        raise ValidationError({"duplicate": _("Choose another compound than the one kept.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the two compounds are the same.")})
    locked = {
        c.pk: c for c in Compound.objects.select_for_update().filter(pk__in=[kept.pk, duplicate.pk])
    }
    if len(locked) < 2:
        raise ConflictError(
            _("One of the compounds was merged or deleted since you opened the form.")
        )
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    _check_version(kept, version)
    _check_version(duplicate, duplicate_version)
    if kept.street.district_id != duplicate.street.district_id:
        raise ValidationError({"duplicate": _("Only compounds of the same district can merge.")})
    clash = list(
        Project.objects.filter(
            compound=duplicate,
            programme__in=Project.objects.filter(compound=kept).values("programme"),
        ).values_list("programme__name", flat=True)
    )
    if clash:
        raise ValidationError(
            {
                "duplicate": _(
                    "Both compounds have a project in %(programmes)s. A compound has one project "
                    "per programme: settle which project stays before merging."
                )
                % {"programmes": "、".join(clash)}
            }
        )

    note = _("Merged duplicate %(name)s (#%(id)s): %(reason)s") % {
        "name": duplicate.name,
        "id": duplicate.pk,
        "reason": reason,
    }
    moved: dict[str, Any] = {}
    # Buildings: one of the same name is the same building.
    kept_buildings = {b.name: b for b in Building.objects.filter(compound=kept)}
    joined: dict[str, int] = {}
    for building in Building.objects.filter(compound=duplicate).order_by("pk"):
        same = kept_buildings.get(building.name)
        if same is None:
            moved.setdefault("programmes.Building", []).extend(
                _repoint([building], "compound", kept, by=by, reason=note)
            )
            continue
        for rel in _relations_to(Building):
            records = rel.related_model._base_manager.filter(**{rel.field.name: building})
            ids = _repoint(records, rel.field.name, same, by=by, reason=note)
            if ids:
                moved.setdefault(rel.related_model._meta.label, []).extend(ids)
        joined[str(building.pk)] = same.pk
        stamp(building, by=by, reason=note)
        building.delete()
    if joined:
        moved["buildings_joined"] = joined
    for rel in _relations_to(Compound, skip=(Building,)):
        records = rel.related_model._base_manager.filter(**{rel.field.name: duplicate})
        ids = _repoint(records, rel.field.name, kept, by=by, reason=note)
        if ids:
            moved.setdefault(rel.related_model._meta.label, []).extend(ids)

    fields = {
        f.name: f.value_to_string(duplicate)
        for f in Compound._meta.concrete_fields
        if f.name not in ("created_by", "updated_by", "current_project")
    }
    old_street, old_area, code = duplicate.street_id, duplicate.area_id, duplicate.code
    stamp(duplicate, by=by, reason=note)
    duplicate.delete()
    if code and not kept.code:
        kept.code = code  # the registry number the district knows the compound by
    kept.version += 1
    stamp(kept, by=by, reason=note)
    kept.save()
    compound_current_project_refresh(compound_ids=[kept.pk])
    stale.mark_dirty(
        compound_ids=[kept.pk],
        street_ids=[old_street],
        area_ids=[old_area],
        project_ids=moved.get("programmes.Project", []),
    )
    return CompoundMerge.objects.create(
        kept=kept,
        duplicate_id=fields["id"],
        duplicate_name=fields["name"],
        duplicate_code=code or "",
        duplicate_fields=fields,
        moved=moved,
        reason=reason,
        by=by,
    )
