"""The national rollup in a real Celery worker (time and peak memory), the bare SQL beside it
(time, and proof that it computes the same figures), and the incremental refresh after one
progress report (end to end through the worker, and the task body)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from programmes.models import ProgressReport, Project, Stage
from programmes.services import progress_report_file
from renovation.models import DirtyScope, ScopeKind, User
from reporting.models import RollupRun, ScopeSnapshot
from reporting.rollups.services import PENDING_KEY, rollup_full_request

from . import bare_compare, bare_sql
from .processes import MemorySampler, Server, status_kb
from .report import Row

POLL = 0.02


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")


def wait_quiet(timeout: float = 900) -> None:
    """No marks left, no queued refresh, no run in progress (the worker has caught up)."""

    def quiet() -> bool:
        active = RollupRun.objects.filter(
            status__in=[RollupRun.Status.QUEUED, RollupRun.Status.RUNNING],
            created_at__gte=timezone.now() - dt.timedelta(hours=2),
        ).exists()
        return not active and not DirtyScope.objects.exists() and cache.get(PENDING_KEY) is None

    wait_for(quiet, timeout=timeout, what="the worker to finish pending statistics refreshes")


def full_rollup(worker: Server, user: User, *, runs: int, timeout: float) -> dict:
    """Request the full recompute as a district official does; the worker runs it. Returns
    body and end-to-end seconds, snapshots written and the worker's peak memory."""
    wait_quiet(timeout)
    idle = max((status_kb(pid).get("VmRSS", 0) for pid in _tree(worker)), default=0) / 1024
    body, wall, written = [], [], 0
    with MemorySampler(worker.pid) as sampler:
        for _ in range(runs):
            start = time.perf_counter()
            with transaction.atomic():
                run = rollup_full_request(by=user)
            done = wait_for(
                lambda pk=run.pk: RollupRun.objects.filter(
                    pk=pk, status__in=[RollupRun.Status.SUCCEEDED, RollupRun.Status.FAILED]
                ).first(),
                timeout=timeout,
                what="the full rollup",
            )
            wall.append(time.perf_counter() - start)
            if done.status != RollupRun.Status.SUCCEEDED:
                raise SystemExit(f"the full rollup failed: {done.error}")
            body.append((done.finished_at - done.started_at).total_seconds())
            written = done.snapshots_written
    return {
        "body": body,
        "wall": wall,
        "written": written,
        "memory": sampler.peak,
        "idle_mb": idle,
    }


def _tree(worker: Server) -> list[int]:
    from .processes import descendants

    return [worker.pid, *descendants(worker.pid)]


def bare_rollup(*, runs: int) -> dict:
    """Time the bare SQL `runs` times, then compare its figures with today's snapshots."""
    today, now = timezone.localdate(), timezone.now()
    hours = settings.RENOVATION_PROBLEM_OVERDUE_HOURS
    totals, per_statement = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        rows, seconds = bare_sql.run_queries(connection, today=today, now=now, overdue_hours=hours)
        totals.append(time.perf_counter() - start)
        for name, value in seconds.items():
            per_statement.setdefault(name, []).append(value)
    start = time.perf_counter()
    figures = bare_compare.assemble(rows)
    assemble_seconds = time.perf_counter() - start
    snapshots = ScopeSnapshot.objects.filter(as_of=today).values_list(
        "scope_kind", "scope_id", "figures"
    )
    compared, mismatches = bare_compare.compare(snapshots.iterator(chunk_size=500), figures)
    return {
        "seconds": totals,
        "statements": {k: statistics.median(v) for k, v in per_statement.items()},
        "assemble": assemble_seconds,
        "compared": compared,
        "mismatches": mismatches,
    }


# --- Incremental -----------------------------------------------------------------------------


