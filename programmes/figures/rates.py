"""The derived figures of programmes: start and completion rates against the year's target and
against the year's plan, average and weighted progress, the completion rate of the works; each
rounded by the one rule of rates (renovation.figures.rounding.rate)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from renovation.figures import Derived
from renovation.figures.rounding import as_decimal, rate

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
