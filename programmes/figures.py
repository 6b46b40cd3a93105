"""The figures of the registry and programmes: compounds, households, floor area and buildings;
projects by stage, started (新开工) and completed (完工) by compounds and by households, targets,
progress, site problems and the effects of the works. Each is defined here once (see
renovation/figures/registry.py); selectors, snapshots, the API, exports, returns and the
benchmark's bare SQL read them from here.

Counting rules (DESIGN.md): a compound is started when its project enters construction
(`started_on`) and completed at acceptance (`completed_on`); start and completion rates compare
them with the year's target (dashboard, API) or with the year's plan, the projects of that plan
year (statutory returns). Average progress is the plain mean over the projects under
construction, weighted progress weights them by budget. Rates are rounded by the one rule of
renovation.figures.rounding.

Buildings and floor area (`BUILDINGS`, `FLOOR_AREA`) serve every scope already, so a totals row
of compounds, buildings, households, floor area and investment (issue 15) is a reader of five
registered figures (`reporting.figures.figures_for`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from renovation.figures import Derived, Figure, Moment, Source, Unit, register
from renovation.figures.rounding import as_decimal, rate

from .models import Compound, Programme, SiteProblem, Stage

# --- Where rows belong: from each model to each kind of scope ---------------------------------

COMPOUND_PATHS: dict[str, str | None] = {
    "street": "street",
    "area": "area",
    "district": "street__district",
    "city": "street__district__city",
    "province": "street__district__city__province",
    "all": None,
}


def through(prefix: str, paths: Mapping[str, str | None] = COMPOUND_PATHS) -> dict[str, Any]:
    """The paths of `paths` seen from a model that reaches a compound through `prefix`."""
    return {kind: None if path is None else prefix + path for kind, path in paths.items()}


PROJECT_PATHS = {**through("compound__"), "programme": "programme"}
# Rows that belong to a project (work items, site problems, surveys ...).
PROJECT_ROW_PATHS = through("project__", PROJECT_PATHS)

COMPOUNDS_BY_STAGE = {"stage": "current_project__stage"}
# A programme's compounds are those of its projects (one per compound), by the project's stage.
COMPOUND = (
    Source("programmes.Compound", COMPOUND_PATHS, breakdowns=COMPOUNDS_BY_STAGE),
    Source(
        "programmes.Project",
        {"programme": "programme"},
        prefix="compound__",
        breakdowns={"stage": "stage"},
    ),
)
PROJECT = (Source("programmes.Project", PROJECT_PATHS, breakdowns={"stage": "stage"}),)
TARGET = (
    Source(
        "programmes.YearTarget",
        {
            "district": "programme__district",
            "programme": "programme",
            "city": "programme__district__city",
            "province": "programme__district__city__province",
            "all": None,
        },
    ),
    # A street or an area has the share of a programme's target the programme gave it.
    Source("programmes.LocalTarget", {"street": "street", "area": "area"}),
)
PROBLEM = (Source("programmes.SiteProblem", PROJECT_ROW_PATHS),)
WORK = (
    Source("programmes.WorkItem", PROJECT_ROW_PATHS, breakdowns={"work_type": "work_type__code"}),
)

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

# --- Derived: rates and averages --------------------------------------------------------------

START_RATE = Derived(
    "start_rate", _("Start rate (compounds)"), numerator="started", denominator="target_compounds"
)
START_RATE_HOUSEHOLDS = Derived(
    "start_rate_households",
    _("Start rate (households)"),
    numerator="started_households",
    denominator="target_households",
)
COMPLETION_RATE = Derived(
    "completion_rate",
    _("Completion rate (compounds)"),
    numerator="completed",
    denominator="target_compounds",
)
COMPLETION_RATE_HOUSEHOLDS = Derived(
    "completion_rate_households",
    _("Completion rate (households)"),
    numerator="completed_households",
    denominator="target_households",
)
# The statutory returns compare with the year's plan: the projects of that plan year.
PLAN_START_RATE = Derived(
    "plan_start_rate",
    _("Start rate against the plan (compounds)"),
    numerator="started",
    denominator="projects",
)
PLAN_START_RATE_HOUSEHOLDS = Derived(
    "plan_start_rate_households",
    _("Start rate against the plan (households)"),
    numerator="started_households",
    denominator="households",
)
PLAN_COMPLETION_RATE = Derived(
    "plan_completion_rate",
    _("Completion rate against the plan (compounds)"),
    numerator="completed",
    denominator="projects",
)
PLAN_COMPLETION_RATE_HOUSEHOLDS = Derived(
    "plan_completion_rate_households",
    _("Completion rate against the plan (households)"),
    numerator="completed_households",
    denominator="households",
)
AVERAGE_PROGRESS = Derived(
    "average_progress",
    _("Average progress"),
    numerator="progress_sum",
    denominator="in_construction",
    scale=Decimal(1),
    description=_("Plain mean progress of the projects under construction."),
)

MEAN_PROGRESS = Derived(
    "mean_progress",
    _("Average progress of the projects"),
    numerator="progress_total",
    denominator="projects",
    scale=Decimal(1),
    description=_("Plain mean progress of the projects counted (all stages)."),
)


def _weighted_progress(figures: Mapping[str, Any]) -> Decimal | None:
    """Budget-weighted progress of the projects under construction (equal weights when none has
    a budget), as a project's own progress weights its work items."""
    if not figures.get("in_construction"):
        return None
    if as_decimal(figures.get("budget_in_construction")) > 0:
        return rate(figures.get("weighted_sum"), figures.get("budget_in_construction"), scale=1)
    return rate(figures.get("progress_sum"), figures.get("in_construction"), scale=1)


