"""Reads of the rollups: which snapshot a user reads, the dashboard built from snapshots, the
trend from the snapshot history, chart data, and runs for the progress page.

A page reads a fixed number of queries whatever the number of compounds: the scope's latest
snapshot, its streets' latest snapshots, the history columns, and the street list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from funding.models import Kind
from funding.selectors import FundingMix
from governance.selectors import DashboardPanel, Indicators, StreetIndicators
from programmes import figures as pf
from programmes.models import (
    Area,
    City,
    District,
    Programme,
    Province,
    SiteProblemQuerySet,
    Street,
    WorkType,
)
from programmes.selectors import Dashboard, StreetRow, YearFigures
from renovation.access import can_request_recompute, reads_whole_instance
from renovation.figures import in_unit
from renovation.models import ScopeKind

from ..models import RollupRun, ScopeSnapshot
from .figures import SnapshotFigures

if TYPE_CHECKING:
    from renovation.models import User

TREND_DAYS = 400


# --- Scope of a user and of a page -----------------------------------------------------------


def scope_of(user: User) -> tuple[str, int] | None:
    """The snapshot scope that holds exactly what the user may read (visible_to), or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ScopeKind.ALL, 0
    if user.street_id:
        return ScopeKind.STREET, user.street_id
    if user.district_id:
        return ScopeKind.DISTRICT, user.district_id
    if user.city_id:
        return ScopeKind.CITY, user.city_id
    if user.province_id:
        return ScopeKind.PROVINCE, user.province_id
    if reads_whole_instance(user):
        return ScopeKind.ALL, 0
    return None


SCOPE_MODELS: dict[str, type[Model]] = {
    ScopeKind.PROVINCE: Province,
    ScopeKind.CITY: City,
    ScopeKind.DISTRICT: District,
    ScopeKind.STREET: Street,
    ScopeKind.AREA: Area,
    ScopeKind.PROGRAMME: Programme,
}
# From each scope's model to its district and city (None where the model sits above them).
DISTRICT_PATH: dict[str, str] = {
    ScopeKind.DISTRICT: "pk",
    ScopeKind.STREET: "district",
    ScopeKind.AREA: "district",
    ScopeKind.PROGRAMME: "district",
}
CITY_PATH: dict[str, str] = {
    ScopeKind.CITY: "pk",
    ScopeKind.DISTRICT: "city",
    ScopeKind.STREET: "district__city",
    ScopeKind.AREA: "district__city",
    ScopeKind.PROGRAMME: "district__city",
}
PROVINCE_PATH: dict[str, str] = {
    ScopeKind.PROVINCE: "pk",
    ScopeKind.CITY: "province",
    ScopeKind.DISTRICT: "city__province",
    ScopeKind.STREET: "district__city__province",
    ScopeKind.AREA: "district__city__province",
    ScopeKind.PROGRAMME: "district__city__province",
}


@dataclass
class Scope:
    kind: str
    pk: int
    obj: Any  # the City, District, ... (None for "all")

    @property
    def label(self) -> str:
        return str(self.obj) if self.obj is not None else pgettext("statistics scope", "All")

    @property
    def kind_label(self) -> str:
        return str(ScopeKind(self.kind).label)


def scope_in_reach(*, user: User, kind: str, pk: int) -> Scope:
    """A scope whose every figure the user may read; LookupError otherwise (pages say 404).

    Street officers read their own street only: a district or area also holds other streets'
    figures. District officials read their district and what lies inside it; city viewers
    their city and what lies inside it; province viewers their province and what lies inside
    it; unscoped viewers everything."""
    own = scope_of(user)
    if own is None or kind not in ScopeKind.values:
        raise LookupError(kind)
    own_kind, own_pk = own
    if kind == ScopeKind.ALL:
        if own_kind != ScopeKind.ALL or pk != 0:
            raise LookupError(kind)
        return Scope(kind, 0, None)
    objects = SCOPE_MODELS[kind]._default_manager.all()
    if own_kind == ScopeKind.STREET:
        objects = objects.filter(pk=own_pk) if kind == ScopeKind.STREET else objects.none()
    elif own_kind == ScopeKind.DISTRICT:
        path = DISTRICT_PATH.get(kind)
        objects = objects.filter(**{path: own_pk}) if path else objects.none()
    elif own_kind == ScopeKind.CITY:
        path = CITY_PATH.get(kind)
        objects = objects.filter(**{path: own_pk}) if path else objects.none()
    elif own_kind == ScopeKind.PROVINCE:
        objects = objects.filter(**{PROVINCE_PATH[kind]: own_pk})
    obj = objects.filter(pk=pk).first()
    if obj is None:
        raise LookupError(kind)
    return Scope(kind, pk, obj)


