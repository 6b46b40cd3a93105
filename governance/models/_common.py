"""What the governance models share: percentages, scoped querysets, the scope of a vote."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renovation.access import ScopedQuerySet
from renovation.figures.rounding import rate

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` in percent by the one rule of rates (one decimal place, half up);
    None when there is no whole."""
    return rate(part, whole)


class ProjectScopedQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "project__compound__street__district",
        "city": "project__compound__street__district__city",
    }


class CompoundScopedQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "compound__street",
        "district": "compound__street__district",
        "city": "compound__street__district__city",
    }


class ScopeKind(models.TextChoices):
    """What a survey or a vote covers; elevator retrofits are decided per building unit."""

    COMPOUND = "compound", _("Whole compound")
    BUILDING = "building", _("One building")
    UNIT = "unit", _("One building unit")


def scope_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A building is named exactly when the scope is a building or a unit, and a unit label
    exactly when the scope is a unit."""
    return [
        models.CheckConstraint(
            condition=(Q(scope_kind="compound") & Q(building__isnull=True))
            | (~Q(scope_kind="compound") & Q(building__isnull=False)),
            name=f"{prefix}_building_matches_scope",
        ),
        models.CheckConstraint(
            condition=(Q(scope_kind="unit") & ~Q(unit="")) | (~Q(scope_kind="unit") & Q(unit="")),
            name=f"{prefix}_unit_matches_scope",
        ),
    ]
