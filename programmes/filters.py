"""FilterSets shared by the pages and the API, so a filter means the same everywhere."""

from __future__ import annotations

import django_filters
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from .models import Area, Category, Compound, Stage, Street


def _visible_streets(request) -> QuerySet[Street]:
    user = getattr(request, "user", None)
    return Street.objects.visible_to(user).select_related("district")


def _visible_areas(request) -> QuerySet[Area]:
    user = getattr(request, "user", None)
    return Area.objects.visible_to(user)


class CompoundFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or address"), method="filter_search")
    street = django_filters.ModelChoiceFilter(
        label=_("Street office"), queryset=_visible_streets, empty_label=_("All streets")
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area"), queryset=_visible_areas, empty_label=_("All areas")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        field_name="current_project__stage",
        choices=Stage.choices,
        empty_label=_("All stages"),
    )
    year = django_filters.NumberFilter(
        label=_("Plan year"), field_name="current_project__year", min_value=1990, max_value=2100
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="current_project__category",
        choices=Category.choices,
        empty_label=_("All categories"),
    )
    survey_status = django_filters.ChoiceFilter(
        label=_("Survey status"),
        choices=Compound.SurveyStatus.choices,
        empty_label=_("Any status"),
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("households", "households"),
            ("year_built", "year_built"),
            ("current_project__progress", "progress"),
        ),
        field_labels={
            "name": _("Name"),
            "households": _("Households"),
            "year_built": _("Year built"),
            "current_project__progress": _("Progress"),
        },
    )

    class Meta:
        model = Compound
        fields = ["q", "street", "area", "stage", "year", "category", "survey_status"]

    def filter_search(self, queryset: QuerySet[Compound], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        # Exact names first, then names starting with the text, then any other match.
        rank = Case(
            When(name=value, then=Value(0)),
            When(name__startswith=value, then=Value(1)),
            When(name__icontains=value, then=Value(2)),
            default=Value(3),
        )
        return (
            queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))
            .annotate(search_rank=rank)
            .order_by("search_rank", "name")
        )
