"""Writes of the rollups: mark scopes dirty, recompute snapshots, record runs.

Data flows one way: a service changes a project, funding record or governance record and marks
the scopes it touches dirty *in its own transaction* (`mark_dirty`); after commit one refresh
is queued, coalesced (`enqueue_refresh`); the refresh recomputes the marked scopes from source
and upserts their snapshots together with deleting the marks it covered, in one transaction.
A refresh that fails or never runs leaves the marks in place, so the next one (at the latest
the beat's drain every few minutes, or the nightly full recompute) catches up.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from celery import current_app, signature
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone

from funding.stale import mark_dirty
from programmes.models import Area, City, District, Programme, Province, Street
from renovation.models import DirtyScope, ScopeKind

from ..models import RollupRun, ScopeSnapshot
from .compute import SOURCE_KINDS, Computation, Figures, compute, empty_figures, total
from .figures import SnapshotFigures

if TYPE_CHECKING:
    from renovation.models import User

logger = logging.getLogger(__name__)

# The tasks (reporting/tasks.py) wrap these services, so they are queued by name.
REFRESH_TASK = "reporting.tasks.rollup_refresh_task"
FULL_TASK = "reporting.tasks.rollup_full_task"
# Set while a refresh is queued and not yet started: further changes only add marks.
PENDING_KEY = "renovation:rollups:refresh-pending"
SCOPE_MODELS = {
    ScopeKind.STREET: Street,
    ScopeKind.AREA: Area,
    ScopeKind.DISTRICT: District,
    ScopeKind.PROGRAMME: Programme,
}


# --- Marking and queueing --------------------------------------------------------------------


def _forget_pending() -> None:
    try:
        cache.delete(PENDING_KEY)
    except Exception:  # the cache is Redis too: when it is down there is nothing to forget
        logger.warning("Could not clear the pending-refresh flag", exc_info=True)


def enqueue_refresh(**_signal: object) -> None:
    """Queue one refresh of the dirty scopes, unless one is queued already (coalescing).

    Runs after commit: the change is saved whatever happens here, so no failure (broker or
    cache down, or, in eager mode, the refresh itself failing) may reach the user's request.
    The marks stay in the database and the next refresh catches up."""
    eager = bool(current_app.conf.task_always_eager)
    countdown = settings.RENOVATION_ROLLUP_REFRESH_COUNTDOWN
    try:
        if not DirtyScope.objects.exists():
            return  # an earlier refresh of this burst has covered every mark
        if not eager and not cache.add(PENDING_KEY, "1", timeout=countdown + 600):
            return  # a queued refresh will drain these marks too
        try:
            signature(REFRESH_TASK).apply_async(countdown=None if eager else countdown, retry=False)
        except Exception:
            if not eager:
                _forget_pending()
            raise
    except Exception:
        logger.exception(
            "Could not refresh the statistics now; the changed scopes stay marked and the next "
            "scheduled refresh catches up."
        )


# --- Runs ------------------------------------------------------------------------------------


def rollup_run_start(*, kind: str, task_id: str = "", run_id: int | None = None) -> RollupRun:
    """The run record of a starting task (created when the task was not queued from a page).
    A retry of the same task reuses its record."""
    run = None
    if run_id is not None:
        run = RollupRun.objects.filter(pk=run_id).first()
    if run is None and task_id:
        run = RollupRun.objects.filter(task_id=task_id, kind=kind).first()
    if run is None:
        run = RollupRun(kind=kind, task_id=task_id)
    run.status = RollupRun.Status.RUNNING
    run.task_id = task_id or run.task_id
    run.started_at = timezone.now()
    run.finished_at = None
    run.steps_done = 0
    run.attempts += 1
    run.error = ""
    run.save()
    return run


def rollup_run_failed(
    *, kind: str, error: str, task_id: str = "", run_id: int | None = None
) -> RollupRun:
    """Record that a run gave up (its retries exhausted): the dashboard shows it."""
    run = None
    if run_id is not None:
        run = RollupRun.objects.filter(pk=run_id).first()
    if run is None and task_id:
        run = RollupRun.objects.filter(task_id=task_id, kind=kind).first()
    if run is None:
        run = RollupRun(kind=kind, task_id=task_id)
    run.status = RollupRun.Status.FAILED
    run.finished_at = timezone.now()
    run.error = error[:2000]
    run.save()
    return run


def rollup_full_request(*, by: User) -> RollupRun:
    """A district official asks for a full recompute: one at a time (a queued or running one
    is returned instead of starting another)."""
    recent = timezone.now() - dt.timedelta(hours=2)
    active = (
        RollupRun.objects.filter(
            kind=RollupRun.Kind.FULL,
            status__in=[RollupRun.Status.QUEUED, RollupRun.Status.RUNNING],
            created_at__gte=recent,
        )
        .order_by("-created_at")
        .first()
    )
    if active is not None:
        return active
    run = RollupRun.objects.create(kind=RollupRun.Kind.FULL, requested_by=by)
    transaction.on_commit(lambda: _enqueue_full(run.pk))
    return run


def _enqueue_full(run_id: int) -> None:

    try:
        signature(FULL_TASK).apply_async(kwargs={"run_id": run_id}, retry=False)
    except Exception as error:
        logger.exception("Could not queue the full recompute")
        RollupRun.objects.filter(pk=run_id).exclude(status=RollupRun.Status.SUCCEEDED).update(
            status=RollupRun.Status.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )


def _step(run: RollupRun | None):
    def step() -> None:
        if run is not None:
            RollupRun.objects.filter(pk=run.pk).update(steps_done=F("steps_done") + 1)

    return step


def _finish(run: RollupRun | None, written: int) -> None:
    if run is None:
        return
    RollupRun.objects.filter(pk=run.pk).update(
        status=RollupRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        steps_done=F("steps_total"),
        snapshots_written=written,
    )


# --- Recomputing -----------------------------------------------------------------------------

STEPS_PER_KIND = len(Computation.SECTIONS)


def rollup_full(*, run: RollupRun | None = None, as_of: dt.date | None = None) -> int:
    """Recompute every scope from source and upsert today's snapshots (or `as_of`'s), in one
    transaction with clearing the marks it covers. Returns the number of snapshots written.
    Repeating it gives the same snapshots; interrupting it leaves the previous ones whole."""
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    covered = DirtyScope.objects.aggregate(last=Max("id"))["last"]
    if run is not None:
        RollupRun.objects.filter(pk=run.pk).update(steps_total=STEPS_PER_KIND * 4 + 1)
    step = _step(run)
    # One kind at a time: its figures are turned into snapshot rows (on PostgreSQL with the
    # figures as JSON text, a fraction of the nested dicts' memory) and the dicts dropped, so a
    # national rollup never holds all 50,000 scopes' figures at once; the districts' are kept
    # for the cities to add up. The rows are written together in one transaction with clearing
    # the marks, so an interrupted run leaves the previous snapshots whole.
    prepared: list[list[ScopeSnapshot]] = []
    districts: dict[int, Figures] = {}
    for kind in SOURCE_KINDS:
        rows = compute(kind, today=as_of, now=now, on_step=step)
        for pk in SCOPE_MODELS[kind]._default_manager.values_list("pk", flat=True):
            rows.setdefault(pk, empty_figures(kind))
        prepared.append(prepare(kind, rows, as_of=as_of, now=now))
        if kind == ScopeKind.DISTRICT:
            districts = rows
        del rows
    city_of = dict(District.objects.values_list("pk", "city_id"))
    by_city: dict[int, list[Figures]] = defaultdict(list)
    for district, figures in districts.items():
        by_city[city_of[district]].append(figures)
    cities = {
        pk: total(ScopeKind.CITY, by_city.get(pk, []))
        for pk in City.objects.values_list("pk", flat=True)
    }
    prepared.append(prepare(ScopeKind.CITY, cities, as_of=as_of, now=now))
    prepared.append(prepare(ScopeKind.PROVINCE, provinces_of(cities), as_of=as_of, now=now))
    prepared.append(
        prepare(ScopeKind.ALL, {0: total(ScopeKind.ALL, cities.values())}, as_of=as_of, now=now)
    )
    del districts, by_city, cities
    with transaction.atomic():
        written = sum(write(snapshots) for snapshots in prepared)
        if covered is not None:
            DirtyScope.objects.filter(id__lte=covered).delete()
    step()
    _finish(run, written)
    return written


def rollup_refresh(*, task_id: str = "", as_of: dt.date | None = None) -> RollupRun | None:
    """Recompute the scopes marked dirty (and the city and national sums above them). None
    when nothing is marked (the beat's safety-net drain usually finds nothing)."""
    covered = DirtyScope.objects.aggregate(last=Max("id"))["last"]
    if covered is None:
        return None
    marks: dict[str, set[int]] = defaultdict(set)
    for kind, pk in (
        DirtyScope.objects.filter(id__lte=covered).values_list("scope_kind", "scope_id").distinct()
    ):
        marks[kind].add(pk)
    run = rollup_run_start(kind=RollupRun.Kind.REFRESH, task_id=task_id)
    RollupRun.objects.filter(pk=run.pk).update(steps_total=STEPS_PER_KIND * 4 + 1)
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    step = _step(run)

    # City and national figures add up districts: every district of an affected city needs a
    # snapshot, so one that has none yet is computed now as well.
    districts = marks[ScopeKind.DISTRICT]  # extended in place below
    cities = set(marks[ScopeKind.CITY]) | set(
        District.objects.filter(pk__in=districts).values_list("city_id", flat=True)
    )
    cities |= set(
        City.objects.exclude(
            pk__in=ScopeSnapshot.objects.filter(scope_kind=ScopeKind.CITY).values("scope_id")
        ).values_list("pk", flat=True)
    )
    districts |= set(
        District.objects.filter(city__in=cities)
        .exclude(
            pk__in=ScopeSnapshot.objects.filter(scope_kind=ScopeKind.DISTRICT).values("scope_id")
        )
        .values_list("pk", flat=True)
    )
    results = {}
    for kind in SOURCE_KINDS:
        ids = marks[kind]
        # Only scopes that still exist (a mark may outlive a deleted area).
        ids = set(
            SCOPE_MODELS[kind]._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
        )
        results[kind] = compute(kind, ids, today=as_of, now=now, on_step=step) if ids else {}
        if not ids:
            for _ in Computation.SECTIONS:
                step()
    with transaction.atomic():
        written = sum(upsert(kind, rows, as_of=as_of, now=now) for kind, rows in results.items())
        city_rows = {}
        for city, parts in latest_figures(
            ScopeKind.DISTRICT, District.objects.filter(city__in=cities), group="city_id"
        ).items():
            city_rows[city] = total(ScopeKind.CITY, parts)
        for city in cities:
            city_rows.setdefault(city, empty_figures(ScopeKind.CITY))
        written += upsert(ScopeKind.CITY, city_rows, as_of=as_of, now=now)
        # Provinces add up their cities' latest figures, as cities add up their districts.
        provinces = set(
            City.objects.filter(pk__in=cities).values_list("province_id", flat=True)
        ) | set(
            Province.objects.exclude(
                pk__in=ScopeSnapshot.objects.filter(scope_kind=ScopeKind.PROVINCE).values(
                    "scope_id"
                )
            ).values_list("pk", flat=True)
        )
        province_rows = {
            province: total(ScopeKind.PROVINCE, parts)
            for province, parts in latest_figures(
                ScopeKind.CITY, City.objects.filter(province__in=provinces), group="province_id"
            ).items()
        }
        for province in provinces:
            province_rows.setdefault(province, empty_figures(ScopeKind.PROVINCE))
        written += upsert(ScopeKind.PROVINCE, province_rows, as_of=as_of, now=now)
        national = latest_figures(ScopeKind.CITY, City.objects.all(), group=None)
        written += upsert(
            ScopeKind.ALL, {0: total(ScopeKind.ALL, national.get(0, []))}, as_of=as_of, now=now
        )
        DirtyScope.objects.filter(id__lte=covered).delete()
    step()
    _finish(run, written)
    run.refresh_from_db()
    return run


def provinces_of(cities: dict[int, Figures]) -> dict[int, Figures]:
    """Every province's figures: the sum of its cities' (a province without cities has
    empty figures)."""
    by_province: dict[int, list[Figures]] = defaultdict(list)
    for city, province in City.objects.values_list("pk", "province_id"):
        if city in cities:
            by_province[province].append(cities[city])
    return {
        pk: total(ScopeKind.PROVINCE, by_province.get(pk, []))
        for pk in Province.objects.values_list("pk", flat=True)
    }


def latest_figures(kind: str, scopes, *, group: str | None) -> dict[int, list[Figures]]:
    """The figures of the latest snapshot of each of `scopes` (a queryset of the scope's
    model), grouped by a field of that model, or all under 0 (the national scope's id) when
    `group` is None (one query)."""
    latest = (
        ScopeSnapshot.objects.filter(scope_kind=kind, scope_id=OuterRef("scope_id"))
        .order_by("-as_of")
        .values("as_of")[:1]
    )
    parents = dict(scopes.values_list("pk", group)) if group else None
    rows = ScopeSnapshot.objects.filter(
        scope_kind=kind,
        scope_id__in=scopes.values("pk"),
        as_of=Subquery(latest),
    ).values_list("scope_id", "figures")
    grouped: dict[int, list[Figures]] = defaultdict(list)
    for pk, figures in rows:
        grouped[parents[pk] if parents is not None else 0].append(figures)
    return grouped


UPDATED_COLUMNS = [
    "computed_at",
    "compounds",
    "households",
    "started",
    "started_households",
    "completed",
    "completed_households",
    "target_compounds",
    "target_households",
    "progress",
    "open_problems",
    "funding_planned",
    "funding_received",
    "funding_spent",
    "figures",
]
KEY_COLUMNS = ["scope_kind", "scope_id", "as_of"]


def upsert(kind: str, rows: dict[int, Figures], *, as_of: dt.date, now: dt.datetime) -> int:
    """Write (or overwrite) the day's snapshot of each scope, inside the caller's transaction."""
    return write(prepare(kind, rows, as_of=as_of, now=now))


def prepare(
    kind: str, rows: dict[int, Figures], *, as_of: dt.date, now: dt.datetime
) -> list[ScopeSnapshot]:
    """Unsaved snapshots of the scopes' figures. On PostgreSQL their `figures` is already JSON
    text, ready for COPY (and far smaller in memory than the figures themselves)."""
    snapshots = [_snapshot(kind, pk, figures, as_of, now) for pk, figures in rows.items()]
    if connection.vendor == "postgresql":
        encoder = ScopeSnapshot._meta.get_field("figures").encoder
        for snapshot in snapshots:
            snapshot.figures = json.dumps(snapshot.figures, cls=encoder)
    return snapshots


def write(snapshots: list[ScopeSnapshot]) -> int:
    """Upsert prepared snapshots: on PostgreSQL streamed with COPY into a temporary table and
    merged with one `INSERT … ON CONFLICT`, elsewhere one statement per 500 scopes."""
    if not snapshots:
        return 0
    if connection.vendor == "postgresql":
        _copy_upsert(snapshots)
    else:
        ScopeSnapshot.objects.bulk_create(
            snapshots,
            batch_size=500,
            update_conflicts=True,
            unique_fields=KEY_COLUMNS,
            update_fields=UPDATED_COLUMNS,
        )
    return len(snapshots)


def _copy_upsert(snapshots: list[ScopeSnapshot]) -> None:
    """Binding thousands of JSON documents as statement parameters costs more than computing
    them; COPY streams them in the wire format instead."""
    table = connection.ops.quote_name(ScopeSnapshot._meta.db_table)
    columns = KEY_COLUMNS + UPDATED_COLUMNS
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    updates = ", ".join(
        f"{connection.ops.quote_name(c)} = EXCLUDED.{connection.ops.quote_name(c)}"
        for c in UPDATED_COLUMNS
    )
    # Table and column names come from the model's metadata, quoted; rows go through COPY.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE snapshot_upsert ON COMMIT DROP AS "  # nosec B608
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY snapshot_upsert ({names}) FROM STDIN") as copy:
            for snapshot in snapshots:
                copy.write_row([getattr(snapshot, c) for c in columns])
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM snapshot_upsert "  # nosec B608
            f"ON CONFLICT (scope_kind, scope_id, as_of) DO UPDATE SET {updates}"
        )
        cursor.execute("DROP TABLE snapshot_upsert")