def incremental(user: User, *, reports: int, timeout: float) -> dict:
    """File `reports` progress reports one after another through the service (as the page
    does), each time waiting until the worker's refresh has rewritten the affected street's
    and the national snapshots. The coalescing delay is set to 0 for this measurement."""
    wait_quiet(timeout)
    today = timezone.localdate()
    projects = list(
        Project.objects.visible_to(user)
        .filter(stage=Stage.CONSTRUCTION, work_items__isnull=False)
        .exclude(started_on__gt=today)
        .select_related("compound")
        .distinct()
        .order_by("-id")[: max(reports, 1)]
    )
    countdown = settings.RENOVATION_ROLLUP_REFRESH_COUNTDOWN
    settings.RENOVATION_ROLLUP_REFRESH_COUNTDOWN = 0
    end_to_end, bodies, service = [], [], []
    try:
        for index in range(reports):
            project = projects[index % len(projects)]
            since = timezone.now()
            start = time.perf_counter()
            existing = ProgressReport.objects.filter(project=project, report_date=today).first()
            with transaction.atomic():
                progress_report_file(
                    project=project,
                    by=user,
                    report_date=today,
                    quantities={
                        item.pk: min(item.planned_quantity, item.completed_quantity + Decimal(1))
                        for item in project.work_items.all()
                    },
                    reasons={item.pk: "bench" for item in project.work_items.all()},
                    note="bench incremental",
                    version=existing.version if existing else None,
                )
            service.append(time.perf_counter() - start)

            def refreshed(street=project.compound.street_id, since=since) -> bool:
                stamps = ScopeSnapshot.objects.filter(as_of=today, computed_at__gte=since).filter(
                    scope_kind__in=[ScopeKind.STREET, ScopeKind.ALL],
                    scope_id__in=[street, 0],
                )
                return stamps.count() == 2

            wait_for(refreshed, timeout=timeout, what="the incremental refresh")
            end_to_end.append(time.perf_counter() - start)
            # The run is marked finished just after the snapshots commit.
            run = wait_for(
                lambda since=since: (
                    RollupRun.objects.filter(
                        kind=RollupRun.Kind.REFRESH,
                        created_at__gte=since,
                        status=RollupRun.Status.SUCCEEDED,
                    )
                    .order_by("-finished_at")
                    .first()
                ),
                timeout=timeout,
                what="the refresh run to be recorded",
            )
            bodies.append((run.finished_at - run.started_at).total_seconds())
            wait_quiet(timeout)
    finally:
        settings.RENOVATION_ROLLUP_REFRESH_COUNTDOWN = countdown
    return {
        "end_to_end": end_to_end,
        "bodies": bodies,
        "service": service,
        "countdown": countdown,
    }


def rows_full(full: dict, bare: dict) -> list[Row]:
    body = statistics.median(full["body"])
    sql = statistics.median(bare["seconds"])
    ratio = body / sql if sql else float("inf")
    peak = full["memory"]
    mismatch = len(bare["mismatches"])
    rows = [
        Row.single(
            "full national rollup (task body in the worker)",
            "s",
            full["body"],
            target=60,
            note=f"{full['written']:,} snapshots; request→done "
            f"{statistics.median(full['wall']):.1f} s",
        ),
        Row.single(
            "bare SQL GROUP BY, same figures",
            "s",
            bare["seconds"],
            note=f"{len(bare['statements'])} statements; figures equal the snapshots for "
            f"{bare['compared'] - len({m.split('.')[0] for m in bare['mismatches']}):,} of "
            f"{bare['compared']:,} scopes ({mismatch} mismatching figures)",
        ),
        Row(
            "rollup ÷ bare SQL",
            "×",
            p50=ratio,
            n=None,
            target=1.5,
            value=ratio,
            errors=mismatch,
            note="medians; errors = figures where the bare SQL disagrees with the snapshots",
        ),
        Row(
            "worker peak memory during full rollup",
            "MB",
            p50=None,
            p95=peak.process_mb,
            target=500,
            value=peak.process_mb,
            note=f"largest process VmHWM (sampled every 50 ms, {peak.samples} samples over "
            f"{peak.processes} processes); whole worker tree peak {peak.tree_mb:.0f} MB; "
            f"idle before {full['idle_mb']:.0f} MB",
        ),
    ]
    return rows


def rows_incremental(result: dict) -> list[Row]:
    note = (
        f"countdown set to 0 (production coalesces for {result['countdown']} s first); "
        f"service call alone p50 {statistics.median(result['service']) * 1000:.0f} ms"
        if result["service"]
        else ""
    )
    return [
        Row.latency(
            "incremental rollup: report → snapshots updated",
            result["end_to_end"],
            target_ms=500,
            note=note,
        ),
        Row.latency(
            "incremental rollup: refresh task body",
            result["bodies"],
            target_ms=500,
            note="RollupRun started_at→finished_at in the worker",
        ),
    ]
