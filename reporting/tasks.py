"""Celery tasks of reporting: thin wrappers around the rollup, export and reminder services.

Tasks take ids and ISO dates and own only retries. Rollups recompute from source and upsert,
so a task may run twice (acks_late: a worker lost mid-task hands it to another) or be retried
after a database hiccup without changing the result. When retries are exhausted the run is
recorded as failed, and the dashboard shows it to district officials.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils.dateparse import parse_date

from .exports.jobs import export_job_run, export_jobs_prune
from .models import RollupRun
from .notifications.services import reminders_generate
from .rollups import retention, services
from .rollups.backfill import rollup_backfill_years

RETRYABLE = (OperationalError, InterfaceError)
RETRY = {
    "acks_late": True,
    "autoretry_for": RETRYABLE,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


class RollupTask(Task):
    """Records a run that gave up, so that the failure is visible in the UI."""

    run_kind = RollupRun.Kind.REFRESH

    def record_failure(self, exc: BaseException, run_id: int | None = None) -> None:
        services.rollup_run_failed(
            kind=self.run_kind,
            task_id=self.request.id or "",
            run_id=run_id,
            error=f"{type(exc).__name__}: {exc}",
        )

    def is_final(self, exc: BaseException) -> bool:
        """No retry will follow (not retryable, or the retries are used up)."""
        return not isinstance(exc, RETRYABLE) or self.request.retries >= self.max_retries

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # A worker also ends here for failures outside the task body (a hard time limit).
        self.record_failure(exc, kwargs.get("run_id"))


@shared_task(bind=True, base=RollupTask, run_kind=RollupRun.Kind.FULL, **RETRY)
def rollup_full_task(self, run_id: int | None = None, as_of: str | None = None) -> int:
    """Recompute every scope's snapshot (nightly, or when a district official asks)."""
    try:
        run = services.rollup_run_start(
            kind=RollupRun.Kind.FULL, task_id=self.request.id or "", run_id=run_id
        )
        return services.rollup_full(run=run, as_of=parse_date(as_of) if as_of else None)
    except Exception as exc:
        # Recorded here too: run eagerly with errors propagating, on_failure is not called.
        if self.is_final(exc):
            self.record_failure(exc, run_id)
        raise


@shared_task(bind=True, base=RollupTask, run_kind=RollupRun.Kind.REFRESH, **RETRY)
def rollup_refresh_task(self, as_of: str | None = None) -> int | None:
    """Refresh the scopes marked dirty since the last refresh (queued after changes, and by
    the beat as a safety net). Returns the run id, or None when nothing was marked."""
    # From here on a new change queues a new refresh rather than relying on this one.
    services._forget_pending()
    try:
        run = services.rollup_refresh(
            task_id=self.request.id or "", as_of=parse_date(as_of) if as_of else None
        )
    except Exception as exc:
        if self.is_final(exc):
            self.record_failure(exc)
        raise
    return run.pk if run is not None else None


@shared_task(acks_late=True)
def rollup_prune_task() -> int:
    return services.rollup_prune()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def ledger_export_task(job_id: int) -> None:
    """Write the ledger of an export job to MEDIA_ROOT/exports and mark the job ready."""
    export_job_run(job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def reminders_generate_task() -> dict[str, int]:
    """The daily reminder run (idempotent: a repeat the same day creates and sends nothing)."""
    result = reminders_generate()
    return {"due": result.due, "created": result.created, "emailed": result.emailed}


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def export_jobs_prune_task() -> int:
    """Delete export files older than RENOVATION_EXPORT_KEEP_DAYS (default 7)."""
    return export_jobs_prune()


@shared_task(**RETRY)
def rollup_backfill_task(since: str, project_ids: list[int] | None = None) -> int:
    """Rewrite past snapshots' started/completed figures after history was entered."""
    day = parse_date(since)
    if day is None:
        raise ValueError(f"not an ISO date: {since!r}")
    return rollup_backfill_years(since=day, project_ids=project_ids)


@shared_task(acks_late=True)
def snapshot_prune_task() -> int:
    """Keep daily snapshots for 90 days, then one a month (reporting/rollups/retention.py)."""
    return retention.snapshot_prune()
