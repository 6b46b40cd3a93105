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

Rooms: sources.py (the paths from each model to each kind of scope), counts.py (the aggregate
figures), rates.py (the derived ones); this module registers them all and names the groups the
readers ask for together.
"""

from renovation.figures import register

from .counts import (
    BUDGET,
    BUDGET_IN_CONSTRUCTION,
    BUILDING,
    BUILDINGS,
    BUILT_BY_2000,
    COMPLETED,
    COMPLETED_HOUSEHOLDS,
    COMPLETED_QUANTITY,
    COMPOUNDS,
    ELIGIBLE,
    FLOOR_AREA,
    HOUSEHOLDS,
    IN_CONSTRUCTION,
    OPEN,
    OPEN_PROBLEMS,
    OVERDUE_PROBLEMS,
    PLANNED_QUANTITY,
    PROGRESS_SUM,
    PROGRESS_TOTAL,
    PROJECTS,
    REPORTS_OVERDUE,
    STARTED,
    STARTED_HOUSEHOLDS,
    TARGET_COMPOUNDS,
    TARGET_HOUSEHOLDS,
    WEIGHTED_SUM,
    WORK_BUDGET,
    WORK_PROJECTS,
    report_overdue_q,
)
from .rates import (
    AVERAGE_PROGRESS,
    COMPLETION_RATE,
    COMPLETION_RATE_HOUSEHOLDS,
    MEAN_PROGRESS,
    PLAN_COMPLETION_RATE,
    PLAN_COMPLETION_RATE_HOUSEHOLDS,
    PLAN_START_RATE,
    PLAN_START_RATE_HOUSEHOLDS,
    START_RATE,
    START_RATE_HOUSEHOLDS,
    WEIGHTED_PROGRESS,
    WORK_COMPLETION_RATE,
)
from .sources import (
    COMPOUND,
    COMPOUND_PATHS,
    COMPOUNDS_BY_STAGE,
    PROBLEM,
    PROJECT,
    PROJECT_PATHS,
    PROJECT_ROW_PATHS,
    TARGET,
    WORK,
    through,
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

__all__ = [
    "AVERAGE_PROGRESS",
    "BUDGET",
    "BUDGET_IN_CONSTRUCTION",
    "BUILDING",
    "BUILDINGS",
    "BUILT_BY_2000",
    "COMPLETED",
    "COMPLETED_HOUSEHOLDS",
    "COMPLETED_QUANTITY",
    "COMPLETION_RATE",
    "COMPLETION_RATE_HOUSEHOLDS",
    "COMPOUND",
    "COMPOUNDS",
    "COMPOUNDS_BY_STAGE",
    "COMPOUND_PATHS",
    "ELIGIBLE",
    "FLOOR_AREA",
    "HOUSEHOLDS",
    "IN_CONSTRUCTION",
    "MEAN_PROGRESS",
    "OPEN",
    "OPEN_PROBLEMS",
    "OVERDUE_PROBLEMS",
    "PLANNED_QUANTITY",
    "PLAN_COMPLETION_RATE",
    "PLAN_COMPLETION_RATE_HOUSEHOLDS",
    "PLAN_START_RATE",
    "PLAN_START_RATE_HOUSEHOLDS",
    "PROBLEM",
    "PROBLEM_FIGURES",
    "PROGRESS_SUM",
    "PROGRESS_TOTAL",
    "PROJECT",
    "PROJECTS",
    "PROJECT_FIGURES",
    "PROJECT_PATHS",
    "PROJECT_ROW_PATHS",
    "REPORTS_OVERDUE",
    "STARTED",
    "STARTED_HOUSEHOLDS",
    "START_RATE",
    "START_RATE_HOUSEHOLDS",
    "TARGET",
    "TARGET_COMPOUNDS",
    "TARGET_HOUSEHOLDS",
    "WEIGHTED_PROGRESS",
    "WEIGHTED_SUM",
    "WORK",
    "WORK_BUDGET",
    "WORK_COMPLETION_RATE",
    "WORK_FIGURES",
    "WORK_PROJECTS",
    "YEAR_COUNTS",
    "YEAR_RATES",
    "YEAR_TARGETS",
    "report_overdue_q",
    "through",
]
