"""FilterSets shared by the pages and the API, so a filter means the same everywhere."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import (
    Area,
    Building,
    Category,
    City,
    Compound,
    District,
    Programme,
    ProgressReport,
    Project,
    SiteProblem,
    Stage,
    Street,
    WorkItem,
    WorkType,
)


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


# --- Further FilterSets (used by the API; pages may adopt them) ------------------------------
#
# Every choice of a related object comes from the user's scope, so an id outside it is
# rejected exactly like an id that does not exist: the filter never reveals what it hides.


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


class ProgrammeFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_visible_districts)
    year = _year_filter("start_year", _("Running in year"))

    class Meta:
        model = Programme
        fields = ["district", "year"]

    def filter_queryset(self, queryset):
        year = self.form.cleaned_data.pop("year", None)
        queryset = super().filter_queryset(queryset)
        if year is not None:
            queryset = queryset.filter(start_year__lte=year, end_year__gte=year)
        return queryset


def _scope_filterset(project_path: str) -> type[django_filters.FilterSet]:
    """Filters by programme, district, street and compound for a model that belongs to a
    project; `project_path` is the lookup from the model to its project ("" for Project)."""
    prefix = f"{project_path}__" if project_path else ""
    filters = {
        "programme": django_filters.ModelChoiceFilter(
            label=_("Programme"), field_name=f"{prefix}programme", queryset=_visible_programmes
        ),
        "district": django_filters.ModelChoiceFilter(
            label=_("District"),
            field_name=f"{prefix}compound__street__district",
            queryset=_visible_districts,
        ),
        "street": django_filters.ModelChoiceFilter(
            label=_("Street office"),
            field_name=f"{prefix}compound__street",
            queryset=_visible_streets,
        ),
        "compound": django_filters.ModelChoiceFilter(
            label=_("Compound"), field_name=f"{prefix}compound", queryset=_visible_compounds
        ),
    }
    return type("ProjectScopeFilterSet", (django_filters.FilterSet,), filters)


class ProjectFilter(_scope_filterset("")):
    area = django_filters.ModelChoiceFilter(
        label=_("Area"), field_name="compound__area", queryset=_visible_areas
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    year = _year_filter("year", _("Plan year"))
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, method="filter_category"
    )
    started_year = _year_filter("started_on", _("Started (entered construction) in year"), "year")
    completed_year = _year_filter("completed_on", _("Completed (accepted) in year"), "year")
    min_progress = django_filters.NumberFilter(
        label=_("Progress at least (%)"),
        field_name="progress",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
    )
    max_progress = django_filters.NumberFilter(
        label=_("Progress at most (%)"),
        field_name="progress",
        lookup_expr="lte",
        min_value=0,
        max_value=100,
    )

    class Meta:
        model = Project
        fields = [
            "programme",
            "district",
            "street",
            "compound",
            "area",
            "stage",
            "year",
            "category",
            "started_year",
            "completed_year",
            "min_progress",
            "max_progress",
        ]

    def filter_category(self, queryset: QuerySet[Project], name: str, value: str):
        """Projects whose works include the category (one of their categories)."""
        return queryset.filter(Project.has_category_q(value)) if value else queryset


class WorkItemFilter(_scope_filterset("project")):
    project = django_filters.ModelChoiceFilter(label=_("Project"), queryset=_visible_projects)
    work_type = django_filters.ModelChoiceFilter(
        label=_("Work type (code)"),
        field_name="work_type",
        to_field_name="code",
        queryset=lambda request: WorkType.objects.visible_to(getattr(request, "user", None)),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), field_name="work_type__category", choices=Category.choices
    )
    year = _year_filter("project__year", _("Plan year"))

    class Meta:
        model = WorkItem
        fields = ["programme", "district", "street", "compound", "project", "work_type"]


class ProgressReportFilter(_scope_filterset("project")):
    project = django_filters.ModelChoiceFilter(label=_("Project"), queryset=_visible_projects)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProgressReport.Status.choices)
    date_from = django_filters.DateFilter(
        label=_("Report date from"), field_name="report_date", lookup_expr="gte"
    )
    date_to = django_filters.DateFilter(
        label=_("Report date to"), field_name="report_date", lookup_expr="lte"
    )

    class Meta:
        model = ProgressReport
        fields = ["programme", "district", "street", "compound", "project", "status"]


class SiteProblemFilter(_scope_filterset("project")):
    project = django_filters.ModelChoiceFilter(label=_("Project"), queryset=_visible_projects)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SiteProblem.Status.choices)
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=SiteProblem.Severity.choices
    )
    overdue = django_filters.BooleanFilter(
        label=_("Open for longer than the allowed time"), method="filter_overdue"
    )

    class Meta:
        model = SiteProblem
        fields = ["programme", "district", "street", "compound", "project", "status", "severity"]

    def filter_overdue(self, queryset: QuerySet[SiteProblem], name: str, value: bool | None):
        if value is None:
            return queryset
        cutoff = timezone.now() - timedelta(hours=settings.RENOVATION_PROBLEM_OVERDUE_HOURS)
        overdue = Q(status=SiteProblem.Status.OPEN, created_at__lt=cutoff)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class StatisticsFilter(django_filters.FilterSet):
    """The scope of a statistic: any of district, street, programme and (plan) year. Not applied
    to a queryset directly; the statistics selectors take the cleaned values."""

    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_visible_districts)
    street = django_filters.ModelChoiceFilter(label=_("Street office"), queryset=_visible_streets)
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=_visible_programmes)
    year = _year_filter("year", _("Year"))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)

    class Meta:
        model = Project
        fields = ["district", "street", "programme", "year", "category"]
