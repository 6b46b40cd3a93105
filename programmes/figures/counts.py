"""The aggregate figures of programmes: compounds and their households, floor area and buildings;
projects by stage, started and completed, progress, budgets and overdue reports; targets; site
problems; the effects of the works (see the package docstring for the counting rules)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from renovation.figures import Figure, Moment, Source, Unit

from ..models import Compound, Programme, SiteProblem, Stage
from .sources import COMPOUND, PROBLEM, PROJECT, PROJECT_PATHS, TARGET, WORK

# --- Compounds (the registry) -----------------------------------------------------------------

COMPOUNDS = Figure("compounds", _("Compounds"), Unit.COUNT, "programmes.Compound", sources=COMPOUND)
HOUSEHOLDS = Figure(
    "households",
    _("Households"),
    Unit.HOUSEHOLDS,
    "programmes.Compound",
    Sum,
    "households",
    sources=COMPOUND,
)
ELIGIBLE = Figure(
    "eligible",
    _("Eligible compounds"),
    Unit.COUNT,
    "programmes.Compound",
    condition=Q(survey_status=Compound.SurveyStatus.ELIGIBLE),
    sources=COMPOUND,
)
BUILDINGS = Figure(
    "buildings",
    _("Buildings"),
    Unit.COUNT,
    "programmes.Compound",
    Sum,
    "building_count",
    sources=COMPOUND,
)
FLOOR_AREA = Figure(
    "floor_area",
    _("Floor area"),
    Unit.SQUARE_METRES,
    "programmes.Compound",
    Sum,
    "floor_area",
    sources=COMPOUND,
)
BUILT_BY_2000 = Figure(
    "built_by_2000",
    _("Compounds built by 2000"),
    Unit.COUNT,
    "programmes.Compound",
    condition=Q(year_built__lte=2000),
    sources=COMPOUND,
)

# --- Projects ---------------------------------------------------------------------------------

BUILDING = Q(stage=Stage.CONSTRUCTION)

PROJECTS = Figure(
    "projects",
    _("Projects"),
    Unit.COUNT,
    "programmes.Project",
    sources=(
        Source(
            "programmes.Project",
            PROJECT_PATHS,
            breakdowns={"stage": "stage", "category": "category"},
        ),
    ),
)
IN_CONSTRUCTION = Figure(
    "in_construction",
    _("Projects under construction"),
    Unit.COUNT,
    "programmes.Project",
    condition=BUILDING,
    sources=PROJECT,
)
STARTED = Figure(
    "started",
    _("Compounds started"),
    Unit.COUNT,
    "programmes.Project",
    condition=Q(started_on__isnull=False),
    dated_by="started_on",
    sources=PROJECT,
    description=_("Projects that entered construction (新开工)."),
)
STARTED_HOUSEHOLDS = Figure(
    "started_households",
    _("Households started"),
    Unit.HOUSEHOLDS,
    "programmes.Project",
    Sum,
    "compound__households",
    condition=Q(started_on__isnull=False),
    dated_by="started_on",
    sources=PROJECT,
)
COMPLETED = Figure(
    "completed",
    _("Compounds completed"),
    Unit.COUNT,
    "programmes.Project",
    condition=Q(completed_on__isnull=False),
    dated_by="completed_on",
    sources=PROJECT,
    description=_("Projects accepted (完工)."),
)
COMPLETED_HOUSEHOLDS = Figure(
    "completed_households",
    _("Households completed"),
    Unit.HOUSEHOLDS,
    "programmes.Project",
    Sum,
    "compound__households",
    condition=Q(completed_on__isnull=False),
    dated_by="completed_on",
    sources=PROJECT,
)
PROGRESS_SUM = Figure(
    "progress_sum",
    _("Progress of the projects under construction, added up"),
    Unit.PERCENT,
    "programmes.Project",
    Sum,
    "progress",
    condition=BUILDING,
    sources=PROJECT,
)
PROGRESS_TOTAL = Figure(
    "progress_total",
    _("Progress of the projects, added up"),
    Unit.PERCENT,
    "programmes.Project",
    Sum,
    "progress",
    sources=PROJECT,
)
WEIGHTED_SUM = Figure(
    "weighted_sum",
    _("Progress × budget of the projects under construction, added up"),
    Unit.PERCENT,
    "programmes.Project",
    Sum,
    F("progress") * F("budget"),
    condition=BUILDING,
    sources=PROJECT,
)
BUDGET = Figure(
    "budget",
    _("Planned investment"),
    Unit.YUAN,
    "programmes.Project",
    Sum,
    "budget",
    sources=PROJECT,
)
BUDGET_IN_CONSTRUCTION = Figure(
    "budget_in_construction",
    _("Budget of the projects under construction"),
    Unit.YUAN,
    "programmes.Project",
    Sum,
    "budget",
    condition=BUILDING,
    sources=PROJECT,
)


def report_overdue_q(*, today, thresholds: Iterable[int], prefix: str = "") -> Q:
    """Projects under construction with no report for more days than their programme allows
    (`report_overdue_days`), counted from their last submitted report or, before the first
    one, from the start of construction. Programmes use only a few distinct thresholds, so the
    rule is one OR-ed condition per threshold rather than date arithmetic that databases
    disagree on."""
    condition = Q(pk__in=[])
    for days in thresholds:
        cutoff = today - timedelta(days=days)
        condition |= Q(
            **{f"{prefix}programme__report_overdue_days": days},
        ) & (
            Q(**{f"{prefix}last_report_on__lt": cutoff})
            | Q(**{f"{prefix}last_report_on__isnull": True, f"{prefix}started_on__lt": cutoff})
        )
    return Q(**{f"{prefix}stage": Stage.CONSTRUCTION}) & condition


def _reports_overdue(moment: Moment) -> Q:
    thresholds = (
        Programme.objects.order_by().values_list("report_overdue_days", flat=True).distinct()
    )
    return report_overdue_q(today=moment.today, thresholds=list(thresholds))


REPORTS_OVERDUE = Figure(
    "reports_overdue",
    _("Projects with their progress report overdue"),
    Unit.COUNT,
    "programmes.Project",
    condition=_reports_overdue,
    sources=PROJECT,
)

# --- Targets ----------------------------------------------------------------------------------

TARGET_COMPOUNDS = Figure(
    "target_compounds",
    _("Target (compounds)"),
    Unit.COUNT,
    "programmes.YearTarget",
    Sum,
    "compounds",
    dated_by="year",
    yearly=True,
    none_when_empty=True,
    sources=TARGET,
)
TARGET_HOUSEHOLDS = Figure(
    "target_households",
    _("Target (households)"),
    Unit.HOUSEHOLDS,
    "programmes.YearTarget",
    Sum,
    "households",
    dated_by="year",
    yearly=True,
    none_when_empty=True,
    sources=TARGET,
)

# --- Site problems ----------------------------------------------------------------------------

OPEN = Q(status=SiteProblem.Status.OPEN)


def _problem_overdue(moment: Moment) -> Q:
    """Open for more than a day: 每日调度、次日报告、当日解决."""
    cutoff = moment.now - timedelta(hours=settings.RENOVATION_PROBLEM_OVERDUE_HOURS)
    return OPEN & Q(created_at__lt=cutoff)


OPEN_PROBLEMS = Figure(
    "open_problems",
    _("Open site problems"),
    Unit.COUNT,
    "programmes.SiteProblem",
    condition=OPEN,
    sources=PROBLEM,
)
OVERDUE_PROBLEMS = Figure(
    "overdue_problems",
    _("Site problems open for more than a day"),
    Unit.COUNT,
    "programmes.SiteProblem",
    condition=_problem_overdue,
    sources=PROBLEM,
)

# --- Effects of the works ---------------------------------------------------------------------

WORK_PROJECTS = Figure(
    "work_projects",
    _("Projects with the work"),
    Unit.COUNT,
    "programmes.WorkItem",
    field="project",
    distinct=True,
    sources=WORK,
)
PLANNED_QUANTITY = Figure(
    "planned_quantity",
    _("Planned quantity"),
    Unit.QUANTITY,
    "programmes.WorkItem",
    Sum,
    "planned_quantity",
    sources=WORK,
)
COMPLETED_QUANTITY = Figure(
    "completed_quantity",
    _("Completed quantity"),
    Unit.QUANTITY,
    "programmes.WorkItem",
    Sum,
    "completed_quantity",
    sources=WORK,
    description=_("Each work item's latest cumulative report, never a sum of reports."),
)
WORK_BUDGET = Figure(
    "work_budget",
    _("Investment in the work"),
    Unit.YUAN,
    "programmes.WorkItem",
    Sum,
    "budget",
    sources=WORK,
)