WEIGHTED_PROGRESS = Derived(
    "weighted_progress",
    _("Weighted progress"),
    compute=_weighted_progress,
    needs=("in_construction", "progress_sum", "weighted_sum", "budget_in_construction"),
    description=_("Progress of the projects under construction, weighted by budget."),
)
WORK_COMPLETION_RATE = Derived(
    "work_completion_rate",
    _("Completion rate of the work"),
    numerator="completed_quantity",
    denominator="planned_quantity",
)

register(
    COMPOUNDS,
    HOUSEHOLDS,
    ELIGIBLE,
    BUILDINGS,
    FLOOR_AREA,
    BUILT_BY_2000,
    PROJECTS,
    IN_CONSTRUCTION,
    STARTED,
    STARTED_HOUSEHOLDS,
    COMPLETED,
    COMPLETED_HOUSEHOLDS,
    PROGRESS_SUM,
    PROGRESS_TOTAL,
    WEIGHTED_SUM,
    BUDGET,
    BUDGET_IN_CONSTRUCTION,
    REPORTS_OVERDUE,
    TARGET_COMPOUNDS,
    TARGET_HOUSEHOLDS,
    OPEN_PROBLEMS,
    OVERDUE_PROBLEMS,
    WORK_PROJECTS,
    PLANNED_QUANTITY,
    COMPLETED_QUANTITY,
    WORK_BUDGET,
    START_RATE,
    START_RATE_HOUSEHOLDS,
    COMPLETION_RATE,
    COMPLETION_RATE_HOUSEHOLDS,
    PLAN_START_RATE,
    PLAN_START_RATE_HOUSEHOLDS,
    PLAN_COMPLETION_RATE,
    PLAN_COMPLETION_RATE_HOUSEHOLDS,
    AVERAGE_PROGRESS,
    MEAN_PROGRESS,
    WEIGHTED_PROGRESS,
    WORK_COMPLETION_RATE,
)

# Figures per year: what each year's row of the dashboard, the API and the snapshots holds.
YEAR_COUNTS = (STARTED, STARTED_HOUSEHOLDS, COMPLETED, COMPLETED_HOUSEHOLDS)
YEAR_TARGETS = (TARGET_COMPOUNDS, TARGET_HOUSEHOLDS)
YEAR_RATES = (START_RATE, START_RATE_HOUSEHOLDS, COMPLETION_RATE, COMPLETION_RATE_HOUSEHOLDS)
# The projects section of a snapshot.
PROJECT_FIGURES = (
    PROJECTS,
    IN_CONSTRUCTION,
    PROGRESS_SUM,
    WEIGHTED_SUM,
    BUDGET_IN_CONSTRUCTION,
    BUDGET,
    REPORTS_OVERDUE,
)
WORK_FIGURES = (WORK_PROJECTS, PLANNED_QUANTITY, COMPLETED_QUANTITY, WORK_BUDGET)
PROBLEM_FIGURES = (OPEN_PROBLEMS, OVERDUE_PROBLEMS)