# The units a scope's page compares: the level right below it, so that a page lists one level
# only (a national page compares some 300 cities, never 40,000 streets). A street compares
# itself. Areas and programmes compare nothing.
CHILD_UNITS: dict[str, tuple[str, str | None]] = {
    ScopeKind.ALL: (ScopeKind.CITY, None),
    ScopeKind.PROVINCE: (ScopeKind.CITY, "province"),
    ScopeKind.CITY: (ScopeKind.DISTRICT, "city"),
    ScopeKind.DISTRICT: (ScopeKind.STREET, "district"),
    ScopeKind.STREET: (ScopeKind.STREET, "pk"),
}


@dataclass
class Units:
    kind: str
    objects: QuerySet


def child_units(*, kind: str, pk: int) -> Units | None:
    """The units the page of scope (kind, pk) compares (a lazy queryset), or None."""
    if kind not in CHILD_UNITS:
        return None
    child_kind, path = CHILD_UNITS[kind]
    objects = SCOPE_MODELS[child_kind]._default_manager.all()
    if path is not None:
        objects = objects.filter(**{path: pk})
    if child_kind == ScopeKind.STREET:
        objects = objects.select_related("district")
    return Units(child_kind, objects)


# --- Snapshots -------------------------------------------------------------------------------


def latest_snapshot(*, kind: str, pk: int) -> ScopeSnapshot | None:
    return ScopeSnapshot.objects.filter(scope_kind=kind, scope_id=pk).order_by("-as_of").first()


def latest_snapshots(*, kind: str, ids: QuerySet | list[int]) -> dict[int, ScopeSnapshot]:
    """The latest snapshot of each scope (one query)."""
    latest = (
        ScopeSnapshot.objects.filter(scope_kind=kind, scope_id=OuterRef("scope_id"))
        .order_by("-as_of")
        .values("as_of")[:1]
    )
    rows = ScopeSnapshot.objects.filter(scope_kind=kind, scope_id__in=ids, as_of=Subquery(latest))
    return {row.scope_id: row for row in rows}


def history(*, kind: str, pk: int, days: int = TREND_DAYS) -> list[dict]:
    """The headline columns of the scope's daily snapshots, oldest first (one query, no JSON)."""
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = (
        ScopeSnapshot.objects.filter(scope_kind=kind, scope_id=pk, as_of__gte=since)
        .order_by("as_of")
        .values(
            "as_of",
            "progress",
            "started",
            "completed",
            "target_compounds",
            "funding_planned",
            "funding_received",
            "funding_spent",
        )
    )
    return [dict(row) for row in rows]


def age_of(snapshot: ScopeSnapshot) -> dt.timedelta:
    return timezone.now() - snapshot.computed_at


# --- The dashboard from snapshots ------------------------------------------------------------


@dataclass
class Statistics:
    """What the dashboard and a scope page show: the live selectors' objects, plus where they
    come from (a snapshot and its age, or live figures when no snapshot exists yet)."""

    board: Dashboard
    funding_mix: FundingMix
    governance_panel: DashboardPanel | None
    snapshot: ScopeSnapshot | None
    figures: SnapshotFigures | None
    trend: list[dict]
    street_progress: dict[int, Decimal | None]

    @property
    def is_live(self) -> bool:
        return self.snapshot is None


def statistics_from_snapshot(
    *,
    snapshot: ScopeSnapshot,
    year: int,
    units: Units | None,
    problems: SiteProblemQuerySet | None,
) -> Statistics:
    """The dashboard of one scope from its snapshot and the snapshots of the units it compares
    (four queries, and one for the live list of problems open for more than a day when
    `problems` is given: a to-do list, not a statistic)."""
    figures = SnapshotFigures(snapshot.figures)
    years = figures.years()
    street_rows: list[StreetRow] = []
    street_governance: list[StreetIndicators] = []
    street_progress: dict[int, Decimal | None] = {}
    if units is not None:
        street_list = list(units.objects)
        snapshots = latest_snapshots(kind=units.kind, ids=[s.pk for s in street_list])
        for street in street_list:
            snap = snapshots.get(street.pk)
            if snap is None:
                continue
            street_figures = SnapshotFigures(snap.figures)
            row = street_figures.street_row(street, year)
            if row.compounds:
                # Shown beside the plain average, which the live street rows also give.
                row.weighted_progress = street_figures.weighted_progress
                street_rows.append(row)
                street_progress[street.pk] = row.weighted_progress
            indicators = street_figures.indicators()
            if indicators is not None and street_figures.has_governance:
                street_governance.append(StreetIndicators(street=street, figures=indicators))
    overdue = [] if problems is None else list(problems.overdue().order_by("created_at", "id")[:10])
    board = Dashboard(
        year=year,
        stages=figures.stages,
        unassigned=figures.unassigned,
        years=list(years.values()),
        current=years.get(year) or YearFigures(year, None, None, 0, 0, 0, 0),
        # A street or an area compares with its own target once the programme gives it one.
        targets_apply=snapshot.scope_kind not in (ScopeKind.STREET, ScopeKind.AREA)
        or any(y.target_compounds is not None for y in years.values()),
        streets=street_rows,
        overdue_problems=overdue,
        overdue_problem_count=figures.overdue_problems,
        open_problem_count=figures.open_problems,
        unit_kind=units.kind if units is not None else ScopeKind.STREET,
    )
    indicators = figures.indicators()
    panel = (
        DashboardPanel(
            figures=indicators or Indicators(),
            streets=street_governance,
            unit_kind=units.kind if units is not None else ScopeKind.STREET,
        )
        if indicators is not None
        else None
    )
    return Statistics(
        board=board,
        funding_mix=figures.funding_mix(),
        governance_panel=panel,
        snapshot=snapshot,
        figures=figures,
        trend=history(kind=snapshot.scope_kind, pk=snapshot.scope_id),
        street_progress=street_progress,
    )


