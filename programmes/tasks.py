"""Celery tasks of exports and reminders: thin wrappers that take ids and call one service.
(Rollup tasks live in renovation/tasks.py.)"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def ledger_export_task(job_id: int) -> None:
    """Write the ledger of an export job to MEDIA_ROOT/exports and mark the job ready."""
    from renovation.exports.jobs import export_job_run

    export_job_run(job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def reminders_generate_task() -> dict[str, int]:
    """The daily reminder run (idempotent: a repeat the same day creates and sends nothing)."""
    from renovation.notifications.services import reminders_generate

    result = reminders_generate()
    return {"due": result.due, "created": result.created, "emailed": result.emailed}


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def export_jobs_prune_task() -> int:
    """Delete export files older than RENOVATION_EXPORT_KEEP_DAYS (default 7)."""
    from renovation.exports.jobs import export_jobs_prune

    return export_jobs_prune()
