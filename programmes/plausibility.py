"""Plausibility checks of the registry and of planned work (the mechanism is
renovation/warnings.py). Each check returns the warnings it finds; the service that writes
decides to call `confirm_or_raise`. A household count of 0 on a compound means "not recorded
yet" (the census has not reached it), so checks against it are skipped rather than firing on
every building of a new compound."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from renovation.warnings import PlausibilityWarning

from .models import Building, Compound, WorkItem, WorkType


def building_households(
    *, compound: Compound, building_name: str, households: int, building_id: int | None = None
) -> list[PlausibilityWarning]:
    """A building with more households than its whole compound, or buildings that together
    have more."""
    total = compound.households
    if not total or households is None:
        return []
    if households > total:
        return [
            PlausibilityWarning(
                "building_households_above_compound",
                _(
                    "Building %(building)s has %(n)s households, more than the %(total)s of the "
                    "whole compound %(compound)s."
                )
                % {
                    "building": building_name,
                    "n": households,
                    "total": total,
                    "compound": compound,
                },
                "households",
            )
        ]
    others = (
        Building.objects.filter(compound=compound)
        .exclude(pk=building_id)
        .aggregate(total=Sum("households"))["total"]
        or 0
    )
    if others + households > total:
        return [
            PlausibilityWarning(
                "buildings_households_above_compound",
                _(
                    "The buildings of %(compound)s would have %(n)s households together, more "
                    "than the compound's %(total)s."
                )
                % {"compound": compound, "n": others + households, "total": total},
                "households",
            )
        ]
    return []


def per_household_work(
    *, compound: Compound, work_type: WorkType, planned_quantity: Decimal
) -> list[PlausibilityWarning]:
    """Work counted per household (gas, power, network connections: unit 户) planned for more
    households than the compound has. For the work-item services to call."""
    total = compound.households
    if work_type.unit != WorkType.Unit.HOUSEHOLD or not total or planned_quantity <= total:
        return []
    return [
        PlausibilityWarning(
            "per_household_work_above_households",
            _(
                "%(work)s is planned for %(n)s households, but %(compound)s has %(total)s "
                "households."
            )
            % {
                "work": work_type,
                "n": planned_quantity.normalize() if planned_quantity else planned_quantity,
                "compound": compound,
                "total": total,
            },
            "planned_quantity",
        )
    ]


def compound_households(*, compound: Compound, households: int) -> list[PlausibilityWarning]:
    """A compound's household count lowered below one of its buildings, or below the households
    its per-household work is planned for."""
    if compound.pk is None or not households:
        return []
    warnings = []
    largest = (
        Building.objects.filter(compound=compound)
        .order_by("-households", "name")
        .values_list("name", "households")
        .first()
    )
    if largest and largest[1] > households:
        warnings.append(
            PlausibilityWarning(
                "building_households_above_compound",
                _(
                    "Building %(building)s has %(n)s households, more than the %(total)s now "
                    "entered for the whole compound."
                )
                % {"building": largest[0], "n": largest[1], "total": households},
                "households",
            )
        )
    work = (
        WorkItem.objects.filter(
            project__compound=compound,
            work_type__unit=WorkType.Unit.HOUSEHOLD,
            planned_quantity__gt=households,
        )
        .select_related("work_type")
        .order_by("-planned_quantity", "id")
        .first()
    )
    if work is not None:
        warnings.append(
            PlausibilityWarning(
                "per_household_work_above_households",
                _(
                    "%(work)s is planned for %(n)s households, more than the %(total)s now "
                    "entered for the compound."
                )
                % {
                    "work": work.work_type,
                    "n": work.planned_quantity.normalize(),
                    "total": households,
                },
                "households",
            )
        )
    return warnings
