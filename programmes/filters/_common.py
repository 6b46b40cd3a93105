"""What the FilterSets share. Every choice of a related object comes from the user's scope, so an
id outside it is rejected exactly like an id that does not exist: the filter never reveals what
it hides. Whole numbers are bounded so that no value reaches the database as a crash."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..models import Area, City, Compound, District, Programme, Project, Street


def _visible_streets(request) -> QuerySet[Street]:
    user = getattr(request, "user", None)
    return Street.objects.visible_to(user).select_related("district")


def _visible_areas(request) -> QuerySet[Area]:
    user = getattr(request, "user", None)
    return Area.objects.visible_to(user)


def _visible_cities(request) -> QuerySet[City]:
    return City.objects.visible_to(getattr(request, "user", None))


def _visible_districts(request) -> QuerySet[District]:
    return District.objects.visible_to(getattr(request, "user", None))


def _only(model, chosen) -> QuerySet:
    """The chosen object alone (so a select keeps showing it), or nothing."""
    return model.objects.filter(pk=chosen.pk) if chosen is not None else model.objects.none()


def _visible_programmes(request) -> QuerySet[Programme]:
    return Programme.objects.visible_to(getattr(request, "user", None))


def _visible_compounds(request) -> QuerySet[Compound]:
    return Compound.objects.visible_to(getattr(request, "user", None))


def _visible_projects(request) -> QuerySet[Project]:
    return Project.objects.visible_to(getattr(request, "user", None))


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (ids, years): 2024.5 is refused, not rounded into a crash, and so is a
    number past what the database holds (a 64-bit integer; SQLite raised OverflowError)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2100})
class YearFilter(IntegerFilter):
    pass


def _year_filter(field_name: str, label, lookup_expr: str = "exact") -> YearFilter:
    # Bounded: a date lookup with year 10**20 would not fit a date.
    return YearFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        min_value=1900,
        max_value=2100,
    )
