"""What the checked rows change, and writing it in bulk with its history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from renovation.audit import stamp

from .. import stale
from ..models import Area, Building, Community, Compound
from .checks import BuildingRows, CompoundRows
from .fields import COMPOUND_UPDATABLE
from .results import CensusResult

if TYPE_CHECKING:
    from renovation.models import User

BATCH = 500

# Blank cells that mean "not known" (stored as NULL on a new compound), not "none".
KEEP_WHEN_BLANK = {"residents"}


def _apply(obj, values: dict, keys: Iterable[str]) -> set[str]:
    """Set the values on the object; return the names of the fields that changed."""
    changed = set()
    for key in keys:
        value = values[key]
        if key == "code":
            value = value or getattr(obj, "code", None)  # a blank code keeps the known one
        elif key in KEEP_WHEN_BLANK and value is None:
            value = getattr(obj, key, None)  # blank is unknown: a figure on record stays
        elif value is None:
            value = _default(obj, key)
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.add(key)
    return changed


def _default(obj, key: str) -> object:
    model_field = obj._meta.get_field(key)
    if model_field.null:
        return None
    return model_field.get_default()


def _compound_changes(plans: list[dict]) -> dict[int, set[str]]:
    """For each existing compound the fields the file changes (applied to the instance)."""
    changes: dict[int, set[str]] = {}
    for plan in plans:
        target: Compound | None = plan["target"]
        if target is None:
            continue
        keys = [k for k in COMPOUND_UPDATABLE if k in plan["present"]]
        changed = _apply(target, plan["values"], keys)
        if target.street_id != plan["street"].pk:
            target.street = plan["street"]
            changed.add("street")
        for relation in ("community", "area"):
            if relation in plan["columns"]:
                new = plan[relation]
                if getattr(target, f"{relation}_id") != (new.pk if new else None) or (
                    new is not None and new.pk is None
                ):
                    changed.add(relation)
        if changed:
            changes[id(plan)] = changed
    return changes


BUILDING_UPDATABLE = ["floors", "units", "households", "has_elevator", "year_built"]


def _building_changes(
    plans: list[dict], existing: dict[tuple[int, str], Building]
) -> dict[int, set[str]]:
    changes = {}
    for plan in plans:
        compound = plan["compound"]
        if compound is None:
            continue
        building = existing.get((compound.pk, plan["values"]["name"]))
        if building is None:
            continue
        keys = [k for k in BUILDING_UPDATABLE if k in plan["values"]]
        changed = _apply(building, plan["values"], keys)
        if changed:
            changes[id(plan)] = changed
    return changes


@dataclass
class Changes:
    """What the checked rows change: for each row (by id of its plan) that updates an existing
    compound or building, the fields it changes (already applied to the instance)."""

    compounds: dict[int, set[str]]
    buildings: dict[int, set[str]]
    existing_buildings: dict[tuple[int, str], Building]  # (compound id, name) -> building

    @classmethod
    def of(cls, compounds: CompoundRows, buildings: BuildingRows) -> Changes:
        existing: dict[tuple[int, str], Building] = {}
        if buildings.plans:
            ids = {b["compound"].pk for b in buildings.plans if b["compound"] is not None}
            existing = {
                (b.compound_id, b.name): b for b in Building.objects.filter(compound__in=ids)
            }
        return cls(
            compounds=_compound_changes(compounds.plans),
            buildings=_building_changes(buildings.plans, existing),
            existing_buildings=existing,
        )

    def count(self, result: CensusResult, compounds: CompoundRows, buildings: BuildingRows) -> None:
        """The figures of the result: new, updated and unchanged compounds and buildings."""
        compound_plans, building_plans = compounds.plans, buildings.plans
        result.compounds_new = sum(1 for p in compound_plans if p["target"] is None)
        result.compounds_updated = len(self.compounds)
        result.compounds_unchanged = (
            len(compound_plans) - result.compounds_new - len(self.compounds)
        )
        result.buildings_new = sum(
            1
            for b in building_plans
            if b["compound"] is None
            or (b["compound"].pk, b["values"]["name"]) not in self.existing_buildings
        )
        result.buildings_updated = len(self.buildings)
        result.buildings_unchanged = (
            len(building_plans) - result.buildings_new - len(self.buildings)
        )
        result.communities_new = len(compounds.new_communities)
        result.areas_new = len(compounds.new_areas)


@transaction.atomic
def _write(
    *, user: User, compounds: CompoundRows, buildings: BuildingRows, changes: Changes
) -> None:
    Community.objects.bulk_create(list(compounds.new_communities.values()), batch_size=BATCH)
    Area.objects.bulk_create(list(compounds.new_areas.values()), batch_size=BATCH)
    reason = str(_("Census import"))[:100]
    _write_compounds(user, compounds.plans, changes.compounds, reason)
    _write_buildings(user, buildings.plans, changes, reason)


def _write_compounds(
    user: User, plans: list[dict], changes: dict[int, set[str]], reason: str
) -> None:
    """Create the new compounds (each plan then names its compound as its target) and update
    the changed ones, with their history; mark their statistics stale."""
    created: list[Compound] = []
    updated: list[Compound] = []
    fields: set[str] = set()
    for plan in plans:
        target = plan["target"]
        if target is None:
            compound = Compound(
                street=plan["street"],
                community=plan["community"],
                area=plan["area"],
            )
            keys = [k for k in COMPOUND_UPDATABLE if k in plan["present"]]
            _apply(compound, plan["values"], keys)
            stamp(compound, by=user, reason=reason)
            plan["target"] = compound
            created.append(compound)
            continue
        changed = changes.get(id(plan))
        if not changed:
            continue
        for relation in ("community", "area"):
            if relation in changed:
                setattr(target, relation, plan[relation])
        fields |= changed | set(stamp(target, by=user, reason=reason)) - {"updated_at"}
        updated.append(target)
    if created:
        bulk_create_with_history(created, Compound, batch_size=BATCH)
    if updated:
        now = timezone.now()
        for compound in updated:
            compound.updated_at = now
            compound.version += 1  # a form opened before the import now conflicts
        _bulk_update(updated, Compound, [*sorted(fields), "updated_at", "version"])
    # The registry counts in the statistics (compounds, households, eligibility): mark the
    # streets and areas it touched, as every service does with what it changes.
    stale.mark_dirty(
        street_ids={c.street_id for c in created + updated},
        area_ids={c.area_id for c in created + updated},
    )


def _write_buildings(user: User, plans: list[dict], changes: Changes, reason: str) -> None:
    """Create the new buildings and update the changed ones, with their history."""
    new_buildings: list[Building] = []
    changed_buildings: list[Building] = []
    building_fields: set[str] = set()
    for plan in plans:
        compound = plan["compound"] or plan["plan"]["target"]
        values = plan["values"]
        building = changes.existing_buildings.get((compound.pk, values["name"]))
        if building is None:
            building = Building(compound=compound, name=values["name"])
            _apply(building, values, [k for k in BUILDING_UPDATABLE if k in values])
            stamp(building, by=user, reason=reason)
            new_buildings.append(building)
            continue
        changed = changes.buildings.get(id(plan))
        if changed:
            stamp(building, by=user, reason=reason)
            building.updated_at = timezone.now()
            building.version += 1
            building_fields |= changed
            changed_buildings.append(building)
    if new_buildings:
        bulk_create_with_history(new_buildings, Building, batch_size=BATCH)
    if changed_buildings:
        _bulk_update(
            changed_buildings,
            Building,
            [*sorted(building_fields), "updated_by", "updated_at", "version"],
        )


def _bulk_update(objs: list, model, fields: list[str]) -> None:
    """UPDATE ... WHERE id = %s for each row with executemany, then the history rows in bulk.
    Django's bulk_update builds a CASE WHEN per field and row, which costs more in Python than
    the update itself for thousands of rows (scripts/bench_import.py)."""
    model_fields = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in model_fields)
    # Table and column names come from the model's own metadata, quoted; values are parameters.
    sql = (
        f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {assignments} "  # nosec B608
        f"WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in model_fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    model.history.bulk_history_create(objs, batch_size=BATCH, update=True)
