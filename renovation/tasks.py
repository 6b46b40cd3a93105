"""Celery tasks of the platform core: thin wrappers around the rollup services.

Tasks take ids and ISO dates and own only retries. Rollups recompute from source and upsert,
so a task may run twice (acks_late: a worker lost mid-task hands it to another) or be retried
after a database hiccup without changing the result. When retries are exhausted the run is
recorded as failed, and the dashboard shows it to district officials.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils.dateparse import parse_date

from renovation.models import RollupRun
from renovation.rollups import retention, services

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


@shared_task(acks_late=True)
def snapshot_prune_task() -> int:
    """Keep daily snapshots for 90 days, then one a month (renovation/rollups/retention.py)."""
    return retention.snapshot_prune()
