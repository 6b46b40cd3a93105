"""Back-filling the yearly figures of past snapshots when history is entered with its dates.

A snapshot holds the figures of one day. When an official enters a project that started in
March and was accepted in November, today's snapshot counts it (the refresh recomputes it), but
the daily snapshots since March still say it had not started: the trend would show a jump on
the day of entry instead of the real start. `rollup_backfill_years` rewrites the started and
completed figures (by compounds and households, per year, and the headline columns of the
snapshot's own year) of every snapshot dated on or after a day, from `Project.started_on` and
`completed_on` as of that snapshot's day. One grouped query per scope kind and date field.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from celery import signature
from django.db import transaction
from django.db.models import Count, F, Sum, Value

from programmes.models import Project
from renovation.models import ScopeKind

from ..models import ScopeSnapshot
from .compute import _year

logger = logging.getLogger(__name__)
BACKFILL_TASK = "reporting.tasks.rollup_backfill_task"

# From a project to each scope kind whose snapshots count it (ALL: one national scope, id 0).
PATHS = {
    ScopeKind.STREET: "compound__street",
    ScopeKind.AREA: "compound__area",
    ScopeKind.DISTRICT: "compound__street__district",
    ScopeKind.PROGRAMME: "programme",
    ScopeKind.CITY: "compound__street__district__city",
    ScopeKind.ALL: None,
}
FIELDS = (("started_on", "started"), ("completed_on", "completed"))


def _scopes_of(project_ids: Iterable[int]) -> dict[str, set[int]]:
    """The scopes (by kind) that count these projects."""
    scopes: dict[str, set[int]] = defaultdict(set)
    names = [path for path in PATHS.values() if path]
    for row in Project.objects.filter(pk__in=list(project_ids)).values_list(*names):
        for (kind, _path), pk in zip([(k, p) for k, p in PATHS.items() if p], row, strict=True):
            if pk is not None:
                scopes[kind].add(pk)
        scopes[ScopeKind.ALL].add(0)
    return scopes


def _daily_counts(kind: str, ids: set[int], field: str) -> dict[int, list[tuple]]:
    """Per scope: (day, projects, households) of the projects whose `field` is that day."""
    path = PATHS[ScopeKind(kind)]
    projects = Project.objects.filter(**{f"{field}__isnull": False})
    if path:
        projects = projects.filter(**{f"{path}__in": ids}).annotate(_key=F(path))
    else:
        projects = projects.annotate(_key=Value(0))
    rows = (
        projects.order_by()
        .values("_key", field)
        .annotate(n=Count("id"), h=Sum("compound__households"))
    )
    result: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        result[row["_key"]].append((row[field], row["n"], row["h"] or 0))
    return result


def rollup_backfill_years(*, since: dt.date, project_ids: Iterable[int] | None = None) -> int:
    """Rewrite the started/completed figures of the snapshots dated `since` or later (of the
    scopes counting `project_ids`, or of every scope) as of each snapshot's day. Returns the
    number of snapshots rewritten. Repeating it gives the same snapshots."""
    scopes = _scopes_of(project_ids) if project_ids is not None else None
    kinds = list(scopes) if scopes is not None else list(PATHS)
    written = 0
    with transaction.atomic():
        for kind in kinds:
            rows = ScopeSnapshot.objects.select_for_update().filter(
                scope_kind=kind, as_of__gte=since
            )
            if scopes is not None:
                rows = rows.filter(scope_id__in=scopes[kind])
            snapshots = list(rows.order_by("scope_id", "as_of"))
            if not snapshots:
                continue
            ids = {s.scope_id for s in snapshots}
            counts = {name: _daily_counts(kind, ids, field) for field, name in FIELDS}
            for snapshot in snapshots:
                _rewrite(snapshot, counts)
            ScopeSnapshot.objects.bulk_update(
                snapshots,
                [
                    "figures",
                    "started",
                    "started_households",
                    "completed",
                    "completed_households",
                ],
                batch_size=500,
            )
            written += len(snapshots)
    return written


def _rewrite(snapshot: ScopeSnapshot, counts: dict[str, dict[int, list[tuple]]]) -> None:
    figures = snapshot.figures
    for year in figures["years"].values():
        for _field, name in FIELDS:
            year[name] = 0
            year[f"{name}_households"] = 0
    for _field, name in FIELDS:
        for day, n, households in counts[name].get(snapshot.scope_id, ()):
            if day > snapshot.as_of:
                continue
            year = _year(figures, day.year)
            year[name] += n
            year[f"{name}_households"] += households
    own = figures["years"].get(str(snapshot.as_of.year), {})
    snapshot.started = own.get("started", 0)
    snapshot.started_households = own.get("started_households", 0)
    snapshot.completed = own.get("completed", 0)
    snapshot.completed_households = own.get("completed_households", 0)


def enqueue_backfill(*, since: dt.date, project_ids: Iterable[int], **_signal: object) -> None:
    """Receiver of `renovation.stale.history_changed`, sent after the commit of a change that
    took effect before today: queue the back-fill of the snapshots since `since` (today's
    snapshot is the refresh's business)."""
    try:
        signature(BACKFILL_TASK, args=(since.isoformat(), sorted(set(project_ids)))).delay()
    except Exception:  # the change is saved; the nightly full rollup does not back-fill
        logger.exception("Could not queue the back-fill of snapshots since %s", since)
