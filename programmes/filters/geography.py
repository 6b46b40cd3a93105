"""FilterSets of geography and the registry: compounds (pages and API), districts, streets,
areas and buildings."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from ..models import Area, Building, Category, Compound, District, Project, Stage, Street
from ._common import (
    IntegerFilter,
    _only,
    _visible_areas,
    _visible_cities,
    _visible_compounds,
    _visible_districts,
    _visible_streets,
)


class CompoundFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or address"), method="filter_search")
    city = django_filters.ModelChoiceFilter(
        label=_("City"),
        field_name="street__district__city",
        queryset=_visible_cities,
        empty_label=_("All cities"),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        field_name="street__district",
        queryset=_visible_districts,
        empty_label=_("All districts"),
    )
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
        choices=Category.choices,
        empty_label=_("All categories"),
        method="filter_category",
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
        fields = [
            "q",
            "city",
            "district",
            "street",
            "area",
            "stage",
            "year",
            "category",
            "survey_status",
        ]

    def narrow_choices(self) -> None:
        """Make each place select list only what lies inside the place chosen above it (or the
        user's own place), so that a national form never renders 40,000 streets.

        Call it after filtering: it changes only the rendered choices, while validation has
        already accepted any id in the user's scope."""
        user = getattr(self.request, "user", None)
        form = self.form
        data = form.cleaned_data if self.is_bound and form.is_valid() else {}
        city, district = data.get("city"), data.get("district")
        in_one_district = bool(
            getattr(user, "district_id", None) or getattr(user, "street_id", None)
        )
        if city is not None:
            form.fields["district"].queryset = District.objects.visible_to(user).filter(city=city)
        elif not (getattr(user, "city_id", None) or in_one_district):
            form.fields["district"].queryset = _only(District, district)
            form.fields["district"].help_text = _("Choose a city first to list its districts.")
        if district is not None:
            streets = Street.objects.visible_to(user).filter(district=district)
            areas = Area.objects.visible_to(user).filter(district=district)
        elif in_one_district:
            streets, areas = Street.objects.visible_to(user), Area.objects.visible_to(user)
        else:
            streets, areas = _only(Street, data.get("street")), _only(Area, data.get("area"))
            for name in ("street", "area"):
                form.fields[name].help_text = _("Choose a district first to list its streets.")
        form.fields["street"].queryset = streets.select_related("district")
        form.fields["area"].queryset = areas
        if in_one_district:
            # One district's user: the city and district selects would offer a single choice.
            for name in ("city", "district"):
                form.fields[name].widget = forms.HiddenInput()

    def filter_category(self, queryset: QuerySet[Compound], name: str, value: str):
        """Compounds whose current project's works include the category."""
        return (
            queryset.filter(Project.has_category_q(value, "current_project__"))
            if value
            else queryset
        )

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


class CompoundApiFilter(CompoundFilter):
    """The compound list filters of the pages, plus the district (city-wide readers)."""

    district = django_filters.ModelChoiceFilter(
        label=_("District"), field_name="street__district", queryset=_visible_districts
    )

    class Meta(CompoundFilter.Meta):
        fields = [*CompoundFilter.Meta.fields, "district"]


class DistrictFilter(django_filters.FilterSet):
    city = IntegerFilter(label=_("City"), field_name="city_id", min_value=1)

    class Meta:
        model = District
        fields = ["city"]


class StreetFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_visible_districts)

    class Meta:
        model = Street
        fields = ["district"]


class AreaFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_visible_districts)

    class Meta:
        model = Area
        fields = ["district"]


class BuildingFilter(django_filters.FilterSet):
    compound = django_filters.ModelChoiceFilter(label=_("Compound"), queryset=_visible_compounds)
    street = django_filters.ModelChoiceFilter(
        label=_("Street office"), field_name="compound__street", queryset=_visible_streets
    )
    has_elevator = django_filters.BooleanFilter(label=_("Has elevator"))

    class Meta:
        model = Building
        fields = ["compound", "street", "has_elevator"]