def last_failure(*, user: User) -> RollupRun | None:
    """The latest finished rollup run if it failed, for district officials and administrators
    (who can do something about it): figures may be out of date until a run succeeds."""
    if not can_request_recompute(user):
        return None
    latest = (
        RollupRun.objects.filter(status__in=[RollupRun.Status.SUCCEEDED, RollupRun.Status.FAILED])
        .order_by("-finished_at", "-id")
        .first()
    )
    return latest if latest is not None and latest.status == RollupRun.Status.FAILED else None


def rollup_run_for(*, user: User, pk: int) -> RollupRun:
    """A run the user may watch (DoesNotExist otherwise)."""
    if not can_request_recompute(user):
        raise RollupRun.DoesNotExist
    return RollupRun.objects.get(pk=pk)


def recent_runs(*, limit: int = 10) -> list[RollupRun]:
    return list(RollupRun.objects.select_related("requested_by").order_by("-created_at")[:limit])


def work_rows(figures: SnapshotFigures) -> list[dict]:
    """Work-item totals by type, in catalogue order (one query for the names)."""
    work = figures.work()
    types = WorkType.objects.filter(code__in=list(work)).order_by("sort_order", "code")
    rows = []
    for work_type in types:
        values = work[work_type.code]
        planned = Decimal(values["planned"])
        completed = Decimal(values["completed"])
        rows.append(
            {
                "work_type": work_type,
                "projects": values["projects"],
                "planned": planned,
                "completed": completed,
                "budget": Decimal(values["budget"]),
                "percent": pf.WORK_COMPLETION_RATE.of(completed, planned),
            }
        )
    return rows


# --- Charts ----------------------------------------------------------------------------------


def _number(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)


def chart_data(
    *,
    board: Dashboard,
    funding_mix: FundingMix,
    trend: list[dict],
    street_progress: dict[int, Decimal | None],
) -> dict:
    """Plain JSON for static/js/dashboard-charts.js (embedded with json_script). Each chart
    has a table on the page holding the same figures."""
    labels = {
        "compounds": _("Compounds"),
        "households": _("Households"),
        "target": _("Target"),
        "started": _("Started"),
        "completed": _("Completed"),
        "progress": _("Weighted progress (%)"),
        "average": _("Average progress (%)"),
        "planned": pgettext("money", "Planned"),
        "received": pgettext("money", "Received"),
        "spent": pgettext("money", "Spent"),
        "wan": _("10,000 yuan"),
    }
    return {
        "labels": {key: str(value) for key, value in labels.items()},
        "stages": [
            {"label": str(row["label"]), "compounds": row["compounds"]} for row in board.stages
        ],
        "years": [
            {
                "year": y.year,
                "target": y.target_compounds if board.targets_apply else None,
                "started": y.started,
                "completed": y.completed,
            }
            for y in board.years
        ],
        # In 万元 as the table beside the chart shows them (adding up to its total).
        "funding": [
            {
                "kind": row.kind,
                "label": str(Kind(row.kind).label),
                "planned": _number(row.planned),
                "received": _number(row.received),
                "spent": _number(row.spent),
            }
            for row in funding_mix.shown("wan").kinds
        ],
        "streets": [
            {
                "name": row.street.name,
                "average": _number(row.average_progress),
                "progress": _number(street_progress.get(row.street.pk)),
            }
            for row in board.streets
        ],
        "trend": [
            {
                "date": point["as_of"].isoformat(),
                "progress": _number(point["progress"]),
                "started": point["started"],
                "completed": point["completed"],
                "target": point["target_compounds"],
                "planned": _number(in_unit(point["funding_planned"], "wan")),
                "received": _number(in_unit(point["funding_received"], "wan")),
                "spent": _number(in_unit(point["funding_spent"], "wan")),
            }
            for point in trend
        ],
    }
