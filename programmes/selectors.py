"""Reads: scoped querysets and SQL aggregates for pages, API and exports.

Every function takes the user and starts from `visible_to(user)`, so nothing outside the user's
scope is ever counted or shown. Aggregates run in the database in a fixed number of queries,
whatever the number of rows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from renovation.figures import Figure, aggregates, cleaned

from . import figures as fig
from .models import (
    AcceptanceRecord,
    Area,
    Batch,
    Building,
    Compound,
    District,
    LocalTarget,
    Programme,
    ProgressReport,
    Project,
    SiteProblem,
    SiteProblemQuerySet,
    Stage,
    StageTransition,
    Street,
    WorkItem,
    WorkType,
    YearTarget,
)

if TYPE_CHECKING:
    from renovation.models import User


def compound_list(*, user: User) -> QuerySet[Compound]:
    return Compound.objects.visible_to(user).select_related(
        "street", "area", "community", "current_project", "current_project__programme"
    )


def compound_detail(*, user: User, pk: int) -> Compound:
    """One compound with everything its page shows, in a fixed number of queries."""
    reports = ProgressReport.objects.select_related("created_by", "returned_by").prefetch_related(
        "lines__work_item__work_type", "photos"
    )
    projects = (
        Project.objects.select_related("programme", "batch", "acceptance")
        .prefetch_related(
            Prefetch(
                "work_items",
                queryset=WorkItem.objects.select_related("work_type").order_by(
                    "work_type__sort_order", "id"
                ),
            ),
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related("by").order_by(
                    "-effective_on", "-at", "-id"
                ),
            ),
            Prefetch("reports", queryset=reports.order_by("-report_date", "-id")),
            Prefetch(
                "problems",
                queryset=SiteProblem.objects.select_related("created_by", "closed_by"),
            ),
            # Governance's opinion surveys, newest first (their model's default order).
            "surveys",
        )
        .order_by("-programme__start_year", "-year", "-id")
    )
    return (
        compound_list(user=user)
        .select_related("street__district__city")
        .prefetch_related(Prefetch("projects", queryset=projects), "buildings")
        .get(pk=pk)
    )


def project_list(*, user: User) -> QuerySet[Project]:
    return Project.objects.visible_to(user).select_related(
        "compound", "compound__street", "compound__street__district", "programme"
    )


def project_for_update(*, user: User, pk: int) -> Project:
    """A project in the user's scope with what its forms need (DoesNotExist outside scope)."""
    return project_list(user=user).get(pk=pk)


def progress_report_list(*, user: User) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.visible_to(user).select_related(
        "project", "project__compound", "project__compound__street"
    )


def progress_report_for_review(*, user: User) -> QuerySet[ProgressReport]:
    """Reports with the lines the return page lists, fetched together (no query per line)."""
    return progress_report_list(user=user).prefetch_related("lines__work_item__work_type")


def site_problem_list(*, user: User) -> SiteProblemQuerySet:
    return SiteProblem.objects.visible_to(user).select_related(
        "project", "project__compound", "project__compound__street", "created_by"
    )


def street_list(*, user: User) -> QuerySet[Street]:
    return Street.objects.visible_to(user).select_related("district")


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    record: str
    action: str
    changes: list[str]
    reason: str


# Bookkeeping that changes on every save and says nothing to a reader of the audit trail.
HISTORY_NOISE = frozenset({"created_at", "updated_at", "created_by", "updated_by", "version"})


def _history_value(field, value) -> object:
    if value is None or value == "":
        return "—"
    return dict(field.flatchoices).get(value, value) if field.choices else value


def _history_entries(records: list, label: str, limit: int) -> list[HistoryEntry]:
    """Turn history rows (newest first, one object) into entries with field-level changes.
    Each row is compared with the next older row already fetched, so no extra queries."""
    entries = []
    for index, newer in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None:
            # Compared field by field rather than with diff_against, which skips non-editable
            # fields and so would hide what services own (stage, started_on, completed_on).
            for field in older.tracked_fields:
                if field.name in HISTORY_NOISE:
                    continue
                old = getattr(older, field.attname)
                new = getattr(newer, field.attname)
                if old != new:
                    changes.append(
                        f"{field.verbose_name}: {_history_value(field, old)} → "
                        f"{_history_value(field, new)}"
                    )
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                who=newer.history_user.username if newer.history_user else "",
                record=label,
                action=newer.get_history_type_display(),
                changes=changes,
                reason=newer.history_change_reason or "",
            )
        )
    return entries[:limit]


