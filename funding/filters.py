"""FilterSets of the funding lists (API). Every related choice comes from the user's scope, so an
id outside it is refused (400) exactly like an id that does not exist."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programmes.filters import (
    IntegerFilter,
    _visible_areas,
    _visible_districts,
    _visible_programmes,
    _visible_projects,
    _visible_streets,
    _year_filter,
)
from programmes.models import Batch

from .models import Allocation, Commitment, Expenditure, FundingSource, Kind, Receipt, SubType


def _visible_batches(request) -> QuerySet[Batch]:
    return Batch.objects.filter(programme__in=_visible_programmes(request))


class FundingSourceFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_visible_districts)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    sub_type = django_filters.ChoiceFilter(label=_("Sub-type"), choices=SubType.choices)

    class Meta:
        model = FundingSource
        fields = ["district", "kind", "sub_type"]


def _money_filters(commitment: str) -> dict[str, django_filters.Filter]:
    """Filters shared by commitments, allocations and line records; `commitment` is the lookup
    from the model to its commitment ("" for Commitment itself)."""
    prefix = f"{commitment}__" if commitment else ""
    return {
        "programme": django_filters.ModelChoiceFilter(
            label=_("Programme"), field_name=f"{prefix}programme", queryset=_visible_programmes
        ),
        "district": django_filters.ModelChoiceFilter(
            label=_("District"),
            field_name=f"{prefix}programme__district",
            queryset=_visible_districts,
        ),
        "street": django_filters.ModelChoiceFilter(
            label=_("Street office"),
            field_name="project__compound__street",
            queryset=_visible_streets,
        ),
        "area": django_filters.ModelChoiceFilter(
            label=_("Area"), field_name="project__compound__area", queryset=_visible_areas
        ),
        "project": django_filters.ModelChoiceFilter(
            label=_("Project"), field_name="project", queryset=_visible_projects
        ),
        "batch": django_filters.ModelChoiceFilter(
            label=_("Batch"), field_name=f"{prefix}batch", queryset=_visible_batches
        ),
        "year": _year_filter(f"{prefix}year", _("Budget year")),
        "kind": django_filters.ChoiceFilter(
            label=_("Kind"), field_name=f"{prefix}source__kind", choices=Kind.choices
        ),
        "sub_type": django_filters.ChoiceFilter(
            label=_("Sub-type"), field_name=f"{prefix}source__sub_type", choices=SubType.choices
        ),
    }


LEVELS = [("project", _("Project-level money")), ("programme", _("Programme-level money"))]


class CommitmentFilter(type("CommitmentScope", (django_filters.FilterSet,), _money_filters(""))):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Commitment.Status.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=LEVELS, method="filter_level")

    class Meta:
        model = Commitment
        fields = ["programme", "district", "street", "area", "project", "batch", "year"]

    def filter_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(project__isnull=value == "programme")


class AllocationFilter(
    type("AllocationScope", (django_filters.FilterSet,), _money_filters("commitment"))
):
    commitment = IntegerFilter(label=_("Funding commitment"), field_name="commitment_id")

    class Meta:
        model = Allocation
        fields = ["programme", "district", "street", "area", "project", "batch", "year"]


def _line_filterset(model, date_field: str, label_from, label_to):
    class LineFilter(type("LineScope", (django_filters.FilterSet,), _money_filters("commitment"))):
        commitment = IntegerFilter(label=_("Funding commitment"), field_name="commitment_id")
        pool = django_filters.BooleanFilter(
            label=_("Booked to the programme's unassigned pool"),
            field_name="project",
            lookup_expr="isnull",
        )
        date_from = django_filters.DateFilter(
            label=label_from, field_name=date_field, lookup_expr="gte"
        )
        date_to = django_filters.DateFilter(
            label=label_to, field_name=date_field, lookup_expr="lte"
        )

        class Meta:
            fields = ["programme", "district", "street", "area", "project", "batch", "year"]

        Meta.model = model

    LineFilter.__name__ = f"{model.__name__}Filter"
    return LineFilter


ReceiptFilter = _line_filterset(
    Receipt, "received_on", _("Received on or after"), _("Received on or before")
)
ExpenditureFilter = _line_filterset(
    Expenditure, "spent_on", _("Spent on or after"), _("Spent on or before")
)
