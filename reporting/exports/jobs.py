"""Export jobs: large ledgers are written by a worker, with progress, to MEDIA_ROOT/exports.

The job keeps the GET parameters, not the resolved scope: the worker resolves them again against
the owner's scope, so a job can never export more than its owner may read at the time it runs.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from typing import TYPE_CHECKING

from celery import signature
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from renovation.xlsx import Table, csv_lines, unit_or_default, write_workbook

from ..models import ExportJob
from .ledger import BUILDERS, ledger_row_estimate, ledger_tables
from .scope import LedgerScope, ScopeNotFound, ledger_scope_resolve

if TYPE_CHECKING:
    from renovation.models import User

PROGRESS_EVERY = 500
logger = logging.getLogger(__name__)


def async_threshold() -> int:
    """Ledgers of more compounds than this run as a job (RENOVATION_EXPORT_ASYNC_COMPOUNDS)."""
    return getattr(settings, "RENOVATION_EXPORT_ASYNC_COMPOUNDS", 5000)


def export_job_start(
    *, user: User, kind: str, scope: LedgerScope, params: dict, language: str
) -> ExportJob:
    """Record the job and queue it once the transaction commits."""
    job = ExportJob.objects.create(
        user=user,
        kind=kind,
        params={**params, "language": language},
        scope_label=scope.label[:255],
    )

    def enqueue() -> None:
        try:
            signature("reporting.tasks.ledger_export_task", args=(job.pk,)).delay()
        except Exception:  # broker unreachable: say so on the job instead of a 500
            logger.exception("Could not queue export job %s", job.pk)
            _fail(job, _("The task queue is not reachable; try again later."))

    transaction.on_commit(enqueue)
    return job


def export_jobs_prune(*, days: int | None = None) -> int:
    """Delete export jobs (and their files) older than RENOVATION_EXPORT_KEEP_DAYS."""
    days = days if days is not None else getattr(settings, "RENOVATION_EXPORT_KEEP_DAYS", 7)
    old = ExportJob.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))
    for job in old.exclude(file=""):
        job.file.delete(save=False)
    count, _deleted = old.delete()
    return count


def _file_name(job: ExportJob) -> str:
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M%S")
    extension = "csv" if job.kind == ExportJob.Kind.LEDGER_CSV else "xlsx"
    return f"ledger-{job.pk}-{stamp}.{extension}"


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file. A rerun of a finished job does nothing; a failure is recorded on
    the job (the page shows it) and re-raised for the worker's log; only database errors are
    retried."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=0)
    user = job.user
    params = job.params
    with override(params.get("language") or settings.LANGUAGE_CODE):
        try:
            scope = ledger_scope_resolve(user=user, params=params)
        except ScopeNotFound:
            return _fail(job, _("The scope of this export is no longer visible to you."))
        unit = unit_or_default(params.get("unit"))
        estimate = max(ledger_row_estimate(user=user, scope=scope), 1)

        def progress(rows: int) -> None:
            if rows % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(
                    rows=rows, progress=min(99, rows * 100 // estimate)
                )

        try:
            with tempfile.TemporaryFile() as handle:
                if job.kind == ExportJob.Kind.LEDGER_CSV:
                    sheet = params.get("sheet") if params.get("sheet") in BUILDERS else "compounds"
                    table: Table = BUILDERS[sheet](user=user, scope=scope, unit=unit)
                    rows = 0
                    for line in csv_lines(table):
                        handle.write(line.encode("utf-8"))
                        rows += 1
                        progress(rows)
                    rows -= 1  # the header line
                else:
                    tables = ledger_tables(user=user, scope=scope, unit=unit)
                    for table in tables:
                        table.on_row = progress
                    rows = write_workbook(tables, handle)
                handle.seek(0)
                job.file.save(_file_name(job), File(handle), save=False)
        except Exception as error:  # recorded for the owner to see; the worker logs it too
            _fail(job, _("The export failed: %(error)s") % {"error": error.__class__.__name__})
            raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=100,
        rows=rows,
        file=job.file.name,
        finished_at=timezone.now(),
        error="",
    )
    job.refresh_from_db()
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def export_job_for(*, user: User, pk: int) -> ExportJob:
    """A job of the user's own (DoesNotExist for anyone else's: 404, not 403)."""
    return ExportJob.objects.get(pk=pk, user=user)