def history_for_compound(*, compound: Compound, limit: int = 30) -> list[HistoryEntry]:
    """Recent changes to the compound and its current project, newest first (two queries)."""
    entries = _history_entries(
        list(compound.history.select_related("history_user")[: limit + 1]),
        str(Compound._meta.verbose_name),
        limit,
    )
    if compound.current_project_id:
        entries += _history_entries(
            list(
                Project.history.filter(id=compound.current_project_id).select_related(
                    "history_user"
                )[: limit + 1]
            ),
            str(Project._meta.verbose_name),
            limit,
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


# --- Overdue progress reports ----------------------------------------------------------------

# The day a project's next report is counted from: its last submitted report, or before the
# first one, the start of construction (the rule itself: figures.report_overdue_q).
REPORT_REFERENCE_DAY = Coalesce("last_report_on", "started_on")


# --- Dashboard -----------------------------------------------------------------------------


@dataclass
class YearFigures:
    year: int
    target_compounds: int | None
    target_households: int | None
    started: int
    started_households: int
    completed: int
    completed_households: int

    # Rates against the year's target, by the registry's rule (programmes.figures).
    @property
    def start_rate(self) -> Decimal | None:
        return fig.START_RATE.value(vars(self))

    @property
    def start_rate_households(self) -> Decimal | None:
        return fig.START_RATE_HOUSEHOLDS.value(vars(self))

    @property
    def completion_rate(self) -> Decimal | None:
        return fig.COMPLETION_RATE.value(vars(self))

    @property
    def completion_rate_households(self) -> Decimal | None:
        return fig.COMPLETION_RATE_HOUSEHOLDS.value(vars(self))


@dataclass
class StreetRow:
    street: Street
    compounds: int = 0
    eligible: int = 0
    in_construction: int = 0
    started: int = 0
    completed: int = 0
    average_progress: Decimal | None = None
    open_problems: int = 0
    overdue_problems: int = 0
    # Budget-weighted, from the snapshots only (reporting.rollups); live rows leave it None,
    # so it takes no part in comparing a snapshot's row with the live one.
    weighted_progress: Decimal | None = dataclasses.field(default=None, compare=False)


@dataclass
class Dashboard:
    year: int
    stages: list[dict]
    unassigned: dict
    years: list[YearFigures]
    current: YearFigures
    targets_apply: bool
    streets: list[StreetRow]
    overdue_problems: list[SiteProblem]
    overdue_problem_count: int
    open_problem_count: int
    # What `streets` compares: the level below the scope (a national page compares cities, a
    # city page districts, a district page streets). Its rows keep the name `street`.
    unit_kind: str = "street"

    @property
    def stage_max(self) -> int:
        return max([row["compounds"] for row in self.stages] + [1])


def targets_apply_to(user: User) -> bool:
    """District-level readers compare with the programmes' yearly targets; a street officer
    with its street's own targets, when a programme gives the street one (LocalTarget)."""
    return not user.street_id or LocalTarget.objects.filter(street_id=user.street_id).exists()


def _target_rows(user: User, scope_street: Street | None = None) -> QuerySet:
    """Targets by year for the user's scope: its street's own targets for a street officer or
    a street scope, the programmes' yearly targets otherwise."""
    street_id = scope_street.pk if scope_street is not None else user.street_id
    if street_id:
        return LocalTarget.objects.filter(
            programme__in=Programme.objects.visible_to(user), street_id=street_id
        )
    return YearTarget.objects.filter(programme__in=Programme.objects.visible_to(user))


def _per_year(projects: QuerySet[Project], *, year: int | None = None) -> dict[int, dict]:
    """Started and completed projects, by compounds and by households, per year of the event
    (two grouped queries)."""
    result: dict[int, dict] = {}
    for count, households in (
        (fig.STARTED, fig.STARTED_HOUSEHOLDS),
        (fig.COMPLETED, fig.COMPLETED_HOUSEHOLDS),
    ):
        counted = projects.filter(count.condition_q())
        if year is not None:
            counted = counted.filter(count.in_year(year))
        rows = (
            counted.values(y=ExtractYear(count.date_field))
            .annotate(**aggregates((count, households)))
            .order_by()
        )
        for row in rows:
            result.setdefault(row["y"], {}).update(cleaned((count, households), row))
    return result


def _targets_per_year(targets: QuerySet) -> dict[int, dict]:
    """Target compounds and households per year (one grouped query)."""
    rows = targets.values("year").annotate(**aggregates(fig.YEAR_TARGETS)).order_by()
    return {row["year"]: cleaned(fig.YEAR_TARGETS, row) for row in rows}


def _year_rows(
    targets: dict[int, dict], counts: dict[int, dict], years: list[int]
) -> list[YearFigures]:
    rows = []
    for year in years:
        target = targets.get(year)
        figures = counts.get(year, {})
        rows.append(
            YearFigures(
                year=year,
                target_compounds=target["target_compounds"] if target else None,
                target_households=target["target_households"] if target else None,
                started=figures.get("started", 0),
                started_households=figures.get("started_households", 0),
                completed=figures.get("completed", 0),
                completed_households=figures.get("completed_households", 0),
            )
        )
    return rows


def year_figures(*, user: User) -> dict[int, YearFigures]:
    """Per year: target, started (entered construction) and completed (accepted), by compounds
    and by households. Three grouped queries, whatever the number of projects."""
    counts = _per_year(Project.objects.visible_to(user))
    targets = _targets_per_year(_target_rows(user))
    years = sorted(set(targets) | set(counts))
    return {row.year: row for row in _year_rows(targets, counts, years)}


def stage_counts(*, user: User) -> tuple[list[dict], dict]:
    """Compounds and households by the stage of their current project (one query)."""
    pair = (fig.COMPOUNDS, fig.HOUSEHOLDS)
    rows = (
        Compound.objects.visible_to(user)
        .values("current_project__stage")
        .annotate(**aggregates(pair))
        .order_by()
    )
    by_stage: dict[str | None, dict[str, int]] = {
        row["current_project__stage"]: cleaned(pair, row) for row in rows
    }
    empty = {"compounds": 0, "households": 0}
    stages = [
        {"stage": stage, "label": label, **by_stage.get(stage, empty)}
        for stage, label in Stage.choices
    ]
    return stages, dict(by_stage.get(None, empty))


def street_comparison(*, user: User, year: int) -> list[StreetRow]:
    """Streets side by side; four grouped queries."""
    rows = {street.pk: StreetRow(street=street) for street in street_list(user=user)}
    compound_figures = (fig.COMPOUNDS, fig.ELIGIBLE)
    compounds = (
        Compound.objects.visible_to(user)
        .values("street")
        .annotate(**aggregates(compound_figures))
        .order_by()
    )
    for row in compounds:
        if row["street"] in rows:
            values = cleaned(compound_figures, row)
            rows[row["street"]].compounds = values["compounds"]
            rows[row["street"]].eligible = values["eligible"]
    projects = (
        Project.objects.visible_to(user)
        .values("compound__street")
        .annotate(
            **aggregates((fig.IN_CONSTRUCTION, fig.PROGRESS_SUM)),
            **_in_year(year, fig.STARTED, fig.COMPLETED),
        )
        .order_by()
    )
    for counts in projects:
        target = rows.get(counts["compound__street"])
        if target:
            values = cleaned(
                (fig.IN_CONSTRUCTION, fig.PROGRESS_SUM, fig.STARTED, fig.COMPLETED), counts
            )
            target.in_construction = values["in_construction"]
            target.started = values["started"]
            target.completed = values["completed"]
            target.average_progress = fig.AVERAGE_PROGRESS.value(values)
    problems = (
        SiteProblem.objects.visible_to(user)
        .filter(fig.OPEN_PROBLEMS.condition_q())
        .values("project__compound__street")
        .annotate(**aggregates(fig.PROBLEM_FIGURES))
        .order_by()
    )
    for open_row in problems:
        target = rows.get(open_row["project__compound__street"])
        if target:
            values = cleaned(fig.PROBLEM_FIGURES, open_row)
            target.open_problems = values["open_problems"]
            target.overdue_problems = values["overdue_problems"]
    return [row for row in rows.values() if row.compounds]


def _in_year(year: int, *figures: Figure) -> dict:
    """Aggregates of dated figures counting only the rows dated in `year`."""
    return {f.alias: f.aggregate(within=f.in_year(year)) for f in figures}


def dashboard(*, user: User, year: int | None = None) -> Dashboard:
    year = year or timezone.localdate().year
    stages, unassigned = stage_counts(user=user)
    years = year_figures(user=user)
    current = years.get(year) or YearFigures(year, None, None, 0, 0, 0, 0)
    problems = cleaned(
        fig.PROBLEM_FIGURES,
        SiteProblem.objects.visible_to(user).aggregate(**aggregates(fig.PROBLEM_FIGURES)),
    )
    overdue = site_problem_list(user=user).overdue().order_by("created_at", "id")
    return Dashboard(
        year=year,
        stages=stages,
        unassigned=unassigned,
        years=list(years.values()),
        current=current,
        targets_apply=not user.street_id
        or any(y.target_compounds is not None for y in years.values()),
        streets=street_comparison(user=user, year=year),
        overdue_problems=list(overdue[:10]),
        overdue_problem_count=int(problems["overdue_problems"]),
        open_problem_count=int(problems["open_problems"]),
    )


# --- API reads and statistics --------------------------------------------------------------


def district_list(*, user: User) -> QuerySet[District]:
    return District.objects.visible_to(user).select_related("city")


def area_list(*, user: User) -> QuerySet[Area]:
    return Area.objects.visible_to(user).select_related("district")


def building_list(*, user: User) -> QuerySet[Building]:
    return Building.objects.visible_to(user).select_related("compound")


def programme_list(*, user: User) -> QuerySet[Programme]:
    return (
        Programme.objects.visible_to(user)
        .select_related("district")
        .prefetch_related(
            Prefetch("targets", queryset=YearTarget.objects.order_by("year")),
            "local_targets",
            "batches",
        )
    )


def work_type_list(*, user: User | None = None) -> QuerySet[WorkType]:
    """The national catalogue and the own types of the districts the user may read (without a
    user: the national catalogue only)."""
    if user is None:
        return WorkType.objects.filter(district__isnull=True)
    return WorkType.objects.visible_to(user)


def acceptance_record_list(*, user: User) -> QuerySet[AcceptanceRecord]:
    return AcceptanceRecord.objects.visible_to(user).select_related("project")


def work_item_list(*, user: User) -> QuerySet[WorkItem]:
    return WorkItem.objects.visible_to(user).select_related("work_type", "project")


@dataclass(frozen=True)
class StatisticsScope:
    """What a statistic covers, inside the user's own scope (each part optional)."""

    district: District | None = None
    street: Street | None = None
    programme: Programme | None = None
    year: int | None = None
    category: str | None = None

    def project_q(self, prefix: str = "") -> Q:
        """The scope as a filter on projects (`prefix` leads from another model to a project)."""
        q = Q()
        if self.district is not None:
            q &= Q(**{f"{prefix}compound__street__district": self.district})
        if self.street is not None:
            q &= Q(**{f"{prefix}compound__street": self.street})
        if self.programme is not None:
            q &= Q(**{f"{prefix}programme": self.programme})
        return q


def progress_statistics(*, user: User, scope: StatisticsScope) -> list[YearFigures]:
    """Per year: target, started (entered construction) and completed (accepted) projects, by
    compounds and by households, for a district, street or programme within the user's scope.
    Three grouped queries, whatever the number of projects.

    A street's figures (a street officer's own, or filtered by street) compare with the
    street's own targets (LocalTarget), as on the dashboard; without them they have none."""
    counts = _per_year(Project.objects.visible_to(user).filter(scope.project_q()), year=scope.year)
    target_rows = _target_rows(user, scope.street)
    if scope.programme is not None:
        target_rows = target_rows.filter(programme=scope.programme)
    if scope.district is not None:
        target_rows = target_rows.filter(programme__district=scope.district)
    if scope.year is not None:
        target_rows = target_rows.filter(year=scope.year)
    targets = _targets_per_year(target_rows)
    years = sorted(set(targets) | set(counts))
    if scope.year is not None and not years:
        years = [scope.year]
    return _year_rows(targets, counts, years)


def stage_statistics(*, user: User, scope: StatisticsScope) -> list[dict]:
    """Projects and households by stage (one query). Without a programme, each compound counts
    once, by its current project, as on the dashboard; `year` is the plan year."""
    projects = Project.objects.visible_to(user).filter(scope.project_q())
    if scope.programme is None:
        projects = projects.filter(compound__current_project=F("pk"))
    if scope.year is not None:
        projects = projects.filter(year=scope.year)
    if scope.category:
        projects = projects.filter(Project.has_category_q(scope.category))
    households = fig.HOUSEHOLDS.aggregate(prefix="compound__")
    counted = (fig.PROJECTS, fig.PROGRESS_TOTAL)
    rows = {
        row["stage"]: {**cleaned(counted, row), "households": int(row["households_"] or 0)}
        for row in projects.values("stage")
        .annotate(**aggregates(counted), households_=households)
        .order_by()
    }
    result = []
    for stage, label in Stage.choices:
        row = rows.get(stage, {})
        result.append(
            {
                "stage": stage,
                "label": str(label),
                "projects": row.get("projects", 0),
                "households": row.get("households", 0),
                "average_progress": fig.MEAN_PROGRESS.value(row) if row else None,
            }
        )
    return result


def work_effects(*, user: User, scope: StatisticsScope) -> list[dict]:
    """The "effects" of renovation: planned and completed quantities per work type (metres of
    pipe, elevators, parking spaces, chargers ...) in one grouped query. Completed quantities
    are each work item's latest cumulative figure, never a sum of reports. `year` is the plan
    year of the projects."""
    items = WorkItem.objects.visible_to(user).filter(scope.project_q("project__"))
    if scope.year is not None:
        items = items.filter(project__year=scope.year)
    if scope.category:
        items = items.filter(work_type__category=scope.category)
    rows = (
        items.values(
            "work_type__code",
            "work_type__name_zh",
            "work_type__name_en",
            "work_type__unit",
            "work_type__category",
            "work_type__sort_order",
        )
        .annotate(**aggregates(fig.WORK_FIGURES))
        .order_by("work_type__sort_order", "work_type__code")
    )
    names = {
        "work_projects": "projects",
        "planned_quantity": "planned_quantity",
        "completed_quantity": "completed_quantity",
        "work_budget": "budget",
    }
    result = []
    aliases = {figure.alias for figure in fig.WORK_FIGURES}
    for row in rows:
        values = cleaned(fig.WORK_FIGURES, row)
        plain = {key: value for key, value in row.items() if key not in aliases}
        result.append({**plain, **{names[key]: value for key, value in values.items()}})
    return result


# --- Scope parameters (pages, exports and reports) -----------------------------------------


class ScopeNotFound(ObjectDoesNotExist):
    """A scope parameter names something the user cannot see, or is not an id (pages answer
    404: an id outside the user's scope is the same as one that does not exist)."""


def _scope_querysets(user: User) -> dict[str, QuerySet]:
    return {
        "programme": Programme.objects.visible_to(user).select_related("district"),
        "district": District.objects.visible_to(user),
        "street": Street.objects.visible_to(user).select_related("district"),
        "area": Area.objects.visible_to(user),
        "project": Project.objects.visible_to(user).select_related("compound", "programme"),
        "batch": Batch.objects.filter(programme__in=Programme.objects.visible_to(user)),
    }


def scope_parameters(*, user: User, names: tuple[str, ...], params) -> dict[str, Any]:
    """The named GET parameters present in `params`, each read among what the user may see:
    objects for ids, an int for `year` (1990–2100), keyed by the scope's own field names (the
    scope dataclasses take them as keyword arguments). One query per parameter present."""
    querysets = _scope_querysets(user)
    values: dict[str, Any] = {}
    for name in names:
        raw = params.get(name)
        if raw in (None, ""):
            continue
        try:
            value = int(str(raw))
        except (TypeError, ValueError):
            raise ScopeNotFound(name) from None
        if name == "year":
            if not 1990 <= value <= 2100:
                raise ScopeNotFound(name)
            values[name] = value
            continue
        try:
            values[name] = querysets[name].get(pk=value)
        except ObjectDoesNotExist:
            raise ScopeNotFound(name) from None
    return values
