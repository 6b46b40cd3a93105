"""The merge of two registry entries found to be one compound."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from programmes import stale
from renovation.audit import stamp
from renovation.errors import ConflictError

from ..models import Building, Compound, CompoundMerge, Project, compound_current_project_refresh
from ._common import _check_version, _require

if TYPE_CHECKING:
    from renovation.models import User


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
    kept, duplicate = _merge_locked(kept, duplicate, version, duplicate_version)
    _merge_refusals(kept, duplicate)

    note = _("Merged duplicate %(name)s (#%(id)s): %(reason)s") % {
        "name": duplicate.name,
        "id": duplicate.pk,
        "reason": reason,
    }
    moved: dict[str, Any] = {}
    _buildings_move(duplicate, kept, moved, by=by, note=note)
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


def _merge_locked(
    kept: Compound, duplicate: Compound, version: int | None, duplicate_version: int | None
) -> tuple[Compound, Compound]:
    """Both compounds locked (in id order, so two merges cannot deadlock), their versions
    checked."""
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
    return kept, duplicate


def _merge_refusals(kept: Compound, duplicate: Compound) -> None:
    """Compounds of two districts, or with a project each in the same programme, do not merge."""
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


def _buildings_move(
    duplicate: Compound, kept: Compound, moved: dict[str, Any], *, by: User, note: str
) -> None:
    """The duplicate's buildings move to the kept compound; one of the same name there is the
    same building: what pointed at the duplicate's moves to it and the duplicate's is deleted."""
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
