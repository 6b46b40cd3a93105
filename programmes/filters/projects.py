"""FilterSets of programmes, projects, work items, progress reports, site problems and the
statistics API."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    Category,
    Programme,
    ProgressReport,
    Project,
    SiteProblem,
    Stage,
    WorkItem,
    WorkType,
)
from ._common import (
    _visible_areas,
    _visible_compounds,
    _visible_districts,
    _visible_programmes,
    _visible_projects,
    _visible_streets,
    _year_filter,
)


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