def _snapshot(
    kind: str, pk: int, figures: Figures, as_of: dt.date, now: dt.datetime
) -> ScopeSnapshot:
    view = SnapshotFigures(figures)
    year = view.year(as_of.year)
    money = view.funding_totals()
    return ScopeSnapshot(
        scope_kind=kind,
        scope_id=pk,
        as_of=as_of,
        computed_at=now,
        compounds=view.compounds,
        households=view.households,
        started=year.started,
        started_households=year.started_households,
        completed=year.completed,
        completed_households=year.completed_households,
        target_compounds=year.target_compounds,
        target_households=year.target_households,
        progress=view.weighted_progress,
        open_problems=view.open_problems,
        funding_planned=money["planned"],
        funding_received=money["received"],
        funding_spent=money["spent"],
        figures=figures,
    )


def rollup_prune(*, keep_days: int = 30) -> int:
    """Forget finished runs older than `keep_days` (snapshots are kept: they are history)."""
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    deleted, _ = RollupRun.objects.filter(
        created_at__lt=cutoff,
        status__in=[RollupRun.Status.SUCCEEDED, RollupRun.Status.FAILED],
    ).delete()
    return deleted


__all__ = [
    "enqueue_refresh",
    "mark_dirty",
    "rollup_full",
    "rollup_full_request",
    "rollup_prune",
    "rollup_refresh",
]
